"""Import errors in one round: every independent error at once, and none that follows from another.

A mistake in one cell used to hide the rest of its row and everything that named it, or to be reported
again on every row that did ("no indicator with the code CRIME-01" for rows that are there). Fix what is
reported, and the next import finds nothing new.
"""

import pytest

from csp.models import PlanYear
from tests.themes.test_workbook_errors import counts, run, small_plan
from themes import workbook, workbook_export
from themes.plan_import import import_plan

COLUMNS = ", ".join(workbook.INDICATORS.column_names)


def messages(report) -> list[str]:
    return [str(problem) for problem in report.errors]


def without_column(rows: dict, sheet: workbook.Sheet, column: str) -> dict[str, bytes]:
    """The workbook as CSV files, one column taken out of one sheet."""
    files = workbook_export.csv_files(rows)
    lines = files[sheet.filename].decode().split("\r\n")
    index = sheet.column_names.index(column)
    cut = [",".join(cell for i, cell in enumerate(line.split(",")) if i != index) for line in lines]
    files[sheet.filename] = "\r\n".join(cut).encode()
    return files


def test_a_missing_column_is_reported_once_with_what_it_stops_checking(db):
    files = without_column(small_plan(), workbook.INDICATORS, "benchmark_kind")

    report = import_plan(workbook.read_csv_files(files))

    assert messages(report) == [
        f'Sheet "Indicators", row 1: the header row is missing the column benchmark_kind ({COLUMNS}): '
        "nothing is imported until it is there, and every row is checked without it."
    ]
    assert set(counts().values()) == {0}


def test_a_missing_key_column_says_the_rows_that_name_it_go_unchecked_and_reports_none_of_them(db):
    files = without_column(small_plan(), workbook.INDICATORS, "code")

    report = import_plan(workbook.read_csv_files(files))

    assert messages(report) == [
        f'Sheet "Indicators", row 1: the header row is missing the column code ({COLUMNS}): nothing is '
        "imported until it is there, and every row is checked without it; the indicators named in Measures "
        "are not checked against it."
    ]


def test_a_missing_column_still_lets_every_other_mistake_be_found_in_the_same_round(db):
    rows = small_plan(
        Indicators={(1, "text"): ""},
        Measures={(1, "target_value"): 120, (0, "supplier"): "Atlantis Fire"},
    )
    files = without_column(rows, workbook.INDICATORS, "benchmark_kind")

    report = import_plan(workbook.read_csv_files(files))

    assert [message.split(":")[0] for message in messages(report)] == [
        'Sheet "Indicators", row 1',
        'Sheet "Indicators", row 3',
        'Sheet "Measures", row 2',
        'Sheet "Measures", row 3',
    ]
    assert messages(report)[1:] == [
        'Sheet "Indicators", row 3: the text is missing.',
        'Sheet "Measures", row 2: no agency called "Atlantis Fire": add it to the Agencies sheet, or use a '
        "name there.",
        'Sheet "Measures", row 3: target_value: A percentage target must be between 0 and 100.',
    ]


def test_a_missing_sheet_is_reported_once_and_the_rows_that_name_it_are_not(db):
    files = workbook_export.csv_files(small_plan(Measures={(1, "target_value"): 120}))
    del files["indicators.csv"]

    report = import_plan(workbook.read_csv_files(files))

    assert messages(report) == [
        'Sheet "Indicators": the file indicators.csv is missing; the indicators named in Measures are not '
        "checked against it.",
        'Sheet "Measures", row 3: target_value: A percentage target must be between 0 and 100.',
    ]


def test_a_bad_row_hides_neither_its_own_other_mistakes_nor_those_of_the_rows_that_name_it(db):
    rows = small_plan(
        Indicators={(1, "text"): "", (1, "benchmark_kind"): "sometimes"},
        Measures={(1, "target_value"): 120},
    )

    report = run(rows)

    assert messages(report) == [
        'Sheet "Indicators", row 3: the text is missing.',
        'Sheet "Indicators", row 3: the benchmark_kind must be one of rolling, quarterly, n/a, number, '
        "percentage, reduction, direction, milestone, change, maintain, range, group, not 'sometimes'.",
        'Sheet "Measures", row 3: target_value: A percentage target must be between 0 and 100.',
    ]


def test_a_bad_plan_row_brings_no_false_errors_for_agencies_and_the_rest_is_still_checked(db):
    rows = small_plan(
        Plan={(0, "start_year"): "2005-07"},
        Measures={(1, "target_value"): 120},
    )

    report = run(rows)

    assert messages(report) == [
        "Sheet \"Plan\", row 2: the start_year must be a year, like 2026 or 2026-27, not '2005-07'.",
        'Sheet "Measures", row 3: target_value: A percentage target must be between 0 and 100.',
    ]
    assert set(counts().values()) == {0}


def test_an_agency_row_with_a_mistake_is_reported_and_the_rows_naming_it_are_not(db):
    rows = small_plan(Agencies={(1, "other_names"): "Atlantis Police; The Council; Council of Atlantis"})

    report = run(rows)

    assert messages(report) == [
        'Sheet "Agencies", row 3: the name "Atlantis Police" is already used on row 2.'
    ]


@pytest.mark.parametrize("written", [2026, "2026", "2026-27", "2026/27", "2026-2027", " 2026 - 27 "])
def test_a_year_is_accepted_as_2026_or_2026_27(db, written):
    report = run(small_plan(Plan={(0, "start_year"): written}))

    assert report.applied, messages(report)
    assert PlanYear.objects.get().start_year == 2026


@pytest.mark.parametrize(
    ("column", "written", "expected"),
    [
        ("Plan", ("start_year", "next year"), "the start_year must be a year, like 2026 or 2026-27"),
        ("Plan", ("start_year", "2026-28"), "the start_year must be a year, like 2026 or 2026-27"),
        ("Priorities", ("order", "1st"), "the order must be a whole number, like 3"),
        ("Priorities", ("order", 1.5), "the order must be a whole number, like 3"),
        ("Measures", ("target_value", "high"), "the target_value must be a number, like 1416"),
        ("Measures", ("due_date", "soon"), "the due_date must be a date like 2026-10-31"),
    ],
)
def test_messages_give_an_example_that_fits_the_column(db, column, written, expected):
    name, value = written

    report = run(small_plan(**{column: {(0, name): value}}))

    assert len(report.errors) == 1
    assert expected in str(report.errors[0])
