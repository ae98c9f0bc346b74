"""Reporting periods: a plan year's four quarters, opening and closing them, deadlines, and new plan years.

Opening a period creates a not-started return for every agency the plan makes responsible for an
indicator; a closed period stays closed (single returns are re-opened instead, `returns.workflow`).
"""

from datetime import date, timedelta

import holidays
from django.conf import settings
from django.contrib.admin.models import ADDITION, LogEntry
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from simple_history.utils import bulk_create_with_history

from csp import audit
from csp.models import PlanYear
from indicators.models import Indicator
from indicators.quarters import Quarter
from returns.models import PeriodState, ReportingPeriod, Return
from returns.workflow import WorkflowError, coordinator_only
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


def current_period() -> ReportingPeriod | None:
    """The period people are working on: the latest open one, else the latest closed one."""
    periods = ReportingPeriod.objects.select_related("plan_year__partnership")
    return (
        periods.filter(state=PeriodState.OPEN).order_by("-plan_year__start_year", "-number").first()
        or periods.filter(state=PeriodState.CLOSED).order_by("-plan_year__start_year", "-number").first()
    )


def period_or_current(period_id: int | None) -> ReportingPeriod | None:
    """For views: the period asked for (a 404 where there is none), or the current one if none is asked."""
    if period_id is None:
        return current_period()
    return get_object_or_404(ReportingPeriod.objects.select_related("plan_year__partnership"), pk=period_id)


def set_period_state(period: ReportingPeriod, user, state: str) -> ReportingPeriod:
    """Open or close a period. Opening creates a not-started return for every agency that owes one."""
    coordinator_only(user)
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
        current._change_reason = audit.history_reason(
            current, f"{PeriodState(state).label} by {user.get_username()}"
        )
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


def ensure_periods(plan_year) -> list[ReportingPeriod]:
    """The plan year's four periods, created not yet open where missing, with the default deadlines."""
    periods = []
    for quarter in Quarter.quarters_of_year(plan_year.start_year):
        period, _ = ReportingPeriod.objects.get_or_create(
            plan_year=plan_year,
            number=quarter.number,
            defaults={"deadline": default_deadline(quarter.end_date, settings.CSP_DEADLINE_WORKING_DAYS)},
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
