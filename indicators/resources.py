"""django-import-export resources: plan content as CSV/XLSX rows that name things, not database ids.

Every row carries its partnership (slug) and plan year (start year), so names and codes are looked up
within that plan only: two partnerships may both have a "Medway Council" or an ASB-01.
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import tablib
from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets
from import_export.formats import base_formats
from import_export.widgets import ForeignKeyWidget, ManyToManyWidget

from csp.models import Partnership
from indicators.kinds import Aggregation, MilestoneStatus, Unit
from indicators.models import Agency, Figure, Indicator, Measure, ReportingPeriod, ReturnState
from indicators.quarters import Quarter
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


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?[0-9][0-9,]*(\.[0-9]+)?")
HISTORY = "history"
LARGEST_COUNT = Decimal(10**9)
LARGEST_RATE = Decimal(100_000)


def spreadsheet_safe(cell):
    """A text cell that a spreadsheet would run as a formula, made plain text with a leading apostrophe.

    A plain negative number ("-3") is left alone: it is a number, not a formula.
    """
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def _unsafe(text: str) -> str:
    """Undo `spreadsheet_safe` on an imported identifier, so an export re-imports as it was."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def neutralise_formulae(dataset: tablib.Dataset) -> None:
    for index, row in enumerate(dataset):
        dataset[index] = [spreadsheet_safe(cell) for cell in row]


class _FormulaSafe:
    """Neutralises every text cell on export, whatever IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT says.

    import-export 4.4's own escaping (that setting) only strips one leading "=" (so "==1+1" is still a
    formula), ignores + - @, and turns every cell into text, blank ones into "None".
    """

    def export_data(self, dataset, **kwargs):
        neutralise_formulae(dataset)
        return super().export_data(dataset, **kwargs)

    def _escape_formulae(self, dataset):
        """Already done, better, in export_data."""


class SafeCSV(_FormulaSafe, base_formats.CSV):
    pass


class SafeXLSX(_FormulaSafe, base_formats.XLSX):
    pass


def _text(raw) -> str:
    return "" if raw is None else " ".join(str(raw).split())


def _plain(number: Decimal) -> str:
    """1350.0000 as "1350", 62.5000 as "62.5": what people type, and what re-imports exactly."""
    return format(number.normalize(), "f")


def parse_number(raw, column: str) -> Decimal | None:
    """A number as people type or spreadsheets store it; None for a blank cell."""
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, int | float | Decimal):
        number = Decimal(str(raw))
    else:
        text = str(raw).strip().replace(",", "").replace(" ", "").removesuffix("%")
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"The {column} must be a number, like 42, not {str(raw).strip()!r}.") from None
    if not number.is_finite():
        raise ValueError(f"The {column} must be a number, like 42, not {str(raw).strip()!r}.")
    return number


def parse_status(raw) -> str:
    """A milestone status by its value or its label ("in_progress" or "In progress"); "" for blank."""
    text = _text(raw).casefold()
    if not text:
        return ""
    for status in MilestoneStatus:
        if text in (status.value, status.label.casefold()):
            return status.value
    choices = ", ".join(s.label for s in MilestoneStatus)
    raise ValueError(f"The status must be one of {choices}, not {_text(raw)!r}.")


@dataclass(frozen=True)
class FigureValues:
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    status: str = ""

    @classmethod
    def of(cls, figure: Figure) -> "FigureValues":
        return cls(figure.value, figure.numerator, figure.denominator, figure.status or "")


def figure_value_problems(measure: Measure, values: FigureValues) -> dict[str, str]:
    """What is wrong with a figure for this measure, by column, in plain English (the same rules as the
    return form: the right parts for the kind of measure, no negatives, no percentage over 100, no
    numerator above its denominator, no absurd magnitudes)."""
    problems: dict[str, str] = {}
    kind_parts = ("value", "numerator", "denominator")
    if measure.unit == Unit.MILESTONE:
        for part in kind_parts:
            if getattr(values, part) is not None:
                problems[part] = f"Leave the {part} blank: {measure.code} is a milestone, so give a status."
        if not values.status:
            problems["status"] = f"Give a status for {measure.code}: Not started, In progress or Complete."
        return problems
    if values.status:
        problems["status"] = f"Leave the status blank: only milestones have one, and {measure.code} is not."
    if measure.aggregation == Aggregation.RATIO:
        if values.value is not None:
            problems["value"] = (
                f"Leave the value blank: {measure.code} is a ratio, worked out from the numerator and "
                "denominator."
            )
        for part in ("numerator", "denominator"):
            number = getattr(values, part)
            if number is None:
                problems[part] = f"The {part} is missing: a ratio needs a numerator and a denominator."
            else:
                problem = _count_problem(number, part)
                if problem:
                    problems[part] = problem
        top, bottom = values.numerator, values.denominator
        if not problems and top is not None and bottom is not None:
            if bottom == 0 and top > 0:
                problems["denominator"] = "The denominator cannot be 0 when the numerator is not."
            elif measure.unit == Unit.PERCENTAGE and top > bottom:
                problems["numerator"] = (
                    f"The numerator ({_plain(top)}) cannot be more than the denominator ({_plain(bottom)})."
                )
        return problems
    for part in ("numerator", "denominator"):
        if getattr(values, part) is not None:
            problems[part] = f"Leave the {part} blank: {measure.code} is not a ratio, so give a value."
    number = values.value
    if number is None:
        problems["value"] = f"The value is missing for {measure.code}: a blank is not a zero."
    elif measure.unit == Unit.PERCENTAGE:
        if number < 0:
            problems["value"] = f"A percentage cannot be negative: {_plain(number)}."
        elif number > 100:
            problems["value"] = f"A percentage cannot be over 100: {_plain(number)}."
    elif measure.unit == Unit.RATE_PER_100K:
        if number < 0:
            problems["value"] = f"A rate cannot be negative: {_plain(number)}."
        elif number > LARGEST_RATE:
            problems["value"] = f"A rate per 100,000 cannot be over 100,000: {_plain(number)}."
    else:
        problem = _count_problem(number, "value")
        if problem:
            problems["value"] = problem
    if number is not None and "value" not in problems and number.as_tuple().exponent < -2:
        problems["value"] = f"Give the value with no more than 2 decimal places, not {_plain(number)}."
    return problems


def _count_problem(number: Decimal, column: str) -> str | None:
    if number < 0:
        return f"A count cannot be negative: the {column} is {_plain(number)}."
    if number != number.to_integral_value():
        return f"A count is a whole number: the {column} is {_plain(number)}."
    if number > LARGEST_COUNT:
        return f"The {column} ({_plain(number)}) is more than {LARGEST_COUNT:,}: check the figure."
    return None


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
    if ReportingPeriod.objects.filter(
        plan_year__partnership_id=partnership_id, plan_year__start_year=quarter.year
    ).exists():
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
        plain = Decimal(_plain(value))
        if kwargs.get("force_native_type"):
            return int(plain) if plain == plain.to_integral_value() else plain
        return _plain(plain)


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
        while len(dataset) and all(_text(cell) == "" for cell in dataset[-1]):
            del dataset[-1]
        slugs = set()
        if "partnership" in (dataset.headers or []):
            slugs = {_unsafe(_text(slug)) for slug in dataset["partnership"]}
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
        self._row = self._parse(row, kwargs.get("row_number"))

    def _parse(self, row, number: int | None) -> _ParsedRow:
        errors: dict[str, str] = {}
        slug = _unsafe(_text(row.get("partnership")))
        code = _unsafe(_text(row.get("measure")))
        state = _text(row.get("state")).casefold() or HISTORY
        quarter = None
        try:
            quarter = Quarter.from_code(_text(row.get("quarter")))
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
        for part in ("value", "numerator", "denominator"):
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
        if candidates and not errors.keys() & {"value", "numerator", "denominator", "status"}:
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

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return self._row.unchanged and not import_validation_errors

    def before_save_instance(self, instance, row, **kwargs):
        user = kwargs.get("user") or getattr(kwargs.get("request"), "user", None)
        if user is not None and user.is_authenticated:
            instance._history_user = user
        instance._change_reason = "Imported as history"
