"""The plan workbook: one plan year as sheets of rows that name things, never database ids.

The same format comes as one XLSX (a sheet per part) or as CSV files (one per part, in a folder or a
zip). This module defines the sheets and their columns (with what each cell must hold) and reads either
form into plain rows once `csp.upload_guard` has passed the file (each kind of cell is read by
`themes.workbook_cells`); `themes.workbook_export` writes a plan year out. What the rows mean for the
database is `themes.plan_import`'s business.
"""

import csv
from dataclasses import dataclass, field

from csp.models import ProtectiveMarking
from csp.upload_guard import (
    MAX_CELL_CHARS,
    MAX_ROWS,
    UNREADABLE_WORKBOOK,
    RefusedFile,
    csv_rows,
    opened_workbook,
    sheet_rows,
)
from indicators.kinds import Aggregation, Polarity, TargetKind, Unit
from themes.workbook_cells import EXAMPLES, PARSERS, CellError, choice, choices_in_words, text

README_SHEET = "Read me"


@dataclass(frozen=True)
class Column:
    name: str
    help: str
    kind: object = "text"
    """"text", "integer", "decimal", "date", "year", "names" (separated by semicolons) or a TextChoices
    class."""
    required: bool = False
    example: str = ""
    """A value that fits the column, for messages about one that does not (the kind's own if blank)."""
    names_a: str = ""
    """The sheet whose rows this column names (a priority's code, an agency's name), if it names any."""
    may_be_absent: bool = False
    """Added to the format later: a workbook made before has no such column, and what it holds in the
    database is left as it is rather than the workbook refused."""

    def parse(self, raw):
        """The cell as the typed value this column holds: "" / None / [] for a blank optional cell."""
        if self.required and not text(raw):
            raise CellError(f"the {self.name} is missing.")
        if not isinstance(self.kind, str):
            return choice(raw, self.kind, self.name)
        value = PARSERS[self.kind](raw, self.name, self.example or EXAMPLES.get(self.kind, ""))
        if self.required and value == []:
            raise CellError(f"the {self.name} is missing.")
        return value

    @property
    def blank(self):
        """What the column holds for an empty cell."""
        return {"names": [], "text": ""}.get(self.kind) if isinstance(self.kind, str) else None


@dataclass(frozen=True)
class Sheet:
    title: str
    filename: str
    help: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    """The columns other sheets name a row by (a code; a priority and an order; an agency's names)."""
    item: str = ""
    """What one row is, in the singular: "indicator"."""
    may_be_absent: bool = False
    """Added to the format later (as `Column.may_be_absent`): without it, nothing of its kind changes."""

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _one_of(kind) -> str:
    return f"One of: {choices_in_words(kind)}."


PLAN = Sheet(
    "Plan",
    "plan.csv",
    "The partnership and the plan (one financial year, or several): exactly one row.",
    (
        Column("partnership", "The partnership's full name.", required=True),
        Column("slug", "Short stable identifier, lower case with hyphens, e.g. medway.", required=True),
        Column("vision", "The vision statement as printed."),
        Column(
            "protective_marking",
            f"Printed on every report page. {_one_of(ProtectiveMarking)} Blank prints none.",
            ProtectiveMarking,
        ),
        Column("start_year", "The year the plan starts: 2026 or 2026-27.", "year", True),
        Column(
            "end_year",
            "For a plan over several financial years, its last: 2028 or 2028-29. Blank for one year.",
            "year",
            example="2028 or 2028-29",
        ),
        Column("title", "The plan's title as printed.", required=True),
    ),
    item="plan",
)
AGENCIES = Sheet(
    "Agencies",
    "agencies.csv",
    "The responsible bodies, each once. Other sheets name them by name, short name or other name.",
    (
        Column("name", "Full name, e.g. Kent Fire and Rescue Service.", required=True),
        Column("short_name", "e.g. KFRS."),
        Column("other_names", "Other spellings the plan uses, separated by semicolons.", "names"),
    ),
    key=("name", "short_name", "other_names"),
    item="agency",
)
PRIORITIES = Sheet(
    "Priorities",
    "priorities.csv",
    "The plan's sections, in order, identified by code.",
    (
        Column("order", "Position in the plan: 1, 2, 3 ...", "integer", True, "3"),
        Column("code", "Stable code: letters, digits and hyphens, e.g. ASB.", required=True),
        Column("reference", "The number the plan prints beside it, e.g. 2.4; blank if none."),
        Column("title", "As printed.", required=True),
        Column("abbreviation", "As printed after the title, e.g. VAWG."),
        Column("led_by", "The body that leads the priority, as printed."),
    ),
    key=("code",),
    item="priority",
)
KEY_THEMES = Sheet(
    "Key themes",
    "key-themes.csv",
    "Each priority's key-theme bullets, identified by priority and order.",
    (
        Column("priority", "The priority's code.", required=True, names_a="Priorities"),
        Column("order", "Position among the priority's themes, nested ones included.", "integer", True, "3"),
        Column(
            "parent_order",
            "For a theme nested under another: that theme's order.",
            "integer",
            example="1",
            names_a="Key themes",
        ),
        Column("reference", "The number the plan prints beside it, e.g. 2.4; blank if none."),
        Column("text", "As printed.", required=True),
    ),
    key=("priority", "order"),
    item="key theme",
)
DELIVERABLES = Sheet(
    "Deliverables",
    "deliverables.csv",
    "Each priority's key-deliverable bullets, identified by priority and order.",
    (
        Column("priority", "The priority's code.", required=True, names_a="Priorities"),
        Column("order", "Position among the priority's deliverables.", "integer", True, "3"),
        Column("reference", "The number the plan prints beside it, e.g. 2.4; blank if none."),
        Column("text", "As printed.", required=True),
        Column(
            "lead_agency", "Where the plan names one: an agency's name or short name.", names_a="Agencies"
        ),
        Column(
            "delivers_theme",
            "Where the plan says which key theme this delivers: its order.",
            "integer",
            example="2",
            names_a="Key themes",
        ),
        Column(
            "owner",
            "Who sends its quarterly updates, where the plan names no lead agency (or another is chosen): "
            "an agency's name or short name. Blank: the lead agency; with neither, the coordinator.",
            names_a="Agencies",
            may_be_absent=True,
        ),
        Column(
            "due_date",
            "When it should be finished, if it has a date: YYYY-MM-DD.",
            "date",
            may_be_absent=True,
        ),
    ),
    key=("priority", "order"),
    item="deliverable",
)
MILESTONES = Sheet(
    "Milestones",
    "milestones.csv",
    "Steps on the way to a deliverable, each with the date it is due; identified by the deliverable "
    "(its priority and order) and their own order.",
    (
        Column("priority", "The deliverable's priority code.", required=True, names_a="Priorities"),
        Column(
            "deliverable", "The deliverable's order in its priority.", "integer", True, "3", "Deliverables"
        ),
        Column("order", "Position among the deliverable's milestones.", "integer", True, "2"),
        Column("text", "What is to be done by then.", required=True),
        Column("due_date", "When it is due: YYYY-MM-DD.", "date"),
    ),
    key=("priority", "deliverable", "order"),
    item="milestone",
    may_be_absent=True,
)
INDICATORS = Sheet(
    "Indicators",
    "indicators.csv",
    "One row of a plan table each, word for word, identified by its code.",
    (
        Column("priority", "The priority's code.", required=True, names_a="Priorities"),
        Column("order", "Position in the priority's table.", "integer", True, "3"),
        Column("code", "Stable code, unique in the plan, e.g. ASB-01.", required=True),
        Column("reference", "The number the plan prints beside it, e.g. 2.4; blank if none."),
        Column("text", "The indicator, or the action where the table has a measure column.", required=True),
        Column("measure_text", "The separate measure column, where the plan has one."),
        Column("benchmark_text", "The benchmark or target as printed, e.g. Rolling Year Rolling Quarter."),
        Column("benchmark_kind", _one_of(TargetKind), TargetKind, True),
        Column("responsible_as_printed", "The Responsible column, word for word.", required=True),
        Column(
            "responsible_agencies",
            "Agency names or short names, separated by semicolons.",
            "names",
            True,
            names_a="Agencies",
        ),
    ),
    key=("code",),
    item="indicator",
)
MEASURES = Sheet(
    "Measures",
    "measures.csv",
    "What is counted for each indicator, identified by its code. An indicator may have none.",
    (
        Column("indicator", "The indicator's code.", required=True, names_a="Indicators"),
        Column("order", "Position among the indicator's measures.", "integer", True, "2"),
        Column("code", "Stable code, unique in the plan, e.g. ASB-01-A.", required=True),
        Column("name", "What is counted.", required=True),
        Column("unit", _one_of(Unit), Unit, True),
        Column("polarity", _one_of(Polarity), Polarity, True),
        Column("aggregation", _one_of(Aggregation), Aggregation, True),
        Column(
            "supplier",
            "The agency that supplies the figure: name or short name.",
            required=True,
            names_a="Agencies",
        ),
        Column("target_kind", _one_of(TargetKind), TargetKind, True),
        Column(
            "target_value",
            "For a number or percentage to reach, or a level below a baseline: e.g. 1416 or 63.",
            "decimal",
            example="1416",
        ),
        Column(
            "baseline_value",
            "For a reduction, a change by a date or maintain: the baseline. For a change or maintain, the "
            "baseline year's figure counted as the rolling year is (a year's total for a count).",
            "decimal",
            example="146",
        ),
        Column(
            "baseline_year",
            "For a change by a date (or, printed only, a reduction or maintain): 2004 or 2004-05.",
            "year",
            example="2004 or 2004-05",
        ),
        Column(
            "change_percent",
            "For a change by a date: the change on the baseline in percent, e.g. -20 for a fifth less.",
            "decimal",
            example="-20",
        ),
        Column("due_date", "For a milestone or a change by a date: when it is due, as YYYY-MM-DD.", "date"),
        Column(
            "band_percent",
            "For maintain: how far either side of the baseline still counts, in % of it, e.g. 5.",
            "decimal",
            example="5",
        ),
        Column("range_low", "For a range: its bottom, e.g. 60.", "decimal", example="60"),
        Column("range_high", "For a range: its top, e.g. 70.", "decimal", example="70"),
        Column(
            "benchmark_group",
            "For a comparison with a benchmark group: the group, e.g. most similar group average. Its "
            "figure is entered with each return or imported with the history.",
        ),
        Column(
            "amber_threshold_percent",
            "How far short of target (% of it) is still amber; blank: 10.",
            "decimal",
            example="10",
        ),
        Column("data_source", "Where the figure comes from."),
        Column("caveats", "What a reader must know about the figure."),
    ),
    key=("code",),
    item="measure",
)
SHEETS = (PLAN, AGENCIES, PRIORITIES, KEY_THEMES, DELIVERABLES, MILESTONES, INDICATORS, MEASURES)
SHEETS_BY_FILENAME = {s.filename: s for s in SHEETS}


@dataclass(frozen=True)
class Problem:
    """Something wrong with the workbook, located as a person would look for it."""

    sheet: str
    row: int | None
    message: str

    def __str__(self) -> str:
        if not self.sheet:
            return self.message
        return f'Sheet "{self.sheet}"' + (f", row {self.row}" if self.row else "") + f": {self.message}"


@dataclass(frozen=True)
class Row:
    number: int
    """As the spreadsheet numbers it: the header is row 1."""
    cells: dict[str, object]
    unread: frozenset[str] = frozenset()
    """Columns whose cell could not be read (and has been reported): checked no further."""


@dataclass
class PlanWorkbook:
    rows: dict[str, list[Row]] = field(default_factory=dict)
    """Non-blank rows by sheet title."""
    problems: list[Problem] = field(default_factory=list)
    """What stopped a sheet, a column or a cell being read: a missing sheet or column, too many rows."""
    missing: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """By sheet title, the columns it lacks (all of them where the sheet is missing or unreadable). Each is
    reported once, in `problems`; nothing that needs it is checked, so nothing is reported twice."""
    absent: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """By sheet title, the columns added to the format later that it lacks (`Column.may_be_absent`): not
    a problem; what they hold is left as it is."""

    def knows_rows_of(self, sheet: "Sheet") -> bool:
        """Whether the rows that other sheets name in `sheet` are known: its key columns were read."""
        return not set(self.missing.get(sheet.title, ())) & set(sheet.key)


# Reading


def read(checked) -> PlanWorkbook:
    """The rows of a file that `upload_guard` has passed, whichever form it came in."""
    if checked.kind == "xlsx":
        return read_xlsx(checked.data)
    return read_csv_files(checked.csv_files)


def _header_name(value) -> str:
    return "_".join(str(value or "").split()).casefold()


def unchecked(sheet: Sheet, missing) -> str:
    """What goes unchecked for want of `missing` columns of `sheet`, in words: said once, where the
    columns are found missing, rather than once for every row that would have needed them."""
    if set(missing) & set(sheet.key):
        naming = [other.title for other in SHEETS if any(c.names_a == sheet.title for c in other.columns)]
        if naming:
            sheets = " and ".join([", ".join(naming[:-1]), naming[-1]] if len(naming) > 1 else naming)
            return f"the {sheet.title.lower()} named in {sheets} are not checked against it"
    return ""


def _missing(sheet: Sheet, missing: list[str], book: PlanWorkbook) -> str:
    """Record the columns a sheet lacks; what that stops being checked, in words."""
    book.missing[sheet.title] = tuple(dict.fromkeys([*book.missing.get(sheet.title, ()), *missing]))
    also = unchecked(sheet, missing)
    return f"; {also}" if also else ""


def _rows_of(sheet: Sheet, raw_rows, book: PlanWorkbook) -> None:
    """Turn one sheet's raw rows (header first) into `Row`s, recording what cannot be read.

    A missing or unknown column is reported once, and every row is still read and checked for the rest; a
    cell too long to read is reported and the rest of its row is checked."""
    rows = iter(raw_rows)
    header = [_header_name(v) for v in next(rows, ())]
    unknown = [h for h in header if h and h not in sheet.column_names]
    missing = [c.name for c in sheet.columns if c.name not in header and not c.may_be_absent]
    absent = tuple(c.name for c in sheet.columns if c.name not in header and c.may_be_absent)
    if absent:
        book.absent[sheet.title] = absent
    if unknown or missing:
        parts = [f"missing the column{'s' * (len(missing) > 1)} {', '.join(missing)}"] if missing else []
        parts += [f"has the unknown column{'s' * (len(unknown) > 1)} {', '.join(unknown)}"] if unknown else []
        message = f"the header row is {' and '.join(parts)} ({', '.join(sheet.column_names)})"
        if missing:
            message += (
                f": nothing is imported until {'they are' if len(missing) > 1 else 'it is'} there, and "
                f"every row is checked without {'them' if len(missing) > 1 else 'it'}"
                + _missing(sheet, missing, book)
            )
        book.problems.append(Problem(sheet.title, 1, message + "."))
    found = []
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            message = f"more than {MAX_ROWS:,} rows: a plan sheet has at most {MAX_ROWS:,}"
            _absent(sheet, message, book)
            return
        cells = {
            name: value for name, value in zip(header, values, strict=False) if name in sheet.column_names
        }
        if not any(text(v) for v in cells.values()):
            continue
        too_long = frozenset(n for n, v in cells.items() if isinstance(v, str) and len(v) > MAX_CELL_CHARS)
        for name in sorted(too_long):
            message = f"the {name} is over {MAX_CELL_CHARS:,} characters."
            book.problems.append(Problem(sheet.title, number, message))
        found.append(Row(number, {n: None if n in too_long else v for n, v in cells.items()}, too_long))
    book.rows[sheet.title] = found


def _absent(sheet: Sheet, message: str, book: PlanWorkbook) -> None:
    book.problems.append(
        Problem(sheet.title, None, message + _missing(sheet, sheet.column_names, book) + ".")
    )


def read_xlsx(data: bytes) -> PlanWorkbook:
    """The plan sheets of an XLSX already passed by `upload_guard`, read without evaluating anything."""
    with opened_workbook(data) as workbook:
        try:
            return _read_sheets(workbook)
        except RefusedFile:
            raise
        except Exception as error:  # openpyxl raises a grab-bag (KeyError, ParseError, ...) for a broken file
            raise RefusedFile(UNREADABLE_WORKBOOK) from error


def _read_sheets(workbook) -> PlanWorkbook:
    book = PlanWorkbook()
    titles = {_header_name(t): t for t in workbook.sheetnames}
    wanted = {_header_name(s.title) for s in SHEETS} | {_header_name(README_SHEET)}
    expected = ", ".join(s.title for s in SHEETS)
    for name, title in titles.items():
        if name not in wanted:
            book.problems.append(Problem(title, None, f"not a sheet of the plan workbook ({expected})."))
    for sheet in SHEETS:
        title = titles.get(_header_name(sheet.title))
        if title is None and sheet.may_be_absent:
            continue
        if title is None:
            _absent(sheet, "the sheet is missing", book)
            continue
        _rows_of(sheet, sheet_rows(workbook[title]), book)
    return book


def read_csv_files(files: dict[str, bytes]) -> PlanWorkbook:
    """The plan sheets from CSV files by name (plan.csv, agencies.csv ...), already passed by the guard."""
    book = PlanWorkbook()
    expected = ", ".join(s.filename for s in SHEETS)
    for name in files:
        if name not in SHEETS_BY_FILENAME:
            book.problems.append(
                Problem("", None, f"{name} is not a file of the plan workbook ({expected}).")
            )
    for sheet in SHEETS:
        if sheet.filename not in files and sheet.may_be_absent:
            continue
        if sheet.filename not in files:
            _absent(sheet, f"the file {sheet.filename} is missing", book)
            continue
        try:
            _rows_of(sheet, csv_rows(files[sheet.filename].decode("utf-8-sig")), book)
        except csv.Error as error:
            book.rows.pop(sheet.title, None)
            _absent(sheet, f"{sheet.filename} is not readable CSV: {error}", book)
    return book
