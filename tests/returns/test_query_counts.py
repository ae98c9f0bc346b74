"""The officer's pages make the same number of queries whatever the size of the plan."""

import pytest
from django.urls import reverse

from returns.periods import create_missing_returns
from tests import factories


def grow(plan, times: int) -> None:
    """Add `times` more indicators, each with two measures, answered by the officer's agency."""
    for n in range(times):
        indicator = factories.IndicatorFactory(
            priority=plan.priority, code=f"GROW-{n:03d}", agencies=[plan.ours]
        )
        factories.MeasureFactory(indicator=indicator, supplier=plan.ours)
        factories.MeasureFactory(indicator=indicator, supplier=plan.ours)
    create_missing_returns(plan.period)


@pytest.mark.parametrize("page", ["home", "return"])
def test_officer_pages_do_not_grow_with_the_plan(client, count_queries, officer, plan, page):
    client.force_login(officer)
    url = reverse("home") if page == "home" else reverse("return", args=[plan.ret.pk])
    count_queries(url)  # warm per-process caches (content types, sessions)
    small = count_queries(url)

    grow(plan, 40)
    large = count_queries(url)

    assert large == small
    # Each request also saves the session (idle expiry needs SESSION_SAVE_EVERY_REQUEST).
    assert small <= {"home": 10, "return": 18}[page]


def save_queries(client, plan, ret, figures: dict) -> list[str]:
    """The SQL of one htmx "Save draft", leaving out the savepoints only the test's own transaction adds."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from returns.models import Return

    current = Return.objects.get(pk=ret.pk)
    data = {"version": current.version, "commentary": f"Saved at version {current.version}", "action": "save"}
    data |= figures
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("return", args=[ret.pk]), data, headers={"HX-Request": "true"})
    assert "Draft saved at" in response.content.decode()
    return [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]


def more_measures(plan, count: int) -> list:
    return [
        factories.MeasureFactory(indicator=plan.indicator, supplier=plan.ours, code=f"SAFE-01-{n}")
        for n in range(count)
    ]


def test_an_htmx_save_makes_few_queries_whatever_the_returns_size(client, officer, plan):
    """A save that changes some figures and adds others: as many queries for 2 measures as for 22."""
    client.force_login(officer)

    def mixed_save(measures, value: int) -> list[str]:
        save_queries(client, plan, plan.ret, {f"m{m.pk}_value": str(value) for m in measures[::2]})
        return save_queries(client, plan, plan.ret, {f"m{m.pk}_value": str(value + 1) for m in measures})

    small = mixed_save([plan.count, plan.percentage], 10)
    large = mixed_save([plan.count, plan.percentage, *more_measures(plan, 20)], 20)

    assert len(large) == len(small), "\n".join(large)
    assert len(small) <= 15, "\n".join(small)
