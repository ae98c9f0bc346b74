from django.contrib import admin

from csp.models import Partnership, PlanYear


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


@admin.register(PlanYear)
class PlanYearAdmin(admin.ModelAdmin):
    list_display = ("__str__", "partnership", "start_year", "title")
    list_filter = ("partnership",)
    search_fields = ("title", "partnership__name")
    ordering = ("partnership__name", "-start_year")
    list_select_related = ("partnership",)
