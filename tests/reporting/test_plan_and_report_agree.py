"""The plan page and the quarterly report rate every indicator the same way, on the demo's data."""

import io
import random
from datetime import date

from django.core.management import call_command
from django.urls import reverse

from csp import roles
from csp.models import PlanYear
from returns.demo import complete
from returns.models import ReportingPeriod, ReturnState
from tests import factories

TODAY = date(2026, 11, 20)


def test_the_plan_page_and_the_report_give_every_indicator_the_same_rating(db, client):
    call_command("seed_demo", "--today", TODAY.isoformat(), "--password", "x-demo-1", stdout=io.StringIO())
    plan_year = PlanYear.objects.get(partnership__slug="medway", start_year=2026)
    period = ReportingPeriod.objects.get(plan_year=plan_year, number=2)  # the open quarter
    # The quarter part-way through: most returns in, some approved, some drafts, some not started.
    coordinator = factories.make_user("rater", roles.COORDINATOR)
    rng = random.Random("agree")  # noqa: S311 (test data)
    for ret in period.returns.select_related("period__plan_year", "agency").order_by("pk"):
        roll = rng.random()
        if roll > 0.15:
            up_to = (
                ReturnState.DRAFT
                if roll < 0.3
                else ReturnState.SUBMITTED
                if roll < 0.6
                else ReturnState.APPROVED
            )
            complete(ret, coordinator, up_to=up_to)
    client.force_login(coordinator)

    plan_page = client.get(reverse("plan_year", args=["medway", plan_year.pk])).context
    report_page = client.get(reverse("report", args=["medway", period.pk])).context

    assert plan_page["quarter"] == period.quarter
    on_the_plan = {
        indicator.code: indicator.latest_rating.rag.value
        for priority in plan_page["priorities"]
        for indicator in priority.indicators.all()
    }
    in_the_report = {
        row.code: row.rag for section in report_page["report"].priorities for row in section.indicators
    }
    assert on_the_plan == in_the_report
    assert len(on_the_plan) == 44
    assert {"red", "amber", "green", "none"} <= set(on_the_plan.values()), "a test of every rating"
