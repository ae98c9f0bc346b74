"""One measure's row in the quarterly report: its figures this quarter and before, derived figures, target,
rating, the last eight quarters as a trend and a chart. A figure that was not received never reads as a
blank or a zero."""

from dataclasses import dataclass
from decimal import Decimal

from indicators.calculations import Figures, MeasureSpec, trend
from indicators.formatting import NO_DATA, percent_change, table_number
from indicators.kinds import MilestoneStatus, TargetKind, Unit
from indicators.models import Measure
from indicators.ratings import RAG_WORDS, target_level, target_text
from reporting.charts import trend_chart
from returns.models import COORDINATOR, Return

NOT_RECEIVED = "Not received"
NOT_APPLICABLE = "n/a"


@dataclass(frozen=True)
class TrendPoint:
    quarter: str
    value: Decimal | None
    text: str


@dataclass(frozen=True)
class MeasureRow:
    code: str
    name: str
    unit: str
    supplier: str
    this_quarter: str
    previous_quarter: str
    same_quarter_last_year: str
    rolling_year: str
    rolling_year_change: str
    year_to_date: str
    target: str
    """The target in force, where this quarter's figure should be by it."""
    target_as_set: str
    """The target in force as set for the plan ("30 in the year"), or "" for a comparison only: the
    indicator's heading prints these."""
    rag: str
    rag_words: str
    rag_reason: str
    direction: str
    trend: tuple[TrendPoint, ...]
    chart: str
    """Inline SVG, already escaped (see reporting.charts)."""
    value: Decimal | str | None
    """This quarter's raw figure for exports: a number, a milestone's status, or None."""
    return_state: str
    caveats: str
    figures: tuple[Decimal | None, ...] = (None,) * 6
    """For exports, unformatted: previous quarter, same quarter last year, rolling year, the rolling year
    before it, the rolling year's % change and year to date (each None where there is no figure)."""


def measure_row(
    measure: Measure, observed, figures: Figures, quarter, ret: Return | None, spec: MeasureSpec
) -> MeasureRow:
    """`spec` is the target in force for the quarter (`returns.figures.specs_in_force`), which rated it."""
    unit = spec.unit
    points = tuple(
        TrendPoint(each.short_label, value, _figure(value, unit))
        for each, value in trend(spec, observed, quarter)
    )
    if unit == Unit.MILESTONE:
        this_quarter = _status(observed.get(quarter))
        previous = _status(observed.get(quarter.previous()))
        last_year = _status(observed.get(quarter.same_quarter_last_year()))
        rolling_year = change = to_date = NOT_APPLICABLE
        observation = observed.get(quarter)
        value = MilestoneStatus(observation.status).label if observation and observation.status else None
        chart = ""
    else:
        this_quarter = _figure(figures.this_quarter, unit)
        previous = _figure(figures.previous_quarter, unit)
        last_year = _figure(figures.same_quarter_last_year, unit)
        rolling_year = _derived(figures.rolling_year.current, unit)
        change = percent_change(figures.rolling_year.percent_change)
        to_date = _derived(figures.year_to_date, unit)
        value = figures.this_quarter
        chart = trend_chart(
            measure.name, points, target_level(spec), unit_suffix="%" if unit == Unit.PERCENTAGE else ""
        )
    return MeasureRow(
        code=measure.code,
        name=measure.name,
        unit=measure.get_unit_display(),
        supplier=measure.supplier.display_name if measure.supplier else COORDINATOR,
        this_quarter=this_quarter,
        previous_quarter=previous,
        same_quarter_last_year=last_year,
        rolling_year=rolling_year,
        rolling_year_change=change,
        year_to_date=to_date,
        target=target_text(spec, quarter, figures.target),
        target_as_set="" if spec.target_kind in TargetKind.comparison_only() else target_text(spec),
        rag=figures.rag.value,
        rag_words=RAG_WORDS[figures.rag],
        rag_reason=figures.rag_reason,
        direction=figures.direction.label,
        trend=points,
        chart=chart,
        value=value,
        return_state=ret.get_state_display() if ret else "No return",
        caveats=measure.caveats,
        figures=()
        if unit == Unit.MILESTONE
        else (
            figures.previous_quarter,
            figures.same_quarter_last_year,
            figures.rolling_year.current,
            figures.rolling_year.previous,
            figures.rolling_year.percent_change,
            figures.year_to_date,
        ),
    )


def _figure(value: Decimal | None, unit: Unit) -> str:
    """A reported figure: a missing one was not received, and never reads as a blank or a zero."""
    return NOT_RECEIVED if value is None else table_number(value, unit)


def _derived(value: Decimal | None, unit: Unit) -> str:
    """A figure worked out from several quarters: "No data" when any of them is missing."""
    return NO_DATA if value is None else table_number(value, unit)


def _status(observation) -> str:
    if observation is None or not observation.status:
        return NOT_RECEIVED
    return MilestoneStatus(observation.status).label
