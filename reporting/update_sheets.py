"""Updates on the plan's actions in and out of spreadsheets in the long format, as figures go
(`reporting.figure_sheets`): one row per quarter and deliverable, naming things rather than ids.

Export covers every update. Import writes what an owner would type, into updates that their owners could
still change (the period open, or the update re-opened; not submitted or approved), and leaves each a
draft for its owner to submit: it never submits, approves or changes a closed quarter. Each write raises
the update's version, so a page opened before it is told rather than overwriting it, and is recorded in
the update's history as imported. A row that changes nothing is skipped, so an export imports back as it
is. One bad row and nothing is written (`AllOrNothingResource`), with every bad row and why in the preview.
"""

from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from import_export import fields, widgets

from csp.resources import AllOrNothingResource, DateWidget
from csp.spreadsheets import cell_text, spreadsheet_safe, undo_spreadsheet_safe
from indicators.quarters import Quarter
from returns.models import DeliverableUpdate, DeliveryStatus, PeriodState, ReportingPeriod, ReturnState
from returns.models.submissions import UPDATE_MAX_LENGTH
from themes.models import Deliverable
from themes.workbook_cells import CellError, choice, date, integer

CONTENT = {"status": "status", "done_this_quarter": "progress"} | {
    name: name for name in ("next_steps", "why", "recovery", "back_on_track_by", "completed_on")
}
"""The columns an import writes, and the update's field each goes to."""
TEXTS = ("done_this_quarter", "next_steps", "why", "recovery")
DATES = ("back_on_track_by", "completed_on")


def _plain(text: str) -> str:
    """Text as compared and stored: a spreadsheet may change line endings or trailing spaces."""
    return text.replace("\r\n", "\n").strip()


def _column(name: str, attribute: str | None = None, **options) -> fields.Field:
    return fields.Field(column_name=name, attribute=attribute, readonly=True, **options)


class DeliverableUpdateResource(AllOrNothingResource):
    """Updates in long format: partnership, quarter, the deliverable by priority code and order (the
    action's text and owner beside it, for reading), its state, and what the owner says."""

    partnership = _column("partnership", "period__plan_year__partnership__slug")
    quarter = _column("quarter", "period__code")
    priority = _column("priority", "deliverable__priority__code")
    deliverable = _column("deliverable", "deliverable__order", widget=widgets.IntegerWidget())
    action = _column("action", "deliverable__text")
    owner = _column("owner", "owner_name")
    state = _column("state", "state")
    status = _column("status", "get_status_display")
    done_this_quarter = _column("done_this_quarter", "progress")
    next_steps = _column("next_steps", "next_steps")
    why = _column("why", "why")
    recovery = _column("recovery", "recovery")
    back_on_track_by = _column("back_on_track_by", "back_on_track_by", widget=DateWidget())
    completed_on = _column("completed_on", "completed_on", widget=DateWidget())

    class Meta:
        model = DeliverableUpdate
        fields = ("partnership", "quarter", "priority", "deliverable", "action", "owner", "state", *CONTENT)
        import_id_fields = ("deliverable", "quarter")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        return DeliverableUpdate.objects.select_related(
            "period__plan_year__partnership", "deliverable__priority", "agency"
        ).order_by(
            "period__plan_year__partnership__slug",
            "period__year",
            "period__number",
            "deliverable__priority__order",
            "deliverable__order",
        )

    def export_resource(self, instance, selected_fields=None, **kwargs):
        """Every text a person typed made safe from running as a formula, in any format."""
        row = super().export_resource(instance, selected_fields, **kwargs)
        return [spreadsheet_safe(value) for value in row]

    # Import

    def before_import(self, dataset, **kwargs):
        slugs = set()
        if "partnership" in (dataset.headers or []):
            slugs = {undo_spreadsheet_safe(cell_text(slug)) for slug in dataset["partnership"]}
        periods = ReportingPeriod.objects.filter(plan_year__partnership__slug__in=slugs).select_related(
            "plan_year__partnership"
        )
        self._periods = {(p.plan_year.partnership.slug, p.quarter): p for p in periods}
        self._partnerships = {slug for slug, _ in self._periods}
        deliverables = Deliverable.objects.filter(
            priority__plan_year__in={p.plan_year_id for p in periods}
        ).select_related("priority")
        self._deliverables = {(d.priority.plan_year_id, d.priority.code, d.order): d for d in deliverables}
        # Locked until the import ends, as the workflow locks an item it changes: a save made meanwhile
        # waits, then finds the version raised, rather than being overwritten unseen.
        updates = (
            DeliverableUpdate.objects.filter(period__in=periods)
            .select_for_update(of=("self",))
            .select_related("period__plan_year", "deliverable__priority", "agency")
        )
        self._updates = {(u.period_id, u.deliverable_id): u for u in updates}
        self._seen: dict[tuple, int] = {}
        self._row: tuple[DeliverableUpdate, bool] | None = None
        """The row's update with its content, and whether that changes nothing."""
        return super().before_import(dataset, **kwargs)

    def before_import_row(self, row, **kwargs):
        self._row = None
        super().before_import_row(row, **kwargs)
        self._row = self._parse(row, kwargs.get("row_number"))

    def _parse(self, row, number: int | None) -> tuple[DeliverableUpdate, bool]:
        errors: dict[str, str] = {}
        slug = cell_text(row.get("partnership"))
        code = cell_text(row.get("priority"))
        quarter = order = period = update = None
        try:
            quarter = Quarter.from_code(cell_text(row.get("quarter")))
        except ValueError as error:
            errors["quarter"] = str(error)
        try:
            order = integer(row.get("deliverable"), "deliverable", "3")
        except CellError as error:
            errors["deliverable"] = capfirst(str(error))
        if not slug:
            errors["partnership"] = "The partnership is missing: give its short name, like medway."
        elif slug not in self._partnerships:
            errors["partnership"] = f"There is no partnership {slug!r} with reporting periods."
        elif quarter is not None:
            period = self._periods.get((slug, quarter))
            if period is None:
                errors["quarter"] = f"The {slug} partnership's plans have no reporting period {quarter.code}."
        if not code or order is None:
            errors.setdefault("deliverable", "Name the deliverable by its priority's code and its order.")
        elif period is not None:
            deliverable = self._deliverables.get((period.plan_year_id, code, order))
            if deliverable is None:
                errors["deliverable"] = f"There is no deliverable {order} of {code} in {period.plan_year}."
            elif (update := self._updates.get((period.pk, deliverable.pk))) is None:
                errors["quarter"] = f"{deliverable.label} has no update for {quarter.code}: " + (
                    "the period has not been opened."
                    if period.state == PeriodState.NOT_OPEN
                    else "it was completed in an earlier quarter, or was added after the period opened "
                    "(bring the period up to date)."
                )
            elif (key := (period.pk, deliverable.pk)) in self._seen:
                errors["deliverable"] = (
                    f"Row {self._seen[key]} already gives {deliverable.label} for {quarter.code}: give each "
                    "deliverable and quarter once."
                )
            else:
                self._seen[key] = number
        content = self._content(row, errors)
        if errors:
            raise ValidationError(errors)
        return self._checked(update, content)

    def _content(self, row, errors: dict[str, str]) -> dict:
        """The row's status, texts and dates as the update holds them; what cannot be read, in `errors`."""
        content = {}
        try:
            raw = row.get("status")
            content["status"] = choice(raw, DeliveryStatus, "status") if cell_text(raw) else ""
        except CellError as error:
            errors["status"] = capfirst(str(error))
        for column in TEXTS:
            text = _plain(str(row.get(column) or ""))
            if len(text) > UPDATE_MAX_LENGTH:
                errors[column] = (
                    f"The {column} is {len(text):,} characters long: at most {UPDATE_MAX_LENGTH:,}."
                )
            content[column] = text
        for column in DATES:
            try:
                content[column] = date(row.get(column), column)
            except CellError as error:
                errors[column] = capfirst(str(error))
        return content

    def _checked(self, update: DeliverableUpdate, content: dict) -> tuple[DeliverableUpdate, bool]:
        """The update with the row's content, or why it may not take it."""
        same = all(
            (_plain(getattr(update, CONTENT[c])) if c in TEXTS else getattr(update, CONTENT[c])) == v
            for c, v in content.items()
        )
        if same:
            return update, True
        if refusal := update.officer_edit_refusal():
            if update.is_received:
                refusal += " A coordinator can send it back or re-open it first."
            raise ValidationError(
                {"state": f"{update.deliverable.label} for {update.period.code}: {refusal}"}
            )
        for column, value in content.items():
            setattr(update, CONTENT[column], value)
        columns = {field: column for column, field in CONTENT.items()}
        if problems := update.missing_for_submission():
            raise ValidationError({columns[field]: message for field, message in problems.items()})
        return update, False

    def get_or_init_instance(self, instance_loader, row):
        return self._row[0], False

    def import_instance(self, instance, row, **kwargs):
        """Done in `_checked`, where every value was read."""

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return self._row[1] and not import_validation_errors

    def before_save_instance(self, instance, row, **kwargs):
        user = kwargs.get("user") or getattr(kwargs.get("request"), "user", None)
        if instance.state == ReturnState.NOT_STARTED:
            instance.state = ReturnState.DRAFT
        instance.version += 1
        if user is not None and user.is_authenticated:
            instance.updated_by = instance._history_user = user
        instance._change_reason = "Imported"
