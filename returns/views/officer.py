"""What partner officers use: their returns for the period, one return, its history."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from csp import kept, roles
from csp.htmx import redirect_to, render_page, wants_partial
from csp.numbers import whole_number
from csp.roles import member_view
from indicators.fields import measure_field_names, measure_hint
from indicators.kinds import Rag
from indicators.models import Measure
from returns.figures import figures_for, measures_and_figures
from returns.forms import ReturnForm, initial_for
from returns.history import history_of
from returns.models import DeliverableUpdate, Figure, ReportingPeriod, Return, ReturnState, Submission
from returns.periods import current_periods
from returns.workflow import StaleReturn, WorkflowError, save_and_submit, save_draft


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


def _scoped_return(request: HttpRequest, partnership, return_id: int) -> Return:
    return scoped(request, partnership, Return, return_id)


def _previous(ret: Return) -> tuple[Return | None, list[Figure]]:
    """Last quarter's return and figures for the same indicator and agency, for context."""
    previous_quarter = ret.period.quarter.previous()
    figures = list(
        Figure.objects.filter(
            measure__indicator=ret.indicator,
            measure__supplier=ret.agency,
            year=previous_quarter.year,
            number=previous_quarter.number,
        ).select_related("measure")
    )
    previous_return = (
        Return.objects.filter(
            indicator__code=ret.indicator.code,
            indicator__priority__plan_year__partnership=ret.period.plan_year.partnership,
            agency=ret.agency,
            period__year=previous_quarter.year,
            period__number=previous_quarter.number,
        )
        .only("commentary", "state", "nothing_to_report")
        .first()
    )
    return previous_return, figures


@dataclass
class ReturnPage:
    """What the return page shows besides the form: set by a save, a clash or a refusal."""

    ret: Return
    measures: list[Measure]
    form: ReturnForm | None = None
    conflict: StaleReturn | None = None
    saved_at: datetime | None = None
    restored: bool = False
    stored: dict[int, Figure | None] = field(default_factory=dict)
    """The return's figures by measure, read with the measures (a save uses them too)."""
    figures: list[Figure] | None = None
    """The return's figures, where a save has just written them (else `stored`'s)."""
    form_kwargs: dict = field(default_factory=dict)

    @classmethod
    def of(cls, ret: Return) -> "ReturnPage":
        found = measures_and_figures(ret)
        measures = [measure for measure, _ in found]
        for measure in measures:
            measure.hint = measure_hint(measure)
        rating_applies = not any(m.target_decides_rating for m in measures)
        return cls(
            ret,
            measures,
            stored={measure.pk: figure for measure, figure in found},
            form_kwargs={"measures": measures, "rating_applies": rating_applies},
        )

    def form_as_saved(self, figures: list[Figure]) -> ReturnForm:
        return ReturnForm(initial=initial_for(self.ret, figures), **self.form_kwargs)

    def form_kept(self, request: HttpRequest, error: Exception) -> ReturnForm:
        """What the officer typed, on top of the return as it now stands, with the reason it was not saved."""
        data = request.POST.copy()
        data["version"] = self.ret.version
        form = ReturnForm(data, **self.form_kwargs)
        form.is_valid()
        form.add_error(None, str(error))
        return form


def _locked_out(request: HttpRequest, ret: Return) -> HttpResponse:
    """The answer to a post for a return that can no longer be changed: reload it, saying so."""
    if request.htmx and request.POST.get("_validate"):
        # A field's check that arrives after its return was submitted: nothing to say or swap.
        return HttpResponse(status=204)
    messages.error(request, "This return can no longer be changed.")
    return redirect_to(request, ret.get_absolute_url())


def _post(request: HttpRequest, page: ReturnPage) -> HttpResponse | None:
    """Save or submit what was posted; a response where the page is left, else None with `page` updated."""
    ret = page.ret
    if not ret.is_editable_by_officer:
        return _locked_out(request, ret)
    form = ReturnForm(request.POST, **page.form_kwargs)
    validate_only = request.POST.get("_validate")
    if validate_only and request.htmx and validate_only in form.fields:
        form.is_valid()
        return render(request, "returns/return.html#field", {"field": form[validate_only], "ret": ret})
    page.form = form
    if not form.is_valid():
        return None
    content, version = form.content(), form.cleaned_data["version"]
    content.stored = page.stored
    try:
        if request.POST.get("action") == "submit":
            ret = save_and_submit(ret, request.user, content, version=version)
            messages.success(request, f"{ret.indicator.code} submitted to the CSP coordinator.")
            return redirect_to(request, reverse("home"))
        ret = save_draft(ret, request.user, content, version=version)
    except StaleReturn as stale:
        page.ret, page.conflict = stale.current, stale
        page.form = page.form_kept(request, stale)
        return None
    except WorkflowError as refused:
        # Nothing was written (a refused submit rolls back its save): the return is as it was.
        ret.refresh_from_db()
        if not ret.is_editable_by_officer:
            # Submitted (or its period closed) after this request read it: told as if it came later.
            return _locked_out(request, ret)
        page.ret = ret
        page.form = page.form_kept(request, refused)
        return None
    page.ret, page.figures = ret, ret.figures_as_saved
    page.saved_at = timezone.localtime(ret.updated_at)
    if not request.htmx:
        messages.success(request, f"Draft saved at {page.saved_at:%H:%M}.")
        return redirect(ret.get_absolute_url())
    page.form = None  # the form as saved
    return None


@member_view
@require_http_methods(["GET", "POST"])
def return_page(request: HttpRequest, partnership, return_id: int) -> HttpResponse:
    page = ReturnPage.of(_scoped_return(request, partnership, return_id))
    if request.method == "POST" and (response := _post(request, page)) is not None:
        return response
    if request.method == "GET" and (typed := kept.take(request)) is not None:
        page.form, page.restored = ReturnForm(typed, **page.form_kwargs), True
    ret = page.ret
    if page.figures is not None:
        figures = page.figures
    elif page.conflict is not None:  # someone else's save came between: show their figures
        figures = list(Figure.objects.filter(ret=ret))
    else:
        figures = [figure for figure in page.stored.values() if figure is not None]
    form = page.form or page.form_as_saved(figures)
    # Last quarter's return is shown above the form, so the form's partial (htmx) does without it.
    previous_return, previous_figures = (None, []) if wants_partial(request) else _previous(ret)
    by_measure = {f.measure_id: f for f in figures}
    given = {(ret.indicator_id, ret.agency_id): Rag(ret.agency_rating)} if ret.agency_rating else {}
    _, computed = figures_for(
        page.measures,
        ret.period.quarter,
        partnership_id=ret.period.plan_year.partnership_id,
        today=timezone.localdate(),
        given=given,
        include_draft_of=ret,
    )
    context = {
        "ret": ret,
        "form": form,
        "measures": [
            (m, [form[n] for n in measure_field_names(m)], by_measure.get(m.pk), computed[m.pk])
            for m in page.measures
        ],
        "is_coordinator": roles.is_coordinator(request.user, partnership),
        # After a clash the form stays, with what was typed, whatever state the other save left.
        "editable": page.conflict is not None or ret.is_editable_by_officer,
        "conflict": page.conflict,
        "saved_at": page.saved_at,
        "restored": page.restored,
        "previous_return": previous_return,
        "previous_figures": previous_figures,
    }
    return render_page(request, "returns/return.html", "return-form", context)


@member_view
def history(request: HttpRequest, partnership, return_id: int) -> HttpResponse:
    ret = _scoped_return(request, partnership, return_id)
    return render(request, "returns/history.html", {"item": ret, "changes": history_of(ret)})
