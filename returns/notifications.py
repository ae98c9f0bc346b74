"""The emails of the quarter's work: reminders, a return or update sent back, an agency's items all in.

Plain text, short, one email per person (`csp.emails`), each with a link straight to where the work is.

The workflow calls these after its transaction commits (`transaction.on_commit` in returns.workflow),
so nobody is emailed about a change that was rolled back.
"""

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby

from django.core.mail import EmailMessage
from django.db.models import Count
from django.urls import reverse

from csp import roles
from csp.emails import absolute_url, message, officers_of, reachable, send
from csp.models import Agency
from indicators.formatting import format_date
from returns.models import (
    SUBMISSIONS,
    NotificationPreference,
    ReminderKind,
    ReportingPeriod,
    Return,
    ReturnState,
    Submission,
)

logger = logging.getLogger(__name__)


def returns_url() -> str:
    """The officer's list of their returns, across partnerships: where every reminder sends them."""
    return absolute_url(reverse("home"))


# --- Reminders ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    """One partnership's reminder for an officer: its period, the kind of reminder, what is outstanding."""

    period: ReportingPeriod
    kind: str
    items: Sequence[Submission]
    """Returns and action updates."""


def _count(items: Sequence[Submission]) -> str:
    """ "1 return", "2 action updates", "3 returns and 1 action update"."""
    returns = sum(1 for item in items if isinstance(item, Return))
    kinds = ((returns, "return"), (len(items) - returns, "action update"))
    return " and ".join(f"{n} {noun}{'' if n == 1 else 's'}" for n, noun in kinds if n)


def reminder_subject(due: Sequence[Due], today: date) -> str:
    everything = [each for item in due for each in item.items]
    count = _count(everything)
    late = [item for item in due if item.period.is_past_deadline(today)]
    if len(due) > 1:
        if len(late) == len(due):
            return f"Late: {count} for {len(due)} partnerships"
        next_deadline = min(item.period.deadline for item in due if item not in late)
        return f"Reminder: {count} for {len(due)} partnerships, the next due by {format_date(next_deadline)}"
    (item,) = due
    quarter = item.period.quarter.short_label
    deadline = format_date(item.period.deadline)
    if late:
        return f"Late: {count} for {quarter} {'was' if len(everything) == 1 else 'were'} due on {deadline}"
    if item.kind == ReminderKind.BY_COORDINATOR:
        return f"Reminder from the CSP coordinator: {count} for {quarter} due by {deadline}"
    return f"Reminder: {count} for {quarter} due by {deadline}"


def reminder_message(user, due: Sequence[Due], today: date) -> EmailMessage:
    """One officer's reminder: for each partnership, its quarter and deadline, and every return and action
    update of theirs still outstanding, by agency."""
    sections = []
    for item in sorted(due, key=lambda item: item.period.plan_year.partnership.name):
        ordered = sorted(item.items, key=lambda r: (r.agency.name, r.noun, r.plan_order))
        sections.append(
            {
                "partnership": item.period.plan_year.partnership.name,
                "period": item.period,
                "kind": item.kind,
                "late": item.period.is_past_deadline(today),
                "days_left": (item.period.deadline - today).days,
                "count": _count(item.items),
                "one": len(item.items) == 1,
                "groups": [(agency, list(rets)) for agency, rets in groupby(ordered, key=lambda r: r.agency)],
            }
        )
    context = {
        "sections": sections,
        "several": len(sections) > 1,
        "by_coordinator": any(item.kind == ReminderKind.BY_COORDINATOR for item in due),
        "link": returns_url(),
    }
    return message(user, reminder_subject(due, today), "emails/reminder.txt", context)


def send_reminder(user, due: Sequence[Due], today: date) -> None:
    send([reminder_message(user, due, today)])


# --- The workflow's notifications ---------------------------------------------------------------------


def email_sent_back(model: type[Submission], pk: int) -> int:
    """Tell the owner's officers that a return or update was sent back, and why. Returns how many were
    emailed (none for the coordinators' own items: they sent it back themselves)."""
    item = (
        model.objects.select_related("period__plan_year__partnership", "agency")
        .filter(pk=pk, state=ReturnState.RETURNED, agency__isnull=False)
        .first()
    )
    if item is None:  # changed again before this ran: nothing true to say
        return 0
    context = {
        "item": item,
        "period": item.period,
        "link": absolute_url(item.get_absolute_url()),
        "partnership": item.period.plan_year.partnership.name,
    }
    subject = f"Sent back: {item.title} for {item.period.quarter.short_label}"
    messages = [
        message(user, subject, "emails/sent_back.txt", context) for user in officers_of([item.agency_id])
    ]
    sent = send(messages)
    logger.info("Emailed %s officer(s) that %s %s was sent back", sent, item.noun, item.pk)
    return sent


def email_if_agency_complete(period_id: int, agency_id: int) -> int:
    """Tell coordinators who asked that an agency has now submitted everything it owes for a period: its
    returns and its deliverable updates."""
    states = Counter()
    for model in SUBMISSIONS:
        states.update(
            dict(
                model.objects.filter(period_id=period_id, agency_id=agency_id)
                .values_list("state")
                .annotate(n=Count("pk"))
                .order_by()
            )
        )
    if not states or any(states.get(state) for state in ReturnState.outstanding()):
        return 0
    period = ReportingPeriod.objects.select_related("plan_year__partnership").get(pk=period_id)
    wanted = NotificationPreference.objects.filter(
        agency_complete=True,
        user__partnership_roles__partnership_id=period.plan_year.partnership_id,
        user__partnership_roles__role=roles.COORDINATOR,
    )
    recipients = reachable(pref.user for pref in wanted.select_related("user"))
    if not recipients:
        return 0
    agency = Agency.objects.get(pk=agency_id)
    context = {
        "agency": agency,
        "period": period,
        "total": sum(states.values()),
        "to_review": states.get(ReturnState.SUBMITTED, 0),
        "link": absolute_url(period.link("review_queue")),
        "partnership": period.plan_year.partnership.name,
    }
    subject = f"{agency.name} has submitted all its returns for {period.quarter.short_label}"
    return send([message(user, subject, "emails/agency_complete.txt", context) for user in recipients])


def set_agency_complete_preference(user, wanted: bool) -> NotificationPreference:
    preference, _ = NotificationPreference.objects.update_or_create(
        user=user, defaults={"agency_complete": wanted}
    )
    return preference


def wants_agency_complete(user) -> bool:
    return NotificationPreference.objects.filter(user=user, agency_complete=True).exists()
