"""The partnership and its plan years: the frame every other record hangs from."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class Partnership(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    vision = models.TextField("vision statement", blank=True)
    protective_marking = models.CharField(
        max_length=60,
        default="OFFICIAL",
        help_text="Printed on every page of the quarterly report, e.g. OFFICIAL or OFFICIAL-SENSITIVE.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PlanYear(models.Model):
    """One financial year's action plan: 1 April to 31 March."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="plan_years")
    start_year = models.PositiveSmallIntegerField(
        help_text="The calendar year in which the plan year starts: 2026 for 2026-27.",
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    title = models.CharField(max_length=300, help_text="The plan's title as printed.")

    class Meta:
        ordering = ["partnership__name", "-start_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "start_year"], name="one_plan_per_partnership_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partnership} {self.label}"

    @property
    def label(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"
