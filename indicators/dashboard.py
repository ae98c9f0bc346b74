"""The coordinator's view of the quarter: where every return stands, by agency and by indicator; the returns
behind each count; reminders to one agency; the items escalated to the SEG and the period's summary.

Every count is aggregated in the database, so the pages make the same number of queries however big the
plan is. Filters (priority, agency, state) narrow the returns counted, and travel in the query string so
each view is a link that can be shared, and works without JavaScript.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import groupby
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from indicators import notifications
from indicators.coordinator_views import coordinator_required
from indicators.figures import COUNTED_STATES
from indicators.models import (
    Agency,
    Indicator,
    PeriodState,
    ReminderKind,
    ReminderSent,
    ReportingPeriod,
    Return,
    ReturnState,
)
from indicators.notifications import OUTSTANDING
from indicators.reminders import ReminderError, remind_agency
from indicators.views import current_period
from themes.models import Priority

STATES = list(ReturnState)
SUMMARY_MAX_LENGTH = ReportingPeriod._meta.get_field("summary").max_length
BLANK = r"^\s*$"  # an escalation of only spaces and line breaks is no escalation (Return.is_escalated)


def _render(request: HttpRequest, template: str, partial: str, context: dict) -> HttpResponse:
    """The whole page, or for htmx (other than restoring history) only the named partial."""
    wants_partial = request.htmx and not request.htmx.history_restore_request
    response = render(request, f"{template}#{partial}" if wants_partial else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _period(period_id: int | None) -> ReportingPeriod | None:
    if period_id is None:
        return current_period()
    return get_object_or_404(ReportingPeriod.objects.select_related("plan_year__partnership"), pk=period_id)


# --- Filters ------------------------------------------------------------------------------------------


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
            returns = returns.filter(state__in=OUTSTANDING) if past_deadline else returns.none()
        return returns

    def query(self, **changes) -> str:
        """The query string for these filters with some changed (None removes one)."""
        values = {name: getattr(value, "pk", value) for name, value in self.chosen.items()}
        values.update(changes)
        values = {
            name: int(v) if v is True else v for name, v in values.items() if v not in (None, "", False)
        }
        return f"?{urlencode(values)}" if values else ""


# --- Aggregates ---------------------------------------------------------------------------------------


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
    row.outstanding = sum(values[f"n_{state}"] for state in OUTSTANDING)
    row.late = row.outstanding if past_deadline else 0
    row.late_url = base_url + filters.query(**{key: row.id, "state": None, "late": True})
    row.last_activity = values["last_activity"]
    return row


def _totals(rows: list[Row], filters: DashboardFilters, base_url: str) -> Row:
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
    base_url = reverse("dashboard_returns", args=[period.pk])
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
    base_url = reverse("dashboard_returns", args=[period.pk])
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


def _page_context(request: HttpRequest, period: ReportingPeriod, view: str) -> dict:
    today = timezone.localdate()
    filters = DashboardFilters(request.GET, period)
    return {
        "period": period,
        "today": today,
        "past_deadline": period.is_past_deadline(today),
        "days_to_deadline": (period.deadline - today).days,
        "filters": filters,
        "view": view,
        "state_links": [
            (value, label, filters.query(state=value or None))
            for value, label in [("", "All"), *ReturnState.choices]
        ],
        "chosen_state": filters.chosen.get("state", ""),
        "periods": ReportingPeriod.objects.filter(plan_year_id=period.plan_year_id)
        .select_related("plan_year")
        .order_by("number"),
        "escalated": Return.objects.filter(period=period, state__in=COUNTED_STATES)
        .exclude(escalation__regex=BLANK)
        .count(),
    }


# --- Views --------------------------------------------------------------------------------------------


@coordinator_required
def dashboard(request: HttpRequest, period_id: int | None = None) -> HttpResponse:
    period = _period(period_id)
    if period is None:
        return redirect("periods")
    context = _page_context(request, period, "dashboard")
    rows = agency_rows(period, context["filters"], context["today"])
    base_url = reverse("dashboard_returns", args=[period.pk])
    context.update(
        rows=rows,
        totals=_totals(rows, context["filters"], base_url),
        scheduled=scheduled_reminders(period),
        wants_agency_complete=notifications.wants_agency_complete(request.user),
        can_remind=period.state == PeriodState.OPEN,
        here=request.get_full_path(),
    )
    return _render(request, "indicators/dashboard.html", "results", context)


@coordinator_required
def dashboard_indicators(request: HttpRequest, period_id: int) -> HttpResponse:
    period = _period(period_id)
    context = _page_context(request, period, "dashboard_indicators")
    groups = indicator_rows(period, context["filters"], context["today"])
    base_url = reverse("dashboard_returns", args=[period.pk])
    context.update(
        groups=groups,
        totals=_totals([row for _, rows in groups for row in rows], context["filters"], base_url),
    )
    return _render(request, "indicators/dashboard_indicators.html", "results", context)


@coordinator_required
def dashboard_returns(request: HttpRequest, period_id: int) -> HttpResponse:
    period = _period(period_id)
    context = _page_context(request, period, "dashboard_returns")
    returns = (
        context["filters"]
        .apply(Return.objects.filter(period=period), past_deadline=context["past_deadline"])
        .select_related("indicator__priority", "agency")
        .order_by("indicator__priority__order", "indicator__order", "agency__name")
    )
    context.update(returns=returns, outstanding_states=OUTSTANDING)
    return _render(request, "indicators/dashboard_returns.html", "results", context)


def _back_to_dashboard(request: HttpRequest, period: ReportingPeriod) -> HttpResponse:
    """Back to the dashboard the form was posted from, with its filters (and nothing else)."""
    url = reverse("dashboard", args=[period.pk])
    filters = DashboardFilters(request.POST, period)
    url += filters.query()
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@coordinator_required
@require_POST
def send_agency_reminder(request: HttpRequest, period_id: int, agency_id: int) -> HttpResponse:
    period = _period(period_id)
    agency = get_object_or_404(Agency, pk=agency_id, partnership_id=period.plan_year.partnership_id)
    try:
        sent = remind_agency(period, agency, request.user, timezone.localdate())
    except ReminderError as refused:
        messages.error(request, str(refused))
    else:
        people = "1 officer" if len(sent) == 1 else f"{len(sent)} officers"
        messages.success(request, f"Reminder sent to {people} at {agency.name}.")
    return _back_to_dashboard(request, period)


@coordinator_required
@require_POST
def notification_preferences(request: HttpRequest) -> HttpResponse:
    wanted = request.POST.get("agency_complete") == "on"
    notifications.set_agency_complete_preference(request.user, wanted)
    if wanted:
        messages.success(request, "You will be emailed when an agency has submitted all its returns.")
    else:
        messages.success(request, "You will no longer be emailed when an agency completes its returns.")
    period = _period(int(request.POST["period"])) if request.POST.get("period", "").isdigit() else None
    if period is None:
        return redirect("dashboard_current")
    return _back_to_dashboard(request, period)


# --- Escalations and the period's summary -------------------------------------------------------------


class StaleSummary(Exception):
    pass


def fingerprint(text: str) -> str:
    """Identifies a version of the summary, so a save made from an older one is refused."""
    return hashlib.sha256(text.encode()).hexdigest()


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label="Coordinator's summary",
        help_text="Printed in the quarterly report to the SEG, as plain text, line breaks kept.",
        required=False,
        max_length=SUMMARY_MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    based_on = forms.CharField(widget=forms.HiddenInput)

    @classmethod
    def of(cls, period: ReportingPeriod) -> "SummaryForm":
        return cls(initial={"summary": period.summary, "based_on": fingerprint(period.summary)})


def escalation_text(ret: Return) -> str:
    """An escalated item as it goes into the summary: one line, saying where it came from."""
    agency = ret.agency.short_name or ret.agency.name
    return f"{ret.indicator.code} ({agency}): {' '.join(ret.escalation.split())}"


def save_summary(period: ReportingPeriod, text: str, based_on: str) -> ReportingPeriod:
    """Save the period's summary, unless someone changed it since the form was loaded."""
    with transaction.atomic():
        current = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        if fingerprint(current.summary) != based_on:
            raise StaleSummary
        current.summary = text
        current.save(update_fields=["summary"])
    return current


def escalated_items(period: ReportingPeriod) -> list[Return]:
    returns = (
        Return.objects.filter(period=period, state__in=COUNTED_STATES)
        .exclude(escalation__regex=BLANK)
        .select_related("indicator__priority", "agency")
        .order_by("indicator__priority__order", "indicator__order", "agency__name")
    )
    return list(returns)


def _post_summary(request: HttpRequest, period: ReportingPeriod, items: list[Return]):
    """Save what was typed, with an item appended if one's "Add to summary" was pressed.

    Returns the saved period, or the form with its errors. The typed text is kept either way: the add
    buttons submit the same form as the textarea, so nothing typed is lost by adding an item.
    """
    form = SummaryForm(request.POST)
    if not form.is_valid():
        return form
    text = form.cleaned_data["summary"]
    add = next((ret for ret in items if str(ret.pk) == request.POST.get("add")), None)
    if add is not None:
        text = f"{text.rstrip()}\n\n{escalation_text(add)}" if text.strip() else escalation_text(add)
    if len(text) > SUMMARY_MAX_LENGTH:
        form.add_error(
            "summary",
            f"Adding that item would make the summary longer than {SUMMARY_MAX_LENGTH} characters: "
            "shorten it first.",
        )
        return form
    try:
        return save_summary(period, text, form.cleaned_data["based_on"])
    except StaleSummary:
        period.refresh_from_db()
        # Keep what this person typed; the next save applies it over the newer version on purpose.
        form = SummaryForm({"summary": text, "based_on": fingerprint(period.summary)})
        form.is_valid()
        form.add_error(
            None,
            "Someone else changed the summary while you were editing it. Your text is kept in the box; "
            f"their version was: “{period.summary}”. Merge the two and save again.",
        )
        return form


@coordinator_required
@require_http_methods(["GET", "POST"])
def escalations(request: HttpRequest, period_id: int) -> HttpResponse:
    period = _period(period_id)
    items = escalated_items(period)
    saved = False
    form = SummaryForm.of(period)
    if request.method == "POST":
        outcome = _post_summary(request, period, items)
        if isinstance(outcome, SummaryForm):
            form = outcome
        elif not request.htmx:
            messages.success(request, "Summary saved.")
            return redirect("escalations", period_id=period.pk)
        else:
            period, saved, form = outcome, True, SummaryForm.of(outcome)
    in_summary = {ret.pk for ret in items if escalation_text(ret) in period.summary}
    context = {"period": period, "items": items, "form": form, "saved": saved, "in_summary": in_summary}
    return _render(request, "indicators/escalations.html", "escalations", context)
