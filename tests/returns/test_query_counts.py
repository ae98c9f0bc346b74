"""The officer's pages make the same number of queries whatever the size of the plan."""

import pytest
from django.urls import reverse

from returns.periods import create_missing_items
from tests import factories


def grow(plan, times: int) -> None:
    """Add `times` more indicators, each with two measures, answered by the officer's agency."""
    for n in range(times):
        indicator = factories.IndicatorFactory(
            priority=plan.priority, code=f"GROW-{n:03d}", agencies=[plan.ours]
        )
        factories.MeasureFactory(indicator=indicator, supplier=plan.ours)
        factories.MeasureFactory(indicator=indicator, supplier=plan.ours)
    create_missing_items(plan.period)


@pytest.mark.parametrize("page", ["home", "return"])
def test_officer_pages_do_not_grow_with_the_plan(client, count_queries, officer, plan, page):
    client.force_login(officer)
    url = reverse("home") if page == "home" else reverse("return", args=["testshire", plan.ret.pk])
    count_queries(url)  # warm per-process caches (content types, sessions)
    small = count_queries(url)

    grow(plan, 40)
    large = count_queries(url)

    assert large == small
    # Each request also saves the session (idle expiry needs SESSION_SAVE_EVERY_REQUEST).
    assert small <= {"home": 11, "return": 18}[page]
