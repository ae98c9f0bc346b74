"""Demo data stored: eight quarters of history before a plan year, so every comparison has data; returns
and action updates completed through the workflow with demo content; owners for the Medway plan's actions,
as a coordinator would choose them. `seed_demo` and the benchmarks use it.

The figures themselves come from `indicators.demo`. Action updates are deterministic too: the status of an
action in a quarter comes from a `random.Random` seeded by the action and the quarter.
"""

import json
import random
from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from csp.models import PlanYear
from indicators.demo import demo_observation
from indicators.kinds import Rag
from indicators.models import Measure
from indicators.quarters import Quarter
from returns.figures import HISTORY_QUARTERS, rate_quarter
from returns.models import DeliverableUpdate, DeliveryStatus, Figure, Return, ReturnState, Submission
from returns.workflow import ReturnContent, UpdateContent, approve, save_draft, submit
from themes.models import Deliverable


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
    decides the rating, the agency's own (green). A red or amber result says why, what is being done and
    when it will be back on track, as submitting one needs."""
    quarter = ret.period.quarter
    measures = list(ret.supplied_measures())
    who = ret.agency.display_name if ret.agency else ret.owner_name
    content = ReturnContent(
        commentary=f"{who} update for {quarter.short_label}: "
        "activity delivered as planned; figures as reported.",
        escalation=escalation,
        figures={m.pk: demo_observation(m, quarter) for m in measures},
        agency_rating="" if any(m.target_decides_rating for m in measures) else Rag.GREEN.value,
    )
    _, rating = content.result(ret, today=timezone.localdate())
    if rating in (Rag.RED, Rag.AMBER):
        content.commentary = f"{who} update for {quarter.short_label}: short of where the plan aims to be."
        content.why = (
            f"{ret.indicator.code} is {Rag(rating).value} in {quarter.short_label}: demand rose this quarter "
            "while two posts in the team were vacant."
        )
        content.recovery = (
            "Both posts are filled from next month; the delivery group checks the figure monthly until "
            "it recovers."
        )
        content.back_on_track_by = quarter.shifted(2).end_date
    return content


def demo_owners(path: Path) -> dict[str, dict[int, str]]:
    """Owners for a plan's actions, from a JSON file of `fixtures/demo/` (by priority code, then the
    action's order)."""
    owners = json.loads(path.read_text(encoding="utf-8"))["owners"]
    return {
        code: {int(order): agency for order, agency in by_order.items()} for code, by_order in owners.items()
    }


def assign_demo_owners(plan_year: PlanYear, owners: dict[str, dict[int, str]]) -> int:
    """Give the plan year's actions with neither lead nor owner the agency named in `owners`; returns how
    many were given one. An owner already chosen is never changed."""
    given = 0
    unowned = Deliverable.objects.filter(
        priority__plan_year=plan_year, lead_agency__isnull=True, owner__isnull=True
    ).select_related("priority")
    agencies = {a.name: a for a in plan_year.partnership.agencies.all()}
    for deliverable in unowned:
        name = owners.get(deliverable.priority.code, {}).get(deliverable.order)
        if name in agencies:
            deliverable.owner = agencies[name]
            deliverable.save(update_fields=["owner"])
            given += 1
    return given


DEMO_STATUSES = (
    (DeliveryStatus.ON_TRACK, 70),
    (DeliveryStatus.AT_RISK, 10),
    (DeliveryStatus.COMPLETED, 7),
    (DeliveryStatus.NOT_STARTED, 6),
    (DeliveryStatus.OFF_TRACK, 4),
    (DeliveryStatus.DEFERRED, 3),
)
DEMO_PROGRESS = {
    DeliveryStatus.NOT_STARTED: "Planning under way with partners; delivery starts next quarter.",
    DeliveryStatus.ON_TRACK: "Delivered as planned this quarter: partners met, and the agreed actions are on "
    "schedule.",
    DeliveryStatus.AT_RISK: "Progress was slower than planned this quarter.",
    DeliveryStatus.OFF_TRACK: "Work stalled this quarter and the milestones were missed.",
    DeliveryStatus.COMPLETED: "Completed this quarter; the outcome was reported to the partnership.",
    DeliveryStatus.DEFERRED: "Deferred by agreement of the partnership to next year's plan.",
}


def demo_update_content(update: DeliverableUpdate) -> UpdateContent:
    """A plausible update on an action, the same for the same action and quarter on every run."""
    quarter = update.period.quarter
    seed = f"{update.deliverable.priority.code}-{update.deliverable.order}-{quarter.short_label}"
    chooser = random.Random(seed)  # noqa: S311 (demo data, not security)
    statuses, weights = zip(*DEMO_STATUSES, strict=True)
    status = chooser.choices(statuses, weights)[0]
    content = UpdateContent(status=status, progress=DEMO_PROGRESS[status])
    if status != DeliveryStatus.COMPLETED:
        content.next_steps = "Continue as planned and report progress to the partnership next quarter."
    if status in DeliveryStatus.needing_recovery():
        content.why = "Vacancies in the delivery team and a delayed funding decision."
        content.recovery = "Cover agreed with partner agencies; the work has been re-profiled."
        content.back_on_track_by = quarter.end_date + timedelta(days=91)
    if status == DeliveryStatus.COMPLETED:
        content.completed_on = quarter.end_date - timedelta(days=14)
    return content


def complete(
    item: Submission, user, *, up_to: ReturnState = ReturnState.APPROVED, escalation: str = ""
) -> Submission:
    """Take a return or an action update through the workflow with its demo content, as the coordinator
    may on its owner's behalf: saved as a draft, then submitted, then approved, stopping at `up_to`."""
    if isinstance(item, Return):
        content = demo_content(item, escalation=escalation)
    else:
        content = demo_update_content(item)
    item = save_draft(item, user, content, version=item.version)
    if up_to == ReturnState.DRAFT:
        return item
    item = submit(item, user, version=item.version)
    return item if up_to == ReturnState.SUBMITTED else approve(item, user)


def explain_demo_exceptions(period) -> int:
    """Give every received return on a red or amber indicator what an officer must write for one: why,
    what is being done and when it should be back on track (however it was rated, by its target or by
    the agency), so the demo report's exceptions read as a real one would. Returns how many it explained."""
    from themes.plan import load_plan

    indicators = [i for p in load_plan(period.plan_year) for i in p.indicators.all()]
    returns = list(Return.objects.filter(period=period).select_related("agency", "indicator"))
    rated = rate_quarter(
        indicators,
        period.quarter,
        partnership_id=period.plan_year.partnership_id,
        returns=returns,
        today=period.quarter.end_date,
        period=period,
    )
    explained = 0
    for ret in returns:
        rating = rated.indicators[ret.indicator_id].rag
        if not ret.is_received or rating not in (Rag.RED, Rag.AMBER) or ret.why:
            continue
        quarter = period.quarter.short_label
        ret.why = (
            f"{ret.indicator.code} is {rating.label.split(':')[0].lower()} in {quarter}: fewer referrals "
            "came through while the pathway was re-commissioned, and two posts were vacant."
        )
        ret.recovery = (
            "A recovery plan is agreed with partners: the posts are filled, extra sessions run each week "
            "and progress is tracked at the delivery group each month."
        )
        ret.back_on_track_by = period.quarter.shifted(1).end_date
        ret.commentary = ret.commentary.replace(
            "activity delivered as planned", "below where we planned to be (see the explanation)"
        )
        ret._change_reason = "Demo explanation of a red or amber result"
        ret.save(update_fields=["why", "recovery", "back_on_track_by", "commentary", "updated_at"])
        explained += 1
    return explained
