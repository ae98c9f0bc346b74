"""Emails as the service sends them: plain text from a template, one per person, links absolute.

Links start with settings.CSP_SITE_URL, because emails are sent outside any request, often by cron.
"""

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.template.loader import render_to_string

from csp.models import Membership


def absolute_url(path: str) -> str:
    return f"{settings.CSP_SITE_URL}{path}"


def greeting_name(user) -> str:
    return user.get_short_name() or user.get_username()


def reachable(users: Iterable) -> list:
    """Active users with an email address, each once, in a stable order."""
    seen: dict[int, object] = {}
    for user in users:
        if user.is_active and user.email and user.pk not in seen:
            seen[user.pk] = user
    return [seen[pk] for pk in sorted(seen)]


def officers_of(agency_ids: Iterable[int]) -> list:
    memberships = Membership.objects.filter(agency_id__in=list(agency_ids)).select_related("user")
    return reachable(m.user for m in memberships)


def message(user, subject: str, template: str, context: dict) -> EmailMessage:
    body = render_to_string(template, {"name": greeting_name(user), **context})
    # A subject is one line: a newline in one would be refused by the mail library.
    return EmailMessage(" ".join(subject.split()), body, None, [user.email])


def send(messages: Sequence[EmailMessage]) -> int:
    if not messages:
        return 0
    return mailers.default.send_messages(list(messages)) or 0
