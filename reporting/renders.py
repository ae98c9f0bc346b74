"""Making a report's PDF for a queued render: the body of the task in `reporting.tasks`.

A render is keyed by the report's fingerprint: if the figures changed while it waited, the render is
superseded rather than made from figures nobody asked for. Once a render is ready, older ones are deleted.
"""

import logging

from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from reporting.builder import build_quarterly_report
from reporting.models import RenderState, ReportRender
from reporting.pdf import render_pdf

logger = logging.getLogger(__name__)


def make_pdf(render_id: int) -> None:
    """Render the PDF for a queued render (the task's body).

    The render is marked running where every page can see it, then made in a transaction that holds its
    row lock throughout: if the worker is killed or its connection drops, the lock goes with it, and the
    next request for the PDF sees that nobody is making it (`ReportRender.is_abandoned`) and queues it
    again. A failure is recorded where the database still answers; where it does not, that lock says it.
    """
    with transaction.atomic():
        render = ReportRender.objects.select_for_update().get(pk=render_id)
        if not render.is_pending:
            return  # made, failed or superseded since it was queued (a second task for the same render)
        render.state = RenderState.RUNNING
        render.started_at = timezone.now()
        render.save(update_fields=["state", "started_at", "updated_at"])
    try:
        with transaction.atomic():
            render = ReportRender.objects.select_for_update().select_related("period").get(pk=render_id)
            if render.state != RenderState.RUNNING:
                return
            _make(render)
    except Exception as error:
        logger.exception("The PDF of render %s could not be made", render_id)
        _record_failure(render_id, f"{type(error).__name__}: {error}")
        raise
    if render.state == RenderState.READY:
        _delete_other_renders(render)


def _make(render: ReportRender) -> None:
    report = build_quarterly_report(render.period, today=render.requested_on)
    if report.fingerprint != render.fingerprint:
        # The figures changed while this waited; the next request asks for the new version.
        _finish(render, RenderState.SUPERSEDED, "The figures changed before the PDF was made.")
        return
    content = render_pdf(report)
    render.file.save(
        f"seg-report-{render.period.code}-{render.fingerprint[:12]}.pdf", ContentFile(content), save=False
    )
    _finish(render, RenderState.READY, "")


def _record_failure(render_id: int, error: str) -> None:
    try:
        if connection.needs_rollback or not connection.is_usable():
            connection.close()  # a dropped connection: the next query opens a new one, if it can
        render = ReportRender.objects.get(pk=render_id)
        _finish(render, RenderState.FAILED, error)
    except DatabaseError:
        logger.warning("Render %s stays running until a request finds nobody making it", render_id)


def _finish(render: ReportRender, state: RenderState, error: str) -> None:
    render.state = state
    render.error = error[:2000]
    render.finished_at = timezone.now()
    render.save(update_fields=["state", "error", "file", "finished_at", "updated_at"])


def _delete_other_renders(current: ReportRender) -> None:
    """Once the current PDF is ready, every other render of the period goes, with its file: earlier
    figures' PDFs, failures, and renders abandoned by a dead worker; one still being made is left to
    finish. Issued copies are separate files, untouched."""
    now = timezone.now()
    for render in ReportRender.objects.filter(period_id=current.period_id).exclude(pk=current.pk):
        if render.is_pending and not render.is_abandoned(now):
            continue
        if render.file:
            render.file.delete(save=False)
        render.delete()
