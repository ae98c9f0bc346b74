"""The update on one deliverable (an action of the plan): its owner writes it, the coordinator reviews it."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from csp import kept, roles
from csp.forms import with_refusal
from csp.htmx import redirect_to, render_page
from csp.roles import member_view
from returns.forms import UpdateForm
from returns.history import history_of
from returns.models import DeliverableUpdate, periods_up_to
from returns.views.officer import scoped
from returns.workflow import StaleReturn, WorkflowError, save_and_submit, save_draft


def _previous(update: DeliverableUpdate) -> DeliverableUpdate | None:
    """The last quarter's update on the same deliverable that was received, for context."""
    return (
        DeliverableUpdate.objects.filter(
            periods_up_to(update.period.quarter, before=True), deliverable_id=update.deliverable_id
        )
        .received()
        .order_by("-period__year", "-period__number")
        .first()
    )


def _kept(request: HttpRequest, update: DeliverableUpdate, error: WorkflowError) -> UpdateForm:
    """What was typed, on top of the update as it now stands, with why it was not saved at each field."""
    data = request.POST.copy()
    data["version"] = update.version
    return with_refusal(UpdateForm(data), error)


def _after_submit(request: HttpRequest, update: DeliverableUpdate) -> str:
    """An owner goes back to their list; a coordinator who wrote the update, to the review queue."""
    if update.agency_id is None:
        return reverse("review_queue_current", args=[update.period.plan_year.partnership.slug])
    return reverse("home")


@member_view
@require_http_methods(["GET", "POST"])
def update_page(request: HttpRequest, partnership, update_id: int) -> HttpResponse:
    update = scoped(request, partnership, DeliverableUpdate, update_id)
    form, conflict, saved_at, restored = None, None, None, False
    if request.method == "GET" and (typed := kept.take(request)) is not None:
        form, restored = UpdateForm(typed), True
    if request.method == "POST":
        if not update.is_editable_by_officer:
            messages.error(request, f"This update can no longer be changed: {update.officer_edit_refusal()}")
            return redirect_to(request, update.get_absolute_url())
        form = UpdateForm(request.POST)
        if form.is_valid():
            version = form.cleaned_data["version"]
            try:
                if request.POST.get("action") == "submit":
                    update = save_and_submit(update, request.user, form.content(), version=version)
                    messages.success(request, f"{update.title} submitted to the CSP coordinator.")
                    return redirect_to(request, _after_submit(request, update))
                update = save_draft(update, request.user, form.content(), version=version)
            except StaleReturn as stale:
                update, conflict = stale.current, stale
                form = _kept(request, update, stale)
            except WorkflowError as refused:
                update.refresh_from_db()
                form = _kept(request, update, refused)
            else:
                saved_at = timezone.localtime(update.updated_at)
                if not request.htmx:
                    messages.success(request, f"Draft saved at {saved_at:%H:%M}.")
                    return redirect_to(request, update.get_absolute_url())
                form = None
    context = {
        "update": update,
        "deliverable": update.deliverable,
        "milestones": update.deliverable.milestones.all(),
        "form": form or UpdateForm(initial=UpdateForm.initial_for(update)),
        "editable": conflict is not None or update.is_editable_by_officer,
        "conflict": conflict,
        "saved_at": saved_at,
        "restored": restored,
        "previous": _previous(update),
        "is_coordinator": roles.is_coordinator(request.user, partnership),
        "review_url": reverse("review_update", args=[partnership.slug, update.pk]),
    }
    return render_page(request, "returns/update.html", "update-form", context)


@member_view
def update_history(request: HttpRequest, partnership, update_id: int) -> HttpResponse:
    update = scoped(request, partnership, DeliverableUpdate, update_id)
    return render(request, "returns/history.html", {"item": update, "changes": history_of(update)})
