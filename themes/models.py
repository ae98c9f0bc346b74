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
    """A key-deliverable bullet: an action of the plan. Its owner sends a quarterly update on it: the lead
    agency where the plan names one, else whichever agency the coordinator assigns; with neither, the
    coordinators write it."""

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
    owner = models.ForeignKey(
        "csp.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_deliverables",
        help_text="Who sends its quarterly updates, where the plan names no lead agency (or another is "
        "chosen). Blank: the lead agency; with no lead either, the coordinators. A quarter already open "
        "follows a change when the coordinator brings it up to date.",
    )
    due_date = models.DateField(
        null=True, blank=True, help_text="When it should be finished, if it has a date."
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

    @property
    def label(self) -> str:
        """How pages and emails name it, the plan printing no code: "ASB action 3"."""
        return f"{self.priority.code} action {self.order}"

    @property
    def update_owner_id(self) -> int | None:
        """The agency that sends its updates; None when the coordinators do."""
        return self.owner_id or self.lead_agency_id

    @property
    def update_owner(self):
        return self.owner or self.lead_agency

    def clean(self) -> None:
        if self.delivers_theme_id and self.delivers_theme.priority_id != self.priority_id:
            raise ValidationError({"delivers_theme": "The theme must belong to the same priority."})
        if not self.priority_id:
            return  # a plan import checks a row whose priority could not be saved: the rest without it
        partnership_id = self.priority.plan_year.partnership_id
        for name in ("lead_agency", "owner"):
            agency = getattr(self, name)
            if agency is not None and agency.partnership_id != partnership_id:
                label = self._meta.get_field(name).verbose_name
                raise ValidationError({name: f"The {label} must belong to this partnership."})


class Milestone(models.Model):
    """A step on the way to a deliverable, with the date it is due."""

    partnership_path = "deliverable__priority__plan_year__partnership"

    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="milestones")
    order = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=500)
    due_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["deliverable", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["deliverable", "order"], name="milestone_order_unique_in_deliverable"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]
