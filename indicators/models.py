"""The plan's indicators, and the measures counted against each: what is counted, by whom, against what."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from indicators.calculations import MeasureSpec
from indicators.kinds import DEFAULT_AMBER_THRESHOLD_PERCENT, Aggregation, Polarity, TargetKind, Unit
from indicators.targets import FIELD_WORDS, target_problems


class Indicator(models.Model):
    """One row of a plan table, word for word."""

    partnership_path = "priority__plan_year__partnership"

    priority = models.ForeignKey("themes.Priority", on_delete=models.CASCADE, related_name="indicators")
    order = models.PositiveSmallIntegerField()
    code = models.CharField(
        max_length=20, help_text="Stable across plan years, e.g. ASB-01. Unique within a plan year."
    )
    reference = models.CharField(
        "printed reference",
        max_length=20,
        blank=True,
        help_text='The number the plan prints beside it, e.g. "2.4"; blank where it prints none.',
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
    responsible_agencies = models.ManyToManyField("csp.Agency", related_name="indicators")

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

    partnership_path = "indicator__priority__plan_year__partnership"

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
        "csp.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        help_text="The agency that supplies the figure. Blank: the partnership's coordinators supply it.",
    )
    target_kind = models.CharField(
        max_length=12, choices=TargetKind, help_text="Each kind takes only the target fields it uses."
    )
    target_value = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="For a number or percentage to reach, or a level below a baseline.",
    )
    baseline_value = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="For a reduction, a change by a date or a level to maintain. For a change or a level to "
        "maintain it is the baseline year's figure, counted as the rolling year is (a year's total for a "
        "count).",
    )
    baseline_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1990), MaxValueValidator(2100)],
        help_text="The financial year of the baseline, by the year it starts: 2004 for 2004-05.",
    )
    change_percent = models.DecimalField(
        "change in percent",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="For a change by a date: the change on the baseline, e.g. -20 for a fifth less.",
    )
    due_date = models.DateField(
        null=True, blank=True, help_text="For a milestone, or a change by a date: when it is due."
    )
    band_percent = models.DecimalField(
        "band in percent",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="To maintain: how far either side of the baseline still counts, in % of it, e.g. 5.",
    )
    range_low = models.DecimalField(
        "bottom of the range", max_digits=14, decimal_places=2, null=True, blank=True
    )
    range_high = models.DecimalField(
        "top of the range", max_digits=14, decimal_places=2, null=True, blank=True
    )
    benchmark_group = models.CharField(
        max_length=200,
        blank=True,
        help_text="For a comparison with a benchmark group: the group's figure, as printed, e.g. most "
        "similar group average. Its figure is entered with each return.",
    )
    amber_threshold_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=f"How far short of target (as a % of it) is still amber. "
        f"Blank means {DEFAULT_AMBER_THRESHOLD_PERCENT}%.",
    )
    numerator_label = models.CharField(
        "what the numerator counts",
        max_length=150,
        blank=True,
        help_text="For a ratio, how the form names its top part, e.g. 'VAWG offences charged or summonsed'.",
    )
    denominator_label = models.CharField(
        "what the denominator counts",
        max_length=150,
        blank=True,
        help_text="For a ratio, how the form names its bottom part, e.g. 'VAWG offences recorded'.",
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
    def spec(self) -> MeasureSpec:
        """What the calculations need to know of the measure and its target."""
        return MeasureSpec(
            unit=Unit(self.unit),
            polarity=Polarity(self.polarity),
            aggregation=Aggregation(self.aggregation),
            target_kind=TargetKind(self.target_kind),
            **{name: getattr(self, name) for name in FIELD_WORDS},
        )

    @property
    def target_decides_rating(self) -> bool:
        """False where the agency's own rating stands: comparison-only kinds, and milestones until due."""
        return (
            self.target_kind not in TargetKind.comparison_only() and self.target_kind != TargetKind.MILESTONE
        )

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.target_kind in TargetKind.values:
            values = {name: getattr(self, name) for name in FIELD_WORDS}
            errors |= target_problems(self.target_kind, values, self.unit, self.polarity)
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
