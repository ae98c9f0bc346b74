"""Helpers for the report's tests: returns put into a state directly, figures stored directly, PDFs read."""

import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest

from returns.models import Figure, Return, ReturnState

BEFORE_DEADLINE = date(2026, 10, 1)
AFTER_DEADLINE = date(2026, 11, 20)


def set_return(ret: Return, state=ReturnState.APPROVED, **fields) -> Return:
    """Put a return in a state, with its commentary and so on, without the workflow's checks."""
    for name, value in {"state": state, **fields}.items():
        setattr(ret, name, value)
    ret.save()
    return ret


def add_figure(measure, year: int, number: int, value=None, *, ret=None, **fields) -> Figure:
    """A stored figure: from `ret` when given, else imported history."""
    return Figure.objects.create(
        measure=measure,
        year=year,
        number=number,
        ret=ret,
        value=None if value is None else Decimal(value),
        **fields,
    )


def pdf_text(content: bytes, *, layout: bool = False) -> str:
    """The PDF's text as pdftotext reads it, with runs of whitespace made single spaces; or with `layout`,
    line by line as laid out on the page (a table's row on one line, its cells apart)."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext is needed to read PDFs back: install poppler-utils")
    text = subprocess.run(  # noqa: S603
        ["pdftotext", "-enc", "UTF-8", *(["-layout"] if layout else []), "-", "-"],  # noqa: S607
        input=content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return text if layout else " ".join(text.split())


def enlarge_plan(plan_year, times: int) -> None:
    """Copy every priority of the plan year (with its themes, deliverables, indicators, agencies and
    measures) until the plan is `times` its size: for proving that queries do not grow with the plan."""
    from indicators.models import Indicator, Measure
    from themes.models import Deliverable, KeyTheme, Priority

    priorities = list(
        Priority.objects.filter(plan_year=plan_year).prefetch_related(
            "themes", "deliverables", "indicators__measures", "indicators__responsible_agencies"
        )
    )
    step = max(p.order for p in priorities)
    for copy in range(1, times):
        for priority in priorities:
            new = Priority.objects.create(
                plan_year=plan_year,
                order=priority.order + step * copy,
                code=f"{priority.code}{copy}",
                title=f"{priority.title} ({copy})",
            )
            parents = {}
            for theme in sorted(priority.themes.all(), key=lambda t: t.parent_id is not None):
                parents[theme.pk] = KeyTheme.objects.create(
                    priority=new, order=theme.order, text=theme.text, parent=parents.get(theme.parent_id)
                )
            Deliverable.objects.bulk_create(
                Deliverable(priority=new, order=d.order, text=d.text, lead_agency_id=d.lead_agency_id)
                for d in priority.deliverables.all()
            )
            for indicator in priority.indicators.all():
                copied = Indicator.objects.create(
                    priority=new,
                    order=indicator.order,
                    code=f"{indicator.code}-{copy}",
                    text=indicator.text,
                    benchmark_text=indicator.benchmark_text,
                    benchmark_kind=indicator.benchmark_kind,
                    responsible_as_printed=indicator.responsible_as_printed,
                )
                copied.responsible_agencies.set(indicator.responsible_agencies.all())
                Measure.objects.bulk_create(
                    Measure(
                        indicator=copied,
                        order=m.order,
                        code=f"{m.code}-{copy}",
                        name=m.name,
                        unit=m.unit,
                        polarity=m.polarity,
                        aggregation=m.aggregation,
                        supplier_id=m.supplier_id,
                        target_kind=m.target_kind,
                        target_value=m.target_value,
                        baseline_value=m.baseline_value,
                        due_date=m.due_date,
                    )
                    for m in indicator.measures.all()
                )


def medway_period(plan_year, *, number: int = 2, deadline=date(2026, 10, 28)):
    """An open Medway period with what opening it owes: a not-started return from every agency the plan
    names for each indicator, and an update on every action."""
    from returns.models import ReportingPeriod
    from returns.periods import create_missing_items

    period = ReportingPeriod.objects.create(
        plan_year=plan_year, number=number, deadline=deadline, state="open"
    )
    create_missing_items(period)
    return period
