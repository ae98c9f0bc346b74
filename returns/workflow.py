"""The quarterly-returns workflow. Each transition is one function, one transaction, recorded in history.

Transitions lock the return's row (and read the period inside the same transaction), so "is the period
still open?" and the write happen together. Saves also carry the version the user started from: a save
made from an older version is refused rather than silently overwriting somebody else's work.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from django.db import transaction
from django.db.models import Exists, FilteredRelation, OuterRef, Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from csp import audit, roles
from csp.models import Membership
from indicators.kinds import MilestoneStatus, Rag
from indicators.models import Measure
from returns import notifications
from returns.models import Figure, Return, ReturnState


class WorkflowError(Exception):
    """A transition that is not allowed now; the message is shown to the user as it is."""


class StaleReturn(WorkflowError):
    def __init__(self, current: Return):
        super().__init__(
            "Someone else saved this return while you were editing it. Their version is shown below; "
            "your changes have not been saved, and what you typed is kept in the form so you can re-apply it."
        )
        self.current = current


@dataclass
class ReturnContent:
    """What an officer enters on a return: already validated by the form."""

    commentary: str = ""
    escalation: str = ""
    agency_rating: str = ""
    nothing_to_report: bool = False
    figures: dict[int, dict[str, Decimal | str | None]] = field(default_factory=dict)
    """Measure id -> {"value"|"numerator"|"denominator"|"status": ...}."""


def _locked(ret: Return, user) -> Return:
    """The return as it stands, its row locked (only its row), read with what a page shows of it and
    whether `user` is one of its agency's officers: one query."""
    return (
        Return.objects.select_for_update(of=("self",))
        .select_related("period__plan_year__partnership", "indicator__priority", "agency")
        .annotate(
            by_member=Exists(Membership.objects.filter(agency_id=OuterRef("agency_id"), user_id=user.pk))
        )
        .get(pk=ret.pk)
    )


def _may_officer_write(ret: Return, user) -> None:
    if refusal := ret.officer_edit_refusal():
        raise WorkflowError(refusal)
    if not (roles.is_coordinator(user) or ret.by_member):
        raise WorkflowError("Only the agency's officers can change this return.")


def _record(ret: Return, user, reason: str) -> None:
    ret.version += 1
    ret.updated_by = user
    ret._change_reason = audit.history_reason(ret, reason)
    ret._history_user = user
    ret.save()


def save_draft(ret: Return, user, content: ReturnContent, *, version: int) -> Return:
    """Save what the officer typed, without submitting it. The return comes back with `figures_as_saved`,
    its figures as they now stand, so the page that follows need not read them again."""
    with transaction.atomic():
        current = _locked(ret, user)
        _may_officer_write(current, user)
        if current.version != version:
            raise StaleReturn(current)
        current.commentary = content.commentary
        current.escalation = content.escalation
        current.agency_rating = content.agency_rating
        current.nothing_to_report = content.nothing_to_report
        if current.state == ReturnState.NOT_STARTED:
            current.state = ReturnState.DRAFT
        current.figures_as_saved = _write_figures(current, user, content.figures)
        _record(current, user, "Draft saved")
    return current


FIGURE_PARTS = ("value", "numerator", "denominator", "status")


def _write_figures(ret: Return, user, figures: dict[int, dict]) -> list[Figure]:
    """Write the figures that changed, for the measures this return's agency supplies (any other measure
    named is ignored), with their history: one query reads them, at most four write them, however many
    measures the return has. Returns the return's figures as they now stand."""
    quarter = ret.period.quarter
    stored = _stored_figures(ret)
    changed, new = [], []
    for measure_id, values in figures.items():
        if measure_id not in stored:
            continue
        parts = {part: values.get(part) for part in FIGURE_PARTS} | {"status": values.get("status") or ""}
        figure = stored[measure_id]
        if figure is None:
            new.append(
                Figure(measure_id=measure_id, year=quarter.year, number=quarter.number, ret=ret, **parts)
            )
        elif any(getattr(figure, part) != value for part, value in parts.items()):
            for part, value in parts.items():
                setattr(figure, part, value)
            changed.append(figure)
    if changed:
        bulk_update_with_history(changed, Figure, FIGURE_PARTS, default_user=user)
    if new:
        bulk_create_with_history(new, Figure, default_user=user)
    return [figure for figure in stored.values() if figure is not None] + new


def _stored_figures(ret: Return) -> dict[int, Figure | None]:
    """Each measure the return's agency supplies, with the return's figure for it (None if there is none
    yet), read in one query."""
    columns = ("year", "number", *FIGURE_PARTS)
    rows = (
        supplied_measures(ret)
        .annotate(stored=FilteredRelation("figures", condition=Q(figures__ret=ret)))
        .values_list("pk", "stored__id", *(f"stored__{column}" for column in columns))
    )
    stored: dict[int, Figure | None] = {}
    for measure_id, figure_id, *values in rows:
        figure = None
        if figure_id is not None:
            figure = Figure(
                id=figure_id, measure_id=measure_id, ret=ret, **dict(zip(columns, values, strict=True))
            )
        stored[measure_id] = figure
    return stored


def supplied_measures(ret: Return):
    """The indicator's measures this return's agency supplies."""
    return Measure.objects.filter(indicator_id=ret.indicator_id, supplier_id=ret.agency_id).order_by("order")


def missing_for_submission(ret: Return) -> list[str]:
    """What must be filled in before the return can be submitted, in plain English."""
    problems = []
    if ret.nothing_to_report:
        return problems
    figures = {f.measure_id: f for f in Figure.objects.filter(ret=ret)}
    for measure in supplied_measures(ret):
        figure = figures.get(measure.pk)
        observation = figure.observation() if figure else None
        if observation is None or not _has_value(observation):
            problems.append(f"Enter a figure for “{measure.name}”, or tick “Nothing to report this quarter”.")
    if not ret.commentary.strip():
        problems.append("Enter an update for the SEG.")
    if ret.agency_rating in (Rag.RED, Rag.AMBER) and not ret.commentary.strip():
        problems.append("Explain a red or amber rating in the update for the SEG.")
    return problems


def _has_value(observation) -> bool:
    if observation.status:
        return observation.status in MilestoneStatus.values
    if observation.numerator is not None or observation.denominator is not None:
        return observation.numerator is not None and observation.denominator is not None
    return observation.value is not None


def submit_return(ret: Return, user, *, version: int) -> Return:
    with transaction.atomic():
        current = _locked(ret, user)
        _may_officer_write(current, user)
        if current.version != version:
            raise StaleReturn(current)
        problems = missing_for_submission(current)
        if problems:
            raise WorkflowError(" ".join(problems))
        current.state = ReturnState.SUBMITTED
        current.submitted_at = timezone.now()
        _record(current, user, "Submitted")
        # After commit, so nobody is told of a submission that was rolled back; robust, so a mail
        # server's failure is logged rather than turned into an error for the officer who submitted.
        transaction.on_commit(
            partial(notifications.email_if_agency_complete, current.period_id, current.agency_id), robust=True
        )
    return current


def coordinator_only(user) -> None:
    if not roles.is_coordinator(user):
        raise WorkflowError("Only a CSP coordinator can do this.")


def approve_return(ret: Return, user) -> Return:
    coordinator_only(user)
    with transaction.atomic():
        current = _locked(ret, user)
        if current.state != ReturnState.SUBMITTED:
            raise WorkflowError("Only a submitted return can be approved.")
        current.state = ReturnState.APPROVED
        current.returned_reason = ""
        current.reopened_reason = ""
        _record(current, user, "Approved")
    return current


def send_back(ret: Return, user, reason: str) -> Return:
    coordinator_only(user)
    reason = reason.strip()
    if not reason:
        raise WorkflowError("Say why the return is being sent back, so the officer knows what to fix.")
    with transaction.atomic():
        current = _locked(ret, user)
        if current.state != ReturnState.SUBMITTED:
            raise WorkflowError("Only a submitted return can be sent back.")
        if not (current.period.is_open or current.reopened_reason):
            raise WorkflowError(
                "This period is closed, so the agency could not change the return: re-open it instead, "
                "with a reason."
            )
        current.state = ReturnState.RETURNED
        current.returned_reason = reason
        _record(current, user, f"Sent back: {reason}")
        transaction.on_commit(partial(notifications.email_sent_back, current.pk), robust=True)
    return current


def reopen_return(ret: Return, user, reason: str) -> Return:
    """A coordinator lets one return be changed again, even in a closed period; the reason is kept."""
    coordinator_only(user)
    reason = reason.strip()
    if not reason:
        raise WorkflowError("Say why the return is being re-opened: the reason is kept in its history.")
    with transaction.atomic():
        current = _locked(ret, user)
        if not current.is_received:
            raise WorkflowError("Only a submitted or approved return can be re-opened.")
        current.state = ReturnState.RETURNED
        current.returned_reason = reason
        current.reopened_reason = reason
        _record(current, user, f"Re-opened: {reason}")
    return current
