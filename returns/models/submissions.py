"""What an owner sends in for a quarter and the coordinator reviews: an agency's return on an indicator, and
an update on a deliverable (an action of the plan).

Both go through the same states, locks, versions, history and access rules (`Submission`), so the
workflow (`returns.workflow`), reminders, the dashboard and the review queue treat them alike. Which
states count, which are outstanding and whether an owner may still change one are decided here, once.
An item with no agency belongs to the partnership's coordinators: they write it until an owner is named.
"""

import re

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from csp import roles
from csp.models import Membership
from indicators.kinds import MilestoneStatus, Rag
from indicators.quarters import Quarter
from returns.models.periods import periods_up_to

BLANK = r"^\s*$"
"""Text of only spaces and line breaks: an escalation like that is no escalation."""
COMMENTARY_MAX_LENGTH = 4000
ESCALATION_MAX_LENGTH = 1500
UPDATE_MAX_LENGTH = 2000
"""An explanation, a recovery plan, an action's progress or next steps."""
COORDINATOR = "CSP coordinator"
"""Who owns an item with no agency."""


class ReturnState(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned"
    APPROVED = "approved", "Approved"

    @classmethod
    def received(cls) -> tuple["ReturnState", ...]:
        """Submitted or approved: what figures, the report and the dashboard count."""
        return (cls.SUBMITTED, cls.APPROVED)

    @classmethod
    def outstanding(cls) -> tuple["ReturnState", ...]:
        """Still with the owner (not started, draft, sent back): what reminders chase and owners edit."""
        return (cls.NOT_STARTED, cls.DRAFT, cls.RETURNED)


class SubmissionQuerySet(models.QuerySet):
    def for_user(self, user) -> "SubmissionQuerySet":
        """Every item the user may see: all of the partnerships they coordinate, and their own agencies'."""
        if not user.is_authenticated:
            return self.none()
        coordinated = roles.partnership_ids(user, roles.COORDINATOR)
        own_agencies = Membership.objects.filter(user=user).values("agency_id")
        return self.filter(
            models.Q(period__plan_year__partnership_id__in=coordinated) | models.Q(agency_id__in=own_agencies)
        )

    def received(self) -> "SubmissionQuerySet":
        return self.filter(state__in=ReturnState.received())

    def outstanding(self) -> "SubmissionQuerySet":
        return self.filter(state__in=ReturnState.outstanding())


class Submission(models.Model):
    """The part a return and a deliverable update share: its quarter, its owner, its state in the workflow,
    the coordinator's reasons, and the version that refuses a save made from an older one."""

    partnership_path = "period__plan_year__partnership"
    noun = "item"
    """What people call it: "return", "update"."""

    period = models.ForeignKey("returns.ReportingPeriod", on_delete=models.CASCADE, related_name="%(class)ss")
    agency = models.ForeignKey(
        "csp.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(class)ss",
        help_text="Blank: the partnership's coordinators write it until an owner is named.",
    )
    state = models.CharField(max_length=12, choices=ReturnState, default=ReturnState.NOT_STARTED)
    returned_reason = models.TextField("reason for sending back", blank=True)
    reopened_reason = models.TextField("reason for re-opening", blank=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Raised by every save, to refuse lost updates."
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def choice(self) -> str:
        """How a form's box names it among returns and updates: "return-12", "update-5"."""
        return f"{self.noun}-{self.pk}"

    @property
    def owner_name(self) -> str:
        return self.agency.name if self.agency_id else COORDINATOR

    @property
    def partnership_id(self) -> int:
        return self.period.plan_year.partnership_id

    def officer_edit_refusal(self) -> str:
        """Why its owners may not change it now, or "" if they may: the period is open (or a coordinator
        re-opened this one after closing the period), and it is still with them."""
        if not (self.period.is_open or self.reopened_reason):
            return f"This period is closed: {self.noun}s can no longer be changed."
        if self.state not in ReturnState.outstanding():
            return f"This {self.noun} is {self.get_state_display().lower()} and can no longer be changed."
        return ""

    @property
    def is_editable_by_officer(self) -> bool:
        return not self.officer_edit_refusal()

    @property
    def is_received(self) -> bool:
        return self.state in ReturnState.received()

    @property
    def is_outstanding(self) -> bool:
        return self.state in ReturnState.outstanding()

    def missing_for_submission(self) -> dict[str, str]:
        """What must be filled in before it can be submitted: field name (or "") to a message."""
        raise NotImplementedError


class ReturnQuerySet(SubmissionQuerySet):
    def escalated(self) -> "ReturnQuerySet":
        return self.exclude(escalation__regex=BLANK)


class Return(Submission):
    """One agency's submission for one indicator in one period (or the coordinators', for an indicator
    with no responsible agency)."""

    noun = "return"

    indicator = models.ForeignKey("indicators.Indicator", on_delete=models.CASCADE, related_name="returns")
    nothing_to_report = models.BooleanField("nothing to report this quarter", default=False)
    commentary = models.TextField("update for the board", blank=True, max_length=COMMENTARY_MAX_LENGTH)
    escalation = models.TextField(
        "points to escalate to the board", blank=True, max_length=ESCALATION_MAX_LENGTH
    )
    agency_rating = models.CharField("agency's own rating", max_length=8, choices=Rag, blank=True)
    # For a red or amber result, however it was rated: the report's exceptions print these.
    why = models.TextField("why it is red or amber", blank=True, max_length=UPDATE_MAX_LENGTH)
    recovery = models.TextField("what is being done to recover", blank=True, max_length=UPDATE_MAX_LENGTH)
    back_on_track_by = models.DateField("expected back on track by", null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ReturnQuerySet.as_manager()

    class Meta:
        ordering = ["period", "indicator__priority__order", "indicator__order", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["period", "indicator", "agency"], name="one_return_per_agency"),
            models.UniqueConstraint(
                fields=["period", "indicator"],
                condition=models.Q(agency__isnull=True),
                name="one_coordinators_return",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} by {self.owner_name} for {self.period}"

    def get_absolute_url(self) -> str:
        slug = self.period.plan_year.partnership.slug
        return reverse("return", kwargs={"partnership": slug, "return_id": self.pk})

    @property
    def title(self) -> str:
        return self.indicator.code

    @property
    def description(self) -> str:
        return self.indicator.text

    @property
    def plan_order(self) -> tuple[int, int]:
        """Where it comes in the printed plan."""
        return (self.indicator.priority.order, self.indicator.order)

    @property
    def is_escalated(self) -> bool:
        return not re.match(BLANK, self.escalation)

    def supplied_measures(self):
        """The indicator's measures this return's owner supplies (the coordinators: those with no
        supplier)."""
        return self.indicator.measures.filter(supplier_id=self.agency_id).order_by("order")

    def missing_for_submission(
        self, observations: dict | None = None, rating: Rag | None = None
    ) -> dict[str, str]:
        """What must be filled in before it can be submitted, by field name. `observations` are its figures
        by measure id (the stored ones if None: a form passes what was typed); `rating` is its result as
        rated (`returns.figures.result_rating`): a red or amber one, however rated, needs why, what is
        being done and when it will be back on track, which the report's exceptions print."""
        from indicators.fields import measure_field_names

        problems: dict[str, str] = {}
        if self.nothing_to_report:
            return problems  # an explicit answer: nothing more is needed
        if observations is None:
            observations = {f.measure_id: f.observation() for f in self.figures.all()}
        for measure in self.supplied_measures():
            observation = observations.get(measure.pk)
            if observation is None or not _has_value(observation):
                problems[measure_field_names(measure)[0]] = (
                    f"Enter a figure for “{measure.name}”, or tick “Nothing to report this quarter”."
                )
        if not self.commentary.strip():
            problems["commentary"] = f"Enter an update for the {self.period.plan_year.partnership.board}."
        if rating in (Rag.RED, Rag.AMBER):
            if not self.why.strip():
                problems["why"] = f"Say why the result is {Rag(rating).value}."
            if not self.recovery.strip():
                problems["recovery"] = "Say what is being done to bring it back on track."
            if self.back_on_track_by is None:
                problems["back_on_track_by"] = "Give the date it is expected to be back on track."
        return problems


def _has_value(observation) -> bool:
    if observation.status:
        return observation.status in MilestoneStatus.values
    if observation.numerator is not None or observation.denominator is not None:
        return observation.numerator is not None and observation.denominator is not None
    return observation.value is not None


class DeliveryStatus(models.TextChoices):
    """How an action of the plan stands, each with the plain definition the update form shows."""

    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    COMPLETED = "completed", "Completed"
    DEFERRED = "deferred", "Deferred or stopped"

    @classmethod
    def needing_recovery(cls) -> tuple["DeliveryStatus", ...]:
        """Statuses that need why, what is being done, and when it will be back on track."""
        return (cls.AT_RISK, cls.OFF_TRACK)


STATUS_DEFINITIONS = {
    DeliveryStatus.NOT_STARTED: "Work has not begun yet, and was not due to.",
    DeliveryStatus.ON_TRACK: "Work is under way as planned and will be finished by its due date.",
    DeliveryStatus.AT_RISK: "Behind plan or facing a problem that may stop it finishing on time; "
    "action is being taken to recover.",
    DeliveryStatus.OFF_TRACK: "Will not be finished on time or as planned unless something changes.",
    DeliveryStatus.COMPLETED: "Finished. Give the date it was finished.",
    DeliveryStatus.DEFERRED: "Put off to a later plan, or stopped. Say why in what happens next.",
}
STATUS_RAG = {
    DeliveryStatus.ON_TRACK: Rag.GREEN,
    DeliveryStatus.COMPLETED: Rag.GREEN,
    DeliveryStatus.AT_RISK: Rag.AMBER,
    DeliveryStatus.OFF_TRACK: Rag.RED,
}
"""The colour a status is printed in; Not started and Deferred carry none."""


class DeliverableUpdateQuerySet(SubmissionQuerySet):
    def latest_received(self, plan_year_id: int, *, up_to: Quarter) -> dict[int, "DeliverableUpdate"]:
        """The latest received update on each deliverable of the plan up to and including the quarter
        `up_to`, by deliverable id: how each action stood at its end. One query."""
        updates = (
            self.filter(periods_up_to(up_to), period__plan_year_id=plan_year_id)
            .received()
            .select_related("period__plan_year")
            .order_by("period__year", "period__number")
        )
        return {update.deliverable_id: update for update in updates}


class DeliverableUpdate(Submission):
    """The owner's word on one deliverable (an action of the plan) for one quarter."""

    noun = "update"

    deliverable = models.ForeignKey("themes.Deliverable", on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=12, choices=DeliveryStatus, blank=True)
    progress = models.TextField("what was done this quarter", blank=True, max_length=UPDATE_MAX_LENGTH)
    next_steps = models.TextField("what happens next", blank=True, max_length=UPDATE_MAX_LENGTH)
    why = models.TextField("why it is at risk or off track", blank=True, max_length=UPDATE_MAX_LENGTH)
    recovery = models.TextField("what is being done to recover", blank=True, max_length=UPDATE_MAX_LENGTH)
    back_on_track_by = models.DateField("expected back on track by", null=True, blank=True)
    completed_on = models.DateField("completed on", null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = DeliverableUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["period", "deliverable__priority__order", "deliverable__order"]
        constraints = [
            models.UniqueConstraint(fields=["period", "deliverable"], name="one_update_per_deliverable"),
        ]

    def __str__(self) -> str:
        return f"{self.deliverable.label} by {self.owner_name} for {self.period}"

    def get_absolute_url(self) -> str:
        slug = self.period.plan_year.partnership.slug
        return reverse("update", kwargs={"partnership": slug, "update_id": self.pk})

    @property
    def title(self) -> str:
        return self.deliverable.label

    @property
    def description(self) -> str:
        return self.deliverable.text

    @property
    def plan_order(self) -> tuple[int, int]:
        return (self.deliverable.priority.order, self.deliverable.order)

    @property
    def rag(self) -> Rag:
        return STATUS_RAG.get(self.status, Rag.NO_RATING) if self.status else Rag.NO_RATING

    def missing_for_submission(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        if not self.status:
            problems["status"] = "Choose how the action stands."
        if not self.progress.strip():
            problems["progress"] = "Say what was done this quarter."
        if self.status in DeliveryStatus.needing_recovery():
            if not self.why.strip():
                problems["why"] = "Say why the action is at risk or off track."
            if not self.recovery.strip():
                problems["recovery"] = "Say what is being done to bring it back on track."
            if self.back_on_track_by is None:
                problems["back_on_track_by"] = "Give the date it is expected to be back on track."
        if self.status == DeliveryStatus.COMPLETED and self.completed_on is None:
            problems["completed_on"] = "Give the date the action was completed."
        if self.status != DeliveryStatus.COMPLETED and not self.next_steps.strip():
            problems["next_steps"] = "Say what happens next."
        return problems
