"""The report's appendix of definitions: every kind of benchmark, and every calculation it prints.

Kept beside the builder, in words a SEG member can check a figure against. Each kind of target is
explained from the rule its rating follows (`indicators.targets.explain`) and a worked example that the
rating code itself rates, so the words cannot drift from the arithmetic; the calculations' words here
must say what `indicators.calculations` does.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from indicators.calculations import MeasureSpec, Observation, assess_target
from indicators.kinds import DEFAULT_AMBER_THRESHOLD_PERCENT, Aggregation, Polarity, TargetKind, Unit
from indicators.quarters import Quarter
from indicators.ratings import RAG_WORDS
from indicators.targets import explain


@dataclass(frozen=True)
class Definition:
    term: str
    text: str
    examples: tuple[str, ...] = ()
    """The plan's own wording for this kind of benchmark, where it has any."""


def _example(spec: MeasureSpec, observations: dict, quarter: str) -> str:
    """A worked example, rated by the rating code itself: its numbers and its colour are the rule's."""
    assessment = assess_target(spec, observations, Quarter.from_code(quarter), today=date(2000, 1, 1))
    return f"For example: {assessment.reason}, which is {RAG_WORDS[assessment.rag].lower()}."


def _rolling(first: str, *values) -> dict:
    start = Quarter.from_code(first)
    return {start.shifted(n): Observation(value=Decimal(v)) for n, v in enumerate(values)}


def _spec(
    kind: TargetKind,
    unit=Unit.COUNT,
    aggregation=Aggregation.FLOW,
    polarity=Polarity.LOWER_IS_BETTER,
    **target,
):
    return MeasureSpec(unit, polarity, aggregation, kind, **target)


EXAMPLES = {
    TargetKind.NUMBER: lambda: _example(
        _spec(TargetKind.NUMBER, polarity=Polarity.HIGHER_IS_BETTER, target_value=Decimal(30)),
        _rolling("2026-27-Q1", 6, 8),
        "2026-27-Q2",
    ),
    TargetKind.PERCENTAGE: lambda: _example(
        _spec(
            TargetKind.PERCENTAGE,
            Unit.PERCENTAGE,
            Aggregation.STOCK,
            Polarity.HIGHER_IS_BETTER,
            target_value=Decimal(63),
        ),
        _rolling("2026-27-Q2", 60),
        "2026-27-Q2",
    ),
    TargetKind.REDUCTION_FROM_BASELINE: lambda: _example(
        _spec(
            TargetKind.REDUCTION_FROM_BASELINE,
            Unit.RATE_PER_100K,
            Aggregation.STOCK,
            baseline_value=Decimal(146),
        ),
        _rolling("2026-27-Q2", 150),
        "2026-27-Q2",
    ),
    TargetKind.DIRECTION: lambda: _example(
        _spec(TargetKind.DIRECTION), _rolling("2025-26-Q2", 130, 0, 0, 0, 120), "2026-27-Q2"
    ),
    TargetKind.CHANGE: lambda: _example(
        _spec(
            TargetKind.CHANGE,
            baseline_value=Decimal(1000),
            baseline_year=2004,
            change_percent=Decimal(-20),
            due_date=date(2008, 3, 31),
        ),
        _rolling("2004-05-Q3", 245, 245, 245, 245),
        "2005-06-Q2",
    ),
    TargetKind.MAINTAIN: lambda: _example(
        _spec(TargetKind.MAINTAIN, baseline_value=Decimal(1000), band_percent=Decimal(5)),
        _rolling("2025-26-Q3", 270, 270, 270, 270),
        "2026-27-Q2",
    ),
    TargetKind.RANGE: lambda: _example(
        _spec(
            TargetKind.RANGE,
            Unit.PERCENTAGE,
            Aggregation.STOCK,
            range_low=Decimal(60),
            range_high=Decimal(70),
        ),
        _rolling("2026-27-Q2", 72),
        "2026-27-Q2",
    ),
    TargetKind.BENCHMARK_GROUP: lambda: _example(
        _spec(
            TargetKind.BENCHMARK_GROUP,
            Unit.RATE_PER_100K,
            Aggregation.STOCK,
            benchmark_group="most similar group average",
        ),
        {Quarter.from_code("2026-27-Q2"): Observation(value=Decimal(15), benchmark=Decimal("14.1"))},
        "2026-27-Q2",
    ),
}
"""A worked example for each kind rated on figures."""


def target_kind_text(kind: TargetKind) -> str:
    """What a kind of target means and how it is rated (`indicators.targets.explain`, from the rule the
    rating follows), with a worked example rated by the rating code."""
    example = EXAMPLES.get(kind)
    return explain(kind) + (f" {example()}" if example else "")


CALCULATIONS = (
    Definition(
        "This quarter",
        "The figure for the quarter this report covers, from returns that have been submitted or approved.",
    ),
    Definition(
        "Previous quarter", "The figure for the quarter before, for comparison (the rolling quarter)."
    ),
    Definition(
        "Same quarter last year",
        "The figure for the same quarter of the previous year, which compares like seasons with like.",
    ),
    Definition(
        "Rolling year",
        "The four quarters ending with this one. Counts that add up (such as incidents) are summed; levels "
        "(such as people in treatment) take the latest quarter; rates and percentages divide the summed "
        "numerators by the summed denominators, so a quiet quarter does not weigh as much as a busy one.",
    ),
    Definition(
        "Rolling year change",
        "The rolling year against the four quarters before it, as a percentage of the earlier figure.",
    ),
    Definition(
        "Year to date",
        "From Quarter 1 of the plan year up to this quarter, combined in the same way as the rolling year.",
    ),
    Definition(
        "RAG rating",
        "Green (on track), amber (at risk) or red (off track), worked out from the target where there is "
        f"one. Short of a target by up to {DEFAULT_AMBER_THRESHOLD_PERCENT}% of it is amber unless a "
        "measure sets its own threshold. Where no target decides, the supplying agency's own rating is "
        "shown. An indicator's rating is the worst of its measures' ratings, or of the agencies' own "
        "ratings for an indicator reported in words only.",
    ),
    Definition(
        "Trend",
        "The last eight quarters of the measure, oldest on the left; a gap is a quarter with no figure. A "
        "dashed line marks the quarterly target where there is one.",
    ),
    Definition(
        "Not received",
        "No figure has been submitted for that quarter. It is never shown as a zero.",
    ),
    Definition(
        "No data",
        "A figure cannot be worked out because a quarter it needs is missing, or because it would mean "
        "dividing by zero.",
    ),
    Definition(
        "Outstanding and late returns",
        "A return is outstanding until the agency submits it; it is late when still outstanding after the "
        "period's deadline. The report is marked as a draft until every return has been approved.",
    ),
)
