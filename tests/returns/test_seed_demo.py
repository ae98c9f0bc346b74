"""The demo a newcomer signs in to: two partnerships, every role, a quarter to work on in each, and running it
twice changes nothing."""

import datetime

from django.contrib.auth import get_user_model
from django.core.management import call_command

from csp import roles
from csp.models import Agency, Partnership
from returns.models import Figure, PeriodState, ReportingPeriod, Return, ReturnState


def seed():
    call_command("seed_demo", "--password", "a-long-demo-password", "--today", "2026-11-24", verbosity=0)


def snapshot():
    return (
        get_user_model().objects.count(),
        Return.objects.count(),
        Figure.objects.count(),
        list(ReportingPeriod.objects.order_by("number").values_list("number", "state", "deadline")),
    )


def test_seed_demo_gives_every_role_and_opens_the_latest_ended_quarter(db):
    seed()

    users = get_user_model().objects
    medway, northam = Partnership.objects.get(slug="medway"), Partnership.objects.get(slug="northam")
    assert roles.is_coordinator(users.get(username="coordinator"), medway)
    assert not roles.is_coordinator(users.get(username="coordinator"), northam)
    assert roles.is_coordinator(users.get(username="coordinator-northam"), northam)
    assert roles.can_read_reports(users.get(username="viewer"), medway)
    assert roles.can_read_reports(users.get(username="viewer"), northam)
    assert users.get(username="admin").is_superuser
    for agency in Agency.objects.filter(indicators__isnull=False).distinct():
        assert agency.memberships.exists(), agency
    police = users.get(username="officer-kent-police")
    assert roles.officer_partnership_ids(police) == {medway.pk, northam.pk}  # one officer, both lists
    for partnership in (medway, northam):
        assert ReportingPeriod.objects.get(plan_year__partnership=partnership, number=2).is_open
    q1, q2, q3, q4 = ReportingPeriod.objects.filter(plan_year__partnership=medway).order_by("number")
    assert q1.state == PeriodState.CLOSED
    assert set(q1.returns.values_list("state", flat=True)) == {ReturnState.APPROVED}
    assert q2.state == PeriodState.OPEN and q2.deadline >= datetime.date(2026, 11, 24)
    assert (q3.state, q4.state) == (PeriodState.NOT_OPEN, PeriodState.NOT_OPEN)
    assert Figure.objects.filter(ret__isnull=True, year=2024).exists()  # history for rolling comparisons


def test_seed_demo_twice_changes_nothing(db):
    seed()
    first = snapshot()

    seed()

    assert snapshot() == first
