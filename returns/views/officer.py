"""What partner officers use: their returns and action updates for the quarter, in every partnership they
serve; `scoped`, how a page finds the return or update the person may see."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from csp import roles
from csp.numbers import whole_number
from returns.models import DeliverableUpdate, ReportingPeriod, Return, ReturnState, Submission
from returns.periods import current_periods


@dataclass
class PartnershipReturns:
    """One partnership's part of an officer's list: its period, and the officer's returns and updates."""

    period: ReportingPeriod
    returns: list[Return]
    updates: list[DeliverableUpdate]
    today: date

    @property
    def partnership(self):
        return self.period.plan_year.partnership

    @property
    def items(self) -> list[Submission]:
        return [*self.returns, *self.updates]

    @property
    def groups(self) -> list[tuple]:
        """(priority, its returns, its updates), in the plan's order."""
        priorities, returns, updates = {}, defaultdict(list), defaultdict(list)
        for ret in self.returns:
            priorities.setdefault(ret.indicator.priority_id, ret.indicator.priority)
            returns[ret.indicator.priority_id].append(ret)
        for update in self.updates:
            priorities.setdefault(update.deliverable.priority_id, update.deliverable.priority)
            updates[update.deliverable.priority_id].append(update)
        ordered = sorted(priorities.values(), key=lambda priority: priority.order)
        return [(p, returns[p.pk], updates[p.pk]) for p in ordered]

    @property
    def agencies(self) -> list:
        """The officer's agencies that owe something this quarter, by name: each has its quarter on one
        page (`returns.views.quarter`) while anything is left to submit."""
        owing = {item.agency_id: item.agency for item in self.items if item.is_editable_by_officer}
        return sorted(owing.values(), key=lambda agency: agency.name)

    @property
    def done(self) -> int:
        return sum(item.is_received for item in self.items)

    @property
    def sent_back(self) -> list[Submission]:
        return [item for item in self.items if item.state == ReturnState.RETURNED]

    @property
    def is_late(self) -> bool:
        return self.period.is_past_deadline(self.today)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """An officer's returns and action updates across every partnership their agencies serve, each
    partnership with its own quarter and deadline; `?period=` shows one earlier period instead."""
    period_id = whole_number(request.GET.get("period"))
    if period_id is not None:
        periods = {
            0: get_object_or_404(
                ReportingPeriod.objects.select_related("plan_year__partnership"),
                pk=period_id,
                plan_year__partnership__in=roles.member_partnership_ids(request.user),
            )
        }
    else:
        serving = roles.officer_partnership_ids(request.user)
        if not serving:
            return redirect("start")
        periods = current_periods(serving)
    by_id = {period.pk: period for period in periods.values()}
    found: dict[int, dict[type, list]] = {pk: {Return: [], DeliverableUpdate: []} for pk in by_id}
    for model, parent in ((Return, "indicator"), (DeliverableUpdate, "deliverable")):
        mine = model.objects.filter(agency__memberships__user=request.user, period__in=by_id)
        for item in mine.select_related(f"{parent}__priority", "agency").order_by(
            f"{parent}__priority__order", f"{parent}__order", "agency__name"
        ):
            item.period = by_id[item.period_id]  # already read, with its partnership, for the links
            found[item.period_id][model].append(item)
    today = timezone.localdate()
    sections = sorted(
        (
            PartnershipReturns(period, found[period.pk][Return], found[period.pk][DeliverableUpdate], today)
            for period in periods.values()
        ),
        key=lambda section: section.partnership.name,
    )
    return render(request, "returns/home.html", {"sections": sections})


def scoped(request: HttpRequest, partnership, model: type[Submission], pk: int) -> Submission:
    """The partnership's return or update the user may see, or a 404: nothing else opens."""
    items = model.objects.for_user(request.user).filter(period__plan_year__partnership=partnership)
    parent = "indicator__priority" if model is Return else "deliverable__priority"
    return get_object_or_404(items.select_related("period__plan_year__partnership", parent, "agency"), pk=pk)
