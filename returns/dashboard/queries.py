"""The coordinator's dashboard in numbers: where every return and action update of a period stands, by
owner and by priority, and the reminders sent.

Every count is aggregated in the database, so the pages make the same number of queries however big the
plan is. Filters (priority, owner, state) narrow what is counted, and travel in the query string so each
view is a link that can be shared, and works without JavaScript. The coordinators' own items (for
indicators and actions with no owner) count under "CSP coordinator".
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
from returns.models import (
    COORDINATOR,
    DeliverableUpdate,
    ReminderKind,
    ReminderSent,
    ReportingPeriod,
    Return,
    ReturnState,
)
from themes.models import Deliverable, Priority

STATES = list(ReturnState)


PARENT = {Return: "indicator", DeliverableUpdate: "deliverable"}
"""What each kind of item is on: the plan item its priority is reached through."""
PLAN_ITEMS = {
    "indicator": Indicator.objects.select_related("priority"),
    "deliverable": Deliverable.objects.select_related("priority"),
}


class DashboardFilters(forms.Form):
    """What narrows the items counted. A value that is not valid for the period is ignored."""

    priority = forms.ModelChoiceField(queryset=Priority.objects.none(), required=False, empty_label="All")
    agency = forms.ModelChoiceField(queryset=Agency.objects.none(), required=False, empty_label="All")
    state = forms.ChoiceField(choices=[("", "All"), *ReturnState.choices], required=False)
    indicator = forms.ModelChoiceField(
        queryset=Indicator.objects.none(), required=False, widget=forms.HiddenInput
    )
    deliverable = forms.ModelChoiceField(
        queryset=Deliverable.objects.none(), required=False, widget=forms.HiddenInput
    )
    coordinators = forms.BooleanField(required=False, widget=forms.HiddenInput)
    late = forms.BooleanField(required=False, widget=forms.HiddenInput)

    NAMES = ("priority", "agency", "state", "indicator", "deliverable", "coordinators", "late")

    def __init__(self, data, period: ReportingPeriod):
        super().__init__({k: v for k, v in data.items() if k in self.NAMES and v})
        plan_year = period.plan_year
        self.fields["priority"].queryset = Priority.objects.filter(plan_year=plan_year).order_by("order")
        self.fields["agency"].queryset = Agency.objects.filter(partnership_id=plan_year.partnership_id)
        self.fields["indicator"].queryset = Indicator.objects.filter(priority__plan_year=plan_year)
        self.fields["deliverable"].queryset = Deliverable.objects.filter(priority__plan_year=plan_year)
        self.is_valid()

    @property
    def chosen(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "", False)}

    @property
    def state_label(self) -> str:
        state = self.chosen.get("state")
        return ReturnState(state).label if state else ""

    def apply(self, items: QuerySet, *, past_deadline: bool) -> QuerySet:
        """`items` (returns or updates) as the filters narrow them."""
        chosen, parent = self.chosen, PARENT[items.model]
        if "priority" in chosen:
            items = items.filter(**{f"{parent}__priority": chosen["priority"]})
        if "agency" in chosen:
            items = items.filter(agency=chosen["agency"])
        if chosen.get("coordinators"):
            items = items.filter(agency__isnull=True)
        for kind in ("indicator", "deliverable"):
            if kind in chosen:
                items = items.filter(**{kind: chosen[kind]}) if kind == parent else items.none()
        if "state" in chosen:
            items = items.filter(state=chosen["state"])
        if chosen.get("late"):
            items = items.outstanding() if past_deadline else items.none()
        return items

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
    position: tuple = ()


def _state_counts() -> dict:
    counts = {f"n_{state.value}": Count("pk", filter=Q(state=state)) for state in STATES}
    return {
        **counts,
        "n_total": Count("pk"),
        "last_activity": Max("updated_at", filter=~Q(state=ReturnState.NOT_STARTED)),
    }


def _row(values: dict, filters: DashboardFilters, base_url: str, key: str, *, past_deadline: bool) -> Row:
    row = Row(id=values[f"{key}_id"], name="")
    # The coordinators' own items have no agency: their links filter on that instead.
    which = {key: row.id} if row.id is not None else {"coordinators": True}
    for state in STATES:
        n = values[f"n_{state.value}"]
        row.counts.append((state.value, state.label, n, base_url + filters.query(**which, state=state)))
    row.total = values["n_total"]
    row.total_url = base_url + filters.query(**which)
    row.outstanding = sum(values[f"n_{state}"] for state in ReturnState.outstanding())
    row.late = row.outstanding if past_deadline else 0
    row.late_url = base_url + filters.query(**which, state=None, late=True)
    row.last_activity = values["last_activity"]
    return row


def _merged(*values: dict) -> dict:
    """One agency's counts from returns and from updates, added together."""
    merged = dict(values[0])
    for more in values[1:]:
        for name, value in more.items():
            if name.startswith("n_"):
                merged[name] = merged.get(name, 0) + value
            elif name == "last_activity":
                merged[name] = max((v for v in (merged.get(name), value) if v), default=None)
    return merged


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
    """One row per owner of returns or updates in the period (as filtered), with when it was last
    reminded; the coordinators' own items last."""
    past_deadline = period.is_past_deadline(today)
    base_url = period.link("dashboard_returns")
    by_agency: dict[int | None, list[dict]] = {}
    for model in PARENT:
        values = (
            filters.apply(model.objects.filter(period=period), past_deadline=past_deadline)
            .values("agency_id", "agency__name")
            .annotate(**_state_counts())
            .order_by()
        )
        for value in values:
            by_agency.setdefault(value["agency_id"], []).append(value)
    reminded = last_reminded_by_agency(period)
    rows = []
    for values in by_agency.values():
        row = _row(_merged(*values), filters, base_url, "agency", past_deadline=past_deadline)
        row.name = values[0]["agency__name"] or COORDINATOR
        row.last_reminded = reminded.get(row.id)
        rows.append(row)
    return sorted(rows, key=lambda row: (row.id is None, row.name))


def plan_rows(period: ReportingPeriod, filters: DashboardFilters, today: date) -> list[tuple[str, list]]:
    """Rows per indicator and per deliverable, grouped under their priority's heading, in the plan's order
    (a priority's indicators, then its deliverables)."""
    past_deadline = period.is_past_deadline(today)
    base_url = period.link("dashboard_returns")
    rows = []
    for model, parent in PARENT.items():
        values = (
            filters.apply(model.objects.filter(period=period), past_deadline=past_deadline)
            .values(f"{parent}_id")
            .annotate(**_state_counts())
            .order_by()
        )
        counted = [_row(value, filters, base_url, parent, past_deadline=past_deadline) for value in values]
        items = PLAN_ITEMS[parent].filter(pk__in=[row.id for row in counted]).in_bulk()
        for row in counted:
            item = items[row.id]
            row.name = f"{item.code}: {item.text}" if parent == "indicator" else f"{item.label}: {item.text}"
            row.group = item.priority.title
            row.position = (item.priority.order, parent != "indicator", item.order)
            rows.append(row)
    rows.sort(key=lambda row: row.position)
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
