"""The report's appendix of definitions: every kind of benchmark, and every calculation it prints.

Kept beside the builder, in words a SEG member can check a figure against; the rules themselves are in
`indicators.calculations`, and these words must say what it does.
"""

from dataclasses import dataclass

from indicators.kinds import DEFAULT_AMBER_THRESHOLD_PERCENT, TargetKind


@dataclass(frozen=True)
class Definition:
    term: str
    text: str
    examples: tuple[str, ...] = ()
    """The plan's own wording for this kind of benchmark, where it has any."""


TARGET_KINDS = {
    TargetKind.ROLLING_COMPARISON: (
        "Comparison only, with no target: the rolling year against the year before it, and the quarter "
        "against the quarter before it. The rating is the supplying agency's own."
    ),
    TargetKind.QUARTERLY: (
        "A quarterly update with no target: the figures are reported for information and the rating is the "
        "supplying agency's own."
    ),
    TargetKind.NOT_APPLICABLE: "No target or benchmark applies; the rating is the supplying agency's own.",
    TargetKind.NUMBER: (
        "A number to reach. For a count that adds up over the year, the year to date is compared with a "
        "straight-line share of the year's target (30 in the year means 15 expected by the end of "
        "Quarter 2). For a level, such as people in treatment, this quarter's figure is compared with "
        "the target."
    ),
    TargetKind.PERCENTAGE: "A percentage to reach: this quarter's figure is compared with it.",
    TargetKind.REDUCTION_FROM_BASELINE: (
        "A fall below a baseline: this quarter's figure below the baseline is green; at the baseline, or "
        f"above it by up to {DEFAULT_AMBER_THRESHOLD_PERCENT}% of it, is amber; further above is red."
    ),
    TargetKind.DIRECTION: (
        "A direction of travel: this quarter is compared with the same quarter last year, which cancels out "
        "the seasons. Better is green, no change amber, worse red."
    ),
    TargetKind.MILESTONE: (
        "A milestone with a date: reported complete is green; not complete once the date has passed is red; "
        "before then the rating is the supplying agency's own."
    ),
}

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
