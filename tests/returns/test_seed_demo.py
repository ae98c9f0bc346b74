"""The demo a newcomer signs in to: two partnerships, every role, a quarter to work on in each, and running it
twice changes nothing."""

import datetime
import re

from django.contrib.auth import get_user_model
from django.core.management import call_command

from csp import roles
from csp.models import Agency, Partnership
from reporting.actions import STATUS_ORDER
from reporting.builder import build_quarterly_report
from reporting.pdf import render_pdf
from returns.models import DeliverableUpdate, Figure, PeriodState, ReportingPeriod, Return, ReturnState
from tests.reporting.report_helpers import pdf_text


def seed():
    call_command("seed_demo", "--password", "a-long-demo-password", "--today", "2026-11-24", verbosity=0)


def snapshot():
    return (
        get_user_model().objects.count(),
        Return.objects.count(),
        DeliverableUpdate.objects.count(),
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


def test_the_q1_demo_report_prints_all_40_medway_actions_each_with_its_status(db):
    seed()
    q1 = ReportingPeriod.objects.get(plan_year__partnership__slug="medway", number=1)
    report = build_quarterly_report(q1, today=datetime.date(2026, 11, 24))
    assert len(report.actions) == 40
    assert all(a.update_state == ReturnState.APPROVED for a in report.actions)

    lines = pdf_text(render_pdf(report), layout=True).splitlines()

    # Each action's row opens with its label, then its owner (whose name may wrap) and its status.
    for each in report.actions:
        row = re.compile(rf"^\s*{re.escape(each.label)}\s{{2,}}(.*)$")
        (rest,) = [match[1] for line in lines if (match := row.match(line))]
        assert rest.startswith(each.owner.split()[0]) and each.status_label in rest, (each.label, rest)
    assert {a.status_label for a in report.actions} <= {status.label for status in STATUS_ORDER}
