"""Reading a whole plan year in a fixed number of queries, whatever its size."""

from django.db.models import Prefetch, QuerySet

from csp.models import PlanYear
from indicators.models import Indicator, Measure
from themes.models import Deliverable, KeyTheme, Milestone, Priority


def load_plan(plan_year: PlanYear) -> QuerySet[Priority]:
    """Priorities with their themes (nested), deliverables (with owners and milestones), indicators, agencies
    and measures prefetched."""
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
                "deliverables",
                queryset=Deliverable.objects.select_related("lead_agency", "owner")
                .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("order")))
                .order_by("order"),
            ),
            Prefetch("indicators", queryset=indicators),
        )
    )
