"""Starting a new plan year from the previous one: a full copy of the plan, ready to edit.

Everything the plan says is copied (priorities, key themes with their nesting, deliverables with their owners
and milestones, indicators, measures and their targets); agencies belong to the partnership, not the year, so
the copies point at the same agencies. Codes stay the same, which is what lets rolling-year comparisons follow
an indicator across years. Nothing of the previous year is changed, and no returns or figures are copied: they
belong to their quarters. The new year's reporting periods are made by `returns.periods.start_plan_year`,
which calls this.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from csp.models import PlanYear
from indicators.models import Indicator, Measure
from themes.models import Deliverable, KeyTheme, Milestone, Priority


class NewYearError(Exception):
    """The new year cannot be started; the message is shown to the user as it is."""


def _fields(obj: models.Model, **overrides) -> dict:
    """Every stored field of obj except its id, with overrides (the links to remap).

    Copying by the model's own field list means a field added to the plan later is copied too.
    """
    values = {
        field.attname: getattr(obj, field.attname)
        for field in obj._meta.concrete_fields
        if not field.primary_key
    }
    values.update(overrides)
    return values


def _retitle(title: str, previous: PlanYear, new_label: str) -> str:
    if previous.label in title:
        return title.replace(previous.label, new_label)
    return f"{title} ({new_label})"


def copy_plan_year(previous: PlanYear, start_year: int) -> PlanYear:
    """Copy `previous` into a new plan year starting in `start_year`.

    One transaction: either the whole plan is copied or nothing is. Refuses a year the partnership already
    has, and a year before the last of the one copied (copying forwards is the only use; backwards is a
    mistake). The copy is one year long: a strategy over several years is imported, or its end year set.
    """
    if start_year <= previous.last_year:
        raise NewYearError(f"The new plan year must start after {previous.last_year}.")
    if start_year > 2100:
        raise NewYearError("Enter a year before 2101.")
    new = PlanYear(partnership_id=previous.partnership_id, start_year=start_year)
    new.title = _retitle(previous.title, previous, new.label)[:300]
    try:
        new.clean()  # a plan over several years may already hold that year
    except ValidationError as clash:
        raise NewYearError(" ".join(clash.messages)) from clash
    with transaction.atomic():
        try:
            with transaction.atomic():
                new.save()
        except IntegrityError as clash:
            raise NewYearError(
                f"{previous.partnership} already has a plan for {new.label}: edit that one instead."
            ) from clash
        _copy_plan(previous, new)
    return new


def _copy_plan(previous: PlanYear, new: PlanYear) -> None:
    priorities = {}
    for priority in Priority.objects.filter(plan_year=previous).order_by("order"):
        priorities[priority.pk] = Priority.objects.create(**_fields(priority, plan_year_id=new.pk))

    themes: dict[int, KeyTheme] = {}
    # Parents before their children: nesting is one level deep, so top-level themes first is enough.
    old_themes = KeyTheme.objects.filter(priority__plan_year=previous).order_by(
        models.F("parent").asc(nulls_first=True), "priority__order", "order"
    )
    for theme in old_themes:
        parent = themes[theme.parent_id].pk if theme.parent_id else None
        themes[theme.pk] = KeyTheme.objects.create(
            **_fields(theme, priority_id=priorities[theme.priority_id].pk, parent_id=parent)
        )

    deliverables: dict[int, Deliverable] = {}
    for deliverable in Deliverable.objects.filter(priority__plan_year=previous).order_by("pk"):
        theme = themes[deliverable.delivers_theme_id].pk if deliverable.delivers_theme_id else None
        priority = priorities[deliverable.priority_id].pk
        deliverables[deliverable.pk] = Deliverable.objects.create(
            **_fields(deliverable, priority_id=priority, delivers_theme_id=theme)
        )
    Milestone.objects.bulk_create(
        Milestone(**_fields(milestone, deliverable_id=deliverables[milestone.deliverable_id].pk))
        for milestone in Milestone.objects.filter(deliverable__priority__plan_year=previous).order_by("pk")
    )

    indicators: dict[int, Indicator] = {}
    for indicator in Indicator.objects.filter(priority__plan_year=previous).order_by("pk"):
        indicators[indicator.pk] = Indicator.objects.create(
            **_fields(indicator, priority_id=priorities[indicator.priority_id].pk)
        )
    through = Indicator.responsible_agencies.through
    through.objects.bulk_create(
        through(indicator_id=indicators[link.indicator_id].pk, agency_id=link.agency_id)
        for link in through.objects.filter(indicator__priority__plan_year=previous).order_by("pk")
    )

    Measure.objects.bulk_create(
        Measure(**_fields(measure, indicator_id=indicators[measure.indicator_id].pk))
        for measure in Measure.objects.filter(indicator__priority__plan_year=previous).order_by("pk")
    )
