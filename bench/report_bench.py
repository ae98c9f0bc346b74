"""How long the quarterly SEG report takes: the full Medway 2026-27 report for Quarter 2, from demo data.

    .venv/bin/python bench/report_bench.py [--runs 3] [--keep DIR]

Uses a SQLite database of its own in a temporary folder (never db.sqlite3): migrates it, loads the Medway
plan, fills eight quarters of demo history (indicators.demo) and Q1 and Q2 returns, mostly approved with a
few still outstanding, as a real quarter looks on the day of the SEG meeting. Then prints, for building
the data, rendering the HTML page and rendering the PDF: the best of --runs wall-clock times, the peak
memory Python allocated (tracemalloc, in a separate run, since tracing slows everything down) and the
number of queries. WeasyPrint on its own, given the same final HTML, is timed too, so the app's overhead
shows as a ratio. Goals on a 2-core machine: the PDF under 3 s, the HTML under 0.3 s, and queries that do
not grow with the plan. Nothing is asserted: the figures are printed.
"""

import argparse
import gc
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def configure(folder: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(folder / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csp.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


COMMENTARY = (
    "Figures this quarter follow the usual seasonal pattern. The partnership problem-solving group met "
    "twice and agreed joint patrols in the hotspots identified last quarter.\n\nWe will report the outcome "
    "of the review of the referral pathway next quarter.",
    "Delivery is on track. Two sessions were rescheduled because of staff absence; both have now taken "
    "place. Demand remains higher than the same quarter last year.",
    "Data for this quarter is provisional and will be confirmed at the next data refresh.",
)


def seed(today: date):
    """The Medway plan with demo history, an approved Q1 and a Q2 as it stands on the SEG's day."""
    from django.core.management import call_command

    from csp.models import PlanYear
    from indicators.demo import demo_observation
    from indicators.kinds import Rag
    from indicators.models import Indicator
    from indicators.quarters import Quarter
    from returns.demo import fill_demo_figures
    from returns.models import Figure, PeriodState, ReportingPeriod, Return, ReturnState

    call_command("migrate", verbosity=0)
    call_command("loaddata", "medway-2026-27", verbosity=0)
    plan_year = PlanYear.objects.get(partnership__slug="medway", start_year=2026)
    fill_demo_figures(plan_year, through=Quarter(2026, 2))
    rng = random.Random("report-bench")  # noqa: S311 (demo data)
    indicators = list(
        Indicator.objects.filter(priority__plan_year=plan_year).prefetch_related(
            "responsible_agencies", "measures"
        )
    )
    periods = {}
    for number, deadline, state in (
        (1, date(2026, 7, 29), PeriodState.CLOSED),
        (2, date(2026, 10, 28), PeriodState.OPEN),
    ):
        periods[number] = ReportingPeriod.objects.create(
            plan_year=plan_year,
            number=number,
            deadline=deadline,
            state=state,
            summary="A steady quarter. Anti-social behaviour continues to fall in the town centres; "
            "drug treatment numbers are close to target."
            if number == 2
            else "",
        )
    figures = []
    for number, period in periods.items():
        quarter = Quarter(2026, number)
        for indicator in indicators:
            for agency in indicator.responsible_agencies.all():
                roll = rng.random()
                if number == 1 or roll < 0.8:
                    state = ReturnState.APPROVED
                elif roll < 0.9:
                    state = ReturnState.SUBMITTED
                elif roll < 0.95:
                    state = ReturnState.DRAFT
                else:
                    state = ReturnState.NOT_STARTED
                started = state != ReturnState.NOT_STARTED
                ret = Return.objects.create(
                    period=period,
                    indicator=indicator,
                    agency=agency,
                    state=state,
                    commentary=rng.choice(COMMENTARY) if started else "",
                    escalation="Funding for the scheme ends in March; the SEG is asked to consider "
                    "continuation."
                    if started and rng.random() < 0.05
                    else "",
                    agency_rating=rng.choice([Rag.GREEN, Rag.GREEN, Rag.AMBER, Rag.RED]) if started else "",
                )
                if not started:
                    continue
                figures += [
                    Figure(
                        measure=m,
                        year=quarter.year,
                        number=quarter.number,
                        ret=ret,
                        **demo_observation(m, quarter),
                    )
                    for m in indicator.measures.all()
                    if m.supplier_id == agency.pk
                ]
    Figure.objects.bulk_create(figures)
    return periods[2]


def pdf_pages(content: bytes) -> str:
    """The page count as pdfinfo (poppler-utils) reads it, or "?" without it."""
    try:
        info = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True).stdout  # noqa: S607
    except (OSError, subprocess.CalledProcessError):
        return "?"
    found = re.search(rb"^Pages:\s+(\d+)", info, re.MULTILINE)
    return found[1].decode() if found else "?"


def timed(function, runs: int):
    best, result = float("inf"), None
    for _ in range(runs):
        gc.collect()  # so one step does not pay for collecting another's garbage
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def peak_memory(function) -> float:
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def queries(function) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="time each step this many times, keep the best")
    parser.add_argument("--keep", type=Path, help="write report.pdf and report.html here")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="report-bench-"))
    configure(folder)

    from django.contrib.auth.models import AnonymousUser
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from reporting.builder import build_quarterly_report
    from reporting.pdf import StaticFilesOnlyFetcher, pdf_from_html, render_pdf, report_html

    today = date(2026, 11, 5)
    period = seed(today)
    request = RequestFactory().get(f"/reports/{period.pk}/")
    request.user = AnonymousUser()
    request.htmx = False

    def build():
        return build_quarterly_report(period, today=today)

    report = build()

    def page():
        # The page as the view renders it: the data built, then the GOV.UK page around the report body.
        return render_to_string(
            "reporting/report_page.html",
            {
                "report": build(),
                "period": period,
                "partnership": period.plan_year.partnership,
                "issued": [],
                "actions_template": "reporting/includes/report_actions.html",
            },
            request=request,
        )

    def pdf():
        return render_pdf(build())

    def pdf_html():
        # The app's own part of the PDF: the data, and the HTML that WeasyPrint is given.
        return report_html(build())

    final_html = report_html(report)

    def weasyprint_only():
        return pdf_from_html(final_html, StaticFilesOnlyFetcher())

    pdf()  # warm up: fonts, template loading, WeasyPrint's own caches
    rows = []
    for name, function in (
        ("build the data", build),
        ("HTML page", page),
        ("HTML for the PDF", pdf_html),
        ("PDF", pdf),
        ("WeasyPrint alone", weasyprint_only),
    ):
        seconds, result = timed(function, args.runs)
        rows.append((name, seconds, peak_memory(function), queries(function), result))

    indicators = sum(len(s.indicators) for s in report.priorities)
    measures = sum(len(i.measures) for s in report.priorities for i in s.indicators)
    pdf_bytes = rows[3][4]
    pages = pdf_pages(pdf_bytes)
    print(
        f"Medway {report.plan_year}, {report.quarter_short}: {len(report.priorities)} priorities, "
        f"{indicators} indicators, {measures} measures, {report.returns_expected} returns expected "
        f"({report.returns_approved} approved); PDF {len(pdf_bytes) / 1024:.0f} KiB, {pages} pages"
    )
    print(f"{'step':<18}{'seconds':>9}{'peak MiB':>10}{'queries':>9}")
    for name, seconds, memory, count, _ in rows:
        print(f"{name:<18}{seconds:>9.3f}{memory:>10.1f}{count:>9}")
    app_seconds, pdf_seconds, weasy_seconds = rows[2][1], rows[3][1], rows[4][1]
    print(
        f"PDF / WeasyPrint alone: {pdf_seconds / weasy_seconds:.2f}; the app's own work before WeasyPrint "
        f"(data and HTML): {app_seconds:.3f} s, {app_seconds / pdf_seconds:.1%} of the PDF's time"
    )
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        (args.keep / "report.pdf").write_bytes(pdf_bytes)
        (args.keep / "report.html").write_text(rows[1][4], encoding="utf-8")
        (args.keep / "report-for-pdf.html").write_text(final_html, encoding="utf-8")
        print(
            f"Wrote report.pdf, report.html (the page) and report-for-pdf.html (WeasyPrint's input) "
            f"to {args.keep}"
        )


if __name__ == "__main__":
    main()
