"""Demo data stored: eight quarters of history before a plan year, so every comparison has data, and
returns completed through the workflow with demo figures, as `seed_demo` and the benchmarks need.

The figures themselves come from `indicators.demo`.
"""

from simple_history.utils import bulk_create_with_history

from csp.models import PlanYear
from indicators.demo import demo_observation
from indicators.kinds import Rag
from indicators.models import Measure
from indicators.quarters import Quarter
from returns.figures import HISTORY_QUARTERS
from returns.models import Figure, Return, ReturnState
from returns.workflow import ReturnContent, approve, save_draft, submit


def history_quarters(plan_year: PlanYear, through: Quarter | None = None) -> list[Quarter]:
    """The eight quarters before the plan year, and any earlier ones that comparisons at `through` look
    back to (when the demo runs before the plan year has begun), oldest first."""
    start = Quarter(plan_year.start_year, 1)
    quarters = set(start.previous().last_n(HISTORY_QUARTERS))
    if through is not None:
        quarters |= {quarter for quarter in through.last_n(HISTORY_QUARTERS + 1) if quarter < start}
    return sorted(quarters)


def fill_demo_figures(plan_year: PlanYear, *, through: Quarter) -> int:
    """Store demo history (no return) for every measure of the plan year, for the quarters before it
    (`history_quarters`); returns how many figures were created.

    `through` is the latest quarter the caller reports on (filling the plan year's earlier quarters
    through demo returns, with `demo_observation`). No figure is created inside the plan year: there a
    figure belongs to a return. A quarter that already has a figure for the measure's code, history or
    return, is left alone, so running it again changes nothing and real imported history is never
    overwritten.
    """
    measures = list(
        Measure.objects.filter(indicator__priority__plan_year=plan_year).select_related(
            "indicator__priority__plan_year"
        )
    )
    quarters = history_quarters(plan_year, through)
    taken = set(
        Figure.objects.filter(
            measure__indicator__priority__plan_year__partnership_id=plan_year.partnership_id,
            measure__code__in={m.code for m in measures},
            year__in={q.year for q in quarters},
        ).values_list("measure__code", "year", "number")
    )
    new = [
        Figure(
            measure=measure,
            year=quarter.year,
            number=quarter.number,
            ret=None,
            **demo_observation(measure, quarter),
        )
        for measure in measures
        for quarter in quarters
        if (measure.code, quarter.year, quarter.number) not in taken
    ]
    bulk_create_with_history(new, Figure, default_change_reason="Demo history")
    return len(new)


def demo_content(ret: Return, *, escalation: str = "") -> ReturnContent:
    """A plausible return: the agency's demo figures for the quarter, a short update, and where no target
    decides the rating, the agency's own (green)."""
    quarter = ret.period.quarter
    measures = list(ret.supplied_measures())
    return ReturnContent(
        commentary=f"{ret.agency.display_name} update for {quarter.short_label}: "
        "activity delivered as planned; figures as reported.",
        escalation=escalation,
        figures={m.pk: demo_observation(m, quarter) for m in measures},
        agency_rating="" if any(m.target_decides_rating for m in measures) else Rag.GREEN.value,
    )


def complete(ret: Return, user, *, up_to: ReturnState = ReturnState.APPROVED, escalation: str = "") -> Return:
    """Take a return through the workflow with its demo content, as the coordinator may on an agency's
    behalf: saved as a draft, then submitted, then approved, stopping at `up_to`."""
    ret = save_draft(ret, user, demo_content(ret, escalation=escalation), version=ret.version)
    if up_to == ReturnState.DRAFT:
        return ret
    ret = submit(ret, user, version=ret.version)
    return ret if up_to == ReturnState.SUBMITTED else approve(ret, user)
