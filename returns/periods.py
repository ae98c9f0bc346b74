"""Reporting periods: each plan's quarters, opening and closing them, deadlines, and new plans.

A plan's periods come with it, four for each of its financial years, each with the default deadline,
whatever makes the plan: a new year copied from the last (`start_plan_year`), a workbook imported from
the command line or the admin (`import_plan`), or the admin's plan year page (`returns.admin`). The plan
itself is the themes and csp apps' business, and they cannot import this app, so the plan workbook's
import takes a hook that this module passes; the command and the admin's plan year pages live here, or
are registered here, for the same reason. A plan loaded with `loaddata` (which runs no code) gets its
periods when its coordinator first lists them (`ensure_partnership_periods`).

Opening a period, by the coordinator's page or the admin, creates a not-started return for every agency
the plan makes responsible for an indicator, and an update on every action, by one function
(`change_period_state`, which calls `create_missing_items`); a closed period stays closed (single returns
and updates are re-opened instead, `returns.workflow`), and closing it keeps the targets in force then
(`freeze_targets`), which its ratings and report use from then on.
"""

from django.conf import settings
from django.contrib.admin.models import ADDITION, LogEntry
from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from simple_history.utils import bulk_create_with_history

from csp import audit
from csp.models import Partnership, PlanYear
from indicators.in_force import spec_record
from indicators.models import Indicator, Measure
from indicators.quarters import Quarter, working_days_after
from returns.models import (
    DeliverableUpdate,
    DeliveryStatus,
    PeriodState,
    ReportingPeriod,
    Return,
    periods_up_to,
)
from returns.workflow import WorkflowError, coordinator_only
from themes.import_report import ImportReport
from themes.models import Deliverable
from themes.new_year import copy_plan_year
from themes.plan_import import import_plan as import_plan_only


def with_latest_quarter(plan_years: QuerySet[PlanYear]) -> QuerySet[PlanYear]:
    """Annotate `latest_period_year` and `latest_period_number`: the latest quarter opened for returns
    (open now, or closed since)."""
    opened = ReportingPeriod.objects.filter(
        plan_year=OuterRef("pk"), state__in=(PeriodState.OPEN, PeriodState.CLOSED)
    ).order_by("-year", "-number")
    return plan_years.annotate(
        latest_period_year=Subquery(opened.values("year")[:1]),
        latest_period_number=Subquery(opened.values("number")[:1]),
    )


def latest_reported_quarter(plan_year: PlanYear) -> Quarter | None:
    """The plan's latest quarter opened for returns, or None; free if `with_latest_quarter` ran."""
    if not hasattr(plan_year, "latest_period_number"):
        plan_year = with_latest_quarter(PlanYear.objects.filter(pk=plan_year.pk)).get()
    number = plan_year.latest_period_number
    return None if number is None else Quarter(plan_year.latest_period_year, number)


def current_periods(partnership_ids) -> dict[int, ReportingPeriod]:
    """The period each partnership is working on, by partnership id: its latest open one, else its latest
    closed one. One query, whatever the number of partnerships and years."""
    periods = (
        ReportingPeriod.objects.filter(
            plan_year__partnership_id__in=partnership_ids, state__in=(PeriodState.OPEN, PeriodState.CLOSED)
        )
        .select_related("plan_year__partnership")
        .order_by("plan_year__partnership_id", "-year", "-number")
    )
    chosen: dict[int, ReportingPeriod] = {}
    for period in periods:
        partnership_id = period.plan_year.partnership_id
        best = chosen.get(partnership_id)
        if best is None or (period.is_open and not best.is_open):
            chosen[partnership_id] = period
    return chosen


def current_period(partnership: Partnership) -> ReportingPeriod | None:
    """The period a partnership is working on: its latest open one, else its latest closed one."""
    return current_periods([partnership.pk]).get(partnership.pk)


def period_or_current(partnership: Partnership, period_id: int | None) -> ReportingPeriod | None:
    """For views: the partnership's period asked for (a 404 where it has none), or with no id its current
    one."""
    if period_id is None:
        return current_period(partnership)
    periods = ReportingPeriod.objects.select_related("plan_year__partnership")
    return get_object_or_404(periods, pk=period_id, plan_year__partnership=partnership)


def state_change_refusal(current: str, wanted: str) -> str:
    """Why a period cannot go from `current` to `wanted`, or "": the one rule for every route. Opening an
    open period again is allowed: it makes the returns of indicators added since."""
    if wanted not in PeriodState.values or wanted == PeriodState.NOT_OPEN:
        return "A period can only be opened or closed."
    if current == PeriodState.CLOSED and wanted == PeriodState.OPEN:
        return "A closed period stays closed: re-open the returns that need changing, each with a reason."
    return ""


def set_period_state(period: ReportingPeriod, user, state: str) -> ReportingPeriod:
    """The coordinator opens or closes a period (`change_period_state`)."""
    coordinator_only(user, period.plan_year.partnership_id)
    return change_period_state(period, user, state)


def change_period_state(period: ReportingPeriod, user, state: str) -> ReportingPeriod:
    """Open or close a period, recorded in its history; opening creates a not-started return for every
    agency that owes one. The one way to do it, for the coordinator's page and the admin alike: who may
    is the caller's to check."""
    with transaction.atomic():
        current = ReportingPeriod.objects.select_for_update().select_related("plan_year").get(pk=period.pk)
        refusal = state_change_refusal(current.state, state)
        if refusal:
            raise WorkflowError(refusal)
        current.state = state
        current._history_user = user
        current._change_reason = audit.history_reason(
            current, f"{PeriodState(state).label} by {user.get_username()}"
        )
        current.save(update_fields=["state"])
        if state == PeriodState.OPEN:
            create_missing_items(current)
        if state == PeriodState.CLOSED:
            freeze_targets(current)
    return current


def freeze_targets(period: ReportingPeriod) -> None:
    """Keep the plan's targets as they stand on the period, so that the quarter is rated and printed
    against them from now on (`returns.figures.specs_in_force`): a target changed later, in the admin or
    by a workbook, is the next quarters' business. A period already frozen keeps what it has."""
    if period.targets:
        return
    measures = Measure.objects.filter(indicator__priority__plan_year_id=period.plan_year_id)
    indicators = Indicator.objects.filter(priority__plan_year_id=period.plan_year_id)
    period.targets = {
        "measures": {str(m.pk): spec_record(m.spec) for m in measures},
        "benchmarks": {str(pk): text for pk, text in indicators.values_list("pk", "benchmark_text")},
    }
    period.save(update_fields=["targets"])


def missing_items(period: ReportingPeriod) -> tuple[list[Return], list[DeliverableUpdate]]:
    """What the period owes under the plan as it stands and does not have yet (unsaved): a return on each
    indicator from each responsible agency (the coordinators', for an indicator that names none or a
    measure nobody supplies), and an update on each deliverable from its owner (the coordinators', with no
    owner), except one completed in an earlier quarter."""
    plan_year_id = period.plan_year_id
    pairs = set(
        Indicator.responsible_agencies.through.objects.filter(
            indicator__priority__plan_year_id=plan_year_id
        ).values_list("indicator_id", "agency_id")
    )
    unowned = Indicator.objects.filter(priority__plan_year_id=plan_year_id).filter(
        Q(responsible_agencies__isnull=True) | Q(measures__supplier__isnull=True, measures__isnull=False)
    )
    pairs |= {(pk, None) for pk in unowned.values_list("pk", flat=True)}
    have = set(Return.objects.filter(period=period).values_list("indicator_id", "agency_id"))
    returns = [
        Return(period=period, indicator_id=i, agency_id=a)
        for i, a in sorted(pairs, key=str)
        if (i, a) not in have
    ]

    done = DeliverableUpdate.objects.filter(
        periods_up_to(period.quarter, before=True),
        period__plan_year_id=plan_year_id,
        status=DeliveryStatus.COMPLETED,
    ).received()
    deliverables = Deliverable.objects.filter(priority__plan_year_id=plan_year_id).exclude(
        pk__in=done.values("deliverable_id")
    )
    updated = set(DeliverableUpdate.objects.filter(period=period).values_list("deliverable_id", flat=True))
    updates = [
        DeliverableUpdate(period=period, deliverable=d, agency_id=d.update_owner_id)
        for d in deliverables.order_by("priority__order", "order")
        if d.pk not in updated
    ]
    return returns, updates


def create_missing_items(period: ReportingPeriod) -> int:
    """Make what the period owes and does not have (`missing_items`); returns how many were made. The one
    code path by which returns and updates come into being."""
    returns, updates = missing_items(period)
    bulk_create_with_history(returns, Return)
    bulk_create_with_history(updates, DeliverableUpdate)
    return len(returns) + len(updates)


def updates_to_hand_over(period: ReportingPeriod) -> list[DeliverableUpdate]:
    """The period's updates still being written whose action now has another owner."""
    outstanding = DeliverableUpdate.objects.filter(period=period).outstanding().select_related("deliverable")
    return [u for u in outstanding if u.agency_id != u.deliverable.update_owner_id]


def bring_up_to_date(period: ReportingPeriod, user) -> int:
    """After the plan changed while the period was open: make the returns and updates it now owes, and
    hand each update still being written to its action's owner now (what was typed in it is kept).
    Returns how many items were made or handed over."""
    coordinator_only(user, period.plan_year.partnership_id)
    with transaction.atomic():
        made = create_missing_items(period)
        handed_over = updates_to_hand_over(period)
        for update in handed_over:
            update.agency_id = update.deliverable.update_owner_id
            update._history_user = user
            update._change_reason = "Handed to the action's owner"
            update.save(update_fields=["agency", "updated_at"])
    return made + len(handed_over)


class PlanSpanError(WorkflowError):
    """A plan's years no longer include a period that has been opened."""


def ensure_periods(plan_year: PlanYear) -> list[ReportingPeriod]:
    """The plan's periods, four for each of its financial years, in order: created not yet open where
    missing, each with the default deadline. A period outside the plan's years (its span was shortened)
    is removed if it was never opened, and refused (`PlanSpanError`) if it was."""
    refusal = span_refusal(plan_year, plan_year.years)
    if refusal:
        raise PlanSpanError(refusal)
    ReportingPeriod.objects.filter(plan_year=plan_year).exclude(year__in=list(plan_year.years)).delete()
    existing = {(p.year, p.number): p for p in ReportingPeriod.objects.filter(plan_year=plan_year)}
    periods = []
    for year in plan_year.years:
        for quarter in Quarter.quarters_of_year(year):
            period = existing.get((year, quarter.number))
            if period is None:
                deadline = working_days_after(quarter.end_date, settings.CSP_DEADLINE_WORKING_DAYS)
                period, _ = ReportingPeriod.objects.get_or_create(
                    plan_year=plan_year, year=year, number=quarter.number, defaults={"deadline": deadline}
                )
            periods.append(period)
    return periods


def span_refusal(plan_year: PlanYear, years) -> str:
    """Why the plan cannot run over `years`, or "": a period outside them has been opened for returns."""
    if plan_year.pk is None:
        return ""
    outside = ReportingPeriod.objects.filter(plan_year=plan_year).exclude(year__in=list(years))
    opened = outside.exclude(state=PeriodState.NOT_OPEN).order_by("year", "number").first()
    if opened is None:
        return ""
    return (
        f"{opened.quarter.short_label} has been opened for returns: the plan must still include "
        f"{opened.quarter.financial_year_label}."
    )


def ensure_partnership_periods(partnership: Partnership) -> None:
    """Periods for any plan of the partnership that has none: one loaded with `loaddata`, which runs no
    code. Every other way of making a plan makes its periods with it."""
    for plan_year in partnership.plan_years.filter(periods__isnull=True):
        ensure_periods(plan_year)


def import_plan(workbook, *, dry_run: bool = False, partnerships: set[str] | None = None) -> ImportReport:
    """A plan workbook imported (`themes.plan_import.import_plan`) with the plan's periods, in the same
    transaction: for the `import_plan` command and the admin's import."""

    def with_periods(plan_year: PlanYear) -> list[str]:
        try:
            ensure_periods(plan_year)
        except PlanSpanError as refused:
            return [str(refused)]
        return []

    return import_plan_only(workbook, dry_run=dry_run, partnerships=partnerships, then=with_periods)


def start_plan_year(previous: PlanYear, start_year: int, user) -> PlanYear:
    """A new plan year copied from `previous` (`themes.new_year`), with its periods not yet open."""
    with transaction.atomic():
        new = copy_plan_year(previous, start_year)
        ensure_periods(new)
        LogEntry.objects.log_actions(
            user_id=user.pk,
            queryset=[new],
            action_flag=ADDITION,
            change_message=f"Started from {previous.label}: the plan copied, four periods not yet open.",
            single_object=True,
        )
    return new
