"""Demo figures: the same every time, never written twice, and in the ranges Medway really reports."""

from decimal import Decimal

import pytest

from indicators.demo import demo_observation
from indicators.kinds import Aggregation, MilestoneStatus, Unit
from indicators.models import Measure
from indicators.quarters import Quarter
from returns.demo import fill_demo_figures, history_quarters
from returns.models import Figure

PLAN_YEAR = [Quarter(2026, n) for n in (1, 2, 3, 4)]


@pytest.fixture
def measures(medway_plan):
    return list(Measure.objects.select_related("indicator__priority__plan_year"))


def series(code: str) -> list[dict]:
    """The measure's demo figures for the eight history quarters and the whole plan year."""
    measure = Measure.objects.select_related("indicator__priority__plan_year").get(code=code)
    quarters = Quarter(2026, 1).previous().last_n(8) + PLAN_YEAR
    return [demo_observation(measure, quarter) for quarter in quarters]


def test_history_is_the_eight_quarters_before_the_plan_year(medway_plan):
    quarters = history_quarters(medway_plan)

    assert [q.code for q in (quarters[0], quarters[-1])] == ["2024-25-Q1", "2025-26-Q4"]
    assert len(quarters) == 8


def test_demo_figures_are_deterministic(measures):
    for measure in measures:
        fresh = Measure.objects.select_related("indicator__priority__plan_year").get(pk=measure.pk)
        for quarter in (Quarter(2024, 1), Quarter(2026, 2)):
            assert demo_observation(measure, quarter) == demo_observation(fresh, quarter)


def test_demo_figures_vary_from_quarter_to_quarter(medway_plan):
    values = [o["value"] for o in series("ASB-01-A")]

    assert len(set(values)) > 6


def test_filling_writes_history_only_and_running_it_again_changes_nothing(medway_plan, measures):
    created = fill_demo_figures(medway_plan, through=Quarter(2026, 2))
    first = list(Figure.objects.order_by("pk").values_list())

    again = fill_demo_figures(medway_plan, through=Quarter(2026, 2))

    assert created == len(measures) * 8 == 568
    assert again == 0
    assert list(Figure.objects.order_by("pk").values_list()) == first
    assert not Figure.objects.filter(ret__isnull=False).exists()
    assert not Figure.objects.filter(year__gte=2026).exists()
    stored = Figure.objects.get(measure__code="DRUGS-05-A", year=2025, number=3)
    assert stored.value == demo_observation(stored.measure, Quarter(2025, 3))["value"]


def test_filling_leaves_real_history_alone(medway_plan):
    measure = Measure.objects.get(code="ASB-01-A")
    Figure.objects.create(measure=measure, year=2025, number=4, value=Decimal(1234))

    created = fill_demo_figures(medway_plan, through=Quarter(2026, 1))

    assert created == 568 - 1
    assert Figure.objects.get(measure=measure, year=2025, number=4).value == 1234


def test_run_before_the_plan_year_starts_it_fills_what_comparisons_then_need(medway_plan):
    """In May 2026 the latest ended quarter is 2025-26 Q4: its rolling year looks back to 2024-25 Q1,
    its trend to 2023-24 Q4."""
    created = fill_demo_figures(medway_plan, through=Quarter(2025, 4))

    assert created == 71 * 9
    assert Figure.objects.filter(year=2023, number=4).count() == 71
    assert not Figure.objects.filter(year__gte=2026).exists()


def test_every_figure_has_the_right_parts_for_its_measure(measures):
    for measure in measures:
        for quarter in history_quarters(measure.indicator.priority.plan_year) + PLAN_YEAR:
            observation = demo_observation(measure, quarter)
            value, top, bottom = observation["value"], observation["numerator"], observation["denominator"]
            if measure.unit == Unit.MILESTONE:
                assert observation["status"] in MilestoneStatus.values
                assert value is top is bottom is None
            elif measure.aggregation == Aggregation.RATIO:
                assert value is None and observation["status"] == ""
                assert 0 <= top <= bottom and bottom > 0, measure.code
                assert top == top.to_integral_value() and bottom == bottom.to_integral_value()
            elif measure.unit == Unit.COUNT:
                assert value >= 0 and value == value.to_integral_value(), measure.code
            else:
                assert 0 <= value <= (100 if measure.unit == Unit.PERCENTAGE else 100_000)


@pytest.mark.parametrize(
    ("code", "low", "high"),
    [
        ("DRUGS-05-A", 1350, 1450),  # adults in treatment, target 1,416
        ("DRUGS-06-A", 80, 100),  # under-18s in treatment, target 95
        ("REOFF-01-A", 130, 160),  # first-time entrants per 100,000, baseline 146
        ("REOFF-02-A", 2, 12),  # Turnaround completions, 30 in the year
        ("ASB-01-A", 1000, 3500),  # ASB incidents: low thousands a quarter
        ("ASB-01-B", 10, 250),  # deliberate fires: tens to low hundreds
    ],
)
def test_demo_figures_sit_where_medway_reports_them(medway_plan, code, low, high):
    values = [o["value"] for o in series(code)]

    assert all(low <= value <= high for value in values), values


def test_continuity_of_care_is_around_the_63_percent_target(medway_plan):
    rates = [o["numerator"] / o["denominator"] * 100 for o in series("DRUGS-07-A")]

    assert all(55 <= rate <= 70 for rate in rates), rates


def test_turnaround_completions_add_up_to_about_the_yearly_target(medway_plan):
    plan_year = series("REOFF-02-A")[-4:]

    assert 20 <= sum(o["value"] for o in plan_year) <= 40


def test_milestones_progress_and_one_is_complete_by_its_due_quarter(medway_plan):
    statuses = [o["status"] for o in series("VAWG-08-A")]

    assert statuses[0] == MilestoneStatus.NOT_STARTED
    assert MilestoneStatus.IN_PROGRESS in statuses
    assert statuses[-1] == MilestoneStatus.COMPLETE
