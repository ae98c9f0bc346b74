"""Hand-worked examples for the kinds of target that strategies over several years write: a percentage
change from a baseline by a date, maintain (a band either side of a baseline), a range, and a comparison
with a benchmark group. Every expected figure is worked out by hand in the comments, never by the code
under test."""

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.calculations import MeasureSpec, Observation, assess_target
from indicators.kinds import Aggregation, Polarity, Rag, TargetKind, Unit
from indicators.quarters import Quarter
from indicators.ratings import target_level, target_text
from indicators.targets import (
    RULES,
    Band,
    explain,
    rag_maintained,
    rag_within_range,
    target_problems,
    trajectory,
)

Q = Quarter.from_code
TODAY = date(2026, 9, 1)
HIGHER, LOWER, NEUTRAL = Polarity.HIGHER_IS_BETTER, Polarity.LOWER_IS_BETTER, Polarity.NEUTRAL
FLOW, STOCK = Aggregation.FLOW, Aggregation.STOCK
MINUS = "\N{MINUS SIGN}"


def quarters(first: str, *figures, benchmark=None) -> dict[Quarter, Observation]:
    """Consecutive quarters from `first`; None leaves a quarter out. `benchmark` is the last quarter's
    benchmark group figure."""
    start = Q(first)
    found = {start.shifted(i): Observation(value=D(v)) for i, v in enumerate(figures) if v is not None}
    if benchmark is not None:
        last = start.shifted(len(figures) - 1)
        found[last] = Observation(value=found[last].value, benchmark=D(benchmark))
    return found


def assess(spec: MeasureSpec, observations, quarter: str):
    return assess_target(spec, observations, Q(quarter), today=TODAY)


# A percentage change from a baseline by a date: "reduce domestic burglary by 20% by March 2008"
# 1,000 burglaries in 2004-05, 20% fewer by 31 March 2008: 800. The straight line runs from the end of
# 2004-05 (Q4) to the end of 2007-08 (Q4), twelve quarters: 200 fewer over 12, 16.67 a quarter.
BURGLARY = MeasureSpec(
    Unit.COUNT,
    LOWER,
    FLOW,
    TargetKind.CHANGE,
    baseline_value=D(1000),
    baseline_year=2004,
    change_percent=D(-20),
    due_date=date(2008, 3, 31),
)


@pytest.mark.parametrize(
    ("quarter", "expected"),
    [
        ("2004-05-Q2", D(1000)),  # before the line starts: the baseline
        ("2004-05-Q4", D(1000)),  # the start: the baseline year's end
        ("2005-06-Q1", D("983.33")),  # 1000 - 200 x 1/12
        ("2005-06-Q2", D("966.67")),  # 1000 - 200 x 2/12
        ("2005-06-Q4", D("933.33")),  # a third of the way: 1000 - 200 x 4/12
        ("2006-07-Q4", D("866.67")),  # two thirds: 1000 - 200 x 8/12
        ("2007-08-Q3", D("816.67")),  # 1000 - 200 x 11/12
        ("2007-08-Q4", D(800)),  # the date it is due: the target
        ("2009-10-Q2", D(800)),  # after: the target stands
    ],
)
def test_a_change_by_a_date_follows_a_straight_line_across_the_years(quarter, expected):
    assert round(trajectory(BURGLARY, Q(quarter)), 2) == expected


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        # At Q2 2005-06 the rolling year (Q3 2004-05 to Q2 2005-06, summed) is judged against 966.67,
        # lower is better (a fall is asked for); amber up to 10% of 966.67 above it: 1,063.33.
        ((230, 230, 230, 230), Rag.GREEN),  # 920
        ((241, 241, 241, 241), Rag.GREEN),  # 964: on the line
        ((250, 250, 250, 250), Rag.AMBER),  # 1,000: no fall yet
        ((265, 265, 265, 268), Rag.AMBER),  # 1,063
        ((266, 266, 266, 266), Rag.RED),  # 1,064
        ((300, None, 250, 250), Rag.NO_RATING),  # a quarter of the year missing: no data, never zero
    ],
)
def test_a_change_by_a_date_is_rated_on_the_rolling_year_against_the_line(year, expected):
    assert assess(BURGLARY, quarters("2004-05-Q3", *year), "2005-06-Q2").rag == expected


def test_a_change_by_a_date_says_where_it_stands_and_where_it_is_going():
    assessment = assess(BURGLARY, quarters("2004-05-Q3", 240, 235, 240, 235), "2005-06-Q2")

    # 950 in the year: 5% down on 1,000; 966.67 expected by now; 800 by 31 March 2008.
    assert assessment.rag == Rag.GREEN
    assert assessment.reason == (
        f"950 in the year to Q2 2005-06 ({MINUS}5% on 1,000 in 2004-05) against 966.67 expected by now, "
        f"on the way to 800 ({MINUS}20%) by 31 March 2008"
    )
    assert (assessment.progress.actual, round(assessment.progress.expected, 2)) == (D(950), D("966.67"))
    assert assessment.progress.target == D(800)


def test_a_missing_quarter_of_the_rolling_year_is_named():
    assessment = assess(BURGLARY, quarters("2004-05-Q3", 300, None, 250, 250), "2005-06-Q2")

    assert assessment.reason == "No data for Q4 2004-05"


# A rise: 500 visits to victim support in 2025-26, 10% more (550) by 31 March 2028; higher is better.
# Eight quarters of line: 50 more over 8, 6.25 a quarter; at Q2 2026-27, 512.5; amber down to 461.25.
VISITS = MeasureSpec(
    Unit.COUNT,
    HIGHER,
    FLOW,
    TargetKind.CHANGE,
    baseline_value=D(500),
    baseline_year=2025,
    change_percent=D(10),
    due_date=date(2028, 3, 31),
)


@pytest.mark.parametrize(
    ("total", "expected"),
    [(520, Rag.GREEN), (512.5, Rag.GREEN), (470, Rag.AMBER), (461.25, Rag.AMBER), (461, Rag.RED)],
)
def test_a_rise_by_a_date_is_rated_the_other_way_up(total, expected):
    quarter_each = D(str(total)) / 4
    observed = quarters("2025-26-Q3", *[quarter_each] * 4)

    assert round(trajectory(VISITS, Q("2026-27-Q2")), 2) == D("512.5")
    assert assess(VISITS, observed, "2026-27-Q2").rag == expected


def test_a_change_on_a_rate_judges_the_latest_quarter_of_a_stock():
    # 40 per 100,000 in 2024-25, 25% lower (30) by 31 March 2027: eight quarters, 1.25 a quarter; by
    # Q2 2025-26 (two quarters on) 37.5 is expected; 37 is on course. A stock's rolling year is its
    # latest quarter, so an older quarter missing does not matter.
    rate = MeasureSpec(
        Unit.RATE_PER_100K,
        LOWER,
        STOCK,
        TargetKind.CHANGE,
        baseline_value=D(40),
        baseline_year=2024,
        change_percent=D(-25),
        due_date=date(2027, 3, 31),
    )

    assessment = assess(rate, quarters("2025-26-Q2", 37), "2025-26-Q2")

    assert assessment.rag == Rag.GREEN
    assert assessment.progress.expected == D("37.5")


# Maintain: 1,000 a year, within 5% either side (950 to 1,050); amber for up to 10% of the baseline
# (100) beyond the band on the worse side. Judged on the rolling year: four quarters summed.


@pytest.mark.parametrize(
    ("polarity", "year", "expected"),
    [
        (LOWER, 900, Rag.GREEN),  # better than the band
        (LOWER, 1050, Rag.GREEN),  # the band's edge
        (LOWER, 1100, Rag.AMBER),  # 50 past it
        (LOWER, 1150, Rag.AMBER),  # 100 past it
        (LOWER, 1151, Rag.RED),
        (HIGHER, 1100, Rag.GREEN),
        (HIGHER, 950, Rag.GREEN),
        (HIGHER, 900, Rag.AMBER),
        (HIGHER, 849, Rag.RED),
        (NEUTRAL, 1000, Rag.GREEN),
        (NEUTRAL, 900, Rag.AMBER),  # either side is worse for a measure with no better direction
        (NEUTRAL, 1100, Rag.AMBER),
        (NEUTRAL, 849, Rag.RED),
        (NEUTRAL, 1151, Rag.RED),
    ],
)
def test_maintain_within_a_band_of_the_baseline(polarity, year, expected):
    spec = MeasureSpec(
        Unit.COUNT, polarity, FLOW, TargetKind.MAINTAIN, baseline_value=D(1000), band_percent=D(5)
    )
    each = D(year) / 4

    assert rag_maintained(D(year), D(1000), D(5), polarity, D(10)) == expected
    assert assess(spec, quarters("2025-26-Q3", each, each, each, each), "2026-27-Q2").rag == expected


def test_maintain_explains_its_band():
    spec = MeasureSpec(
        Unit.COUNT, LOWER, FLOW, TargetKind.MAINTAIN, baseline_value=D(1000), band_percent=D(5)
    )

    assessment = assess(spec, quarters("2025-26-Q3", 270, 270, 270, 270), "2026-27-Q2")

    assert assessment.reason == "1,080 in the year to Q2 2026-27, against 1,000 within 5% (950 to 1,050)"
    assert assessment.rag == Rag.AMBER


# A range: 60% to 70%; amber for up to 10% of the nearer end outside it (54 below, 77 above).


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("65", Rag.GREEN),
        ("60", Rag.GREEN),
        ("70", Rag.GREEN),
        ("54", Rag.AMBER),
        ("53.9", Rag.RED),
        ("77", Rag.AMBER),
        ("77.1", Rag.RED),
    ],
)
def test_a_range_to_stay_within(value, expected):
    spec = MeasureSpec(Unit.PERCENTAGE, HIGHER, STOCK, TargetKind.RANGE, range_low=D(60), range_high=D(70))

    assert rag_within_range(D(value), D(60), D(70), D(10)) == expected
    assessment = assess(spec, quarters("2026-27-Q2", value), "2026-27-Q2")
    assert assessment.rag == expected
    assert assessment.reason == f"{value}% against a range of 60% to 70%"


# A benchmark group: the partnership's rate against the most similar group's average for the same
# quarter. Lower is better: 14.1 for the group, amber up to 10% of it above (15.51).
GROUP = MeasureSpec(
    Unit.RATE_PER_100K,
    LOWER,
    STOCK,
    TargetKind.BENCHMARK_GROUP,
    benchmark_group="most similar group average",
)


@pytest.mark.parametrize(
    ("ours", "theirs", "expected"),
    [
        ("13", "14.1", Rag.GREEN),
        ("14.1", "14.1", Rag.GREEN),
        ("15", "14.1", Rag.AMBER),
        ("15.51", "14.1", Rag.AMBER),
        ("15.6", "14.1", Rag.RED),
    ],
)
def test_a_comparison_with_a_benchmark_group(ours, theirs, expected):
    assessment = assess(GROUP, quarters("2026-27-Q2", ours, benchmark=theirs), "2026-27-Q2")

    assert assessment.rag == expected
    assert assessment.progress.expected == D(theirs)


def test_a_benchmark_group_higher_is_better():
    # 85% for the group; amber down to 76.5%.
    spec = MeasureSpec(Unit.PERCENTAGE, HIGHER, STOCK, TargetKind.BENCHMARK_GROUP, benchmark_group="region")

    rated = [assess(spec, quarters("2026-27-Q2", v, benchmark=85), "2026-27-Q2").rag for v in (86, 80, 76)]

    assert rated == [Rag.GREEN, Rag.AMBER, Rag.RED]


def test_without_the_groups_figure_a_benchmark_comparison_waits():
    assessment = assess(GROUP, quarters("2026-27-Q2", "13"), "2026-27-Q2")

    assert assessment.rag == Rag.NO_RATING
    assert assessment.reason == "No figure for the most similar group average in Q2 2026-27"
    assessment = assess(GROUP, quarters("2026-27-Q1", "13", benchmark="14"), "2026-27-Q2")
    assert assessment.rag == Rag.NO_RATING  # the group's figure for another quarter is not this one's


def test_a_benchmark_group_reason_names_the_group():
    assessment = assess(GROUP, quarters("2026-27-Q2", "15", benchmark="14.1"), "2026-27-Q2")

    assert assessment.reason == "15 per 100,000 against 14.1 per 100,000 for the most similar group average"


# The target in words, as the report and the return page print it


@pytest.mark.parametrize(
    ("spec", "quarter", "progress_expected", "expected"),
    [
        (BURGLARY, "2005-06-Q2", None, f"{MINUS}20% on 2004-05 by 31 March 2008: 800 (966.67 by Q2 2005-06)"),
        (BURGLARY, "2007-08-Q4", None, f"{MINUS}20% on 2004-05 by 31 March 2008: 800"),
        (BURGLARY, None, None, f"{MINUS}20% on 2004-05 by 31 March 2008: 800"),
        (VISITS, "2026-27-Q2", None, "+10% on 2025-26 by 31 March 2028: 550 (512.5 by Q2 2026-27)"),
        (
            MeasureSpec(
                Unit.COUNT, LOWER, FLOW, TargetKind.MAINTAIN, baseline_value=D(1000), band_percent=D(5)
            ),
            "2026-27-Q2",
            None,
            "1,000 ± 5% (950 to 1,050)",
        ),
        (
            MeasureSpec(Unit.PERCENTAGE, HIGHER, STOCK, TargetKind.RANGE, range_low=D(60), range_high=D(70)),
            "2026-27-Q2",
            None,
            "60% to 70%",
        ),
        (GROUP, "2026-27-Q2", D("14.1"), "At or below the most similar group average (14.1)"),
        (GROUP, "2026-27-Q2", None, "At or below the most similar group average"),
    ],
)
def test_each_new_kind_in_words(spec, quarter, progress_expected, expected):
    from indicators.calculations import TargetProgress

    progress = TargetProgress(expected=progress_expected) if progress_expected is not None else None
    assert target_text(spec, Q(quarter) if quarter else None, progress) == expected


def test_only_a_level_that_a_quarters_figure_meets_is_drawn_on_the_chart():
    maintain_stock = MeasureSpec(
        Unit.RATE_PER_100K, LOWER, STOCK, TargetKind.MAINTAIN, baseline_value=D(40), band_percent=D(5)
    )
    maintain_flow = MeasureSpec(
        Unit.COUNT, LOWER, FLOW, TargetKind.MAINTAIN, baseline_value=D(1000), band_percent=D(5)
    )

    assert target_level(maintain_stock) == D(40)
    assert [target_level(s) for s in (maintain_flow, BURGLARY, GROUP)] == [None, None, None]


# What each kind takes


GOOD = {
    TargetKind.CHANGE: {
        "baseline_value": D(1000),
        "baseline_year": 2004,
        "change_percent": D(-20),
        "due_date": date(2008, 3, 31),
    },
    TargetKind.MAINTAIN: {"baseline_value": D(1000), "band_percent": D(5)},
    TargetKind.RANGE: {"range_low": D(60), "range_high": D(70)},
    TargetKind.BENCHMARK_GROUP: {"benchmark_group": "most similar group average"},
    TargetKind.NUMBER: {"target_value": D(30)},
    TargetKind.PERCENTAGE: {"target_value": D(63)},
    TargetKind.REDUCTION_FROM_BASELINE: {"baseline_value": D(146)},
    TargetKind.MILESTONE: {"due_date": date(2026, 10, 31)},
}


@pytest.mark.parametrize("kind", list(TargetKind))
def test_each_kind_takes_the_values_it_needs(kind):
    unit = Unit.MILESTONE if kind == TargetKind.MILESTONE else Unit.PERCENTAGE
    assert target_problems(kind, GOOD.get(kind, {}), unit, LOWER) == {}


@pytest.mark.parametrize(
    ("kind", "values", "polarity", "expected"),
    [
        (
            TargetKind.REDUCTION_FROM_BASELINE,
            {"baseline_value": D(146), "change_percent": D(-20)},
            LOWER,
            {
                "change_percent": "A reduction from a baseline does not use a change in percent: leave it "
                "blank (it is for a percentage change from a baseline by a date)."
            },
        ),
        (
            TargetKind.CHANGE,
            {"baseline_value": D(1000), "change_percent": D(-20)},
            LOWER,
            {
                "baseline_year": "A percentage change from a baseline by a date needs the baseline's year.",
                "due_date": "A percentage change from a baseline by a date needs a date it is due by.",
            },
        ),
        (
            TargetKind.CHANGE,
            GOOD[TargetKind.CHANGE] | {"change_percent": D(20)},
            LOWER,
            {"change_percent": "Lower is better for this measure: write a fall as -20."},
        ),
        (
            TargetKind.CHANGE,
            GOOD[TargetKind.CHANGE] | {"due_date": date(2005, 3, 31)},
            LOWER,
            {"due_date": "The date it is due must be after the baseline year ends (2005-03-31)."},
        ),
        (
            TargetKind.CHANGE,
            GOOD[TargetKind.CHANGE] | {"target_value": D(800)},
            LOWER,
            {
                "target_value": "A percentage change from a baseline by a date does not use a target value: "
                "leave it blank (it is for a number to reach, a percentage to reach or a reduction from a "
                "baseline)."
            },
        ),
        (
            TargetKind.RANGE,
            {"range_low": D(70), "range_high": D(60)},
            LOWER,
            {"range_high": "The top of the range must be above its bottom."},
        ),
        (
            TargetKind.MAINTAIN,
            {"baseline_value": D(1000), "band_percent": D(0)},
            LOWER,
            {"band_percent": "The band is a percentage of the baseline above 0 and at most 100, such as 5."},
        ),
        (
            TargetKind.BENCHMARK_GROUP,
            GOOD[TargetKind.BENCHMARK_GROUP],
            NEUTRAL,
            {
                "polarity": "A comparison with a benchmark group needs a better direction: higher or lower "
                "is better."
            },
        ),
        (
            TargetKind.ROLLING_COMPARISON,
            {"amber_threshold_percent": D(5)},
            LOWER,
            {
                "amber_threshold_percent": "Rolling Year Rolling Quarter (comparison only) does not use an "
                "amber threshold: leave it blank (it is for a number to reach, a percentage to reach, a "
                "reduction from a baseline, a percentage change from a baseline by a date, maintain: stay "
                "within a band of the baseline, a range to stay within or compared with a benchmark group)."
            },
        ),
    ],
)
def test_values_that_do_not_fit_the_kind_are_refused_with_a_clear_message(kind, values, polarity, expected):
    assert target_problems(kind, values, Unit.COUNT, polarity) == expected


def test_a_kind_rated_on_figures_refuses_a_yes_no_milestone():
    problems = target_problems(TargetKind.RANGE, GOOD[TargetKind.RANGE], Unit.MILESTONE, HIGHER)

    assert problems == {"unit": "A range to stay within is rated on figures: a yes/no milestone has none."}


# Appendix B is written from the rules the rating follows


@pytest.mark.parametrize("kind", list(TargetKind))
def test_each_kind_is_explained_from_its_own_rule(kind):
    rule = RULES[kind]
    words = explain(kind)

    assert rule.band.words(10) in words
    assert rule.judged.value[1:] in words  # the figure it judges, its first letter a capital or not
    assert rule.against in words
    assert explain(kind, 25) == words.replace("10%", "25%")


def test_the_bands_say_what_they_do():
    # The band the words describe is the band the rating takes: a change by a date, and a benchmark
    # group, are rated as a target to reach; maintain and a range by their own.
    assert RULES[TargetKind.CHANGE].band is Band.REACH
    assert RULES[TargetKind.BENCHMARK_GROUP].band is Band.REACH
    assert RULES[TargetKind.MAINTAIN].band is Band.MAINTAIN
    assert RULES[TargetKind.RANGE].band is Band.WITHIN


@given(
    baseline=st.integers(1, 10_000),
    change=st.integers(-99, 200).filter(bool),
    years=st.integers(1, 6),
    shift=st.integers(-8, 40),
)
def test_the_line_runs_from_the_baseline_to_the_target_and_never_past_either(baseline, change, years, shift):
    spec = MeasureSpec(
        Unit.COUNT,
        HIGHER if change > 0 else LOWER,
        FLOW,
        TargetKind.CHANGE,
        baseline_value=D(baseline),
        baseline_year=2004,
        change_percent=D(change),
        due_date=date(2005 + years, 3, 31),
    )
    target = spec.change_target
    low, high = sorted((D(baseline), target))

    here = trajectory(spec, Q("2004-05-Q4").shifted(shift))
    later = trajectory(spec, Q("2004-05-Q4").shifted(shift + 1))

    assert low <= here <= high
    assert (later >= here) if change > 0 else (later <= here)
    assert trajectory(spec, Q(f"{2004 + years}-{(2005 + years) % 100:02d}-Q4")) == target
