"""Kinds of target: what each needs, the figure it judges, the band that rates it, all of it in words.

One table, `RULES`, says for every kind which of a measure's target fields it needs and which it may take
(`target_problems` refuses the rest, for `Measure.clean` and so for the admin and the workbook import),
which figure of the quarter it judges and by which band. `indicators.calculations.assess_target` rates by
this table and these bands; the report's Appendix B explains each kind with `explain`, which is written
from the same table, the same band words and the same threshold, so the words cannot say one rule while
the arithmetic applies another. Pure: no ORM and no clock.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum

from indicators.kinds import DEFAULT_AMBER_THRESHOLD_PERCENT, Aggregation, Polarity, Rag, TargetKind, Unit
from indicators.quarters import Quarter

HUNDRED = Decimal(100)

FIELD_WORDS = {
    "target_value": "a target value",
    "baseline_value": "a baseline",
    "baseline_year": "the baseline's year",
    "change_percent": "a change in percent",
    "band_percent": "a band in percent",
    "range_low": "the bottom of a range",
    "range_high": "the top of a range",
    "due_date": "a date it is due by",
    "benchmark_group": "a benchmark group",
    "amber_threshold_percent": "an amber threshold",
}
"""A measure's target fields, and what each is, in words."""


@dataclass(frozen=True)
class MeasureSpec:
    """The parts of a measure and its target that the arithmetic depends on."""

    unit: Unit
    polarity: Polarity
    aggregation: Aggregation
    target_kind: TargetKind
    target_value: Decimal | None = None
    baseline_value: Decimal | None = None
    due_date: date | None = None
    amber_threshold_percent: Decimal | None = None
    baseline_year: int | None = None
    change_percent: Decimal | None = None
    band_percent: Decimal | None = None
    range_low: Decimal | None = None
    range_high: Decimal | None = None
    benchmark_group: str = ""

    @property
    def is_year_end_total(self) -> bool:
        """A number to reach over the year, counted as it adds up (30 completions in the year)."""
        return self.target_kind == TargetKind.NUMBER and self.aggregation == Aggregation.FLOW

    @property
    def threshold(self) -> Decimal:
        """How far past the target, in % of it, still counts as amber."""
        if self.amber_threshold_percent is None:
            return Decimal(DEFAULT_AMBER_THRESHOLD_PERCENT)
        return self.amber_threshold_percent

    @property
    def judged(self) -> "Judged":
        return RULES[self.target_kind].judged_for(self.aggregation)

    @property
    def change_target(self) -> Decimal | None:
        """A change by a date: the level it aims at, the baseline changed by the percentage."""
        if self.baseline_value is None or self.change_percent is None:
            return None
        return self.baseline_value * (HUNDRED + self.change_percent) / HUNDRED

    @property
    def band_limits(self) -> tuple[Decimal, Decimal] | None:
        """Maintain: the band's bottom and top, the baseline less and plus its percentage."""
        if self.baseline_value is None or self.band_percent is None:
            return None
        return band_limits(self.baseline_value, self.band_percent)

    @property
    def change_polarity(self) -> Polarity:
        """A change's own direction: a fall is the aim of a negative change, a rise of a positive one."""
        return Polarity.LOWER_IS_BETTER if (self.change_percent or 0) < 0 else Polarity.HIGHER_IS_BETTER


@dataclass(frozen=True)
class TargetProgress:
    """Where the measure stands against its target this quarter; None wherever it does not apply.

    `actual` is the figure judged (year to date for a cumulative target, the rolling year for a change by
    a date or a level to maintain, else this quarter); `expected` is what it is judged against (the
    pro-rata or straight-line trajectory, the target level, the baseline, the benchmark group's figure, or
    the same quarter last year); `target` is where it should end; `percent_of_target` is `actual` as a % of
    the year-end or level target.
    """

    actual: Decimal | None = None
    expected: Decimal | None = None
    target: Decimal | None = None
    percent_of_target: Decimal | None = None


@dataclass(frozen=True)
class Assessment:
    rag: Rag
    reason: str
    progress: TargetProgress = TargetProgress()


class Judged(Enum):
    """The figure of a quarter that a kind of target judges, in words."""

    NOTHING = ""
    THIS_QUARTER = "this quarter's figure"
    YEAR_TO_DATE = "the year to date (from Quarter 1 of the financial year)"
    ROLLING_YEAR = "the rolling year (the four quarters ending with this one, combined as under Rolling year)"
    STATUS = "the latest status reported"


class Band(Enum):
    """How a judged figure is rated against what it is compared with: each band's rule, in words with
    the amber threshold in them. The rules themselves are the functions below, one per band."""

    AGENCY = "The rating is the supplying agency's own."
    REACH = (
        "On it or better is green; worse by up to {threshold}% of it is amber; worse still is red. Better is "
        "the measure's better direction (higher, for a measure that has none)."
    )
    BELOW_BASELINE = (
        "Below the baseline is green; at it, or above it by up to {threshold}% of it, is amber; further "
        "above is red. Where a target level is set as well, that level is the aim: at or below it is green, "
        "above it by up to {threshold}% of it amber, further above red."
    )
    DIRECTION = (
        "Better is green, no change amber, worse red. A measure with no better direction takes the "
        "supplying agency's own rating."
    )
    MILESTONE = (
        "Reported complete is green; not complete once the date has passed is red, even with no return; "
        "before then the rating is the supplying agency's own."
    )
    MAINTAIN = (
        "Within the band is green, and so is better than it; worse than the band by up to {threshold}% of "
        "the baseline is amber; further is red. For a measure with no better direction, either side of the "
        "band is worse."
    )
    WITHIN = (
        "Inside the range, its ends included, is green; outside it by up to {threshold}% of the nearer end "
        "is amber; further outside is red."
    )

    def words(self, threshold: Decimal | int = DEFAULT_AMBER_THRESHOLD_PERCENT) -> str:
        return self.value.format(threshold=threshold)


@dataclass(frozen=True)
class Rule:
    what: str
    """The kind in words: what the plan means by it."""
    judged: Judged
    against: str
    """What the judged figure is compared with, in words."""
    band: Band
    needs: tuple[str, ...] = ()
    takes: tuple[str, ...] = ()
    """Target fields it may have, besides those it needs. No other is accepted."""
    judged_for_flow: Judged | None = None
    against_for_flow: str = ""
    """For a count that adds up over the year (a number to reach), where it judges something else."""

    def judged_for(self, aggregation: Aggregation) -> Judged:
        if self.judged_for_flow is not None and aggregation == Aggregation.FLOW:
            return self.judged_for_flow
        return self.judged

    @property
    def fields(self) -> tuple[str, ...]:
        return self.needs + self.takes


THRESHOLD = ("amber_threshold_percent",)
RULES: dict[TargetKind, Rule] = {
    TargetKind.ROLLING_COMPARISON: Rule(
        "Comparison only, with no target: the rolling year against the year before it, and the quarter "
        "against the quarter before it.",
        Judged.NOTHING,
        "",
        Band.AGENCY,
    ),
    TargetKind.QUARTERLY: Rule(
        "A quarterly update with no target: the figures are reported for information.",
        Judged.NOTHING,
        "",
        Band.AGENCY,
    ),
    TargetKind.NOT_APPLICABLE: Rule("No target or benchmark applies.", Judged.NOTHING, "", Band.AGENCY),
    TargetKind.NUMBER: Rule(
        "A number to reach.",
        Judged.THIS_QUARTER,
        "the target (a level, such as people in treatment)",
        Band.REACH,
        needs=("target_value",),
        takes=THRESHOLD,
        judged_for_flow=Judged.YEAR_TO_DATE,
        against_for_flow="a straight-line share of the year's target, for a count that adds up over a year",
    ),
    TargetKind.PERCENTAGE: Rule(
        "A percentage to reach.",
        Judged.THIS_QUARTER,
        "the target",
        Band.REACH,
        needs=("target_value",),
        takes=THRESHOLD,
    ),
    TargetKind.REDUCTION_FROM_BASELINE: Rule(
        "A fall below a baseline.",
        Judged.THIS_QUARTER,
        "the baseline",
        Band.BELOW_BASELINE,
        needs=("baseline_value",),
        takes=("target_value", "baseline_year", *THRESHOLD),
    ),
    TargetKind.DIRECTION: Rule(
        "A direction of travel.",
        Judged.THIS_QUARTER,
        "the same quarter last year, which cancels out the seasons",
        Band.DIRECTION,
    ),
    TargetKind.MILESTONE: Rule(
        "A milestone with a date.", Judged.STATUS, "its date", Band.MILESTONE, needs=("due_date",)
    ),
    TargetKind.CHANGE: Rule(
        "A percentage change from a baseline by a date, such as 20% less than in 2004-05 by March 2008; a "
        "negative change is a fall to reach, a positive one a rise.",
        Judged.ROLLING_YEAR,
        "a straight line from the baseline (the baseline year's figure, counted the same way) to the target "
        "(the baseline changed by the percentage) at the date it is due, quarter by quarter through the "
        "years between; after that date, with the target itself",
        Band.REACH,
        needs=("baseline_value", "baseline_year", "change_percent", "due_date"),
        takes=THRESHOLD,
    ),
    TargetKind.MAINTAIN: Rule(
        "Maintain: stay within a band either side of a baseline.",
        Judged.ROLLING_YEAR,
        "the baseline (a year's figure, counted the same way) and the band either side of it",
        Band.MAINTAIN,
        needs=("baseline_value", "band_percent"),
        takes=("baseline_year", *THRESHOLD),
    ),
    TargetKind.RANGE: Rule(
        "A range to stay within.",
        Judged.THIS_QUARTER,
        "the range",
        Band.WITHIN,
        needs=("range_low", "range_high"),
        takes=THRESHOLD,
    ),
    TargetKind.BENCHMARK_GROUP: Rule(
        "A comparison with a benchmark group, such as the average of the most similar partnerships.",
        Judged.THIS_QUARTER,
        "the benchmark group's figure for the same quarter, entered with the return or imported beside the "
        "partnership's own",
        Band.REACH,
        needs=("benchmark_group",),
        takes=THRESHOLD,
    ),
}


def explain(kind: TargetKind, threshold: Decimal | int = DEFAULT_AMBER_THRESHOLD_PERCENT) -> str:
    """What the kind means and how it is rated, in words, from the rule the rating follows."""
    rule = RULES[kind]
    parts = [rule.what] if rule.what else []
    if rule.judged_for_flow is not None:
        parts.append(
            f"{_first_upper(rule.judged_for_flow.value)} is compared with {rule.against_for_flow}; otherwise "
            f"{rule.judged.value} is compared with {rule.against}."
        )
    elif rule.judged is not Judged.NOTHING:
        parts.append(f"{_first_upper(rule.judged.value)} is compared with {rule.against}.")
    parts.append(rule.band.words(threshold))
    return " ".join(parts)


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


# What a kind's values must be


def target_problems(kind: TargetKind, values: Mapping[str, object], unit: Unit, polarity: Polarity) -> dict:
    """What is wrong with a measure's target for its kind, by field, in plain English: a field the kind
    needs and lacks, one it does not use, and values that cannot be (a percentage over 100, a range upside
    down, a fall asked of a measure where higher is better). Empty when the target is sound."""
    rule, label = RULES[kind], TargetKind(kind).label
    problems: dict[str, str] = {}
    for name, words in FIELD_WORDS.items():
        given = values.get(name) not in (None, "")
        if name in rule.needs and not given:
            problems[name] = f"{label} needs {words}."
        elif given and name not in rule.fields:
            users = [TargetKind(k).label.lower() for k, r in RULES.items() if name in r.fields]
            problems[name] = f"{label} does not use {words}: leave it blank (it is for {_or(users)})."
    _check_values(kind, values, unit, polarity, problems)
    return problems


def _plain(number: Decimal) -> str:
    return format(Decimal(number).normalize(), "f")


def _or(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]


def _check_values(kind, values, unit, polarity, problems: dict) -> None:
    def add(name: str, message: str) -> None:
        problems.setdefault(name, message)

    rated_on_figures = RULES[kind].band not in (Band.AGENCY, Band.MILESTONE, Band.DIRECTION)
    if kind == TargetKind.MILESTONE and unit != Unit.MILESTONE:
        add("unit", "A milestone target needs the yes/no milestone unit.")
    if rated_on_figures and unit == Unit.MILESTONE:
        add("unit", f"{TargetKind(kind).label} is rated on figures: a yes/no milestone has none.")
    target, low, high = values.get("target_value"), values.get("range_low"), values.get("range_high")
    if kind == TargetKind.PERCENTAGE and target is not None and not 0 <= target <= 100:
        add("target_value", "A percentage target must be between 0 and 100.")
    if kind == TargetKind.RANGE and low is not None and high is not None:
        if low >= high:
            add("range_high", "The top of the range must be above its bottom.")
        elif unit == Unit.PERCENTAGE and not (low >= 0 and high <= 100):
            add("range_high", "A range of percentages must lie between 0 and 100.")
    band = values.get("band_percent")
    if band is not None and not 0 < band <= 100:
        add("band_percent", "The band is a percentage of the baseline above 0 and at most 100, such as 5.")
    if kind == TargetKind.BENCHMARK_GROUP and polarity == Polarity.NEUTRAL:
        add(
            "polarity",
            "A comparison with a benchmark group needs a better direction: higher or lower is better.",
        )
    if kind == TargetKind.CHANGE:
        _check_change(values, polarity, add)


def _check_change(values, polarity, add) -> None:
    change, baseline = values.get("change_percent"), values.get("baseline_value")
    year, due = values.get("baseline_year"), values.get("due_date")
    if change is not None:
        if change == 0 or change < -100:
            add("change_percent", "The change is a percentage of the baseline, such as -20 for a fifth less.")
        elif change > 0 and polarity == Polarity.LOWER_IS_BETTER:
            add("change_percent", f"Lower is better for this measure: write a fall as -{_plain(change)}.")
        elif change < 0 and polarity == Polarity.HIGHER_IS_BETTER:
            add("change_percent", f"Higher is better for this measure: write a rise as {_plain(-change)}.")
    if baseline is not None and baseline <= 0:
        add("baseline_value", "A change in percent needs a baseline above 0.")
    if year is not None and due is not None and Quarter.containing(due) <= Quarter(year, 4):
        end = Quarter(year, 4).end_date
        add("due_date", f"The date it is due must be after the baseline year ends ({end.isoformat()}).")


# The bands, each on plain numbers


def rag_against_target(value: Decimal, target: Decimal, polarity: Polarity, threshold: Decimal) -> Rag:
    """`Band.REACH`: on or past the target is green; short of it by up to `threshold` % of the target is
    amber. A neutral measure that has a target is read as higher is better: a target is something to
    reach."""
    band = abs(target) * threshold / HUNDRED
    if polarity == Polarity.LOWER_IS_BETTER:
        return Rag.GREEN if value <= target else Rag.AMBER if value <= target + band else Rag.RED
    return Rag.GREEN if value >= target else Rag.AMBER if value >= target - band else Rag.RED


def rag_against_baseline(value: Decimal, baseline: Decimal, threshold: Decimal) -> Rag:
    """`Band.BELOW_BASELINE`: any fall below the baseline is green; no fall yet, or a rise of up to
    `threshold` %, is amber."""
    if value < baseline:
        return Rag.GREEN
    return Rag.AMBER if value <= baseline + baseline * threshold / HUNDRED else Rag.RED


def band_limits(baseline: Decimal, band_percent: Decimal) -> tuple[Decimal, Decimal]:
    """The bottom and top of a band of `band_percent` % either side of `baseline`."""
    half = baseline * band_percent / HUNDRED
    return baseline - half, baseline + half


def rag_maintained(
    value: Decimal, baseline: Decimal, band_percent: Decimal, polarity: Polarity, threshold: Decimal
) -> Rag:
    """`Band.MAINTAIN`: within `band_percent` % either side of the baseline, or better, is green; worse
    than the band by up to `threshold` % of the baseline is amber."""
    low, high = band_limits(baseline, band_percent)
    margin = baseline * threshold / HUNDRED
    if value > high and polarity != Polarity.HIGHER_IS_BETTER:
        beyond = value - high
    elif value < low and polarity != Polarity.LOWER_IS_BETTER:
        beyond = low - value
    else:
        return Rag.GREEN
    return Rag.AMBER if beyond <= margin else Rag.RED


def rag_within_range(value: Decimal, low: Decimal, high: Decimal, threshold: Decimal) -> Rag:
    """`Band.WITHIN`: inside the range is green; outside by up to `threshold` % of the nearer end is
    amber."""
    if low <= value <= high:
        return Rag.GREEN
    if value < low:
        return Rag.AMBER if value >= low - abs(low) * threshold / HUNDRED else Rag.RED
    return Rag.AMBER if value <= high + abs(high) * threshold / HUNDRED else Rag.RED


# What a quarter is compared with


def expected_by(year_target: Decimal, quarter: Quarter) -> Decimal:
    """A straight-line share of a year-end total by the end of `quarter`: 30 in the year is 15 by Q2."""
    return year_target * quarter.number / 4


def trajectory(spec: MeasureSpec, quarter: Quarter) -> Decimal | None:
    """A change by a date: where the figure should be by the end of `quarter`, on the straight line from
    the baseline at the end of the baseline year to the target at the end of the quarter it is due in.
    Before the line starts, the baseline; after it ends, the target. None if the change is not set."""
    target = spec.change_target
    if target is None or spec.baseline_year is None or spec.due_date is None:
        return None
    start, end = Quarter(spec.baseline_year, 4), Quarter.containing(spec.due_date)
    steps = end.quarters_since(start)
    if steps <= 0:
        return target
    done = min(max(quarter.quarters_since(start), 0), steps)
    return spec.baseline_value + (target - spec.baseline_value) * done / steps
