"""The quarterly report: for the partnership's coordinators and report viewers; officers get a 403."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from csp import roles
from csp.htmx import render_page
from csp.roles import coordinator_view, report_reader_view
from reporting import exports
from reporting.builder import build_quarterly_report
from reporting.forms import IssueForm
from reporting.models import IssuedReport, RenderState, ReportRender
from reporting.services import IssueError, issue_report, request_pdf
from returns.models import PeriodState, ReportingPeriod
from returns.periods import period_or_current


@report_reader_view
@require_GET
def report_index(request: HttpRequest, partnership) -> HttpResponse:
    periods = list(
        ReportingPeriod.objects.filter(plan_year__partnership=partnership)
        .select_related("plan_year__partnership")
        .order_by("-year", "-number")
    )
    # The quarter being worked on first (its latest open one, else latest closed: `current_period`'s
    # rule), then the other reported ones newest first, then those not yet open, soonest first: the first
    # link is never an empty draft of a quarter that has not started.
    current = next((p for p in periods if p.is_open), None) or next(
        (p for p in periods if p.state == PeriodState.CLOSED), None
    )
    opened = [p for p in periods if p.state != PeriodState.NOT_OPEN and p != current]
    not_open = [p for p in reversed(periods) if p.state == PeriodState.NOT_OPEN]
    ordered = ([current] if current else []) + opened + not_open
    context = {"periods": ordered, "current": current, "board_name": partnership.board_name}
    return render(request, "reporting/report_index.html", context)


@report_reader_view
@require_GET
def report_page(request: HttpRequest, partnership, period_id: int) -> HttpResponse:
    period = period_or_current(partnership, period_id)
    report = build_quarterly_report(period, today=timezone.localdate())
    is_coordinator = roles.is_coordinator(request.user, partnership)
    context = {
        "period": period,
        "report": report,
        "is_coordinator": is_coordinator,
        "issued": period.issued_reports.all(),
        "issue_form": IssueForm(initial={"fingerprint": report.fingerprint}) if is_coordinator else None,
        "actions_template": "reporting/includes/report_actions.html",
    }
    return render(request, "reporting/report_page.html", context)


@report_reader_view
@require_GET
def report_pdf(request: HttpRequest, partnership, period_id: int) -> HttpResponse:
    """The PDF when it is ready; otherwise a page that shows progress (and polls, with htmx).

    The poll names the render it is waiting for (`?render=`): it reads that one row and builds nothing,
    so a page left open does not rebuild the whole report every two seconds. Only a render lost on the
    way (its worker died) takes the full path again, which queues it anew."""
    period = period_or_current(partnership, period_id)
    polled = _polled_render(request, period)
    if polled is not None:
        context = {"period": period, "render": polled, "states": RenderState}
        return render(request, "reporting/pdf_status.html#status", context)
    report = build_quarterly_report(period, today=timezone.localdate())
    render_ = request_pdf(period, report, retry=request.GET.get("retry") == "1")
    if render_.is_ready and not request.htmx:
        return _pdf_response(render_.file, f"{partnership.board_slug}-report-{period.code}.pdf")
    context = {
        "period": period,
        "report": report,
        "render": render_,
        "states": RenderState,
    }
    return render_page(request, "reporting/pdf_status.html", "status", context)


def _polled_render(request: HttpRequest, period: ReportingPeriod) -> ReportRender | None:
    """The render an htmx poll asks after, if it is the period's and not lost; else None."""
    wanted = request.GET.get("render", "")
    if not request.htmx or not wanted.isdigit():
        return None
    found = ReportRender.objects.filter(pk=int(wanted), period=period).first()
    if found is None or found.is_abandoned(timezone.now()):
        return None
    return found


@report_reader_view
@require_GET
def report_figures(request: HttpRequest, partnership, period_id: int, fmt: str) -> HttpResponse:
    period = period_or_current(partnership, period_id)
    report = build_quarterly_report(period, today=timezone.localdate())
    filename = f"{partnership.board_slug}-figures-{period.code}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(exports.figures_csv(report), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(
            exports.figures_xlsx(report),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404("Figures download as csv or xlsx.")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@coordinator_view
@require_POST
def report_issue(request: HttpRequest, partnership, period_id: int) -> HttpResponse:
    period = period_or_current(partnership, period_id)
    form = IssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The report could not be issued: open it again and retry.")
        return redirect(period.link("report"))
    try:
        issued = issue_report(
            period, request.user, today=timezone.localdate(), fingerprint=form.cleaned_data["fingerprint"]
        )
    except IssueError as refused:
        messages.error(request, str(refused))
    else:
        draft = " It is marked DRAFT because some returns are not yet approved." if issued.was_draft else ""
        messages.success(request, f"The report for {period.quarter.short_label} has been issued.{draft}")
    return redirect(period.link("report"))


@report_reader_view
@require_GET
def issued_report(request: HttpRequest, partnership, issued_id: int) -> HttpResponse:
    copies = IssuedReport.objects.filter(period__plan_year__partnership=partnership)
    issued = get_object_or_404(copies.select_related("period__plan_year__partnership"), pk=issued_id)
    return _pdf_response(issued.file, issued.filename)


def _pdf_response(stored, filename: str) -> HttpResponse:
    # A report's PDF is a few hundred kilobytes: read whole, it is a plain response like every other.
    with stored.open("rb") as pdf:
        response = HttpResponse(pdf.read(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
