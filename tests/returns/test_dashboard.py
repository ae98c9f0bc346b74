"""The coordinator's dashboard: counts that match the returns, filters that narrow, links behind every count,
reminders to one agency, escalations into the summary, and no access for anyone else."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reporting.summary import fingerprint
from returns.models import ReminderSent, ReportingPeriod, Return, ReturnState
from returns.periods import create_missing_items
from tests import factories

# Our agency has one return in each state (plus a second not started); theirs has one draft.
OURS = {
    "SAFE-01": ReturnState.NOT_STARTED,
    "SAFE-03": ReturnState.NOT_STARTED,
    "SAFE-04": ReturnState.DRAFT,
    "SAFE-05": ReturnState.SUBMITTED,
    "SAFE-06": ReturnState.RETURNED,
    "SAFE-07": ReturnState.APPROVED,
}


@pytest.fixture
def quarter(plan, officer, other_agency_officer):
    """The plan's open period, with every state present, a second priority, and a deadline a week off."""
    other_priority = factories.PriorityFactory(plan_year=plan.plan_year, code="OTHER", title="Other things")
    for code in list(OURS)[1:]:
        priority = other_priority if code == "SAFE-07" else plan.priority
        factories.IndicatorFactory(priority=priority, code=code, agencies=[plan.ours])
    create_missing_items(plan.period)
    for code, state in OURS.items():
        Return.objects.filter(period=plan.period, indicator__code=code).update(state=state)
    Return.objects.filter(pk=plan.other_ret.pk).update(state=ReturnState.DRAFT)
    plan.period.deadline = timezone.localdate() + timedelta(days=7)
    plan.period.save()
    plan.other_priority = other_priority
    return plan


def dashboard_url(plan, name="dashboard", query=""):
    return plan.period.link(name) + query


def counts(row) -> dict[str, int]:
    return {state: n for state, _, n, _ in row.counts}


def test_counts_match_the_returns_for_every_state(client, coordinator, quarter):
    client.force_login(coordinator)

    response = client.get(dashboard_url(quarter))

    rows = {row.name: row for row in response.context["rows"]}
    assert counts(rows["Testshire Police"]) == {
        "not_started": 2,
        "draft": 1,
        "submitted": 1,
        "returned": 1,
        "approved": 1,
    }
    assert counts(rows["Testshire Fire"]) == {
        "not_started": 0,
        "draft": 1,
        "submitted": 0,
        "returned": 0,
        "approved": 0,
    }
    for row in rows.values():
        expected = Return.objects.filter(period=quarter.period, agency_id=row.id)
        for state, n in counts(row).items():
            assert n == expected.filter(state=state).count()
        assert row.total == expected.count()
    totals = response.context["totals"]
    assert counts(totals)["draft"] == 2
    assert totals.total == Return.objects.filter(period=quarter.period).count() == 7


def test_counts_by_indicator_match_the_returns(client, coordinator, quarter):
    client.force_login(coordinator)

    response = client.get(dashboard_url(quarter, "dashboard_indicators"))

    groups = dict(response.context["groups"])
    assert list(groups) == ["Safer streets", "Other things"]
    by_code = {row.name.split(":")[0]: row for rows in groups.values() for row in rows}
    assert set(by_code) == {*OURS, "SAFE-02"}
    for code, state in OURS.items():
        assert counts(by_code[code])[state] == 1
        assert by_code[code].total == 1
    assert response.context["totals"].total == 7


def test_every_count_links_to_the_returns_behind_it(client, coordinator, quarter):
    client.force_login(coordinator)
    response = client.get(dashboard_url(quarter))
    links = [(n, url) for row in response.context["rows"] for _, _, n, url in row.counts if n]
    links += [(row.total, row.total_url) for row in response.context["rows"]]
    links += [(n, url) for _, _, n, url in response.context["totals"].counts if n]
    body = response.content.decode()

    for n, url in links:
        assert f'href="{url.replace("&", "&amp;")}"' in body
        listed = client.get(url).context["returns"]
        assert len(listed) == n, url


def test_state_filter_narrows_the_rows(client, coordinator, quarter):
    client.force_login(coordinator)

    response = client.get(dashboard_url(quarter, query="?state=returned"))

    rows = response.context["rows"]
    assert [row.name for row in rows] == ["Testshire Police"]
    assert counts(rows[0]) == {"not_started": 0, "draft": 0, "submitted": 0, "returned": 1, "approved": 0}


def test_agency_filter_narrows_the_rows(client, coordinator, quarter):
    client.force_login(coordinator)

    response = client.get(dashboard_url(quarter, query=f"?agency={quarter.theirs.pk}"))

    assert [row.name for row in response.context["rows"]] == ["Testshire Fire"]


def test_priority_filter_narrows_the_counts(client, coordinator, quarter):
    client.force_login(coordinator)

    response = client.get(dashboard_url(quarter, query=f"?priority={quarter.other_priority.pk}"))

    rows = response.context["rows"]
    assert [(row.name, row.total, counts(row)["approved"]) for row in rows] == [("Testshire Police", 1, 1)]


def test_filters_combine_on_the_returns_list(client, coordinator, quarter):
    client.force_login(coordinator)

    response = client.get(
        dashboard_url(quarter, "dashboard_returns", f"?agency={quarter.ours.pk}&state=not_started")
    )

    assert sorted(r.indicator.code for r in response.context["returns"]) == ["SAFE-01", "SAFE-03"]


def test_a_filter_that_does_not_belong_to_the_period_is_ignored(client, coordinator, quarter):
    stranger = factories.AgencyFactory(name="Elsewhere Police")
    client.force_login(coordinator)

    response = client.get(dashboard_url(quarter, query=f"?agency={stranger.pk}&state=nonsense&priority=x"))

    assert response.status_code == 200
    assert response.context["totals"].total == 7


def test_late_returns_are_marked_once_the_deadline_passes(client, coordinator, quarter):
    client.force_login(coordinator)
    before = client.get(dashboard_url(quarter))
    assert [row.late for row in before.context["rows"]] == [0, 0]
    assert "late</strong>" not in before.content.decode()

    ReportingPeriod.objects.filter(pk=quarter.period.pk).update(
        deadline=timezone.localdate() - timedelta(days=1)
    )
    after = client.get(dashboard_url(quarter))

    rows = {row.name: row for row in after.context["rows"]}
    assert rows["Testshire Police"].late == 4  # two not started, a draft, one sent back
    assert rows["Testshire Fire"].late == 1
    assert "4 late" in after.content.decode()
    late_list = client.get(rows["Testshire Police"].late_url).context["returns"]
    assert sorted(r.indicator.code for r in late_list) == ["SAFE-01", "SAFE-03", "SAFE-04", "SAFE-06"]


def test_last_activity_ignores_returns_nobody_has_touched(client, coordinator, quarter):
    client.force_login(coordinator)
    touched = timezone.now() - timedelta(days=2)
    Return.objects.filter(period=quarter.period, agency=quarter.theirs).update(updated_at=touched)
    Return.objects.filter(period=quarter.period, agency=quarter.ours).update(
        updated_at=timezone.now() - timedelta(days=9)
    )
    Return.objects.filter(period=quarter.period, indicator__code="SAFE-01").update(updated_at=timezone.now())

    rows = {row.name: row for row in client.get(dashboard_url(quarter)).context["rows"]}

    assert rows["Testshire Fire"].last_activity == touched
    assert rows["Testshire Police"].last_activity < touched  # SAFE-01 is not started: not activity


def test_htmx_request_gets_only_the_results(client, coordinator, quarter):
    client.force_login(coordinator)

    for name in ("dashboard", "dashboard_indicators", "dashboard_returns"):
        response = client.get(dashboard_url(quarter, name, "?state=draft"), headers={"HX-Request": "true"})
        body = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in body
        assert body.lstrip().startswith('<div id="results">')
        assert "HX-Request" in response["Vary"]


def test_filters_work_without_javascript(client, coordinator, quarter):
    client.force_login(coordinator)

    body = client.get(dashboard_url(quarter)).content.decode()

    assert f'<form method="get" action="{dashboard_url(quarter)}" hx-get="{dashboard_url(quarter)}"' in body
    assert "Apply filters" in body


def test_current_dashboard_shows_the_open_period(client, coordinator, quarter):
    client.force_login(coordinator)

    response = client.get(reverse("dashboard_current", args=["testshire"]))

    assert response.context["period"] == quarter.period
    assert 'aria-current="page"' in response.content.decode()


@pytest.mark.parametrize("name", ["dashboard", "dashboard_indicators", "dashboard_returns", "escalations"])
@pytest.mark.parametrize("role", ["officer", "viewer"])
def test_officers_and_viewers_cannot_open_the_dashboard(client, quarter, officer, viewer, name, role):
    client.force_login({"officer": officer, "viewer": viewer}[role])

    assert client.get(dashboard_url(quarter, name)).status_code == 403
    assert client.get(reverse("dashboard_current", args=["testshire"])).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, quarter):
    response = client.get(dashboard_url(quarter))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_officers_cannot_send_reminders(client, quarter, officer, mailoutbox):
    client.force_login(officer)

    response = client.post(
        reverse("send_agency_reminder", args=["testshire", quarter.period.pk, quarter.ours.pk])
    )

    assert response.status_code == 403
    assert mailoutbox == []


def grow(plan, times: int) -> None:
    for n in range(times):
        indicator = factories.IndicatorFactory(
            priority=plan.priority, code=f"GROW-{n:03d}", agencies=[plan.ours]
        )
        factories.MeasureFactory(indicator=indicator, supplier=plan.ours)
        factories.DeliverableFactory(priority=plan.priority, owner=plan.ours if n % 2 else None)
    create_missing_items(plan.period)
    ReminderSent.objects.create(period=plan.period, user=plan.officer, kind="before")


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["dashboard", "dashboard_indicators", "dashboard_returns", "escalations"])
def test_queries_do_not_grow_with_the_plan(client, coordinator, quarter, officer, name):
    quarter.officer = officer
    factories.DeliverableFactory(priority=quarter.priority, owner=quarter.ours)
    create_missing_items(quarter.period)  # an update too: each kind of item is read once, however many
    client.force_login(coordinator)
    url = dashboard_url(quarter, name, "?state=not_started" if name != "escalations" else "")
    count_queries(client, url)  # warm per-process caches
    small = count_queries(client, url)

    grow(quarter, 40)
    Return.objects.filter(period=quarter.period).update(escalation="Needs the SEG's help.")
    large = count_queries(client, url)

    assert large == small
    # the session, the user, the partnership and their roles, the session's save; returns and updates apart
    assert small <= 18


# --- Reminders from the dashboard ---------------------------------------------------------------------


def test_coordinator_sends_a_reminder_to_one_agency_and_sees_when(client, coordinator, quarter, mailoutbox):
    client.force_login(coordinator)
    url = reverse("send_agency_reminder", args=["testshire", quarter.period.pk, quarter.ours.pk])

    response = client.post(url, {"state": "draft", "csrfmiddlewaretoken": "ignored"})

    assert response.status_code == 302
    assert response["Location"] == dashboard_url(quarter, query="?state=draft")
    assert [m.to for m in mailoutbox] == [["officer@example.org"]]
    page = client.get(dashboard_url(quarter))
    rows = {row.name: row for row in page.context["rows"]}
    assert rows["Testshire Police"].last_reminded is not None
    assert rows["Testshire Fire"].last_reminded is None
    body = page.content.decode()
    assert "Reminder sent to 1 officer at Testshire Police." in body
    assert "Last sent" in body


def test_reminder_to_an_agency_with_nothing_outstanding_is_explained(
    client, coordinator, quarter, mailoutbox
):
    Return.objects.filter(agency=quarter.theirs).update(state=ReturnState.APPROVED)
    client.force_login(coordinator)

    response = client.post(
        reverse("send_agency_reminder", args=["testshire", quarter.period.pk, quarter.theirs.pk]), follow=True
    )

    assert "Testshire Fire has nothing outstanding for this period." in response.content.decode()
    assert mailoutbox == []


def test_scheduled_reminders_count_toward_last_reminded(client, coordinator, quarter, officer):
    ReminderSent.objects.create(period=quarter.period, user=officer, kind="late")
    client.force_login(coordinator)

    rows = {row.name: row for row in client.get(dashboard_url(quarter)).context["rows"]}

    assert rows["Testshire Police"].last_reminded is not None
    assert rows["Testshire Fire"].last_reminded is None


def test_reminder_to_an_agency_of_another_partnership_is_not_found(client, coordinator, quarter):
    stranger = factories.AgencyFactory(name="Elsewhere Police")
    client.force_login(coordinator)

    response = client.post(
        reverse("send_agency_reminder", args=["testshire", quarter.period.pk, stranger.pk])
    )

    assert response.status_code == 404


# --- Escalations --------------------------------------------------------------------------------------


@pytest.fixture
def escalated(quarter):
    # Escalations reach the coordinator once submitted; a draft's is still the agency's own.
    Return.objects.filter(pk=quarter.ret.pk).update(
        escalation="Patrols cut <b>by half</b> from October.", state=ReturnState.SUBMITTED
    )
    Return.objects.filter(pk=quarter.other_ret.pk).update(
        escalation="Two engines off the run.", state=ReturnState.APPROVED
    )
    Return.objects.filter(period=quarter.period, indicator__code="SAFE-04").update(escalation="   \n ")
    return quarter


def escalations_url(plan):
    return reverse("escalations", args=["testshire", plan.period.pk])


def post_summary(client, plan, summary: str, **extra):
    period = ReportingPeriod.objects.get(pk=plan.period.pk)
    data = {"summary": summary, "based_on": fingerprint(period.summary), **extra}
    return client.post(escalations_url(plan), data)


def test_escalations_lists_every_item_escaped(client, coordinator, escalated):
    client.force_login(coordinator)

    response = client.get(escalations_url(escalated))

    body = response.content.decode()
    assert [r.indicator.code for r in response.context["items"]] == ["SAFE-01", "SAFE-02"]
    assert "Patrols cut &lt;b&gt;by half&lt;/b&gt; from October." in body
    assert "<b>by half</b>" not in body
    assert "Two engines off the run." in body
    assert "2 items escalated" in body


def test_a_draft_escalation_is_not_listed(client, coordinator, escalated):
    Return.objects.filter(pk=escalated.ret.pk).update(state=ReturnState.DRAFT)
    client.force_login(coordinator)

    response = client.get(escalations_url(escalated))

    assert [r.indicator.code for r in response.context["items"]] == ["SAFE-02"]
    assert "by half" not in response.content.decode()


def test_add_to_summary_appends_the_item_and_keeps_what_was_typed(client, coordinator, escalated):
    client.force_login(coordinator)
    ReportingPeriod.objects.filter(pk=escalated.period.pk).update(summary="Saved earlier.")

    response = post_summary(client, escalated, "Typed but not saved.", add=escalated.other_ret.pk)

    assert response.status_code == 302
    summary = ReportingPeriod.objects.get(pk=escalated.period.pk).summary
    assert summary == "Typed but not saved.\n\nSAFE-02 (TF): Two engines off the run."
    page = client.get(escalations_url(escalated)).content.decode()
    assert "In the summary" in page


def test_summary_is_saved_as_typed(client, coordinator, escalated):
    client.force_login(coordinator)

    post_summary(client, escalated, "<script>alert(1)</script> Good quarter.", save="1")

    period = ReportingPeriod.objects.get(pk=escalated.period.pk)
    assert period.summary == "<script>alert(1)</script> Good quarter."
    page = client.get(escalations_url(escalated)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Good quarter." in page
    assert "<script>alert(1)" not in page


def test_summary_over_the_limit_is_refused_with_a_message(client, coordinator, escalated):
    client.force_login(coordinator)

    response = post_summary(client, escalated, "x" * 5990, add=escalated.ret.pk)

    assert response.status_code == 200
    assert "longer than 6000 characters" in response.content.decode()
    assert ReportingPeriod.objects.get(pk=escalated.period.pk).summary == ""


def test_a_summary_changed_by_someone_else_is_not_overwritten(client, coordinator, escalated):
    client.force_login(coordinator)
    stale = fingerprint("")
    ReportingPeriod.objects.filter(pk=escalated.period.pk).update(summary="Written by a colleague.")

    response = client.post(escalations_url(escalated), {"summary": "Mine.", "based_on": stale})

    assert response.status_code == 200
    body = response.content.decode()
    assert "Someone else changed the summary" in body
    assert ReportingPeriod.objects.get(pk=escalated.period.pk).summary == "Written by a colleague."
    # Neither person's work is lost: theirs is shown, what was typed stays in the box.
    assert "Written by a colleague." in body
    assert response.context["form"]["summary"].value() == "Mine."


def test_htmx_add_returns_the_updated_partial(client, coordinator, escalated):
    client.force_login(coordinator)
    period = ReportingPeriod.objects.get(pk=escalated.period.pk)

    response = client.post(
        escalations_url(escalated),
        {"summary": "", "based_on": fingerprint(period.summary), "add": escalated.ret.pk},
        headers={"HX-Request": "true"},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="escalations">')
    assert "Summary saved." in body
    assert ReportingPeriod.objects.get(pk=escalated.period.pk).summary.startswith("SAFE-01 (TP): Patrols cut")


def test_every_form_on_the_dashboard_pages_has_csrf(client, coordinator, escalated, officer):
    client.force_login(coordinator)

    for url in (dashboard_url(escalated), escalations_url(escalated)):
        body = client.get(url).content.decode()
        assert body.count('method="post"') == body.count('name="csrfmiddlewaretoken"') >= 2
