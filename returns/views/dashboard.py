"""The coordinator's dashboard: where the period's returns stand, the returns behind each count, reminders
to one agency. (The escalations page, where the period's summary for the report is written, is the
report's: `reporting.views.escalations`.)"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from csp.htmx import redirect_to, render_page
from csp.models import Agency
from csp.numbers import whole_number
from csp.roles import coordinator_view
from returns import notifications
from returns.dashboard.queries import (
    DashboardFilters,
    agency_rows,
    plan_rows,
    scheduled_reminders,
    totals,
)
from returns.models import DeliverableUpdate, PeriodState, ReportingPeriod, Return, ReturnState
from returns.periods import period_or_current
from returns.reminders import ReminderError, remind_agency


def _page_context(request: HttpRequest, period: ReportingPeriod, view: str) -> dict:
    today = timezone.localdate()
    filters = DashboardFilters(request.GET, period)
    return {
        "period": period,
        "today": today,
        "past_deadline": period.is_past_deadline(today),
        "days_to_deadline": (period.deadline - today).days,
        "filters": filters,
        "view": view,
        "base_url": period.link("dashboard_returns"),
        "state_links": [
            (value, label, filters.query(state=value or None))
            for value, label in [("", "All"), *ReturnState.choices]
        ],
        "chosen_state": filters.chosen.get("state", ""),
        "periods": ReportingPeriod.objects.filter(plan_year_id=period.plan_year_id)
        .select_related("plan_year")
        .order_by("year", "number"),
        "escalated": Return.objects.filter(period=period).received().escalated().count(),
    }


@coordinator_view
def dashboard(request: HttpRequest, partnership, period_id: int | None = None) -> HttpResponse:
    period = period_or_current(partnership, period_id)
    if period is None:
        return redirect("periods", partnership=partnership.slug)
    context = _page_context(request, period, "dashboard")
    rows = agency_rows(period, context["filters"], context["today"])
    context.update(
        rows=rows,
        totals=totals(rows, context["filters"], context["base_url"]),
        scheduled=scheduled_reminders(period),
        wants_agency_complete=notifications.wants_agency_complete(request.user),
        can_remind=period.state == PeriodState.OPEN,
        here=request.get_full_path(),
    )
    return render_page(request, "returns/dashboard.html", "results", context)


@coordinator_view
def dashboard_indicators(request: HttpRequest, partnership, period_id: int) -> HttpResponse:
    period = period_or_current(partnership, period_id)
    context = _page_context(request, period, "dashboard_indicators")
    groups = plan_rows(period, context["filters"], context["today"])
    rows = [row for _, rows in groups for row in rows]
    context.update(groups=groups, totals=totals(rows, context["filters"], context["base_url"]))
    return render_page(request, "returns/dashboard_indicators.html", "results", context)


@coordinator_view
def dashboard_returns(request: HttpRequest, partnership, period_id: int) -> HttpResponse:
    period = period_or_current(partnership, period_id)
    context = _page_context(request, period, "dashboard_returns")
    filters, past_deadline = context["filters"], context["past_deadline"]
    returns = (
        filters.apply(Return.objects.filter(period=period), past_deadline=past_deadline)
        .select_related("indicator__priority", "agency")
        .order_by("indicator__priority__order", "indicator__order", "agency__name")
    )
    updates = (
        filters.apply(DeliverableUpdate.objects.filter(period=period), past_deadline=past_deadline)
        .select_related("deliverable__priority", "agency")
        .order_by("deliverable__priority__order", "deliverable__order")
    )
    context.update(returns=returns, updates=updates, outstanding_states=ReturnState.outstanding())
    return render_page(request, "returns/dashboard_returns.html", "results", context)


def _back_to_dashboard(request: HttpRequest, period: ReportingPeriod) -> HttpResponse:
    """Back to the dashboard the form was posted from, with its filters (and nothing else)."""
    filters = DashboardFilters(request.POST, period)
    return redirect_to(request, period.link("dashboard") + filters.query())


@coordinator_view
@require_POST
def send_agency_reminder(request: HttpRequest, partnership, period_id: int, agency_id: int) -> HttpResponse:
    period = period_or_current(partnership, period_id)
    agency = get_object_or_404(Agency, pk=agency_id, partnership=partnership)
    try:
        sent = remind_agency(period, agency, request.user, timezone.localdate())
    except ReminderError as refused:
        messages.error(request, str(refused))
    else:
        people = "1 officer" if len(sent) == 1 else f"{len(sent)} officers"
        messages.success(request, f"Reminder sent to {people} at {agency.name}.")
    return _back_to_dashboard(request, period)


@coordinator_view
@require_POST
def notification_preferences(request: HttpRequest, partnership) -> HttpResponse:
    wanted = request.POST.get("agency_complete") == "on"
    notifications.set_agency_complete_preference(request.user, wanted)
    if wanted:
        messages.success(request, "You will be emailed when an agency has submitted all its returns.")
    else:
        messages.success(request, "You will no longer be emailed when an agency completes its returns.")
    period_id = whole_number(request.POST.get("period"))
    if period_id is None:
        return redirect("dashboard_current", partnership=partnership.slug)
    return _back_to_dashboard(request, period_or_current(partnership, period_id))
