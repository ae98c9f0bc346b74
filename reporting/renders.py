"""Making a report's PDF for a queued render: the body of the task in `reporting.tasks`.

A render is keyed by the report's fingerprint: if the figures changed while it waited, the render is
superseded rather than made from figures nobody asked for. Once a render is ready, older ones are deleted.
"""

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from reporting.builder import build_quarterly_report
from reporting.models import RenderState, ReportRender
from reporting.pdf import render_pdf

logger = logging.getLogger(__name__)


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
