"""Hand-worked examples for the calculations. Every expected figure is worked out by hand in the comments
or the table, never by calling the code under test."""

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.calculations import (
    Comparison,
    Direction,
    Figures,
    MeasureSpec,
    Observation,
    TargetProgress,
    assess_target,
    compute_figures,
    direction_of_travel,
    percent_change,
    rag_against_baseline,
    rag_against_target,
    rolling_quarter,
    rolling_year,
    total,
    trend,
    value_for,
    year_to_date,
)
from indicators.formatting import format_date, format_number
from indicators.kinds import Aggregation, MilestoneStatus, Polarity, Rag, TargetKind, Unit
from indicators.quarters import Quarter

Q = Quarter.from_code
TODAY = date(2026, 9, 1)

HIGHER, LOWER, NEUTRAL = Polarity.HIGHER_IS_BETTER, Polarity.LOWER_IS_BETTER, Polarity.NEUTRAL
FLOW, STOCK, RATIO = Aggregation.FLOW, Aggregation.STOCK, Aggregation.RATIO


def spec(
    aggregation=FLOW, unit=Unit.COUNT, polarity=HIGHER, kind=TargetKind.ROLLING_COMPARISON, **target
) -> MeasureSpec:
    return MeasureSpec(unit=unit, polarity=polarity, aggregation=aggregation, target_kind=kind, **target)


def values(first: str, *figures) -> dict[Quarter, Observation]:
    """Consecutive quarters from `first`; None leaves a quarter out (no return), it is not a zero."""
    start = Q(first)
    return {start.shifted(i): Observation(value=D(v)) for i, v in enumerate(figures) if v is not None}


def _decimal(figure) -> D | None:
    return None if figure is None else D(figure)


def ratios(first: str, *pairs) -> dict[Quarter, Observation]:
    start = Q(first)
    return {
        start.shifted(i): Observation(numerator=_decimal(n), denominator=_decimal(d))
        for i, (n, d) in enumerate(pairs)
        if (n, d) != (None, None)
    }


# A flow (e.g. fixed penalty notices), 2024-25 Q1 to 2026-27 Q2:
#   2024-25: 10 20 30 40 | 2025-26: 10 30 20 40 | 2026-27: 20 8
FLOW_FIGURES = values("2024-25-Q1", 10, 20, 30, 40, 10, 30, 20, 40, 20, 8)
# A stock (e.g. adults in treatment): 2025-26: 1200 1250 1300 1500 | 2026-27: 1200 1500
STOCK_FIGURES = values("2025-26-Q1", 1200, 1250, 1300, 1500, 1200, 1500)
# A ratio in percent (e.g. continuity of care), numerator/denominator per quarter:
#   2024-25: 5/10 6/10 9/20 6/35 | 2025-26: 10/20 15/25 12/40 15/35 | 2026-27: 30/50 18/25
RATIO_FIGURES = ratios(
    "2024-25-Q1",
    (5, 10),
    (6, 10),
    (9, 20),
    (6, 35),
    (10, 20),
    (15, 25),
    (12, 40),
    (15, 35),
    (30, 50),
    (18, 25),
)
PERCENT_RATIO = spec(RATIO, Unit.PERCENTAGE)


@pytest.mark.parametrize(
    ("measure", "observation", "expected"),
    [
        (spec(FLOW), Observation(value=D(12)), D(12)),
        (spec(STOCK, Unit.PERCENTAGE), Observation(value=D("62.5")), D("62.5")),
        (spec(FLOW), Observation(value=D(0)), D(0)),
        (spec(FLOW), None, None),
        (spec(FLOW), Observation(), None),
        (spec(RATIO, Unit.PERCENTAGE), Observation(numerator=D(18), denominator=D(25)), D(72)),
        (spec(RATIO, Unit.RATE_PER_100K), Observation(numerator=D(3), denominator=D(2000)), D(150)),
        (spec(RATIO, Unit.COUNT), Observation(numerator=D(3), denominator=D(2000)), D("0.0015")),
        (spec(RATIO, Unit.PERCENTAGE), Observation(numerator=D(0), denominator=D(40)), D(0)),
        (spec(RATIO, Unit.PERCENTAGE), Observation(numerator=D(0), denominator=D(0)), None),
        (spec(RATIO, Unit.PERCENTAGE), Observation(numerator=D(5), denominator=D(0)), None),
        (spec(RATIO, Unit.PERCENTAGE), Observation(numerator=D(5)), None),
        (spec(RATIO, Unit.PERCENTAGE), Observation(value=D(60)), None),
        (spec(STOCK, Unit.MILESTONE), Observation(status=MilestoneStatus.COMPLETE), None),
    ],
)
def test_value_for_one_quarter(measure, observation, expected):
    assert value_for(measure, observation) == expected


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [
        (D(110), D(100), D(10)),
        (D(90), D(100), D(-10)),
        (D(0), D(50), D(-100)),
        (D("62.5"), D(50), D(25)),
        (D(100), D(100), D(0)),
        (D(5), D(0), None),
        (D(0), D(0), None),
        (None, D(5), None),
        (D(5), None, None),
    ],
)
def test_percent_change(current, previous, expected):
    assert percent_change(current, previous) == expected


@pytest.mark.parametrize(
    ("measure", "observations", "quarter", "expected"),
    [
        # Flow at 2026-27 Q2: 20+40+20+8 = 88 against 30+40+10+30 = 110: -22, -20%.
        (spec(FLOW), FLOW_FIGURES, "2026-27-Q2", Comparison(D(88), D(110), D(-22), D(-20))),
        # Year boundary, 2026-27 Q1: 2025-26 Q2..2026-27 Q1 = 30+20+40+20 = 110
        # against 2024-25 Q2..2025-26 Q1 = 20+30+40+10 = 100: +10, +10%.
        (spec(FLOW), FLOW_FIGURES, "2026-27-Q1", Comparison(D(110), D(100), D(10), D(10))),
        # Stock: the last quarter of each four, 1500 against 1250: +250, +20%.
        (spec(STOCK), STOCK_FIGURES, "2026-27-Q2", Comparison(D(1500), D(1250), D(250), D(20))),
        (spec(STOCK), STOCK_FIGURES, "2026-27-Q1", Comparison(D(1200), D(1200), D(0), D(0))),
        # Ratio: (12+15+30+18)/(40+35+50+25) = 75/150 = 50% against (9+6+10+15)/(20+35+20+25) = 40%:
        # +10 points, +25%. (The mean of the quarters' percentages would be about 49.3%.)
        (PERCENT_RATIO, RATIO_FIGURES, "2026-27-Q2", Comparison(D(50), D(40), D(10), D(25))),
        # No figures before 2024-25: 40+10+30+20 = 100 stands, with nothing to compare it with.
        (spec(FLOW), FLOW_FIGURES, "2025-26-Q3", Comparison(D(100), None, None, None)),
        (spec(FLOW), {}, "2026-27-Q2", Comparison(None, None, None, None)),
    ],
)
def test_rolling_year(measure, observations, quarter, expected):
    assert rolling_year(measure, observations, Q(quarter)) == expected


@pytest.mark.parametrize(
    ("measure", "observations", "quarter", "expected"),
    [
        (spec(FLOW), FLOW_FIGURES, "2026-27-Q2", Comparison(D(8), D(20), D(-12), D(-60))),
        # Across the year boundary: 2026-27 Q1 against 2025-26 Q4.
        (spec(FLOW), FLOW_FIGURES, "2026-27-Q1", Comparison(D(20), D(40), D(-20), D(-50))),
        (spec(STOCK), STOCK_FIGURES, "2026-27-Q2", Comparison(D(1500), D(1200), D(300), D(25))),
        (spec(STOCK), STOCK_FIGURES, "2026-27-Q1", Comparison(D(1200), D(1500), D(-300), D(-20))),
        # 18/25 = 72% against 30/50 = 60%: +12 points, +20%.
        (PERCENT_RATIO, RATIO_FIGURES, "2026-27-Q2", Comparison(D(72), D(60), D(12), D(20))),
        (spec(FLOW), values("2026-27-Q1", 0, 5), "2026-27-Q2", Comparison(D(5), D(0), D(5), None)),
        (spec(FLOW), values("2026-27-Q1", None, 5), "2026-27-Q2", Comparison(D(5), None, None, None)),
    ],
)
def test_rolling_quarter(measure, observations, quarter, expected):
    assert rolling_quarter(measure, observations, Q(quarter)) == expected


@pytest.mark.parametrize(
    ("measure", "observations", "quarter", "expected"),
    [
        (spec(FLOW), FLOW_FIGURES, "2026-27-Q1", D(20)),
        (spec(FLOW), FLOW_FIGURES, "2026-27-Q2", D(28)),
        (spec(FLOW), FLOW_FIGURES, "2025-26-Q4", D(100)),  # 10+30+20+40; Q4 does not reach back
        (spec(STOCK), STOCK_FIGURES, "2026-27-Q2", D(1500)),
        (spec(STOCK), STOCK_FIGURES, "2025-26-Q3", D(1300)),
        (PERCENT_RATIO, RATIO_FIGURES, "2026-27-Q2", D(64)),  # (30+18)/(50+25) = 48/75
        (PERCENT_RATIO, RATIO_FIGURES, "2026-27-Q1", D(60)),  # 30/50
    ],
)
def test_year_to_date(measure, observations, quarter, expected):
    assert year_to_date(measure, observations, Q(quarter)) == expected


@pytest.mark.parametrize(
    ("measure", "observations", "expected"),
    [
        # Q1 2026-27 has no return: the year to date is not 8.
        (spec(FLOW), values("2026-27-Q1", None, 8), None),
        (PERCENT_RATIO, ratios("2026-27-Q1", (None, None), (18, 25)), None),
        (PERCENT_RATIO, ratios("2026-27-Q1", (30, None), (18, 25)), None),
        # A stock only needs its latest quarter.
        (spec(STOCK), values("2026-27-Q1", None, 1500), D(1500)),
        (spec(STOCK), values("2026-27-Q1", 1500, None), None),
        # A zero is data: 0 + 8.
        (spec(FLOW), values("2026-27-Q1", 0, 8), D(8)),
    ],
)
def test_a_missing_quarter_is_no_data_never_zero(measure, observations, expected):
    assert year_to_date(measure, observations, Q("2026-27-Q2")) == expected


def test_a_gap_anywhere_in_the_rolling_year_makes_that_total_no_data():
    figures = dict(FLOW_FIGURES)
    del figures[Q("2025-26-Q3")]  # in the current four quarters for 2026-27 Q2
    assert rolling_year(spec(FLOW), figures, Q("2026-27-Q2")) == Comparison(None, D(110), None, None)
    del figures[Q("2024-25-Q4")]  # and now one in the four before them
    assert rolling_year(spec(FLOW), figures, Q("2026-27-Q2")) == Comparison(None, None, None, None)


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        # A quarter with nobody to count (0 of 0) is data, and adds nothing: (3+0+5+2)/(10+0+20+10) = 25%.
        (((3, 10), (0, 0), (5, 20), (2, 10)), D(25)),
        # A whole year of 0 of 0 divides by zero: no data, not an error.
        (((0, 0), (0, 0), (0, 0), (0, 0)), None),
    ],
)
def test_ratio_totals_with_zero_denominators(pairs, expected):
    observations = ratios("2026-27-Q1", *pairs)
    assert total(PERCENT_RATIO, observations, Q("2026-27-Q4").last_n(4)) == expected


def test_trend_lists_the_last_quarters_oldest_first_with_gaps_as_none():
    figures = dict(FLOW_FIGURES)
    del figures[Q("2025-26-Q4")]
    assert trend(spec(FLOW), figures, Q("2026-27-Q2"), n=4) == [
        (Q("2025-26-Q3"), D(20)),
        (Q("2025-26-Q4"), None),
        (Q("2026-27-Q1"), D(20)),
        (Q("2026-27-Q2"), D(8)),
    ]
    assert len(trend(spec(FLOW), figures, Q("2026-27-Q2"))) == 8


@pytest.mark.parametrize(
    ("change", "polarity", "expected"),
    [
        (D(5), HIGHER, Direction.IMPROVING),
        (D(-5), HIGHER, Direction.WORSENING),
        (D(-5), LOWER, Direction.IMPROVING),
        (D("0.1"), LOWER, Direction.WORSENING),
        (D(0), HIGHER, Direction.NO_CHANGE),
        (D(0), LOWER, Direction.NO_CHANGE),
        (D(5), NEUTRAL, Direction.INCREASING),
        (D(-5), NEUTRAL, Direction.DECREASING),
        (D(0), NEUTRAL, Direction.NO_CHANGE),
        (None, HIGHER, Direction.NO_DATA),
        (None, NEUTRAL, Direction.NO_DATA),
    ],
)
def test_direction_of_travel(change, polarity, expected):
    assert direction_of_travel(change, polarity) == expected


@pytest.mark.parametrize(
    ("value", "target", "polarity", "threshold", "expected"),
    [
        (D(100), D(100), HIGHER, D(10), Rag.GREEN),
        (D(120), D(100), HIGHER, D(10), Rag.GREEN),
        (D(99), D(100), HIGHER, D(10), Rag.AMBER),
        (D(90), D(100), HIGHER, D(10), Rag.AMBER),  # exactly 10% short is still amber
        (D("89.99"), D(100), HIGHER, D(10), Rag.RED),
        (D(100), D(100), LOWER, D(10), Rag.GREEN),
        (D(80), D(100), LOWER, D(10), Rag.GREEN),
        (D(101), D(100), LOWER, D(10), Rag.AMBER),
        (D(110), D(100), LOWER, D(10), Rag.AMBER),
        (D("110.01"), D(100), LOWER, D(10), Rag.RED),
        (D(95), D(100), NEUTRAL, D(10), Rag.AMBER),  # a target on a neutral measure is one to reach
        (D(105), D(100), NEUTRAL, D(10), Rag.GREEN),
        (D(80), D(100), HIGHER, D(20), Rag.AMBER),
        (D(79), D(100), HIGHER, D(20), Rag.RED),
        (D("99.99"), D(100), HIGHER, D(0), Rag.RED),
        (D(1), D(0), LOWER, D(10), Rag.RED),  # "reduce rough sleepers to 0": no amber band around zero
        (D(0), D(0), LOWER, D(10), Rag.GREEN),
    ],
)
def test_rag_against_target(value, target, polarity, threshold, expected):
    assert rag_against_target(value, target, polarity, threshold) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D(145), Rag.GREEN),
        (D(0), Rag.GREEN),
        (D(146), Rag.AMBER),  # no reduction yet
        (D("160.6"), Rag.AMBER),  # 146 + 14.6: a rise of exactly 10%
        (D("160.7"), Rag.RED),
    ],
)
def test_rag_against_baseline(value, expected):
    assert rag_against_baseline(value, D(146), D(10)) == expected


# Target kinds, end to end through assess_target

COMPLETIONS = spec(FLOW, kind=TargetKind.NUMBER, target_value=D(30))  # 30 in the year, cumulative


@pytest.mark.parametrize(
    ("quarter", "so_far", "expected"),
    [
        # Expected by the end of Q1: 30 * 1/4 = 7.5, amber down to 7.5 - 0.75 = 6.75.
        ("2026-27-Q1", (8,), Rag.GREEN),
        ("2026-27-Q1", (7,), Rag.AMBER),
        ("2026-27-Q1", (6,), Rag.RED),
        # Q2: 15, amber down to 13.5.
        ("2026-27-Q2", (8, 10), Rag.GREEN),
        ("2026-27-Q2", (6, 9), Rag.GREEN),
        ("2026-27-Q2", (6, 8), Rag.AMBER),
        ("2026-27-Q2", (5, 8), Rag.RED),
        # Q3: 22.5, amber down to 20.25.
        ("2026-27-Q3", (8, 8, 7), Rag.GREEN),
        ("2026-27-Q3", (7, 7, 7), Rag.AMBER),
        ("2026-27-Q3", (7, 7, 6), Rag.RED),
        # Q4: the full 30, amber down to 27.
        ("2026-27-Q4", (8, 8, 7, 7), Rag.GREEN),
        ("2026-27-Q4", (7, 7, 7, 6), Rag.AMBER),
        ("2026-27-Q4", (7, 7, 6, 6), Rag.RED),
    ],
)
def test_cumulative_number_target_follows_the_pro_rata_trajectory(quarter, so_far, expected):
    observations = values("2026-27-Q1", *so_far)
    assert assess_target(COMPLETIONS, observations, Q(quarter), today=TODAY).rag == expected


def test_cumulative_number_target_explains_itself_and_reports_progress():
    assessment = assess_target(COMPLETIONS, values("2026-27-Q1", 8, 10), Q("2026-27-Q2"), today=TODAY)
    assert assessment.reason == "18 against 15 expected by the end of Quarter 2 (30 in the year)"
    assert assessment.progress == TargetProgress(
        actual=D(18), expected=D(15), target=D(30), percent_of_target=D(60)
    )
    assessment = assess_target(COMPLETIONS, values("2026-27-Q1", 7), Q("2026-27-Q1"), today=TODAY)
    assert assessment.reason == "7 against 7.5 expected by the end of Quarter 1 (30 in the year)"


def test_cumulative_number_target_with_a_missing_quarter_has_no_rating():
    assessment = assess_target(COMPLETIONS, values("2026-27-Q1", None, 20), Q("2026-27-Q2"), today=TODAY)
    assert (assessment.rag, assessment.reason) == (Rag.NO_RATING, "No data for Q1 2026-27")


@pytest.mark.parametrize(
    ("so_far", "expected"),
    [((10, 10), Rag.GREEN), ((12, 10), Rag.AMBER), ((12, 11), Rag.RED)],
)
def test_cumulative_ceiling_lower_is_better(so_far, expected):
    # No more than 40 in the year: 20 allowed by the end of Q2, amber up to 22.
    ceiling = spec(FLOW, polarity=LOWER, kind=TargetKind.NUMBER, target_value=D(40))
    observations = values("2026-27-Q1", *so_far)
    assert assess_target(ceiling, observations, Q("2026-27-Q2"), today=TODAY).rag == expected


IN_TREATMENT = spec(STOCK, kind=TargetKind.NUMBER, target_value=D(1416))


@pytest.mark.parametrize(
    ("value", "expected", "reason"),
    [
        # A level to reach, not pro-rated: amber down to 1416 - 141.6 = 1274.4.
        (1500, Rag.GREEN, "1,500 against a target of 1,416"),
        (1416, Rag.GREEN, "1,416 against a target of 1,416"),
        (1300, Rag.AMBER, "1,300 against a target of 1,416"),
        ("1274.4", Rag.AMBER, "1,274.4 against a target of 1,416"),
        (1274, Rag.RED, "1,274 against a target of 1,416"),
    ],
)
def test_number_target_on_a_stock_is_a_level_to_reach(value, expected, reason):
    assessment = assess_target(IN_TREATMENT, values("2026-27-Q2", value), Q("2026-27-Q2"), today=TODAY)
    assert (assessment.rag, assessment.reason) == (expected, reason)


def test_number_target_progress_is_a_percent_of_the_level():
    assessment = assess_target(IN_TREATMENT, values("2026-27-Q2", 1062), Q("2026-27-Q2"), today=TODAY)
    assert assessment.progress == TargetProgress(D(1062), D(1416), D(1416), D(75))


def test_number_target_on_a_ratio_is_a_level_for_this_quarter():
    measure = spec(RATIO, Unit.PERCENTAGE, kind=TargetKind.NUMBER, target_value=D(60))
    observations = ratios("2026-27-Q1", (1, 10), (30, 50))
    assert assess_target(measure, observations, Q("2026-27-Q2"), today=TODAY).rag == Rag.GREEN


CONTINUITY = spec(RATIO, Unit.PERCENTAGE, kind=TargetKind.PERCENTAGE, target_value=D(63))


@pytest.mark.parametrize(
    ("pair", "expected", "reason"),
    [
        # 63%, amber down to 63 - 6.3 = 56.7 points.
        ((63, 100), Rag.GREEN, "63% against a target of 63%"),
        ((35, 50), Rag.GREEN, "70% against a target of 63%"),
        ((60, 100), Rag.AMBER, "60% against a target of 63%"),
        ((567, 1000), Rag.AMBER, "56.7% against a target of 63%"),
        ((56, 100), Rag.RED, "56% against a target of 63%"),
        ((0, 0), Rag.NO_RATING, "No data for Q2 2026-27"),
    ],
)
def test_percentage_target(pair, expected, reason):
    assessment = assess_target(CONTINUITY, ratios("2026-27-Q2", pair), Q("2026-27-Q2"), today=TODAY)
    assert (assessment.rag, assessment.reason) == (expected, reason)


@pytest.mark.parametrize(
    ("polarity", "target", "threshold", "value", "expected"),
    [
        (HIGHER, 63, None, "58.5", Rag.AMBER),
        (HIGHER, 63, D(5), 60, Rag.AMBER),  # 63 - 3.15 = 59.85
        (HIGHER, 63, D(5), 59, Rag.RED),
        (LOWER, 20, None, 19, Rag.GREEN),
        (LOWER, 20, None, 22, Rag.AMBER),  # 20 + 2
        (LOWER, 20, None, 23, Rag.RED),
        (NEUTRAL, 20, None, 19, Rag.AMBER),
    ],
)
def test_percentage_target_on_a_stock_by_polarity_and_threshold(polarity, target, threshold, value, expected):
    measure = spec(
        STOCK,
        Unit.PERCENTAGE,
        polarity,
        TargetKind.PERCENTAGE,
        target_value=D(target),
        amber_threshold_percent=threshold,
    )
    assessment = assess_target(measure, values("2026-27-Q2", value), Q("2026-27-Q2"), today=TODAY)
    assert assessment.rag == expected


@pytest.mark.parametrize("kind", [TargetKind.NUMBER, TargetKind.PERCENTAGE])
def test_a_number_or_percentage_target_without_a_value_has_no_rating(kind):
    assessment = assess_target(spec(STOCK, kind=kind), values("2026-27-Q2", 5), Q("2026-27-Q2"), today=TODAY)
    assert (assessment.rag, assessment.reason) == (Rag.NO_RATING, "No target value has been set")


def first_time_entrants(polarity=LOWER, target=None, baseline=D(146)) -> MeasureSpec:
    return spec(
        STOCK,
        Unit.RATE_PER_100K,
        polarity,
        TargetKind.REDUCTION_FROM_BASELINE,
        baseline_value=baseline,
        target_value=target,
    )


@pytest.mark.parametrize(
    ("measure", "value", "expected", "reason"),
    [
        # Below 146 is green; 146 to 160.6 (+10%) amber; above that red.
        (first_time_entrants(), 140, Rag.GREEN, "140 per 100,000 against a baseline of 146 per 100,000"),
        (first_time_entrants(), 146, Rag.AMBER, "146 per 100,000 against a baseline of 146 per 100,000"),
        (first_time_entrants(), 160, Rag.AMBER, "160 per 100,000 against a baseline of 146 per 100,000"),
        (first_time_entrants(), 161, Rag.RED, "161 per 100,000 against a baseline of 146 per 100,000"),
        # A reduction is lower is better even if the measure was set up the other way round.
        (
            first_time_entrants(HIGHER),
            140,
            Rag.GREEN,
            "140 per 100,000 against a baseline of 146 per 100,000",
        ),
        # With a target level as well, the level is the aim: green to 120, amber to 132.
        (
            first_time_entrants(target=D(120)),
            120,
            Rag.GREEN,
            "120 per 100,000 against a target of 120 per 100,000 (baseline 146 per 100,000)",
        ),
        (first_time_entrants(target=D(120)), 130, Rag.AMBER, None),
        (first_time_entrants(target=D(120)), 140, Rag.RED, None),
        (first_time_entrants(target=D(120), baseline=None), 120, Rag.GREEN, None),
        (first_time_entrants(), None, Rag.NO_RATING, "No data for Q2 2026-27"),
        (first_time_entrants(baseline=None), 140, Rag.NO_RATING, "No baseline has been set"),
    ],
)
def test_reduction_from_baseline(measure, value, expected, reason):
    assessment = assess_target(measure, values("2026-27-Q2", value), Q("2026-27-Q2"), today=TODAY)
    assert assessment.rag == expected
    if reason is not None:
        assert assessment.reason == reason


@pytest.mark.parametrize(
    ("polarity", "last_year", "this_year", "agency", "expected", "reason"),
    [
        (LOWER, 1000, 900, None, Rag.GREEN, "900 against 1,000 in Q2 2025-26: improving"),
        (LOWER, 1000, 1000, None, Rag.AMBER, "1,000 against 1,000 in Q2 2025-26: no change"),
        (LOWER, 1000, 1100, None, Rag.RED, "1,100 against 1,000 in Q2 2025-26: worsening"),
        (HIGHER, 1000, 1100, None, Rag.GREEN, "1,100 against 1,000 in Q2 2025-26: improving"),
        (LOWER, None, 900, None, Rag.NO_RATING, "No data for Q2 2025-26"),
        (LOWER, 1000, None, None, Rag.NO_RATING, "No data for Q2 2026-27"),
        (
            NEUTRAL,
            1000,
            900,
            Rag.AMBER,
            Rag.AMBER,
            "A neutral measure has no better direction: the agency's own rating",
        ),
        (NEUTRAL, 1000, 900, None, Rag.NO_RATING, None),
    ],
)
def test_direction_target_compares_with_the_same_quarter_last_year(
    polarity, last_year, this_year, agency, expected, reason
):
    # Prescribing: the quarters between (2025-26 Q3 to 2026-27 Q1) do not matter, and are left out.
    observations = values("2025-26-Q2", last_year, None, None, None, this_year)
    measure = spec(FLOW, polarity=polarity, kind=TargetKind.DIRECTION)
    assessment = assess_target(measure, observations, Q("2026-27-Q2"), today=TODAY, agency_rating=agency)
    assert assessment.rag == expected
    if reason is not None:
        assert assessment.reason == reason


PSPO = spec(STOCK, Unit.MILESTONE, kind=TargetKind.MILESTONE, due_date=date(2026, 10, 31))


def statuses(first: str, *reported) -> dict[Quarter, Observation]:
    start = Q(first)
    return {start.shifted(i): Observation(status=s) for i, s in enumerate(reported) if s is not None}


@pytest.mark.parametrize(
    ("reported", "quarter", "today", "agency", "expected", "reason"),
    [
        ((MilestoneStatus.COMPLETE,), "2026-27-Q1", date(2026, 7, 10), None, Rag.GREEN, "Complete"),
        # Completed in Q1, nothing more to say in Q2 or after the due date: still green.
        ((MilestoneStatus.COMPLETE,), "2026-27-Q2", date(2026, 9, 1), None, Rag.GREEN, "Complete"),
        ((MilestoneStatus.COMPLETE,), "2026-27-Q3", date(2027, 1, 10), None, Rag.GREEN, "Complete"),
        # Before the due date (and on it), the agency's own rating stands.
        (
            (MilestoneStatus.NOT_STARTED, MilestoneStatus.IN_PROGRESS),
            "2026-27-Q2",
            date(2026, 9, 1),
            Rag.AMBER,
            Rag.AMBER,
            "Not yet due (due by 31 October 2026), in progress: the agency's own rating",
        ),
        (
            (None, MilestoneStatus.IN_PROGRESS),
            "2026-27-Q2",
            date(2026, 10, 31),
            None,
            Rag.NO_RATING,
            "Not yet due (due by 31 October 2026), in progress, and the agency has not given a rating",
        ),
        ((None, MilestoneStatus.IN_PROGRESS), "2026-27-Q2", date(2026, 10, 31), Rag.GREEN, Rag.GREEN, None),
        # The day after it was due, incomplete is red whatever the agency says.
        (
            (None, MilestoneStatus.IN_PROGRESS),
            "2026-27-Q3",
            date(2026, 11, 1),
            Rag.GREEN,
            Rag.RED,
            "Not complete, and was due by 31 October 2026",
        ),
        # No return at all does not escape the red.
        ((), "2026-27-Q3", date(2027, 1, 10), None, Rag.RED, "Not complete, and was due by 31 October 2026"),
        # Judged at the quarter's end: Q2 read long after October was not yet due when Q2 ended.
        (
            (None, MilestoneStatus.IN_PROGRESS),
            "2026-27-Q2",
            date(2027, 2, 1),
            None,
            Rag.NO_RATING,
            "Not yet due (due by 31 October 2026), in progress, and the agency has not given a rating",
        ),
        # Completion reported for a later quarter does not count towards an earlier one.
        ((None, None, MilestoneStatus.COMPLETE), "2026-27-Q2", date(2026, 9, 1), Rag.AMBER, Rag.AMBER, None),
    ],
)
def test_milestone(reported, quarter, today, agency, expected, reason):
    observations = statuses("2026-27-Q1", *reported)
    assessment = assess_target(PSPO, observations, Q(quarter), today=today, agency_rating=agency)
    assert assessment.rag == expected
    if reason is not None:
        assert assessment.reason == reason


def test_milestone_without_a_due_date_takes_the_agency_rating():
    measure = spec(STOCK, Unit.MILESTONE, kind=TargetKind.MILESTONE)
    assessment = assess_target(measure, {}, Q("2026-27-Q2"), today=date(2030, 1, 1), agency_rating=Rag.RED)
    assert (assessment.rag, assessment.reason) == (
        Rag.RED,
        "No due date has been set: the agency's own rating",
    )


@pytest.mark.parametrize(
    "kind", [TargetKind.ROLLING_COMPARISON, TargetKind.QUARTERLY, TargetKind.NOT_APPLICABLE]
)
@pytest.mark.parametrize(
    ("agency", "expected", "reason"),
    [
        (Rag.GREEN, Rag.GREEN, "No target: the agency's own rating"),
        (Rag.AMBER, Rag.AMBER, "No target: the agency's own rating"),
        (Rag.RED, Rag.RED, "No target: the agency's own rating"),
        (None, Rag.NO_RATING, "No target, and the agency has not given a rating"),
        (Rag.NO_RATING, Rag.NO_RATING, "No target, and the agency has not given a rating"),
    ],
)
def test_comparison_only_kinds_take_the_agency_rating(kind, agency, expected, reason):
    # Even a measure that has collapsed (110 to 88) is not rated by the figures.
    measure = spec(FLOW, kind=kind, target_value=D(500))
    assessment = assess_target(measure, FLOW_FIGURES, Q("2026-27-Q2"), today=TODAY, agency_rating=agency)
    assert (assessment.rag, assessment.reason, assessment.progress) == (expected, reason, TargetProgress())


# The whole row


def test_compute_figures_for_a_flow_with_a_cumulative_target():
    # 70 in the year: 35 expected by the end of Q2, amber down to 31.5; the year to date is 20 + 8 = 28,
    # which is 40% of the year's 70.
    measure = spec(FLOW, kind=TargetKind.NUMBER, target_value=D(70))
    figures = compute_figures(measure, FLOW_FIGURES, Q("2026-27-Q2"), today=TODAY, agency_rating=Rag.GREEN)
    assert figures == Figures(
        quarter=Q("2026-27-Q2"),
        this_quarter=D(8),
        previous_quarter=D(20),
        same_quarter_last_year=D(30),
        rolling_year=Comparison(D(88), D(110), D(-22), D(-20)),
        rolling_quarter=Comparison(D(8), D(20), D(-12), D(-60)),
        year_to_date=D(28),
        target=TargetProgress(actual=D(28), expected=D(35), target=D(70), percent_of_target=D(40)),
        rag=Rag.RED,
        rag_reason="28 against 35 expected by the end of Quarter 2 (70 in the year)",
        direction=Direction.WORSENING,
    )


def test_compute_figures_for_a_ratio_across_the_year_boundary():
    figures = compute_figures(PERCENT_RATIO, RATIO_FIGURES, Q("2026-27-Q1"), today=TODAY)
    # 30/50 = 60% against 2025-26 Q4's 15/35; same quarter last year 10/20 = 50%.
    assert figures.this_quarter == D(60)
    assert figures.previous_quarter == D(15) / D(35) * 100
    assert figures.same_quarter_last_year == D(50)
    # 2025-26 Q2..2026-27 Q1: (15+12+15+30)/(25+40+35+50) = 72/150 = 48%;
    # 2024-25 Q2..2025-26 Q1: (6+9+6+10)/(10+20+35+20) = 31/85.
    assert figures.rolling_year.current == D(48)
    assert figures.rolling_year.previous == D(31) / D(85) * 100
    assert figures.year_to_date == D(60)
    assert (figures.rag, figures.direction) == (Rag.NO_RATING, Direction.IMPROVING)


def test_compute_figures_for_a_milestone_has_no_numbers():
    figures = compute_figures(
        PSPO, statuses("2026-27-Q1", MilestoneStatus.COMPLETE), Q("2026-27-Q2"), today=TODAY
    )
    assert figures.this_quarter is None
    assert figures.rolling_year == Comparison(None, None, None, None)
    assert figures.year_to_date is None
    assert (figures.rag, figures.direction) == (Rag.GREEN, Direction.NO_DATA)


# Presentation helpers


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (D(1416), Unit.COUNT, "1,416"),
        (D("7.5"), Unit.COUNT, "7.5"),
        (D("15.00"), Unit.COUNT, "15"),
        (D("1E+3"), Unit.COUNT, "1,000"),
        (D("1234567.891"), Unit.COUNT, "1,234,567.89"),
        (D("66.666666"), Unit.PERCENTAGE, "66.67%"),
        (D("62.995"), Unit.PERCENTAGE, "63%"),
        (D(146), Unit.RATE_PER_100K, "146 per 100,000"),
        (D("-0.001"), Unit.COUNT, "0"),
        (D(-12), Unit.COUNT, "-12"),
    ],
)
def test_format_number(value, unit, text):
    assert format_number(value, unit) == text


def test_format_date_is_in_words():
    assert format_date(date(2026, 10, 31)) == "31 October 2026"


# Properties

amounts = st.decimals(min_value=0, max_value=1_000_000, places=2, allow_nan=False, allow_infinity=False)
any_quarter = st.builds(Quarter, year=st.integers(2000, 2050), number=st.integers(1, 4))


@given(any_quarter, st.lists(amounts, min_size=4, max_size=4))
def test_rolling_year_of_a_flow_is_the_sum_of_its_four_quarters(quarter, four):
    observations = {q: Observation(value=v) for q, v in zip(quarter.last_n(4), four, strict=True)}
    assert rolling_year(spec(FLOW), observations, quarter).current == four[0] + four[1] + four[2] + four[3]


@given(any_quarter, st.lists(amounts, min_size=4, max_size=4), st.randoms())
def test_equal_rolling_year_totals_change_by_zero_percent(quarter, four, random):
    shuffled = list(four)
    random.shuffle(shuffled)
    observations = {q: Observation(value=v) for q, v in zip(quarter.last_n(4), four, strict=True)}
    year_before = quarter.shifted(-4).last_n(4)
    observations |= {q: Observation(value=v) for q, v in zip(year_before, shuffled, strict=True)}
    comparison = rolling_year(spec(FLOW), observations, quarter)
    assert comparison.change == 0
    assert comparison.percent_change == (None if sum(four) == 0 else 0)


@given(amounts.filter(lambda amount: amount != 0))
def test_percent_change_of_equal_figures_is_zero(amount):
    assert percent_change(amount, amount) == 0


@given(
    amounts,
    st.sampled_from([TargetKind.NUMBER, TargetKind.PERCENTAGE]),
    st.sampled_from([HIGHER, LOWER, NEUTRAL]),
    st.sampled_from([STOCK, FLOW]),
    st.one_of(st.none(), st.decimals(min_value=0, max_value=50, places=1)),
    st.integers(1, 4),
)
def test_a_value_exactly_on_target_is_green(target, kind, polarity, aggregation, threshold, number):
    measure = spec(
        aggregation, polarity=polarity, kind=kind, target_value=target, amber_threshold_percent=threshold
    )
    quarter = Quarter(2026, number)
    if kind == TargetKind.NUMBER and aggregation == FLOW:
        # A cumulative target: a quarter of it each quarter lands exactly on the trajectory.
        observations = {q: Observation(value=target / 4) for q in quarter.quarters_to_date()}
    else:
        observations = {quarter: Observation(value=target)}
    assert assess_target(measure, observations, quarter, today=TODAY).rag == Rag.GREEN
