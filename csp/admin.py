from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from csp.models import Agency, Membership, Partnership, PlanYear
from csp.resources import AgencyResource
from csp.spreadsheets import SpreadsheetAdmin


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
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "roles")
    list_filter = ("groups", "is_staff", "is_active", "memberships__agency")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="roles")
    def roles(self, obj) -> str:
        return ", ".join(g.name for g in obj.groups.all())
