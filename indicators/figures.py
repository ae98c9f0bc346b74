"""From stored figures to computed ones: the one place that reads figures for the calculations.

The page, the PDF and the exports all come through here, so they count the same figures: imported
history, and figures from returns that have been submitted or approved (a draft is the agency's own
until submitted). Measure codes are stable across plan years, so a measure's past is found by its code
within the partnership, whichever plan year's measure the figures were first entered against.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import Q

from indicators.calculations import Figures, MeasureSpec, Observation, compute_figures
from indicators.kinds import Aggregation, Polarity, Rag, TargetKind, Unit
from indicators.models import Figure, Measure, Return, ReturnState
from indicators.quarters import Quarter

COUNTED_STATES = (ReturnState.SUBMITTED, ReturnState.APPROVED)
HISTORY_QUARTERS = 8
"""Quarters before the reporting quarter that comparisons and charts need (rolling year against the
previous rolling year looks back seven)."""


def spec_for(measure: Measure) -> MeasureSpec:
    return MeasureSpec(
        unit=Unit(measure.unit),
        polarity=Polarity(measure.polarity),
        aggregation=Aggregation(measure.aggregation),
        target_kind=TargetKind(measure.target_kind),
        target_value=measure.target_value,
        baseline_value=measure.baseline_value,
        due_date=measure.due_date,
        amber_threshold_percent=measure.amber_threshold_percent,
    )


def observations_for(
    measures: Iterable[Measure],
    quarter: Quarter,
    *,
    partnership_id: int,
    include_draft_of: Return | None = None,
) -> dict[str, dict[Quarter, Observation]]:
    """Each measure code's observations for the quarter and the eight before it, in one query.

    `include_draft_of` counts one return's figures whatever its state: the officer editing it sees the
    comparisons for what they typed.
    """
    codes = {m.code for m in measures}
    window = quarter.last_n(HISTORY_QUARTERS + 1)
    counted = Q(ret__isnull=True) | Q(ret__state__in=COUNTED_STATES)
    if include_draft_of is not None:
        counted |= Q(ret=include_draft_of)
    in_window = Q()
    for year in {q.year for q in window}:
        numbers = [q.number for q in window if q.year == year]
        in_window |= Q(year=year, number__in=numbers)
    rows = (
        Figure.objects.filter(counted, in_window, measure__code__in=codes)
        .filter(measure__indicator__priority__plan_year__partnership_id=partnership_id)
        .values_list(
            "measure__code",
            "year",
            "number",
            "value",
            "numerator",
            "denominator",
            "status",
            "ret_id",
            "measure__indicator__priority__plan_year__start_year",
        )
    )
    chosen: dict[tuple[str, Quarter], tuple] = {}
    for code, year, number, value, numerator, denominator, status, ret_id, plan_start in rows:
        key = (code, Quarter(year, number))
        # Two plan years' measures may both hold a quarter: prefer a return over history, then the plan
        # year that contains the quarter.
        rank = (ret_id is not None, plan_start == year)
        if key not in chosen or rank > chosen[key][0]:
            chosen[key] = (rank, Observation(value, numerator, denominator, status or None))
    result: dict[str, dict[Quarter, Observation]] = defaultdict(dict)
    for (code, q), (_, observation) in chosen.items():
        result[code][q] = observation
    return result


def figures_for(
    measures: Iterable[Measure],
    quarter: Quarter,
    *,
    partnership_id: int,
    today: date,
    agency_ratings: dict[int, Rag] | None = None,
    include_draft_of: Return | None = None,
) -> dict[int, Figures]:
    """Computed figures for each measure (by id) at the quarter. `agency_ratings` maps measure id to the
    supplying agency's own rating, which stands where no target decides."""
    measures = list(measures)
    observations = observations_for(
        measures, quarter, partnership_id=partnership_id, include_draft_of=include_draft_of
    )
    ratings = agency_ratings or {}
    return {
        m.pk: compute_figures(
            spec_for(m), observations.get(m.code, {}), quarter, today=today, agency_rating=ratings.get(m.pk)
        )
        for m in measures
    }
