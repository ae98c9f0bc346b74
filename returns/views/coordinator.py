"""What the CSP coordinator uses: open and close periods, review submitted returns and updates."""

from collections import Counter

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from csp.roles import coordinator_view
from returns.models import (
    SUBMISSIONS,
    DeliverableUpdate,
    PeriodState,
    ReportingPeriod,
    Return,
    ReturnState,
    Submission,
)
from returns.periods import (
    bring_up_to_date,
    ensure_partnership_periods,
    missing_items,
    period_or_current,
    set_period_state,
    updates_to_hand_over,
)
from returns.views.officer import scoped
from returns.workflow import WorkflowError, approve, reopen, send_back


@coordinator_view
def periods(request: HttpRequest, partnership) -> HttpResponse:
    ensure_partnership_periods(partnership)
    periods = (
        ReportingPeriod.objects.filter(plan_year__partnership=partnership)
        .select_related("plan_year__partnership")
        .order_by("-year", "number")
    )
    for period, (total, done) in zip(periods, _progress(periods), strict=True):
        period.total, period.done = total, done
        period.behind = _behind_the_plan(period) if period.is_open else 0
    plan_years = partnership.plan_years.order_by("-start_year").annotate(
        unowned=Count(
            "priorities__deliverables",
            filter=Q(
                priorities__deliverables__lead_agency__isnull=True,
                priorities__deliverables__owner__isnull=True,
            ),
        )
    )
    context = {"periods": periods, "states": PeriodState, "plan_years": plan_years}
    return render(request, "returns/periods.html", context)


def _behind_the_plan(period: ReportingPeriod) -> int:
    """How many returns and updates an open period lacks, or has with the wrong owner, since the plan
    changed."""
    returns, updates = missing_items(period)
    return len(returns) + len(updates) + len(updates_to_hand_over(period))


def _progress(periods) -> list[tuple[int, int]]:
    """(items owed, items received) for each period, returns and updates together."""
    counted = Counter()
    for model in SUBMISSIONS:
        rows = (
            model.objects.filter(period__in=periods)
            .values("period_id")
            .annotate(total=Count("pk"), done=Count("pk", filter=Q(state__in=ReturnState.received())))
            .order_by()
        )
        for row in rows:
            counted[(row["period_id"], "total")] += row["total"]
            counted[(row["period_id"], "done")] += row["done"]
    return [(counted[(p.pk, "total")], counted[(p.pk, "done")]) for p in periods]


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
@require_POST
def period_up_to_date(request: HttpRequest, partnership, period_id: int) -> HttpResponse:
    period = period_or_current(partnership, period_id)
    if not period.is_open:
        messages.error(request, "Only an open period can be brought up to date with the plan.")
    else:
        changed = bring_up_to_date(period, request.user)
        messages.success(
            request, f"{period} is up to date with the plan: {changed} returns or updates changed."
        )
    return redirect("periods", partnership=partnership.slug)


@coordinator_view
def review_queue(request: HttpRequest, partnership, period_id: int | None = None) -> HttpResponse:
    period = period_or_current(partnership, period_id)
    if period is None:
        return redirect("periods", partnership=partnership.slug)
    return queue_page(request, period)


def queue_page(request: HttpRequest, period: ReportingPeriod, *, error: str = "") -> HttpResponse:
    """The review queue: what is submitted, with boxes to approve several at once (`error` says what was
    wrong with the last choice); the counts by state; what the coordinator writes."""
    submitted = (
        Return.objects.filter(period=period, state=ReturnState.SUBMITTED)
        .select_related("indicator__priority", "agency")
        .order_by("submitted_at")
    )
    updates = (
        DeliverableUpdate.objects.filter(period=period, state=ReturnState.SUBMITTED)
        .select_related("deliverable__priority", "agency")
        .order_by("submitted_at")
    )
    own = [
        item
        for model, parent in ((Return, "indicator"), (DeliverableUpdate, "deliverable"))
        for item in model.objects.filter(period=period, agency__isnull=True)
        .outstanding()
        .select_related(f"{parent}__priority", "period__plan_year__partnership")
        .order_by(f"{parent}__priority__order", f"{parent}__order")
    ]
    counts = Counter()
    for model in SUBMISSIONS:
        counts.update(
            dict(model.objects.filter(period=period).values_list("state").annotate(n=Count("pk")).order_by())
        )
    return render(
        request,
        "returns/review_queue.html",
        {
            "period": period,
            "submitted": submitted,
            "updates": updates,
            "own": own,
            "counts": [(state.label, counts.get(state.value, 0)) for state in ReturnState],
            "error": error,
            "first_box": next((f"choose-{item.choice}" for item in [*submitted, *updates]), ""),
            "ticked": {value.partition(":")[0] for value in request.POST.getlist("items")},
        },
    )


def _decide(request: HttpRequest, partnership, item: Submission) -> HttpResponse:
    """Approve, send back or re-open a return or an update, as the coordinator chose."""
    decision = request.POST.get("decision")
    try:
        if decision == "approve":
            approve(item, request.user)
            messages.success(request, f"{item.title} from {item.owner_name} approved.")
        elif decision == "send_back":
            send_back(item, request.user, request.POST.get("reason", ""))
            messages.success(request, f"{item.title} sent back to {item.owner_name}.")
        elif decision == "reopen":
            reopen(item, request.user, request.POST.get("reason", ""))
            messages.success(request, f"{item.title} re-opened for {item.owner_name}.")
        else:
            messages.error(request, "Choose approve or send back.")
    except WorkflowError as refused:
        if "reason" in refused.problems and decision in REASONS:
            return _ask_for_reason(request, item, decision, refused.problems["reason"])
        messages.error(request, str(refused))
        return redirect(item)
    return redirect("review_queue", partnership=partnership.slug, period_id=item.period_id)


REASONS = {
    "send_back": ("Send back", "Reason for sending back", "Its owner sees this on their list and on the {}."),
    "reopen": ("Re-open", "Reason for re-opening", "Kept in the {}'s history."),
}
"""For each decision that needs a reason: its button, the reason's label and hint."""


def _ask_for_reason(request: HttpRequest, item: Submission, decision: str, error: str) -> HttpResponse:
    """The decision again, with the reason marked as missing (the GOV.UK error pattern), whatever was
    typed kept."""
    button, label, hint = REASONS[decision]
    context = {
        "item": item,
        "decision": decision,
        "heading": f"{button} {item.title}",
        "button": button,
        "label": label,
        "hint": hint.format(item.noun),
        "error": error,
        "reason": request.POST.get("reason", ""),
        "review_url": request.path,
    }
    return render(request, "returns/review_decision.html", context, status=200)


@coordinator_view
@require_POST
def review(request: HttpRequest, partnership, return_id: int) -> HttpResponse:
    return _decide(request, partnership, scoped(request, partnership, Return, return_id))


@coordinator_view
@require_POST
def review_update(request: HttpRequest, partnership, update_id: int) -> HttpResponse:
    return _decide(request, partnership, scoped(request, partnership, DeliverableUpdate, update_id))
