"""Ratings as people read them: the words for a RAG, an indicator's rating from its measures', and a
measure's target in words and as a line on its chart.

How one measure is rated in a quarter is `indicators.calculations.assess_target`; everything that prints
or combines ratings (the plan page, the return page, the report, its exports) comes through here, so they
cannot disagree.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from indicators.calculations import MeasureSpec, TargetProgress
from indicators.formatting import format_date, format_number, percent_change, table_number
from indicators.kinds import Aggregation, Polarity, Rag, TargetKind, Unit
from indicators.quarters import Quarter
from indicators.targets import expected_by, trajectory

RAG_WORDS = {Rag.GREEN: "Green", Rag.AMBER: "Amber", Rag.RED: "Red", Rag.NO_RATING: "Not rated"}
SEVERITY = {Rag.NO_RATING: 0, Rag.GREEN: 1, Rag.AMBER: 2, Rag.RED: 3}
FROM_MEASURES = "the worst of its measures"
FROM_AGENCIES = "the agencies' own ratings"


def worst(ratings: Iterable[Rag]) -> Rag:
    """The worst rating given; "no rating" only when nothing was rated."""
    return max(ratings, key=SEVERITY.__getitem__, default=Rag.NO_RATING)


@dataclass(frozen=True)
class IndicatorRating:
    rag: Rag
    basis: str
    """What the rating was taken from, in words."""

    @property
    def words(self) -> str:
        return RAG_WORDS[self.rag]


def indicator_rating(measure_ratings: Iterable[Rag], own_ratings: Iterable[Rag]) -> IndicatorRating:
    """An indicator with measures takes the worst of its measures' ratings (where no target decides, a
    measure already carries its supplier's own rating); one reported in words only takes the worst of the
    ratings its agencies gave."""
    measure_ratings = list(measure_ratings)
    if measure_ratings:
        return IndicatorRating(worst(measure_ratings), FROM_MEASURES)
    return IndicatorRating(worst(own_ratings), FROM_AGENCIES)


def target_text(
    spec: MeasureSpec, quarter: Quarter | None = None, progress: TargetProgress | None = None
) -> str:
    """The measure's target as a table prints it for `quarter` (with no quarter, as the plan states it).

    Where the target moves through the year or the years (a year-end total, a change by a date) it adds
    where the figure should be by the end of `quarter`; a comparison with a benchmark group adds the
    group's figure for the quarter, from `progress` (what the figure was judged against).
    """
    kind, unit = spec.target_kind, spec.unit
    show = partial(table_number, unit=unit)
    if kind == TargetKind.ROLLING_COMPARISON:
        return "Comparison only"
    if kind == TargetKind.QUARTERLY:
        return "Quarterly update"
    if kind == TargetKind.NOT_APPLICABLE:
        return "No target"
    if kind == TargetKind.MILESTONE:
        return f"Complete by {format_date(spec.due_date)}" if spec.due_date else "Milestone"
    if kind == TargetKind.DIRECTION:
        return f"{'Lower' if spec.polarity == Polarity.LOWER_IS_BETTER else 'Higher'} than a year ago"
    if kind == TargetKind.REDUCTION_FROM_BASELINE:
        if spec.target_value is not None:
            return f"{show(spec.target_value)} or lower"
        if spec.baseline_value is not None:
            return f"Below {show(spec.baseline_value)}"
        return "A reduction"
    if kind == TargetKind.CHANGE:
        return _change_text(spec, quarter)
    if kind == TargetKind.MAINTAIN:
        if spec.baseline_value is None or spec.band_percent is None:
            return "Not set"
        low, high = spec.band_limits
        band = format_number(spec.band_percent, Unit.PERCENTAGE)
        return f"{show(spec.baseline_value)} ± {band} ({show(low)} to {show(high)})"
    if kind == TargetKind.RANGE:
        if spec.range_low is None or spec.range_high is None:
            return "Not set"
        return f"{show(spec.range_low)} to {show(spec.range_high)}"
    if kind == TargetKind.BENCHMARK_GROUP:
        side = "below" if spec.polarity == Polarity.LOWER_IS_BETTER else "above"
        figure = progress.expected if progress is not None else None
        return f"At or {side} the {spec.benchmark_group}" + (
            f" ({show(figure)})" if figure is not None else ""
        )
    if spec.target_value is None:
        return "Not set"
    if spec.is_year_end_total:
        in_year = f"{show(spec.target_value)} in the year"
        if quarter is None:
            return in_year
        return f"{in_year} ({show(expected_by(spec.target_value, quarter))} by Q{quarter.number})"
    return show(spec.target_value)


def _change_text(spec: MeasureSpec, quarter: Quarter | None) -> str:
    """E.g. "−20% on 2004-05 by 31 March 2008: 800 (967 by Q2 2005-06)": the change, where it ends, and
    where the straight line to it stands by the end of `quarter`."""
    target = spec.change_target
    if target is None or spec.baseline_year is None or spec.due_date is None:
        return "Not set"
    change = percent_change(spec.change_percent)
    baseline_year = Quarter(spec.baseline_year, 1).financial_year_label
    text = f"{change} on {baseline_year} by {format_date(spec.due_date)}: {table_number(target, spec.unit)}"
    by_now = trajectory(spec, quarter) if quarter is not None else None
    if by_now is None or by_now == target:
        return text
    return f"{text} ({table_number(by_now, spec.unit)} by {quarter.short_label})"


def target_level(spec: MeasureSpec) -> Decimal | None:
    """The level one quarter's figure is judged against, for the chart's target line; None where there
    is no one level for a quarter's figure (a year-end total's is its quarterly share; a change by a date
    moves; a range has two ends; a benchmark group's figure changes each quarter)."""
    kind = spec.target_kind
    if kind == TargetKind.REDUCTION_FROM_BASELINE:
        return spec.target_value if spec.target_value is not None else spec.baseline_value
    if spec.is_year_end_total and spec.target_value is not None:
        return spec.target_value / 4
    if kind in (TargetKind.NUMBER, TargetKind.PERCENTAGE):
        return spec.target_value
    if kind == TargetKind.MAINTAIN and spec.aggregation == Aggregation.STOCK:
        return spec.baseline_value
    return None
