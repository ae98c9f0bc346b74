"""Demo data for trying the app: the Medway plan and users to sign in with. Safe to run again."""

import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from csp.models import PlanYear

PASSWORD_VARIABLE = "DEMO_PASSWORD"  # noqa: S105 (the name of a variable, not a password)
DEBUG_ONLY_PASSWORD = "demo-password-123"  # noqa: S105 (only ever used when DEBUG is on)


class Command(BaseCommand):
    help = "Load the Medway 2026-27 plan if missing and create demo users (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help=f"Password for every demo user. Defaults to ${PASSWORD_VARIABLE}; "
            f"with DEBUG on and neither set, {DEBUG_ONLY_PASSWORD!r}.",
        )

    def handle(self, *args, password: str | None = None, **options):
        password = password or os.environ.get(PASSWORD_VARIABLE)
        if not password:
            if not settings.DEBUG:
                raise CommandError(
                    f"Give --password or set {PASSWORD_VARIABLE}: there is no default outside DEBUG."
                )
            password = DEBUG_ONLY_PASSWORD
        with transaction.atomic():
            if not PlanYear.objects.filter(partnership__slug="medway", start_year=2026).exists():
                call_command("loaddata", "medway-2026-27", verbosity=0)
                self.stdout.write("Loaded the Medway 2026-27 plan.")
            admin = self._user("admin", password, is_staff=True, is_superuser=True)
        self.stdout.write(f"Demo users ready: {admin.username}. Sign in at /accounts/login/.")

    def _user(self, username: str, password: str, **flags):
        user, _ = get_user_model().objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.org"}
        )
        for name, value in flags.items():
            setattr(user, name, value)
        user.set_password(password)
        user.save()
        return user
