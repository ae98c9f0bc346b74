"""Ratings as people read them: the words for a RAG, an indicator's rating from its measures', and a
measure's target in words and as a line on its chart.

How one measure is rated in a quarter is `indicators.calculations.assess_target`; everything that prints
or combines ratings (the plan page, the return page, the report, its exports) comes through here, so they
cannot disagree.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from indicators.calculations import MeasureSpec, expected_by
from indicators.formatting import format_date, table_number
from indicators.kinds import Polarity, Rag, TargetKind
from indicators.quarters import Quarter

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


def target_text(spec: MeasureSpec, quarter: Quarter) -> str:
    """The measure's target as a table prints it for `quarter`."""
    kind, unit = spec.target_kind, spec.unit
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
            return f"{table_number(spec.target_value, unit)} or lower"
        if spec.baseline_value is not None:
            return f"Below {table_number(spec.baseline_value, unit)}"
        return "A reduction"
    if spec.target_value is None:
        return "Not set"
    if spec.is_year_end_total:
        by_now = table_number(expected_by(spec.target_value, quarter), unit)
        return f"{table_number(spec.target_value, unit)} in the year ({by_now} by Q{quarter.number})"
    return table_number(spec.target_value, unit)


def target_level(spec: MeasureSpec) -> Decimal | None:
    """The level one quarter's figure is judged against, for the chart's target line; None where there
    is no level (a year-end total's is its quarterly share)."""
    kind = spec.target_kind
    if kind == TargetKind.REDUCTION_FROM_BASELINE:
        return spec.target_value if spec.target_value is not None else spec.baseline_value
    if spec.is_year_end_total and spec.target_value is not None:
        return spec.target_value / 4
    if kind in (TargetKind.NUMBER, TargetKind.PERCENTAGE):
        return spec.target_value
    return None
