"""A quarter is rated and printed against the target in force for it: once its period closes, a target
changed in the admin or by a workbook changes neither its rating nor its wording, and the heading and the
rows agree. Milestones are judged at the quarter's end."""

from datetime import date
from decimal import Decimal

from indicators.kinds import MilestoneStatus, Rag
from reporting.builder import build_quarterly_report
from returns.models import PeriodState, ReturnState
from returns.periods import change_period_state
from tests import factories
from tests.reporting.report_helpers import AFTER_DEADLINE, add_figure, set_return


def _row(report, code):
    return next(m for s in report.priorities for i in s.indicators for m in i.measures if m.code == code)


def _indicator(report, code):
    return next(i for s in report.priorities for i in s.indicators if i.code == code)


def _completion_of_64_percent(plan):
    set_return(plan.ret, ReturnState.APPROVED)
    add_figure(plan.ratio, 2026, 2, ret=plan.ret, numerator=Decimal(64), denominator=Decimal(100))


def test_a_closed_quarter_keeps_its_target_when_the_target_changes(plan):
    _completion_of_64_percent(plan)
    change_period_state(plan.period, factories.make_user("closer"), PeriodState.CLOSED)
    before = build_quarterly_report(plan.period, today=AFTER_DEADLINE)

    plan.ratio.target_value = Decimal(65)
    plan.ratio.save()
    after = build_quarterly_report(plan.period, today=AFTER_DEADLINE)

    assert _row(before, "SAFE-01-C").rag == Rag.GREEN
    assert _row(after, "SAFE-01-C") == _row(before, "SAFE-01-C")
    assert _row(after, "SAFE-01-C").target == "63%"
    assert "63%" in _indicator(after, "SAFE-01").benchmark
    assert "65%" not in _indicator(after, "SAFE-01").benchmark
    assert after.fingerprint == before.fingerprint


def test_an_open_quarter_is_rated_against_the_target_as_it_stands(plan):
    _completion_of_64_percent(plan)
    plan.ratio.target_value = Decimal(65)
    plan.ratio.save()

    report = build_quarterly_report(plan.period, today=AFTER_DEADLINE)

    row = _row(report, "SAFE-01-C")
    assert (row.target, row.rag) == ("65%", Rag.AMBER)


def test_the_heading_prints_the_target_the_rows_are_rated_against(plan):
    """The plan's wording said 63%; the admin set 65%: heading and row both say 65%, never one of each."""
    plan.indicator.benchmark_text = "63%"
    plan.indicator.save()
    plan.ratio.target_value = Decimal(65)
    plan.ratio.save()

    report = build_quarterly_report(plan.period, today=AFTER_DEADLINE)

    assert _row(report, "SAFE-01-C").target == "65%"
    assert _indicator(report, "SAFE-01").benchmark == "65%"


def test_a_comparison_only_indicator_prints_the_plans_wording_as_it_stood(plan):
    plan.other_indicator.benchmark_text = "Rolling Year Rolling Quarter"
    plan.other_indicator.save()
    change_period_state(plan.period, factories.make_user("closer"), PeriodState.CLOSED)
    plan.other_indicator.benchmark_text = "Quarterly"
    plan.other_indicator.save()

    report = build_quarterly_report(plan.period, today=AFTER_DEADLINE)

    assert _indicator(report, "SAFE-02").benchmark == "Rolling Year Rolling Quarter"


def test_a_milestone_is_judged_at_the_quarters_end_not_today(plan):
    """Q2 ends on 30 September; due in October, in progress: not yet due, however late the report is read."""
    plan.milestone.target_kind = "milestone"
    plan.milestone.due_date = date(2026, 10, 31)
    plan.milestone.save()
    set_return(plan.ret, ReturnState.APPROVED, agency_rating=Rag.GREEN)
    add_figure(plan.milestone, 2026, 2, ret=plan.ret, status=MilestoneStatus.IN_PROGRESS)

    report = build_quarterly_report(plan.period, today=date(2027, 2, 1))

    row = _row(report, "SAFE-01-D")
    assert row.rag == Rag.GREEN
    assert row.rag_reason.startswith("Not yet due (due by 31 October 2026)")


def test_the_plan_page_rates_a_closed_quarter_against_its_kept_target(plan, client, coordinator):
    _completion_of_64_percent(plan)
    plan.ratio.target_value = Decimal(65)
    plan.ratio.save()
    change_period_state(plan.period, coordinator, PeriodState.CLOSED)
    plan.ratio.target_value = Decimal(63)
    plan.ratio.save()

    from reporting.views.plan import load_plan_with_ratings

    priorities, _ = load_plan_with_ratings(plan.plan_year, today=AFTER_DEADLINE)
    indicator = next(i for p in priorities for i in p.indicators.all() if i.code == "SAFE-01")
    assert indicator.latest_rating.rag == Rag.AMBER
