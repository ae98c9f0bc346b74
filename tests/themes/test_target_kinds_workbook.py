"""Every kind of target through the plan workbook: out and back in unchanged, printed references too; and
values that do not fit their kind refused, in the workbook as in the admin."""

import copy
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from csp.models import PlanYear
from indicators.kinds import TargetKind
from indicators.models import Measure
from tests import factories
from tests.themes.test_workbook_errors import SMALL_PLAN, positional, run
from tests.themes.test_workbook_roundtrip import snapshot, wipe_plans
from themes import workbook_export
from themes.workbook import MEASURES

COMMON = {
    "indicator": "SEA-01",
    "supplier": "AP",
    "polarity": "lower",
    "unit": "count",
    "aggregation": "flow",
}
EVERY_KIND = [
    {"target_kind": "rolling"},
    {"target_kind": "quarterly"},
    {"target_kind": "n/a", "polarity": "neutral"},
    {"target_kind": "number", "polarity": "higher", "target_value": 30, "amber_threshold_percent": 5},
    {"target_kind": "percentage", "unit": "percentage", "aggregation": "ratio", "target_value": 63},
    {"target_kind": "reduction", "unit": "rate_per_100k", "aggregation": "stock", "baseline_value": 146},
    {"target_kind": "direction"},
    {"target_kind": "milestone", "unit": "milestone", "aggregation": "stock", "due_date": "2026-10-31"},
    {
        "target_kind": "change",
        "baseline_value": 1000,
        "baseline_year": "2004-05",
        "change_percent": -20,
        "due_date": "2008-03-31",
    },
    {"target_kind": "maintain", "baseline_value": 1000, "baseline_year": 2025, "band_percent": 5},
    {"target_kind": "range", "unit": "percentage", "aggregation": "stock", "range_low": 60, "range_high": 70},
    {
        "target_kind": "group",
        "unit": "rate_per_100k",
        "aggregation": "stock",
        "benchmark_group": "MSG average",
    },
]


def plan_with_every_kind() -> dict:
    rows = copy.deepcopy(SMALL_PLAN)
    rows["Priorities"][0]["reference"] = "1"
    rows["Key themes"][0]["reference"] = "1.1"
    rows["Deliverables"][0]["reference"] = "1.2"
    rows["Indicators"][0]["reference"] = "1.3"
    rows["Measures"] += [
        COMMON | {"order": order, "code": f"SEA-01-{order}", "name": f"Measure {order}"} | kind
        for order, kind in enumerate(EVERY_KIND, start=2)
    ]
    return positional(rows)


def test_every_kind_of_target_round_trips_through_the_workbook(db):
    assert run(plan_with_every_kind()).applied
    before = snapshot("atlantis")
    assert {m[8] for m in before["measures"]} == set(TargetKind.values)
    exported = workbook_export.plan_rows(PlanYear.objects.get())
    wipe_plans()

    report = run(exported)

    assert report.applied, [str(e) for e in report.errors]
    assert snapshot("atlantis") == before
    change = Measure.objects.get(target_kind=TargetKind.CHANGE)
    assert (change.baseline_year, change.change_percent, change.due_date) == (2004, -20, date(2008, 3, 31))
    assert Measure.objects.get(target_kind=TargetKind.BENCHMARK_GROUP).benchmark_group == "MSG average"
    assert workbook_export.plan_rows(PlanYear.objects.get()) == exported


def test_a_value_beside_a_baseline_is_not_silently_taken_as_a_level(db):
    # The issue: 21 typed into target_value beside a baseline meant "21% less", and was rated as a level.
    rows = plan_with_every_kind()
    reduction = next(r for r in rows["Measures"] if r[8] == "reduction")
    reduction[9] = 21  # target_value: allowed for a reduction, as a level below the baseline
    change = next(r for r in rows["Measures"] if r[8] == "change")
    change[9] = 21  # target_value: a change by a date takes its change in change_percent

    report = run(rows)

    row = rows["Measures"].index(change) + 2
    assert [str(e) for e in report.errors] == [
        f'Sheet "Measures", row {row}: target_value: A percentage change from a baseline by a date does not '
        "use a target value: leave it blank (it is for a number to reach, a percentage to reach or a "
        "reduction from a baseline)."
    ]


@pytest.mark.parametrize(
    ("kind", "column", "value", "message"),
    [
        (
            "change",
            "change_percent",
            20,
            "change_percent: Lower is better for this measure: write a fall as -20.",
        ),
        ("change", "baseline_year", "2004-06", "the baseline_year must be a year, like 2004 or 2004-05"),
        ("range", "range_high", 50, "range_high: The top of the range must be above its bottom."),
        ("maintain", "band_percent", "five", "the band_percent must be a number, like 5"),
        (
            "group",
            "benchmark_group",
            "",
            "benchmark_group: Compared with a benchmark group needs a benchmark group.",
        ),
    ],
)
def test_the_workbook_refuses_values_that_do_not_fit_the_kind(db, kind, column, value, message):
    rows = plan_with_every_kind()
    measure = next(r for r in rows["Measures"] if r[8] == kind)
    measure[MEASURES.column_names.index(column)] = value

    report = run(rows)

    assert len(report.errors) == 1, [str(e) for e in report.errors]
    assert message in str(report.errors[0])


def test_the_admin_refuses_values_that_do_not_fit_the_kind(client, plan, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "a-long-pw-1"))
    measure = plan.count
    data = {
        "indicator": measure.indicator_id,
        "order": measure.order,
        "code": measure.code,
        "name": measure.name,
        "unit": "count",
        "polarity": "lower",
        "aggregation": "flow",
        "supplier": measure.supplier_id,
        "target_kind": "maintain",
        "baseline_value": "1000",
        "change_percent": "-20",
    }

    response = client.post(reverse("admin:indicators_measure_change", args=[measure.pk]), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Maintain: stay within a band of the baseline needs a band in percent." in page
    assert "Maintain: stay within a band of the baseline does not use a change in percent" in page
    measure.refresh_from_db()
    assert measure.target_kind == TargetKind.ROLLING_COMPARISON


def test_a_measure_of_each_new_kind_saves_in_the_admin_when_it_fits(plan):
    measure = factories.MeasureFactory(
        indicator=plan.indicator,
        supplier=plan.ours,
        code="SAFE-01-Z",
        target_kind=TargetKind.CHANGE,
        baseline_value=Decimal(1000),
        baseline_year=2004,
        change_percent=Decimal(-20),
        due_date=date(2008, 3, 31),
    )

    measure.full_clean()
