"""What partner officers use: their returns for the period, one return, its history."""

from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from csp import roles
from csp.htmx import redirect_to, render_page, wants_partial
from csp.numbers import whole_number
from indicators.fields import measure_field_names, measure_hint
from indicators.kinds import Rag
from indicators.models import Measure
from returns.figures import figures_for
from returns.forms import ReturnForm, initial_for
from returns.history import return_history
from returns.models import Figure, Return, ReturnState
from returns.periods import period_or_current
from returns.workflow import StaleReturn, WorkflowError, save_draft, submit_return, supplied_measures


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if roles.is_coordinator(request.user) and "period" not in request.GET:
        return redirect("review_queue_current")
    period = period_or_current(whole_number(request.GET.get("period")))
    if period is None:
        return render(request, "returns/home.html", {"period": None})
    returns = list(
        Return.objects.for_user(request.user)
        .filter(period=period)
        .select_related("indicator__priority", "agency")
        .order_by("indicator__priority__order", "indicator__order", "agency__name")
    )
    groups = [
        (priority, list(items)) for priority, items in groupby(returns, key=lambda r: r.indicator.priority)
    ]
    return render(
        request,
        "returns/home.html",
        {
            "period": period,
            "groups": groups,
            "total": len(returns),
            "done": sum(r.is_received for r in returns),
            "sent_back": [r for r in returns if r.state == ReturnState.RETURNED],
            "is_late": period.is_past_deadline(timezone.localdate()),
        },
    )


def _scoped_return(request: HttpRequest, return_id: int) -> Return:
    return get_object_or_404(
        Return.objects.for_user(request.user).select_related(
            "period__plan_year__partnership", "indicator__priority", "agency"
        ),
        pk=return_id,
    )


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
            period__plan_year__start_year=previous_quarter.year,
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
    figures: list[Figure] | None = None
    """The return's figures, where a save has just written them (else they are read)."""
    form_kwargs: dict = field(default_factory=dict)

    @classmethod
    def of(cls, ret: Return) -> "ReturnPage":
        measures = list(supplied_measures(ret).select_related("supplier"))
        for measure in measures:
            measure.hint = measure_hint(measure)
        rating_applies = not any(m.target_decides_rating for m in measures)
        return cls(ret, measures, form_kwargs={"measures": measures, "rating_applies": rating_applies})

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
    return redirect_to(request, reverse("return", args=[ret.pk]))


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
    try:
        ret = save_draft(ret, request.user, form.content(), version=form.cleaned_data["version"])
        if request.POST.get("action") == "submit":
            ret = submit_return(ret, request.user, version=ret.version)
            messages.success(request, f"{ret.indicator.code} submitted to the CSP coordinator.")
            return redirect_to(request, reverse("home") + f"?period={ret.period_id}")
    except StaleReturn as stale:
        page.ret, page.conflict = stale.current, stale
        page.form = page.form_kept(request, stale)
        return None
    except WorkflowError as refused:
        # A refused submit may follow a successful save: carry the new version so nothing is stale.
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
        return redirect("return", return_id=ret.pk)
    page.form = None  # the form as saved
    return None


@login_required
@require_http_methods(["GET", "POST"])
def return_page(request: HttpRequest, return_id: int) -> HttpResponse:
    page = ReturnPage.of(_scoped_return(request, return_id))
    if request.method == "POST" and (response := _post(request, page)) is not None:
        return response
    ret = page.ret
    figures = page.figures if page.figures is not None else list(Figure.objects.filter(ret=ret))
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
        "is_coordinator": roles.is_coordinator(request.user),
        # After a clash the form stays, with what was typed, whatever state the other save left.
        "editable": page.conflict is not None or ret.is_editable_by_officer,
        "conflict": page.conflict,
        "saved_at": page.saved_at,
        "previous_return": previous_return,
        "previous_figures": previous_figures,
    }
    return render_page(request, "returns/return.html", "return-form", context)


@login_required
def history(request: HttpRequest, return_id: int) -> HttpResponse:
    ret = _scoped_return(request, return_id)
    return render(request, "returns/history.html", {"ret": ret, "changes": return_history(ret)})
