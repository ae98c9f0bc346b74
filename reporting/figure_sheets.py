"""Figures in and out of spreadsheets in the long format: history imported, everything exported.

Import is for history only (quarters before a measure's plan year); a figure that came from a return is
changed through its return, never by an import.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from import_export import fields, widgets

from csp.models import Partnership
from csp.resources import AllOrNothingResource
from csp.spreadsheets import cell_text, parse_number, plain_number, spreadsheet_safe, undo_spreadsheet_safe
from indicators.models import Measure
from indicators.quarters import Quarter
from indicators.values import FigureValues, figure_value_problems, parse_status
from returns.models import Figure, ReportingPeriod, ReturnState

HISTORY = "history"


def history_quarter_problem(measure: Measure, quarter: Quarter) -> str | None:
    """Why history for `measure` cannot be stored at `quarter`, or None.

    History is what came before a plan year: a quarter of a plan year that takes returns is entered
    through returns, and a figure from a return is never overwritten by an import or the admin.
    """
    plan_year = measure.indicator.priority.plan_year
    if quarter.year >= plan_year.start_year:
        return (
            f"{quarter.code} is not before {measure.code}'s plan year ({plan_year.label}): only earlier "
            "quarters can be imported as history."
        )
    partnership_id = plan_year.partnership_id
    if ReportingPeriod.objects.filter(plan_year__partnership_id=partnership_id, year=quarter.year).exists():
        return (
            f"{quarter.code} is in the {quarter.financial_year_label} plan year, which takes its figures "
            "from returns: change the return instead."
        )
    if Figure.objects.filter(
        measure__code=measure.code,
        measure__indicator__priority__plan_year__partnership_id=partnership_id,
        year=quarter.year,
        number=quarter.number,
        ret__isnull=False,
    ).exists():
        return f"{measure.code} for {quarter.code} came from a return: change the return instead."
    return None


class FigureNumberWidget(widgets.Widget):
    """A number as plain text for CSV, a real number for XLSX; blank for no figure."""

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        plain = Decimal(plain_number(value))
        if kwargs.get("force_native_type"):
            return int(plain) if plain == plain.to_integral_value() else plain
        return plain_number(plain)


@dataclass
class _ParsedRow:
    instance: Figure
    is_new: bool
    values: FigureValues
    unchanged: bool


class FigureResource(AllOrNothingResource):
    """Figures in long format, one row per measure and quarter, naming things rather than ids.

    Export covers every figure, history and returns. Import is for history only (quarters before a
    measure's plan year): rows from returns re-import only unchanged, so an export can be imported back.
    """

    partnership = fields.Field(column_name="partnership", readonly=True)
    quarter = fields.Field(column_name="quarter", readonly=True)
    priority = fields.Field(column_name="priority", readonly=True)
    indicator = fields.Field(column_name="indicator", readonly=True)
    measure = fields.Field(column_name="measure", readonly=True)
    measure_name = fields.Field(column_name="measure_name", readonly=True)
    agency = fields.Field(column_name="agency", readonly=True)
    value = fields.Field(attribute="value", column_name="value", readonly=True, widget=FigureNumberWidget())
    numerator = fields.Field(
        attribute="numerator", column_name="numerator", readonly=True, widget=FigureNumberWidget()
    )
    denominator = fields.Field(
        attribute="denominator", column_name="denominator", readonly=True, widget=FigureNumberWidget()
    )
    status = fields.Field(attribute="status", column_name="status", readonly=True)
    benchmark = fields.Field(
        attribute="benchmark", column_name="benchmark", readonly=True, widget=FigureNumberWidget()
    )
    state = fields.Field(column_name="state", readonly=True)
    commentary = fields.Field(column_name="commentary", readonly=True)

    class Meta:
        model = Figure
        fields = (
            "partnership",
            "quarter",
            "priority",
            "indicator",
            "measure",
            "measure_name",
            "agency",
            "value",
            "numerator",
            "denominator",
            "status",
            "benchmark",
            "state",
            "commentary",
        )
        import_id_fields = ("measure", "quarter")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        return Figure.objects.select_related(
            "measure__indicator__priority__plan_year__partnership", "measure__supplier", "ret__agency"
        ).order_by(
            "measure__indicator__priority__plan_year__partnership__slug",
            "measure__code",
            "year",
            "number",
            "measure__indicator__priority__plan_year__start_year",
        )

    # Export: every text cell that a person typed goes through spreadsheet_safe.

    def dehydrate_partnership(self, figure: Figure) -> str:
        return spreadsheet_safe(figure.measure.indicator.priority.plan_year.partnership.slug)

    def dehydrate_quarter(self, figure: Figure) -> str:
        return figure.quarter.code

    def dehydrate_priority(self, figure: Figure) -> str:
        return spreadsheet_safe(figure.measure.indicator.priority.code)

    def dehydrate_indicator(self, figure: Figure) -> str:
        return spreadsheet_safe(figure.measure.indicator.code)

    def dehydrate_measure(self, figure: Figure) -> str:
        return spreadsheet_safe(figure.measure.code)

    def dehydrate_measure_name(self, figure: Figure) -> str:
        return spreadsheet_safe(figure.measure.name)

    def dehydrate_agency(self, figure: Figure) -> str:
        agency = figure.ret.agency if figure.ret_id else figure.measure.supplier
        return spreadsheet_safe(agency.name)

    def dehydrate_state(self, figure: Figure) -> str:
        return figure.ret.state if figure.ret_id else HISTORY

    def dehydrate_commentary(self, figure: Figure) -> str:
        return spreadsheet_safe(figure.ret.commentary) if figure.ret_id else ""

    # Import

    def before_import(self, dataset, **kwargs):
        while len(dataset) and all(cell_text(cell) == "" for cell in dataset[-1]):
            del dataset[-1]
        slugs = set()
        if "partnership" in (dataset.headers or []):
            slugs = {undo_spreadsheet_safe(cell_text(slug)) for slug in dataset["partnership"]}
        self._partnerships = set(Partnership.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        self._measures: dict[tuple[str, str], list[Measure]] = defaultdict(list)
        measures = (
            Measure.objects.filter(indicator__priority__plan_year__partnership__slug__in=self._partnerships)
            .select_related("indicator__priority__plan_year__partnership", "supplier")
            .order_by("indicator__priority__plan_year__start_year")
        )
        for measure in measures:
            slug = measure.indicator.priority.plan_year.partnership.slug
            self._measures[(slug, measure.code)].append(measure)
        self._seen: dict[tuple[str, str, Quarter], int] = {}
        self._row: _ParsedRow | None = None
        return super().before_import(dataset, **kwargs)

    def before_import_row(self, row, **kwargs):
        self._row = None
        super().before_import_row(row, **kwargs)
        self._row = self._parse(row, kwargs.get("row_number"))

    def _parse(self, row, number: int | None) -> _ParsedRow:
        errors: dict[str, str] = {}
        slug = undo_spreadsheet_safe(cell_text(row.get("partnership")))
        code = undo_spreadsheet_safe(cell_text(row.get("measure")))
        state = cell_text(row.get("state")).casefold() or HISTORY
        quarter = None
        try:
            quarter = Quarter.from_code(cell_text(row.get("quarter")))
        except ValueError as error:
            errors["quarter"] = str(error)
        if not slug:
            errors["partnership"] = "The partnership is missing: give its short name, like medway."
        elif slug not in self._partnerships:
            errors["partnership"] = f"There is no partnership {slug!r}."
        candidates: list[Measure] = []
        if not code:
            errors["measure"] = "The measure is missing: give its code, like ASB-01-A."
        elif slug in self._partnerships:
            candidates = self._measures.get((slug, code), [])
            if not candidates:
                errors["measure"] = f"There is no measure {code!r} in the {slug} partnership's plans."
        if state != HISTORY and state not in ReturnState.values:
            errors["state"] = f"The state must be {HISTORY} (or blank) for history, not {state!r}."
        values = FigureValues()
        parsed = {}
        for part in ("value", "numerator", "denominator", "benchmark"):
            try:
                parsed[part] = parse_number(row.get(part), part)
            except ValueError as error:
                errors[part] = str(error)
        try:
            parsed["status"] = parse_status(row.get("status"))
        except ValueError as error:
            errors["status"] = str(error)
        if quarter is not None and candidates:
            key = (slug, code, quarter)
            if key in self._seen:
                errors["quarter"] = (
                    f"Row {self._seen[key]} already gives {code} for {quarter.code}: "
                    "give each measure and quarter once."
                )
            else:
                self._seen[key] = number
        if candidates and not errors.keys() & {"value", "numerator", "denominator", "status", "benchmark"}:
            values = FigureValues(**parsed)
            # Every plan year's measure of this code counts the same thing; the latest knows best.
            for part, problem in figure_value_problems(candidates[-1], values).items():
                errors.setdefault(part, problem)
        if errors:
            raise ValidationError(errors)
        if state == HISTORY:
            return self._history_row(slug, candidates, quarter, values)
        return self._return_row(slug, code, quarter, values, state)

    def _stored(self, slug: str, code: str, quarter: Quarter):
        return Figure.objects.filter(
            measure__indicator__priority__plan_year__partnership__slug=slug,
            measure__code=code,
            year=quarter.year,
            number=quarter.number,
        ).select_related("measure__indicator__priority__plan_year__partnership", "measure__supplier", "ret")

    def _history_row(self, slug: str, candidates: list[Measure], quarter: Quarter, values) -> _ParsedRow:
        stored = list(self._stored(slug, candidates[0].code, quarter))
        unchanged = next((f for f in stored if not f.ret_id and FigureValues.of(f) == values), None)
        if unchanged is not None:
            return _ParsedRow(unchanged, False, values, True)
        # History belongs to the first plan year after it: the one whose comparisons need it.
        later = [m for m in candidates if m.indicator.priority.plan_year.start_year > quarter.year]
        measure = later[0] if later else candidates[-1]
        problem = history_quarter_problem(measure, quarter)
        if problem:
            raise ValidationError({"quarter": problem})
        # Correct history where it is, rather than start a second copy under another plan year's measure.
        existing = next((f for f in stored if f.measure_id == measure.pk), None) or next(iter(stored), None)
        if existing is not None:
            return _ParsedRow(existing, False, values, False)
        figure = Figure(measure=measure, year=quarter.year, number=quarter.number, ret=None)
        return _ParsedRow(figure, True, values, False)

    def _return_row(self, slug: str, code: str, quarter: Quarter, values, state: str) -> _ParsedRow:
        from_return = next((f for f in self._stored(slug, code, quarter) if f.ret_id), None)
        if from_return is None:
            raise ValidationError(
                {
                    "state": f"No return holds {code} for {quarter.code}: to import history, give the state "
                    f"as {HISTORY}."
                }
            )
        if FigureValues.of(from_return) != values:
            raise ValidationError(
                {"state": f"{code} for {quarter.code} came from a return ({state}): change the return."}
            )
        return _ParsedRow(from_return, False, values, True)

    def get_or_init_instance(self, instance_loader, row):
        return self._row.instance, self._row.is_new

    def import_instance(self, instance, row, **kwargs):
        values = self._row.values
        instance.value = values.value
        instance.numerator = values.numerator
        instance.denominator = values.denominator
        instance.status = values.status
        instance.benchmark = values.benchmark

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return self._row.unchanged and not import_validation_errors

    def before_save_instance(self, instance, row, **kwargs):
        user = kwargs.get("user") or getattr(kwargs.get("request"), "user", None)
        if user is not None and user.is_authenticated:
            instance._history_user = user
        instance._change_reason = "Imported as history"
