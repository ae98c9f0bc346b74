"""PDFs of the quarterly report: the cached render of the current figures, and copies issued to the SEG."""

from datetime import timedelta

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

RENDER_STUCK_AFTER = timedelta(minutes=15)
"""A render queued for longer than this with no worker taking it is queued again."""
RENDER_GRACE = timedelta(seconds=10)
"""A render that has just started is left alone: its renderer may not have locked it yet."""
RENDER_TIMEOUT = timedelta(minutes=2)
"""Where the database cannot say whether a renderer still holds a running render (SQLite has no row
locks), a render running longer than this is taken as lost. A report's PDF takes seconds."""


class RenderState(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being made"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"
    SUPERSEDED = "superseded", "Superseded by newer figures"


class ReportRender(models.Model):
    """The PDF made from one version of a period's report, reused until anything it prints changes.

    `fingerprint` is `QuarterlyReport.fingerprint`: a digest of every figure, return and text the report
    prints. A new fingerprint means a new render; the old ones are deleted once it is ready.
    """

    partnership_path = "period__plan_year__partnership"

    period = models.ForeignKey("returns.ReportingPeriod", on_delete=models.CASCADE, related_name="renders")
    fingerprint = models.CharField(max_length=64)
    requested_on = models.DateField(
        help_text="The day the report was built for: it decides which returns are late."
    )
    state = models.CharField(max_length=12, choices=RenderState, default=RenderState.QUEUED)
    file = models.FileField(upload_to="reports/renders/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["period", "fingerprint"], name="one_render_per_report_version"),
        ]

    def __str__(self) -> str:
        return f"{self.period} ({self.get_state_display().lower()})"

    @property
    def is_ready(self) -> bool:
        return self.state == RenderState.READY and bool(self.file)

    @property
    def is_pending(self) -> bool:
        return self.state in (RenderState.QUEUED, RenderState.RUNNING)

    def is_abandoned(self, now) -> bool:
        """Pending with nobody making it: queued for too long, or running but its renderer is gone.

        A renderer holds the render's row lock from start to finish (`reporting.renders.make_pdf`), and a
        killed worker or a dropped connection releases it: on PostgreSQL a running render whose row can be
        locked now is one nobody is making, known at once rather than after a timeout.
        """
        if self.state == RenderState.QUEUED:
            return now - self.updated_at > RENDER_STUCK_AFTER
        if self.state != RenderState.RUNNING:
            return False
        running_for = now - (self.started_at or self.updated_at)
        if running_for < RENDER_GRACE:
            return False
        if not connection.features.has_select_for_update_skip_locked:
            return running_for > RENDER_TIMEOUT
        with transaction.atomic():
            unheld = ReportRender.objects.select_for_update(skip_locked=True).filter(pk=self.pk)
            return bool(unheld.values_list("pk", flat=True))

    @property
    def seconds_waiting(self) -> int:
        return max(0, int((timezone.now() - (self.started_at or self.created_at)).total_seconds()))


class IssuedReport(models.Model):
    """A PDF of the report as it was issued for a SEG meeting, kept exactly as it was.

    Written once and never changed: the file is a copy of its own (deleting cached renders leaves it
    alone), `sha256` proves the file is the one issued, and `figures_csv` keeps the figures it was built
    from in the export's long format. `fingerprint` ties it to the render it came from.
    """

    partnership_path = "period__plan_year__partnership"

    period = models.ForeignKey(
        "returns.ReportingPeriod", on_delete=models.PROTECT, related_name="issued_reports"
    )
    file = models.FileField(upload_to="reports/issued/")
    sha256 = models.CharField("SHA-256 of the file", max_length=64)
    fingerprint = models.CharField(
        max_length=64, help_text="The fingerprint of the figures the PDF was built from."
    )
    figures_csv = models.TextField(
        "figures as issued", help_text="The period's figures in the CSV export's format."
    )
    was_draft = models.BooleanField(
        help_text="Whether some return was not yet approved, so the PDF says DRAFT."
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="issued_reports"
    )
    issued_by_name = models.CharField(max_length=300, help_text="Kept in case the user account is removed.")
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"{self.period} issued {timezone.localtime(self.issued_at):%d %B %Y %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("An issued report is never changed; issue a new one instead.")
        super().save(*args, **kwargs)

    @property
    def filename(self) -> str:
        board = self.period.plan_year.partnership.board_slug
        issued = timezone.localtime(self.issued_at)
        return f"{board}-report-{self.period.code}-issued-{issued:%Y%m%d-%H%M}.pdf"
