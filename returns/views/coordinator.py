"""What the CSP coordinator uses: open and close periods, review submitted returns."""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from csp.roles import coordinator_view
from returns.models import PeriodState, ReportingPeriod, Return, ReturnState
from returns.periods import ensure_partnership_periods, period_or_current, set_period_state
from returns.workflow import WorkflowError, approve_return, reopen_return, send_back


@coordinator_view
def periods(request: HttpRequest, partnership) -> HttpResponse:
    ensure_partnership_periods(partnership)
    rows = (
        ReportingPeriod.objects.filter(plan_year__partnership=partnership)
        .select_related("plan_year__partnership")
        .annotate(
            total=Count("returns"),
            done=Count("returns", filter=Q(returns__state__in=ReturnState.received())),
        )
        .order_by("-year", "number")
    )
    return render(request, "returns/periods.html", {"periods": rows, "states": PeriodState})


@coordinator_view
@require_POST
def period_state(request: HttpRequest, partnership, period_id: int) -> HttpResponse:
    period = period_or_current(partnership, period_id)
    try:
        period = set_period_state(period, request.user, request.POST.get("state", ""))
    except WorkflowError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"{period} is now {period.get_state_display().lower()}.")
    return redirect("periods", partnership=partnership.slug)


@coordinator_view
def review_queue(request: HttpRequest, partnership, period_id: int | None = None) -> HttpResponse:
    period = period_or_current(partnership, period_id)
    if period is None:
        return redirect("periods", partnership=partnership.slug)
    submitted = (
        Return.objects.filter(period=period, state=ReturnState.SUBMITTED)
        .select_related("indicator__priority", "agency")
        .order_by("submitted_at")
    )
    counts = dict(
        Return.objects.filter(period=period).values_list("state").annotate(n=Count("pk")).order_by()
    )
    return render(
        request,
        "returns/review_queue.html",
        {
            "period": period,
            "submitted": submitted,
            "counts": [(state.label, counts.get(state.value, 0)) for state in ReturnState],
        },
    )


@coordinator_view
@require_POST
def review(request: HttpRequest, partnership, return_id: int) -> HttpResponse:
    returns = Return.objects.for_user(request.user).filter(period__plan_year__partnership=partnership)
    ret = get_object_or_404(returns.select_related("period__plan_year__partnership"), pk=return_id)
    decision = request.POST.get("decision")
    try:
        if decision == "approve":
            approve_return(ret, request.user)
            messages.success(request, f"{ret.indicator.code} from {ret.agency} approved.")
        elif decision == "send_back":
            send_back(ret, request.user, request.POST.get("reason", ""))
            messages.success(request, f"{ret.indicator.code} sent back to {ret.agency}.")
        elif decision == "reopen":
            reopen_return(ret, request.user, request.POST.get("reason", ""))
            messages.success(request, f"{ret.indicator.code} re-opened for {ret.agency}.")
        else:
            messages.error(request, "Choose approve or send back.")
    except WorkflowError as refused:
        messages.error(request, str(refused))
        return redirect(ret)
    return redirect("review_queue", partnership=partnership.slug, period_id=ret.period_id)
