"""Figures: a measure's values by quarter, from a return or imported as history."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from indicators.calculations import Observation
from indicators.kinds import MilestoneStatus
from indicators.quarters import Quarter

MAX_DIGITS = 18
DECIMAL_PLACES = 4


class Figure(models.Model):
    """A measure's value for one quarter: from a return, or imported history (no return)."""

    partnership_path = "measure__indicator__priority__plan_year__partnership"

    measure = models.ForeignKey("indicators.Measure", on_delete=models.CASCADE, related_name="figures")
    year = models.PositiveSmallIntegerField(help_text="Start year of the financial year: 2026 for 2026-27.")
    number = models.PositiveSmallIntegerField(
        "quarter", validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    ret = models.ForeignKey(
        "returns.Return",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="figures",
        verbose_name="return",
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
