"""The demo a newcomer signs in to: every role, a quarter to work on, and running it twice changes nothing."""

import datetime

from django.contrib.auth import get_user_model
from django.core.management import call_command

from csp import roles
from csp.models import Agency
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
    assert users.get(username="coordinator").groups.filter(name=roles.COORDINATOR).exists()
    assert users.get(username="viewer").groups.filter(name=roles.VIEWER).exists()
    assert users.get(username="admin").is_superuser
    responsible = Agency.objects.filter(indicators__isnull=False).distinct()
    for agency in responsible:
        assert agency.memberships.filter(user__groups__name=roles.OFFICER).exists(), agency
    q1, q2, q3, q4 = ReportingPeriod.objects.order_by("number")
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
