"""From stored figures to computed ones and ratings: the one place that reads figures for the calculations.

The return page, the plan page, the PDF and the exports all come through here, so they count the same
figures and rate the same way: imported history, and figures from returns received (submitted or
approved; a draft is the agency's own until submitted). Measure codes are stable across plan years, so a
measure's past is found by its code within the partnership, whichever plan year's measure the figures were
first entered against.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import F, FilteredRelation, Q

from indicators.calculations import Figures, MeasureSpec, Observation, compute_figures
from indicators.in_force import spec_from_record
from indicators.kinds import Rag
from indicators.models import Indicator, Measure
from indicators.quarters import Quarter
from indicators.ratings import IndicatorRating, indicator_rating
from returns.models import Figure, ReportingPeriod, Return, ReturnState

HISTORY_QUARTERS = 8
"""Quarters before the reporting quarter that comparisons and charts need (rolling year against the
previous rolling year looks back seven)."""

Observations = dict[str, dict[Quarter, Observation]]


def observations_for(
    measures: Iterable[Measure],
    quarter: Quarter,
    *,
    partnership_id: int,
    include_draft_of: Return | None = None,
) -> Observations:
    """Each measure code's observations for the quarter and the eight before it, in one query.

    `include_draft_of` counts one return's figures whatever its state: the officer editing it sees the
    comparisons for what they typed.
    """
    codes = {m.code for m in measures}
    window = quarter.last_n(HISTORY_QUARTERS + 1)
    counted = Q(ret__isnull=True) | Q(ret__state__in=ReturnState.received())
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
            "benchmark",
            "ret_id",
            "measure__indicator__priority__plan_year__start_year",
            "measure__indicator__priority__plan_year__end_year",
        )
    )
    chosen: dict[tuple[str, Quarter], tuple] = {}
    for code, year, number, value, numerator, denominator, status, benchmark, ret_id, start, end in rows:
        key = (code, Quarter(year, number))
        # Two plans' measures may both hold a quarter: prefer a return over history, then the plan that
        # contains the quarter.
        rank = (ret_id is not None, start <= year <= (end or start))
        if key not in chosen or rank > chosen[key][0]:
            chosen[key] = (rank, Observation(value, numerator, denominator, status or None, benchmark))
    result: Observations = defaultdict(dict)
    for (code, q), (_, observation) in chosen.items():
        result[code][q] = observation
    return result


def specs_in_force(period: ReportingPeriod | None, measures: Iterable[Measure]) -> dict[int, MeasureSpec]:
    """Each measure's target as it stood for `period` (by measure id): the one kept when the period
    closed (`returns.periods.freeze_targets`), else, while it is open or for a measure added since, the
    measure's own. Reads nothing more from the database."""
    kept = (period.targets if period is not None else {}).get("measures", {})
    return {m.pk: spec_from_record(kept[str(m.pk)]) if str(m.pk) in kept else m.spec for m in measures}


def benchmark_in_force(period: ReportingPeriod | None, indicator: Indicator) -> str:
    """The indicator's benchmark or target as printed, as it stood for `period` (see `specs_in_force`)."""
    kept = (period.targets if period is not None else {}).get("benchmarks", {})
    return kept.get(str(indicator.pk), indicator.benchmark_text)


def own_ratings(returns: Iterable[Return]) -> dict[tuple[int, int], Rag]:
    """The rating each agency gave each indicator, by (indicator id, agency id), from returns received."""
    return {
        (ret.indicator_id, ret.agency_id): Rag(ret.agency_rating)
        for ret in returns
        if ret.is_received and ret.agency_rating
    }


def figures_for(
    measures: Iterable[Measure],
    quarter: Quarter,
    *,
    partnership_id: int,
    today: date,
    given: dict[tuple[int, int], Rag],
    include_draft_of: Return | None = None,
    typed: dict[int, Observation] | None = None,
    specs: dict[int, MeasureSpec] | None = None,
) -> tuple[Observations, dict[int, Figures]]:
    """Each measure's figures in `quarter` (by measure id), and the observations they came from.

    `given` holds the ratings agencies gave, by (indicator id, agency id) (`own_ratings`): where no target
    decides a measure's rating, its supplier's rating for the indicator stands. `typed` holds figures for
    `quarter` that a form holds and nobody has saved yet, by measure id: they stand in for the stored
    ones, so a page can say how a figure would be rated as it is typed. `specs` are the targets in force
    for the quarter (`specs_in_force`); without them, each measure's own.
    """
    measures = list(measures)
    specs = specs or {}
    observations = observations_for(
        measures, quarter, partnership_id=partnership_id, include_draft_of=include_draft_of
    )
    for measure in measures:
        if typed and measure.pk in typed:
            observations.setdefault(measure.code, {})[quarter] = typed[measure.pk]
    computed = {
        m.pk: compute_figures(
            specs.get(m.pk) or m.spec,
            observations.get(m.code, {}),
            quarter,
            today=today,
            agency_rating=given.get((m.indicator_id, m.supplier_id)),
        )
        for m in measures
    }
    return observations, computed


@dataclass(frozen=True)
class QuarterRatings:
    """A quarter's figures and ratings for a set of indicators: what the plan page and the report print."""

    observations: Observations
    """By measure code: the quarters that the figures and charts were worked out from."""
    measures: dict[int, Figures]
    """By measure id."""
    indicators: dict[int, IndicatorRating]
    """By indicator id."""
    specs: dict[int, MeasureSpec]
    """By measure id: the targets in force, which the rows print."""


def rate_quarter(
    indicators: Iterable[Indicator],
    quarter: Quarter,
    *,
    partnership_id: int,
    returns: Iterable[Return],
    today: date,
    period: ReportingPeriod | None = None,
) -> QuarterRatings:
    """Every measure's figures and every indicator's rating in `quarter`, in one query of figures.

    `returns` are the quarter's returns for these indicators, in any state (only those received count).
    An indicator's rating is rolled up from its measures' by `indicators.ratings.indicator_rating`.
    Measures are rated against the targets in force for `period` (`specs_in_force`), which `specs` holds.
    Expects each indicator's measures prefetched (`themes.plan.load_plan` does).
    """
    indicators = list(indicators)
    given = own_ratings(returns)
    by_indicator: dict[int, list[Rag]] = defaultdict(list)
    for (indicator_id, _), rating in given.items():
        by_indicator[indicator_id].append(rating)
    measures = [measure for indicator in indicators for measure in indicator.measures.all()]
    specs = specs_in_force(period, measures)
    observations, computed = figures_for(
        measures, quarter, partnership_id=partnership_id, today=today, given=given, specs=specs
    )
    ratings = {
        indicator.pk: indicator_rating(
            (computed[m.pk].rag for m in indicator.measures.all()), by_indicator[indicator.pk]
        )
        for indicator in indicators
    }
    return QuarterRatings(observations, computed, ratings, specs)


FIGURE_PARTS = ("value", "numerator", "denominator", "status", "benchmark")
"""What a figure holds; a save writes these."""


def measures_and_figures(ret: Return) -> list[tuple[Measure, Figure | None]]:
    """Each measure the return's owner supplies (with its supplier), and the return's figure for it (None
    if there is none yet), in one query."""
    columns = ("id", "year", "number", *FIGURE_PARTS)
    measures = (
        ret.supplied_measures()
        .select_related("supplier")
        .annotate(stored=FilteredRelation("figures", condition=Q(figures__ret=ret)))
        .annotate(**{f"stored_{column}": F(f"stored__{column}") for column in columns})
    )
    found = []
    for measure in measures:
        figure = None
        if measure.stored_id is not None:
            values = {column: getattr(measure, f"stored_{column}") for column in columns}
            figure = Figure(measure_id=measure.pk, ret=ret, **values)
        found.append((measure, figure))
    return found


def result_rating(ret: Return, measures: Iterable[Measure], figures: dict[int, Figures]) -> Rag:
    """The return's result, as the report will rate its indicator from this agency: the worst of its
    measures' ratings (each, where no target decides it, the agency's own), or with no measures the
    agency's own rating."""
    own = [Rag(ret.agency_rating)] if ret.agency_rating else []
    return indicator_rating((figures[m.pk].rag for m in measures), own).rag


def return_figures(
    ret: Return, measures: list[Measure], *, today: date, rating: str, typed: dict[int, Observation] | None
) -> dict[int, Figures]:
    """Each of the return's measures' figures for its quarter, as the report rates them (the targets in
    force, the agency's own `rating` where no target decides), with `typed` figures standing in for
    saved ones."""
    given = {(ret.indicator_id, ret.agency_id): Rag(rating)} if rating else {}
    _, figures = figures_for(
        measures,
        ret.period.quarter,
        partnership_id=ret.period.plan_year.partnership_id,
        today=today,
        given=given,
        include_draft_of=ret,
        typed=typed,
        specs=specs_in_force(ret.period, measures),
    )
    return figures


def rating_as_saved(ret: Return, *, today: date, typed: dict[int, Observation] | None = None) -> Rag:
    """The return's result (`result_rating`) from its saved figures, or with `typed` ones standing in."""
    measures = list(ret.supplied_measures())
    figures = return_figures(ret, measures, today=today, rating=ret.agency_rating, typed=typed)
    return result_rating(ret, measures, figures)
