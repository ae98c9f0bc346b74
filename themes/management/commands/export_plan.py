"""python manage.py export_plan SLUG START_YEAR -o FILE: a plan year as a plan workbook."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from csp.models import PlanYear
from themes import workbook_export


class Command(BaseCommand):
    help = (
        "Write a plan year as a plan workbook: .xlsx, a .zip of CSV files, or a folder of CSV files "
        "(any other output path). With --template, a blank workbook with the headers only."
    )

    def add_arguments(self, parser):
        parser.add_argument("partnership", nargs="?", help="The partnership's slug, e.g. medway.")
        parser.add_argument("start_year", nargs="?", type=int, help="The year the plan starts, e.g. 2026.")
        parser.add_argument("-o", "--output", type=Path, required=True, help="Where to write it.")
        parser.add_argument("--template", action="store_true", help="Write a blank template instead.")

    def handle(self, *args, partnership, start_year, output: Path, template: bool, **options):
        if template:
            rows = workbook_export.blank_rows()
        else:
            if not partnership or not start_year:
                raise CommandError("Give the partnership's slug and the plan's start year, or --template.")
            plan_year = (
                PlanYear.objects.select_related("partnership")
                .filter(partnership__slug=partnership, start_year=start_year)
                .first()
            )
            if plan_year is None:
                raise CommandError(
                    f"There is no {start_year} plan for a partnership with the slug {partnership!r}."
                )
            rows = workbook_export.plan_rows(plan_year)
        suffix = output.suffix.casefold()
        if suffix == ".xlsx":
            output.write_bytes(workbook_export.write_xlsx(rows))
        elif suffix == ".zip":
            output.write_bytes(workbook_export.write_csv_zip(rows))
        else:
            output.mkdir(parents=True, exist_ok=True)
            for name, data in workbook_export.csv_files(rows).items():
                (output / name).write_bytes(data)
        self.stdout.write(self.style.SUCCESS(f"Written to {output}."))
