"""The arithmetic of a measure's quarterly figures: comparisons, year to date, target progress and RAG.

Pure functions over plain data, so that the page, the PDF and the exports show the same numbers and every
rule can be table-tested without a database; the caller passes `today`. A missing quarter is None ("no
data"), never zero, and so is any total that needs it: a part-year summed as if whole would look like a
fall. A division by zero is None too. Nothing is rounded inside: `indicators.formatting` is for presentation.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import TextChoices

from indicators.formatting import format_date, format_number
from indicators.kinds import (
    DEFAULT_AMBER_THRESHOLD_PERCENT,
    Aggregation,
    MilestoneStatus,
    Polarity,
    Rag,
    TargetKind,
    Unit,
)
from indicators.quarters import Quarter

HUNDRED = Decimal(100)
_RATIO_SCALE = {Unit.COUNT: Decimal(1), Unit.PERCENTAGE: HUNDRED, Unit.RATE_PER_100K: Decimal(100_000)}


@dataclass(frozen=True)
class Observation:
    """What an agency reported for one measure in one quarter.

    A ratio measure supplies `numerator` and `denominator` (its `value` is ignored, because a rolling year
    must add them up separately); a milestone supplies `status`; anything else supplies `value`.
    """

    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    status: MilestoneStatus | None = None


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


class Direction(TextChoices):
    IMPROVING = "improving", "Improving"
    WORSENING = "worsening", "Worsening"
    NO_CHANGE = "no_change", "No change"
    # For neutral measures, where a rise is neither good nor bad.
    INCREASING = "increasing", "Increasing"
    DECREASING = "decreasing", "Decreasing"
    NO_DATA = "no_data", "No data"


@dataclass(frozen=True)
class Comparison:
    """A figure against an earlier one. `change` is in the measure's unit (percentage points for a
    percentage); `percent_change` is relative to `previous`."""

    current: Decimal | None
    previous: Decimal | None
    change: Decimal | None
    percent_change: Decimal | None

    @classmethod
    def between(cls, current: Decimal | None, previous: Decimal | None) -> "Comparison":
        change = None if current is None or previous is None else current - previous
        return cls(current, previous, change, percent_change(current, previous))


@dataclass(frozen=True)
class TargetProgress:
    """Where the measure stands against its target this quarter; None wherever it does not apply.

    `actual` is the figure judged (year to date for a cumulative target, else this quarter); `expected` is
    what it is judged against (the pro-rata trajectory, the target level, the baseline, or the same quarter
    last year); `percent_of_target` is `actual` as a % of the year-end or level target.
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


@dataclass(frozen=True)
class Figures:
    """Everything the quarterly report shows for one measure in one quarter."""

    quarter: Quarter
    this_quarter: Decimal | None
    previous_quarter: Decimal | None
    same_quarter_last_year: Decimal | None
    rolling_year: Comparison
    rolling_quarter: Comparison
    year_to_date: Decimal | None
    target: TargetProgress
    rag: Rag
    rag_reason: str
    direction: Direction


Observations = Mapping[Quarter, Observation]


# Single quarters and totals


def divide(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    """numerator / denominator, or None when either is missing or the denominator is zero."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def percent_change(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """(current - previous) / previous * 100; None when there is nothing, or zero, to compare with."""
    if current is None or previous is None:
        return None
    ratio = divide(current - previous, previous)
    return None if ratio is None else ratio * HUNDRED


def value_for(spec: MeasureSpec, observation: Observation | None) -> Decimal | None:
    """The measure's figure for one quarter, in its unit; None for no data and for milestones."""
    if observation is None or spec.unit == Unit.MILESTONE:
        return None
    if spec.aggregation == Aggregation.RATIO:
        return _scaled(spec, observation.numerator, observation.denominator)
    return observation.value


def total(spec: MeasureSpec, observations: Observations, quarters: Iterable[Quarter]) -> Decimal | None:
    """The measure over consecutive quarters (oldest first), combined by its aggregation.

    A flow sums, a stock takes the last quarter, a ratio divides the summed numerators by the summed
    denominators (averaging the quarters' percentages would weight a quiet quarter like a busy one).
    """
    quarters = list(quarters)
    if not quarters or spec.unit == Unit.MILESTONE:
        return None
    if spec.aggregation == Aggregation.STOCK:
        return value_for(spec, observations.get(quarters[-1]))
    found = [observations.get(quarter) or Observation() for quarter in quarters]
    if spec.aggregation == Aggregation.RATIO:
        numerators = _sum(observation.numerator for observation in found)
        return _scaled(spec, numerators, _sum(observation.denominator for observation in found))
    return _sum(value_for(spec, observation) for observation in found)


def _sum(figures: Iterable[Decimal | None]) -> Decimal | None:
    """The sum, or None if any figure is missing."""
    figures = list(figures)
    present = [figure for figure in figures if figure is not None]
    return sum(present, Decimal(0)) if len(present) == len(figures) else None


def _scaled(spec: MeasureSpec, numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    ratio = divide(numerator, denominator)
    return None if ratio is None else ratio * _RATIO_SCALE.get(spec.unit, Decimal(1))


def rolling_year(spec: MeasureSpec, observations: Observations, quarter: Quarter) -> Comparison:
    """The four quarters ending with `quarter` against the four before them."""
    year_before = quarter.shifted(-4)
    return Comparison.between(
        total(spec, observations, quarter.last_n(4)), total(spec, observations, year_before.last_n(4))
    )


def rolling_quarter(spec: MeasureSpec, observations: Observations, quarter: Quarter) -> Comparison:
    """`quarter` against the quarter before it."""
    return Comparison.between(
        value_for(spec, observations.get(quarter)), value_for(spec, observations.get(quarter.previous()))
    )


def year_to_date(spec: MeasureSpec, observations: Observations, quarter: Quarter) -> Decimal | None:
    """Q1 of `quarter`'s financial year up to and including `quarter`."""
    return total(spec, observations, quarter.quarters_to_date())


def trend(
    spec: MeasureSpec, observations: Observations, quarter: Quarter, n: int = 8
) -> list[tuple[Quarter, Decimal | None]]:
    """Each of the last `n` quarters' values, oldest first, with gaps left as None for the chart."""
    return [(each, value_for(spec, observations.get(each))) for each in quarter.last_n(n)]


def direction_of_travel(change: Decimal | None, polarity: Polarity) -> Direction:
    """Whether a change is for the better, by the measure's polarity."""
    if change is None:
        return Direction.NO_DATA
    if change == 0:
        return Direction.NO_CHANGE
    if polarity == Polarity.NEUTRAL:
        return Direction.INCREASING if change > 0 else Direction.DECREASING
    better = change > 0 if polarity == Polarity.HIGHER_IS_BETTER else change < 0
    return Direction.IMPROVING if better else Direction.WORSENING


# RAG rules, each on plain numbers


def rag_against_target(value: Decimal, target: Decimal, polarity: Polarity, threshold: Decimal) -> Rag:
    """On or past the target is green; short of it by up to `threshold` % of the target is amber.

    A neutral measure that has a target is read as higher is better: a target is something to reach.
    """
    band = target * threshold / HUNDRED
    if polarity == Polarity.LOWER_IS_BETTER:
        return Rag.GREEN if value <= target else Rag.AMBER if value <= target + band else Rag.RED
    return Rag.GREEN if value >= target else Rag.AMBER if value >= target - band else Rag.RED


def rag_against_baseline(value: Decimal, baseline: Decimal, threshold: Decimal) -> Rag:
    """Any fall below the baseline is green; no fall yet, or a rise of up to `threshold` %, is amber."""
    if value < baseline:
        return Rag.GREEN
    return Rag.AMBER if value <= baseline + baseline * threshold / HUNDRED else Rag.RED


def expected_by(year_target: Decimal, quarter: Quarter) -> Decimal:
    """A straight-line share of a year-end total by the end of `quarter`: 30 in the year is 15 by Q2."""
    return year_target * quarter.number / 4


def rag_for_direction(direction: Direction) -> Rag:
    return {Direction.IMPROVING: Rag.GREEN, Direction.NO_CHANGE: Rag.AMBER, Direction.WORSENING: Rag.RED}.get(
        direction, Rag.NO_RATING
    )


def assess_target(
    spec: MeasureSpec,
    observations: Observations,
    quarter: Quarter,
    *,
    today: date,
    agency_rating: Rag | None = None,
) -> Assessment:
    """The RAG rating for `quarter`, why, and the progress it was judged on, by the kind of target."""
    kind = spec.target_kind
    if kind in TargetKind.comparison_only():
        return _agency_rating(agency_rating, "No target")
    if kind == TargetKind.MILESTONE:
        return _assess_milestone(spec, observations, quarter, today, agency_rating)
    if kind == TargetKind.DIRECTION:
        return _assess_direction(spec, observations, quarter, agency_rating)

    this_quarter = value_for(spec, observations.get(quarter))
    if kind == TargetKind.REDUCTION_FROM_BASELINE:
        return _assess_reduction(spec, this_quarter, quarter)

    target = spec.target_value
    if target is None:
        return Assessment(Rag.NO_RATING, "No target value has been set")
    polarity = spec.polarity
    if spec.is_year_end_total:
        actual = year_to_date(spec, observations, quarter)
        expected = expected_by(target, quarter)
        if actual is None:
            gap = next(q for q in quarter.quarters_to_date() if value_for(spec, observations.get(q)) is None)
            return Assessment(Rag.NO_RATING, f"No data for {gap.short_label}")
        reason = (
            f"{_show(spec, actual)} against {_show(spec, expected)} expected by the end of "
            f"Quarter {quarter.number} ({_show(spec, target)} in the year)"
        )
    else:
        actual, expected = this_quarter, target
        if actual is None:
            return Assessment(Rag.NO_RATING, f"No data for {quarter.short_label}")
        reason = f"{_show(spec, actual)} against a target of {_show(spec, target)}"
    rag = rag_against_target(actual, expected, polarity, spec.threshold)
    progress = TargetProgress(actual, expected, target, _percent_of(actual, target))
    return Assessment(rag, reason, progress)


def _assess_reduction(spec: MeasureSpec, value: Decimal | None, quarter: Quarter) -> Assessment:
    """Below the baseline is enough, unless a target level is set too: then that level is the aim."""
    baseline, target = spec.baseline_value, spec.target_value
    level = target if target is not None else baseline
    if level is None:
        return Assessment(Rag.NO_RATING, "No baseline has been set")
    if value is None:
        return Assessment(Rag.NO_RATING, f"No data for {quarter.short_label}")
    if target is None:
        rag = rag_against_baseline(value, level, spec.threshold)
        reason = f"{_show(spec, value)} against a baseline of {_show(spec, level)}"
        return Assessment(rag, reason, TargetProgress(value, level))
    # A reduction is lower is better, whatever polarity the measure was given.
    rag = rag_against_target(value, target, Polarity.LOWER_IS_BETTER, spec.threshold)
    reason = f"{_show(spec, value)} against a target of {_show(spec, target)}"
    if baseline is not None:
        reason += f" (baseline {_show(spec, baseline)})"
    return Assessment(rag, reason, TargetProgress(value, target, target, _percent_of(value, target)))


def _assess_direction(
    spec: MeasureSpec, observations: Observations, quarter: Quarter, agency_rating: Rag | None
) -> Assessment:
    """This quarter against the same quarter last year, which cancels out the seasons."""
    earlier = quarter.same_quarter_last_year()
    current = value_for(spec, observations.get(quarter))
    previous = value_for(spec, observations.get(earlier))
    if current is None:
        return Assessment(Rag.NO_RATING, f"No data for {quarter.short_label}")
    if previous is None:
        return Assessment(Rag.NO_RATING, f"No data for {earlier.short_label}")
    direction = direction_of_travel(current - previous, spec.polarity)
    progress = TargetProgress(current, previous)
    if spec.polarity == Polarity.NEUTRAL:
        # No better direction to judge by: a configuration gap, so the agency's rating stands.
        return _agency_rating(agency_rating, "A neutral measure has no better direction", progress)
    reason = (
        f"{_show(spec, current)} against {_show(spec, previous)} in {earlier.short_label}: "
        f"{direction.label.lower()}"
    )
    return Assessment(rag_for_direction(direction), reason, progress)


def _assess_milestone(
    spec: MeasureSpec, observations: Observations, quarter: Quarter, today: date, agency_rating: Rag | None
) -> Assessment:
    """Complete is green for good; incomplete past its date is red; before then the agency judges.

    Completion reported in any quarter up to `quarter` counts, so a milestone met in Q1 stays green in Q2
    without being reported again. Not reported complete by its date is red even with no return at all: an
    agency must not escape a red by not submitting.
    """
    statuses = [
        observation.status
        for each, observation in sorted(observations.items())
        if each <= quarter and observation.status is not None
    ]
    if MilestoneStatus.COMPLETE in statuses:
        return Assessment(Rag.GREEN, "Complete")
    due = spec.due_date
    if due is None:
        return _agency_rating(agency_rating, "No due date has been set")
    if today > due:
        return Assessment(Rag.RED, f"Not complete, and was due by {format_date(due)}")
    status = MilestoneStatus(statuses[-1]).label.lower() if statuses else "no progress reported"
    return _agency_rating(agency_rating, f"Due by {format_date(due)}, {status}")


def _agency_rating(agency_rating: Rag | None, why: str, progress: TargetProgress | None = None) -> Assessment:
    progress = progress or TargetProgress()
    if agency_rating is None or agency_rating == Rag.NO_RATING:
        return Assessment(Rag.NO_RATING, f"{why}, and the agency has not given a rating", progress)
    return Assessment(agency_rating, f"{why}: the agency's own rating", progress)


def _percent_of(actual: Decimal, target: Decimal) -> Decimal | None:
    share = divide(actual, target)
    return None if share is None else share * HUNDRED


# The whole row


def compute_figures(
    spec: MeasureSpec,
    observations: Observations,
    quarter: Quarter,
    *,
    today: date,
    agency_rating: Rag | None = None,
) -> Figures:
    """Every figure the report shows for one measure in `quarter`."""
    year = rolling_year(spec, observations, quarter)
    by_quarter = rolling_quarter(spec, observations, quarter)
    assessment = assess_target(spec, observations, quarter, today=today, agency_rating=agency_rating)
    return Figures(
        quarter=quarter,
        this_quarter=by_quarter.current,
        previous_quarter=by_quarter.previous,
        same_quarter_last_year=value_for(spec, observations.get(quarter.same_quarter_last_year())),
        rolling_year=year,
        rolling_quarter=by_quarter,
        year_to_date=year_to_date(spec, observations, quarter),
        target=assessment.progress,
        rag=assessment.rag,
        rag_reason=assessment.reason,
        direction=direction_of_travel(year.change, spec.polarity),
    )


def _show(spec: MeasureSpec, value: Decimal) -> str:
    return format_number(value, spec.unit)
