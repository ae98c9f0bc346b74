"""Demo data for trying the app: two partnerships' plans, people in every role, and a quarter to work on.

The Medway plan, and beside it the fictional Northam partnership's (fixtures/examples/example-plan.xlsx),
both for 2026-27. Agencies that serve both (Kent Police, Kent Fire and Rescue, the ICB, Probation) share
one officer account each, whose list of returns spans the two. Safe to run again: nothing is duplicated
and nothing already entered is overwritten.
"""

import os
from datetime import date
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from csp.models import Agency, Partnership, PlanYear
from csp.provisioning import add_user
from csp.upload_guard import read_path
from indicators.quarters import Quarter, working_days_after
from returns.demo import (
    assign_demo_owners,
    complete,
    demo_owners,
    explain_demo_exceptions,
    fill_demo_figures,
)
from returns.models import PeriodState, ReturnState
from returns.periods import ensure_periods, import_plan, set_period_state
from themes.workbook import read as read_workbook

PASSWORD_VARIABLE = "DEMO_PASSWORD"  # noqa: S105 (the name of a variable, not a password)
DEBUG_ONLY_PASSWORD = "demo-password-123"  # noqa: S105 (only ever used when DEBUG is on)
DEMO_WORKING_DAYS_TO_DEADLINE = 10
NORTHAM = Path(settings.BASE_DIR) / "fixtures" / "examples" / "example-plan.xlsx"


def officer_username(agency: Agency) -> str:
    return f"officer-{slugify(agency.display_name)}"


class Command(BaseCommand):
    help = (
        "Load the Medway 2026-27 plan and the Northam example beside it if missing, create demo users and "
        "open each partnership's current quarter."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help=f"Password for every demo user. Defaults to ${PASSWORD_VARIABLE}; "
            f"with DEBUG on and neither set, {DEBUG_ONLY_PASSWORD!r}.",
        )
        parser.add_argument(
            "--today", type=date.fromisoformat, help="Pretend today is this date (YYYY-MM-DD)."
        )

    def handle(self, *args, password: str | None = None, today: date | None = None, **options):
        password = password or os.environ.get(PASSWORD_VARIABLE)
        if not password:
            if not settings.DEBUG:
                raise CommandError(
                    f"Give --password or set {PASSWORD_VARIABLE}: there is no default outside DEBUG."
                )
            password = DEBUG_ONLY_PASSWORD
        today = today or timezone.localdate()
        table: dict[str, list[str]] = {}
        with transaction.atomic():
            plan_years = [self._medway(), self._northam()]
            admin = self._person(table, "admin", "administrator of every partnership", password)
            admin.is_staff = admin.is_superuser = True
            admin.save()
            opened = []
            for plan_year in plan_years:
                coordinator = self._people(table, plan_year.partnership, password)
                current = self._quarters(plan_year, today, coordinator)
                if current:
                    opened.append(f"{plan_year.partnership.name}: {current.label_in_words}")
        self.stdout.write("Current periods: " + ("; ".join(opened) or "none open") + ".")
        self.stdout.write("Demo users (sign in at /accounts/login/):")
        for username, what in sorted(table.items()):
            self.stdout.write(f"  {username:<40} {'; '.join(what)}")

    def _medway(self) -> PlanYear:
        if not PlanYear.objects.filter(partnership__slug="medway", start_year=2026).exists():
            call_command("loaddata", "medway-2026-27", verbosity=0)
            self.stdout.write("Loaded the Medway 2026-27 plan.")
        plan_year = PlanYear.objects.select_related("partnership").get(
            partnership__slug="medway", start_year=2026
        )
        assign_demo_owners(
            plan_year, demo_owners(settings.BASE_DIR / "fixtures" / "demo" / "medway-owners.json")
        )
        return plan_year

    def _northam(self) -> PlanYear:
        if not PlanYear.objects.filter(partnership__slug="northam", start_year=2026).exists():
            report = import_plan(read_workbook(read_path(NORTHAM)))
            if not report.applied:
                raise CommandError(f"The Northam example did not import: {report.summary()}")
            self.stdout.write("Loaded the Northam 2026-27 example plan.")
        return PlanYear.objects.select_related("partnership").get(
            partnership__slug="northam", start_year=2026
        )

    def _people(self, table: dict, partnership: Partnership, password: str):
        """A coordinator and a report viewer of the partnership, and an officer for each agency that owes
        returns or action updates; an agency of the same name in another partnership shares its officer."""
        coordinator_name = (
            "coordinator" if partnership.slug == "medway" else f"coordinator-{partnership.slug}"
        )
        coordinator = self._person(table, coordinator_name, f"coordinator of {partnership.name}", password)
        add_user(coordinator_name, partnership, "coordinator")
        self._person(table, "viewer", f"report viewer of {partnership.name}", password)
        add_user("viewer", partnership, "viewer")
        agencies = Agency.objects.filter(
            Q(indicators__isnull=False) | Q(deliverables__isnull=False) | Q(owned_deliverables__isnull=False),
            partnership=partnership,
        ).distinct()
        for agency in agencies:
            username = officer_username(agency)
            self._person(table, username, f"officer of {agency.name} in {partnership.name}", password)
            add_user(username, partnership, "officer", agency=agency.name)
        return coordinator

    def _person(self, table: dict, username: str, what: str, password: str):
        """The demo account, made if new, with the demo password (set once a run: hashing is slow on
        purpose) and an address at example.org."""
        user, _ = get_user_model().objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.org"}
        )
        if username not in table:
            user.set_password(password)
            user.save()
        table.setdefault(username, []).append(what)
        return user

    def _quarters(self, plan_year: PlanYear, today: date, coordinator) -> Quarter | None:
        """Quarters of the plan year that have ended before the latest: closed with approved returns and
        action updates.
        The latest ended quarter: open, for the demo users to work on."""
        periods = ensure_periods(plan_year)
        latest_ended = Quarter.containing(today).previous()
        fill_demo_figures(plan_year, through=latest_ended)
        current = None
        for period in periods:
            quarter = period.quarter
            if quarter < latest_ended:
                if period.state != PeriodState.CLOSED:
                    set_period_state(period, coordinator, PeriodState.OPEN)
                    for items in (period.returns, period.deliverableupdates):
                        for item in items.filter(state=ReturnState.NOT_STARTED).select_related(
                            "period__plan_year", "agency"
                        ):
                            complete(item, coordinator)
                    explain_demo_exceptions(period)
                    set_period_state(period, coordinator, PeriodState.CLOSED)
            elif quarter == latest_ended:
                if period.state == PeriodState.NOT_OPEN:
                    # A demo opened today should not start out late: give people two working weeks.
                    if period.is_past_deadline(today):
                        period.deadline = working_days_after(today, DEMO_WORKING_DAYS_TO_DEADLINE)
                        period.save(update_fields=["deadline"])
                    set_period_state(period, coordinator, PeriodState.OPEN)
                current = quarter
        return current
