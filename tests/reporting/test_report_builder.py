"""The report's data: what counts as received, outstanding, late and escalated; ratings; queries."""

from decimal import Decimal

import pytest

from indicators.formatting import NO_DATA
from indicators.kinds import Rag, TargetKind
from reporting.builder import build_quarterly_report
from reporting.measure_rows import NOT_RECEIVED
from returns.models import Figure, Return, ReturnState
from tests import factories
from tests.reporting.report_helpers import (
    AFTER_DEADLINE,
    BEFORE_DEADLINE,
    add_figure,
    enlarge_plan,
    medway_period,
    set_return,
)


def measure_row(report, code):
    return next(m for s in report.priorities for i in s.indicators for m in i.measures if m.code == code)


def indicator_row(report, code):
    return next(i for s in report.priorities for i in s.indicators if i.code == code)


def test_a_period_with_no_returns_is_all_outstanding_and_draft(plan):
    Return.objects.filter(period=plan.period).delete()

    report = build_quarterly_report(plan.period, today=BEFORE_DEADLINE)

    assert report.returns_expected == 2
    assert report.returns_received == report.returns_approved == 0
    assert [o.title for o in report.outstanding] == ["SAFE-01", "SAFE-02"]
    assert {o.state_label for o in report.outstanding} == {"Not started"}
    assert report.is_draft
    assert measure_row(report, "SAFE-01-A").this_quarter == NOT_RECEIVED


def test_outstanding_returns_are_late_only_after_the_deadline(plan):
    set_return(plan.ret, ReturnState.APPROVED)
    set_return(plan.other_ret, ReturnState.DRAFT)

    before = build_quarterly_report(plan.period, today=BEFORE_DEADLINE)
    after = build_quarterly_report(plan.period, today=AFTER_DEADLINE)

    assert [(o.agency, o.state_label, o.late) for o in before.outstanding] == [
        ("Testshire Fire", "Draft", False)
    ]
    assert [(o.agency, o.late) for o in after.late] == [("Testshire Fire", True)]
    fire = next(a for a in after.agencies if a.agency == "Testshire Fire")
    assert (fire.expected, fire.received, fire.approved, fire.outstanding, fire.late) == (1, 0, 0, 1, 1)
    assert after.is_draft


def test_fully_approved_period_is_not_a_draft(plan):
    set_return(plan.ret, ReturnState.APPROVED)
    set_return(plan.other_ret, ReturnState.APPROVED)

    report = build_quarterly_report(plan.period, today=AFTER_DEADLINE)

    assert not report.is_draft
    assert report.outstanding == ()
    assert (report.returns_expected, report.returns_received, report.returns_approved) == (2, 2, 2)


def test_only_received_returns_show_commentary_and_escalations(plan):
    set_return(
        plan.ret, ReturnState.SUBMITTED, commentary="Patrols doubled.", escalation="Funding ends in March."
    )
    set_return(plan.other_ret, ReturnState.DRAFT, commentary="Not ready yet", escalation="Draft worry")

    report = build_quarterly_report(plan.period, today=BEFORE_DEADLINE)

    ours = indicator_row(report, "SAFE-01")
    assert [(u.agency, u.commentary, u.state_label) for u in ours.updates] == [
        ("Testshire Police", "Patrols doubled.", "Submitted")
    ]
    assert [(e.indicator_code, e.agency, e.text) for e in report.escalations] == [
        ("SAFE-01", "Testshire Police", "Funding ends in March.")
    ]
    theirs = indicator_row(report, "SAFE-02")
    assert theirs.updates == ()
    assert theirs.not_received_from == ("Testshire Fire (draft)",)
    assert "Not ready yet" not in repr(report) and "Draft worry" not in repr(report)


def test_figures_count_submitted_and_approved_returns_and_history_but_not_drafts(plan):
    add_figure(plan.count, 2026, 1, 90)  # imported history
    add_figure(plan.count, 2025, 2, 120)
    add_figure(plan.count, 2026, 2, 100, ret=plan.ret)
    add_figure(plan.theirs.measures.get(), 2026, 2, 7, ret=plan.other_ret)
    set_return(plan.ret, ReturnState.APPROVED)
    set_return(plan.other_ret, ReturnState.DRAFT)

    report = build_quarterly_report(plan.period, today=BEFORE_DEADLINE)

    row = measure_row(report, "SAFE-01-A")
    assert (row.this_quarter, row.previous_quarter, row.same_quarter_last_year) == ("100", "90", "120")
    assert row.rolling_year == NO_DATA  # three quarters of the rolling year are missing
    assert row.year_to_date == "190"
    assert row.value == Decimal(100)
    assert measure_row(report, "SAFE-02-A").this_quarter == NOT_RECEIVED


def test_zero_is_a_figure_and_a_missing_quarter_never_reads_as_zero(plan):
    add_figure(plan.count, 2026, 2, 0, ret=plan.ret)
    set_return(plan.ret, ReturnState.APPROVED)

    row = measure_row(build_quarterly_report(plan.period, today=BEFORE_DEADLINE), "SAFE-01-A")

    assert row.this_quarter == "0"
    assert row.previous_quarter == NOT_RECEIVED
    assert row.rolling_year_change == NO_DATA


def test_a_milestone_prints_its_status(plan):
    add_figure(plan.milestone, 2026, 2, ret=plan.ret, status="in_progress")
    set_return(plan.ret, ReturnState.APPROVED)

    row = measure_row(build_quarterly_report(plan.period, today=BEFORE_DEADLINE), "SAFE-01-D")

    assert (row.this_quarter, row.previous_quarter, row.rolling_year) == ("In progress", NOT_RECEIVED, "n/a")
    assert row.chart == ""


def test_an_indicator_takes_the_worst_of_its_measures_ratings(plan):
    # Completion rate: a 63% target; 30 of 60 is 50%, red. The others take the agency's own rating: green.
    add_figure(plan.ratio, 2026, 2, ret=plan.ret, numerator=Decimal(30), denominator=Decimal(60))
    set_return(plan.ret, ReturnState.APPROVED, agency_rating=Rag.GREEN)

    report = build_quarterly_report(plan.period, today=BEFORE_DEADLINE)

    assert measure_row(report, "SAFE-01-C").rag == Rag.RED
    assert measure_row(report, "SAFE-01-A").rag == Rag.GREEN
    row = indicator_row(report, "SAFE-01")
    assert (row.rag, row.rag_words) == (Rag.RED, "Red")
    assert report.priorities[0].rag_counts.red == 1


def test_a_narrative_only_indicator_takes_the_agencies_own_ratings(plan):
    words_only = factories.IndicatorFactory(
        priority=plan.priority,
        code="SAFE-03",
        agencies=[plan.ours, plan.theirs],
        benchmark_kind=TargetKind.NOT_APPLICABLE,
    )
    for agency, rating in ((plan.ours, Rag.GREEN), (plan.theirs, Rag.AMBER)):
        Return.objects.create(
            period=plan.period,
            indicator=words_only,
            agency=agency,
            state=ReturnState.APPROVED,
            agency_rating=rating,
            commentary="Delivered as planned.",
        )

    row = indicator_row(build_quarterly_report(plan.period, today=BEFORE_DEADLINE), "SAFE-03")

    assert row.measures == ()
    assert (row.rag, row.rag_from) == (Rag.AMBER, "the agencies' own ratings")


def test_the_fingerprint_changes_with_the_figures_and_not_with_the_day(plan):
    set_return(plan.ret, ReturnState.APPROVED)
    figure = add_figure(plan.count, 2026, 2, 100, ret=plan.ret)
    first = build_quarterly_report(plan.period, today=BEFORE_DEADLINE)

    assert (
        build_quarterly_report(plan.period, today=BEFORE_DEADLINE.replace(day=2)).fingerprint
        == first.fingerprint
    )

    Figure.objects.filter(pk=figure.pk).update(value=101)
    assert build_quarterly_report(plan.period, today=BEFORE_DEADLINE).fingerprint != first.fingerprint


def test_the_fingerprint_changes_when_a_return_becomes_late(plan):
    before = build_quarterly_report(plan.period, today=BEFORE_DEADLINE)
    after = build_quarterly_report(plan.period, today=AFTER_DEADLINE)

    assert before.fingerprint != after.fingerprint


def test_every_benchmark_kind_the_plan_uses_is_defined(medway_plan):
    period = medway_period(medway_plan)

    report = build_quarterly_report(period, today=BEFORE_DEADLINE)

    kinds = {b.term for b in report.benchmarks}
    assert "Rolling Year Rolling Quarter (comparison only)" in kinds
    assert "A milestone date" in kinds
    rolling = next(b for b in report.benchmarks if b.term.startswith("Rolling"))
    assert "Rolling Year Rolling Quarter" in rolling.examples
    assert {c.term for c in report.calculations} >= {
        "Rolling year",
        "Year to date",
        "Not received",
        "RAG rating",
    }


@pytest.fixture
def measure_queries(django_assert_num_queries):
    def run(period, expected):
        with django_assert_num_queries(expected):
            build_quarterly_report(period, today=AFTER_DEADLINE)

    return run


BUILDER_QUERIES = 14
"""The period; the plan (priorities, themes, sub-themes, deliverables, their milestones, indicators, their
agencies, their measures); the returns; the figures; the quarter's action updates and the latest before;
the quarter before's period (with one, two more: its returns and figures, for the changes in rating)."""


def test_the_builder_makes_a_fixed_number_of_queries(medway_plan, measure_queries):
    period = medway_period(medway_plan)

    measure_queries(period, BUILDER_QUERIES)


def test_the_builder_makes_as_many_queries_for_a_plan_ten_times_the_size(medway_plan, measure_queries):
    enlarge_plan(medway_plan, 10)
    period = medway_period(medway_plan)
    assert Return.objects.filter(period=period).count() == 500

    measure_queries(period, BUILDER_QUERIES)
    report = build_quarterly_report(period, today=AFTER_DEADLINE)
    assert sum(len(s.indicators) for s in report.priorities) == 440
