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


def save_queries(client, plan, ret, figures: dict) -> list[str]:
    """The SQL of one htmx "Save draft". Inside the test's transaction the save's own transactions show as
    SAVEPOINT and RELEASE: the BEGIN and COMMIT they are outside tests, round trips all the same."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from returns.models import Return

    current = Return.objects.get(pk=ret.pk)
    data = {"version": current.version, "commentary": f"Saved at version {current.version}", "action": "save"}
    data |= figures
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("return", args=["testshire", ret.pk]), data, headers={"HX-Request": "true"}
        )
    assert "Draft saved at" in response.content.decode()
    return [q["sql"] for q in queries.captured_queries]


def more_measures(plan, count: int) -> list:
    return [
        factories.MeasureFactory(indicator=plan.indicator, supplier=plan.ours, code=f"SAFE-01-{n}")
        for n in range(count)
    ]


def test_an_htmx_save_makes_few_queries_whatever_the_returns_size(client, officer, plan):
    """Saving new figures over the ones there: as many queries for 4 measures as for 24."""
    client.force_login(officer)

    def second_save(value: int) -> list[str]:
        measures = plan.indicator.measures.filter(supplier=plan.ours)
        save_queries(client, plan, plan.ret, {f"m{m.pk}_value": str(value) for m in measures})
        return save_queries(client, plan, plan.ret, {f"m{m.pk}_value": str(value + 1) for m in measures})

    small = second_save(10)
    more_measures(plan, 20)
    large = second_save(20)

    assert len(large) == len(small), "\n".join(large)
    assert len(small) <= 15, "\n".join(small)
