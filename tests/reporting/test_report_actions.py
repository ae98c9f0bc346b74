"""The plan's actions in the quarterly report: each with its owner, its status at the quarter's end and its
update; those at risk or off track named on the summary; changes since last quarter; what is outstanding."""

import datetime

import pytest

from reporting.actions import NO_UPDATE_LABEL
from reporting.builder import build_quarterly_report
from reporting.pdf import render_pdf
from returns.models import DeliverableUpdate, DeliveryStatus, PeriodState, ReturnState
from returns.periods import create_missing_items
from tests import factories
from tests.reporting.report_helpers import AFTER_DEADLINE, pdf_text


def received(update: DeliverableUpdate, status: str, state=ReturnState.APPROVED, **fields) -> None:
    DeliverableUpdate.objects.filter(pk=update.pk).update(status=status, state=state, **fields)


@pytest.fixture
def actions(plan):
    """Q1 closed and Q2 open, three actions: CCTV (ours), fly tipping (no owner), a strategy (theirs)."""
    q1 = factories.PeriodFactory(plan_year=plan.plan_year, number=1, state=PeriodState.CLOSED)
    plan.cctv = factories.DeliverableFactory(
        priority=plan.priority, order=1, text="Review of CCTV", owner=plan.ours
    )
    plan.tipping = factories.DeliverableFactory(priority=plan.priority, order=2, text="Tackle fly tipping")
    plan.strategy = factories.DeliverableFactory(
        priority=plan.priority, order=3, text="Publish the strategy", lead_agency=plan.theirs
    )
    create_missing_items(q1)
    q1_updates = {u.deliverable_id: u for u in q1.deliverableupdates.all()}
    received(q1_updates[plan.cctv.pk], DeliveryStatus.ON_TRACK, progress="Survey of cameras begun.")
    received(q1_updates[plan.tipping.pk], DeliveryStatus.NOT_STARTED, progress="Not yet begun.")
    received(
        q1_updates[plan.strategy.pk],
        DeliveryStatus.COMPLETED,
        progress="Published.",
        completed_on=datetime.date(2026, 6, 1),
    )
    create_missing_items(plan.period)
    plan.q2 = {u.deliverable_id: u for u in plan.period.deliverableupdates.all()}
    return plan


def action(report, text):
    return next(a for a in report.actions if a.text == text)


def test_each_action_shows_its_owner_and_this_quarters_status(actions):
    received(
        actions.q2[actions.cctv.pk],
        DeliveryStatus.AT_RISK,
        progress="Procurement paused.",
        why="Capital funding decision delayed.",
        recovery="Bid resubmitted.",
        back_on_track_by=datetime.date(2026, 12, 31),
    )

    report = build_quarterly_report(actions.period, today=AFTER_DEADLINE)

    cctv = action(report, "Review of CCTV")
    assert (cctv.owner, cctv.status_label, cctv.rag) == ("Testshire Police", "At risk", "amber")
    assert (cctv.why, cctv.back_on_track_by) == ("Capital funding decision delayed.", "31 December 2026")
    tipping = action(report, "Tackle fly tipping")
    assert (tipping.owner, tipping.status_label) == ("CSP coordinator", NO_UPDATE_LABEL)


def test_an_update_still_in_draft_is_not_reported_and_is_outstanding(actions):
    received(
        actions.q2[actions.cctv.pk], DeliveryStatus.OFF_TRACK, state=ReturnState.DRAFT, progress="Typing"
    )

    report = build_quarterly_report(actions.period, today=AFTER_DEADLINE)

    cctv = action(report, "Review of CCTV")
    assert (cctv.status_label, cctv.progress) == (NO_UPDATE_LABEL, "")
    assert ("Testshire Police", "Draft", True) in {
        (o.agency, o.state_label, o.late) for o in report.outstanding
    }
    assert report.is_draft


def test_an_action_completed_earlier_stays_completed_and_owes_nothing(actions):
    report = build_quarterly_report(actions.period, today=AFTER_DEADLINE)

    strategy = action(report, "Publish the strategy")
    assert (strategy.status_label, strategy.carried, strategy.completed_on) == (
        "Completed",
        "Q1 2026-27",
        "1 June 2026",
    )
    assert "Publish the strategy" not in {o.text for o in report.outstanding}


def test_status_changes_since_last_quarter_and_actions_needing_attention(actions):
    received(
        actions.q2[actions.cctv.pk],
        DeliveryStatus.OFF_TRACK,
        why="Supplier withdrew.",
        recovery="Re-tendering.",
        back_on_track_by=datetime.date(2027, 3, 1),
    )
    received(actions.q2[actions.tipping.pk], DeliveryStatus.NOT_STARTED)

    report = build_quarterly_report(actions.period, today=AFTER_DEADLINE)

    assert [(a.text, a.previous_label, a.status_label) for a in report.status_changes] == [
        ("Review of CCTV", "On track", "Off track")
    ]
    assert [a.text for a in report.actions_needing_attention] == ["Review of CCTV"]
    counts = {c.label: c.count for c in report.action_counts}
    assert (counts["Off track"], counts["Not started"], counts["Completed"]) == (1, 1, 1)


def test_updates_count_towards_what_the_report_waits_for(actions):
    report = build_quarterly_report(actions.period, today=AFTER_DEADLINE)

    # two returns, and updates on the two actions not completed earlier
    assert report.returns_expected == 4
    owners = {a.agency: (a.expected, a.received) for a in report.agencies}
    assert owners["CSP coordinator"] == (1, 0)


def test_an_indicator_with_no_responsible_agency_is_returned_by_the_coordinators(plan):
    indicator = factories.IndicatorFactory(priority=plan.priority, code="SAFE-09", responsible_as_printed="")
    factories.MeasureFactory(indicator=indicator, supplier=None, name="Meetings held")
    create_missing_items(plan.period)

    report = build_quarterly_report(plan.period, today=AFTER_DEADLINE)

    row = next(i for s in report.priorities for i in s.indicators if i.code == "SAFE-09")
    assert row.not_received_from == ("CSP coordinator (not started)",)
    assert row.measures[0].supplier == "CSP coordinator"


def test_the_pdf_prints_each_action_its_status_and_its_update_as_text(actions):
    received(
        actions.q2[actions.cctv.pk],
        DeliveryStatus.AT_RISK,
        progress="Cameras <script>alert(1)</script> ordered.",
        why="Funding & procurement.",
        recovery="Bid resubmitted.",
        back_on_track_by=datetime.date(2026, 12, 31),
    )

    text = " ".join(
        pdf_text(render_pdf(build_quarterly_report(actions.period, today=AFTER_DEADLINE))).split()
    )

    assert "Actions at risk or off track" in text
    assert "Cameras <script>alert(1)</script> ordered." in text
    assert "Funding & procurement." in text
    assert "Review of CCTV" in text and "Tackle fly tipping" in text and "Publish the strategy" in text
    assert "Changes since last quarter" in text
