"""Reporting periods: a plan year's four quarters, opening and closing them, deadlines, and new plan years.

Opening a period creates a not-started return for every agency the plan makes responsible for an
indicator, and an update on every action (`create_missing_items`); a closed period stays closed (single
returns and updates are re-opened instead, `returns.workflow`).
"""

from django.conf import settings
from django.contrib.admin.models import ADDITION, LogEntry
from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from simple_history.utils import bulk_create_with_history

from csp.models import Partnership, PlanYear
from indicators.models import Indicator
from indicators.quarters import Quarter, working_days_after
from returns.models import DeliverableUpdate, DeliveryStatus, PeriodState, ReportingPeriod, Return
from returns.workflow import WorkflowError, coordinator_only
from themes.models import Deliverable
from themes.new_year import copy_plan_year


def with_latest_quarter(plan_years: QuerySet[PlanYear]) -> QuerySet[PlanYear]:
    """Annotate `latest_period_number`: the latest quarter opened for returns (open now, or closed since)."""
    opened = ReportingPeriod.objects.filter(
        plan_year=OuterRef("pk"), state__in=(PeriodState.OPEN, PeriodState.CLOSED)
    ).order_by("-number")
    return plan_years.annotate(latest_period_number=Subquery(opened.values("number")[:1]))


def latest_reported_quarter(plan_year: PlanYear) -> Quarter | None:
    """The plan year's latest quarter opened for returns, or None; free if `with_latest_quarter` ran."""
    if not hasattr(plan_year, "latest_period_number"):
        plan_year = with_latest_quarter(PlanYear.objects.filter(pk=plan_year.pk)).get()
    number = plan_year.latest_period_number
    return None if number is None else Quarter(plan_year.start_year, number)


def current_periods(partnership_ids) -> dict[int, ReportingPeriod]:
    """The period each partnership is working on, by partnership id: its latest open one, else its latest
    closed one. One query, whatever the number of partnerships and years."""
    periods = (
        ReportingPeriod.objects.filter(
            plan_year__partnership_id__in=partnership_ids, state__in=(PeriodState.OPEN, PeriodState.CLOSED)
        )
        .select_related("plan_year__partnership")
        .order_by("plan_year__partnership_id", "-plan_year__start_year", "-number")
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


def set_period_state(period: ReportingPeriod, user, state: str) -> ReportingPeriod:
    """Open or close a period. Opening creates a not-started return for every agency that owes one."""
    coordinator_only(user, period.plan_year.partnership_id)
    with transaction.atomic():
        current = ReportingPeriod.objects.select_for_update().select_related("plan_year").get(pk=period.pk)
        if state not in PeriodState.values or state == PeriodState.NOT_OPEN:
            raise WorkflowError("A period can only be opened or closed.")
        if current.state == PeriodState.CLOSED and state == PeriodState.OPEN:
            raise WorkflowError(
                "A closed period stays closed: re-open the returns that need changing, each with a reason."
            )
        current.state = state
        current._history_user = user
        current._change_reason = f"{PeriodState(state).label} by {user.get_username()}"
        current.save(update_fields=["state"])
        if state == PeriodState.OPEN:
            create_missing_items(current)
    return current


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
        period__plan_year_id=plan_year_id, period__number__lt=period.number, status=DeliveryStatus.COMPLETED
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


def ensure_periods(plan_year) -> list[ReportingPeriod]:
    """The plan year's four periods, created not yet open where missing, with the default deadlines."""
    periods = []
    for quarter in Quarter.quarters_of_year(plan_year.start_year):
        period, _ = ReportingPeriod.objects.get_or_create(
            plan_year=plan_year,
            number=quarter.number,
            defaults={"deadline": working_days_after(quarter.end_date, settings.CSP_DEADLINE_WORKING_DAYS)},
        )
        periods.append(period)
    return periods


def start_plan_year(previous: PlanYear, start_year: int, user) -> PlanYear:
    """A new plan year copied from `previous` (`themes.new_year`), with its four periods not yet open."""
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
