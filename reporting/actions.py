"""The plan's actions (its key deliverables) in the quarterly report: how each stood at the quarter's end,
from its owner's update, and what changed since the quarter before.

An action's status for a quarter is its received update's (submitted or approved). One completed in an
earlier quarter stays completed and owes no more updates; one whose update has not been received is
"No update received" and counts as such, never as its last quarter's status. Three queries, whatever the
size of the plan.
"""

from collections import Counter
from dataclasses import dataclass

from indicators.formatting import format_date
from indicators.kinds import Rag
from returns.models import COORDINATOR, STATUS_RAG, DeliverableUpdate, DeliveryStatus, ReportingPeriod

NO_UPDATE = "no_update"
NO_UPDATE_LABEL = "No update received"
STATUS_ORDER = (
    DeliveryStatus.OFF_TRACK,
    DeliveryStatus.AT_RISK,
    DeliveryStatus.ON_TRACK,
    DeliveryStatus.COMPLETED,
    DeliveryStatus.NOT_STARTED,
    DeliveryStatus.DEFERRED,
)
"""The order statuses are counted in: what needs the SEG's attention first."""


@dataclass(frozen=True)
class Action:
    label: str
    anchor: str
    reference: str
    """The number the plan prints beside it ("2.4"), or ""."""
    text: str
    owner: str
    lead: str
    due: str
    milestones: tuple[tuple[str, str], ...]
    status: str
    """A DeliveryStatus value, or NO_UPDATE."""
    status_label: str
    rag: str
    previous_label: str
    """Its status at the end of the quarter before, where that differs; "" if the same or unknown."""
    update_state: str
    """Where this quarter's update is in the workflow, for the report's outstanding list."""
    update_state_label: str
    carried: str
    """For one completed in an earlier quarter: which ("Q1 2026/27"); "" otherwise."""
    progress: str
    next_steps: str
    why: str
    recovery: str
    back_on_track_by: str
    completed_on: str

    @property
    def needs_attention(self) -> bool:
        return self.status in (DeliveryStatus.AT_RISK, DeliveryStatus.OFF_TRACK)

    @property
    def changed(self) -> bool:
        return bool(self.previous_label)


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


def status_counts(actions) -> tuple[StatusCount, ...]:
    """How many actions stand at each status (every status, in STATUS_ORDER), then those with no update."""
    counts = Counter(action.status for action in actions)
    return (
        *(StatusCount(status.value, status.label, counts[status.value]) for status in STATUS_ORDER),
        StatusCount(NO_UPDATE, NO_UPDATE_LABEL, counts[NO_UPDATE]),
    )


def quarter_actions(period: ReportingPeriod, priorities) -> dict[int, tuple[Action, ...]]:
    """Each priority's actions as they stood at the end of `period`'s quarter, by priority id.
    `priorities` are `themes.plan.load_plan`'s (deliverables and milestones prefetched)."""
    this_quarter = {
        update.deliverable_id: update
        for update in DeliverableUpdate.objects.filter(period=period).select_related("agency")
    }
    plan_year_id = period.plan_year_id
    before = DeliverableUpdate.objects.latest_received(plan_year_id, up_to=period.quarter.previous())
    return {
        priority.pk: tuple(
            _action(deliverable, this_quarter.get(deliverable.pk), before.get(deliverable.pk))
            for deliverable in priority.deliverables.all()
        )
        for priority in priorities
    }


def _action(deliverable, update: DeliverableUpdate | None, before: DeliverableUpdate | None) -> Action:
    received = update if update is not None and update.is_received else None
    carried = before if received is None and before and before.status == DeliveryStatus.COMPLETED else None
    shown = received or carried
    status = shown.status if shown else NO_UPDATE
    changed = received is not None and before is not None and before.status != received.status
    owner = deliverable.update_owner
    return Action(
        label=deliverable.label,
        anchor=f"action-{deliverable.priority.code.lower()}-{deliverable.order}",
        reference=deliverable.reference,
        text=deliverable.text,
        owner=owner.name if owner else COORDINATOR,
        lead=deliverable.lead_agency.display_name if deliverable.lead_agency else "",
        due=_date(deliverable.due_date),
        milestones=tuple((m.text, _date(m.due_date)) for m in deliverable.milestones.all()),
        status=status,
        status_label=shown.get_status_display() if shown else NO_UPDATE_LABEL,
        rag=STATUS_RAG.get(status, Rag.NO_RATING).value,
        previous_label=before.get_status_display() if changed else "",
        update_state=update.state if update else "",
        update_state_label=update.get_state_display() if update else "",
        carried=carried.period.quarter.short_label if carried else "",
        progress=received.progress.strip() if received else "",
        next_steps=received.next_steps.strip() if received else "",
        why=received.why.strip() if received else "",
        recovery=received.recovery.strip() if received else "",
        back_on_track_by=_date(received.back_on_track_by) if received else "",
        completed_on=_date(shown.completed_on) if shown else "",
    )


def _date(day) -> str:
    return format_date(day) if day else ""
