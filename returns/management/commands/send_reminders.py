"""Email officers about outstanding returns: run daily by cron. Safe to run twice: nobody is emailed twice."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from returns.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "Send the reminders due today: before each open period's deadline and after it passes. "
        "Each officer gets one email per reminder, listing all their outstanding returns, and never the "
        "same reminder twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            help="Act as if today were this date (YYYY-MM-DD). Defaults to today's local date.",
        )

    def handle(self, *args, today: date | None = None, **options):
        today = today or timezone.localdate()
        report = send_reminders(today=today)
        for record in report.sent:
            n = record.returns_listed
            returns = f"{n} outstanding return{'' if n == 1 else 's'}"
            self.stdout.write(
                f"Reminded {record.user.get_username()} of {returns} for "
                f"{record.period.quarter.short_label} ({record.get_kind_display().lower()})."
            )
        if not report.sent:
            self.stdout.write(
                f"Nothing to send on {today:%Y-%m-%d}: no reminder is due, or each was already sent."
            )
        if report.failed:
            raise CommandError(
                "Could not send to: " + "; ".join(report.failed) + ". They will be retried on the next run."
            )
