"""Making the report's PDF off the request path, and issuing it to the SEG.

A PDF takes seconds to make, so the web request asks for one (`request_pdf`) and the Tasks framework
makes it (`make_pdf`, run by `reporting.tasks`): at once with the immediate backend, or by a worker with
the database backend. A render is keyed by the report's fingerprint, so the same figures are rendered
once and the file is reused until anything the report prints changes.
"""

import hashlib
import logging
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from csp import roles
from indicators.models import ReportingPeriod
from reporting import exports
from reporting.builder import QuarterlyReport, build_quarterly_report
from reporting.models import IssuedReport, RenderState, ReportRender
from reporting.pdf import render_pdf

logger = logging.getLogger(__name__)


class IssueError(Exception):
    """The report cannot be issued now; the message is shown to the coordinator as it is."""


def request_pdf(period: ReportingPeriod, report: QuarterlyReport, *, retry: bool = False) -> ReportRender:
    """The render of this version of the report, queued if it has not been made yet.

    A failed render is tried again only when asked (`retry`), so a page polling for progress does not
    queue the same failure over and over; a render lost by a dead worker, or whose file has gone from
    storage, is queued again.
    """
    from reporting.tasks import render_report_pdf

    render, created = ReportRender.objects.get_or_create(
        period=period, fingerprint=report.fingerprint, defaults={"requested_on": report.generated_on}
    )
    lost = render.state == RenderState.READY and not (
        render.file and render.file.storage.exists(render.file.name)
    )
    again = (
        (retry and render.state in (RenderState.FAILED, RenderState.SUPERSEDED))
        or render.is_stuck(timezone.now())
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


def make_pdf(render_id: int) -> None:
    """Render the PDF for a queued render (the task's body)."""
    with transaction.atomic():
        render = ReportRender.objects.select_for_update().select_related("period").get(pk=render_id)
        if render.state == RenderState.READY:
            return
        render.state = RenderState.RUNNING
        render.started_at = timezone.now()
        render.save(update_fields=["state", "started_at", "updated_at"])
    try:
        report = build_quarterly_report(render.period, today=render.requested_on)
        if report.fingerprint != render.fingerprint:
            # The figures changed while this waited; the next request asks for the new version.
            _finish(render, RenderState.SUPERSEDED, "The figures changed before the PDF was made.")
            return
        content = render_pdf(report)
    except Exception as error:
        logger.exception("The PDF of %s could not be made", render.period)
        _finish(render, RenderState.FAILED, f"{type(error).__name__}: {error}")
        raise
    render.file.save(
        f"seg-report-{render.period.code}-{render.fingerprint[:12]}.pdf", ContentFile(content), save=False
    )
    _finish(render, RenderState.READY, "")
    _delete_older_renders(render)


def _finish(render: ReportRender, state: RenderState, error: str) -> None:
    render.state = state
    render.error = error[:2000]
    render.finished_at = timezone.now()
    render.save(update_fields=["state", "error", "file", "finished_at", "updated_at"])


def _delete_older_renders(current: ReportRender) -> None:
    """Cached PDFs of earlier figures are of no use once the current one is ready (issued copies are
    separate files, untouched)."""
    older = ReportRender.objects.filter(period_id=current.period_id).exclude(pk=current.pk)
    for render in older.exclude(state__in=(RenderState.QUEUED, RenderState.RUNNING)):
        if render.file:
            render.file.delete(save=False)
        render.delete()


def issue_report(period: ReportingPeriod, user, *, today: date, fingerprint: str = "") -> IssuedReport:
    """Keep a copy of the report's PDF as issued to the SEG: who issued it, when, from which figures.

    `fingerprint` is the version the coordinator was looking at; if the figures have changed since, the
    report is not issued, so nobody issues something they have not seen. The PDF comes from the cached
    render where there is one, and is made here otherwise (issuing is rare and the coordinator waits).
    """
    if not roles.is_coordinator(user):
        raise IssueError("Only a CSP coordinator can issue the report.")
    report = build_quarterly_report(period, today=today)
    if fingerprint and fingerprint != report.fingerprint:
        raise IssueError(
            "The report has changed since you opened it: check the figures below, then issue it again."
        )
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
    with transaction.atomic():
        issued.file.save(
            f"seg-report-{period.code}-issued-{issued_at:%Y%m%dT%H%M%S}.pdf", ContentFile(content), save=False
        )
        issued.save()
    logger.info(
        "%s issued the SEG report for %s (%s)", issued.issued_by_name, period, report.fingerprint[:12]
    )
    return issued
