"""Demo data for trying the app: the Medway plan, people in every role, and a quarter to work on.

Safe to run again: nothing is duplicated and nothing already entered is overwritten.
"""

import os
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from csp import roles
from csp.models import Agency, Membership, PlanYear
from indicators.quarters import Quarter
from returns.demo import complete, fill_demo_figures
from returns.models import PeriodState, ReturnState
from returns.periods import default_deadline, ensure_periods, set_period_state

PASSWORD_VARIABLE = "DEMO_PASSWORD"  # noqa: S105 (the name of a variable, not a password)
DEBUG_ONLY_PASSWORD = "demo-password-123"  # noqa: S105 (only ever used when DEBUG is on)
DEMO_WORKING_DAYS_TO_DEADLINE = 10


def officer_username(agency: Agency) -> str:
    return f"officer-{slugify(agency.display_name)}"


class Command(BaseCommand):
    help = "Load the Medway 2026-27 plan if missing, create demo users and open the current quarter."

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
        with transaction.atomic():
            if not PlanYear.objects.filter(partnership__slug="medway", start_year=2026).exists():
                call_command("loaddata", "medway-2026-27", verbosity=0)
                self.stdout.write("Loaded the Medway 2026-27 plan.")
            plan_year = PlanYear.objects.get(partnership__slug="medway", start_year=2026)
            people = self._people(plan_year, password)
            coordinator = people["coordinator"]
            current = self._quarters(plan_year, today, coordinator)
        self.stdout.write(f"Current period: {current.label_in_words if current else 'none open'}.")
        self.stdout.write("Demo users (sign in at /accounts/login/):")
        for username, role in sorted(people["table"]):
            self.stdout.write(f"  {username:<40} {role}")

    def _people(self, plan_year: PlanYear, password: str) -> dict:
        table = []
        admin = self._user("admin", password, roles.ADMINISTRATOR, is_staff=True, is_superuser=True)
        table.append((admin.username, "administrator"))
        coordinator = self._user("coordinator", password, roles.COORDINATOR)
        table.append((coordinator.username, "CSP coordinator"))
        viewer = self._user("viewer", password, roles.VIEWER)
        table.append((viewer.username, "SEG viewer"))
        responsible = Agency.objects.filter(indicators__priority__plan_year=plan_year).distinct()
        for agency in responsible:
            officer = self._user(officer_username(agency), password, roles.OFFICER)
            Membership.objects.get_or_create(user=officer, agency=agency)
            table.append((officer.username, f"partner officer, {agency.name}"))
        return {"coordinator": coordinator, "table": table}

    def _user(self, username: str, password: str, role: str, **flags):
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.org"}
        )
        for name, value in flags.items():
            setattr(user, name, value)
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=role))
        return user

    def _quarters(self, plan_year: PlanYear, today: date, coordinator) -> Quarter | None:
        """Quarters of the plan year that have ended before the latest: closed with approved returns.
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
                    for ret in period.returns.filter(state=ReturnState.NOT_STARTED).select_related(
                        "period__plan_year", "agency"
                    ):
                        complete(ret, coordinator)
                    set_period_state(period, coordinator, PeriodState.CLOSED)
            elif quarter == latest_ended:
                if period.state == PeriodState.NOT_OPEN:
                    # A demo opened today should not start out late: give people two working weeks.
                    if period.is_past_deadline(today):
                        period.deadline = default_deadline(today, DEMO_WORKING_DAYS_TO_DEADLINE)
                        period.save(update_fields=["deadline"])
                    set_period_state(period, coordinator, PeriodState.OPEN)
                current = quarter
        return current
