from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from csp.models import Agency, EnrolmentCode, Membership, Partnership, PlanYear
from csp.resources import AgencyResource
from csp.spreadsheets import SpreadsheetAdmin
from csp.two_factor import CODE_LIFETIME, issue_enrolment_code


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that change only through the app's own services (or never): look, do not touch."""

    allow_delete = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.allow_delete and super().has_delete_permission(request, obj)


class PlanYearInline(admin.TabularInline):
    model = PlanYear
    extra = 0
    fields = ("start_year", "title")
    show_change_link = True


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "protective_marking")
    search_fields = ("name", "vision")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [PlanYearInline]


@admin.register(Agency)
class AgencyAdmin(SpreadsheetAdmin):
    resource_classes = [AgencyResource]
    list_display = ("name", "short_name", "partnership")
    list_filter = ("partnership",)
    search_fields = ("name", "short_name", "other_names")
    ordering = ("partnership", "name")
    list_select_related = ("partnership",)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ("agency",)
    verbose_name = "agency membership"


admin.site.unregister(User)


@admin.register(User)
class CspUserAdmin(UserAdmin):
    """Users with their agency memberships, which decide the returns an officer sees."""

    inlines = [MembershipInline]
    actions = ["issue_two_factor_code"]
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "roles")
    list_filter = ("groups", "is_staff", "is_active", "memberships__agency")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="roles")
    def roles(self, obj) -> str:
        return ", ".join(g.name for g in obj.groups.all())

    @admin.action(description="Issue a two-factor set-up code (removes their authenticator)")
    def issue_two_factor_code(self, request, queryset):
        """Codes are shown on the page this returns, once, and are not kept anywhere in the clear."""
        if not request.user.has_perm("csp.add_enrolmentcode"):
            raise PermissionDenied
        codes = [(user, issue_enrolment_code(user, request.user)) for user in queryset.order_by("username")]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Two-factor set-up codes",
            "codes": codes,
            "days": CODE_LIFETIME.days,
        }
        return TemplateResponse(request, "admin/csp/two_factor_codes.html", context)


@admin.register(EnrolmentCode)
class EnrolmentCodeAdmin(ReadOnlyAdmin):
    """Who was given a set-up code, by whom, and whether it was used: codes are issued from Users."""

    list_display = ("user", "issued_by", "issued_at", "expires_at", "used_at")
    exclude = ("code_hash",)

    def get_readonly_fields(self, request, obj=None):
        return [f for f in super().get_readonly_fields(request, obj) if f != "code_hash"]
