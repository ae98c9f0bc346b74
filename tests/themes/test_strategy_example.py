"""The second shipped example, a three-year strategy (the fictional Wealdbridge, 2026-27 to 2028-29):
percentage reductions by a date, a comparison with the most similar group, levels to maintain, a range,
numbered aims and objectives, objectives no agency owns. It imports with its twelve periods, takes
returns, and its report and plan page render with every kind of target rated and explained."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
import tablib
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from csp.models import PlanYear
from csp.upload_guard import check_bytes
from indicators.kinds import TargetKind
from indicators.models import Indicator, Measure
from reporting.builder import build_quarterly_report
from reporting.figure_sheets import FigureResource
from reporting.pdf import render_pdf
from returns.models import Figure, PeriodState, ReportingPeriod, Return, ReturnState
from returns.periods import change_period_state
from tests import factories
from tests.reporting.report_helpers import pdf_text
from themes import workbook
from themes.models import Deliverable, Priority

STRATEGY = Path(settings.BASE_DIR) / "fixtures" / "examples" / "example-strategy.xlsx"
MINUS = "\N{MINUS SIGN}"
KINDS = {
    TargetKind.CHANGE,
    TargetKind.BENCHMARK_GROUP,
    TargetKind.MAINTAIN,
    TargetKind.PERCENTAGE,
    TargetKind.DIRECTION,
    TargetKind.RANGE,
}
"""The kinds of target the strategy uses."""

BASELINE_YEAR = {
    # 2025-26, the baseline year, by quarter: a flow's four add up to its baseline.
    "CRIME-01-A": (150, 160, 152, 150),  # 612
    "CRIME-02-A": (290, 280, 290, 280),  # 1,140
    "CRIME-03-A": ((18.2, 16.5), (18.0, 16.4), (17.9, 16.3), (17.6, 16.2)),  # ours, the group's
    "CRIME-04-A": ((28, 100), (27, 95), (30, 105), (26, 100)),  # numerator, denominator
    "ASB-01-A": (600, 580, 560, 560),  # 2,300
    "ASB-02-A": (50, 55, 40, 35),  # 180
    "ASB-03-A": (24, 23, 23, 22),
    "DRUGS-01-A": (415, 418, 420, 420),
    "DRUGS-02-A": (640, 610, 600, 590),
    "CONF-01-A": (55, 57, 56, 56),
    "CONF-02-A": (420, 510, 300, 410),
}
THIS_YEAR = {
    # 2026-27 Q1 and Q2, from returns.
    "CRIME-01-A": (140, 135),
    "CRIME-02-A": (300, 295),
    "CRIME-03-A": ((17.5, 16.3), (18.4, 16.1)),
    "CRIME-04-A": ((29, 98), (31, 102)),
    "ASB-01-A": (590, 570),
    "ASB-02-A": (45, 48),
    "ASB-03-A": (21, 22),
    "DRUGS-01-A": (422, 425),
    "DRUGS-02-A": (600, 580),
    "CONF-01-A": (55, 54),
    "CONF-02-A": (430, 380),
}


def _parts(measure: Measure, figure) -> dict:
    if measure.code == "CRIME-03-A":
        return {"value": Decimal(str(figure[0])), "benchmark": Decimal(str(figure[1]))}
    if isinstance(figure, tuple):
        return {"numerator": Decimal(figure[0]), "denominator": Decimal(figure[1])}
    return {"value": Decimal(str(figure))}


def strategy_with_two_quarters() -> ReportingPeriod:
    """The strategy imported as the command line does, its baseline year imported as history, Q1
    2026-27 closed with approved returns and Q2 open with every return approved but one: Q2's period."""
    call_command("import_plan", str(STRATEGY), stdout=io.StringIO())
    plan_year = PlanYear.objects.get(partnership__slug="wealdbridge")
    measures = {m.code: m for m in Measure.objects.filter(indicator__priority__plan_year=plan_year)}
    history = tablib.Dataset(
        headers=["partnership", "quarter", "measure", "value", "numerator", "denominator", "benchmark"]
    )
    for code, quarters in BASELINE_YEAR.items():
        for number, figure in enumerate(quarters, start=1):
            parts = _parts(measures[code], figure)
            history.append(
                ["wealdbridge", f"2025-26-Q{number}", code]
                + [parts.get(name, "") for name in ("value", "numerator", "denominator", "benchmark")]
            )
    result = FigureResource().import_data(tablib.Dataset().load(history.csv, format="csv"))
    assert not result.has_validation_errors(), [row.error_dict for row in result.invalid_rows]
    coordinator = factories.make_user("strategy-coordinator")
    q1, q2 = ReportingPeriod.objects.filter(plan_year=plan_year, year=2026, number__in=(1, 2)).order_by(
        "number"
    )
    for period, index in ((q1, 0), (q2, 1)):
        change_period_state(period, coordinator, PeriodState.OPEN)
        for ret in Return.objects.filter(period=period).select_related("indicator"):
            for measure in Measure.objects.filter(indicator=ret.indicator, supplier=ret.agency):
                figure = THIS_YEAR[measure.code][index]
                Figure.objects.create(
                    measure=measure, year=2026, number=period.number, ret=ret, **_parts(measure, figure)
                )
            ret.state = ReturnState.APPROVED
            ret.commentary = f"{ret.indicator.code}: the update for {period.quarter.short_label}."
            ret.save()
    change_period_state(q1, coordinator, PeriodState.CLOSED)
    Return.objects.filter(period=q2, indicator__code="CONF-02").update(state=ReturnState.SUBMITTED)
    return q2


@pytest.fixture
def strategy_q2(db):
    return strategy_with_two_quarters()


def test_the_strategy_is_shipped_as_an_export_of_itself(db):
    shipped = workbook.read(check_bytes(STRATEGY.read_bytes(), STRATEGY.name))
    from returns.periods import import_plan
    from themes import workbook_export

    assert import_plan(shipped).applied
    again = workbook_export.write_xlsx(workbook_export.plan_rows(PlanYear.objects.get()))
    assert workbook.read(check_bytes(again, "x.xlsx")).rows == shipped.rows


def test_the_strategy_imports_as_one_plan_over_three_years_with_its_periods(strategy_q2):
    plan_year = strategy_q2.plan_year

    assert (plan_year.label, plan_year.title) == (
        "2026-27 to 2028-29",
        "Wealdbridge Community Safety Strategy 2026-2029",
    )
    assert plan_year.partnership.protective_marking == ""
    assert ReportingPeriod.objects.filter(plan_year=plan_year).count() == 12
    assert [p.reference for p in Priority.objects.filter(plan_year=plan_year).order_by("order")] == list(
        "1234"
    )
    objectives = Deliverable.objects.filter(priority__plan_year=plan_year)
    assert objectives.count() == 12
    assert objectives.filter(lead_agency__isnull=True).count() == 7  # objectives no agency owns
    assert Indicator.objects.filter(priority__plan_year=plan_year).count() == 11
    kinds = Measure.objects.filter(indicator__priority__plan_year=plan_year).values_list(
        "target_kind", flat=True
    )
    assert set(kinds) == KINDS
    burglary = Measure.objects.get(code="CRIME-01-A")
    assert (burglary.baseline_value, burglary.baseline_year, burglary.change_percent, burglary.due_date) == (
        612,
        2025,
        -20,
        datetime.date(2029, 3, 31),
    )


# Each measure at Q2 2026-27, worked by hand:
EXPECTED = {
    # 1,000-style: the rolling year (Q3 2025-26 to Q2 2026-27) against the line from the baseline at the end
    # of 2025-26 to the target at the end of 2028-29, twelve quarters; two quarters on at Q2 2026-27.
    # 152 + 150 + 140 + 135 = 577 against 612 - 122.4 x 2/12 = 591.6: green.
    "CRIME-01-A": ("green", f"{MINUS}20% on 2025-26 by 31 March 2029: 489.6 (591.6 by Q2 2026-27)"),
    # 290 + 280 + 300 + 295 = 1,165 against 1,140 - 285 x 2/12 = 1,092.5; amber to 1,201.75.
    "CRIME-02-A": ("amber", f"{MINUS}25% on 2025-26 by 31 March 2029: 855 (1,092.5 by Q2 2026-27)"),
    # 18.4 against the group's 16.1; amber to 17.71: red.
    "CRIME-03-A": ("red", "At or below the most similar group average (16.1)"),
    # (30 + 26 + 29 + 31) / (105 + 100 + 98 + 102) = 116/405 = 28.64%, within 28% +/- 10% (25.2 to 30.8).
    "CRIME-04-A": ("green", "28% ± 10% (25.2% to 30.8%)"),
    # 560 + 560 + 590 + 570 = 2,280 against 2,300 - 345 x 2/12 = 2,242.5; amber to 2,466.75.
    "ASB-01-A": ("amber", f"{MINUS}15% on 2025-26 by 31 March 2029: 1,955 (2,242.5 by Q2 2026-27)"),
    # 40 + 35 + 45 + 48 = 168 against 180 - 18 x 2/12 = 177: green.
    "ASB-02-A": ("green", f"{MINUS}10% on 2025-26 by 31 March 2029: 162 (177 by Q2 2026-27)"),
    # 22% against at most 20%, amber to 22%.
    "ASB-03-A": ("amber", "20%"),
    # A level: 425 against 420 + 42 x 2/12 = 427, amber down to 384.3.
    "DRUGS-01-A": ("amber", "+10% on 2025-26 by 31 March 2029: 462 (427 by Q2 2026-27)"),
    # 580 against 610 in Q2 2025-26: lower, improving.
    "DRUGS-02-A": ("green", "Lower than a year ago"),
    # 54% within 56% +/- 5% (53.2% to 58.8%).
    "CONF-01-A": ("green", "56% ± 5% (53.2% to 58.8%)"),
    # 380 below the range 400 to 550; amber down to 360. (Its return is submitted, so it counts.)
    "CONF-02-A": ("amber", "400 to 550"),
}


def test_the_report_rates_every_kind_and_shows_progress_to_the_end_date(strategy_q2):
    report = build_quarterly_report(strategy_q2, today=datetime.date(2026, 10, 1))

    rows = {m.code: m for s in report.priorities for i in s.indicators for m in i.measures}
    assert {code: (row.rag, row.target) for code, row in rows.items()} == EXPECTED
    assert (report.plan_year, report.plan_progress, report.marking) == (
        "2026-27 to 2028-29",
        "year 1 of 3",
        "",
    )
    assert [s.reference for s in report.priorities] == ["1", "2", "3", "4"]
    assert [a.reference for a in report.priorities[0].actions] == ["1.1", "1.2", "1.3"]
    assert {item.term for item in report.benchmarks} == {kind.label for kind in KINDS}


def test_the_report_renders_as_a_pdf_with_no_marking_and_every_priority(strategy_q2):
    text = pdf_text(render_pdf(build_quarterly_report(strategy_q2, today=datetime.date(2026, 10, 1))))

    assert "Wealdbridge Community Safety Strategy 2026-2029 (2026-27 to 2028-29: year 1 of 3)" in text
    for heading in ("1 Reduce crime", "2 Tackle anti-social behaviour", "4 Reassure the public"):
        assert f"Priority {heading}" in text  # each priority's section, under its printed number
    assert "2025-26 by 31 March 2029: 489.6 (591.6 by Q2 2026-27)" in text  # the table cell, wrapped
    assert "A percentage change from a baseline by a date" in text
    assert "OFFICIAL" not in text
    assert "DRAFT" in text  # one return is submitted, not yet approved


def test_the_plan_page_shows_the_strategy_numbered_as_printed(client, strategy_q2):
    plan_year = strategy_q2.plan_year
    officer = factories.officer_of(plan_year.partnership.agencies.get(name="Kent Police"), username="police")
    client.force_login(officer)

    page = client.get(reverse("plan_year", args=["wealdbridge", plan_year.pk])).content.decode()

    assert "Action plan 2026-27 to 2028-29" in page
    assert ">1 Reduce crime</h2>" in page
    assert '-2">1.2 Design out vehicle crime in town-centre car parks.' in page
    assert "1.1 Domestic burglary." in page
