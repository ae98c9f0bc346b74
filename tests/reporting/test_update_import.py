"""Updates on the plan's actions in and out of spreadsheets, as figures go: one row per quarter and
deliverable; an import fills in drafts their owners could still change, reports every bad row and why,
and writes nothing if any row is bad; an export imports back unchanged."""

import datetime

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from import_export.formats import base_formats

from reporting.update_sheets import DeliverableUpdateResource
from returns.models import DeliverableUpdate, DeliveryStatus, PeriodState, ReturnState
from returns.periods import create_missing_items
from returns.workflow import UpdateContent, approve, save_draft, submit
from tests import factories

HEADERS = [
    "partnership",
    "quarter",
    "priority",
    "deliverable",
    "status",
    "done_this_quarter",
    "next_steps",
    "why",
    "recovery",
    "back_on_track_by",
    "completed_on",
]
Q2 = "2026-27-Q2"


@pytest.fixture
def actions(plan):
    """Three actions of the small plan, with their open Q2 updates made."""
    plan.lead = factories.DeliverableFactory(priority=plan.priority, order=1, lead_agency=plan.ours)
    plan.chosen = factories.DeliverableFactory(priority=plan.priority, order=2, owner=plan.theirs)
    plan.nobody = factories.DeliverableFactory(priority=plan.priority, order=3)
    create_missing_items(plan.period)
    return plan


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", "a-long-password-1")


def row(order: int, status: str = "On track", done: str = "Work done.", nxt: str = "More work.", **cells):
    values = {
        "partnership": "testshire",
        "quarter": Q2,
        "priority": "SAFE",
        "deliverable": order,
        "status": status,
        "done_this_quarter": done,
        "next_steps": nxt,
    } | cells
    return tuple(values.get(name, "") for name in HEADERS)


def import_rows(*rows, user=None, dry_run=False):
    dataset = tablib.Dataset(*rows, headers=HEADERS)
    return DeliverableUpdateResource().import_data(dataset, dry_run=dry_run, user=user)


def errors_of(result) -> dict[int, str]:
    return {
        r.number: " ".join(message for messages in r.error_dict.values() for message in messages)
        for r in result.invalid_rows
    }


def stored() -> list[tuple]:
    return list(
        DeliverableUpdate.objects.order_by("pk").values_list(
            "pk",
            "state",
            "version",
            "status",
            "progress",
            "next_steps",
            "why",
            "recovery",
            "back_on_track_by",
            "completed_on",
        )
    )


def test_an_import_fills_in_each_update_as_a_draft_recorded_in_its_history(actions, superuser):
    at_risk = {
        "why": "The contractor went bust.",
        "recovery": "A new contractor by framework.",
        "back_on_track_by": "31/01/2027",
    }
    result = import_rows(
        row(1),
        row(2, "at risk", **at_risk),
        row(3, "Completed", nxt="", completed_on="2026-09-01"),
        user=superuser,
    )

    assert not result.has_errors() and not result.has_validation_errors(), errors_of(result)
    assert result.totals["update"] == 3
    lead, chosen, nobody = (
        DeliverableUpdate.objects.get(deliverable=d) for d in (actions.lead, actions.chosen, actions.nobody)
    )
    assert (lead.state, lead.status, lead.progress, lead.version) == ("draft", "on_track", "Work done.", 2)
    assert (chosen.status, chosen.why, chosen.back_on_track_by) == (
        "at_risk",
        "The contractor went bust.",
        datetime.date(2027, 1, 31),
    )
    assert (nobody.status, nobody.completed_on) == ("completed", datetime.date(2026, 9, 1))
    record = lead.history.latest()
    assert (record.history_user, record.history_change_reason, lead.updated_by) == (
        superuser,
        "Imported",
        superuser,
    )


BAD_ROWS = [
    pytest.param(row(9), "There is no deliverable 9 of SAFE in", id="unknown-deliverable"),
    pytest.param(row(1, priority="NOPE"), "There is no deliverable 1 of NOPE", id="unknown-priority"),
    pytest.param(row(1, partnership="atlantis"), "There is no partnership 'atlantis'", id="partnership"),
    pytest.param(row(1, quarter="2026-27-Q5"), "the quarter must be Q1, Q2, Q3 or Q4", id="bad-quarter"),
    pytest.param(row(1, quarter="2027-28-Q1"), "have no reporting period 2027-28-Q1", id="no-period"),
    pytest.param(row(1, "Nearly there"), "The status must be one of not_started, on_track", id="bad-status"),
    pytest.param(row(1, "At risk"), "Say why the action is at risk or off track.", id="at-risk-without-why"),
    pytest.param(
        row(1, "Off track", why="Late.", recovery="More staff."),
        "Give the date it is expected to be back on track.",
        id="off-track-without-date",
    ),
    pytest.param(
        row(1, "Completed", nxt=""), "Give the date the action was completed.", id="completed-no-date"
    ),
    pytest.param(row(1, done=""), "Say what was done this quarter.", id="nothing-done"),
    pytest.param(row(1, completed_on="soon"), "must be a date like 2026-10-31, not 'soon'", id="bad-date"),
    pytest.param(row(1, done="x" * 2001), "is 2,001 characters long: at most 2,000", id="too-long"),
    pytest.param(row("three"), "The deliverable must be a whole number, like 3", id="order-not-a-number"),
]


@pytest.mark.parametrize(("bad", "message"), BAD_ROWS)
def test_each_kind_of_bad_row_is_refused_in_plain_english_and_nothing_is_written(actions, bad, message):
    before = stored()

    result = import_rows(row(2), bad)

    assert message in errors_of(result)[2], errors_of(result)
    assert list(errors_of(result)) == [2]
    assert stored() == before  # the good first row is rolled back too


def test_every_bad_row_is_reported_in_one_round(actions):
    result = import_rows(row(1, "At risk"), row(2), row(9), row(2, "Completed", nxt=""))

    errors = errors_of(result)
    assert sorted(errors) == [1, 3, 4]
    assert "Say why the action is at risk" in errors[1]
    assert "There is no deliverable 9" in errors[3]
    assert "Row 2 already gives SAFE action 2 for 2026-27-Q2" in errors[4]


def test_a_closed_period_and_a_submitted_update_are_not_changed(actions, officer, coordinator):
    update = DeliverableUpdate.objects.get(deliverable=actions.lead)
    content = UpdateContent(status=DeliveryStatus.ON_TRACK, progress="Begun.", next_steps="Go on.")
    submit(save_draft(update, officer, content, version=1), officer, version=2)

    submitted = errors_of(import_rows(row(1)))
    actions.period.state = PeriodState.CLOSED
    actions.period.save()
    closed = errors_of(import_rows(row(2)))

    assert submitted == {
        1: f"SAFE action 1 for {Q2}: This update is submitted and can no longer be changed. A coordinator "
        "can send it back or re-open it first."
    }
    assert closed == {1: f"SAFE action 2 for {Q2}: This period is closed: updates can no longer be changed."}


def test_a_period_not_yet_open_has_no_updates_to_fill(actions):
    factories.PeriodFactory(plan_year=actions.plan_year, number=3, state=PeriodState.NOT_OPEN)

    result = import_rows(row(1, quarter="2026-27-Q3"))

    assert errors_of(result) == {
        1: "SAFE action 1 has no update for 2026-27-Q3: the period has not been opened."
    }


@pytest.fixture
def written(actions, officer, coordinator):
    """Updates in every state: one approved (at risk), one a draft, one not started."""
    lead = DeliverableUpdate.objects.get(deliverable=actions.lead)
    content = UpdateContent(
        status=DeliveryStatus.AT_RISK,
        progress='=HYPERLINK("http://evil.example")\r\nand more',
        next_steps="Next.",
        why="Why.",
        recovery="Recovery.",
        back_on_track_by=datetime.date(2027, 2, 1),
    )
    approve(submit(save_draft(lead, officer, content, version=1), officer, version=2), coordinator)
    chosen = DeliverableUpdate.objects.get(deliverable=actions.chosen)
    save_draft(
        chosen, coordinator, UpdateContent(status=DeliveryStatus.ON_TRACK, progress="Half."), version=1
    )
    return actions


def test_an_export_imports_back_unchanged(written):
    before = stored()
    exported = DeliverableUpdateResource().export()

    assert [(r["deliverable"], r["state"], r["status"]) for r in exported.dict] == [
        ("1", "approved", "At risk"),
        ("2", "draft", "On track"),
        ("3", "not_started", ""),
    ]
    result = DeliverableUpdateResource().import_data(tablib.Dataset().load(exported.csv, format="csv"))

    assert not result.has_errors() and not result.has_validation_errors(), errors_of(result)
    assert result.totals["skip"] == 3
    assert stored() == before


def admin_export(client, file_format: int) -> bytes:
    names = DeliverableUpdateResource().get_export_order()
    data = {"format": str(file_format), "resource": "0"}
    data |= {f"deliverableupdateresource_{name}": "on" for name in names}
    response = client.post(reverse("admin:returns_deliverableupdate_export"), data)
    assert response.status_code == 200, response.content[:500]
    return response.content


def test_the_admin_xlsx_export_keeps_dates_as_dates_and_imports_back_unchanged(client, superuser, written):
    client.force_login(superuser)
    before = stored()

    dataset = base_formats.XLSX().create_dataset(admin_export(client, 1))

    first = dataset.dict[0]
    assert first["back_on_track_by"] in (datetime.date(2027, 2, 1), datetime.datetime(2027, 2, 1))
    assert first["done_this_quarter"].startswith("'=HYPERLINK")
    result = DeliverableUpdateResource().import_data(dataset)
    assert not result.has_errors() and not result.has_validation_errors(), errors_of(result)
    assert result.totals["skip"] == 3
    assert stored() == before


def test_the_admin_previews_every_bad_row_and_applies_a_good_file_on_confirm(client, superuser, actions):
    client.force_login(superuser)
    url = reverse("admin:returns_deliverableupdate_import")
    bad = tablib.Dataset(row(1), row(2, "At risk"), headers=HEADERS).export("csv")

    refused = client.post(
        url, {"import_file": SimpleUploadedFile("u.csv", bad.encode()), "format": "0", "resource": "0"}
    )

    page = refused.content.decode()
    assert "Some rows failed to validate" in page
    assert "Say why the action is at risk or off track." in page
    assert not DeliverableUpdate.objects.exclude(state=ReturnState.NOT_STARTED).exists()

    good = tablib.Dataset(row(1), row(2), headers=HEADERS).export("xlsx")
    preview = client.post(
        url, {"import_file": SimpleUploadedFile("u.xlsx", good), "format": "1", "resource": "0"}
    )
    assert not DeliverableUpdate.objects.exclude(state=ReturnState.NOT_STARTED).exists()  # a preview
    confirm = client.post(
        reverse("admin:returns_deliverableupdate_process_import"), preview.context["confirm_form"].initial
    )

    assert confirm.status_code == 302
    assert DeliverableUpdate.objects.filter(state=ReturnState.DRAFT).count() == 2


def test_the_update_admin_pages_open(client, superuser, written):
    client.force_login(superuser)

    for name in ("changelist", "import", "export"):
        assert client.get(reverse(f"admin:returns_deliverableupdate_{name}")).status_code == 200, name


def test_a_partnership_administrator_imports_only_their_own_partnerships_updates(actions, other_plan):
    admin = factories.make_user(
        "otherton-admin", "admin", partnerships=[other_plan.partnership], is_staff=True
    )

    result = import_rows(row(1), user=admin)

    assert "You may import only for the partnerships you administer (otherton)" in errors_of(result)[1]
