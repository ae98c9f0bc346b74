"""Owners of actions: the coordinator chooses them on a page seen before opening a quarter; a change reaches
the open quarter; the dashboard, the reminders and a new plan year count and carry action updates."""

import datetime

import pytest
from django.urls import reverse

from returns.models import DeliverableUpdate, PeriodState, ReturnState
from returns.periods import create_missing_items, set_period_state, start_plan_year
from returns.reminders import send_reminders
from returns.workflow import UpdateContent, save_draft
from tests import factories
from themes.models import Deliverable, Milestone


@pytest.fixture
def actions(plan):
    """An action the plan gives a lead, two with no owner; Q2 open with their updates, Q3 not open."""
    plan.led = factories.DeliverableFactory(priority=plan.priority, order=1, lead_agency=plan.ours)
    plan.first = factories.DeliverableFactory(priority=plan.priority, order=2, text="Review of CCTV")
    plan.second = factories.DeliverableFactory(priority=plan.priority, order=3, text="Tackle fly tipping")
    create_missing_items(plan.period)
    plan.q3 = factories.PeriodFactory(plan_year=plan.plan_year, number=3, state=PeriodState.NOT_OPEN)
    return plan


def owners_url(plan) -> str:
    return reverse("owners", args=[plan.partnership.slug, plan.plan_year.pk])


def test_the_periods_page_says_how_many_actions_have_no_owner_and_links_to_choose(
    client, actions, coordinator
):
    client.force_login(coordinator)

    page = client.get(reverse("periods", args=[actions.partnership.slug])).content.decode()

    assert "2 actions have no owner" in page
    assert owners_url(actions) in page


def test_owners_page_lists_the_actions_without_a_lead_and_counts_the_rest(client, actions, coordinator):
    client.force_login(coordinator)

    page = client.get(owners_url(actions)).content.decode()

    assert "Review of CCTV" in page and "Tackle fly tipping" in page
    assert actions.led.text not in page
    assert "1 action is owned by the lead agency the plan names" in page


def test_choosing_an_owner_hands_over_the_open_quarters_update_keeping_its_text(
    client, actions, coordinator, officer
):
    update = DeliverableUpdate.objects.get(deliverable=actions.first, period=actions.period)
    save_draft(update, coordinator, UpdateContent(progress="Started by the coordinator."), version=1)
    client.force_login(coordinator)

    response = client.post(owners_url(actions), {f"owner_{actions.first.pk}": actions.ours.pk})

    assert response.status_code == 302
    actions.first.refresh_from_db()
    update.refresh_from_db()
    assert actions.first.owner == actions.ours
    assert (update.agency, update.progress) == (actions.ours, "Started by the coordinator.")
    client.force_login(officer)
    assert "Review of CCTV" in client.get(reverse("home")).content.decode()


def test_an_agency_of_another_partnership_cannot_be_made_owner(client, actions, other_plan, coordinator):
    client.force_login(coordinator)

    response = client.post(owners_url(actions), {f"owner_{actions.first.pk}": other_plan.ours.pk})

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    actions.first.refresh_from_db()
    assert actions.first.owner is None


def test_a_submitted_update_stays_with_whoever_submitted_it(client, actions, coordinator):
    update = DeliverableUpdate.objects.get(deliverable=actions.first, period=actions.period)
    DeliverableUpdate.objects.filter(pk=update.pk).update(state=ReturnState.SUBMITTED)
    client.force_login(coordinator)

    client.post(owners_url(actions), {f"owner_{actions.first.pk}": actions.theirs.pk})

    update.refresh_from_db()
    assert update.agency is None


def test_an_open_quarter_is_brought_up_to_date_after_the_plan_changed(client, actions, coordinator):
    new = factories.DeliverableFactory(priority=actions.priority, order=4, owner=actions.theirs)
    Deliverable.objects.filter(pk=actions.second.pk).update(owner=actions.ours)  # as the admin would
    client.force_login(coordinator)
    periods = reverse("periods", args=[actions.partnership.slug])
    assert "2 returns or updates to add or hand to a new owner" in client.get(periods).content.decode()

    client.post(reverse("period_up_to_date", args=[actions.partnership.slug, actions.period.pk]))

    assert DeliverableUpdate.objects.get(deliverable=new, period=actions.period).agency == actions.theirs
    assert (
        DeliverableUpdate.objects.get(deliverable=actions.second, period=actions.period).agency
        == actions.ours
    )
    assert "to add or hand to a new owner" not in client.get(periods).content.decode()


def test_the_dashboard_counts_updates_beside_returns_with_the_coordinators_own_last(
    client, actions, coordinator
):
    client.force_login(coordinator)

    page = client.get(actions.period.link("dashboard"))

    rows = {row.name: row.total for row in page.context["rows"]}
    # Police: a return and the led action's update; Fire: a return; the coordinators: two updates.
    assert rows == {"Testshire Police": 2, "Testshire Fire": 1, "CSP coordinator": 2}
    assert [row.name for row in page.context["rows"]][-1] == "CSP coordinator"
    listed = client.get(actions.period.link("dashboard_returns") + "?coordinators=1").content.decode()
    assert "Review of CCTV" in listed and "Tackle fly tipping" in listed and "SAFE-01" not in listed


def test_one_reminder_lists_an_officers_returns_and_action_updates(actions, officer, mailoutbox, settings):
    settings.CSP_REMINDER_DAYS_BEFORE = 5
    today = actions.period.deadline - datetime.timedelta(days=2)

    send_reminders(today=today)

    (email,) = [m for m in mailoutbox if m.to == ["officer@example.org"]]
    assert "1 return and 1 action update" in email.subject
    assert "SAFE-01" in email.body and actions.led.label in email.body


def test_a_new_plan_year_carries_owners_due_dates_and_milestones(actions, coordinator):
    Deliverable.objects.filter(pk=actions.first.pk).update(
        owner=actions.ours, due_date=datetime.date(2027, 3, 31)
    )
    Milestone.objects.create(
        deliverable=actions.first, order=1, text="Cameras bought", due_date=datetime.date(2026, 12, 1)
    )

    new_year = start_plan_year(actions.plan_year, 2027, coordinator)

    copy = Deliverable.objects.get(priority__plan_year=new_year, text="Review of CCTV")
    assert (copy.owner, copy.due_date) == (actions.ours, datetime.date(2027, 3, 31))
    assert list(copy.milestones.values_list("text", flat=True)) == ["Cameras bought"]


def test_opening_a_quarter_after_owners_are_chosen_gives_them_their_updates(client, actions, coordinator):
    client.force_login(coordinator)
    client.post(owners_url(actions), {f"owner_{actions.second.pk}": actions.theirs.pk})

    set_period_state(actions.q3, coordinator, PeriodState.OPEN)

    assert (
        DeliverableUpdate.objects.get(deliverable=actions.second, period=actions.q3).agency == actions.theirs
    )
