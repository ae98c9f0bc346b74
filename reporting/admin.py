"""The admin's spreadsheets in and out, and the records they fill: every figure (history imported or
entered by hand, a return's figures only read) and every action update, in the long format
(`reporting.figure_sheets`, `reporting.update_sheets`). Reports issued and PDFs made."""

from django import forms
from django.contrib import admin
from django.contrib.admin.options import ActionLocation, IncorrectLookupParameters
from django.utils.html import format_html

from csp.admin import PartnershipScoped, ReadOnlyAdmin
from csp.numbers import whole_number
from csp.spreadsheets import SpreadsheetAdmin
from indicators.quarters import Quarter
from indicators.values import FigureValues, figure_value_problems
from reporting.figure_sheets import FigureResource, history_quarter_problem
from reporting.models import IssuedReport, ReportRender
from reporting.update_sheets import DeliverableUpdateResource
from returns.admin import SubmissionAdmin
from returns.models import DeliverableUpdate, Figure


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


@admin.register(DeliverableUpdate)
class DeliverableUpdateAdmin(SpreadsheetAdmin, SubmissionAdmin):
    """Looked up here, and imported and exported in the long format as figures are: an import fills
    in updates their owners could still change, as drafts (`reporting.update_sheets`)."""

    resource_classes = [DeliverableUpdateResource]
    list_display = ("deliverable", "agency", "period", "state", "status", "updated_at")
    list_filter = ("period", "state", "status", "agency")
    search_fields = ("deliverable__text", "progress", "next_steps", "why", "recovery")
    list_select_related = ("deliverable__priority", "agency", "period__plan_year")


class FigureSourceFilter(admin.SimpleListFilter):
    title = "source"
    parameter_name = "source"

    def lookups(self, request, model_admin):
        return [("history", "History (imported)"), ("return", "From a return")]

    def queryset(self, request, queryset):
        if self.value() == "history":
            return queryset.filter(ret__isnull=True)
        if self.value() == "return":
            return queryset.filter(ret__isnull=False)
        return queryset


class FinancialYearFilter(admin.SimpleListFilter):
    title = "financial year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = model_admin.get_queryset(request).order_by("-year").values_list("year", flat=True).distinct()
        return [(year, Quarter(year, 1).financial_year_label) for year in years]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        year = whole_number(self.value())
        if year is None:
            raise IncorrectLookupParameters(
                f"The financial year must be a year like 2025, not {self.value()!r}."
            )
        return queryset.filter(year=year)


class HistoryFigureForm(forms.ModelForm):
    """History entered by hand follows the import's rules: before the plan year, right parts, sane values."""

    class Meta:
        model = Figure
        fields = ("measure", "year", "number", "value", "numerator", "denominator", "status", "benchmark")
        help_texts = {"year": "The year the financial year starts: 2025 for 2025-26.", "number": "1 to 4."}

    def clean(self):
        data = super().clean()
        measure, year, number = data.get("measure"), data.get("year"), data.get("number")
        if measure is None or year is None or number not in (1, 2, 3, 4):
            return data
        problem = history_quarter_problem(measure, Quarter(year, number))
        if problem:
            self.add_error("year", problem)
        values = FigureValues(
            data.get("value"),
            data.get("numerator"),
            data.get("denominator"),
            data.get("status") or "",
            data.get("benchmark"),
        )
        for field, message in figure_value_problems(measure, values).items():
            if field not in self.errors:
                self.add_error(field, message)
        return data


@admin.register(Figure)
class FigureAdmin(PartnershipScoped, SpreadsheetAdmin):
    """Every figure, history and returns; history can be imported and edited, a return's figures only read.

    Exporting from the unfiltered list gives all figures in the long format, returns included.
    """

    resource_classes = [FigureResource]
    form = HistoryFigureForm
    list_display = ("measure_code", "quarter", "value", "numerator", "denominator", "status", "source")
    list_filter = (
        FigureSourceFilter,
        FinancialYearFilter,
        "number",
        "measure__indicator__priority__plan_year",
        "measure__supplier",
    )
    search_fields = ("measure__code", "measure__name", "measure__indicator__code")
    list_select_related = ("measure", "ret__agency")
    ordering = ("measure__code", "year", "number")
    autocomplete_fields = ("measure",)
    fields = (
        "measure",
        ("year", "number"),
        "value",
        ("numerator", "denominator"),
        "status",
        "benchmark",
        "source_in_full",
    )
    readonly_fields = ("source_in_full",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(
                "measure__indicator__priority__plan_year__partnership", "measure__supplier", "ret__agency"
            )
        )

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        # A bulk delete would take returns' figures with it; history is deleted one figure at a time.
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)
        return actions

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.ret_id is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.ret_id is not None:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description="measure", ordering="measure__code")
    def measure_code(self, obj: Figure) -> str:
        return obj.measure.code

    @admin.display(ordering="year")
    def quarter(self, obj: Figure) -> str:
        return obj.quarter.code

    @admin.display(description="source")
    def source(self, obj: Figure) -> str:
        if obj.ret_id is None:
            return "History"
        return f"Return ({obj.ret.get_state_display().lower()})"

    @admin.display(description="source")
    def source_in_full(self, obj: Figure) -> str:
        if obj.pk is None or obj.ret_id is None:
            return "History: imported, or entered here, for a quarter before the plan year."
        return format_html(
            'From the return <a href="{}">{}</a> ({}). Change it through the return.',
            obj.ret.get_absolute_url(),
            obj.ret,
            obj.ret.get_state_display().lower(),
        )
