"""The plan's narrative: priorities, their key themes and key deliverables, in printed order."""

from django.core.exceptions import ValidationError
from django.db import models


class Priority(models.Model):
    partnership_path = "plan_year__partnership"

    plan_year = models.ForeignKey("csp.PlanYear", on_delete=models.CASCADE, related_name="priorities")
    order = models.PositiveSmallIntegerField()
    code = models.SlugField(
        max_length=20, help_text="Stable across plan years; prefixes indicator codes, e.g. ASB, VAWG, DRUGS."
    )
    reference = models.CharField(
        "printed reference",
        max_length=20,
        blank=True,
        help_text='The number the plan prints beside it, e.g. "2"; blank where it prints none.',
    )
    title = models.CharField(max_length=200)
    abbreviation = models.CharField(
        max_length=30, blank=True, help_text="As printed after the title, e.g. VAWG."
    )
    led_by = models.CharField(
        max_length=200,
        blank=True,
        help_text="The body that leads the priority, as printed, e.g. Medway Combating Drugs Partnership.",
    )

    class Meta:
        ordering = ["plan_year", "order"]
        verbose_name_plural = "priorities"
        constraints = [
            models.UniqueConstraint(fields=["plan_year", "order"], name="priority_order_unique_in_plan"),
            models.UniqueConstraint(fields=["plan_year", "code"], name="priority_code_unique_in_plan"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def heading(self) -> str:
        """The heading as the plan prints it: the title with its abbreviation or lead in brackets."""
        aside = self.abbreviation or self.led_by
        return f"{self.title} ({aside})" if aside else self.title


class KeyTheme(models.Model):
    """A key-theme bullet; it may sit one level under another (as under the drugs priority)."""

    partnership_path = "priority__plan_year__partnership"

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="themes")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    order = models.PositiveSmallIntegerField(
        help_text="Position among all the priority's themes, as printed."
    )
    reference = models.CharField(
        "printed reference",
        max_length=20,
        blank=True,
        help_text='The number the plan prints beside it, e.g. "2.4"; blank where it prints none.',
    )
    text = models.TextField()

    class Meta:
        ordering = ["priority", "order"]
        constraints = [
            models.UniqueConstraint(fields=["priority", "order"], name="theme_order_unique_in_priority"),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def clean(self) -> None:
        if self.parent_id is None:
            return
        if self.parent.parent_id is not None:
            raise ValidationError({"parent": "Key themes nest one level only: choose a top-level theme."})
        if self.parent.priority_id != self.priority_id:
            raise ValidationError({"parent": "The parent theme must belong to the same priority."})


class Deliverable(models.Model):
    partnership_path = "priority__plan_year__partnership"

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="deliverables")
    order = models.PositiveSmallIntegerField()
    reference = models.CharField(
        "printed reference",
        max_length=20,
        blank=True,
        help_text='The number the plan prints beside it, e.g. "2.4"; blank where it prints none.',
    )
    text = models.TextField()
    lead_agency = models.ForeignKey(
        "csp.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliverables",
        help_text="Only where the plan names one.",
    )
    delivers_theme = models.ForeignKey(
        KeyTheme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliverables",
        help_text="The partnership sub-priority the plan says this delivers, e.g. 'delivering priority 1'.",
    )

    class Meta:
        ordering = ["priority", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["priority", "order"], name="deliverable_order_unique_in_priority"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def clean(self) -> None:
        if self.delivers_theme_id and self.delivers_theme.priority_id != self.priority_id:
            raise ValidationError({"delivers_theme": "The theme must belong to the same priority."})
        if (
            self.lead_agency_id
            and self.priority_id
            and self.lead_agency.partnership_id != self.priority.plan_year.partnership_id
        ):
            raise ValidationError({"lead_agency": "The lead agency must belong to this partnership."})
