"""One return: its page (its questions, with each figure's context and rating beside it as it is typed),
saving and submitting it, a field's check as it loses focus, and its history.

The questions themselves (`ReturnQuestions`) are shared with the agency's quarter on one page
(`returns.views.quarter`), which asks several returns' at once.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from csp import kept, roles
from csp.forms import with_refusal
from csp.htmx import redirect_to, render_page, wants_partial
from csp.roles import member_view
from indicators.fields import measure_field_names, measure_hint
from indicators.models import Measure
from returns.figures import measures_and_figures, return_figures
from returns.forms import ReturnForm, initial_for
from returns.history import history_of
from returns.models import Figure, Return
from returns.views.officer import scoped
from returns.workflow import StaleReturn, WorkflowError, save_and_submit, save_draft


@dataclass
class ReturnQuestions:
    """One return's form and what its questions show: the measures the agency supplies, with the figures
    stored for them (read once, in one query: a save uses them too)."""

    ret: Return
    measures: list[Measure]
    stored: dict[int, Figure | None]
    prefix: str | None = None

    @classmethod
    def of(cls, ret: Return, prefix: str | None = None) -> "ReturnQuestions":
        found = measures_and_figures(ret)
        measures = [measure for measure, _ in found]
        for measure in measures:
            measure.hint = measure_hint(measure)
            measure.panel_id = f"{prefix or 'r'}-panel-{measure.pk}"
        return cls(ret, measures, {measure.pk: figure for measure, figure in found}, prefix)

    @property
    def form_kwargs(self) -> dict:
        rating_applies = not any(m.target_decides_rating for m in self.measures)
        return {
            "measures": self.measures,
            "rating_applies": rating_applies,
            "prefix": self.prefix,
            "partnership": self.ret.period.plan_year.partnership,
        }

    def form(self, data=None) -> ReturnForm:
        """The form bound to `data`, or as saved."""
        # Bound or not, it knows the answers as saved: `has_changed` tells what a save would change.
        initial = initial_for(self.ret, self.figures())
        if data is not None:
            return ReturnForm(data, initial=initial, **self.form_kwargs)
        return ReturnForm(initial=initial, **self.form_kwargs)

    def figures(self) -> list[Figure]:
        return [figure for figure in self.stored.values() if figure is not None]

    def rows(self, form: ReturnForm, figures: list[Figure], *, today: date) -> list[tuple]:
        """(measure, its fields, its stored figure, its computed figures) for each measure: computed from
        what the form holds where it holds something valid, so the panels rate what was typed."""
        ret = self.ret
        typed, rating = None, ret.agency_rating
        if form.is_bound:
            form.is_valid()
            typed, rating = form.typed(), form.cleaned_data.get("agency_rating", "")
        computed = return_figures(ret, self.measures, today=today, rating=rating, typed=typed)
        by_measure = {figure.measure_id: figure for figure in figures}
        return [
            (m, [form[n] for n in measure_field_names(m)], by_measure.get(m.pk), computed[m.pk])
            for m in self.measures
        ]


def _prefix(request: HttpRequest, return_id: int) -> str | None:
    """The form prefix a field's check or a panel names: the agency's quarter on one page prefixes each
    return's fields with "r<its id>"; anything else is no prefix."""
    return f"r{return_id}" if request.POST.get("_prefix") == f"r{return_id}" else None


def scoped_return(request: HttpRequest, partnership, return_id: int) -> Return:
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

    questions: ReturnQuestions
    form: ReturnForm | None = None
    conflict: StaleReturn | None = None
    saved_at: datetime | None = None
    restored: bool = False
    figures: list[Figure] | None = None
    """The return's figures, where a save has just written them (else the questions' stored ones)."""

    @property
    def ret(self) -> Return:
        return self.questions.ret

    def form_kept(self, request: HttpRequest, error: WorkflowError) -> ReturnForm:
        """What the officer typed, on top of the return as it now stands, with why it was not saved, each
        reason on its field."""
        data = request.POST.copy()
        data["version"] = self.ret.version
        return with_refusal(self.questions.form(data), error)


def _locked_out(request: HttpRequest, ret: Return) -> HttpResponse:
    """The answer to a post for a return that can no longer be changed: reload it, saying so."""
    if request.htmx and request.POST.get("_validate"):
        # A field's check that arrives after its return was submitted: nothing to say or swap.
        return HttpResponse(status=204)
    messages.error(request, "This return can no longer be changed.")
    return redirect_to(request, ret.get_absolute_url())


def _post(request: HttpRequest, page: ReturnPage) -> HttpResponse | None:
    """Save or submit what was posted; a response where the page is left, else None with `page` updated.
    A submit is checked in full first (the form's own checks and what submitting needs, in one round, on
    the fields they are about) and writes nothing if anything is missing."""
    ret = page.ret
    if not ret.is_editable_by_officer:
        return _locked_out(request, ret)
    form = page.questions.form(request.POST)
    validate_only = request.POST.get("_validate")
    if validate_only and request.htmx and validate_only in form.fields:
        form.is_valid()
        context = {"field": form[validate_only], "validate_url": ret.get_absolute_url()}
        return render(request, "returns/includes_validated_field.html", context)
    page.form = form
    submitting = request.POST.get("action") == "submit"
    form.is_valid()
    if submitting:
        form.add_submission_problems(ret, today=timezone.localdate())
    if not form.is_valid():
        return None
    content, version = form.content(), form.cleaned_data["version"]
    content.stored = page.questions.stored
    try:
        if submitting:
            ret = save_and_submit(ret, request.user, content, version=version)
            messages.success(request, f"{ret.indicator.code} submitted to the CSP coordinator.")
            return redirect_to(request, reverse("home"))
        ret = save_draft(ret, request.user, content, version=version)
    except StaleReturn as stale:
        page.questions.ret, page.conflict = stale.current, stale
        page.form = page.form_kept(request, stale)
        return None
    except WorkflowError as refused:
        # Nothing was written (a refused submit rolls back its save): the return is as it was.
        ret.refresh_from_db()
        if not ret.is_editable_by_officer:
            # Submitted (or its period closed) after this request read it: told as if it came later.
            return _locked_out(request, ret)
        page.questions.ret = ret
        page.form = page.form_kept(request, refused)
        return None
    page.questions.ret, page.figures = ret, ret.figures_as_saved
    page.saved_at = timezone.localtime(ret.updated_at)
    if not request.htmx:
        messages.success(request, f"Draft saved at {page.saved_at:%H:%M}.")
        return redirect(ret.get_absolute_url())
    page.form = None  # the form as saved
    return None


@member_view
@require_http_methods(["GET", "POST"])
def return_page(request: HttpRequest, partnership, return_id: int) -> HttpResponse:
    prefix = _prefix(request, return_id) if request.POST.get("_validate") else None
    page = ReturnPage(ReturnQuestions.of(scoped_return(request, partnership, return_id), prefix))
    if request.method == "POST" and (response := _post(request, page)) is not None:
        return response
    if request.method == "GET" and (typed := kept.take(request)) is not None:
        page.form, page.restored = page.questions.form(typed), True
    ret = page.ret
    if page.figures is not None:
        figures = page.figures
    elif page.conflict is not None:  # someone else's save came between: show their figures
        figures = list(Figure.objects.filter(ret=ret))
    else:
        figures = page.questions.figures()
    if page.form is None:
        page.form = ReturnForm(initial=initial_for(ret, figures), **page.questions.form_kwargs)
    form = page.form
    # Last quarter's return is shown above the form, so the form's partial (htmx) does without it.
    previous_return, previous_figures = (None, []) if wants_partial(request) else _previous(ret)
    context = {
        "ret": ret,
        "form": form,
        "measures": page.questions.rows(form, figures, today=timezone.localdate()),
        "typed": form.is_bound,
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
@require_POST
def rate_measure(request: HttpRequest, partnership, return_id: int, measure_id: int) -> HttpResponse:
    """One measure's panel, rating the figure as typed (nothing is saved): htmx asks as the officer types."""
    ret = scoped_return(request, partnership, return_id)
    questions = ReturnQuestions.of(ret, _prefix(request, return_id))
    measure = next((m for m in questions.measures if m.pk == measure_id), None)
    if measure is None:
        raise Http404("No such measure on this return.")
    form = questions.form(request.POST)
    rows = questions.rows(form, [], today=timezone.localdate())
    computed = next(row[3] for row in rows if row[0] is measure)
    context = {
        "measure": measure,
        "computed": computed,
        "panel_id": measure.panel_id,
        "typed": True,
        "typed_now": True,
    }
    return render(request, "returns/includes_measure_panel.html", context)


@member_view
def history(request: HttpRequest, partnership, return_id: int) -> HttpResponse:
    ret = scoped_return(request, partnership, return_id)
    return render(request, "returns/history.html", {"item": ret, "changes": history_of(ret)})
