"""Figures and dates in words, the same on every page, in the PDF, the exports and emails.

At most two decimal places, trailing zeros dropped, thousands separated; a real minus sign; a missing
figure reads "No data", never 0. Nothing here decides anything: it only writes what was worked out.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from indicators.kinds import Unit
from indicators.quarters import MONTH_NAMES

NO_DATA = "No data"
MINUS = "\N{MINUS SIGN}"


def rounded(value: Decimal | None, places: int = 1) -> Decimal | None:
    """Round half up (as people expect; Decimal's default rounds half to even) for display."""
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def format_number(value: Decimal, unit: Unit = Unit.COUNT) -> str:
    """E.g. 1,416 / 62.5% / 146 per 100,000: at most two decimal places, trailing zeros dropped."""
    shown = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
    text = f"{shown if shown != 0 else Decimal(0):,f}"
    if unit == Unit.PERCENTAGE:
        return f"{text}%"
    if unit == Unit.RATE_PER_100K:
        return f"{text} per 100,000"
    return text


def format_date(day: date) -> str:
    """E.g. 31 October 2026, whatever the server's locale."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def _sign(value: Decimal) -> str:
    return "+" if value > 0 else MINUS if value < 0 else ""


def signed_change(value: Decimal | None, unit: Unit = Unit.COUNT) -> str:
    """A change in the measure's unit with its sign: +12, −3.5 percentage points, or "No data"."""
    if value is None:
        return NO_DATA
    if unit == Unit.PERCENTAGE:
        return f"{_sign(value)}{format_number(abs(value))} percentage points"
    return f"{_sign(value)}{format_number(abs(value), unit)}"


def percent_change(value: Decimal | None) -> str:
    """A relative change to one decimal place: +4.2%, −0.5%, 0%, or "No data"."""
    if value is None:
        return NO_DATA
    shown = rounded(value, 1)
    return f"{_sign(shown)}{format_number(abs(shown), Unit.PERCENTAGE)}"


def table_number(value: Decimal, unit: Unit) -> str:
    """A figure in a table cell: "per 100,000" is said once, in the measure's unit, not in every cell."""
    return format_number(value, Unit.COUNT if unit == Unit.RATE_PER_100K else unit)
