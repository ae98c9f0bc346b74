from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from csp.models import PlanYear
from themes.plan import load_plan


@login_required
def current_plan(request: HttpRequest) -> HttpResponse:
    latest = PlanYear.objects.order_by("-start_year", "pk").first()
    if latest is None:
        return render(request, "themes/no_plan.html")
    return redirect("plan_year", plan_year_id=latest.pk)


@login_required
def plan(request: HttpRequest, plan_year_id: int) -> HttpResponse:
    # The plan is public within the partnership: every signed-in user may read all of it.
    plan_year = get_object_or_404(PlanYear.objects.select_related("partnership"), pk=plan_year_id)
    other_years = PlanYear.objects.filter(partnership=plan_year.partnership).exclude(pk=plan_year.pk)
    return render(
        request,
        "themes/plan.html",
        {"plan_year": plan_year, "priorities": load_plan(plan_year), "other_years": other_years},
    )
