"""The period's figures as CSV and XLSX, in long format: one row per measure.

Built from the same `QuarterlyReport` as the page and the PDF, so the three agree. Every text cell goes
through the project's formula escaping (`csp.spreadsheets`): an officer's "=HYPERLINK(...)" in a
measure's name or an agency called "@risk" opens as text, never as a formula.
"""

from collections.abc import Iterator
from decimal import Decimal

import tablib

from csp.spreadsheets import SafeCSV, SafeXLSX
from indicators.formatting import rounded
from reporting.builder import QuarterlyReport

HEADERS = (
    "period",
    "priority",
    "indicator",
    "measure",
    "agency",
    "value",
    "state",
    "measure code",
    "unit",
    "previous quarter",
    "same quarter last year",
    "rolling year",
    "previous rolling year",
    "rolling year change %",
    "year to date",
    "target",
    "rating",
    "rating reason",
    "direction of travel",
)
"""The long format's first seven columns, then everything the report prints for a measure: its figures
unformatted (blank where there is none), and the target in force, the rating and why, as printed."""


def figure_rows(report: QuarterlyReport) -> Iterator[tuple]:
    for section in report.priorities:
        for indicator in section.indicators:
            for measure in indicator.measures:
                yield (
                    report.period_code,
                    section.heading,
                    indicator.code,
                    measure.name,
                    measure.supplier,
                    _value(measure.value),
                    measure.return_state,
                    measure.code,
                    measure.unit,
                    *(_value(figure) for figure in (measure.figures or (None,) * 6)),
                    measure.target,
                    measure.rag_words,
                    measure.rag_reason,
                    measure.direction,
                )


def _value(value: Decimal | str | None):
    """A number as a number (two decimal places at most), a milestone's status as text, nothing as blank."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        number = rounded(value, 2).normalize()
        return int(number) if number == number.to_integral_value() else number
    return value


def dataset(report: QuarterlyReport) -> tablib.Dataset:
    data = tablib.Dataset(headers=list(HEADERS), title=f"Figures {report.period_code}")
    for row in figure_rows(report):
        data.append(row)
    return data


def figures_csv(report: QuarterlyReport) -> str:
    return SafeCSV().export_data(dataset(report))


def figures_xlsx(report: QuarterlyReport) -> bytes:
    return SafeXLSX().export_data(dataset(report))
