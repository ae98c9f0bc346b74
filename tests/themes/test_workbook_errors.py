"""Bad rows in a plan workbook: each reported by sheet, row and reason, and nothing written."""

import copy
import io

import pytest

from csp.models import Agency, Partnership, PlanYear
from csp.upload_guard import check_bytes
from indicators.models import Indicator, Measure
from themes import workbook, workbook_export
from themes.models import Deliverable, KeyTheme, Priority
from themes.plan_import import import_plan

SMALL_PLAN = {
    "Plan": [
        {
            "partnership": "Atlantis Community Safety Partnership",
            "slug": "atlantis",
            "vision": "Safe seas.",
            "protective_marking": "OFFICIAL",
            "start_year": 2026,
            "title": "Atlantis plan",
        }
    ],
    "Agencies": [
        {"name": "Atlantis Police", "short_name": "AP"},
        {"name": "Atlantis Council", "other_names": "The Council; Council of Atlantis"},
    ],
    "Priorities": [
        {"order": 1, "code": "SEA", "title": "Safer seas"},
        {"order": 2, "code": "SHORE", "title": "Safer shores", "led_by": "Atlantis Council"},
    ],
    "Key themes": [
        {"priority": "SEA", "order": 1, "text": "Patrols"},
        {"priority": "SEA", "order": 2, "parent_order": 1, "text": "Night patrols"},
    ],
    "Deliverables": [
        {"priority": "SEA", "order": 1, "text": "A patrol plan", "lead_agency": "AP", "delivers_theme": 2}
    ],
    "Indicators": [
        {
            "priority": "SEA",
            "order": 1,
            "code": "SEA-01",
            "text": "Incidents at sea",
            "benchmark_text": "Rolling Year Rolling Quarter",
            "benchmark_kind": "rolling",
            "responsible_as_printed": "Police",
            "responsible_agencies": "AP",
        },
        {
            "priority": "SHORE",
            "order": 1,
            "code": "SHORE-01",
            "text": "Beach fires",
            "benchmark_text": "63%",
            "benchmark_kind": "percentage",
            "responsible_as_printed": "Council",
            "responsible_agencies": "The Council",
        },
    ],
    "Measures": [
        {
            "indicator": "SEA-01",
            "order": 1,
            "code": "SEA-01-A",
            "name": "Incidents",
            "unit": "count",
            "polarity": "lower",
            "aggregation": "flow",
            "supplier": "AP",
            "target_kind": "rolling",
        },
        {
            "indicator": "SHORE-01",
            "order": 1,
            "code": "SHORE-01-A",
            "name": "Fires",
            "unit": "percentage",
            "polarity": "lower",
            "aggregation": "stock",
            "supplier": "Atlantis Council",
            "target_kind": "percentage",
            "target_value": 63,
        },
    ],
}
"""A small plan by column name; a column left out is blank."""
PLAN_MODELS = (Partnership, PlanYear, Agency, Priority, KeyTheme, Deliverable, Indicator, Measure)


def small_plan(**edits) -> dict:
    """The small plan's rows, with cells changed: edits={"Indicators": {(0, "text"): ""}}; a row past
    the last is a copy of the first, changed."""
    rows = copy.deepcopy(SMALL_PLAN)
    for title, cells in edits.items():
        for (index, column), value in cells.items():
            if index >= len(rows[title]):
                rows[title].append(dict(rows[title][0]))
            rows[title][index][column] = value
    return positional(rows)


def positional(rows: dict) -> dict:
    """Rows by column name as the workbook's rows: cells in the sheet's column order, blanks for the rest."""
    return {
        sheet.title: [[row.get(name) for name in sheet.column_names] for row in rows.get(sheet.title, [])]
        for sheet in workbook.SHEETS
    }


def run(rows: dict, name: str = "plan.xlsx"):
    data = workbook_export.write_xlsx(rows) if name.endswith(".xlsx") else workbook_export.write_csv_zip(rows)
    return import_plan(workbook.read(check_bytes(data, name)))


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in PLAN_MODELS}


def test_the_small_plan_imports_cleanly(db):
    report = run(small_plan())

    assert report.applied, [str(e) for e in report.errors]
    assert Indicator.objects.get(code="SHORE-01").responsible_agencies.get().name == "Atlantis Council"
    assert Deliverable.objects.get().delivers_theme.text == "Night patrols"


BAD_ROWS = [
    pytest.param(
        {"Indicators": {(0, "responsible_agencies"): "AP; Atlantis Fire"}},
        'Sheet "Indicators", row 2: no agency called "Atlantis Fire"',
        id="unknown-responsible-agency",
    ),
    pytest.param(
        {"Measures": {(1, "supplier"): "Atlantis Police Service"}},
        'Sheet "Measures", row 3: no agency called "Atlantis Police Service"',
        id="unknown-supplier",
    ),
    pytest.param(
        {"Deliverables": {(0, "lead_agency"): "Poseidon"}},
        'Sheet "Deliverables", row 2: no agency called "Poseidon"',
        id="unknown-lead-agency",
    ),
    pytest.param(
        {"Indicators": {(2, "code"): "SEA-01", (2, "order"): 2}},
        'Sheet "Indicators", row 4: the code SEA-01 is already used on row 2.',
        id="duplicate-indicator-code",
    ),
    pytest.param(
        {"Measures": {(2, "code"): "SEA-01-A", (2, "order"): 2}},
        'Sheet "Measures", row 4: the code SEA-01-A is already used on row 2.',
        id="duplicate-measure-code",
    ),
    pytest.param(
        {"Priorities": {(2, "code"): "SEA", (2, "order"): 3}},
        'Sheet "Priorities", row 4: the code SEA is already used on row 2.',
        id="duplicate-priority-code",
    ),
    pytest.param(
        {"Agencies": {(2, "name"): "Atlantis Coastguard", (2, "short_name"): "AP"}},
        'Sheet "Agencies", row 4: the name "AP" is already used on row 2.',
        id="agency-name-used-twice",
    ),
    pytest.param(
        {"Measures": {(1, "target_value"): 120}},
        'Sheet "Measures", row 3: target_value: A percentage target must be between 0 and 100.',
        id="percentage-target-over-100",
    ),
    pytest.param(
        {"Measures": {(1, "target_value"): "lots"}},
        "Sheet \"Measures\", row 3: the target_value must be a number, like 1416, not 'lots'.",
        id="target-not-a-number",
    ),
    pytest.param(
        {"Measures": {(1, "target_value"): None}},
        'Sheet "Measures", row 3: target_value: A percentage to reach needs a target value.',
        id="target-missing",
    ),
    pytest.param(
        {
            "Measures": {
                (0, "target_kind"): "milestone",
                (0, "unit"): "milestone",
                (0, "aggregation"): "stock",
                (0, "due_date"): "next spring",
            }
        },
        "Sheet \"Measures\", row 2: the due_date must be a date like 2026-10-31, not 'next spring'.",
        id="bad-due-date",
    ),
    pytest.param(
        {"Measures": {(0, "unit"): "kilos"}},
        'Sheet "Measures", row 2: the unit must be one of count, percentage, rate_per_100k, milestone, '
        "not 'kilos'.",
        id="unknown-unit",
    ),
    pytest.param(
        {"Indicators": {(1, "text"): ""}},
        'Sheet "Indicators", row 3: the text is missing.',
        id="indicator-text-missing",
    ),
    pytest.param(
        {"Key themes": {(1, "text"): "  "}},
        'Sheet "Key themes", row 3: the text is missing.',
        id="theme-text-missing",
    ),
    pytest.param(
        {"Deliverables": {(0, "text"): None}},
        'Sheet "Deliverables", row 2: the text is missing.',
        id="deliverable-text-missing",
    ),
    pytest.param(
        {"Measures": {(0, "name"): ""}},
        'Sheet "Measures", row 2: the name is missing.',
        id="measure-name-missing",
    ),
    pytest.param(
        {"Indicators": {(0, "priority"): "SKY"}},
        'Sheet "Indicators", row 2: no priority with the code SKY in the Priorities sheet.',
        id="unknown-priority",
    ),
    pytest.param(
        {"Measures": {(0, "indicator"): "SEA-99"}},
        'Sheet "Measures", row 2: no indicator with the code SEA-99 in the Indicators sheet.',
        id="unknown-indicator",
    ),
    pytest.param(
        {"Key themes": {(2, "order"): 3, (2, "parent_order"): 2}},
        'Sheet "Key themes", row 4: parent_order: theme 2 is nested itself; themes nest one level.',
        id="theme-nested-two-levels",
    ),
    pytest.param(
        {"Deliverables": {(0, "delivers_theme"): 7}},
        'Sheet "Deliverables", row 2: delivers_theme: there is no theme 7 of SEA in the Key themes sheet.',
        id="delivers-unknown-theme",
    ),
    pytest.param(
        {"Priorities": {(0, "order"): "first"}},
        "Sheet \"Priorities\", row 2: the order must be a whole number, like 3, not 'first'.",
        id="order-not-a-number",
    ),
    pytest.param(
        {"Priorities": {(2, "code"): "SEA ONE", (2, "order"): 3}},
        'Sheet "Priorities", row 4: code: Enter a valid “slug”',
        id="code-not-a-slug",
    ),
    pytest.param(
        {"Plan": {(0, "start_year"): 1066}},
        'Sheet "Plan", row 2: start_year: Ensure this value is greater than or equal to 2000.',
        id="plan-year-out-of-range",
    ),
]


@pytest.mark.parametrize(("edits", "expected"), BAD_ROWS)
def test_a_bad_row_is_reported_by_sheet_row_and_reason_and_nothing_is_written(db, edits, expected):
    report = run(small_plan(**edits))

    assert not report.applied
    assert len(report.errors) == 1, [str(e) for e in report.errors]  # and nothing that follows from it
    assert str(report.errors[0]).startswith(expected), str(report.errors[0])
    assert set(counts().values()) == {0}


def test_every_bad_row_is_reported_at_once(db):
    rows = small_plan(
        **{"Key themes": {(1, "text"): ""}},
        Indicators={(0, "responsible_agencies"): "Atlantis Fire"},
        Measures={(1, "target_value"): 120},
    )

    report = run(rows)

    assert [str(e).split(":")[0] for e in report.errors] == [
        'Sheet "Key themes", row 3',
        'Sheet "Indicators", row 2',
        'Sheet "Measures", row 3',
    ]


def test_a_row_that_depends_on_a_bad_row_is_not_reported_twice(db):
    report = run(small_plan(Indicators={(0, "text"): ""}))

    assert [str(e) for e in report.errors] == ['Sheet "Indicators", row 2: the text is missing.']


def test_the_same_rows_are_reported_from_csv_files(db):
    report = run(small_plan(Indicators={(0, "responsible_agencies"): "Atlantis Fire"}), "plan.zip")

    assert [str(e) for e in report.errors] == [
        'Sheet "Indicators", row 2: no agency called "Atlantis Fire": add it to the Agencies sheet, '
        "or use a name there."
    ]


def test_a_bad_correction_of_an_existing_plan_changes_nothing_at_all(db):
    assert run(small_plan()).applied
    before = counts(), list(Indicator.objects.values_list("code", "text", "order"))
    rows = small_plan(
        Indicators={(0, "text"): "Reworded", (2, "code"): "SEA-02", (2, "order"): 2},
        Measures={(1, "target_value"): "lots"},
    )

    report = run(rows)

    assert [str(e).split(":")[0] for e in report.errors] == ['Sheet "Measures", row 3']
    assert (counts(), list(Indicator.objects.values_list("code", "text", "order"))) == before


def test_an_order_taken_by_an_item_left_out_of_the_workbook_is_an_error(db):
    assert run(small_plan(Indicators={(2, "code"): "SEA-02", (2, "order"): 2})).applied
    rows = small_plan(Indicators={(2, "code"): "SEA-03", (2, "order"): 2})

    report = run(rows)

    assert [str(e) for e in report.errors] == [
        'Sheet "Indicators", row 4: the order 2 is taken by SEA-02, which is in the database but not in the '
        "workbook: give this row another order, or add SEA-02 to the workbook."
    ]


def test_a_measure_with_figures_keeps_its_way_of_counting(db):
    from returns.models import Figure

    assert run(small_plan()).applied
    Figure.objects.create(measure=Measure.objects.get(code="SEA-01-A"), year=2025, number=4, value=3)

    report = run(small_plan(Measures={(0, "aggregation"): "stock"}))

    assert [str(e) for e in report.errors] == [
        'Sheet "Measures", row 2: SEA-01-A already has figures, counted as count (flow): its unit and '
        "aggregation cannot change. Give the new way of counting a new measure code."
    ]


def test_a_missing_file_a_misspelt_column_and_two_plan_rows_are_all_reported(db):
    rows = small_plan()
    rows["Plan"].append(list(rows["Plan"][0]))
    files = workbook_export.csv_files(rows)
    del files["measures.csv"]
    files["agencies.csv"] = files["agencies.csv"].replace(b"short_name", b"shortname")

    report = import_plan(workbook.read_csv_files(files))

    assert [str(e) for e in report.errors] == [
        'Sheet "Plan", row 3: the Plan sheet needs exactly one row (the plan), not 2.',
        'Sheet "Agencies", row 1: the header row is missing the column short_name and has the unknown column '
        "shortname (name, short_name, other_names): nothing is imported until it is there, and every row is "
        "checked without it; the agencies named in Deliverables, Indicators and Measures are not checked "
        "against it.",
        'Sheet "Measures": the file measures.csv is missing.',
    ]
    assert set(counts().values()) == {0}


def test_an_xlsx_without_a_plan_sheet_or_with_a_stray_sheet_is_reported(db):
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(workbook_export.write_xlsx(small_plan())))
    del book["Deliverables"]
    book.create_sheet("My notes")
    out = io.BytesIO()
    book.save(out)

    read = workbook.read(check_bytes(out.getvalue(), "plan.xlsx"))

    assert [str(p) for p in read.problems] == [
        'Sheet "My notes": not a sheet of the plan workbook (Plan, Agencies, Priorities, Key themes, '
        "Deliverables, Milestones, Indicators, Measures).",
        'Sheet "Deliverables": the sheet is missing; the deliverables named in Milestones are not checked '
        "against it.",
    ]


def test_the_command_line_lists_each_bad_row_and_fails(db, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "plan.xlsx"
    path.write_bytes(
        workbook_export.write_xlsx(small_plan(Indicators={(0, "responsible_agencies"): "Atlantis Fire"}))
    )
    err = io.StringIO()

    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_plan", str(path), stderr=err)

    assert 'Sheet "Indicators", row 2: no agency called "Atlantis Fire"' in err.getvalue()
    assert set(counts().values()) == {0}
