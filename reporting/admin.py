from django.contrib import admin

from csp.admin import ReadOnlyAdmin
from reporting.models import IssuedReport, ReportRender


@admin.register(IssuedReport)
class IssuedReportAdmin(ReadOnlyAdmin):
    """An issued report is kept exactly as it was issued."""

    list_display = ["period", "issued_at", "issued_by_name", "was_draft"]
    list_filter = ["was_draft"]


@admin.register(ReportRender)
class ReportRenderAdmin(ReadOnlyAdmin):
    """Cached PDFs: looked at to see why one failed; deleting one only means it is made again."""

    list_display = ["period", "state", "created_at", "finished_at"]
    list_filter = ["state"]
    allow_delete = True
