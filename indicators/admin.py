from django.contrib import admin

from csp.admin import PartnershipScoped
from csp.spreadsheets import SpreadsheetAdmin
from indicators.models import Indicator, Measure
from indicators.resources import IndicatorResource, MeasureResource


class MeasureInline(PartnershipScoped, admin.StackedInline):
    model = Measure
    extra = 0
    ordering = ("order",)
    autocomplete_fields = ("supplier",)
    fieldsets = (
        (None, {"fields": (("order", "code"), "name", ("unit", "polarity", "aggregation"), "supplier")}),
        ("A ratio's parts", {"fields": ("numerator_label", "denominator_label")}),
        (
            "Target",
            {
                "description": "Each kind of target takes only the fields it uses; the rest stay blank.",
                "fields": (
                    "target_kind",
                    ("target_value", "baseline_value", "baseline_year"),
                    ("change_percent", "due_date"),
                    ("band_percent", "range_low", "range_high"),
                    ("benchmark_group", "amber_threshold_percent"),
                ),
            },
        ),
        ("Source", {"fields": ("data_source", "caveats")}),
    )


@admin.register(Indicator)
class IndicatorAdmin(PartnershipScoped, SpreadsheetAdmin):
    resource_classes = [IndicatorResource]
    list_display = ("code", "short_text", "priority", "benchmark_text", "benchmark_kind", "agencies")
    list_filter = ("priority__plan_year", "priority", "benchmark_kind", "responsible_agencies")
    search_fields = ("code", "text", "measure_text", "benchmark_text", "responsible_as_printed")
    ordering = ("priority__plan_year", "priority__order", "order")
    list_select_related = ("priority",)
    filter_horizontal = ("responsible_agencies",)
    inlines = [MeasureInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("responsible_agencies")

    @admin.display(description="indicator")
    def short_text(self, obj: Indicator) -> str:
        return obj.text if len(obj.text) <= 90 else obj.text[:89] + "…"

    @admin.display(description="responsible")
    def agencies(self, obj: Indicator) -> str:
        return ", ".join(a.display_name for a in obj.responsible_agencies.all())


@admin.register(Measure)
class MeasureAdmin(PartnershipScoped, SpreadsheetAdmin):
    resource_classes = [MeasureResource]
    list_display = (
        "code",
        "name",
        "unit",
        "aggregation",
        "polarity",
        "target_kind",
        "target_value",
        "supplier",
    )
    list_filter = (
        "indicator__priority__plan_year",
        "unit",
        "aggregation",
        "polarity",
        "target_kind",
        "supplier",
    )
    search_fields = ("code", "name", "indicator__text", "data_source", "caveats")
    ordering = ("indicator__priority__plan_year", "indicator__priority__order", "indicator__order", "order")
    list_select_related = ("supplier", "indicator")
    autocomplete_fields = ("supplier", "indicator")
