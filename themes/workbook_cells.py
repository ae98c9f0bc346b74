"""Cells of the plan workbook: what each kind of column holds, read as people type it, with a message
that gives an example fitting the column when a cell does not (`themes.workbook` says which column is
which kind)."""

import datetime
import re
from decimal import Decimal

from csp.spreadsheets import FORMULA_STARTS, parse_number, spreadsheet_safe

LIST_SEPARATOR = ";"


class CellError(ValueError):
    """A cell that cannot mean what its column needs; the message is shown as it is."""


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


def decimal(raw, column: str, example: str = "42") -> Decimal | None:
    try:
        return parse_number(raw, column, example)
    except ValueError as error:
        message = str(error)
        raise CellError(message[:1].lower() + message[1:]) from None


def integer(raw, column: str, example: str = "3") -> int | None:
    message = f"the {column} must be a whole number, like {example}, not {text(raw)!r}."
    try:
        number = decimal(raw, column, example)
    except CellError:
        raise CellError(message) from None
    if number is not None and (number != number.to_integral_value() or not 0 <= number <= 32767):
        raise CellError(message)
    return None if number is None else int(number)


_FINANCIAL_YEAR = re.compile(r"([0-9]{4})\s*[-/]\s*([0-9]{2}|[0-9]{4})", re.ASCII)


def year(raw, column: str, example: str = "2026 or 2026-27") -> int | None:
    """A financial year by the calendar year it starts in: 2026, 2026-27, 2026/27 or 2026-2027 are 2026."""
    value = text(raw)
    if not value:
        return None
    if value.isascii() and value.isdigit() and len(value) == 4:
        return int(value)
    match = _FINANCIAL_YEAR.fullmatch(value)
    if match:
        start, end = int(match[1]), match[2]
        if end in (f"{(start + 1) % 100:02d}", str(start + 1)):
            return start
    raise CellError(f"the {column} must be a year, like {example}, not {value!r}.")


def date(raw, column: str, example: str = "2026-10-31") -> datetime.date | None:
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
    raise CellError(f"the {column} must be a date like {example}, not {value!r}.")


def choices_in_words(kind) -> str:
    """A choice's values for a message: "OFFICIAL, OFFICIAL-SENSITIVE, SECRET, TOP SECRET, or blank"."""
    values = [value for value in kind.values if value]
    blank = ", or blank" if len(values) < len(kind.values) else ""
    return ", ".join(values) + blank


def _choice_key(value: str) -> str:
    """Case, hyphens, underscores and spaces aside: "official sensitive" is OFFICIAL-SENSITIVE."""
    return " ".join(re.split(r"[\s_-]+", value.casefold())).strip()


def choice(raw, kind, column: str) -> str:
    """A choice by its value or its label, in any case: "lower" or "Lower is better"."""
    value = _choice_key(text(raw))
    for option in kind:
        if value in (_choice_key(option.value), _choice_key(option.label)):
            return option.value
    raise CellError(f"the {column} must be one of {choices_in_words(kind)}, not {text(raw)!r}.")


def names(raw, _column: str = "", _example: str = "") -> list[str]:
    return [n.strip() for n in text(raw).split(LIST_SEPARATOR) if n.strip()]


PARSERS = {
    "text": lambda raw, _column, _example: text(raw),
    "integer": integer,
    "decimal": decimal,
    "date": date,
    "year": year,
    "names": names,
}
EXAMPLES = {"integer": "3", "decimal": "42", "date": "2026-10-31", "year": "2026 or 2026-27"}
