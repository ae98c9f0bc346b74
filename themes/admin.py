from django.contrib import admin

from csp.admin import PartnershipScoped, ScopedAdmin
from indicators.models import Indicator
from themes import admin_workbook
from themes.models import Deliverable, KeyTheme, Milestone, Priority
from themes.plan_import import import_plan


class ThemeChoiceInline(PartnershipScoped, admin.TabularInline):
    """An inline on a priority's page whose `theme_field` offers only that priority's key themes."""

    theme_field = ""
    top_level_only = False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        priority_id = request.resolver_match and request.resolver_match.kwargs.get("object_id")
        if db_field.name == self.theme_field and priority_id:
            themes = KeyTheme.objects.filter(priority_id=priority_id)
            kwargs["queryset"] = themes.filter(parent__isnull=True) if self.top_level_only else themes
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class KeyThemeInline(ThemeChoiceInline):
    model = KeyTheme
    extra = 0
    fields = ("order", "reference", "text", "parent")
    ordering = ("order",)
    theme_field = "parent"
    top_level_only = True  # themes nest one level


class DeliverableInline(ThemeChoiceInline):
    model = Deliverable
    extra = 0
    fields = ("order", "reference", "text", "lead_agency", "owner", "due_date", "delivers_theme")
    ordering = ("order",)
    autocomplete_fields = ("lead_agency", "owner")
    theme_field = "delivers_theme"
    show_change_link = True  # milestones are edited on the deliverable's own page


class MilestoneInline(PartnershipScoped, admin.TabularInline):
    model = Milestone
    extra = 1
    fields = ("order", "text", "due_date")
    ordering = ("order",)


class IndicatorInline(PartnershipScoped, admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ("order", "code", "reference", "text", "benchmark_text", "benchmark_kind")
    ordering = ("order",)
    show_change_link = True


@admin.register(Priority)
class PriorityAdmin(ScopedAdmin):
    list_display = ("title", "code", "reference", "order", "plan_year", "led_by")
    list_filter = ("plan_year",)
    search_fields = ("title", "code", "led_by")
    ordering = ("plan_year", "order")
    list_select_related = ("plan_year__partnership",)
    inlines = [KeyThemeInline, DeliverableInline, IndicatorInline]


@admin.register(KeyTheme)
class KeyThemeAdmin(ScopedAdmin):
    list_display = ("__str__", "priority", "order", "parent")
    list_filter = ("priority__plan_year", "priority")
    search_fields = ("text",)
    ordering = ("priority", "order")
    list_select_related = ("priority", "parent")
    raw_id_fields = ("parent",)


@admin.register(Deliverable)
class DeliverableAdmin(ScopedAdmin):
    list_display = ("__str__", "priority", "order", "lead_agency", "owner", "due_date")
    list_filter = ("priority__plan_year", "priority", "lead_agency", "owner")
    search_fields = ("text",)
    ordering = ("priority", "order")
    list_select_related = ("priority", "lead_agency", "owner")
    autocomplete_fields = ("lead_agency", "owner")
    raw_id_fields = ("delivers_theme",)
    inlines = [MilestoneInline]


class PlanYearAdmin(ScopedAdmin):
    """Plan years with the plan workbook. Registered by `returns.admin`, which adds their periods: a plan
    added here or imported comes with them, and themes cannot import the app they belong to."""

    list_display = ("__str__", "partnership", "start_year", "end_year", "title")
    list_filter = ("partnership",)
    search_fields = ("title", "partnership__name")
    ordering = ("partnership__name", "-start_year")
    list_select_related = ("partnership",)
    actions = [admin_workbook.export_workbook_action]

    def get_urls(self):
        # The plan workbook: import with preview, export, blank template (themes/admin_workbook.py).
        return admin_workbook.urls(self) + super().get_urls()

    def import_plan(self, book, **options):
        """The workbook import the admin's pages run (`themes.plan_import.import_plan`'s arguments)."""
        return import_plan(book, **options)
