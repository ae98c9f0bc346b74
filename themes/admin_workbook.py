"""The plan workbook in the admin: import (upload, preview, confirm), export, and the blank template.

Hooked into `PlanYearAdmin` (themes/admin.py, registered by returns/admin.py) by `urls()` and
`export_workbook_action`; the import itself is the model admin's `import_plan`, which adds the plan's
reporting periods.

Between preview and confirm, the uploaded file waits in default storage under a random name, and that
name lives only in the uploader's session (which is server-side), with the file's SHA-256. So a confirm
imports exactly the file that was previewed, and only for the person who previewed it. Asking for the
file again on confirm would let the confirmed file differ from the previewed one; keeping the bytes in the
session would write up to 5 MB to the session table on every request.
"""

import hashlib
import secrets
from datetime import timedelta
from functools import update_wrapper

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from csp import roles
from csp.models import PlanYear
from csp.resources import administered_slugs
from csp.upload_guard import MAX_UPLOAD_BYTES, RefusedFile, check_bytes, read_upload
from themes import workbook, workbook_export
from themes.import_report import ImportReport

PENDING_DIR = "plan-imports"
SESSION_KEY = "plan_workbook_import"
STALE_AFTER = timedelta(hours=6)
MULTIPART_SLACK = 64 * 1024
"""What a multipart request adds around the file: the form's other fields and boundaries."""
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT_PERMISSIONS = tuple(
    f"{app}.{action}_{model}"
    for app, model in (
        ("csp", "partnership"),
        ("csp", "planyear"),
        ("themes", "priority"),
        ("themes", "keytheme"),
        ("themes", "deliverable"),
        ("themes", "milestone"),
        ("csp", "agency"),
        ("indicators", "indicator"),
        ("indicators", "measure"),
    )
    for action in ("add", "change")
)


class UploadForm(forms.Form):
    workbook = forms.FileField(
        label="Plan workbook",
        help_text="An .xlsx workbook, or a .zip of its CSV files; at most "
        f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MB.",
    )


def urls(model_admin) -> list:
    def view(func):
        def wrapper(request, *args, **kwargs):
            return func(request, model_admin, *args, **kwargs)

        return model_admin.admin_site.admin_view(update_wrapper(wrapper, func))

    return [
        path("import-workbook/", view(import_workbook), name="csp_planyear_import_workbook"),
        path("import-workbook/confirm/", view(confirm_import), name="csp_planyear_confirm_import"),
        path("workbook-template/", view(download_template), name="csp_planyear_workbook_template"),
        path("<int:object_id>/export-workbook/", view(export_workbook), name="csp_planyear_export_workbook"),
    ]


def _may_import(request: HttpRequest) -> None:
    """Superusers (and anyone given every plan permission), and partnership administrators, for their own
    partnerships' plans (`_allowed`)."""
    if not (
        request.user.has_perms(IMPORT_PERMISSIONS) or roles.partnership_ids(request.user, roles.ADMINISTRATOR)
    ):
        raise PermissionDenied


def _allowed(request: HttpRequest) -> set[str] | None:
    return None if request.user.has_perms(IMPORT_PERMISSIONS) else administered_slugs(request.user)


def _page(request, model_admin, template: str, context: dict, status: int = 200) -> TemplateResponse:
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "max_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
        **context,
    }
    return TemplateResponse(request, f"admin/csp/planyear/{template}", context, status=status)


@csrf_exempt  # the request's size is checked before its body is read; CSRF is checked straight after
def import_workbook(request: HttpRequest, model_admin) -> HttpResponse:
    """Upload a workbook and preview everything the import would do."""
    _may_import(request)
    if request.method == "POST":
        length = request.META.get("CONTENT_LENGTH") or "0"
        if not length.isdigit() or int(length) > MAX_UPLOAD_BYTES + MULTIPART_SLACK:
            too_large = (
                f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB, the largest accepted."
            )
            context = {"form": UploadForm(), "refused": too_large}
            return _page(request, model_admin, "import_workbook.html", context, status=413)
    return csrf_protect(_upload)(request, model_admin)


def _upload(request: HttpRequest, model_admin) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _page(request, model_admin, "import_workbook.html", {"form": form})
    upload = form.cleaned_data["workbook"]
    try:
        checked = read_upload(upload, upload.name)
        book = workbook.read(checked)
    except RefusedFile as refused:
        form.add_error("workbook", str(refused))
        return _page(request, model_admin, "import_workbook.html", {"form": form})
    report = model_admin.import_plan(book, dry_run=True, partnerships=_allowed(request))
    token = _keep(request, checked.data, upload.name) if report.ok and report.changes_anything else None
    return _preview(request, model_admin, report, upload.name, token)


def _preview(request, model_admin, report: ImportReport, name: str, token: str | None) -> HttpResponse:
    return _page(
        request,
        model_admin,
        "import_preview.html",
        {"report": report, "sections": report.by_sheet(), "file_name": name, "token": token},
    )


@require_POST
def confirm_import(request: HttpRequest, model_admin) -> HttpResponse:
    """Import the file that was previewed, as it was previewed."""
    _may_import(request)
    pending = request.session.get(SESSION_KEY)
    data = _take(request, pending) if pending and request.POST.get("token") == pending["token"] else None
    if data is None:
        messages.error(request, "There is no previewed workbook to import: upload it again.")
        return redirect("admin:csp_planyear_import_workbook")
    try:
        report = model_admin.import_plan(
            workbook.read(check_bytes(data, pending["name"])), partnerships=_allowed(request)
        )
    except RefusedFile as refused:
        messages.error(request, str(refused))
        return redirect("admin:csp_planyear_import_workbook")
    if not report.applied:
        return _preview(request, model_admin, report, pending["name"], None)
    plan_year = PlanYear.objects.get(pk=report.plan_year_id)
    message = f"Imported from the plan workbook {pending['name']}: {report.summary()}"
    created = any(c.sheet == workbook.PLAN.title and c.item.startswith("plan year") for c in report.created)
    (model_admin.log_addition if created else model_admin.log_change)(request, plan_year, message)
    messages.success(request, report.summary())
    return redirect("admin:csp_planyear_change", plan_year.pk)


def _keep(request: HttpRequest, data: bytes, name: str) -> str:
    """Keep a previewed upload until it is confirmed; returns the token the confirm form sends back."""
    _discard(request)
    _remove_stale()
    token = secrets.token_urlsafe(24)
    stored = default_storage.save(f"{PENDING_DIR}/{token}.upload", ContentFile(data))
    request.session[SESSION_KEY] = {
        "token": token,
        "path": stored,
        "name": name,
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    return token


def _take(request: HttpRequest, pending: dict) -> bytes | None:
    """The kept upload, once: it is removed whatever happens next."""
    try:
        with default_storage.open(pending["path"], "rb") as file:
            data = file.read(MAX_UPLOAD_BYTES + 1)
    except OSError:
        data = None
    _discard(request)
    if data is None or hashlib.sha256(data).hexdigest() != pending["sha256"]:
        return None
    return data


def _discard(request: HttpRequest) -> None:
    pending = request.session.pop(SESSION_KEY, None)
    if pending:
        default_storage.delete(pending["path"])


def _remove_stale() -> None:
    """Previews nobody confirmed: gone after a few hours."""
    try:
        names = default_storage.listdir(PENDING_DIR)[1]
    except (FileNotFoundError, NotImplementedError):
        return
    cutoff = timezone.now() - STALE_AFTER
    for name in names:
        stored = f"{PENDING_DIR}/{name}"
        try:
            if default_storage.get_modified_time(stored) < cutoff:
                default_storage.delete(stored)
        except (FileNotFoundError, NotImplementedError):
            continue


def _attachment(data: bytes, content_type: str, filename: str) -> HttpResponse:
    return HttpResponse(
        data, content_type=content_type, headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


def workbook_response(plan_year: PlanYear, fmt: str = "xlsx") -> HttpResponse:
    rows = workbook_export.plan_rows(plan_year)
    stem = f"{plan_year.partnership.slug}-{plan_year.label}-plan"
    if fmt == "csv":
        return _attachment(workbook_export.write_csv_zip(rows), "application/zip", f"{stem}.zip")
    return _attachment(workbook_export.write_xlsx(rows), XLSX_TYPE, f"{stem}.xlsx")


def export_workbook(request: HttpRequest, model_admin, object_id: int) -> HttpResponse:
    plan_year = get_object_or_404(
        model_admin.get_queryset(request).select_related("partnership"), pk=object_id
    )
    if not model_admin.has_view_permission(request, plan_year):
        raise PermissionDenied
    return workbook_response(plan_year, request.GET.get("format", "xlsx"))


def download_template(request: HttpRequest, model_admin) -> HttpResponse:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    return _attachment(
        workbook_export.write_xlsx(workbook_export.blank_rows()), XLSX_TYPE, "plan-template.xlsx"
    )


@admin.action(description="Export the plan as a workbook (.xlsx)")
def export_workbook_action(model_admin, request, queryset):
    if queryset.count() != 1:
        model_admin.message_user(request, "Choose one plan year to export as a workbook.", messages.WARNING)
        return None
    return workbook_response(queryset.select_related("partnership").get())
