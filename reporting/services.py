"""Asking for the report's PDF off the request path, and issuing it to the SEG.

A PDF takes seconds to make, so the web request asks for one (`request_pdf`) and the Tasks framework
makes it (`reporting.tasks`, then `reporting.renders.make_pdf`): at once with the immediate backend, or by
a worker with the database backend. A render is keyed by the report's fingerprint, so the same figures are
rendered once and the file is reused until anything the report prints changes.
"""

import hashlib
import logging
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from csp import roles
from reporting import exports
from reporting.builder import QuarterlyReport, build_quarterly_report
from reporting.models import IssuedReport, RenderState, ReportRender
from reporting.pdf import render_pdf
from reporting.tasks import render_report_pdf
from returns.models import ReportingPeriod

logger = logging.getLogger(__name__)


class IssueError(Exception):
    """The report cannot be issued now; the message is shown to the coordinator as it is."""


def request_pdf(period: ReportingPeriod, report: QuarterlyReport, *, retry: bool = False) -> ReportRender:
    """The render of this version of the report, queued if it has not been made yet.

    A failed render is tried again only when asked (`retry`), so a page polling for progress does not
    queue the same failure over and over; a render nobody is making any more (its worker died, or lost
    its connection) or whose file has gone from storage is queued again.
    """
    render, created = ReportRender.objects.get_or_create(
        period=period, fingerprint=report.fingerprint, defaults={"requested_on": report.generated_on}
    )
    lost = render.state == RenderState.READY and not (
        render.file and render.file.storage.exists(render.file.name)
    )
    again = (
        (retry and render.state in (RenderState.FAILED, RenderState.SUPERSEDED))
        or render.is_abandoned(timezone.now())
        or lost
    )
    if again:
        render.state = RenderState.QUEUED
        render.error = ""
        render.requested_on = report.generated_on
        render.save(update_fields=["state", "error", "requested_on", "updated_at"])
    if created or again:
        # With the database backend this row and the task commit together; the immediate backend makes
        # the PDF here and now.
        render_report_pdf.enqueue(render.pk)
        render.refresh_from_db()
    return render


def issue_report(period: ReportingPeriod, user, *, today: date, fingerprint: str = "") -> IssuedReport:
    """Keep a copy of the report's PDF as issued to the SEG: who issued it, when, from which figures.

    `fingerprint` is the version the coordinator was looking at; if the figures have changed since, the
    report is not issued, so nobody issues something they have not seen. Each version is issued once: the
    period's row is locked while a copy is made, so a second click (or a second coordinator) waits, then
    is told it has been issued. The PDF comes from the cached render where there is one, and is made here
    otherwise (issuing is rare and the coordinator waits).
    """
    if not roles.is_coordinator(user, period.plan_year.partnership_id):
        raise IssueError("Only a CSP coordinator can issue the report.")
    report = build_quarterly_report(period, today=today)
    if fingerprint and fingerprint != report.fingerprint:
        raise IssueError(
            "The report has changed since you opened it: check the figures below, then issue it again."
        )
    with transaction.atomic():
        ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        earlier = IssuedReport.objects.filter(period=period, fingerprint=report.fingerprint).first()
        if earlier is not None:
            raise IssueError(
                f"This version of the report was already issued by {earlier.issued_by_name} at "
                f"{timezone.localtime(earlier.issued_at):%H:%M on %d %B %Y}: it is listed below."
            )
        issued = _issue(period, user, report)
    logger.info(
        "%s issued the SEG report for %s (%s)", issued.issued_by_name, period, report.fingerprint[:12]
    )
    return issued


def _issue(period: ReportingPeriod, user, report: QuarterlyReport) -> IssuedReport:
    render = ReportRender.objects.filter(
        period=period, fingerprint=report.fingerprint, state=RenderState.READY
    ).first()
    if render and render.file:
        with render.file.open("rb") as stored:
            content = stored.read()
    else:
        content = render_pdf(report)
    issued_at = timezone.now()
    issued = IssuedReport(
        period=period,
        sha256=hashlib.sha256(content).hexdigest(),
        fingerprint=report.fingerprint,
        figures_csv=exports.figures_csv(report),
        was_draft=report.is_draft,
        issued_by=user,
        issued_by_name=user.get_full_name() or user.get_username(),
        issued_at=issued_at,
    )
    issued.file.save(
        f"seg-report-{period.code}-issued-{issued_at:%Y%m%dT%H%M%S}.pdf", ContentFile(content), save=False
    )
    issued.save()
    return issued
