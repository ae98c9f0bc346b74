"""What has been emailed, so that nothing is sent twice, and what coordinators asked to be told."""

from django.conf import settings
from django.db import models


class ReminderKind(models.TextChoices):
    BEFORE = "before", "Before the deadline"
    LATE = "late", "After the deadline"
    BY_COORDINATOR = "coordinator", "Sent by the coordinator"


class ReminderSent(models.Model):
    """A reminder emailed to one officer about a period, so that cron running twice sends nothing twice.

    Scheduled reminders (before, late) are one row per officer, period and kind, enforced by the database:
    the row is written in the same transaction as the email is sent, so two runs at once cannot both send.
    A coordinator's reminder to one agency may be sent again, and names the agency.
    """

    partnership_path = "period__plan_year__partnership"

    period = models.ForeignKey("returns.ReportingPeriod", on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=ReminderKind)
    agency = models.ForeignKey(
        "csp.Agency",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
        help_text="Only for a coordinator's reminder to one agency.",
    )
    returns_listed = models.PositiveIntegerField(default=0)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "user", "kind"],
                condition=~models.Q(kind=ReminderKind.BY_COORDINATOR),
                name="one_scheduled_reminder_per_officer_period_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} reminder to {self.user} for {self.period}"


class NotificationPreference(models.Model):
    """What a coordinator has chosen to be emailed about, beyond the workflow's own emails."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    agency_complete = models.BooleanField(
        "email me when an agency completes all its returns",
        default=False,
        help_text="Sent when an agency's last outstanding return for a period is submitted.",
    )

    def __str__(self) -> str:
        return f"Notification preferences of {self.user}"
