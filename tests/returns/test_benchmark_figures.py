"""A comparison with a benchmark group: the group's figure is entered with the return, beside the
agency's own, or imported with the history; the rating waits for it, the return does not."""

from decimal import Decimal

import pytest
import tablib
from django.urls import reverse

from indicators.kinds import Aggregation, Polarity, Rag, TargetKind, Unit
from reporting.figure_sheets import FigureResource
from returns.figures import figures_for
from returns.models import Figure, ReturnState
from tests import factories


@pytest.fixture
def group_measure(plan):
    """Burglaries per 100,000 against the most similar group's average, supplied by Testshire Police."""
    return factories.MeasureFactory(
        indicator=plan.indicator,
        supplier=plan.ours,
        code="SAFE-01-E",
        name="Burglary rate",
        unit=Unit.RATE_PER_100K,
        polarity=Polarity.LOWER_IS_BETTER,
        aggregation=Aggregation.STOCK,
        target_kind=TargetKind.BENCHMARK_GROUP,
        benchmark_group="most similar group average",
    )


def form_data(plan, group_measure, **overrides):
    data = {
        "version": plan.ret.version,
        f"m{plan.count.pk}_value": "120",
        f"m{plan.percentage.pk}_value": "81.5",
        f"m{plan.ratio.pk}_numerator": "30",
        f"m{plan.ratio.pk}_denominator": "45",
        f"m{plan.milestone.pk}_status": "in_progress",
        f"m{group_measure.pk}_value": "9.5",
        f"m{group_measure.pk}_benchmark": "10.2",
        "commentary": "Burglary is below the group's average.",
        "action": "save",
    }
    return data | overrides


def test_the_return_page_asks_for_the_groups_figure_beside_the_agencys_own(
    client, officer, plan, group_measure
):
    client.force_login(officer)

    page = client.get(reverse("return", args=["testshire", plan.ret.pk])).content.decode()

    assert f'name="m{group_measure.pk}_value"' in page
    assert f'name="m{group_measure.pk}_benchmark"' in page
    assert "The most similar group average for Burglary rate" in page
    assert "Target: At or below the most similar group average." in page


def test_the_groups_figure_is_saved_with_the_return_and_rates_the_quarter(
    client, officer, plan, group_measure
):
    client.force_login(officer)

    client.post(reverse("return", args=["testshire", plan.ret.pk]), form_data(plan, group_measure))

    figure = Figure.objects.get(ret=plan.ret, measure=group_measure)
    assert (figure.value, figure.benchmark) == (Decimal("9.5"), Decimal("10.2"))
    plan.ret.refresh_from_db()
    _, computed = figures_for(
        [group_measure],
        plan.period.quarter,
        partnership_id=plan.partnership.pk,
        today=plan.period.deadline,
        given={},
        include_draft_of=plan.ret,
    )
    assert computed[group_measure.pk].rag == Rag.GREEN  # 9.5 is below the group's 10.2
    assert computed[group_measure.pk].rag_reason == (
        "9.5 per 100,000 against 10.2 per 100,000 for the most similar group average"
    )


def test_a_return_is_submitted_without_the_groups_figure(client, officer, plan, group_measure):
    client.force_login(officer)
    url = reverse("return", args=["testshire", plan.ret.pk])

    client.post(
        url, form_data(plan, group_measure, action="submit", **{f"m{group_measure.pk}_benchmark": ""})
    )

    plan.ret.refresh_from_db()
    assert plan.ret.state == ReturnState.SUBMITTED
    assert Figure.objects.get(ret=plan.ret, measure=group_measure).benchmark is None


def test_a_groups_figure_out_of_range_is_refused_beside_its_input(client, officer, plan, group_measure):
    client.force_login(officer)

    response = client.post(
        reverse("return", args=["testshire", plan.ret.pk]),
        form_data(plan, group_measure, **{f"m{group_measure.pk}_benchmark": "lots"}),
    )

    assert "Enter the most similar group average for Burglary rate as a number, like 42." in (
        response.content.decode()
    )
    assert not Figure.objects.filter(ret=plan.ret, measure=group_measure).exists()


HEADERS = ["partnership", "quarter", "measure", "value", "benchmark"]


def import_rows(*rows):
    dataset = tablib.Dataset(*rows, headers=HEADERS)
    return FigureResource().import_data(tablib.Dataset().load(dataset.csv, format="csv"))


def test_history_imports_the_groups_figure_beside_the_partnerships_own(plan, group_measure):
    result = import_rows(["testshire", "2025-26-Q2", "SAFE-01-E", "11", "10.5"])

    assert not result.has_validation_errors(), [r.error_dict for r in result.invalid_rows]
    figure = Figure.objects.get(measure=group_measure, year=2025, number=2)
    assert (figure.value, figure.benchmark) == (Decimal(11), Decimal("10.5"))


def test_history_refuses_a_benchmark_for_a_measure_not_compared_with_a_group(plan, group_measure):
    result = import_rows(["testshire", "2025-26-Q2", "SAFE-01-A", "11", "10.5"])

    assert result.has_validation_errors()
    assert result.invalid_rows[0].error_dict["benchmark"] == [
        "Leave the benchmark blank: SAFE-01-A is not compared with a benchmark group."
    ]
