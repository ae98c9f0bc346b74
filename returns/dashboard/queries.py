"""The coordinator's dashboard in numbers: where every return of a period stands, by agency and by
indicator, and the reminders sent.

Every count is aggregated in the database, so the pages make the same number of queries however big the
plan is. Filters (priority, agency, state) narrow the returns counted, and travel in the query string so
each view is a link that can be shared, and works without JavaScript.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import groupby
from urllib.parse import urlencode

from django import forms
from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import Coalesce

from csp.models import Agency
from indicators.models import Indicator
from returns.models import ReminderKind, ReminderSent, ReportingPeriod, Return, ReturnState
from themes.models import Priority

STATES = list(ReturnState)


class DashboardFilters(forms.Form):
    """What narrows the returns counted. A value that is not valid for the period is ignored."""

    priority = forms.ModelChoiceField(queryset=Priority.objects.none(), required=False, empty_label="All")
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), required=False, empty_label="All")
    state = forms.ChoiceField(choices=[("", "All"), *ReturnState.choices], required=False)
    indicator = forms.ModelChoiceField(
        queryset=Indicator.objects.none(), required=False, widget=forms.HiddenInput
    )
    late = forms.BooleanField(required=False, widget=forms.HiddenInput)

    NAMES = ("priority", "agency", "state", "indicator", "late")

    def __init__(self, data, period: ReportingPeriod):
        super().__init__({k: v for k, v in data.items() if k in self.NAMES and v})
        plan_year = period.plan_year
        self.fields["priority"].queryset = Priority.objects.filter(plan_year=plan_year).order_by("order")
        self.fields["agency"].queryset = Agency.objects.filter(partnership_id=plan_year.partnership_id)
        self.fields["indicator"].queryset = Indicator.objects.filter(priority__plan_year=plan_year)
        self.is_valid()

    @property
    def chosen(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "", False)}

    @property
    def state_label(self) -> str:
        state = self.chosen.get("state")
        return ReturnState(state).label if state else ""

    def apply(self, returns: QuerySet, *, past_deadline: bool) -> QuerySet:
        chosen = self.chosen
        if "priority" in chosen:
            returns = returns.filter(indicator__priority=chosen["priority"])
        if "agency" in chosen:
            returns = returns.filter(agency=chosen["agency"])
        if "indicator" in chosen:
            returns = returns.filter(indicator=chosen["indicator"])
        if "state" in chosen:
            returns = returns.filter(state=chosen["state"])
        if chosen.get("late"):
            returns = returns.outstanding() if past_deadline else returns.none()
        return returns

    def query(self, **changes) -> str:
        """The query string for these filters with some changed (None removes one)."""
        values = {name: getattr(value, "pk", value) for name, value in self.chosen.items()}
        values.update(changes)
        values = {
            name: int(v) if v is True else v for name, v in values.items() if v not in (None, "", False)
        }
        return f"?{urlencode(values)}" if values else ""


@dataclass
class Row:
    """One line of a dashboard table: counts by state for an agency or an indicator."""

    id: int
    name: str
    counts: list[tuple[str, str, int, str]] = field(default_factory=list)  # state, label, count, url
    total: int = 0
    total_url: str = ""
    outstanding: int = 0
    late: int = 0
    late_url: str = ""
    last_activity: datetime | None = None
    last_reminded: datetime | None = None
    group: str = ""


def _state_counts() -> dict:
    counts = {f"n_{state.value}": Count("pk", filter=Q(state=state)) for state in STATES}
    return {
        **counts,
        "n_total": Count("pk"),
        "last_activity": Max("updated_at", filter=~Q(state=ReturnState.NOT_STARTED)),
    }


def _row(values: dict, filters: DashboardFilters, base_url: str, key: str, *, past_deadline: bool) -> Row:
    row = Row(id=values[f"{key}_id"], name="")
    for state in STATES:
        n = values[f"n_{state.value}"]
        row.counts.append(
            (state.value, state.label, n, base_url + filters.query(**{key: row.id, "state": state}))
        )
    row.total = values["n_total"]
    row.total_url = base_url + filters.query(**{key: row.id})
    row.outstanding = sum(values[f"n_{state}"] for state in ReturnState.outstanding())
    row.late = row.outstanding if past_deadline else 0
    row.late_url = base_url + filters.query(**{key: row.id, "state": None, "late": True})
    row.last_activity = values["last_activity"]
    return row


def totals(rows: list[Row], filters: DashboardFilters, base_url: str) -> Row:
    totals = Row(id=0, name="All")
    for index, state in enumerate(STATES):
        n = sum(row.counts[index][2] for row in rows)
        totals.counts.append((state.value, state.label, n, base_url + filters.query(state=state)))
    totals.total = sum(row.total for row in rows)
    totals.total_url = base_url + filters.query()
    totals.outstanding = sum(row.outstanding for row in rows)
    totals.late = sum(row.late for row in rows)
    totals.late_url = base_url + filters.query(state=None, late=True)
    totals.last_activity = max((row.last_activity for row in rows if row.last_activity), default=None)
    return totals


def agency_rows(period: ReportingPeriod, filters: DashboardFilters, today: date) -> list[Row]:
    """One row per agency owing returns in the period (as filtered), with when it was last reminded."""
    past_deadline = period.is_past_deadline(today)
    base_url = period.link("dashboard_returns")
    values = (
        filters.apply(Return.objects.filter(period=period), past_deadline=past_deadline)
        .values("agency_id", "agency__name")
        .annotate(**_state_counts())
        .order_by("agency__name")
    )
    reminded = last_reminded_by_agency(period)
    rows = []
    for value in values:
        row = _row(value, filters, base_url, "agency", past_deadline=past_deadline)
        row.name = value["agency__name"]
        row.last_reminded = reminded.get(row.id)
        rows.append(row)
    return rows


def indicator_rows(period: ReportingPeriod, filters: DashboardFilters, today: date) -> list[tuple[str, list]]:
    """Rows per indicator, grouped under their priority's heading, in the plan's order."""
    past_deadline = period.is_past_deadline(today)
    base_url = period.link("dashboard_returns")
    values = (
        filters.apply(Return.objects.filter(period=period), past_deadline=past_deadline)
        .values(
            "indicator_id",
            "indicator__code",
            "indicator__text",
            "indicator__priority__order",
            "indicator__priority__title",
        )
        .annotate(**_state_counts())
        .order_by("indicator__priority__order", "indicator__order", "indicator__code")
    )
    rows = []
    for value in values:
        row = _row(value, filters, base_url, "indicator", past_deadline=past_deadline)
        row.name = f"{value['indicator__code']}: {value['indicator__text']}"
        row.group = value["indicator__priority__title"]
        rows.append(row)
    return [(title, list(items)) for title, items in groupby(rows, key=lambda r: r.group)]


def last_reminded_by_agency(period: ReportingPeriod) -> dict[int, datetime]:
    """When each agency was last reminded: by the coordinator, or through its officers by the schedule."""
    return dict(
        ReminderSent.objects.filter(period=period)
        .annotate(for_agency=Coalesce("agency_id", "user__memberships__agency_id"))
        .exclude(for_agency=None)
        .values("for_agency")
        .annotate(last=Max("sent_at"))
        .values_list("for_agency", "last")
        .order_by()
    )


def scheduled_reminders(period: ReportingPeriod) -> dict[str, dict]:
    """For each scheduled kind: how many officers were reminded, and when the last was sent."""
    rows = (
        ReminderSent.objects.filter(period=period)
        .exclude(kind=ReminderKind.BY_COORDINATOR)
        .values("kind")
        .annotate(officers=Count("pk"), last=Max("sent_at"))
        .order_by()
    )
    return {row["kind"]: row for row in rows}
