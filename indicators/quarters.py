"""Quarters of the UK financial year (April to March), as a small immutable value.

Q1 is April to June, Q2 July to September, Q3 October to December and Q4 January to March of the following
calendar year. A quarter is named by the year its financial year starts in: Q4 2026-27 is January to March
2027 but has `year == 2026`, so that ordering, shifting and "the quarters of this year" need no special case
for the calendar year turning over.

Pure: no ORM and no clock, so the calculations and their tests can use it freely.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Self

import holidays

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
"""English month names, independent of the server's locale (reports must not change with it)."""

# (first month, last month, day the last month ends) for Q1..Q4.
_MONTHS = ((4, 6, 30), (7, 9, 30), (10, 12, 31), (1, 3, 31))

_CODE = re.compile(r"([0-9]{4})-([0-9]{2})-Q([0-9]+)", re.IGNORECASE | re.ASCII)

# date() accepts years 1..9999 and Q4 falls in year + 1.
_MIN_YEAR, _MAX_YEAR = 1, 9998


@dataclass(frozen=True, order=True)
class Quarter:
    """One quarter of a financial year; orders chronologically.

    `year` is the calendar year the financial year starts in (2026 for 2026-27); `number` is 1 to 4.
    """

    year: int
    number: int

    def __post_init__(self) -> None:
        # bool is an int; Quarter(True, 2) is a bug, not a quarter.
        if not isinstance(self.year, int) or isinstance(self.year, bool):
            raise ValueError(f"A quarter's year must be a whole number, not {self.year!r}.")
        if not isinstance(self.number, int) or isinstance(self.number, bool):
            raise ValueError(f"A quarter's number must be a whole number, not {self.number!r}.")
        if not _MIN_YEAR <= self.year <= _MAX_YEAR:
            raise ValueError(f"A quarter's year must be from {_MIN_YEAR} to {_MAX_YEAR}, not {self.year}.")
        if not 1 <= self.number <= 4:
            raise ValueError(f"A quarter's number must be 1, 2, 3 or 4, not {self.number}.")

    def __str__(self) -> str:
        return self.code

    @classmethod
    def from_code(cls, code: str) -> Self:
        """Parse a code such as "2026-27-Q2" (the form used in URLs, imports and exports)."""
        text = code.strip()
        match = _CODE.fullmatch(text)
        if match is None:
            raise ValueError(f"{code!r} is not a quarter: write it like 2026-27-Q2.")
        start, end, number = int(match[1]), match[2], int(match[3])
        expected_end = f"{(start + 1) % 100:02d}"
        if end != expected_end:
            raise ValueError(
                f"{code!r} is not a quarter: the financial year starting in {start} is "
                f"{start}-{expected_end}, not {start}-{end}."
            )
        if not 1 <= number <= 4:
            raise ValueError(f"{code!r} is not a quarter: the quarter must be Q1, Q2, Q3 or Q4.")
        return cls(start, number)

    @classmethod
    def containing(cls, day: date) -> Self:
        """The quarter a date falls in."""
        if day.month >= 4:
            return cls(day.year, (day.month - 4) // 3 + 1)
        return cls(day.year - 1, 4)

    @classmethod
    def quarters_of_year(cls, year: int) -> tuple[Self, Self, Self, Self]:
        """The four quarters of the financial year starting in `year`, Q1 first."""
        return cls(year, 1), cls(year, 2), cls(year, 3), cls(year, 4)

    @property
    def code(self) -> str:
        return f"{self.financial_year_label}-Q{self.number}"

    @property
    def financial_year_label(self) -> str:
        return f"{self.year}-{(self.year + 1) % 100:02d}"

    @property
    def short_label(self) -> str:
        return f"Q{self.number} {self.financial_year_label}"

    @property
    def label_in_words(self) -> str:
        """E.g. "Quarter 2, 2026-27: July to September 2026", as printed on the SEG report's cover."""
        first, last, _ = _MONTHS[self.number - 1]
        return (
            f"Quarter {self.number}, {self.financial_year_label}: "
            f"{MONTH_NAMES[first - 1]} to {MONTH_NAMES[last - 1]} {self.calendar_year}"
        )

    @property
    def calendar_year(self) -> int:
        """The calendar year the quarter's months fall in (Q4 belongs to the next one)."""
        return self.year + 1 if self.number == 4 else self.year

    @property
    def end_date(self) -> date:
        _, last_month, last_day = _MONTHS[self.number - 1]
        return date(self.calendar_year, last_month, last_day)

    def shifted(self, n: int) -> Self:
        """The quarter `n` quarters later (earlier when `n` is negative)."""
        year, index = divmod(self.year * 4 + self.number - 1 + n, 4)
        return type(self)(year, index + 1)

    def quarters_since(self, other: "Quarter") -> int:
        """How many quarters after `other` this one is (negative when before it)."""
        return (self.year * 4 + self.number) - (other.year * 4 + other.number)

    def previous(self) -> Self:
        return self.shifted(-1)

    def same_quarter_last_year(self) -> Self:
        return self.shifted(-4)

    def last_n(self, n: int) -> list[Self]:
        """The `n` quarters ending with this one, oldest first (a rolling year is `last_n(4)`)."""
        if n < 1:
            raise ValueError(f"Ask for at least one quarter, not {n}.")
        return [self.shifted(-back) for back in range(n - 1, -1, -1)]

    def quarters_to_date(self) -> list[Self]:
        """Q1 of this quarter's financial year up to and including this quarter (the year to date)."""
        return self.last_n(self.number)


def working_days_after(day: date, working_days: int) -> date:
    """`day` plus a number of working days: Monday to Friday, not a bank holiday (a period's default
    deadline is its quarter's end plus some).

    Bank holidays are England and Wales's (the two share one list), including substitute days and one-off
    holidays, from the `holidays` package, which works them out for any year.
    """
    years = range(day.year, day.year + 2)  # more are added as the loop reaches them
    bank_holidays = holidays.country_holidays("GB", subdiv="ENG", years=years)
    remaining = working_days
    while remaining:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in bank_holidays:
            remaining -= 1
    return day
