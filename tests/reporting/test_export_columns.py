"""The CSV and XLSX downloads carry what the report prints for each measure, unformatted where it is a
number: this quarter, previous, same quarter last year, rolling year and the one before with its change,
year to date, the target in force, the rating and its reason."""

import csv
import io
from decimal import Decimal

from openpyxl import load_workbook

from reporting import exports
from reporting.builder import build_quarterly_report
from returns.models import ReturnState
from tests.reporting.report_helpers import AFTER_DEADLINE, add_figure, set_return


def _rows(text: str) -> dict[str, dict[str, str]]:
    return {row["measure code"]: row for row in csv.DictReader(io.StringIO(text))}


def test_each_measures_row_carries_the_reports_figures_target_and_rating(plan):
    set_return(plan.ret, ReturnState.APPROVED)
    # Incidents: the eight quarters from Q3 2024-25 to Q2 2026-27.
    for (year, number), value in zip(
        [(2024, 3), (2024, 4), (2025, 1), (2025, 2), (2025, 3), (2025, 4), (2026, 1), (2026, 2)],
        [10, 20, 30, 40, 50, 60, 70, 80],
        strict=True,
    ):
        add_figure(plan.count, year, number, value, ret=plan.ret if (year, number) == (2026, 2) else None)
    add_figure(plan.ratio, 2026, 2, ret=plan.ret, numerator=Decimal(58), denominator=Decimal(100))

    report = build_quarterly_report(plan.period, today=AFTER_DEADLINE)
    rows = _rows(exports.figures_csv(report))

    incidents = rows["SAFE-01-A"]
    assert (incidents["value"], incidents["previous quarter"], incidents["same quarter last year"]) == (
        "80",
        "70",
        "40",
    )
    assert (incidents["rolling year"], incidents["previous rolling year"]) == ("260", "100")
    assert incidents["rolling year change %"] == "160"
    assert incidents["year to date"] == "150"
    rate = rows["SAFE-01-C"]
    assert (rate["value"], rate["target"], rate["rating"]) == ("58", "63%", "Amber")
    assert rate["rating reason"] == next(
        m.rag_reason
        for s in report.priorities
        for i in s.indicators
        for m in i.measures
        if m.code == "SAFE-01-C"
    )
    assert rows["SAFE-01-D"]["previous quarter"] == "" and rows["SAFE-01-D"]["rolling year"] == ""


def test_the_spreadsheet_has_the_same_columns_with_numbers_as_numbers(plan):
    set_return(plan.ret, ReturnState.APPROVED)
    add_figure(plan.count, 2026, 1, 70)
    add_figure(plan.count, 2026, 2, 80, ret=plan.ret)

    sheet = load_workbook(
        io.BytesIO(exports.figures_xlsx(build_quarterly_report(plan.period, today=AFTER_DEADLINE)))
    ).active
    header = [cell.value for cell in sheet[1]]
    assert header == list(exports.HEADERS)
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[7] == "SAFE-01-A")
    assert row[header.index("previous quarter")] == 70
    assert row[header.index("year to date")] == 150
