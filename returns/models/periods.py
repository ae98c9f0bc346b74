"""Reporting periods: one quarter of a plan, with its deadline and whether it is open."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from indicators.quarters import Quarter


def periods_up_to(quarter: Quarter, *, before: bool = False, prefix: str = "period__") -> models.Q:
    """A filter for what belongs to periods in `quarter` or earlier (strictly earlier with `before`), by
    financial year and then quarter: a plan over several years has a Q1 in each."""
    number = models.Q(**{f"{prefix}number__{'lt' if before else 'lte'}": quarter.number})
    return models.Q(**{f"{prefix}year__lt": quarter.year}) | (
        models.Q(**{f"{prefix}year": quarter.year}) & number
    )


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

    targets = models.JSONField(
        "targets in force",
        default=dict,
        blank=True,
        editable=False,
        help_text="The plan's targets as they stood when the period closed (returns.periods.freeze_targets): "
        "the quarter is rated and printed against these, whatever has changed since. Empty while open.",
    )

    history = HistoricalRecords(excluded_fields=["summary", "targets"])

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
