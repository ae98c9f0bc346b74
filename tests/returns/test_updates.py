"""Updates on the plan's actions: made when a quarter opens, owned by the lead, the chosen owner or the
coordinators; written, sent back, approved and locked by the same workflow as returns."""

import datetime

import pytest
from django.urls import reverse

from returns.models import DeliverableUpdate, DeliveryStatus, PeriodState, ReturnState
from returns.periods import create_missing_items, set_period_state
from returns.workflow import (
    StaleReturn,
    UpdateContent,
    WorkflowError,
    approve,
    reopen,
    save_draft,
    send_back,
    submit,
)
from tests import factories

ON_TRACK = UpdateContent(
    status=DeliveryStatus.ON_TRACK,
    progress="Cameras installed in two hot spots.",
    next_steps="Review the footage protocol with the CSU.",
)


@pytest.fixture
def actions(plan):
    """Three actions: one the plan gives a lead (ours), one the coordinator gave an owner (theirs), one with
    neither; the open quarter's updates made for them."""
    lead = factories.DeliverableFactory(priority=plan.priority, order=1, lead_agency=plan.ours)
    chosen = factories.DeliverableFactory(priority=plan.priority, order=2, owner=plan.theirs)
    nobody = factories.DeliverableFactory(priority=plan.priority, order=3)
    create_missing_items(plan.period)
    plan.lead, plan.chosen, plan.nobody = lead, chosen, nobody
    plan.update = DeliverableUpdate.objects.get(deliverable=lead)
    return plan


def update_of(deliverable, period) -> DeliverableUpdate:
    return DeliverableUpdate.objects.get(deliverable=deliverable, period=period)


def test_opening_a_quarter_makes_an_update_for_each_action_from_its_owner(actions):
    owners = dict(
        DeliverableUpdate.objects.filter(period=actions.period).values_list("deliverable", "agency")
    )

    assert owners == {
        actions.lead.pk: actions.ours.pk,
        actions.chosen.pk: actions.theirs.pk,
        actions.nobody.pk: None,
    }
    assert create_missing_items(actions.period) == 0  # made once


def test_an_action_completed_earlier_owes_no_more_updates(actions, officer, coordinator):
    content = UpdateContent(
        status=DeliveryStatus.COMPLETED, progress="Done.", completed_on=datetime.date(2026, 9, 1)
    )
    update = save_draft(actions.update, officer, content, version=1)
    approve(submit(update, officer, version=update.version), coordinator)
    q3 = factories.PeriodFactory(plan_year=actions.plan_year, number=3, state=PeriodState.NOT_OPEN)

    set_period_state(q3, coordinator, PeriodState.OPEN)

    assert set(q3.deliverableupdates.values_list("deliverable", flat=True)) == {
        actions.chosen.pk,
        actions.nobody.pk,
    }


def test_officer_writes_submits_and_the_coordinator_approves(actions, officer, coordinator):
    update = save_draft(actions.update, officer, ON_TRACK, version=1)
    assert (update.state, update.version, update.status) == (ReturnState.DRAFT, 2, DeliveryStatus.ON_TRACK)

    update = submit(update, officer, version=update.version)
    assert update.state == ReturnState.SUBMITTED and update.submitted_at is not None
    assert approve(update, coordinator).state == ReturnState.APPROVED


MISSING = [
    (UpdateContent(), {"status", "progress", "next_steps"}),
    (UpdateContent(status=DeliveryStatus.ON_TRACK, progress="Going well."), {"next_steps"}),
    (
        UpdateContent(status=DeliveryStatus.AT_RISK, progress="Slipping.", next_steps="Recover."),
        {"why", "recovery", "back_on_track_by"},
    ),
    (
        UpdateContent(
            status=DeliveryStatus.OFF_TRACK, progress="Stalled.", next_steps="Escalate.", why="Funding"
        ),
        {"recovery", "back_on_track_by"},
    ),
    (UpdateContent(status=DeliveryStatus.COMPLETED, progress="Finished."), {"completed_on"}),
    (
        UpdateContent(status=DeliveryStatus.DEFERRED, progress="Put off.", next_steps="Next year's plan."),
        set(),
    ),
]


@pytest.mark.parametrize(("content", "missing"), MISSING)
def test_what_must_be_filled_in_depends_on_the_status(actions, officer, content, missing):
    update = save_draft(actions.update, officer, content, version=1)

    if missing:
        with pytest.raises(WorkflowError) as refused:
            submit(update, officer, version=update.version)
        assert set(refused.value.problems) == missing
    else:
        assert submit(update, officer, version=update.version).state == ReturnState.SUBMITTED


def test_sent_back_with_a_reason_emails_the_owner_then_resubmitted(
    actions, officer, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    update = submit(save_draft(actions.update, officer, ON_TRACK, version=1), officer, version=2)

    with django_capture_on_commit_callbacks(execute=True):
        update = send_back(update, coordinator, "Say which hot spots.")

    assert (update.state, update.returned_reason) == (ReturnState.RETURNED, "Say which hot spots.")
    assert [m.to for m in mailoutbox] == [["officer@example.org"]]
    assert "Say which hot spots." in mailoutbox[0].body
    assert actions.lead.label in mailoutbox[0].subject + mailoutbox[0].body
    update = save_draft(update, officer, ON_TRACK, version=update.version)
    assert submit(update, officer, version=update.version).state == ReturnState.SUBMITTED


def test_a_save_from_an_older_version_is_refused(actions, officer):
    save_draft(actions.update, officer, ON_TRACK, version=1)

    with pytest.raises(StaleReturn) as stale:
        save_draft(actions.update, officer, UpdateContent(progress="Mine"), version=1)

    assert stale.value.current.progress == ON_TRACK.progress


def test_another_agencys_officer_cannot_write_the_update(actions, other_agency_officer):
    with pytest.raises(WorkflowError, match="Only the officers"):
        save_draft(actions.update, other_agency_officer, ON_TRACK, version=1)


def test_a_closed_quarter_locks_updates_until_the_coordinator_reopens_one(actions, officer, coordinator):
    update = approve(
        submit(save_draft(actions.update, officer, ON_TRACK, version=1), officer, version=2), coordinator
    )
    set_period_state(actions.period, coordinator, PeriodState.CLOSED)

    with pytest.raises(WorkflowError, match="closed"):
        save_draft(update, officer, ON_TRACK, version=update.version)

    update = reopen(update, coordinator, "The status was wrong.")
    update = save_draft(
        update, officer, UpdateContent(**{**ON_TRACK.__dict__, "progress": "Fixed."}), version=update.version
    )
    assert update.progress == "Fixed."


def test_the_coordinators_write_the_update_on_an_action_with_no_owner(actions, officer, coordinator):
    update = update_of(actions.nobody, actions.period)

    with pytest.raises(WorkflowError, match="Only the officers"):
        save_draft(update, officer, ON_TRACK, version=1)
    update = save_draft(update, coordinator, ON_TRACK, version=1)
    assert submit(update, coordinator, version=update.version).state == ReturnState.SUBMITTED


# --- The pages ----------------------------------------------------------------------------------------


def page_url(update) -> str:
    return update.get_absolute_url()


def form_data(update, **values) -> dict:
    data = {
        "version": update.version,
        "status": "on_track",
        "progress": "Cameras installed.",
        "next_steps": "Review the protocol.",
        "why": "",
        "recovery": "",
        "back_on_track_by_day": "",
        "back_on_track_by_month": "",
        "back_on_track_by_year": "",
        "completed_on_day": "",
        "completed_on_month": "",
        "completed_on_year": "",
        "action": "save",
    }
    data.update(values)
    return data


def test_the_update_page_shows_the_action_statuses_with_their_definitions(client, actions, officer):
    client.force_login(officer)

    page = client.get(page_url(actions.update)).content.decode()

    assert actions.lead.text in page
    assert "Behind plan or facing a problem" in page  # At risk's definition, beside the choice
    for status in DeliveryStatus:
        assert status.label in page


def test_officer_submits_from_the_page_and_finds_it_submitted(client, actions, officer):
    client.force_login(officer)

    response = client.post(page_url(actions.update), form_data(actions.update, action="submit"))

    assert response.status_code == 302 and response["Location"] == reverse("home")
    actions.update.refresh_from_db()
    assert (actions.update.state, actions.update.progress) == (ReturnState.SUBMITTED, "Cameras installed.")


def test_at_risk_without_its_reasons_is_refused_at_each_field_and_what_was_typed_kept(
    client, actions, officer
):
    client.force_login(officer)

    response = client.post(
        page_url(actions.update),
        form_data(actions.update, status="at_risk", progress="Slipping <b>badly</b>", action="submit"),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Say why the action is at risk or off track." in page
    assert "Give the date it is expected to be back on track." in page
    assert "Slipping &lt;b&gt;badly&lt;/b&gt;" in page  # kept, and escaped
    actions.update.refresh_from_db()
    assert actions.update.state == ReturnState.DRAFT  # saved as a draft, not submitted


def test_a_date_that_is_not_a_date_gets_a_clear_message(client, actions, officer):
    client.force_login(officer)

    response = client.post(
        page_url(actions.update),
        form_data(
            actions.update,
            status="completed",
            completed_on_day="31",
            completed_on_month="2",
            completed_on_year="2026",
        ),
    )

    assert "must be a real date" in response.content.decode()
    actions.update.refresh_from_db()
    assert actions.update.state == ReturnState.NOT_STARTED


def test_a_stale_save_shows_the_newer_version_and_keeps_what_was_typed(client, actions, officer):
    old = form_data(actions.update, progress="My words")
    save_draft(actions.update, officer, ON_TRACK, version=1)
    client.force_login(officer)

    page = client.post(page_url(actions.update), old).content.decode()

    assert "Someone else saved this update" in page
    assert "My words" in page and ON_TRACK.progress in page


def test_coordinator_sends_back_from_the_page(client, actions, officer, coordinator):
    update = submit(save_draft(actions.update, officer, ON_TRACK, version=1), officer, version=2)
    client.force_login(coordinator)
    url = reverse("review_update", args=[actions.partnership.slug, update.pk])

    response = client.post(url, {"decision": "send_back", "reason": "Which hot spots?"})

    assert response.status_code == 302
    update.refresh_from_db()
    assert (update.state, update.returned_reason) == (ReturnState.RETURNED, "Which hot spots?")
    client.force_login(officer)
    assert "Which hot spots?" in client.get(page_url(update)).content.decode()


def test_history_lists_each_change(client, actions, officer, coordinator):
    update = submit(save_draft(actions.update, officer, ON_TRACK, version=1), officer, version=2)
    send_back(update, coordinator, "More detail please.")
    client.force_login(officer)

    page = client.get(reverse("update_history", args=[actions.partnership.slug, update.pk])).content.decode()

    for expected in ("Draft saved", "Submitted", "Sent back: More detail please.", ON_TRACK.progress):
        assert expected in page


def test_officer_list_shows_owned_actions_under_their_priority(
    client, actions, officer, other_agency_officer
):
    client.force_login(officer)
    ours = client.get(reverse("home")).content.decode()
    client.force_login(other_agency_officer)
    theirs = client.get(reverse("home")).content.decode()

    assert actions.lead.text in ours and actions.chosen.text not in ours
    assert actions.chosen.text in theirs and actions.lead.text not in theirs
    assert actions.nobody.text not in ours + theirs  # the coordinators write that one


def test_coordinator_finds_the_updates_they_write_on_the_review_page(client, actions, coordinator):
    client.force_login(coordinator)

    page = client.get(
        reverse("review_queue", args=[actions.partnership.slug, actions.period.pk])
    ).content.decode()

    assert "For the CSP coordinator to write" in page
    assert page_url(update_of(actions.nobody, actions.period)) in page
