"""Reminding officers of outstanding returns: before the deadline, after it, and when the coordinator asks.

Each officer gets one email per run listing everything of theirs still outstanding, grouped by
partnership, never one email per return or per partnership. A scheduled reminder is sent once per
officer, period and kind: the record of it is written in the same transaction as the email is sent,
under a unique constraint, so running the command twice (or twice at once) sends nothing the second
time, and a failed send leaves no record and is retried.

Today's date is always passed in: `send_reminders(today=...)`.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction

from csp.emails import reachable
from csp.models import Agency, Membership
from returns import notifications
from returns.models import (
    SUBMISSIONS,
    DeliverableUpdate,
    PeriodState,
    ReminderKind,
    ReminderSent,
    ReportingPeriod,
    Return,
)

logger = logging.getLogger(__name__)


class ReminderError(Exception):
    """A reminder that cannot be sent; the message is shown to the coordinator as it is."""


def kind_due(
    period: ReportingPeriod, today: date, *, days_before: int, days_after: int
) -> ReminderKind | None:
    """Which scheduled reminder is due today for the period, if any.

    The before-reminder is due from `days_before` days ahead up to the deadline day itself, and the late one
    from `days_after` days after it (at least the day after): a window rather than one exact day, so a
    missed cron run, or a period opened late, still sends each reminder once.
    """
    deadline = period.deadline
    if period.is_past_deadline(today):
        return ReminderKind.LATE if today >= deadline + timedelta(days=max(days_after, 1)) else None
    if today >= deadline - timedelta(days=days_before):
        return ReminderKind.BEFORE
    return None


def outstanding_by_officer(period: ReportingPeriod, agency: Agency | None = None) -> list[tuple]:
    """(officer, [their outstanding returns and updates]) for each officer who can be emailed, in a stable
    order."""
    by_agency: dict[int, list] = defaultdict(list)
    for model, parent in ((Return, "indicator"), (DeliverableUpdate, "deliverable")):
        items = model.objects.filter(period=period, agency__isnull=False).outstanding()
        if agency is not None:
            items = items.filter(agency=agency)
        for item in items.select_related(f"{parent}__priority", "agency"):
            by_agency[item.agency_id].append(item)
    memberships = Membership.objects.filter(agency_id__in=list(by_agency)).select_related("user")
    items_of: dict[int, list] = defaultdict(list)
    for membership in memberships:
        items_of[membership.user_id].extend(by_agency[membership.agency_id])
    officers = reachable(m.user for m in memberships)
    return [(officer, items_of[officer.pk]) for officer in officers]


@dataclass
class RunReport:
    """What a run did: who was reminded of what, and whose email failed (to be retried next run)."""

    sent: list[ReminderSent] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _claim_and_send(officer, due: list[notifications.Due], today, *, agency=None, sent_by=None):
    """Record each reminder and send them as one email, in one transaction: a reminder another run has
    recorded meanwhile is left out (the database refuses the second record), and if the email fails no
    record is kept, so the next run tries again. The records kept, in the order of `due`."""
    with transaction.atomic():
        records, claimed = [], []
        for item in due:
            try:
                with transaction.atomic():
                    records.append(
                        ReminderSent.objects.create(
                            period=item.period,
                            user=officer,
                            kind=item.kind,
                            agency=agency,
                            sent_by=sent_by,
                            returns_listed=len(item.items),
                        )
                    )
            except IntegrityError:
                continue
            claimed.append(item)
        if claimed:
            notifications.send_reminder(officer, claimed, today)
    return records


def send_reminders(
    today: date, *, days_before: int | None = None, days_after: int | None = None
) -> RunReport:
    """Send the scheduled reminders due today for every open period: one email per officer, listing what
    they have outstanding in every partnership whose reminder is due. Safe to run as often as you like."""
    days_before = settings.CSP_REMINDER_DAYS_BEFORE if days_before is None else days_before
    days_after = settings.CSP_LATE_REMINDER_DAYS_AFTER if days_after is None else days_after
    report = RunReport()
    due: dict[int, tuple[object, list[notifications.Due]]] = {}
    periods = ReportingPeriod.objects.filter(state=PeriodState.OPEN).select_related("plan_year__partnership")
    for period in periods.order_by("plan_year__partnership__name", "year", "number"):
        kind = kind_due(period, today, days_before=days_before, days_after=days_after)
        if kind is None:
            continue
        already = set(ReminderSent.objects.filter(period=period, kind=kind).values_list("user_id", flat=True))
        for officer, returns in outstanding_by_officer(period):
            if officer.pk not in already:
                due.setdefault(officer.pk, (officer, []))[1].append(notifications.Due(period, kind, returns))
    for officer, items in due.values():
        try:
            report.sent += _claim_and_send(officer, items, today)
        except Exception:  # one officer's mail failing must not stop the others'
            logger.exception("Could not send the reminder to %s", officer)
            what = "; ".join(f"{item.period.quarter.short_label}, {item.kind}" for item in items)
            report.failed.append(f"{officer.get_username()} ({what})")
    return report


def remind_agency(period: ReportingPeriod, agency: Agency, sent_by, today: date) -> list[ReminderSent]:
    """The coordinator's reminder to one agency's officers about that agency's outstanding returns."""
    if period.state != PeriodState.OPEN:
        raise ReminderError("Reminders can only be sent while the period is open.")
    outstanding = outstanding_by_officer(period, agency=agency)
    if not outstanding:
        if not any(
            m.objects.filter(period=period, agency=agency).outstanding().exists() for m in SUBMISSIONS
        ):
            raise ReminderError(f"{agency.name} has nothing outstanding for this period.")
        raise ReminderError(
            f"{agency.name} has no officer with an email address to remind: "
            "an administrator can add one in the admin."
        )
    sent = []
    for officer, returns in outstanding:
        item = notifications.Due(period, ReminderKind.BY_COORDINATOR, returns)
        try:
            sent += _claim_and_send(officer, [item], today, agency=agency, sent_by=sent_by)
        except Exception as error:
            logger.exception("Could not send the coordinator's reminder for %s to %s", period, officer)
            raise ReminderError(
                f"The email to {officer.get_username()} could not be sent ({error.__class__.__name__}); "
                f"{len(sent)} of {len(outstanding)} officers were reminded. Try again later."
            ) from error
    return sent
