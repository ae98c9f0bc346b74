"""The quarterly SEG report from the command line, for scheduled runs and for checking.

python manage.py seg_report --period 2026-27-Q2 --format pdf --output report.pdf
python manage.py seg_report --period 2026-27-Q2 --format html --output report.html
"""

import sys
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from indicators.quarters import Quarter
from reporting.builder import build_quarterly_report
from reporting.pdf import render_pdf, report_html
from returns.models import ReportingPeriod


class Command(BaseCommand):
    help = "Write the quarterly report to the Strategic Executive Group for one period, as PDF or HTML."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="The quarter, e.g. 2026-27-Q2.")
        parser.add_argument("--format", choices=("pdf", "html"), default="pdf", help="pdf (default) or html.")
        parser.add_argument(
            "--output", required=True, help="The file to write; '-' writes to standard output."
        )
        parser.add_argument(
            "--partnership", help="The partnership's slug; needed only where several have this quarter."
        )
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            help="Report as on this day (YYYY-MM-DD), which decides which returns are late. Default: today.",
        )

    def handle(self, *args, **options):
        try:
            quarter = Quarter.from_code(options["period"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        periods = ReportingPeriod.objects.filter(year=quarter.year, number=quarter.number).select_related(
            "plan_year__partnership"
        )
        if options["partnership"]:
            periods = periods.filter(plan_year__partnership__slug=options["partnership"])
        found = list(periods[:2])
        if not found:
            raise CommandError(f"There is no reporting period for {quarter.code}.")
        if len(found) > 1:
            raise CommandError(f"Several partnerships have {quarter.code}: choose one with --partnership.")
        period = found[0]

        report = build_quarterly_report(period, today=options["today"] or timezone.localdate())
        if options["format"] == "pdf":
            content = render_pdf(report)
        else:
            content = report_html(report, inline_stylesheet=True).encode("utf-8")
        if options["output"] == "-":
            sys.stdout.buffer.write(content)
            return
        output = Path(options["output"])
        output.write_bytes(content)
        draft = ", marked DRAFT" if report.is_draft else ""
        self.stdout.write(
            f"Wrote the {report.quarter_short} report for {report.partnership} to {output} "
            f"({len(content):,} bytes{draft})."
        )
