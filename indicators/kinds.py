"""The vocabulary of measures and targets, shared by the models and the pure calculations.

Kept free of the ORM so that `indicators.calculations` can import it without a database.
"""

from django.db.models import TextChoices


class Unit(TextChoices):
    COUNT = "count", "Count"
    PERCENTAGE = "percentage", "Percentage"
    RATE_PER_100K = "rate_per_100k", "Rate per 100,000"
    MILESTONE = "milestone", "Yes/no milestone"


class Polarity(TextChoices):
    HIGHER_IS_BETTER = "higher", "Higher is better"
    LOWER_IS_BETTER = "lower", "Lower is better"
    NEUTRAL = "neutral", "Neutral"


class Aggregation(TextChoices):
    """How quarters combine into a rolling year or a year to date."""

    FLOW = "flow", "Flow: quarters add up"
    STOCK = "stock", "Stock: the latest quarter stands"
    RATIO = "ratio", "Ratio: numerators and denominators add up separately"


class TargetKind(TextChoices):
    """The kinds of benchmark or target that action plans print.

    A number to reach is cumulative over the year for a flow measure (30 completions: 15 expected by the
    end of Q2) and a level to reach for a stock measure (1,416 adults in treatment). What each kind needs,
    and how it is rated, is `indicators.targets`.
    """

    ROLLING_COMPARISON = "rolling", "Rolling Year Rolling Quarter (comparison only)"
    QUARTERLY = "quarterly", "Quarterly update (comparison only)"
    NOT_APPLICABLE = "n/a", "N/A (no target)"
    NUMBER = "number", "A number to reach"
    PERCENTAGE = "percentage", "A percentage to reach"
    REDUCTION_FROM_BASELINE = "reduction", "A reduction from a baseline"
    DIRECTION = "direction", "A direction of travel"
    MILESTONE = "milestone", "A milestone date"
    CHANGE = "change", "A percentage change from a baseline by a date"
    MAINTAIN = "maintain", "Maintain: stay within a band of the baseline"
    RANGE = "range", "A range to stay within"
    BENCHMARK_GROUP = "group", "Compared with a benchmark group"

    @classmethod
    def comparison_only(cls) -> frozenset["TargetKind"]:
        return frozenset({cls.ROLLING_COMPARISON, cls.QUARTERLY, cls.NOT_APPLICABLE})


class Rag(TextChoices):
    GREEN = "green", "Green: on track"
    AMBER = "amber", "Amber: at risk"
    RED = "red", "Red: off track"
    NO_RATING = "none", "No rating"


class MilestoneStatus(TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETE = "complete", "Complete"


DEFAULT_AMBER_THRESHOLD_PERCENT = 10
"""How far short of a target (in % of the target) still counts as amber rather than red."""
