"""The reports index opens on the quarter being worked on, not on a quarter that has not started; the web
report's marking is in the page's font and its wide tables scroll in their own box."""

import re

from django.urls import reverse

from returns.models import PeriodState
from tests import factories


def test_the_current_quarter_comes_first_then_earlier_then_those_not_yet_open(client, plan, viewer):
    plan.period.state = PeriodState.CLOSED
    plan.period.save()
    q3 = factories.PeriodFactory(plan_year=plan.plan_year, number=3, state=PeriodState.OPEN)
    q4 = factories.PeriodFactory(plan_year=plan.plan_year, number=4, state=PeriodState.NOT_OPEN)
    q1 = factories.PeriodFactory(plan_year=plan.plan_year, number=1, state=PeriodState.CLOSED)
    client.force_login(viewer)

    page = client.get(reverse("reports", args=["testshire"])).content.decode()

    links = re.findall(r'href="/p/testshire/reports/(\d+)/"', page)
    assert links == [str(q3.pk), str(plan.period.pk), str(q1.pk), str(q4.pk)]
    assert page.index("Current quarter") < page.index(f"/reports/{plan.period.pk}/")


def test_without_an_open_quarter_the_latest_closed_comes_first(client, plan, viewer):
    plan.period.state = PeriodState.CLOSED
    plan.period.save()
    q4 = factories.PeriodFactory(plan_year=plan.plan_year, number=4, state=PeriodState.NOT_OPEN)
    client.force_login(viewer)

    page = client.get(reverse("reports", args=["testshire"])).content.decode()

    assert re.findall(r'href="/p/testshire/reports/(\d+)/"', page) == [str(plan.period.pk), str(q4.pk)]


def test_the_marking_is_in_the_pages_font_and_wide_tables_scroll_in_a_box(client, plan, viewer):
    client.force_login(viewer)

    page = client.get(reverse("report", args=["testshire", plan.period.pk])).content.decode()

    assert '<p class="govuk-body app-report-cover__marking">OFFICIAL</p>' in page
    for table in re.findall(r"(.{120})<table class=\"govuk-table", page, re.S):
        assert "app-table-scroll" in table
