"""The quarter's work: reporting periods, agencies' returns, the figures in them, and reminders sent.

A period is one quarter of a plan year; opening it creates a return for every agency that owes one
(`returns.workflow`). Figures are a measure's values by quarter: from a return, or imported history.
Which states of a return count, which are outstanding and whether an officer may still change one are
decided here, once, for every page, email and report.
"""

import re
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from csp import roles
from csp.models import Membership
from indicators.calculations import Observation
from indicators.kinds import MilestoneStatus, Rag
from indicators.quarters import Quarter

MAX_DIGITS = 18
DECIMAL_PLACES = 4
BLANK = r"^\s*$"
"""Text of only spaces and line breaks: an escalation like that is no escalation."""


class PeriodState(models.TextChoices):
    NOT_OPEN = "not_open", "Not yet open"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class ReportingPeriod(models.Model):
    """One quarter of a plan, open for returns between the coordinator opening and closing it.

    A plan over several financial years has four for each: `year` says which (a plan of one year's are
    all in its start year, which is what `save` takes when none is given).
    """

    partnership_path = "plan_year__partnership"

    plan_year = models.ForeignKey("csp.PlanYear", on_delete=models.CASCADE, related_name="periods")
    year = models.PositiveSmallIntegerField(
        "financial year", help_text="The year its financial year starts: 2026 for 2026-27."
    )
    number = models.PositiveSmallIntegerField(
        "quarter", validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    deadline = models.DateField(help_text="The last day for submitting returns.")
    state = models.CharField(max_length=10, choices=PeriodState, default=PeriodState.NOT_OPEN)
    summary = models.TextField(
        "coordinator's summary", blank=True, max_length=6000, help_text="Printed in the quarterly report."
    )

    history = HistoricalRecords(excluded_fields=["summary"])

    class Meta:
        ordering = ["plan_year", "year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan_year", "year", "number"], name="one_period_per_quarter"),
        ]

    def __str__(self) -> str:
        return self.quarter.label_in_words

    def save(self, *args, **kwargs):
        if self.year is None:
            self.year = self.plan_year.start_year
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.year is not None and self.plan_year_id and self.year not in self.plan_year.years:
            raise ValidationError({"year": f"The plan runs {self.plan_year.label}: choose one of its years."})

    @property
    def quarter(self) -> Quarter:
        return Quarter(self.year, self.number)

    @property
    def code(self) -> str:
        return self.quarter.code

    @property
    def is_open(self) -> bool:
        return self.state == PeriodState.OPEN

    def link(self, url_name: str) -> str:
        """The address of one of the period's pages (under its partnership): `period.link("dashboard")`."""
        slug = self.plan_year.partnership.slug
        return reverse(url_name, kwargs={"partnership": slug, "period_id": self.pk})

    def is_past_deadline(self, today: date) -> bool:
        """Whether a return not yet submitted is late: the one rule for the officer's page, the
        dashboard and the report."""
        return today > self.deadline


class ReturnState(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned"
    APPROVED = "approved", "Approved"

    @classmethod
    def received(cls) -> tuple["ReturnState", ...]:
        """Submitted or approved: what figures, the report and the dashboard count."""
        return (cls.SUBMITTED, cls.APPROVED)

    @classmethod
    def outstanding(cls) -> tuple["ReturnState", ...]:
        """Still with the agency (not started, draft, sent back): what reminders chase and officers edit."""
        return (cls.NOT_STARTED, cls.DRAFT, cls.RETURNED)


COMMENTARY_MAX_LENGTH = 4000
ESCALATION_MAX_LENGTH = 1500


class ReturnQuerySet(models.QuerySet):
    def for_user(self, user) -> "ReturnQuerySet":
        """Every return the user may see: all of the partnerships they coordinate, and their own
        agencies'."""
        if not user.is_authenticated:
            return self.none()
        coordinated = roles.partnership_ids(user, roles.COORDINATOR)
        own_agencies = Membership.objects.filter(user=user).values("agency_id")
        return self.filter(
            models.Q(period__plan_year__partnership_id__in=coordinated) | models.Q(agency_id__in=own_agencies)
        )

    def received(self) -> "ReturnQuerySet":
        return self.filter(state__in=ReturnState.received())

    def outstanding(self) -> "ReturnQuerySet":
        return self.filter(state__in=ReturnState.outstanding())

    def escalated(self) -> "ReturnQuerySet":
        return self.exclude(escalation__regex=BLANK)


class Return(models.Model):
    """One agency's submission for one indicator in one period."""

    partnership_path = "period__plan_year__partnership"

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="returns")
    indicator = models.ForeignKey("indicators.Indicator", on_delete=models.CASCADE, related_name="returns")
    agency = models.ForeignKey("csp.Agency", on_delete=models.PROTECT, related_name="returns")
    state = models.CharField(max_length=12, choices=ReturnState, default=ReturnState.NOT_STARTED)
    nothing_to_report = models.BooleanField("nothing to report this quarter", default=False)
    commentary = models.TextField("update for the SEG", blank=True, max_length=COMMENTARY_MAX_LENGTH)
    escalation = models.TextField(
        "points to escalate to the SEG", blank=True, max_length=ESCALATION_MAX_LENGTH
    )
    agency_rating = models.CharField("agency's own rating", max_length=8, choices=Rag, blank=True)
    returned_reason = models.TextField("reason for sending back", blank=True)
    reopened_reason = models.TextField("reason for re-opening", blank=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Raised by every save, to refuse lost updates."
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ReturnQuerySet.as_manager()

    class Meta:
        ordering = ["period", "indicator__priority__order", "indicator__order", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["period", "indicator", "agency"], name="one_return_per_agency"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} by {self.agency} for {self.period}"

    def get_absolute_url(self) -> str:
        slug = self.period.plan_year.partnership.slug
        return reverse("return", kwargs={"partnership": slug, "return_id": self.pk})

    def officer_edit_refusal(self) -> str:
        """Why the agency's officers may not change the return now, or "" if they may: the period is open
        (or a coordinator re-opened this return after closing it), and the return is still with them."""
        if not (self.period.is_open or self.reopened_reason):
            return "This period is closed: returns can no longer be changed."
        if self.state not in ReturnState.outstanding():
            return f"This return is {self.get_state_display().lower()} and can no longer be changed."
        return ""

    @property
    def is_editable_by_officer(self) -> bool:
        return not self.officer_edit_refusal()

    @property
    def is_received(self) -> bool:
        return self.state in ReturnState.received()

    @property
    def is_escalated(self) -> bool:
        return not re.match(BLANK, self.escalation)


class Figure(models.Model):
    """A measure's value for one quarter: from a return, or imported history (no return)."""

    partnership_path = "measure__indicator__priority__plan_year__partnership"

    measure = models.ForeignKey("indicators.Measure", on_delete=models.CASCADE, related_name="figures")
    year = models.PositiveSmallIntegerField(help_text="Start year of the financial year: 2026 for 2026-27.")
    number = models.PositiveSmallIntegerField(
        "quarter", validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    ret = models.ForeignKey(
        Return, on_delete=models.CASCADE, null=True, blank=True, related_name="figures", verbose_name="return"
    )
    value = models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, null=True, blank=True)
    numerator = models.DecimalField(
        max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, null=True, blank=True
    )
    denominator = models.DecimalField(
        max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, null=True, blank=True
    )
    status = models.CharField(max_length=12, choices=MilestoneStatus, blank=True)
    benchmark = models.DecimalField(
        "benchmark group's figure",
        max_digits=MAX_DIGITS,
        decimal_places=DECIMAL_PLACES,
        null=True,
        blank=True,
        help_text="For a measure compared with a benchmark group: the group's figure for the same quarter.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "year", "number"], name="one_figure_per_quarter"),
        ]

    def __str__(self) -> str:
        return f"{self.measure.code} {self.quarter.code}"

    @property
    def quarter(self) -> Quarter:
        return Quarter(self.year, self.number)

    def observation(self) -> Observation:
        return Observation(
            value=self.value,
            numerator=self.numerator,
            denominator=self.denominator,
            status=MilestoneStatus(self.status) if self.status else None,
            benchmark=self.benchmark,
        )


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

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="reminders")
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
