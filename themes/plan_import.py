"""Importing a whole plan year from a plan workbook (`themes.workbook`): one function, one transaction.

How a row is read, checked and saved, and how errors come in one round, is `themes.import_rows`.
"""

from collections.abc import Callable, Iterable

from django.db import IntegrityError, transaction

from csp.models import Agency, Partnership, PlanYear, normalised_name
from indicators.models import Indicator, Measure
from themes import workbook as wb
from themes.import_report import ImportReport
from themes.import_rows import UNSAVED, Parsed, RowImporter, unsaved
from themes.models import Deliverable, KeyTheme, Milestone, Priority
from themes.workbook import Problem

SHEET_ORDER = {sheet.title: index for index, sheet in enumerate(wb.SHEETS)}


def import_plan(
    workbook: wb.PlanWorkbook,
    *,
    dry_run: bool = False,
    partnerships: set[str] | None = None,
    then: Callable[[PlanYear], Iterable[str]] | None = None,
) -> ImportReport:
    """Create or update one plan year from a workbook: all of it, or nothing.

    Priorities, indicators and measures are found by their stable codes, agencies by name, key themes
    and deliverables by priority and order. What is found is updated in place (the same row, so returns
    and figures stay attached); what is not is created. Nothing is deleted: what the database has and the
    workbook does not is listed in the report and left as it is. With any error, or with `dry_run` (the
    preview), every write is rolled back, so a preview reports exactly what the import would do.
    `partnerships` limits the slugs that may be imported (None: any). `then(plan_year)` runs in the same
    transaction once the plan is in, and returns any problems: what a higher layer adds to every plan (its
    reporting periods, `returns.periods.import_plan`, which the command and the admin use).
    """
    report = ImportReport(dry_run=dry_run, errors=list(workbook.problems))
    try:
        with transaction.atomic():
            importer = _Importer(workbook, report, partnerships)
            importer.run()
            if then is not None and importer.plan_year is not None and not report.errors:
                for message in then(importer.plan_year):
                    report.errors.append(Problem(wb.PLAN.title, None, message))
            if dry_run or report.errors:
                transaction.set_rollback(True)
                report.plan_year_id = None
    except IntegrityError as error:  # every row is validated first, so only a concurrent edit gets here
        report.errors.append(
            Problem("", None, f"The plan could not be saved, and nothing has changed: {error}")
        )
        report.plan_year_id = None
    report.errors.sort(key=lambda problem: (SHEET_ORDER.get(problem.sheet, -1), problem.row or 0))
    return report


class _Importer(RowImporter):
    def __init__(self, workbook: wb.PlanWorkbook, report: ImportReport, partnerships: set[str] | None):
        super().__init__(workbook, report)
        self.allowed = partnerships
        self.partnership: Partnership | None = None
        self.plan_year: PlanYear | None = None
        self.priorities: dict[str, Priority] = {}
        self.theme_parents: dict[tuple[str, int], int | None] = {}
        self.themes: dict[tuple[str, int], KeyTheme] = {}
        self.deliverables_saved: dict[tuple[str, int], Deliverable] = {}
        self.indicators: dict[str, Indicator] = {}

    def run(self) -> None:
        self.plan()
        self.agencies()
        self.priorities_sheet()
        self.key_themes()
        self.deliverables()
        self.milestones()
        self.indicators_sheet()
        self.measures()
        if self.plan_year is not None:
            self.list_left_alone()

    def plan(self) -> None:
        sheet, rows = wb.PLAN, self.rows.get(wb.PLAN.title)
        if rows is not None and len(rows) != 1:
            where = rows[1].number if len(rows) > 1 else None
            self.report.errors.append(
                Problem(
                    sheet.title, where, f"the Plan sheet needs exactly one row (the plan), not {len(rows)}."
                )
            )
            return
        for item in self.parsed(sheet):
            slug = item.cells["slug"]
            if self.allowed is not None and slug and slug not in self.allowed:
                mine = ", ".join(sorted(self.allowed)) or "none"
                self.error(
                    sheet,
                    item.row,
                    f"you may import plans only for the partnerships you administer ({mine}).",
                )
                return
            found = Partnership.objects.filter(slug=slug).first() if slug else None
            partnership = found or Partnership(slug=slug)
            values = {
                "name": item.cells["partnership"],
                "vision": item.cells["vision"],
                "protective_marking": item.cells["protective_marking"],
            }
            columns = {"name": "partnership"}
            if self.save(sheet, item, partnership, f"partnership {slug}", values, columns=columns):
                self.partnership = partnership
            start_year = item.cells["start_year"]
            found = (
                PlanYear.objects.filter(partnership=partnership, start_year=start_year).first()
                if partnership.pk and start_year
                else None
            )
            plan_year = found or PlanYear(start_year=start_year)
            end_year = None if item.cells["end_year"] == start_year else item.cells["end_year"]
            span = PlanYear(start_year=start_year, end_year=end_year).label if start_year else ""
            self.report.plan_label = f"{item.cells['partnership']} {span}"
            values = {
                "partnership": self.partnership or UNSAVED,
                "start_year": start_year,
                "end_year": end_year,
                "title": item.cells["title"],
            }
            label = f"plan year {span}".strip()
            if self.save(sheet, item, plan_year, label, values):
                self.plan_year = plan_year
                self.report.plan_year_id = plan_year.pk

    def agencies(self) -> None:
        """Agencies are matched by any of their names. A name given twice is reported on the second row,
        and names the first row's agency only, so nothing that uses it is reported as well."""
        sheet, spellings, repeated = wb.AGENCIES, {}, {}

        def check(item: Parsed):
            cells = item.cells
            names = [cells["name"], cells["short_name"], *cells["other_names"]]
            for key, name in {normalised_name(n): n for n in reversed(names) if n}.items():
                if not self.unique(sheet, item, spellings, key, f'the name "{name}"', identity=False):
                    repeated.setdefault(item.row.number, set()).add(key)

        existing = list(Agency.objects.filter(partnership=self.partnership)) if self.partnership else []
        claimed: set[int] = set()
        rows_of: dict[int, int] = {}
        for item in self.parsed(sheet, check):
            name = item.cells["name"]
            unclaimed = [a for a in existing if a.pk is not None and a.pk not in claimed]
            key = normalised_name(name)
            agency = next((a for a in unclaimed if normalised_name(a.name) == key), None)
            agency = agency or next((a for a in unclaimed if key in a.known_names()), None)
            if agency is None:
                agency = Agency()
                existing.append(agency)
            rows_of[id(agency)] = item.row.number
            values = {
                "partnership": self.partnership or UNSAVED,
                "name": name,
                "short_name": item.cells["short_name"],
                "other_names": "\n".join(item.cells["other_names"]),
            }
            if self.save(sheet, item, agency, name, values) and agency.pk:
                claimed.add(agency.pk)
        for agency in existing:
            for name in agency.known_names() - repeated.get(rows_of.get(id(agency)), set()):
                self.agency_index.setdefault(name, []).append(agency)

    def priorities_sheet(self) -> None:
        sheet, codes, orders = wb.PRIORITIES, {}, {}

        def check(item: Parsed):
            self.unique(sheet, item, codes, item.cells["code"], f"the code {item.cells['code']}")
            self.unique(sheet, item, orders, item.cells["order"], f"the order {item.cells['order']}")
            return {"plan_year": self.plan_year or UNSAVED}

        parsed = self.parsed(sheet, check)
        existing = (
            {p.code: p for p in Priority.objects.filter(plan_year=self.plan_year)} if self.plan_year else {}
        )
        self.priorities = self.save_coded(
            sheet,
            parsed,
            existing,
            "plan_year",
            Priority,
            lambda cells, refs: cells | refs,
            trusted=("plan_year",),
        )

    def priority(self, sheet: wb.Sheet, item: Parsed, code: str):
        description = f"no priority with the code {code}"
        return self.referred(sheet, item, wb.PRIORITIES, code, self.priorities, description)

    def key_themes(self) -> None:
        sheet, seen = wb.KEY_THEMES, {}

        def check(item: Parsed):
            key = (item.cells["priority"], item.cells["order"])
            self.unique(sheet, item, seen, key, f"theme {item.cells['order']} of {item.cells['priority']}")
            self.theme_parents.setdefault(key, item.cells["parent_order"])

        parsed = self.parsed(sheet, check)
        existing = (
            {(t.priority_id, t.order): t for t in KeyTheme.objects.filter(priority__plan_year=self.plan_year)}
            if self.plan_year
            else {}
        )
        # Top-level themes first, so that a nested theme's parent is in place before it.
        for item in sorted(parsed, key=lambda item: item.cells["parent_order"] is not None):
            self.key_theme(sheet, item, existing)

    def key_theme(self, sheet: wb.Sheet, item: Parsed, existing: dict) -> None:
        cells = item.cells
        code, order, parent_order = cells["priority"], cells["order"], cells["parent_order"]
        priority = self.priority(sheet, item, code)
        parent = None
        if parent_order is not None:
            if parent_order == order:
                self.error(sheet, item.row, "parent_order: a theme cannot be nested under itself.")
                item.ok = False
            elif self.theme_parents.get((code, parent_order)) is not None:
                self.error(
                    sheet,
                    item.row,
                    f"parent_order: theme {parent_order} is nested itself; themes nest one level.",
                )
                item.ok = False
            else:
                description = f"parent_order: there is no theme {parent_order} of {code}"
                parent = self.referred(
                    sheet, item, wb.KEY_THEMES, (code, parent_order), self.themes, description
                )
        theme = (None if unsaved(priority) else existing.get((priority.pk, order))) or KeyTheme(order=order)
        values = {"priority": priority, "order": order, "parent": parent}
        values |= {"reference": cells["reference"], "text": cells["text"]}
        options = {"columns": {"parent": "parent_order"}, "trusted": ("priority", "parent")}
        if self.save(sheet, item, theme, f"{code} theme {order}", values, **options):
            self.themes[(code, order)] = theme

    def deliverables(self) -> None:
        sheet, seen = wb.DELIVERABLES, {}

        def check(item: Parsed):
            cells = item.cells
            code, order, theme_order = cells["priority"], cells["order"], cells["delivers_theme"]
            self.unique(sheet, item, seen, (code, order), f"deliverable {order} of {code}")
            theme = None
            if theme_order is not None:
                description = f"delivers_theme: there is no theme {theme_order} of {code}"
                theme = self.referred(
                    sheet, item, wb.KEY_THEMES, (code, theme_order), self.themes, description
                )
            return {
                "priority": self.priority(sheet, item, code),
                "lead_agency": self.agency(sheet, item, cells["lead_agency"]),
                "delivers_theme": theme,
                "owner": self.agency(sheet, item, cells["owner"]),
            }

        existing = (
            {
                (d.priority_id, d.order): d
                for d in Deliverable.objects.filter(priority__plan_year=self.plan_year)
            }
            if self.plan_year
            else {}
        )
        for item in self.parsed(sheet, check):
            cells, priority = item.cells, item.refs["priority"]
            found = None if unsaved(priority) else existing.get((priority.pk, cells["order"]))
            deliverable = found or Deliverable(order=cells["order"])
            values = {name: cells[name] for name in ("order", "reference", "text")} | item.refs
            values["due_date"] = cells["due_date"]
            label = f"{cells['priority']} deliverable {cells['order']}"
            trusted = ("priority", "lead_agency", "owner", "delivers_theme")
            if self.save(sheet, item, deliverable, label, values, trusted=trusted):
                self.deliverables_saved[(cells["priority"], cells["order"])] = deliverable

    def milestones(self) -> None:
        """Milestones are found by their deliverable and order, as deliverables by priority and order."""
        sheet, seen = wb.MILESTONES, {}

        def check(item: Parsed):
            code, number, order = (item.cells[name] for name in ("priority", "deliverable", "order"))
            self.unique(
                sheet, item, seen, (code, number, order), f"milestone {order} of {code} deliverable {number}"
            )
            description = f"no deliverable {number} of {code}"
            deliverable = self.referred(
                sheet, item, wb.DELIVERABLES, (code, number), self.deliverables_saved, description
            )
            return {"deliverable": deliverable}

        existing = (
            {
                (m.deliverable_id, m.order): m
                for m in Milestone.objects.filter(deliverable__priority__plan_year=self.plan_year)
            }
            if self.plan_year
            else {}
        )
        for item in self.parsed(sheet, check):
            cells, deliverable = item.cells, item.refs["deliverable"]
            found = None if unsaved(deliverable) else existing.get((deliverable.pk, cells["order"]))
            milestone = found or Milestone(order=cells["order"])
            values = {name: cells[name] for name in ("order", "text", "due_date")} | item.refs
            label = f"{cells['priority']} deliverable {cells['deliverable']} milestone {cells['order']}"
            self.save(sheet, item, milestone, label, values, trusted=("deliverable",))

    def indicators_sheet(self) -> None:
        sheet, codes, slots = wb.INDICATORS, {}, {}

        def check(item: Parsed):
            cells = item.cells
            self.unique(sheet, item, codes, cells["code"], f"the code {cells['code']}")
            self.unique(sheet, item, slots, (cells["priority"], cells["order"]), f"order {cells['order']}")
            agencies = [self.agency(sheet, item, name) for name in cells["responsible_agencies"]]
            return {
                "priority": self.priority(sheet, item, cells["priority"]),
                "links": list({id(agency): agency for agency in agencies}.values()),
            }

        parsed = self.parsed(sheet, check)
        existing = (
            {i.code: i for i in Indicator.objects.filter(priority__plan_year=self.plan_year)}
            if self.plan_year
            else {}
        )
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
        existing = (
            {m.code: m for m in Measure.objects.filter(indicator__priority__plan_year=self.plan_year)}
            if self.plan_year
            else {}
        )
        with_figures = set(
            Measure.objects.filter(pk__in=[m.pk for m in existing.values()], figures__isnull=False)
            .values_list("pk", flat=True)
            .distinct()
        )

        def check(item: Parsed):
            cells = item.cells
            code = cells["code"]
            self.unique(sheet, item, codes, code, f"the code {code}")
            self.unique(sheet, item, slots, (cells["indicator"], cells["order"]), f"order {cells['order']}")
            description = f"no indicator with the code {cells['indicator']}"
            refs = {
                "supplier": self.agency(sheet, item, cells["supplier"]),
                "indicator": self.referred(
                    sheet, item, wb.INDICATORS, cells["indicator"], self.indicators, description
                ),
            }
            measure = existing.get(code)
            if measure is not None and measure.pk in with_figures and not {"unit", "aggregation"} & item.bad:
                was = (measure.unit, measure.aggregation)
                if was != (cells["unit"], cells["aggregation"]):
                    self.error(
                        sheet,
                        item.row,
                        f"{code} already has figures, counted as {was[0]} ({was[1]}): its unit and "
                        "aggregation cannot change. Give the new way of counting a new measure code.",
                    )
            return refs

        parsed = self.parsed(sheet, check)
        self.save_coded(
            sheet,
            parsed,
            existing,
            "indicator",
            Measure,
            lambda cells, refs: cells | refs,
            trusted=("indicator", "supplier"),
        )

    def list_left_alone(self) -> None:
        plan_year = self.plan_year
        by_priority = {"priority__plan_year": plan_year}
        querysets = [
            (wb.AGENCIES, Agency.objects.filter(partnership=plan_year.partnership)),
            (wb.PRIORITIES, Priority.objects.filter(plan_year=plan_year)),
            (wb.KEY_THEMES, KeyTheme.objects.filter(**by_priority).select_related("priority")),
            (wb.DELIVERABLES, Deliverable.objects.filter(**by_priority).select_related("priority")),
            (
                wb.MILESTONES,
                Milestone.objects.filter(deliverable__priority__plan_year=plan_year).select_related(
                    "deliverable__priority"
                ),
            ),
            (wb.INDICATORS, Indicator.objects.filter(**by_priority)),
            (wb.MEASURES, Measure.objects.filter(indicator__priority__plan_year=plan_year)),
        ]
        for sheet, queryset in querysets:
            for obj in queryset:
                if isinstance(obj, Agency):
                    keys, label = obj.known_names(), obj.name
                elif isinstance(obj, Milestone):
                    code, number = obj.deliverable.priority.code, obj.deliverable.order
                    keys = {(code, number, obj.order)}
                    label = f"{code} deliverable {number} milestone {obj.order}: {obj.text[:60]}"
                elif isinstance(obj, KeyTheme | Deliverable):
                    keys = {(obj.priority.code, obj.order)}
                    label = f"{obj.priority.code} {type(obj).__name__.lower()} {obj.order}: {obj.text[:60]}"
                else:
                    keys, label = {obj.code}, obj.code
                if not keys & self.keys[sheet.title]:
                    self.report.left_alone.append((sheet.title, label.replace("keytheme", "theme")))
