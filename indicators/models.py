"""Agencies, the plan's indicators, and the measures counted against them."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from csp import roles
from indicators.calculations import Observation
from indicators.kinds import (
    DEFAULT_AMBER_THRESHOLD_PERCENT,
    Aggregation,
    MilestoneStatus,
    Polarity,
    Rag,
    TargetKind,
    Unit,
)
from indicators.quarters import Quarter

MAX_DIGITS = 18
DECIMAL_PLACES = 4


class Agency(models.Model):
    """A responsible body. The plan spells some names two ways; each agency is stored once."""

    partnership = models.ForeignKey("csp.Partnership", on_delete=models.PROTECT, related_name="agencies")
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=60, blank=True, help_text="e.g. KFRS, VRU, CSU, ICB.")
    other_names = models.TextField(
        blank=True,
        help_text="Other spellings used in plans, one per line, so imports find this agency.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="agency_name_unique_in_partnership"),
        ]

    def __str__(self) -> str:
        return self.name

    def known_names(self) -> set[str]:
        """Every spelling this agency answers to, case-folded, for matching names in imported plans."""
        names = {self.name, self.short_name, *self.other_names.splitlines()}
        return {" ".join(n.split()).casefold() for n in names if n.strip()}


class Indicator(models.Model):
    """One row of a plan table, word for word."""

    priority = models.ForeignKey("themes.Priority", on_delete=models.CASCADE, related_name="indicators")
    order = models.PositiveSmallIntegerField()
    code = models.CharField(
        max_length=20, help_text="Stable across plan years, e.g. ASB-01. Unique within a plan year."
    )
    text = models.TextField(
        help_text="The indicator (or action, where the plan has a separate measure column)."
    )
    measure_text = models.TextField(
        blank=True, help_text="The separate measure column, where the plan has one; otherwise blank."
    )
    benchmark_text = models.CharField(
        "benchmark or target as printed",
        max_length=300,
        blank=True,
        help_text="e.g. Rolling Year Rolling Quarter, 63%. Blank where the plan prints a measure instead.",
    )
    benchmark_kind = models.CharField(max_length=12, choices=TargetKind)
    responsible_as_printed = models.CharField(
        max_length=300, help_text="The Responsible column, word for word."
    )
    responsible_agencies = models.ManyToManyField(Agency, related_name="indicators")

    class Meta:
        ordering = ["priority", "order"]
        constraints = [
            models.UniqueConstraint(fields=["priority", "order"], name="indicator_order_unique_in_priority"),
            models.UniqueConstraint(fields=["priority", "code"], name="indicator_code_unique_in_priority"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text[:70]}"

    def clean(self) -> None:
        if not self.priority_id:
            return
        clash = Indicator.objects.filter(
            priority__plan_year_id=self.priority.plan_year_id, code=self.code
        ).exclude(pk=self.pk)
        if clash.exists():
            raise ValidationError({"code": f"{self.code} is already used in this plan year."})


class Measure(models.Model):
    """What is actually counted for an indicator, by whom, and what it is judged against."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measures")
    order = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=30, help_text="Stable across plan years, e.g. ASB-01-A.")
    name = models.CharField(max_length=300)
    unit = models.CharField(max_length=16, choices=Unit)
    polarity = models.CharField(max_length=8, choices=Polarity)
    aggregation = models.CharField(
        max_length=8,
        choices=Aggregation,
        help_text="How quarters combine: a flow adds up, a stock takes the latest quarter, "
        "a ratio adds numerators and denominators separately.",
    )
    supplier = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="measures",
        help_text="The agency that supplies the figure.",
    )
    target_kind = models.CharField(max_length=12, choices=TargetKind)
    target_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    baseline_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    due_date = models.DateField(null=True, blank=True, help_text="For a milestone: when it must be complete.")
    amber_threshold_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=f"How far short of target (as a % of it) is still amber. "
        f"Blank means {DEFAULT_AMBER_THRESHOLD_PERCENT}%.",
    )
    data_source = models.CharField(max_length=300, blank=True, help_text="Where the figure comes from.")
    caveats = models.TextField(
        blank=True,
        help_text="What a reader must know, e.g. police and youth-justice counts of the same thing differ.",
    )

    class Meta:
        ordering = ["indicator", "order"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "order"], name="measure_order_unique_in_indicator"),
            models.UniqueConstraint(fields=["indicator", "code"], name="measure_code_unique_in_indicator"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"

    @property
    def target_decides_rating(self) -> bool:
        """False where the agency's own rating stands: comparison-only kinds, and milestones until due."""
        return (
            self.target_kind not in TargetKind.comparison_only() and self.target_kind != TargetKind.MILESTONE
        )

    def clean(self) -> None:
        errors: dict[str, str] = {}
        kind = self.target_kind
        if kind in (TargetKind.NUMBER, TargetKind.PERCENTAGE) and self.target_value is None:
            errors["target_value"] = "A number or percentage target needs a target value."
        if (
            kind == TargetKind.PERCENTAGE
            and self.target_value is not None
            and not 0 <= self.target_value <= 100
        ):
            errors["target_value"] = "A percentage target must be between 0 and 100."
        if kind == TargetKind.REDUCTION_FROM_BASELINE and self.baseline_value is None:
            errors["baseline_value"] = "A reduction from a baseline needs the baseline value."
        if kind == TargetKind.MILESTONE:
            if self.due_date is None:
                errors["due_date"] = "A milestone needs the date it is due."
            if self.unit != Unit.MILESTONE:
                errors["unit"] = "A milestone target needs the yes/no milestone unit."
        if self.unit == Unit.MILESTONE and self.aggregation != Aggregation.STOCK:
            errors["aggregation"] = "A milestone's latest status stands: choose stock."
        if self.indicator_id and self.supplier_id:
            if self.supplier.partnership_id != self.indicator.priority.plan_year.partnership_id:
                errors["supplier"] = "The supplier must be an agency of this partnership."
            clash = Measure.objects.filter(
                indicator__priority__plan_year_id=self.indicator.priority.plan_year_id, code=self.code
            ).exclude(pk=self.pk)
            if clash.exists():
                errors["code"] = f"{self.code} is already used in this plan year."
        if errors:
            raise ValidationError(errors)


class Membership(models.Model):
    """An officer's membership of an agency: what decides which returns they see and edit."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        ordering = ["agency__name"]
        constraints = [models.UniqueConstraint(fields=["user", "agency"], name="one_membership_per_agency")]

    def __str__(self) -> str:
        return f"{self.user} in {self.agency}"


class PeriodState(models.TextChoices):
    NOT_OPEN = "not_open", "Not yet open"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class ReportingPeriod(models.Model):
    """One quarter of a plan year, open for returns between the coordinator opening and closing it."""

    plan_year = models.ForeignKey("csp.PlanYear", on_delete=models.CASCADE, related_name="periods")
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
        ordering = ["plan_year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan_year", "number"], name="one_period_per_quarter"),
        ]

    def __str__(self) -> str:
        return self.quarter.label_in_words

    @property
    def quarter(self) -> Quarter:
        return Quarter(self.plan_year.start_year, self.number)

    @property
    def code(self) -> str:
        return self.quarter.code

    @property
    def is_open(self) -> bool:
        return self.state == PeriodState.OPEN

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


COMMENTARY_MAX_LENGTH = 4000
ESCALATION_MAX_LENGTH = 1500


class ReturnQuerySet(models.QuerySet):
    def for_user(self, user) -> "ReturnQuerySet":
        """Every return the user may see: all for coordinators, their own agencies' for officers."""
        if not user.is_authenticated:
            return self.none()
        if roles.is_coordinator(user):
            return self
        return self.filter(agency__memberships__user=user)


class Return(models.Model):
    """One agency's submission for one indicator in one period."""

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="returns")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="returns")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="returns")
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

    @property
    def is_editable_by_officer(self) -> bool:
        """Open period, or re-opened by a coordinator after closing, and not yet submitted."""
        return (self.period.is_open or bool(self.reopened_reason)) and self.state in (
            ReturnState.NOT_STARTED,
            ReturnState.DRAFT,
            ReturnState.RETURNED,
        )

    @property
    def is_escalated(self) -> bool:
        return bool(self.escalation.strip())


class Figure(models.Model):
    """A measure's value for one quarter: from a return, or imported history (no return)."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="figures")
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

    @property
    def is_history(self) -> bool:
        return self.ret_id is None

    def observation(self) -> Observation:
        return Observation(
            value=self.value,
            numerator=self.numerator,
            denominator=self.denominator,
            status=MilestoneStatus(self.status) if self.status else None,
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

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=ReminderKind)
    agency = models.ForeignKey(
        Agency,
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
