"""Reporting periods: each plan's quarters, opening and closing them, deadlines, and new plans.

A plan's periods come with it, four for each of its financial years, each with the default deadline,
whatever makes the plan: a new year copied from the last (`start_plan_year`), a workbook imported from
the command line or the admin (`import_plan`), or the admin's plan year page (`returns.admin`). The plan
itself is the themes and csp apps' business, and they cannot import this app, so the plan workbook's
import takes a hook that this module passes; the command and the admin's plan year pages live here, or
are registered here, for the same reason. A plan loaded with `loaddata` (which runs no code) gets its
periods when its coordinator first lists them (`ensure_partnership_periods`).

Opening a period, by the coordinator's page or the admin, creates a not-started return for every agency
the plan makes responsible for an indicator, by one function (`change_period_state`); a closed period
stays closed (single returns are re-opened instead, `returns.workflow`).
"""

from datetime import date, timedelta

import holidays
from django.conf import settings
from django.contrib.admin.models import ADDITION, LogEntry
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from simple_history.utils import bulk_create_with_history

from csp.models import Partnership, PlanYear
from indicators.models import Indicator
from indicators.quarters import Quarter
from returns.models import PeriodState, ReportingPeriod, Return
from returns.workflow import WorkflowError, coordinator_only
from themes.import_report import ImportReport
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
        current._change_reason = f"{PeriodState(state).label} by {user.get_username()}"
        current.save(update_fields=["state"])
        if state == PeriodState.OPEN:
            create_missing_returns(current)
    return current


def create_missing_returns(period: ReportingPeriod) -> int:
    pairs = Indicator.responsible_agencies.through.objects.filter(
        indicator__priority__plan_year_id=period.plan_year_id
    ).values_list("indicator_id", "agency_id")
    have = set(Return.objects.filter(period=period).values_list("indicator_id", "agency_id"))
    new = [Return(period=period, indicator_id=i, agency_id=a) for i, a in pairs if (i, a) not in have]
    bulk_create_with_history(new, Return)
    return len(new)


def default_deadline(quarter_end: date, working_days: int) -> date:
    """The quarter's end plus a number of working days: Monday to Friday, not a bank holiday.

    Bank holidays are England and Wales's (the two share one list), including substitute days and one-off
    holidays, from the `holidays` package, which works them out for any year.
    """
    years = range(quarter_end.year, quarter_end.year + 2)  # more are added as the loop reaches them
    bank_holidays = holidays.country_holidays("GB", subdiv="ENG", years=years)
    day = quarter_end
    remaining = working_days
    while remaining:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in bank_holidays:
            remaining -= 1
    return day


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
                deadline = default_deadline(quarter.end_date, settings.CSP_DEADLINE_WORKING_DAYS)
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
