"""The workflow of returns and deliverable updates. Each transition is one function, one transaction,
recorded in history, and the same for both kinds of `Submission`.

Transitions lock the item's row (and read the period inside the same transaction), so "is the period
still open?" and the write happen together. Saves also carry the version the user started from: a save
made from an older version is refused rather than silently overwriting somebody else's work.
"""

from copy import copy
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from csp import audit, roles
from csp.models import Membership
from indicators.calculations import Observation
from indicators.kinds import Rag
from returns import notifications
from returns.figures import FIGURE_PARTS, measures_and_figures, rating_as_saved
from returns.models import DeliverableUpdate, Figure, Return, ReturnState, Submission


class WorkflowError(Exception):
    """A transition that is not allowed now; the message is shown to the user as it is. `problems` maps
    a field's name to what is wrong with it, where the refusal is about fields."""

    def __init__(self, message: str, problems: dict[str, str] | None = None):
        super().__init__(message)
        self.problems = problems or {}


class StaleReturn(WorkflowError):
    def __init__(self, current: Submission):
        super().__init__(
            f"Someone else saved this {current.noun} while you were editing it. Their version is shown "
            "below; your changes have not been saved, and what you typed is kept in the form so you can "
            "re-apply it."
        )
        self.current = current


@dataclass
class ReturnContent:
    """What an officer enters on a return: already validated by the form."""

    commentary: str = ""
    escalation: str = ""
    agency_rating: str = ""
    nothing_to_report: bool = False
    why: str = ""
    recovery: str = ""
    back_on_track_by: date | None = None
    figures: dict[int, dict[str, Decimal | str | None]] = field(default_factory=dict)
    """Measure id -> {"value"|"numerator"|"denominator"|"status"|"benchmark": ...}."""
    stored: dict[int, Figure | None] | None = None
    """The return's figures by measure id as the page read them, if it did: the save then reads them
    no more. Safe, because only a save changes a return's figures and every save raises the version,
    which the save checks under the row's lock: if it matches, these are still the figures stored."""

    def apply_answers(self, ret: Return) -> None:
        """Everything but the figures, onto `ret` (unsaved)."""
        ret.commentary = self.commentary
        ret.escalation = self.escalation
        ret.agency_rating = self.agency_rating
        ret.nothing_to_report = self.nothing_to_report
        ret.why, ret.recovery, ret.back_on_track_by = self.why, self.recovery, self.back_on_track_by

    def observations(self) -> dict[int, Observation]:
        """The figures as observations, by measure id, to rate them before they are saved."""
        return {
            pk: Observation(
                v.get("value"),
                v.get("numerator"),
                v.get("denominator"),
                v.get("status") or None,
                v.get("benchmark"),
            )
            for pk, v in self.figures.items()
        }

    def result(self, ret: Return, *, today: date) -> tuple[Return, Rag]:
        """`ret` as these answers would leave it (not saved), and its result as the report would rate it."""
        candidate = copy(ret)
        self.apply_answers(candidate)
        return candidate, rating_as_saved(candidate, today=today, typed=self.observations())

    def apply_to(self, ret: Return, user) -> None:
        self.apply_answers(ret)
        ret.figures_as_saved = _write_figures(ret, user, self.figures, self.stored)


@dataclass
class UpdateContent:
    """What an owner enters on a deliverable update: already validated by the form."""

    status: str = ""
    progress: str = ""
    next_steps: str = ""
    why: str = ""
    recovery: str = ""
    back_on_track_by: date | None = None
    completed_on: date | None = None

    def apply_to(self, update: DeliverableUpdate, user) -> None:
        for name, value in self.__dict__.items():
            setattr(update, name, value)


def _locked(item: Submission, user) -> Submission:
    """The item as it stands, its row locked (only its row), read with what a page shows of it and
    whether `user` is one of its owner's officers: one query."""
    plan_item = "indicator" if isinstance(item, Return) else "deliverable"
    return (
        type(item)
        .objects.select_for_update(of=("self",))
        .select_related("period__plan_year__partnership", f"{plan_item}__priority", "agency")
        .annotate(
            by_member=Exists(Membership.objects.filter(agency_id=OuterRef("agency_id"), user_id=user.pk))
        )
        .get(pk=item.pk)
    )


def _may_owner_write(item: Submission, user) -> None:
    if refusal := item.officer_edit_refusal():
        raise WorkflowError(refusal)
    if roles.is_coordinator(user, item.partnership_id):
        return
    if item.agency_id is None or not item.by_member:
        raise WorkflowError(f"Only the officers of the agency that owns this {item.noun} can change it.")


def _record(item: Submission, user, reason: str) -> None:
    item.version += 1
    item.updated_by = user
    item._change_reason = audit.history_reason(item, reason)
    item._history_user = user
    item.save()


def save_draft(item: Submission, user, content, *, version: int) -> Submission:
    """Save what the owner typed (`ReturnContent` or `UpdateContent`), without submitting it. A return
    comes back with `figures_as_saved`, its figures as they now stand, so the page that follows need not
    read them again."""
    with transaction.atomic():
        current = _locked(item, user)
        _may_owner_write(current, user)
        if current.version != version:
            raise StaleReturn(current)
        content.apply_to(current, user)
        if current.state == ReturnState.NOT_STARTED:
            current.state = ReturnState.DRAFT
        _record(current, user, "Draft saved")
    return current


def save_and_submit(item: Submission, user, content, *, version: int) -> Submission:
    """Save what the owner typed and submit it, together: a refused submit writes nothing, so the item
    stays as it was (the page keeps what was typed in its form)."""
    with transaction.atomic():
        saved = save_draft(item, user, content, version=version)
        return submit(saved, user, version=saved.version)


def _write_figures(
    ret: Return, user, figures: dict[int, dict], stored: dict[int, Figure | None] | None
) -> list[Figure]:
    """Write the figures that changed, for the measures this return's owner supplies (any other measure
    named is ignored), with their history: at most four queries write them, however many measures the
    return has, and one reads them unless the page read them already (`stored`). Returns the return's
    figures as they now stand."""
    quarter = ret.period.quarter
    if stored is None:
        stored = {measure.pk: figure for measure, figure in measures_and_figures(ret)}
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


def submit(item: Submission, user, *, version: int) -> Submission:
    with transaction.atomic():
        current = _locked(item, user)
        _may_owner_write(current, user)
        if current.version != version:
            raise StaleReturn(current)
        if problems := missing_to_submit(current):
            raise WorkflowError(" ".join(problems.values()), problems)
        current.state = ReturnState.SUBMITTED
        current.submitted_at = timezone.now()
        _record(current, user, "Submitted")
        # After commit, so nobody is told of a submission that was rolled back; robust, so a mail
        # server's failure is logged rather than turned into an error for the officer who submitted.
        if current.agency_id is not None:
            transaction.on_commit(
                partial(notifications.email_if_agency_complete, current.period_id, current.agency_id),
                robust=True,
            )
    return current


def missing_to_submit(item: Submission) -> dict[str, str]:
    """What the item lacks to be submitted; a return's result is rated first, as the report will rate it
    today, since a red or amber one needs more."""
    if isinstance(item, Return):
        return item.missing_for_submission(rating=rating_as_saved(item, today=timezone.localdate()))
    return item.missing_for_submission()


def coordinator_only(user, partnership_id: int) -> None:
    if not roles.is_coordinator(user, partnership_id):
        raise WorkflowError("Only a coordinator of this partnership can do this.")


def approve(item: Submission, user, *, version: int | None = None) -> Submission:
    """Approve a submitted item; with `version`, only the version the coordinator read (a list of several
    is approved as it was read, not as it may have been resubmitted since)."""
    coordinator_only(user, item.partnership_id)
    with transaction.atomic():
        current = _locked(item, user)
        if current.state != ReturnState.SUBMITTED:
            raise WorkflowError(f"Only a submitted {current.noun} can be approved.")
        if version is not None and current.version != version:
            raise WorkflowError(f"This {current.noun} was submitted again after you read it.")
        current.state = ReturnState.APPROVED
        current.returned_reason = ""
        current.reopened_reason = ""
        _record(current, user, "Approved")
    return current


def send_back(item: Submission, user, reason: str) -> Submission:
    coordinator_only(user, item.partnership_id)
    reason = reason.strip()
    if not reason:
        raise WorkflowError(
            f"Say why the {item.noun} is being sent back, so its owner knows what to fix.",
            {"reason": f"Say why the {item.noun} is being sent back."},
        )
    with transaction.atomic():
        current = _locked(item, user)
        if current.state != ReturnState.SUBMITTED:
            raise WorkflowError(f"Only a submitted {current.noun} can be sent back.")
        if not (current.period.is_open or current.reopened_reason):
            raise WorkflowError(
                f"This period is closed, so its owner could not change the {current.noun}: re-open it "
                "instead, with a reason."
            )
        current.state = ReturnState.RETURNED
        current.returned_reason = reason
        _record(current, user, f"Sent back: {reason}")
        transaction.on_commit(partial(notifications.email_sent_back, type(current), current.pk), robust=True)
    return current


def reopen(item: Submission, user, reason: str) -> Submission:
    """A coordinator lets one item be changed again, even in a closed period; the reason is kept."""
    coordinator_only(user, item.partnership_id)
    reason = reason.strip()
    if not reason:
        raise WorkflowError(
            f"Say why the {item.noun} is being re-opened: the reason is kept in its history.",
            {"reason": f"Say why the {item.noun} is being re-opened."},
        )
    with transaction.atomic():
        current = _locked(item, user)
        if not current.is_received:
            raise WorkflowError(f"Only a submitted or approved {current.noun} can be re-opened.")
        current.state = ReturnState.RETURNED
        current.returned_reason = reason
        current.reopened_reason = reason
        _record(current, user, f"Re-opened: {reason}")
    return current
