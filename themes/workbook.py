"""The plan workbook: one plan year as sheets of rows that name things, never database ids.

The same format comes as one XLSX (a sheet per part) or as CSV files (one per part, in a folder or a
zip). This module defines the sheets and their columns (with what each cell must hold) and reads either
form into plain rows once `csp.upload_guard` has passed the file; `themes.workbook_export` writes a plan
year out. What the rows mean for the database is `themes.plan_import`'s business.
"""

import csv
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from csp.spreadsheets import FORMULA_STARTS, parse_number, spreadsheet_safe
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

LIST_SEPARATOR = ";"
README_SHEET = "Read me"


class CellError(ValueError):
    """A cell that cannot mean what its column needs; the message is shown as it is."""


@dataclass(frozen=True)
class Column:
    name: str
    help: str
    kind: object = "text"
    """"text", "integer", "decimal", "date", "names" (separated by semicolons) or a TextChoices class."""
    required: bool = False

    def parse(self, raw):
        """The cell as the typed value this column holds: "" / None / [] for a blank optional cell."""
        if self.required and not text(raw):
            raise CellError(f"the {self.name} is missing.")
        if not isinstance(self.kind, str):
            return choice(raw, self.kind, self.name)
        value = _PARSERS[self.kind](raw, self.name)
        if self.required and value == []:
            raise CellError(f"the {self.name} is missing.")
        return value


@dataclass(frozen=True)
class Sheet:
    title: str
    filename: str
    help: str
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _one_of(kind) -> str:
    return f"One of: {', '.join(kind.values)}."


PLAN = Sheet(
    "Plan",
    "plan.csv",
    "The partnership and the plan year: exactly one row.",
    (
        Column("partnership", "The partnership's full name.", required=True),
        Column("slug", "Short stable identifier, lower case with hyphens, e.g. medway.", required=True),
        Column("vision", "The vision statement as printed."),
        Column("protective_marking", "Printed on every report page; blank means OFFICIAL."),
        Column("start_year", "The year the plan starts: 2026 for 2026-27.", "integer", True),
        Column("title", "The plan's title as printed.", required=True),
    ),
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
)
PRIORITIES = Sheet(
    "Priorities",
    "priorities.csv",
    "The plan's sections, in order, identified by code.",
    (
        Column("order", "Position in the plan: 1, 2, 3 ...", "integer", True),
        Column("code", "Stable code: letters, digits and hyphens, e.g. ASB.", required=True),
        Column("title", "As printed.", required=True),
        Column("abbreviation", "As printed after the title, e.g. VAWG."),
        Column("led_by", "The body that leads the priority, as printed."),
    ),
)
KEY_THEMES = Sheet(
    "Key themes",
    "key-themes.csv",
    "Each priority's key-theme bullets, identified by priority and order.",
    (
        Column("priority", "The priority's code.", required=True),
        Column("order", "Position among the priority's themes, nested ones included.", "integer", True),
        Column("parent_order", "For a theme nested under another: that theme's order.", "integer"),
        Column("text", "As printed.", required=True),
    ),
)
DELIVERABLES = Sheet(
    "Deliverables",
    "deliverables.csv",
    "Each priority's key-deliverable bullets, identified by priority and order.",
    (
        Column("priority", "The priority's code.", required=True),
        Column("order", "Position among the priority's deliverables.", "integer", True),
        Column("text", "As printed.", required=True),
        Column("lead_agency", "Where the plan names one: an agency's name or short name."),
        Column("delivers_theme", "Where the plan says which key theme this delivers: its order.", "integer"),
    ),
)
INDICATORS = Sheet(
    "Indicators",
    "indicators.csv",
    "One row of a plan table each, word for word, identified by its code.",
    (
        Column("priority", "The priority's code.", required=True),
        Column("order", "Position in the priority's table.", "integer", True),
        Column("code", "Stable code, unique in the plan, e.g. ASB-01.", required=True),
        Column("text", "The indicator, or the action where the table has a measure column.", required=True),
        Column("measure_text", "The separate measure column, where the plan has one."),
        Column("benchmark_text", "The benchmark or target as printed, e.g. Rolling Year Rolling Quarter."),
        Column("benchmark_kind", _one_of(TargetKind), TargetKind, True),
        Column("responsible_as_printed", "The Responsible column, word for word.", required=True),
        Column(
            "responsible_agencies", "Agency names or short names, separated by semicolons.", "names", True
        ),
    ),
)
MEASURES = Sheet(
    "Measures",
    "measures.csv",
    "What is counted for each indicator, identified by its code. An indicator may have none.",
    (
        Column("indicator", "The indicator's code.", required=True),
        Column("order", "Position among the indicator's measures.", "integer", True),
        Column("code", "Stable code, unique in the plan, e.g. ASB-01-A.", required=True),
        Column("name", "What is counted.", required=True),
        Column("unit", _one_of(Unit), Unit, True),
        Column("polarity", _one_of(Polarity), Polarity, True),
        Column("aggregation", _one_of(Aggregation), Aggregation, True),
        Column("supplier", "The agency that supplies the figure: name or short name.", required=True),
        Column("target_kind", _one_of(TargetKind), TargetKind, True),
        Column("target_value", "For a number or percentage target: e.g. 1416 or 63.", "decimal"),
        Column("baseline_value", "For a reduction from a baseline: the baseline.", "decimal"),
        Column("due_date", "For a milestone: the date it is due, as YYYY-MM-DD.", "date"),
        Column(
            "amber_threshold_percent",
            "How far short of target (% of it) is still amber; blank: 10.",
            "decimal",
        ),
        Column("data_source", "Where the figure comes from."),
        Column("caveats", "What a reader must know about the figure."),
    ),
)
SHEETS = (PLAN, AGENCIES, PRIORITIES, KEY_THEMES, DELIVERABLES, INDICATORS, MEASURES)
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


@dataclass
class PlanWorkbook:
    rows: dict[str, list[Row]] = field(default_factory=dict)
    """Non-blank rows by sheet title."""
    problems: list[Problem] = field(default_factory=list)
    """What stopped a sheet being read at all: a missing sheet or column, too many rows."""


# Reading


def read(checked) -> PlanWorkbook:
    """The rows of a file that `upload_guard` has passed, whichever form it came in."""
    if checked.kind == "xlsx":
        return read_xlsx(checked.data)
    return read_csv_files(checked.csv_files)


def _header_name(value) -> str:
    return "_".join(str(value or "").split()).casefold()


def _rows_of(sheet: Sheet, raw_rows, book: PlanWorkbook) -> None:
    """Turn one sheet's raw rows (header first) into `Row`s, or record why it cannot be read."""
    rows = iter(raw_rows)
    header = [_header_name(v) for v in next(rows, ())]
    unknown = [h for h in header if h and h not in sheet.column_names]
    missing = [c for c in sheet.column_names if c not in header]
    if unknown or missing:
        parts = [f"missing the column{'s' * (len(missing) > 1)} {', '.join(missing)}"] if missing else []
        parts += [f"has the unknown column{'s' * (len(unknown) > 1)} {', '.join(unknown)}"] if unknown else []
        message = f"the header row is {' and '.join(parts)} ({', '.join(sheet.column_names)})."
        book.problems.append(Problem(sheet.title, 1, message))
        return
    found = []
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            message = f"more than {MAX_ROWS:,} rows: a plan sheet has at most {MAX_ROWS:,}."
            book.problems.append(Problem(sheet.title, None, message))
            return
        cells = {name: value for name, value in zip(header, values, strict=False) if name}
        if not any(text(v) for v in cells.values()):
            continue
        too_long = [n for n, v in cells.items() if isinstance(v, str) and len(v) > MAX_CELL_CHARS]
        if too_long:
            message = f"the {too_long[0]} is over {MAX_CELL_CHARS:,} characters."
            book.problems.append(Problem(sheet.title, number, message))
            continue
        found.append(Row(number, cells))
    book.rows[sheet.title] = found


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
        if title is None:
            book.problems.append(Problem(sheet.title, None, "the sheet is missing."))
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
        if sheet.filename not in files:
            book.problems.append(Problem(sheet.title, None, f"the file {sheet.filename} is missing."))
            continue
        try:
            _rows_of(sheet, csv_rows(files[sheet.filename].decode("utf-8-sig")), book)
        except csv.Error as error:
            book.problems.append(
                Problem(sheet.title, None, f"{sheet.filename} is not readable CSV: {error}.")
            )
    return book


# Cells


def safe_text(value: str) -> str:
    """Text for a cell: never a formula (a leading apostrophe), and that apostrophe is reversible."""
    return "'" + value if value.startswith("'") else spreadsheet_safe(value)


def text(raw) -> str:
    """A text cell as stored: ends trimmed, line breaks as \\n, a `safe_text` apostrophe taken off."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, datetime.date):
        raw = raw.isoformat()[:10]
    value = str(raw).replace("\r\n", "\n").replace("\r", "\n").strip()
    if value.startswith("'") and value[1:].startswith((*FORMULA_STARTS, "'")):
        value = value[1:]
    return value


def decimal(raw, column: str) -> Decimal | None:
    try:
        return parse_number(raw, column)
    except ValueError as error:
        message = str(error)
        raise CellError(message[:1].lower() + message[1:]) from None


def integer(raw, column: str) -> int | None:
    number = decimal(raw, column)
    if number is not None and (number != number.to_integral_value() or not 0 <= number <= 32767):
        raise CellError(f"the {column} must be a whole number from 0 to 32767, not {text(raw)!r}.")
    return None if number is None else int(number)


def date(raw, column: str) -> datetime.date | None:
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    value = text(raw)
    if not value:
        return None
    try:
        return datetime.datetime.fromisoformat(value).date()  # 2026-10-31, with or without a time
    except ValueError:
        pass
    try:
        return datetime.datetime.strptime(value, "%d/%m/%Y").date()
    except ValueError:
        pass
    raise CellError(f"the {column} must be a date like 2026-10-31, not {value!r}.")


def choice(raw, kind, column: str) -> str:
    """A choice by its value or its label, in any case: "lower" or "Lower is better"."""
    value = text(raw).casefold()
    for option in kind:
        if value in (option.value.casefold(), option.label.casefold()):
            return option.value
    raise CellError(f"the {column} must be one of {', '.join(kind.values)}, not {text(raw)!r}.")


def names(raw, _column: str = "") -> list[str]:
    return [n.strip() for n in text(raw).split(LIST_SEPARATOR) if n.strip()]


_PARSERS = {
    "text": lambda raw, _column: text(raw),
    "integer": integer,
    "decimal": decimal,
    "date": date,
    "names": names,
}


# Writing
