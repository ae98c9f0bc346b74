"""What partner officers use: their returns for the period, one return, its history."""

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from csp import roles
from indicators.figures import figures_for
from indicators.forms import ReturnForm, initial_for, measure_field_names, measure_hint
from indicators.history import return_history
from indicators.kinds import Rag
from indicators.models import Figure, PeriodState, ReportingPeriod, Return, ReturnState
from indicators.services import StaleReturn, WorkflowError, save_draft, submit_return, supplied_measures

DONE_STATES = (ReturnState.SUBMITTED, ReturnState.APPROVED)


def current_period() -> ReportingPeriod | None:
    """The period people are working on: the latest open one, else the latest closed one."""
    periods = ReportingPeriod.objects.select_related("plan_year__partnership")
    return (
        periods.filter(state=PeriodState.OPEN).order_by("-plan_year__start_year", "-number").first()
        or periods.filter(state=PeriodState.CLOSED).order_by("-plan_year__start_year", "-number").first()
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if roles.is_coordinator(request.user) and "period" not in request.GET:
        return redirect("review_queue_current")
    period_id = request.GET.get("period")
    if period_id and period_id.isdigit():
        period = get_object_or_404(
            ReportingPeriod.objects.select_related("plan_year__partnership"), pk=period_id
        )
    else:
        period = current_period()
    if period is None:
        return render(request, "indicators/home.html", {"period": None})
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
        "indicators/home.html",
        {
            "period": period,
            "groups": groups,
            "total": len(returns),
            "done": sum(r.state in DONE_STATES for r in returns),
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


@login_required
@require_http_methods(["GET", "POST"])
def return_page(request: HttpRequest, return_id: int) -> HttpResponse:
    ret = _scoped_return(request, return_id)
    measures = list(supplied_measures(ret).select_related("supplier"))
    for measure in measures:
        measure.hint = measure_hint(measure)
    rating_applies = not any(m.target_decides_rating for m in measures)
    figures = list(Figure.objects.filter(ret=ret))
    editable = ret.is_editable_by_officer
    form_kwargs = {"measures": measures, "rating_applies": rating_applies}
    conflict = None
    saved_at = None

    if request.method == "POST":
        if not editable:
            if request.htmx and request.POST.get("_validate"):
                # A field's check that arrives after its return was submitted: nothing to say or swap.
                return HttpResponse(status=204)
            messages.error(request, "This return can no longer be changed.")
            here = reverse("return", args=[ret.pk])
            return HttpResponseClientRedirect(here) if request.htmx else redirect(here)
        form = ReturnForm(request.POST, **form_kwargs)
        validate_only = request.POST.get("_validate")
        if validate_only and request.htmx and validate_only in form.fields:
            form.is_valid()
            return render(request, "indicators/return.html#field", {"field": form[validate_only], "ret": ret})
        if form.is_valid():
            try:
                if request.POST.get("action") == "submit":
                    ret = save_draft(ret, request.user, form.content(), version=form.cleaned_data["version"])
                    ret = submit_return(ret, request.user, version=ret.version)
                    messages.success(request, f"{ret.indicator.code} submitted to the CSP coordinator.")
                    home_url = reverse("home") + f"?period={ret.period_id}"
                    return HttpResponseClientRedirect(home_url) if request.htmx else redirect(home_url)
                ret = save_draft(ret, request.user, form.content(), version=form.cleaned_data["version"])
                saved_at = timezone.localtime(ret.updated_at)
                if not request.htmx:
                    messages.success(request, f"Draft saved at {saved_at:%H:%M}.")
                    return redirect("return", return_id=ret.pk)
                form = ReturnForm(initial=initial_for(ret, Figure.objects.filter(ret=ret)), **form_kwargs)
            except StaleReturn as stale:
                conflict = stale
                ret = stale.current
                data = request.POST.copy()
                data["version"] = stale.current.version
                form = ReturnForm(data, **form_kwargs)
                form.is_valid()
                form.add_error(None, str(stale))
                figures = list(Figure.objects.filter(ret=ret))
            except WorkflowError as refused:
                # A refused submit may follow a successful save: carry the new version so nothing is stale.
                ret.refresh_from_db()
                data = request.POST.copy()
                data["version"] = ret.version
                form = ReturnForm(data, **form_kwargs)
                form.is_valid()
                form.add_error(None, str(refused))
                figures = list(Figure.objects.filter(ret=ret))
                editable = ret.is_editable_by_officer
    else:
        form = ReturnForm(initial=initial_for(ret, figures), **form_kwargs)

    previous_return, previous_figures = _previous(ret)
    by_measure = {f.measure_id: f for f in figures}
    computed = figures_for(
        measures,
        ret.period.quarter,
        partnership_id=ret.period.plan_year.partnership_id,
        today=timezone.localdate(),
        agency_ratings={m.pk: Rag(ret.agency_rating) for m in measures} if ret.agency_rating else None,
        include_draft_of=ret,
    )
    context = {
        "ret": ret,
        "form": form,
        "measures": [
            (m, [form[n] for n in measure_field_names(m)], by_measure.get(m.pk), computed[m.pk])
            for m in measures
        ],
        "is_coordinator": roles.is_coordinator(request.user),
        "editable": editable,
        "conflict": conflict,
        "saved_at": saved_at,
        "previous_return": previous_return,
        "previous_figures": previous_figures,
    }
    template = "indicators/return.html#return-form" if request.htmx else "indicators/return.html"
    return render(request, template, context)


@login_required
def history(request: HttpRequest, return_id: int) -> HttpResponse:
    ret = _scoped_return(request, return_id)
    return render(request, "indicators/history.html", {"ret": ret, "changes": return_history(ret)})
