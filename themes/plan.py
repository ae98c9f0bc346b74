"""Reading a whole plan year in a fixed number of queries, whatever its size."""

from datetime import date

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from csp.models import PlanYear
from indicators.figures import COUNTED_STATES, figures_for
from indicators.kinds import Rag
from indicators.models import Indicator, Measure, PeriodState, ReportingPeriod, Return
from indicators.quarters import Quarter
from themes.models import Deliverable, KeyTheme, Priority

RAG_SEVERITY = {Rag.NO_RATING: 0, Rag.GREEN: 1, Rag.AMBER: 2, Rag.RED: 3}


def load_plan(plan_year: PlanYear) -> QuerySet[Priority]:
    """Priorities with their themes (nested), deliverables, indicators, agencies and measures prefetched."""
    top_themes = KeyTheme.objects.filter(parent__isnull=True).prefetch_related(
        Prefetch("children", queryset=KeyTheme.objects.order_by("order"))
    )
    measures = Measure.objects.select_related("supplier").order_by("order")
    indicators = Indicator.objects.order_by("order").prefetch_related(
        "responsible_agencies", Prefetch("measures", queryset=measures)
    )
    return (
        Priority.objects.filter(plan_year=plan_year)
        .order_by("order")
        .prefetch_related(
            Prefetch("themes", queryset=top_themes.order_by("order"), to_attr="top_themes"),
            Prefetch(
                "deliverables", queryset=Deliverable.objects.select_related("lead_agency").order_by("order")
            ),
            Prefetch("indicators", queryset=indicators),
        )
    )


def with_latest_quarter(plan_years: QuerySet[PlanYear]) -> QuerySet[PlanYear]:
    """Annotate `latest_period_number`: the latest quarter opened for returns (open now, or closed since)."""
    opened = ReportingPeriod.objects.filter(
        plan_year=OuterRef("pk"), state__in=(PeriodState.OPEN, PeriodState.CLOSED)
    ).order_by("-number")
    return plan_years.annotate(latest_period_number=Subquery(opened.values("number")[:1]))


def latest_reported_quarter(plan_year: PlanYear) -> Quarter | None:
    """The plan year's latest quarter opened for returns, or None; free if `with_latest_quarter` ran."""
    if not hasattr(plan_year, "latest_period_number"):
        plan_year = with_latest_quarter(PlanYear.objects.filter(pk=plan_year.pk)).get()
    number = plan_year.latest_period_number
    return None if number is None else Quarter(plan_year.start_year, number)


def worst(ratings) -> Rag:
    """The worst rating given; "no rating" only when nothing was rated."""
    return max(ratings, key=RAG_SEVERITY.__getitem__, default=Rag.NO_RATING)


def indicator_ratings(
    indicators: list[Indicator], plan_year: PlanYear, quarter: Quarter, *, today: date
) -> dict[int, Rag]:
    """Each indicator's RAG for a quarter of its plan year, by indicator id, in two queries whatever the
    plan's size.

    An indicator with measures takes the worst of its measures' ratings (where no target decides, a
    measure takes its supplier's own rating); a narrative-only indicator takes the worst of its agencies'
    own ratings. Only submitted and approved returns count, as everywhere else. Expects each indicator's
    measures prefetched (`load_plan` does).
    """
    own_ratings: dict[tuple[int, int], Rag] = {
        (indicator_id, agency_id): Rag(rating)
        for indicator_id, agency_id, rating in Return.objects.filter(
            period__plan_year=plan_year, period__number=quarter.number, state__in=COUNTED_STATES
        )
        .exclude(agency_rating="")
        .values_list("indicator_id", "agency_id", "agency_rating")
    }
    measures = [measure for indicator in indicators for measure in indicator.measures.all()]
    computed = figures_for(
        measures,
        quarter,
        partnership_id=plan_year.partnership_id,
        today=today,
        agency_ratings={
            m.pk: own_ratings[(m.indicator_id, m.supplier_id)]
            for m in measures
            if (m.indicator_id, m.supplier_id) in own_ratings
        },
    )
    ratings = {}
    for indicator in indicators:
        if measures_of := indicator.measures.all():
            ratings[indicator.pk] = worst(computed[m.pk].rag for m in measures_of)
        else:
            ratings[indicator.pk] = worst(r for (i, _), r in own_ratings.items() if i == indicator.pk)
    return ratings


def load_plan_with_ratings(plan_year: PlanYear, *, today: date) -> tuple[list[Priority], Quarter | None]:
    """The plan as `load_plan`, with `latest_rag` set on every indicator for the latest quarter opened for
    returns (None on each before any has opened), and that quarter."""
    priorities = list(load_plan(plan_year))
    indicators = [indicator for priority in priorities for indicator in priority.indicators.all()]
    quarter = latest_reported_quarter(plan_year)
    ratings = indicator_ratings(indicators, plan_year, quarter, today=today) if quarter else {}
    for indicator in indicators:
        indicator.latest_rag = ratings.get(indicator.pk)
    return priorities, quarter
