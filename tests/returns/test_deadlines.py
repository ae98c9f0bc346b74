"""One rule for 'late', wherever it is shown."""

import datetime

import pytest
from django.urls import reverse

from returns.models import PeriodState, ReportingPeriod


@pytest.mark.parametrize(
    ("today", "late"),
    [("2026-10-27", False), ("2026-10-28", False), ("2026-10-29", True)],
)
def test_a_return_is_late_only_after_the_deadline_day(plan, today, late):
    assert plan.period.is_past_deadline(datetime.date.fromisoformat(today)) is late


def test_the_officers_page_says_past_deadline_for_a_closed_period_too(client, officer, plan):
    ReportingPeriod.objects.filter(pk=plan.period.pk).update(
        state=PeriodState.CLOSED, deadline=datetime.date(2020, 1, 31)
    )
    client.force_login(officer)

    page = client.get(reverse("home"), {"period": plan.period.pk}).content.decode()

    assert "Past deadline" in page
