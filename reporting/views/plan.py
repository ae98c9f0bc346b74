"""The plan page: the whole plan year as printed, with each indicator's rating in the latest quarter opened.

It lives with the report because it reads what the report reads, through the same functions
(`returns.figures.rate_quarter`), so the plan page and the report never give an indicator two ratings.
"""

from datetime import date

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from csp.models import PlanYear
from csp.roles import member_view
from indicators.quarters import Quarter
from returns.figures import rate_quarter
from returns.models import DeliverableUpdate, ReportingPeriod, Return
from returns.periods import latest_reported_quarter, with_latest_quarter
from themes.models import Priority
from themes.plan import load_plan


def load_plan_with_ratings(plan_year: PlanYear, *, today: date) -> tuple[list[Priority], Quarter | None]:
    """The plan as `load_plan`, with `latest_rating` set on every indicator for the latest quarter opened
    for returns (None on each before any has opened), `latest_update` on every deliverable (its latest
    received update, or None), and that quarter."""
    priorities = list(load_plan(plan_year))
    indicators = [indicator for priority in priorities for indicator in priority.indicators.all()]
    quarter = latest_reported_quarter(plan_year)
    ratings = {}
    if quarter is not None:
        returns = (
            Return.objects.filter(
                period__plan_year=plan_year, period__year=quarter.year, period__number=quarter.number
            )
            .received()
            .exclude(agency_rating="")
            .only("indicator_id", "agency_id", "state", "agency_rating")
        )
        # A closed quarter is rated against the targets kept when it closed, as its report is.
        period = ReportingPeriod.objects.only("targets").get(
            plan_year=plan_year, year=quarter.year, number=quarter.number
        )
        rated = rate_quarter(
            indicators,
            quarter,
            partnership_id=plan_year.partnership_id,
            returns=returns,
            today=today,
            period=period,
        )
        ratings = rated.indicators
    for indicator in indicators:
        indicator.latest_rating = ratings.get(indicator.pk)
    updates = {}
    if quarter is not None:
        updates = DeliverableUpdate.objects.latest_received(plan_year.pk, up_to=quarter)
    for priority in priorities:
        for deliverable in priority.deliverables.all():
            deliverable.latest_update = updates.get(deliverable.pk)
    return priorities, quarter


@member_view
def current_plan(request: HttpRequest, partnership) -> HttpResponse:
    latest = partnership.plan_years.order_by("-start_year").first()
    if latest is None:
        return render(request, "reporting/no_plan.html")
    return redirect("plan_year", partnership=partnership.slug, plan_year_id=latest.pk)


@member_view
def plan(request: HttpRequest, partnership, plan_year_id: int) -> HttpResponse:
    # The plan is open to everyone in the partnership: every member may read all of it.
    # One query for the plan year, its partnership's other years and its latest opened quarter.
    years = list(with_latest_quarter(partnership.plan_years.all()))
    plan_year = next((year for year in years if year.pk == plan_year_id), None)
    if plan_year is None:
        raise Http404("No such plan year.")
    plan_year.partnership = partnership
    priorities, quarter = load_plan_with_ratings(plan_year, today=timezone.localdate())
    context = {
        "plan_year": plan_year,
        "priorities": priorities,
        "quarter": quarter,
        "other_years": [year for year in years if year.pk != plan_year_id],
    }
    return render(request, "reporting/plan.html", context)
