"""Reminding officers of outstanding returns: before the deadline, after it, and when the coordinator asks.

Each officer gets one email per reminder listing everything of theirs still outstanding in the period, never
one email per return. A scheduled reminder is sent once per officer, period and kind: the record of it is
written in the same transaction as the email is sent, under a unique constraint, so running the command
twice (or twice at once) sends nothing the second time, and a failed send leaves no record and is retried.

Today's date is always passed in: `send_reminders(today=...)`.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction

from csp.models import Agency, Membership
from returns import notifications
from returns.models import PeriodState, ReminderKind, ReminderSent, ReportingPeriod, Return

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
    """(officer, [their outstanding returns]) for each officer who can be emailed, in a stable order."""
    returns = (
        Return.objects.filter(period=period).outstanding().select_related("indicator__priority", "agency")
    )
    if agency is not None:
        returns = returns.filter(agency=agency)
    by_agency: dict[int, list[Return]] = defaultdict(list)
    for ret in returns:
        by_agency[ret.agency_id].append(ret)
    memberships = Membership.objects.filter(agency_id__in=list(by_agency)).select_related("user")
    returns_of: dict[int, list[Return]] = defaultdict(list)
    for membership in memberships:
        returns_of[membership.user_id].extend(by_agency[membership.agency_id])
    officers = notifications.reachable(m.user for m in memberships)
    return [(officer, returns_of[officer.pk]) for officer in officers]


@dataclass
class RunReport:
    """What a run did: who was reminded of what, and whose email failed (to be retried next run)."""

    sent: list[ReminderSent] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _claim_and_send(
    period, officer, returns, kind, today, *, agency=None, sent_by=None
) -> ReminderSent | None:
    """Record the reminder and send it in one transaction; None if another run already recorded it."""
    try:
        with transaction.atomic():
            record = ReminderSent.objects.create(
                period=period,
                user=officer,
                kind=kind,
                agency=agency,
                sent_by=sent_by,
                returns_listed=len(returns),
            )
            notifications.send_reminder(officer, period, returns, kind, today)
    except IntegrityError:
        return None
    return record


def send_reminders(
    today: date, *, days_before: int | None = None, days_after: int | None = None
) -> RunReport:
    """Send the scheduled reminders due today for every open period. Safe to run as often as you like."""
    days_before = settings.CSP_REMINDER_DAYS_BEFORE if days_before is None else days_before
    days_after = settings.CSP_LATE_REMINDER_DAYS_AFTER if days_after is None else days_after
    report = RunReport()
    periods = ReportingPeriod.objects.filter(state=PeriodState.OPEN).select_related("plan_year__partnership")
    for period in periods:
        kind = kind_due(period, today, days_before=days_before, days_after=days_after)
        if kind is None:
            continue
        already = set(ReminderSent.objects.filter(period=period, kind=kind).values_list("user_id", flat=True))
        for officer, returns in outstanding_by_officer(period):
            if officer.pk in already:
                continue
            try:
                record = _claim_and_send(period, officer, returns, kind, today)
            except Exception:  # one officer's mail failing must not stop the others'
                logger.exception("Could not send the %s reminder for %s to %s", kind, period, officer)
                report.failed.append(f"{officer.get_username()} ({period.quarter.short_label}, {kind})")
                continue
            if record is not None:
                report.sent.append(record)
    return report


def remind_agency(period: ReportingPeriod, agency: Agency, sent_by, today: date) -> list[ReminderSent]:
    """The coordinator's reminder to one agency's officers about that agency's outstanding returns."""
    if period.state != PeriodState.OPEN:
        raise ReminderError("Reminders can only be sent while the period is open.")
    outstanding = outstanding_by_officer(period, agency=agency)
    if not outstanding:
        if not Return.objects.filter(period=period, agency=agency).outstanding().exists():
            raise ReminderError(f"{agency.name} has nothing outstanding for this period.")
        raise ReminderError(
            f"{agency.name} has no officer with an email address to remind: "
            "an administrator can add one in the admin."
        )
    sent = []
    for officer, returns in outstanding:
        try:
            record = _claim_and_send(
                period, officer, returns, ReminderKind.BY_COORDINATOR, today, agency=agency, sent_by=sent_by
            )
        except Exception as error:
            logger.exception("Could not send the coordinator's reminder for %s to %s", period, officer)
            raise ReminderError(
                f"The email to {officer.get_username()} could not be sent ({error.__class__.__name__}); "
                f"{len(sent)} of {len(outstanding)} officers were reminded. Try again later."
            ) from error
        if record is not None:
            sent.append(record)
    return sent
