"""python manage.py import_plan FILE: a plan workbook (.xlsx), a zip of its CSV files, or a folder of them.

Here rather than beside the workbook in themes because an imported plan comes with its reporting periods
(`returns.periods.import_plan`), which themes cannot import.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from csp.upload_guard import RefusedFile, read_path
from returns.periods import import_plan
from themes import workbook


class Command(BaseCommand):
    help = (
        "Create or update a whole plan from a plan workbook, with its reporting periods: all or nothing. "
        "Items are matched by stable code (or priority and order), updated in place, and never deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", type=Path, help="A .xlsx workbook, a .zip of its CSV files, or a folder of them."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Report what would be created or changed, and change nothing.",
        )

    def handle(self, *args, file: Path, dry_run: bool, **options):
        try:
            book = workbook.read(read_path(file))
        except RefusedFile as refused:
            raise CommandError(str(refused)) from None
        report = import_plan(book, dry_run=dry_run)
        if report.errors:
            for problem in report.errors:
                self.stderr.write(str(problem))
            raise CommandError(report.summary())
        for section in report.by_sheet():
            for change in section["created"] if options["verbosity"] > 1 else ():
                self.stdout.write(f"{section['sheet']}: new {change}")
            for change in section["updated"]:
                self.stdout.write(f"{section['sheet']}: changed {change}")
        if report.left_alone:
            self.stdout.write("In the database but not in the workbook, left as they are:")
            for sheet, item in report.left_alone:
                self.stdout.write(f"  {sheet}: {item}")
        self.stdout.write(self.style.SUCCESS(report.summary()))
