"""The report prints a change by a date as progress towards its end date, and explains each kind of target
it uses in Appendix B from the rule the rating follows."""

from datetime import date
from decimal import Decimal

from indicators.kinds import Aggregation, Polarity, TargetKind
from indicators.targets import explain
from reporting.builder import build_quarterly_report
from reporting.pdf import report_html
from tests import factories
from tests.reporting.report_helpers import BEFORE_DEADLINE, add_figure

MINUS = "\N{MINUS SIGN}"


def test_a_change_by_a_date_shows_progress_towards_its_end_date(plan):
    # 1,000 in 2024-25, 20% fewer (800) by 31 March 2028: twelve quarters of line from the end of 2024-25,
    # so by Q2 2026-27 (six on) 900 is expected. The rolling year to Q2 2026-27 is 240 x 3 + 230 = 950.
    burglary = factories.MeasureFactory(
        indicator=plan.indicator,
        supplier=plan.ours,
        code="SAFE-01-E",
        name="Domestic burglary",
        polarity=Polarity.LOWER_IS_BETTER,
        aggregation=Aggregation.FLOW,
        target_kind=TargetKind.CHANGE,
        baseline_value=Decimal(1000),
        baseline_year=2024,
        change_percent=Decimal(-20),
        due_date=date(2028, 3, 31),
    )
    for year, number, value in ((2025, 3, 240), (2025, 4, 240), (2026, 1, 240), (2026, 2, 230)):
        add_figure(burglary, year, number, value)

    report = build_quarterly_report(plan.period, today=BEFORE_DEADLINE)
    row = next(m for m in report.priorities[0].indicators[0].measures if m.code == "SAFE-01-E")

    assert row.target == f"{MINUS}20% on 2024-25 by 31 March 2028: 800 (900 by Q2 2026-27)"
    assert row.rag == "amber"  # 950 against 900: no more than 10% of 900 over
    assert row.rag_reason == (
        f"950 in the year to Q2 2026-27 ({MINUS}5% on 1,000 in 2024-25) against 900 expected by now, on the "
        f"way to 800 ({MINUS}20%) by 31 March 2028"
    )
    definitions = {item.term: item.text for item in report.benchmarks}
    text = definitions[TargetKind.CHANGE.label]
    assert text.startswith(explain(TargetKind.CHANGE))
    assert "For example: " in text and text.endswith("which is amber.")
    html = report_html(report)
    assert "900 by Q2 2026-27" in html and TargetKind.CHANGE.label in html


def test_appendix_b_lists_only_the_kinds_the_plan_uses(plan):
    report = build_quarterly_report(plan.period, today=BEFORE_DEADLINE)

    terms = [item.term for item in report.benchmarks]

    assert terms == [TargetKind.ROLLING_COMPARISON.label, TargetKind.PERCENTAGE.label]
