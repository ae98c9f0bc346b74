"""The plan as the partnership prints it: each item's printed reference ("2.4") wherever the plan is shown,
and no empty headed section for a priority with nothing under it, on the plan page or in the report."""

from django.urls import reverse

from reporting.builder import build_quarterly_report
from reporting.pdf import report_html
from tests import factories
from tests.reporting.report_helpers import BEFORE_DEADLINE
from themes.models import Deliverable, KeyTheme, Priority


def number_the_plan(plan) -> None:
    Priority.objects.filter(pk=plan.priority.pk).update(reference="2")
    plan.indicator.reference = "2.4"
    plan.indicator.save()
    theme = KeyTheme.objects.create(priority=plan.priority, order=1, reference="2.1", text="Safer nights")
    KeyTheme.objects.create(
        priority=plan.priority, order=2, parent=theme, reference="2.1a", text="Taxi marshals"
    )
    Deliverable.objects.create(priority=plan.priority, order=1, reference="2.2", text="A patrol plan")


def plan_page(client, plan) -> str:
    client.force_login(factories.officer_of(plan.ours, username="reader"))
    response = client.get(reverse("plan_year", args=[plan.partnership.slug, plan.plan_year.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_plan_page_prints_each_reference_beside_its_item(client, plan):
    number_the_plan(plan)

    page = plan_page(client, plan)

    assert "2 Safer streets</a>" in page  # the contents
    assert ">2 Safer streets</h2>" in page
    assert "<li>2.1 Safer nights" in page
    assert "<li>2.1a Taxi marshals</li>" in page
    assert '-1">2.2 A patrol plan' in page
    assert f"2.4 {plan.indicator.text}" in page


def test_the_report_prints_each_reference_beside_its_item(plan):
    number_the_plan(plan)

    report = build_quarterly_report(plan.period, today=BEFORE_DEADLINE)
    html = report_html(report)

    section = report.priorities[0]
    assert (section.reference, section.themes[0].reference, section.themes[0].children[0].reference) == (
        "2",
        "2.1",
        "2.1a",
    )
    assert section.actions[0].reference == "2.2"
    assert [row.reference for row in section.indicators] == ["2.4", ""]
    assert "Priority 2</span>" in html
    assert "<li>2.1 Safer nights" in html and "<li>2.1a Taxi marshals</li>" in html
    assert "2.2 A patrol plan" in html
    assert f"SAFE-01: 2.4 {plan.indicator.text}" in html


def test_without_references_the_priorities_are_numbered_in_order(client, plan):
    page = plan_page(client, plan)
    html = report_html(build_quarterly_report(plan.period, today=BEFORE_DEADLINE))

    assert "1. Safer streets</a>" in page
    assert "1. Safer streets</a>" in html and "Priority 1</span>" in html


def test_a_priority_with_nothing_under_it_prints_no_empty_headed_sections(client, plan):
    factories.PriorityFactory(
        plan_year=plan.plan_year, order=plan.priority.order + 1, code="EMPTY", title="Empty priority"
    )

    page = plan_page(client, plan).split("Empty priority</h2>", 1)[1]
    html = report_html(build_quarterly_report(plan.period, today=BEFORE_DEADLINE))
    section = html.split("Empty priority</h2>", 1)[1].split("</section>", 1)[0]

    for text in (page.split("</section>", 1)[0], section):
        assert "Nothing has been planned under this priority yet." in text
        for heading in ("Key themes", "Key deliverables", "Indicators", "Updates from agencies", "<table"):
            assert heading not in text


def test_a_priority_with_themes_only_prints_only_its_themes(client, plan):
    themed = factories.PriorityFactory(
        plan_year=plan.plan_year, order=plan.priority.order + 1, code="THEMED", title="Themed priority"
    )
    KeyTheme.objects.create(priority=themed, order=1, text="Only a theme")

    page = plan_page(client, plan).split("Themed priority</h2>", 1)[1].split("</section>", 1)[0]
    html = report_html(build_quarterly_report(plan.period, today=BEFORE_DEADLINE))
    section = html.split("Themed priority</h2>", 1)[1].split("</section>", 1)[0]

    for text in (page, section):
        assert "Key themes" in text and "Only a theme" in text
        assert (
            "Key deliverables" not in text and "<table" not in text and "Nothing has been planned" not in text
        )
    assert "Updates from agencies" not in section
