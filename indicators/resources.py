"""django-import-export resources for indicators and measures: CSV/XLSX rows that name things, not ids.

Every row carries its partnership (slug) and plan year (start year), so codes are looked up within that
plan only: two partnerships may both have an ASB-01.
"""

from import_export import fields
from import_export.widgets import ForeignKeyWidget

from csp.numbers import whole_number
from csp.resources import AgenciesWidget, AgencyWidget, AllOrNothingResource
from indicators.models import Indicator, Measure

# The plan's priorities, reached through the foreign key rather than imported: themes builds on indicators.
Priority = Indicator.priority.field.related_model


def _plan_filter(row, prefix: str) -> dict[str, object]:
    partnership = (row.get("partnership") or "").strip()
    typed = str(row.get("plan_year") or "").strip()
    if not partnership:
        raise ValueError("The partnership column is empty.")
    year = whole_number(typed)
    if year is None:
        raise ValueError(f"The plan_year column must be the year the plan starts, e.g. 2026, not {typed!r}.")
    return {f"{prefix}partnership__slug": partnership, f"{prefix}start_year": year}


class CodeWidget(ForeignKeyWidget):
    """A plan item by its code, within the row's plan year (`plan_year_path` leads there from the item)."""

    def __init__(self, model, plan_year_path: str) -> None:
        super().__init__(model, field="code")
        self.plan_year_path = plan_year_path

    def get_queryset(self, value, row, *args, **kwargs):
        return self.model.objects.filter(**_plan_filter(row, f"{self.plan_year_path}__"))

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            noun = self.model._meta.verbose_name
            raise ValueError(f"No {noun} with the code {value!r} in this plan year.") from None


class IndicatorResource(AllOrNothingResource):
    partnership = fields.Field(
        attribute="priority__plan_year__partnership__slug", column_name="partnership", readonly=True
    )
    plan_year = fields.Field(
        attribute="priority__plan_year__start_year", column_name="plan_year", readonly=True
    )
    priority = fields.Field(
        attribute="priority", column_name="priority", widget=CodeWidget(Priority, "plan_year")
    )
    responsible_agencies = fields.Field(
        attribute="responsible_agencies", column_name="responsible_agencies", widget=AgenciesWidget()
    )

    class Meta:
        model = Indicator
        fields = (
            "partnership",
            "plan_year",
            "priority",
            "code",
            "order",
            "reference",
            "text",
            "measure_text",
            "benchmark_text",
            "benchmark_kind",
            "responsible_as_printed",
            "responsible_agencies",
        )
        import_id_fields = ("priority", "code")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        return super().get_queryset().select_related("priority__plan_year__partnership")


class MeasureResource(AllOrNothingResource):
    partnership = fields.Field(
        attribute="indicator__priority__plan_year__partnership__slug",
        column_name="partnership",
        readonly=True,
    )
    plan_year = fields.Field(
        attribute="indicator__priority__plan_year__start_year", column_name="plan_year", readonly=True
    )
    indicator = fields.Field(
        attribute="indicator", column_name="indicator", widget=CodeWidget(Indicator, "priority__plan_year")
    )
    supplier = fields.Field(attribute="supplier", column_name="supplier", widget=AgencyWidget())

    class Meta:
        model = Measure
        fields = (
            "partnership",
            "plan_year",
            "indicator",
            "code",
            "order",
            "name",
            "unit",
            "polarity",
            "aggregation",
            "supplier",
            "target_kind",
            "target_value",
            "baseline_value",
            "baseline_year",
            "change_percent",
            "due_date",
            "band_percent",
            "range_low",
            "range_high",
            "benchmark_group",
            "amber_threshold_percent",
            "data_source",
            "caveats",
        )
        import_id_fields = ("indicator", "code")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("indicator__priority__plan_year__partnership", "supplier__partnership")
        )
