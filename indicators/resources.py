"""django-import-export resources: plan content as CSV/XLSX rows that name things, not database ids.

Every row carries its partnership (slug) and plan year (start year), so names and codes are looked up
within that plan only: two partnerships may both have a "Medway Council" or an ASB-01.
"""

from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget, ManyToManyWidget

from csp.models import Partnership
from indicators.models import Agency, Indicator, Measure
from themes.models import Priority


def _plan_filter(row, prefix: str) -> dict[str, object]:
    partnership = (row.get("partnership") or "").strip()
    year = str(row.get("plan_year") or "").strip()
    if not partnership:
        raise ValueError("The partnership column is empty.")
    if not year.isdigit():
        raise ValueError(f"The plan_year column must be the year the plan starts, e.g. 2026, not {year!r}.")
    return {f"{prefix}partnership__slug": partnership, f"{prefix}start_year": int(year)}


def _find_agency(name: str, partnership_slug: str) -> Agency:
    wanted = " ".join(name.split()).casefold()
    for agency in Agency.objects.filter(partnership__slug=partnership_slug):
        if wanted in agency.known_names():
            return agency
    raise ValueError(f"No agency called {name!r} in partnership {partnership_slug!r}.")


class PartnershipWidget(ForeignKeyWidget):
    def __init__(self) -> None:
        super().__init__(Partnership, field="slug")

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except Partnership.DoesNotExist:
            raise ValueError(f"No partnership with the slug {value!r}.") from None


class AgencyWidget(ForeignKeyWidget):
    """An agency by any of its names, within the row's partnership."""

    def __init__(self) -> None:
        super().__init__(Agency, field="name")

    def clean(self, value, row=None, **kwargs):
        if not value:
            return None
        return _find_agency(str(value), (row.get("partnership") or "").strip())


class AgenciesWidget(ManyToManyWidget):
    """Agencies separated by semicolons; an unknown name is an error, never silently dropped."""

    def __init__(self) -> None:
        super().__init__(Agency, separator=";", field="name")

    def clean(self, value, row=None, **kwargs):
        names = [n.strip() for n in str(value or "").split(self.separator) if n.strip()]
        if not names:
            raise ValueError("Name at least one responsible agency.")
        slug = (row.get("partnership") or "").strip()
        ids = [_find_agency(name, slug).pk for name in names]
        return Agency.objects.filter(pk__in=ids)


class PriorityWidget(ForeignKeyWidget):
    """A priority by its code, within the row's plan year."""

    def __init__(self) -> None:
        super().__init__(Priority, field="code")

    def get_queryset(self, value, row, *args, **kwargs):
        return Priority.objects.filter(**_plan_filter(row, "plan_year__"))

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except Priority.DoesNotExist:
            raise ValueError(f"No priority with the code {value!r} in this plan year.") from None


class IndicatorWidget(ForeignKeyWidget):
    """An indicator by its code, within the row's plan year."""

    def __init__(self) -> None:
        super().__init__(Indicator, field="code")

    def get_queryset(self, value, row, *args, **kwargs):
        return Indicator.objects.filter(**_plan_filter(row, "priority__plan_year__"))

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except Indicator.DoesNotExist:
            raise ValueError(f"No indicator with the code {value!r} in this plan year.") from None


class AllOrNothingResource(resources.ModelResource):
    """An import applies whole or not at all: a row with a validation error rolls every row back."""

    def import_data(self, dataset, **kwargs):
        kwargs.setdefault("use_transactions", True)
        kwargs.setdefault("rollback_on_validation_errors", True)
        return super().import_data(dataset, **kwargs)


class AgencyResource(AllOrNothingResource):
    partnership = fields.Field(attribute="partnership", column_name="partnership", widget=PartnershipWidget())

    class Meta:
        model = Agency
        fields = ("partnership", "name", "short_name", "other_names")
        import_id_fields = ("partnership", "name")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class IndicatorResource(AllOrNothingResource):
    partnership = fields.Field(
        attribute="priority__plan_year__partnership__slug", column_name="partnership", readonly=True
    )
    plan_year = fields.Field(
        attribute="priority__plan_year__start_year", column_name="plan_year", readonly=True
    )
    priority = fields.Field(attribute="priority", column_name="priority", widget=PriorityWidget())
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
    indicator = fields.Field(attribute="indicator", column_name="indicator", widget=IndicatorWidget())
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
            "due_date",
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


# Figures: history in, everything out
