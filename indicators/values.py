"""What a valid figure for a measure is: the parts its kind takes (a value; a numerator and a denominator;
a milestone's status) and the range each may take, in plain English wherever one is wrong.

The history import and the admin check figures with these rules; the return form's inputs
(`indicators.fields`) have the same limits.
"""

from dataclasses import dataclass
from decimal import Decimal

from csp.spreadsheets import cell_text, plain_number
from indicators.kinds import Aggregation, MilestoneStatus, TargetKind, Unit
from indicators.models import Measure

LARGEST_COUNT = Decimal(10**9)
LARGEST_RATE = Decimal(100_000)


def parse_status(raw) -> str:
    """A milestone status by its value or its label ("in_progress" or "In progress"); "" for blank."""
    text = cell_text(raw).casefold()
    if not text:
        return ""
    for status in MilestoneStatus:
        if text in (status.value, status.label.casefold()):
            return status.value
    choices = ", ".join(s.label for s in MilestoneStatus)
    raise ValueError(f"The status must be one of {choices}, not {cell_text(raw)!r}.")


@dataclass(frozen=True)
class FigureValues:
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    status: str = ""
    benchmark: Decimal | None = None
    """A benchmark group's figure for the quarter, for a measure compared with one."""

    @classmethod
    def of(cls, figure) -> "FigureValues":
        """The values of anything with a figure's parts (a stored figure)."""
        return cls(figure.value, figure.numerator, figure.denominator, figure.status or "", figure.benchmark)


def figure_value_problems(measure: Measure, values: FigureValues) -> dict[str, str]:
    """What is wrong with a figure for this measure, by column, in plain English (the same rules as the
    return form: the right parts for the kind of measure, no negatives, no percentage over 100, no
    numerator above its denominator, no absurd magnitudes)."""
    problems: dict[str, str] = {}
    if values.benchmark is not None:
        problem = _benchmark_problem(measure, values.benchmark)
        if problem:
            problems["benchmark"] = problem
    kind_parts = ("value", "numerator", "denominator")
    if measure.unit == Unit.MILESTONE:
        for part in kind_parts:
            if getattr(values, part) is not None:
                problems[part] = f"Leave the {part} blank: {measure.code} is a milestone, so give a status."
        if not values.status:
            problems["status"] = f"Give a status for {measure.code}: Not started, In progress or Complete."
        return problems
    if values.status:
        problems["status"] = f"Leave the status blank: only milestones have one, and {measure.code} is not."
    if measure.aggregation == Aggregation.RATIO:
        if values.value is not None:
            problems["value"] = (
                f"Leave the value blank: {measure.code} is a ratio, worked out from the numerator and "
                "denominator."
            )
        for part in ("numerator", "denominator"):
            number = getattr(values, part)
            if number is None:
                problems[part] = f"The {part} is missing: a ratio needs a numerator and a denominator."
            else:
                problem = _count_problem(number, part)
                if problem:
                    problems[part] = problem
        top, bottom = values.numerator, values.denominator
        if not problems and top is not None and bottom is not None:
            if bottom == 0 and top > 0:
                problems["denominator"] = "The denominator cannot be 0 when the numerator is not."
            elif measure.unit == Unit.PERCENTAGE and top > bottom:
                problems["numerator"] = (
                    f"The numerator ({plain_number(top)}) cannot be more than "
                    f"the denominator ({plain_number(bottom)})."
                )
        return problems
    for part in ("numerator", "denominator"):
        if getattr(values, part) is not None:
            problems[part] = f"Leave the {part} blank: {measure.code} is not a ratio, so give a value."
    number = values.value
    if number is None:
        problems["value"] = f"The value is missing for {measure.code}: a blank is not a zero."
    elif measure.unit == Unit.PERCENTAGE:
        if number < 0:
            problems["value"] = f"A percentage cannot be negative: {plain_number(number)}."
        elif number > 100:
            problems["value"] = f"A percentage cannot be over 100: {plain_number(number)}."
    elif measure.unit == Unit.RATE_PER_100K:
        if number < 0:
            problems["value"] = f"A rate cannot be negative: {plain_number(number)}."
        elif number > LARGEST_RATE:
            problems["value"] = f"A rate per 100,000 cannot be over 100,000: {plain_number(number)}."
    else:
        problem = _count_problem(number, "value")
        if problem:
            problems["value"] = problem
    if number is not None and "value" not in problems and number.as_tuple().exponent < -2:
        problems["value"] = f"Give the value with no more than 2 decimal places, not {plain_number(number)}."
    return problems


def largest_benchmark(unit: str) -> Decimal:
    """The largest figure a benchmark group can have in the unit: the same bounds as the agency's own."""
    return {Unit.PERCENTAGE: Decimal(100), Unit.RATE_PER_100K: LARGEST_RATE}.get(unit, LARGEST_COUNT)


def _benchmark_problem(measure: Measure, number: Decimal) -> str | None:
    """A benchmark group's figure: only for a measure compared with one, and in its unit's range."""
    if measure.target_kind != TargetKind.BENCHMARK_GROUP:
        return f"Leave the benchmark blank: {measure.code} is not compared with a benchmark group."
    if number < 0:
        return f"The benchmark group's figure cannot be negative: {plain_number(number)}."
    if number > largest_benchmark(measure.unit):
        return f"The benchmark group's figure ({plain_number(number)}) is too large: check it."
    if number.as_tuple().exponent < -2:
        return f"Give the benchmark group's figure to no more than 2 decimal places: {plain_number(number)}."
    return None


def _count_problem(number: Decimal, column: str) -> str | None:
    if number < 0:
        return f"A count cannot be negative: the {column} is {plain_number(number)}."
    if number != number.to_integral_value():
        return f"A count is a whole number: the {column} is {plain_number(number)}."
    if number > LARGEST_COUNT:
        return f"The {column} ({plain_number(number)}) is more than {LARGEST_COUNT:,}: check the figure."
    return None
