"""Numbers as people type them and as URLs carry them: ASCII digits only.

Python's `str.isdigit` and `int()` also take superscripts ("²"), Arabic-Indic ("١٢") and full-width
("１２") digits, which nobody means as a figure or an id; the rules here take 0-9 alone.
"""

import re

_WHOLE = re.compile(r"[0-9]+")


def whole_number(raw: str | None) -> int | None:
    """A non-negative whole number written with the digits 0-9 and nothing else, or None."""
    text = (raw or "").strip()
    return int(text) if _WHOLE.fullmatch(text) else None
