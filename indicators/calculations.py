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
from indicators.formatting import percent_change as percent_change_words
from indicators.kinds import Aggregation, MilestoneStatus, Polarity, Rag, TargetKind, Unit
from indicators.quarters import Quarter
from indicators.targets import (
    FIELD_WORDS,
    RULES,
    Assessment,
    Band,
    Judged,
    MeasureSpec,
    TargetProgress,
    expected_by,
    rag_against_baseline,
    rag_against_target,
    rag_maintained,
    rag_within_range,
    trajectory,
)

HUNDRED = Decimal(100)
_RATIO_SCALE = {Unit.COUNT: Decimal(1), Unit.PERCENTAGE: HUNDRED, Unit.RATE_PER_100K: Decimal(100_000)}


@dataclass(frozen=True)
class Observation:
    """What an agency reported for one measure in one quarter.

    A ratio measure supplies `numerator` and `denominator` (its `value` is ignored, because a rolling year
    must add them up separately); a milestone supplies `status`; anything else supplies `value`. A measure
    compared with a benchmark group may carry the group's figure for the quarter, `benchmark`, in its unit.
    """

    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    status: MilestoneStatus | None = None
    benchmark: Decimal | None = None


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


# RAG, by the rule for the kind of target (indicators.targets)


def rag_for_direction(direction: Direction) -> Rag:
    return {Direction.IMPROVING: Rag.GREEN, Direction.NO_CHANGE: Rag.AMBER, Direction.WORSENING: Rag.RED}.get(
        direction, Rag.NO_RATING
    )


def judged_figure(
    spec: MeasureSpec, observations: Observations, quarter: Quarter
) -> tuple[Decimal | None, Quarter]:
    """The figure the kind of target judges in `quarter` (`MeasureSpec.judged`), and the first quarter it
    lacks when it cannot be worked out."""
    judged = spec.judged
    if judged == Judged.YEAR_TO_DATE:
        quarters = quarter.quarters_to_date()
    elif judged == Judged.ROLLING_YEAR and spec.aggregation != Aggregation.STOCK:
        quarters = quarter.last_n(4)
    else:
        quarters = [quarter]
    value = total(spec, observations, quarters)
    missing = next((q for q in quarters if value_for(spec, observations.get(q)) is None), quarter)
    return value, missing


def assess_target(
    spec: MeasureSpec,
    observations: Observations,
    quarter: Quarter,
    *,
    today: date,
    agency_rating: Rag | None = None,
) -> Assessment:
    """The RAG rating for `quarter`, why, and the progress it was judged on, by the rule for the kind of
    target: the figure it judges and the band it rates by (`indicators.targets.RULES`)."""
    band = RULES[spec.target_kind].band
    if band is Band.AGENCY:
        return _agency_rating(agency_rating, "No target")
    if band is Band.MILESTONE:
        return _assess_milestone(spec, observations, quarter, today, agency_rating)
    if band is Band.DIRECTION:
        return _assess_direction(spec, observations, quarter, agency_rating)
    unset = _unset(spec, observations, quarter)
    if unset:
        return Assessment(Rag.NO_RATING, unset)
    actual, missing = judged_figure(spec, observations, quarter)
    if actual is None:
        return Assessment(Rag.NO_RATING, f"No data for {missing.short_label}")
    if band is Band.BELOW_BASELINE:
        return _assess_reduction(spec, actual)
    if band is Band.MAINTAIN:
        return _assess_maintain(spec, actual, quarter)
    if band is Band.WITHIN:
        low, high = spec.range_low, spec.range_high
        reason = f"{_show(spec, actual)} against a range of {_show(spec, low)} to {_show(spec, high)}"
        return Assessment(rag_within_range(actual, low, high, spec.threshold), reason, TargetProgress(actual))
    return _assess_reach(spec, observations, quarter, actual)


def _unset(spec: MeasureSpec, observations: Observations, quarter: Quarter) -> str:
    """Why the target cannot rate yet, for want of its own values (or the benchmark group's figure)."""
    if spec.target_kind == TargetKind.BENCHMARK_GROUP:
        observation = observations.get(quarter)
        if observation is None or observation.benchmark is None:
            return f"No figure for the {spec.benchmark_group or 'benchmark group'} in {quarter.short_label}"
        return ""
    needs = RULES[spec.target_kind].needs
    if spec.target_kind == TargetKind.REDUCTION_FROM_BASELINE and spec.target_value is not None:
        needs = ()  # a target level is the aim; the baseline is only printed beside it
    missing = [name for name in needs if getattr(spec, name) in (None, "")]
    if missing == ["target_value"]:
        return "No target value has been set"
    if missing == ["baseline_value"]:
        return "No baseline has been set"
    if missing:
        return f"The target is not fully set: it needs {' and '.join(FIELD_WORDS[name] for name in missing)}"
    return ""


def _assess_reach(spec: MeasureSpec, observations: Observations, quarter: Quarter, actual: Decimal):
    """`Band.REACH`: the judged figure against a level, a trajectory or the benchmark group's figure."""
    kind, target, polarity = spec.target_kind, spec.target_value, spec.polarity
    share = None
    if kind == TargetKind.CHANGE:
        target, expected, polarity = spec.change_target, trajectory(spec, quarter), spec.change_polarity
        since = percent_change_words(percent_change(actual, spec.baseline_value))
        baseline_year = Quarter(spec.baseline_year, 1).financial_year_label
        reason = (
            f"{_show(spec, actual)} in the year to {quarter.short_label} ({since} on "
            f"{_show(spec, spec.baseline_value)} in {baseline_year}) against {_show(spec, expected)} "
            f"expected by now, on the way to {_show(spec, target)} "
            f"({percent_change_words(spec.change_percent)}) by {format_date(spec.due_date)}"
        )
    elif kind == TargetKind.BENCHMARK_GROUP:
        expected = observations[quarter].benchmark
        reason = f"{_show(spec, actual)} against {_show(spec, expected)} for the {spec.benchmark_group}"
    elif spec.is_year_end_total:
        expected, share = expected_by(target, quarter), _percent_of(actual, target)
        reason = (
            f"{_show(spec, actual)} against {_show(spec, expected)} expected by the end of "
            f"Quarter {quarter.number} ({_show(spec, target)} in the year)"
        )
    else:
        expected, share = target, _percent_of(actual, target)
        reason = f"{_show(spec, actual)} against a target of {_show(spec, target)}"
    rag = rag_against_target(actual, expected, polarity, spec.threshold)
    return Assessment(rag, reason, TargetProgress(actual, expected, target, share))


def _assess_reduction(spec: MeasureSpec, value: Decimal) -> Assessment:
    """Below the baseline is enough, unless a target level is set too: then that level is the aim."""
    baseline, target = spec.baseline_value, spec.target_value
    if target is None:
        rag = rag_against_baseline(value, baseline, spec.threshold)
        reason = f"{_show(spec, value)} against a baseline of {_show(spec, baseline)}"
        return Assessment(rag, reason, TargetProgress(value, baseline))
    # A reduction is lower is better, whatever polarity the measure was given.
    rag = rag_against_target(value, target, Polarity.LOWER_IS_BETTER, spec.threshold)
    reason = f"{_show(spec, value)} against a target of {_show(spec, target)}"
    if baseline is not None:
        reason += f" (baseline {_show(spec, baseline)})"
    return Assessment(rag, reason, TargetProgress(value, target, target, _percent_of(value, target)))


def _assess_maintain(spec: MeasureSpec, actual: Decimal, quarter: Quarter) -> Assessment:
    baseline, band = spec.baseline_value, spec.band_percent
    rag = rag_maintained(actual, baseline, band, spec.polarity, spec.threshold)
    low, high = spec.band_limits
    reason = (
        f"{_show(spec, actual)} in the year to {quarter.short_label}, against {_show(spec, baseline)} "
        f"within {format_number(band, Unit.PERCENTAGE)} ({_show(spec, low)} to {_show(spec, high)})"
    )
    return Assessment(rag, reason, TargetProgress(actual, baseline, baseline))


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

    Judged as at the quarter's end (or `today`, for a quarter not yet over): a Q1 report read in November
    says a milestone due in October was not yet due, as it was when the quarter ended. Completion reported
    in any quarter up to `quarter` counts, so a milestone met in Q1 stays green in Q2 without being
    reported again. Not reported complete by its date is red even with no return at all: an
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
    if min(today, quarter.end_date) > due:
        return Assessment(Rag.RED, f"Not complete, and was due by {format_date(due)}")
    status = MilestoneStatus(statuses[-1]).label.lower() if statuses else "no progress reported"
    return _agency_rating(agency_rating, f"Not yet due (due by {format_date(due)}), {status}")


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
