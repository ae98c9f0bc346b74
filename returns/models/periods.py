"""Reporting periods: one quarter of a plan year, with its deadline and whether it is open."""

from datetime import date

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from indicators.quarters import Quarter


class PeriodState(models.TextChoices):
    NOT_OPEN = "not_open", "Not yet open"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class ReportingPeriod(models.Model):
    """One quarter of a plan year, open for returns between the coordinator opening and closing it."""

    partnership_path = "plan_year__partnership"

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

    def link(self, url_name: str) -> str:
        """The address of one of the period's pages (under its partnership): `period.link("dashboard")`."""
        slug = self.plan_year.partnership.slug
        return reverse(url_name, kwargs={"partnership": slug, "period_id": self.pk})

    def is_past_deadline(self, today: date) -> bool:
        """Whether a return not yet submitted is late: the one rule for the officer's page, the
        dashboard and the report."""
        return today > self.deadline
