"""Importing a whole plan year from a plan workbook (`themes.workbook`): one function, one transaction."""

from collections import defaultdict
from typing import NoReturn

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction

from csp.models import Agency, Partnership, PlanYear, normalised_name
from indicators.models import Indicator, Measure
from themes import workbook as wb
from themes.import_report import Change, ImportReport
from themes.models import Deliverable, KeyTheme, Priority
from themes.workbook import Problem, Row

TEMPORARY_ORDER = 32767
"""Where an item waits while the orders around it are rearranged (the largest small integer)."""


def import_plan(
    workbook: wb.PlanWorkbook, *, dry_run: bool = False, partnerships: set[str] | None = None
) -> ImportReport:
    """Create or update one plan year from a workbook: all of it, or nothing.

    Priorities, indicators and measures are found by their stable codes, agencies by name, key themes
    and deliverables by priority and order. What is found is updated in place (the same row, so returns
    and figures stay attached); what is not is created. Nothing is deleted: what the database has and the
    workbook does not is listed in the report and left as it is. With any error, or with `dry_run` (the
    preview), every write is rolled back, so a preview reports exactly what the import would do.
    """
    report = ImportReport(dry_run=dry_run, errors=list(workbook.problems))
    try:
        with transaction.atomic():
            _Importer(workbook, report, partnerships).run()
            if dry_run or report.errors:
                transaction.set_rollback(True)
                report.plan_year_id = None
    except IntegrityError as error:  # every row is validated first, so only a concurrent edit gets here
        report.errors.append(
            Problem("", None, f"The plan could not be saved, and nothing has changed: {error}")
        )
        report.plan_year_id = None
    return report


class _SkipRow(Exception):
    """The row is wrong (and has said so), or depends on a row that is."""


class _Importer:
    def __init__(self, workbook: wb.PlanWorkbook, report: ImportReport, partnerships: set[str] | None):
        self.allowed = partnerships
        self.rows = workbook.rows
        self.report = report
        self.partnership: Partnership | None = None
        self.plan_year: PlanYear | None = None
        self.agency_index: dict[str, list[Agency]] = {}
        self.keys: dict[str, set] = defaultdict(set)
        """What each sheet's rows are keyed by, bad rows too: to tell "no such row" from "that row is bad",
        and what the database has that the workbook does not."""
        self.priorities: dict[str, Priority] = {}
        self.theme_parents: dict[tuple[str, int], int | None] = {}
        self.themes: dict[tuple[str, int], KeyTheme] = {}
        self.indicators: dict[str, Indicator] = {}
        self.links: dict[int, list[int]] = {}
        self.matched: dict[type, set[int]] = defaultdict(set)

    def run(self) -> None:
        self.plan()
        self.agencies()
        self.priorities_sheet()
        self.key_themes()
        self.deliverables()
        self.indicators_sheet()
        self.measures()
        if self.plan_year is not None:
            self.list_left_alone()

    # Helpers

    def error(self, sheet: wb.Sheet, row: Row | None, message: str) -> None:
        self.report.errors.append(Problem(sheet.title, row.number if row else None, message))

    def fail(self, sheet: wb.Sheet, row: Row, message: str) -> NoReturn:
        self.error(sheet, row, message)
        raise _SkipRow

    def parsed(self, sheet: wb.Sheet, check=None) -> list[tuple[Row, dict, object]]:
        """Each row's typed cells and what `check(row, cells)` resolves; bad rows are reported, left out."""
        out = []
        for row in self.rows.get(sheet.title, []):
            self.keys[sheet.title].update(_row_keys(sheet, row.cells))
            cells, bad = {}, False
            for column in sheet.columns:
                try:
                    cells[column.name] = column.parse(row.cells.get(column.name))
                except wb.CellError as error:
                    self.error(sheet, row, str(error))
                    bad = True
            try:
                if not bad:
                    out.append((row, cells, check(row, cells) if check else None))
            except _SkipRow:
                continue
        return out

    def unique(self, sheet: wb.Sheet, row: Row, seen: dict, key, description: str) -> None:
        if key in seen:
            self.fail(sheet, row, f"{description} is already used on row {seen[key]}.")
        seen[key] = row.number

    def agency(self, sheet: wb.Sheet, row: Row, name: str) -> Agency:
        found = self.agency_index.get(normalised_name(name), [])
        if not found:
            self.fail(
                sheet, row, f'no agency called "{name}": add it to the Agencies sheet, or use a name there.'
            )
        if len(found) > 1:
            self.fail(
                sheet, row, f'"{name}" could be {" or ".join(a.name for a in found)}: use the full name.'
            )
        return found[0]

    def referred(self, sheet: wb.Sheet, row: Row, kind: wb.Sheet, key, saved: dict, description: str):
        """The item a row refers to: an error if the workbook lacks it, a quiet skip if its row is bad."""
        if key not in self.keys[kind.title]:
            self.fail(sheet, row, f"{description} in the {kind.title} sheet.")
        if key not in saved:
            raise _SkipRow
        return saved[key]

    def save(
        self, sheet, row, obj: models.Model, label: str, values: dict, *, columns=None, links=None, trusted=()
    ):
        """Set `values` on `obj`, validate and save it if anything changed; report what happened.

        `links` is an indicator's responsible agencies, in order. `columns` maps model fields to the
        sheet's column names, for error messages. `trusted` are foreign keys just set to saved objects:
        validating them would only query for what is known to exist, and the uniqueness constraints they
        take part in are the sheet's to check (codes and orders unique in the workbook, `slot_free`).
        """
        is_new, changed = obj.pk is None, []
        for name, value in values.items():
            if obj._meta.get_field(name).is_relation:
                current, wanted = getattr(obj, f"{name}_id"), getattr(value, "pk", None)
            else:
                current, wanted = getattr(obj, name), value
            if is_new or current != wanted:
                changed.append(name)
            setattr(obj, name, value)
        if links is not None and not is_new and self.links.get(obj.pk, []) != [a.pk for a in links]:
            changed.append("responsible_agencies")
        if not changed:
            self.report.unchanged[sheet.title] += 1
            self.matched[type(obj)].add(obj.pk)
            return True
        try:
            obj.full_clean(exclude=trusted)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                prefix = "" if name == NON_FIELD_ERRORS else f"{(columns or {}).get(name, name)}: "
                for message in messages:
                    self.error(sheet, row, prefix + message)
            return False
        obj.save()
        if links is not None and (is_new or "responsible_agencies" in changed):
            through = Indicator.responsible_agencies.through
            through.objects.filter(indicator=obj).delete()
            through.objects.bulk_create([through(indicator=obj, agency=a) for a in links])
        self.matched[type(obj)].add(obj.pk)
        shown = () if is_new else tuple(dict.fromkeys((columns or {}).get(n, n) for n in changed))
        (self.report.created if is_new else self.report.updated).append(
            Change(sheet.title, row.number, label, shown)
        )
        return True

    def save_coded(self, sheet, parsed, existing: dict, parent: str, make, values, **options) -> dict:
        """Save items found by code, each placed by (parent, order): Priority, Indicator, Measure.

        Items whose place changes move out of the way first, so that two can swap places; a place held
        by an item the workbook leaves out is an error.
        """
        moving = [
            obj
            for row, cells, refs in parsed
            if (obj := existing.get(cells["code"])) is not None
            and (getattr(obj, f"{parent}_id"), obj.order) != (refs[parent].pk, cells["order"])
        ]
        for offset, obj in enumerate(moving):
            obj.order = TEMPORARY_ORDER - offset
            type(obj).objects.filter(pk=obj.pk).update(order=obj.order)
        holders = {(getattr(obj, f"{parent}_id"), obj.order): obj for obj in existing.values()}
        saved = {}
        for row, cells, refs in parsed:
            obj = existing.get(cells["code"]) or make()
            holder = holders.get((refs[parent].pk, cells["order"]))
            if holder is not None and holder.pk != obj.pk:
                self.error(
                    sheet,
                    row,
                    f"the order {cells['order']} is taken by {holder.code}, which is in the database but not "
                    f"in the workbook: give this row another order, or add {holder.code} to the workbook.",
                )
            elif self.save(
                sheet, row, obj, cells["code"], values(cells, refs), links=refs.get("links"), **options
            ):
                saved[cells["code"]] = obj
        return saved

    # Sheets

    def plan(self) -> None:
        sheet, rows = wb.PLAN, self.rows.get(wb.PLAN.title)
        if rows is not None and len(rows) != 1:
            where = rows[1] if rows else None
            self.error(sheet, where, f"the Plan sheet needs exactly one row (the plan), not {len(rows)}.")
            return
        for row, cells, _ in self.parsed(sheet):
            slug = cells["slug"]
            if self.allowed is not None and slug not in self.allowed:
                mine = ", ".join(sorted(self.allowed)) or "none"
                self.error(
                    sheet, row, f"you may import plans only for the partnerships you administer ({mine})."
                )
                return
            partnership = Partnership.objects.filter(slug=slug).first() or Partnership(slug=slug)
            values = {
                "name": cells["partnership"],
                "vision": cells["vision"],
                "protective_marking": cells["protective_marking"],
            }
            if not self.save(
                sheet, row, partnership, f"partnership {slug}", values, columns={"name": "partnership"}
            ):
                return
            self.partnership = partnership
            plan_year = PlanYear.objects.filter(
                partnership=partnership, start_year=cells["start_year"]
            ).first()
            plan_year = plan_year or PlanYear(partnership=partnership, start_year=cells["start_year"])
            self.report.plan_label = str(plan_year)
            if self.save(sheet, row, plan_year, f"plan year {plan_year.label}", {"title": cells["title"]}):
                self.plan_year = plan_year
                self.report.plan_year_id = plan_year.pk

    def agencies(self) -> None:
        sheet, spellings = wb.AGENCIES, {}

        def check(row, cells):
            names = [cells["name"], cells["short_name"], *cells["other_names"]]
            for key, name in {normalised_name(n): n for n in reversed(names) if n}.items():
                self.unique(sheet, row, spellings, key, f'the name "{name}"')

        existing = list(Agency.objects.filter(partnership=self.partnership)) if self.partnership else []
        claimed: set[int] = set()
        for row, cells, _ in self.parsed(sheet, check):
            if self.partnership is None:
                continue
            name = cells["name"]
            unclaimed = [a for a in existing if a.pk not in claimed]
            agency = next((a for a in unclaimed if normalised_name(a.name) == normalised_name(name)), None)
            agency = agency or next((a for a in unclaimed if normalised_name(name) in a.known_names()), None)
            if agency is None:
                agency = Agency(partnership=self.partnership)
                existing.append(agency)
            values = {k: cells[k] for k in ("name", "short_name")} | {
                "other_names": "\n".join(cells["other_names"])
            }
            if self.save(sheet, row, agency, name, values):
                claimed.add(agency.pk)
        for agency in existing:
            for name in agency.known_names() if agency.pk else ():
                self.agency_index.setdefault(name, []).append(agency)

    def priorities_sheet(self) -> None:
        sheet, codes, orders = wb.PRIORITIES, {}, {}

        def check(row, cells):
            self.unique(sheet, row, codes, cells["code"], f"the code {cells['code']}")
            self.unique(sheet, row, orders, cells["order"], f"the order {cells['order']}")
            return {"plan_year": self.plan_year}

        parsed = self.parsed(sheet, check)
        if self.plan_year is None:
            return
        existing = {p.code: p for p in Priority.objects.filter(plan_year=self.plan_year)}
        make = lambda: Priority(plan_year=self.plan_year)  # noqa: E731
        self.priorities = self.save_coded(sheet, parsed, existing, "plan_year", make, lambda cells, _: cells)

    def priority(self, sheet: wb.Sheet, row: Row, code: str) -> Priority:
        return self.referred(
            sheet, row, wb.PRIORITIES, code, self.priorities, f"no priority with the code {code}"
        )

    def key_themes(self) -> None:
        sheet, seen = wb.KEY_THEMES, {}

        def check(row, cells):
            key = (cells["priority"], cells["order"])
            self.unique(sheet, row, seen, key, f"theme {cells['order']} of {cells['priority']}")
            self.theme_parents[key] = cells["parent_order"]

        parsed = self.parsed(sheet, check)
        existing = {
            (t.priority_id, t.order): t for t in KeyTheme.objects.filter(priority__plan_year=self.plan_year)
        }
        # Top-level themes first, so that a nested theme's parent is in place before it.
        for row, cells, _ in sorted(parsed, key=lambda item: item[1]["parent_order"] is not None):
            try:
                self.key_theme(sheet, row, cells, existing)
            except _SkipRow:
                continue

    def key_theme(self, sheet: wb.Sheet, row: Row, cells: dict, existing: dict) -> None:
        code, order, parent_order = cells["priority"], cells["order"], cells["parent_order"]
        priority = self.priority(sheet, row, code)
        parent = None
        if parent_order is not None:
            if parent_order == order:
                self.fail(sheet, row, "parent_order: a theme cannot be nested under itself.")
            if self.theme_parents.get((code, parent_order)) is not None:
                self.fail(
                    sheet, row, f"parent_order: theme {parent_order} is nested itself; themes nest one level."
                )
            description = f"parent_order: there is no theme {parent_order} of {code}"
            parent = self.referred(sheet, row, wb.KEY_THEMES, (code, parent_order), self.themes, description)
        theme = existing.get((priority.pk, order)) or KeyTheme(priority=priority, order=order)
        values = {"parent": parent, "text": cells["text"]}
        options = {"columns": {"parent": "parent_order"}, "trusted": ("priority", "parent")}
        if self.save(sheet, row, theme, f"{code} theme {order}", values, **options):
            self.themes[(code, order)] = theme

    def deliverables(self) -> None:
        sheet, seen = wb.DELIVERABLES, {}

        def check(row, cells):
            code, order, theme_order = cells["priority"], cells["order"], cells["delivers_theme"]
            self.unique(sheet, row, seen, (code, order), f"deliverable {order} of {code}")
            priority = self.priority(sheet, row, code)
            lead = self.agency(sheet, row, cells["lead_agency"]) if cells["lead_agency"] else None
            theme = None
            if theme_order is not None:
                description = f"delivers_theme: there is no theme {theme_order} of {code}"
                theme = self.referred(
                    sheet, row, wb.KEY_THEMES, (code, theme_order), self.themes, description
                )
            return priority, {"text": cells["text"], "lead_agency": lead, "delivers_theme": theme}

        existing = {
            (d.priority_id, d.order): d
            for d in Deliverable.objects.filter(priority__plan_year=self.plan_year)
        }
        for row, cells, (priority, values) in self.parsed(sheet, check):
            item = existing.get((priority.pk, cells["order"])) or Deliverable(
                priority=priority, order=cells["order"]
            )
            label = f"{cells['priority']} deliverable {cells['order']}"
            self.save(sheet, row, item, label, values, trusted=("priority", "lead_agency", "delivers_theme"))

    def indicators_sheet(self) -> None:
        sheet, codes, slots = wb.INDICATORS, {}, {}

        def check(row, cells):
            self.unique(sheet, row, codes, cells["code"], f"the code {cells['code']}")
            self.unique(sheet, row, slots, (cells["priority"], cells["order"]), f"order {cells['order']}")
            priority = self.priority(sheet, row, cells["priority"])
            agencies = [self.agency(sheet, row, name) for name in cells["responsible_agencies"]]
            return {"priority": priority, "links": list(dict.fromkeys(agencies))}

        parsed = self.parsed(sheet, check)
        existing = {i.code: i for i in Indicator.objects.filter(priority__plan_year=self.plan_year)}
        through = Indicator.responsible_agencies.through.objects.filter(indicator__in=existing.values())
        for indicator_id, agency_id in through.order_by("pk").values_list("indicator_id", "agency_id"):
            self.links.setdefault(indicator_id, []).append(agency_id)

        def values(cells, refs):
            return {k: v for k, v in cells.items() if k != "responsible_agencies"} | {
                "priority": refs["priority"]
            }

        self.indicators = self.save_coded(
            sheet, parsed, existing, "priority", Indicator, values, trusted=("priority",)
        )

    def measures(self) -> None:
        sheet, codes, slots = wb.MEASURES, {}, {}
        existing = {m.code: m for m in Measure.objects.filter(indicator__priority__plan_year=self.plan_year)}
        with_figures = set(
            Measure.objects.filter(pk__in=[m.pk for m in existing.values()], figures__isnull=False)
            .values_list("pk", flat=True)
            .distinct()
        )

        def check(row, cells):
            code = cells["code"]
            self.unique(sheet, row, codes, code, f"the code {code}")
            self.unique(sheet, row, slots, (cells["indicator"], cells["order"]), f"order {cells['order']}")
            supplier = self.agency(sheet, row, cells["supplier"])
            description = f"no indicator with the code {cells['indicator']}"
            indicator = self.referred(
                sheet, row, wb.INDICATORS, cells["indicator"], self.indicators, description
            )
            measure = existing.get(code)
            if measure is not None and measure.pk in with_figures:
                was = (measure.unit, measure.aggregation)
                if was != (cells["unit"], cells["aggregation"]):
                    self.fail(
                        sheet,
                        row,
                        f"{code} already has figures, counted as {was[0]} ({was[1]}): its unit and "
                        "aggregation cannot change. Give the new way of counting a new measure code.",
                    )
            return {"indicator": indicator, "supplier": supplier}

        parsed = self.parsed(sheet, check)
        values = lambda cells, refs: cells | refs  # noqa: E731
        self.save_coded(
            sheet, parsed, existing, "indicator", Measure, values, trusted=("indicator", "supplier")
        )

    def list_left_alone(self) -> None:
        plan_year = self.plan_year
        by_priority = {"priority__plan_year": plan_year}
        querysets = [
            (wb.AGENCIES, Agency.objects.filter(partnership=plan_year.partnership)),
            (wb.PRIORITIES, Priority.objects.filter(plan_year=plan_year)),
            (wb.KEY_THEMES, KeyTheme.objects.filter(**by_priority).select_related("priority")),
            (wb.DELIVERABLES, Deliverable.objects.filter(**by_priority).select_related("priority")),
            (wb.INDICATORS, Indicator.objects.filter(**by_priority)),
            (wb.MEASURES, Measure.objects.filter(indicator__priority__plan_year=plan_year)),
        ]
        for sheet, queryset in querysets:
            for obj in queryset:
                if isinstance(obj, Agency):
                    keys, label = obj.known_names(), obj.name
                elif isinstance(obj, KeyTheme | Deliverable):
                    keys = {(obj.priority.code, obj.order)}
                    label = f"{obj.priority.code} {type(obj).__name__.lower()} {obj.order}: {obj.text[:60]}"
                else:
                    keys, label = {obj.code}, obj.code
                if not keys & self.keys[sheet.title]:
                    self.report.left_alone.append((sheet.title, label.replace("keytheme", "theme")))


def _row_keys(sheet: wb.Sheet, cells: dict) -> set:
    """A row's keys from its raw cells, even where other cells are wrong."""
    if sheet is wb.AGENCIES:
        return {
            normalised_name(n) for n in [wb.text(cells.get("name")), wb.text(cells.get("short_name"))] if n
        } | {normalised_name(n) for n in wb.names(cells.get("other_names"))}
    if sheet in (wb.KEY_THEMES, wb.DELIVERABLES):
        try:
            return {(wb.text(cells.get("priority")), wb.integer(cells.get("order"), "order"))}
        except wb.CellError:
            return set()
    return {wb.text(cells.get("code"))} if "code" in sheet.column_names else set()
