"""Writing a plan year out as the plan workbook (`themes.workbook`): as one XLSX, or as CSV files.

Every text cell that a spreadsheet would run as a formula is written with a leading apostrophe, which the
import takes off again; export then import gives back the same plan, item for item.
"""

import csv
import datetime
import io
import zipfile
from decimal import Decimal
from operator import attrgetter

import openpyxl
from django.db.models import Prefetch
from openpyxl.styles import Alignment, Font

from csp.models import Agency
from indicators.models import Indicator, Measure
from themes.models import Deliverable, KeyTheme, Milestone, Priority
from themes.workbook import (
    AGENCIES,
    DELIVERABLES,
    INDICATORS,
    KEY_THEMES,
    MEASURES,
    MILESTONES,
    PLAN,
    PRIORITIES,
    README_SHEET,
    SHEETS,
)
from themes.workbook_cells import LIST_SEPARATOR, safe_text


def _cell(value):
    """A value as an XLSX cell: numbers as numbers, text never a formula."""
    if isinstance(value, Decimal):
        value = value.normalize()
        return int(value) if value == value.to_integral_value() else value
    return safe_text(value) if isinstance(value, str) else value


def _csv_cell(value) -> str:
    value = _cell(value)
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


_INDICATOR = attrgetter(*INDICATORS.column_names[1:-1])
_MEASURE_HEAD = attrgetter(*MEASURES.column_names[1:7])
_MEASURE_TAIL = attrgetter(*MEASURES.column_names[8:])


def plan_rows(plan_year) -> dict[str, list[list]]:
    """Every sheet's data rows for a plan year, in the plan's printed order, in a fixed number of queries."""
    partnership = plan_year.partnership
    priorities = list(
        Priority.objects.filter(plan_year=plan_year)
        .order_by("order")
        .prefetch_related(
            Prefetch("themes", queryset=KeyTheme.objects.select_related("parent").order_by("order")),
            Prefetch(
                "deliverables",
                queryset=Deliverable.objects.select_related("lead_agency", "owner", "delivers_theme")
                .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("order")))
                .order_by("order"),
            ),
            Prefetch("indicators", queryset=Indicator.objects.order_by("order")),
        )
    )
    indicators = [i for p in priorities for i in p.indicators.all()]
    agencies_of: dict[int, list[str]] = {i.pk: [] for i in indicators}
    through = Indicator.responsible_agencies.through.objects.filter(indicator__in=indicators).order_by("pk")
    for indicator_id, name in through.values_list("indicator_id", "agency__name"):
        agencies_of[indicator_id].append(name)
    measures = Measure.objects.filter(indicator__in=indicators).select_related(
        "indicator__priority", "supplier"
    )
    measures = sorted(measures, key=lambda m: (m.indicator.priority.order, m.indicator.order, m.order))
    return {
        PLAN.title: [
            [partnership.name, partnership.slug, partnership.vision, partnership.protective_marking]
            + [plan_year.start_year, plan_year.end_year, plan_year.title]
        ],
        AGENCIES.title: [
            [
                a.name,
                a.short_name,
                f"{LIST_SEPARATOR} ".join(n.strip() for n in a.other_names.splitlines() if n.strip()),
            ]
            for a in Agency.objects.filter(partnership=partnership).order_by("name")
        ],
        PRIORITIES.title: [
            [p.order, p.code, p.reference, p.title, p.abbreviation, p.led_by] for p in priorities
        ],
        KEY_THEMES.title: [
            [p.code, t.order, t.parent.order if t.parent else None, t.reference, t.text]
            for p in priorities
            for t in p.themes.all()
        ],
        DELIVERABLES.title: [
            [p.code, d.order, d.reference, d.text, d.lead_agency.name if d.lead_agency else ""]
            + [d.delivers_theme.order if d.delivers_theme else None, d.owner.name if d.owner else ""]
            + [d.due_date]
            for p in priorities
            for d in p.deliverables.all()
        ],
        MILESTONES.title: [
            [p.code, d.order, m.order, m.text, m.due_date]
            for p in priorities
            for d in p.deliverables.all()
            for m in d.milestones.all()
        ],
        INDICATORS.title: [
            [p.code, *_INDICATOR(i), f"{LIST_SEPARATOR} ".join(agencies_of[i.pk])]
            for p in priorities
            for i in p.indicators.all()
        ],
        MEASURES.title: [
            [m.indicator.code, *_MEASURE_HEAD(m), m.supplier.name, *_MEASURE_TAIL(m)] for m in measures
        ],
    }


def blank_rows() -> dict[str, list[list]]:
    return {sheet.title: [] for sheet in SHEETS}


def _readme_rows() -> list[list[str]]:
    rows = [
        ["The plan workbook: one plan year. Row 1 of each sheet is its column names; keep them as they are."],
        ["Re-importing updates by stable code (priorities, indicators, measures) or by priority and order"],
        ["(key themes, deliverables; milestones by deliverable and order); nothing in the database is"],
        ["deleted. This sheet is ignored on import."],
        [],
    ]
    for sheet in SHEETS:
        rows.append([f"{sheet.title}: {sheet.help}"])
        rows.extend([f"  {c.name}", ("Required. " if c.required else "") + c.help] for c in sheet.columns)
        rows.append([])
    return rows


WIDE_COLUMNS = {"text", "vision", "measure_text", "name", "caveats", "other_names"}


def write_xlsx(sheets: dict[str, list[list]]) -> bytes:
    workbook = openpyxl.Workbook()
    readme = workbook.active
    readme.title = README_SHEET
    for row in _readme_rows():
        readme.append(row)
    readme.column_dimensions["A"].width = 32
    readme.column_dimensions["B"].width = 100
    for sheet in SHEETS:
        worksheet = workbook.create_sheet(sheet.title)
        worksheet.append(list(sheet.column_names))
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
        for row in sheets[sheet.title]:
            worksheet.append([_cell(v) for v in row])
        for index, column in enumerate(sheet.columns, start=1):
            wide = column.name in WIDE_COLUMNS
            letter = openpyxl.utils.get_column_letter(index)
            worksheet.column_dimensions[letter].width = 60 if wide else max(12, len(column.name) + 2)
            for (cell,) in worksheet.iter_rows(min_row=2, min_col=index, max_col=index) if wide else ():
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        worksheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_files(sheets: dict[str, list[list]]) -> dict[str, bytes]:
    files = {}
    for sheet in SHEETS:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(sheet.column_names)
        writer.writerows([_csv_cell(v) for v in row] for row in sheets.get(sheet.title, []))
        files[sheet.filename] = out.getvalue().encode("utf-8")
    return files


def write_csv_zip(sheets: dict[str, list[list]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in csv_files(sheets).items():
            archive.writestr(name, data)
    return out.getvalue()
