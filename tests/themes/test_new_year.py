"""A new plan year copies every item of the old one, and editing the copy leaves the old as it was."""

from decimal import Decimal

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.urls import reverse

from csp.models import Agency, PlanYear
from indicators.models import Indicator, Measure
from indicators.quarters import working_days_after
from returns.models import PeriodState, ReportingPeriod, Return
from returns.periods import start_plan_year
from themes.models import Deliverable, KeyTheme, Priority
from themes.new_year import NewYearError


def snapshot(plan_year: PlanYear) -> dict:
    """Everything the plan says, with no ids: links are shown by what they point at (codes, orders, names)."""
    priorities = [
        (p.order, p.code, p.title, p.abbreviation, p.led_by)
        for p in Priority.objects.filter(plan_year=plan_year).order_by("order")
    ]
    themes = [
        (t.priority.code, t.order, t.text, t.parent.order if t.parent else None)
        for t in KeyTheme.objects.filter(priority__plan_year=plan_year)
        .select_related("priority", "parent")
        .order_by("priority__order", "order")
    ]
    deliverables = [
        (
            d.priority.code,
            d.order,
            d.text,
            d.lead_agency_id,
            (d.delivers_theme.order, d.delivers_theme.text) if d.delivers_theme else None,
        )
        for d in Deliverable.objects.filter(priority__plan_year=plan_year)
        .select_related("priority", "delivers_theme")
        .order_by("priority__order", "order")
    ]
    indicators = [
        (
            i.priority.code,
            i.order,
            i.code,
            i.text,
            i.measure_text,
            i.benchmark_text,
            i.benchmark_kind,
            i.responsible_as_printed,
            tuple(sorted(a.pk for a in i.responsible_agencies.all())),
        )
        for i in Indicator.objects.filter(priority__plan_year=plan_year)
        .select_related("priority")
        .prefetch_related("responsible_agencies")
        .order_by("priority__order", "order")
    ]
    measures = [
        (
            m.indicator.code,
            m.order,
            m.code,
            m.name,
            m.unit,
            m.polarity,
            m.aggregation,
            m.supplier_id,
            m.target_kind,
            m.target_value,
            m.baseline_value,
            m.due_date,
            m.amber_threshold_percent,
            m.data_source,
            m.caveats,
        )
        for m in Measure.objects.filter(indicator__priority__plan_year=plan_year)
        .select_related("indicator")
        .order_by("indicator__code", "order")
    ]
    return {
        "priorities": priorities,
        "themes": themes,
        "deliverables": deliverables,
        "indicators": indicators,
        "measures": measures,
    }


@pytest.fixture
def new_year(medway_plan, coordinator):
    return start_plan_year(medway_plan, 2027, coordinator)


def test_new_year_has_every_item_of_the_old(medway_plan, new_year):
    old, new = snapshot(medway_plan), snapshot(new_year)

    assert new == old
    # The real plan exercises every kind of link: nesting, themes delivered, lead agencies, milestones.
    assert len(new["priorities"]) == 4
    assert len(new["themes"]) == 25
    assert len(new["deliverables"]) == 40
    assert len(new["indicators"]) == 44
    assert len(new["measures"]) == 71
    assert any(parent for *_, parent in new["themes"])
    assert any(theme for *_, theme in new["deliverables"])
    assert any(agency for _, _, _, agency, _ in new["deliverables"])
    assert any(m[11] for m in new["measures"])  # a milestone's due date


def test_copies_point_at_the_new_year_and_the_same_agencies(medway_plan, new_year):
    assert new_year.partnership_id == medway_plan.partnership_id
    assert new_year.title == "MEDWAY COMMUNITY SAFETY PARTNERSHIP ACTION PLAN 2027-28"
    for theme in KeyTheme.objects.filter(priority__plan_year=new_year, parent__isnull=False):
        assert theme.parent.priority_id == theme.priority_id
    for deliverable in Deliverable.objects.filter(priority__plan_year=new_year, delivers_theme__isnull=False):
        assert deliverable.delivers_theme.priority_id == deliverable.priority_id
    for measure in Measure.objects.filter(indicator__priority__plan_year=new_year):
        assert measure.indicator.priority.plan_year_id == new_year.pk
    old_agencies = set(Agency.objects.filter(indicators__priority__plan_year=medway_plan).values_list("pk"))
    assert (
        set(Agency.objects.filter(indicators__priority__plan_year=new_year).values_list("pk")) == old_agencies
    )
    assert Agency.objects.count() == 12  # no agency is copied: they belong to the partnership


def test_new_year_has_four_periods_not_yet_open_with_default_deadlines(new_year, settings):
    periods = list(ReportingPeriod.objects.filter(plan_year=new_year).order_by("number"))

    assert [p.number for p in periods] == [1, 2, 3, 4]
    assert {p.state for p in periods} == {PeriodState.NOT_OPEN}
    for period in periods:
        expected = working_days_after(period.quarter.end_date, settings.CSP_DEADLINE_WORKING_DAYS)
        assert period.deadline == expected
    assert not Return.objects.filter(period__plan_year=new_year).exists()


def test_editing_the_new_year_leaves_the_old_as_it_was(medway_plan, new_year):
    before = snapshot(medway_plan)
    some_agency = Agency.objects.order_by("pk").last()

    Priority.objects.filter(plan_year=new_year).update(title="Renamed", led_by="Someone new")
    KeyTheme.objects.filter(priority__plan_year=new_year).update(text="Rewritten")
    Deliverable.objects.filter(priority__plan_year=new_year).update(
        lead_agency=some_agency, delivers_theme=None
    )
    for indicator in Indicator.objects.filter(priority__plan_year=new_year):
        indicator.text = "Reworded"
        indicator.save()
        indicator.responsible_agencies.set([some_agency])
    Measure.objects.filter(indicator__priority__plan_year=new_year).update(
        target_value=Decimal(999), supplier=some_agency, name="Changed"
    )
    Indicator.objects.filter(priority__plan_year=new_year, code="ASB-01").delete()
    KeyTheme.objects.filter(priority__plan_year=new_year, parent__isnull=True).first().delete()
    Priority.objects.filter(plan_year=new_year).order_by("order").last().delete()

    assert snapshot(medway_plan) == before
    assert snapshot(new_year) != before


def test_old_years_periods_returns_are_untouched(plan, coordinator):
    plan.ret.commentary = "Old year's words"
    plan.ret.save()
    periods_before = list(ReportingPeriod.objects.filter(plan_year=plan.plan_year).values())

    start_plan_year(plan.plan_year, 2027, coordinator)

    assert list(ReportingPeriod.objects.filter(plan_year=plan.plan_year).values()) == periods_before
    assert Return.objects.get(pk=plan.ret.pk).commentary == "Old year's words"
    assert Return.objects.filter(period__plan_year=plan.plan_year).count() == 2


def test_refuses_a_year_the_partnership_already_has(plan, coordinator):
    start_plan_year(plan.plan_year, 2027, coordinator)
    priorities = Priority.objects.count()

    with pytest.raises(NewYearError, match="already has a plan for 2027-28"):
        start_plan_year(plan.plan_year, 2027, coordinator)

    assert PlanYear.objects.filter(start_year=2027).count() == 1
    assert Priority.objects.count() == priorities


def test_refuses_a_year_before_the_one_copied(plan, coordinator):
    with pytest.raises(NewYearError, match="must start after 2026"):
        start_plan_year(plan.plan_year, 2025, coordinator)
    assert PlanYear.objects.count() == 1


def test_the_start_is_recorded_for_the_admin(plan, coordinator):
    new = start_plan_year(plan.plan_year, 2027, coordinator)

    entry = LogEntry.objects.get(object_id=str(new.pk))
    assert entry.user == coordinator
    assert entry.action_flag == ADDITION
    assert "2026-27" in entry.get_change_message()


def test_coordinator_starts_a_year_from_the_page(client, plan, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("new_plan_year", args=["testshire"]))
    assert page.status_code == 200
    assert page.context["form"].initial["start_year"] == 2027

    response = client.post(
        reverse("new_plan_year", args=["testshire"]), {"previous": plan.plan_year.pk, "start_year": 2027}
    )

    new = PlanYear.objects.get(start_year=2027)
    assert response.status_code == 302
    assert response["Location"] == reverse("plan_year", args=["testshire", new.pk])
    assert snapshot(new) == snapshot(plan.plan_year)


def test_page_explains_a_refusal_next_to_the_year(client, plan, coordinator):
    client.force_login(coordinator)

    response = client.post(
        reverse("new_plan_year", args=["testshire"]), {"previous": plan.plan_year.pk, "start_year": 2026}
    )

    assert response.status_code == 200
    assert "must start after 2026" in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()


def test_htmx_post_with_an_error_gets_the_form_partial(client, plan, coordinator):
    client.force_login(coordinator)

    response = client.post(
        reverse("new_plan_year", args=["testshire"]),
        {"previous": plan.plan_year.pk, "start_year": "soon"},
        headers={"HX-Request": "true"},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="new-year-form"' in body


@pytest.mark.parametrize("role", ["officer", "viewer"])
def test_officers_and_viewers_cannot_start_a_year(client, plan, officer, viewer, role):
    client.force_login({"officer": officer, "viewer": viewer}[role])

    response = client.post(
        reverse("new_plan_year", args=["testshire"]), {"previous": plan.plan_year.pk, "start_year": 2027}
    )

    assert response.status_code == 403
    assert not PlanYear.objects.filter(start_year=2027).exists()
