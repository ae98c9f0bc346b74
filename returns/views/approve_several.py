"""Approving several submitted returns and updates at once, from the review queue: the coordinator ticks
them, checks the list of what they are about to approve, then approves. Each is approved as if one at a
time (the same rule, the same history); one that changed meanwhile (sent back, say) is left and named."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from csp.roles import coordinator_view
from returns.models import DeliverableUpdate, ReportingPeriod, Return, ReturnState, Submission
from returns.periods import period_or_current
from returns.views.coordinator import queue_page
from returns.workflow import WorkflowError, approve

KINDS: dict[str, type[Submission]] = {model.noun: model for model in (Return, DeliverableUpdate)}
"""What a ticked box's value (`Submission.choice`) starts with."""


def read(values: list[str]) -> dict[str, int]:
    """The ticked boxes' values ("return-12:4": `Submission.choice` and the version read) as choice ->
    version; anything malformed is ignored."""
    found = {}
    for value in values:
        choice, _, version = value.partition(":")
        kind, _, pk = choice.partition("-")
        if kind in KINDS and pk.isdigit() and version.isdigit():
            found[choice] = int(version)
    return found


def chosen(period: ReportingPeriod, ticked: dict[str, int]) -> list[Submission]:
    """The period's submitted items among those ticked, in the queue's order; anything else is left out
    (another partnership's item, one no longer submitted, a value made up)."""
    ids = {kind: [int(c.partition("-")[2]) for c in ticked if c.startswith(f"{kind}-")] for kind in KINDS}
    related = {"return": ("indicator__priority", "agency"), "update": ("deliverable__priority", "agency")}
    return [
        item
        for kind, model in KINDS.items()
        for item in model.objects.filter(period=period, state=ReturnState.SUBMITTED, pk__in=ids[kind])
        .select_related(*related[kind], "period__plan_year__partnership")
        .order_by("submitted_at")
    ]


@coordinator_view
@require_POST
def approve_several(request: HttpRequest, partnership, period_id: int) -> HttpResponse:
    period = period_or_current(partnership, period_id)
    ticked = read(request.POST.getlist("items"))
    items = chosen(period, ticked)
    if not items and request.POST.get("confirmed") != "yes":
        return queue_page(request, period, error="Select the returns or updates to approve.")
    if request.POST.get("confirmed") != "yes":
        for item in items:
            item.ticked = f"{item.choice}:{ticked[item.choice]}"
        return render(request, "returns/approve_several.html", {"period": period, "items": items})
    approved, refused = 0, []
    for item in items:
        try:
            approve(item, request.user, version=ticked[item.choice])
        except WorkflowError as why:
            refused.append(f"{item.title} from {item.owner_name}: {why}")
        else:
            approved += 1
    gone = len(ticked) - len(items)
    if gone:
        refused.append(f"{gone} no longer waiting for approval (sent back, or approved by someone else)")
    if approved:
        messages.success(request, f"{approved} approved.")
    if refused:
        messages.error(request, "Not approved, as each changed since you chose it: " + "; ".join(refused))
    return redirect("review_queue", partnership=partnership.slug, period_id=period.pk)
