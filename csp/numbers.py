"""Numbers as people type them and as URLs carry them: the digits 0-9 only.

Python's `str.isdigit`, `int()` and `Decimal()` also take superscripts ("²"), Arabic-Indic ("١٢") and
full-width ("１２") digits, which nobody means as a figure; and stripping every comma turned "1,2,3" into
123. The rules here take 0-9 alone, with thousands separators (a comma, or a space) only between
thousands: 1,416 and 1 416 are read, 1,2,3 is refused.
"""

import re
from decimal import Decimal

_WHOLE = re.compile(r"[0-9]+")
_NUMBER = re.compile(
    r"""-?
    (?:[0-9]{1,3}(?P<separator>[,\ ])[0-9]{3}(?:(?P=separator)[0-9]{3})*  # 1,416 or 1 234 567
      |[0-9]*)                                                             # 1416, or nothing before .5
    (?:\.[0-9]*)?""",
    re.VERBOSE,
)
USE_DIGITS = "use the digits 0 to 9"
SEPARATORS_BETWEEN_THOUSANDS = "commas go between thousands, like 1,416"


class NotANumber(ValueError):
    """Typed text that is not a number; `why` is a reason to add to the caller's message, or ""."""

    def __init__(self, why: str = ""):
        super().__init__(why or "not a number")
        self.why = why


def whole_number(raw: str | None) -> int | None:
    """A non-negative whole number written with the digits 0-9 and nothing else, or None."""
    text = (raw or "").strip()
    return int(text) if _WHOLE.fullmatch(text) else None


def typed_number(raw: str) -> Decimal | None:
    """A number as a person types it ("1,416", "62.5", "-3"); None for blank; NotANumber otherwise."""
    text = raw.strip()
    if not text:
        return None
    if _NUMBER.fullmatch(text) and any(c in "0123456789" for c in text):
        return Decimal(text.replace(",", "").replace(" ", ""))
    if any(c.isdigit() and not c.isascii() for c in text):
        raise NotANumber(USE_DIGITS)
    if any(c in ", " for c in text) and all(c in "0123456789,. -" for c in text):
        raise NotANumber(SEPARATORS_BETWEEN_THOUSANDS)
    raise NotANumber()
