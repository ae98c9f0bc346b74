"""The machinery of a plan import, sheet by sheet: typed cells, references between rows, validation, saving.

Errors arrive in one round. Every row is read and checked as far as it can be on its own, and nothing is
reported that follows from something already reported:
- a cell that cannot be read is reported once; the rest of its row is still checked, and the model's
  rules are applied to everything but that cell;
- a row that names another row (a measure its indicator, anything an agency) is reported only when the
  workbook has no such row. Where the named row is there but wrong, or could not be saved for want of
  its own parent, this row is checked without saving ("check only"): the model's rules run on all of
  its cells but the reference, so its own mistakes are found now, not in the next round;
- a missing column or sheet is reported once where it is found (`themes.workbook`), and whatever needed
  it is left unchecked rather than reported again on every row.
Nothing is saved from a row with a problem, so a failed import changes nothing; `themes.plan_import`
rolls everything back anyway.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

from csp.models import Agency, normalised_name
from indicators.models import Indicator
from themes import workbook as wb
from themes.import_report import Change, ImportReport
from themes.workbook import Problem, Row
from themes.workbook_cells import CellError, integer, names, text

TEMPORARY_ORDER = 32767
"""Where an item waits while the orders around it are rearranged (the largest small integer)."""


class _Unsaved:
    """A row the workbook has but that was not saved (it has a problem, or its own parent has one): what
    refers to it is checked, not saved, and not reported for it."""

    pk = None

    def __repr__(self) -> str:
        return "UNSAVED"


UNSAVED = _Unsaved()


def unsaved(value) -> bool:
    return value is UNSAVED or (isinstance(value, models.Model) and value.pk is None)


@dataclass
class Parsed:
    row: Row
    cells: dict
    bad: set[str]
    """Columns whose cells cannot be used: missing from the sheet, unreadable, or not of the column's kind.
    Each has been reported already; nothing more is said about them."""
    absent: set[str] = field(default_factory=set)
    """Columns the workbook was made without (`Column.may_be_absent`): what they hold is left as it is."""
    refs: dict = field(default_factory=dict)
    ok: bool = True
    """No problem at all on the row: it may be saved."""
    duplicate: bool = False
    """Its key repeats an earlier row's: reported, and checked no further (it is not an item of its own)."""


class RowImporter:
    def __init__(self, workbook: wb.PlanWorkbook, report: ImportReport):
        self.book = workbook
        self.rows = workbook.rows
        self.report = report
        self.agency_index: dict[str, list[Agency]] = {}
        self.keys: dict[str, set] = defaultdict(set)
        """What each sheet's rows are keyed by, bad rows too: to tell "no such row" from "that row is bad",
        and what the database has that the workbook does not."""
        self.links: dict[int, list[int]] = {}
        self.matched: dict[type, set[int]] = defaultdict(set)

    def error(self, sheet: wb.Sheet, row: Row | None, message: str) -> None:
        self.report.errors.append(Problem(sheet.title, row.number if row else None, message))

    def parsed(self, sheet: wb.Sheet, check=None) -> list[Parsed]:
        """Each row's typed cells and what `check(item)` resolves (its references). Every row is
        returned, bad ones too, so that they can still be checked; `ok` says whether it may be saved."""
        out = []
        missing = set(self.book.missing.get(sheet.title, ()))
        for row in self.rows.get(sheet.title, []):
            self.keys[sheet.title].update(_row_keys(sheet, row.cells))
            before = len(self.report.errors)
            item = Parsed(row, {}, set(row.unread) | missing, set(self.book.absent.get(sheet.title, ())))
            for column in sheet.columns:
                if column.name in item.bad | item.absent:
                    item.cells[column.name] = column.blank
                    continue
                try:
                    item.cells[column.name] = column.parse(row.cells.get(column.name))
                except CellError as error:
                    self.error(sheet, row, str(error))
                    item.cells[column.name] = column.blank
                    item.bad.add(column.name)
            if check:
                item.refs = check(item) or {}
            item.ok = len(self.report.errors) == before and not item.bad and not item.duplicate
            out.append(item)
        return out

    def unique(
        self, sheet: wb.Sheet, item: Parsed, seen: dict, key, description: str, *, identity: bool = True
    ) -> bool:
        """Report a key used twice in the sheet (unless part of it is unusable, and reported already);
        whether it is new. A row whose `identity` repeats an earlier one's is checked no further."""
        parts = key if isinstance(key, tuple) else (key,)
        if any(part is None or part == "" for part in parts):
            return True
        if key in seen:
            self.error(sheet, item.row, f"{description} is already used on row {seen[key]}.")
            item.duplicate = item.duplicate or identity
            return False
        seen[key] = item.row.number
        return True

    def agency(self, sheet: wb.Sheet, item: Parsed, name: str):
        """The agency a cell names, or UNSAVED: reported when the workbook and the database have none by
        that name, said nothing of when it is there but not saved."""
        if not name:
            return None
        if not self.book.knows_rows_of(wb.AGENCIES):
            return UNSAVED
        found = self.agency_index.get(normalised_name(name), [])
        if not found:
            self.error(
                sheet,
                item.row,
                f'no agency called "{name}": add it to the Agencies sheet, or use a name there.',
            )
            return UNSAVED
        if len(found) > 1:
            message = f'"{name}" could be {" or ".join(a.name for a in found)}: use the full name.'
            self.error(sheet, item.row, message)
            return UNSAVED
        return found[0]

    def referred(self, sheet: wb.Sheet, item: Parsed, kind: wb.Sheet, key, saved: dict, description: str):
        """The item a row refers to: an error if the workbook lacks it, UNSAVED (quietly) if its row could
        not be saved, or if the workbook's rows of that kind cannot be known (reported already)."""
        parts = key if isinstance(key, tuple) else (key,)
        if any(part is None or part == "" for part in parts) or not self.book.knows_rows_of(kind):
            return UNSAVED
        if key not in self.keys[kind.title]:
            self.error(sheet, item.row, f"{description} in the {kind.title} sheet.")
            return UNSAVED
        return saved.get(key, UNSAVED)

    def save(
        self,
        sheet: wb.Sheet,
        item: Parsed,
        obj: models.Model,
        label: str,
        values: dict,
        *,
        columns=None,
        links=None,
        trusted=(),
    ) -> bool:
        """Set `values` on `obj`, validate it and, if the row is sound, save it if anything changed; report
        what happened. Returns whether it is saved.

        A row with a problem, or one that refers to an unsaved row, is only checked: the model's rules run
        on every value but those already reported and the references to unsaved rows. `links` is an
        indicator's responsible agencies, in order. `columns` maps model fields to the sheet's column
        names, for messages. `trusted` are foreign keys just set to saved objects: validating them would
        only query for what is known to exist, and the uniqueness constraints they take part in are the
        sheet's to check (codes and orders unique in the workbook, `save_coded`).
        """
        if item.duplicate:
            return False
        columns = columns or {}
        fields_of_columns = {column: name for name, column in columns.items()}
        skip = {fields_of_columns.get(column, column) for column in item.bad | item.absent}
        check_only = not item.ok or any(unsaved(agency) for agency in links or ())
        is_new, changed = obj.pk is None, []
        for name, value in values.items():
            if name in skip:
                continue
            if obj._meta.get_field(name).is_relation:
                if unsaved(value):
                    skip.add(name)
                    check_only = True
                    continue
                current, wanted = getattr(obj, f"{name}_id"), getattr(value, "pk", None)
            else:
                current, wanted = getattr(obj, name), value
            if is_new or current != wanted:
                changed.append(name)
            setattr(obj, name, value)
        if links is not None and not is_new and self.links.get(obj.pk, []) != [a.pk for a in links]:
            changed.append("responsible_agencies")
        if not changed and not check_only:
            self.report.unchanged[sheet.title] += 1
            self.matched[type(obj)].add(obj.pk)
            return True
        try:
            obj.full_clean(exclude={*trusted, *skip})
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                if name in skip:
                    continue
                prefix = "" if name == NON_FIELD_ERRORS else f"{columns.get(name, name)}: "
                for message in messages:
                    self.error(sheet, item.row, prefix + message)
            return False
        if check_only:
            return False
        obj.save()
        if links is not None and (is_new or "responsible_agencies" in changed):
            through = Indicator.responsible_agencies.through
            through.objects.filter(indicator=obj).delete()
            through.objects.bulk_create([through(indicator=obj, agency=a) for a in links])
        self.matched[type(obj)].add(obj.pk)
        shown = () if is_new else tuple(dict.fromkeys(columns.get(n, n) for n in changed))
        (self.report.created if is_new else self.report.updated).append(
            Change(sheet.title, item.row.number, label, shown)
        )
        return True

    def save_coded(self, sheet, parsed, existing: dict, parent: str, make, values, **options) -> dict:
        """Save items found by code, each placed by (parent, order): Priority, Indicator, Measure.

        Items whose place changes move out of the way first, so that two can swap places; a place held
        by an item the workbook leaves out is an error.
        """
        placed = [
            item
            for item in parsed
            if item.ok and not unsaved(item.refs.get(parent)) and item.cells["code"] in existing
        ]
        moving = [
            obj
            for item in placed
            if (obj := existing[item.cells["code"]]) is not None
            and (getattr(obj, f"{parent}_id"), obj.order) != (item.refs[parent].pk, item.cells["order"])
        ]
        for offset, obj in enumerate(moving):
            obj.order = TEMPORARY_ORDER - offset
            type(obj).objects.filter(pk=obj.pk).update(order=obj.order)
        holders = {(getattr(obj, f"{parent}_id"), obj.order): obj for obj in existing.values()}
        saved = {}
        for item in parsed:
            code = item.cells["code"]
            obj = existing.get(code) or make()
            place = getattr(item.refs.get(parent), "pk", None), item.cells["order"]
            holder = holders.get(place) if place[0] is not None else None
            if holder is not None and holder.pk != obj.pk:
                self.error(
                    sheet,
                    item.row,
                    f"the order {place[1]} is taken by {holder.code}, which is in the database but not in "
                    f"the workbook: give this row another order, or add {holder.code} to the workbook.",
                )
                item.ok = False
            label = code or f"row {item.row.number}"
            if self.save(
                sheet,
                item,
                obj,
                label,
                values(item.cells, item.refs),
                links=item.refs.get("links"),
                **options,
            ):
                saved[code] = obj
        return saved


def _row_keys(sheet: wb.Sheet, cells: dict) -> set:
    """A row's keys from its raw cells, even where other cells are wrong."""
    if sheet is wb.AGENCIES:
        return {normalised_name(n) for n in [text(cells.get("name")), text(cells.get("short_name"))] if n} | {
            normalised_name(n) for n in names(cells.get("other_names"))
        }
    if sheet in (wb.KEY_THEMES, wb.DELIVERABLES, wb.MILESTONES):
        try:
            numbers = tuple(integer(cells.get(name), name) for name in sheet.key[1:])
        except CellError:
            return set()
        return {(text(cells.get("priority")), *numbers)}
    return {text(cells.get("code"))} if "code" in sheet.column_names else set()
