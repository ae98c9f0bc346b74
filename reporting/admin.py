from django.contrib import admin

from reporting.models import IssuedReport, ReportRender


@admin.register(IssuedReport)
class IssuedReportAdmin(admin.ModelAdmin):
    """Read only: an issued report is kept exactly as it was issued."""

    list_display = ["period", "issued_at", "issued_by_name", "was_draft"]
    list_filter = ["was_draft"]
    readonly_fields = [f.name for f in IssuedReport._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReportRender)
class ReportRenderAdmin(admin.ModelAdmin):
    """Cached PDFs: looked at to see why one failed; deleting one only means it is made again."""

    list_display = ["period", "state", "created_at", "finished_at"]
    list_filter = ["state"]
    readonly_fields = [f.name for f in ReportRender._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
