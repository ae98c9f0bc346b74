from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from csp.models import PlanYear
from themes.plan import load_plan_with_ratings, with_latest_quarter


@login_required
def current_plan(request: HttpRequest) -> HttpResponse:
    latest = PlanYear.objects.order_by("-start_year", "pk").first()
    if latest is None:
        return render(request, "themes/no_plan.html")
    return redirect("plan_year", plan_year_id=latest.pk)


@login_required
def plan(request: HttpRequest, plan_year_id: int) -> HttpResponse:
    # The plan is public within the partnership: every signed-in user may read all of it.
    # One query for the plan year, its partnership's other years and its latest opened quarter.
    years = list(
        with_latest_quarter(PlanYear.objects.filter(partnership__plan_years=plan_year_id)).select_related(
            "partnership"
        )
    )
    plan_year = next((year for year in years if year.pk == plan_year_id), None)
    if plan_year is None:
        raise Http404("No such plan year.")
    priorities, quarter = load_plan_with_ratings(plan_year, today=timezone.localdate())
    context = {
        "plan_year": plan_year,
        "priorities": priorities,
        "quarter": quarter,
        "other_years": [year for year in years if year.pk != plan_year_id],
        # The header names this plan's partnership; saying so spares the context processor's query.
        "partnership_name": plan_year.partnership.name,
    }
    return render(request, "themes/plan.html", context)
