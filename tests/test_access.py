"""Every URL of the app, for every role: the right status, and no other agency's data in any response.

The table must name every URL: a new URL without a row fails `test_every_url_has_a_row`.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from returns.models import Return

ROLES = ("anonymous", "officer", "other_officer", "coordinator", "viewer")
OURS_SECRET = "OURS-COMMENTARY-4471"
THEIRS_SECRET = "THEIRS-COMMENTARY-9902"

# name: (method, how to build the URL's kwargs, {role: expected status}); "login" means a redirect to sign in.
ALL_SIGNED_IN_200 = {"officer": 200, "other_officer": 200, "coordinator": 200, "viewer": 200}
OWN_RETURN = {"anonymous": "login", "officer": 200, "other_officer": 404, "coordinator": 200, "viewer": 404}
COORDINATOR_ONLY = {"anonymous": "login", "officer": 403, "other_officer": 403, "viewer": 403}
PUBLIC = {"anonymous": 200, **ALL_SIGNED_IN_200}
REPORT_READERS = {
    "anonymous": "login",
    "officer": 403,
    "other_officer": 403,
    "coordinator": 200,
    "viewer": 200,
}

ROUTES = {
    "reports": ("get", lambda p: {}, REPORT_READERS),
    "report": ("get", lambda p: {"period_id": p.period.pk}, REPORT_READERS),
    "report_pdf": ("get", lambda p: {"period_id": p.period.pk}, REPORT_READERS),
    "report_figures": ("get", lambda p: {"period_id": p.period.pk, "fmt": "csv"}, REPORT_READERS),
    "report_issue": ("post", lambda p: {"period_id": p.period.pk}, {**COORDINATOR_ONLY, "coordinator": 302}),
    # No report has been issued in this world, so readers get a 404, never someone else's file.
    "issued_report": (
        "get",
        lambda p: {"issued_id": 1},
        {**REPORT_READERS, "coordinator": 404, "viewer": 404},
    ),
    "start": ("get", lambda p: {}, dict.fromkeys(ROLES, 302)),
    "login": ("get", lambda p: {}, PUBLIC),
    "logout": ("post", lambda p: {}, dict.fromkeys(ROLES, 302)),
    "password_reset": ("get", lambda p: {}, PUBLIC),
    "password_reset_done": ("get", lambda p: {}, PUBLIC),
    "password_reset_confirm": (
        "get",
        lambda p: {"uidb64": urlsafe_base64_encode(force_bytes(p.coordinator.pk)), "token": "bad-token"},
        PUBLIC,
    ),
    "password_reset_complete": ("get", lambda p: {}, PUBLIC),
    "healthz": ("get", lambda p: {}, PUBLIC),
    # Only coordinators (and administrators) set up two-factor sign-in; the others are sent home.
    "two_factor_setup": (
        "get",
        lambda p: {},
        {"anonymous": "login", "officer": 302, "other_officer": 302, "coordinator": 200, "viewer": 302},
    ),
    "two_factor_verify": ("get", lambda p: {}, {"anonymous": "login", **dict.fromkeys(ROLES[1:], 302)}),
    "plan": ("get", lambda p: {}, {"anonymous": "login", **dict.fromkeys(ROLES[1:], 302)}),
    "plan_year": (
        "get",
        lambda p: {"plan_year_id": p.plan_year.pk},
        {"anonymous": "login", **ALL_SIGNED_IN_200},
    ),
    "home": (
        "get",
        lambda p: {},
        {"anonymous": "login", "officer": 200, "other_officer": 200, "coordinator": 302, "viewer": 200},
    ),
    "return": ("get", lambda p: {"return_id": p.ret.pk}, OWN_RETURN),
    "return_history": ("get", lambda p: {"return_id": p.ret.pk}, OWN_RETURN),
    "review": ("post", lambda p: {"return_id": p.ret.pk}, {**COORDINATOR_ONLY, "coordinator": 302}),
    "periods": ("get", lambda p: {}, {**COORDINATOR_ONLY, "coordinator": 200}),
    "period_state": ("post", lambda p: {"period_id": p.period.pk}, {**COORDINATOR_ONLY, "coordinator": 302}),
    "review_queue_current": ("get", lambda p: {}, {**COORDINATOR_ONLY, "coordinator": 200}),
    "review_queue": ("get", lambda p: {"period_id": p.period.pk}, {**COORDINATOR_ONLY, "coordinator": 200}),
    "dashboard_current": ("get", lambda p: {}, {**COORDINATOR_ONLY, "coordinator": 200}),
    "dashboard": ("get", lambda p: {"period_id": p.period.pk}, {**COORDINATOR_ONLY, "coordinator": 200}),
    "dashboard_indicators": (
        "get",
        lambda p: {"period_id": p.period.pk},
        {**COORDINATOR_ONLY, "coordinator": 200},
    ),
    "dashboard_returns": (
        "get",
        lambda p: {"period_id": p.period.pk},
        {**COORDINATOR_ONLY, "coordinator": 200},
    ),
    "send_agency_reminder": (
        "post",
        lambda p: {"period_id": p.period.pk, "agency_id": p.ours.pk},
        {**COORDINATOR_ONLY, "coordinator": 302},
    ),
    "notification_preferences": ("post", lambda p: {}, {**COORDINATOR_ONLY, "coordinator": 302}),
    "escalations": ("get", lambda p: {"period_id": p.period.pk}, {**COORDINATOR_ONLY, "coordinator": 200}),
    "new_plan_year": ("get", lambda p: {}, {**COORDINATOR_ONLY, "coordinator": 200}),
}


def app_url_names(patterns=None, namespace="") -> set[str]:
    names = set()
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in ("admin", "djdt"):
                continue
            names |= app_url_names(entry.url_patterns, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}:{entry.name}" if namespace else entry.name)
    return names


def test_every_url_has_a_row():
    assert app_url_names() == set(ROUTES), (
        "Add a row to ROUTES for each new URL (and remove rows for old ones)."
    )


@pytest.fixture
def world(plan, officer, other_agency_officer, coordinator, viewer):
    Return.objects.filter(pk=plan.ret.pk).update(commentary=OURS_SECRET, escalation=OURS_SECRET)
    Return.objects.filter(pk=plan.other_ret.pk).update(commentary=THEIRS_SECRET, escalation=THEIRS_SECRET)
    plan.users = {
        "anonymous": None,
        "officer": officer,
        "other_officer": other_agency_officer,
        "coordinator": coordinator,
        "viewer": viewer,
    }
    plan.coordinator = coordinator
    return plan


CASES = [(name, role) for name in sorted(ROUTES) for role in ROLES]


@pytest.mark.parametrize(("name", "role"), CASES)
def test_status_and_no_other_agencys_data(client, world, name, role):
    method, kwargs, expected = ROUTES[name]
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    url = reverse(name, kwargs=kwargs(world))

    response = getattr(client, method)(url)

    want = expected[role]
    if want == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == want, f"{method.upper()} {url} as {role}"
    body = response.content.decode(errors="replace")
    if role in ("officer", "anonymous", "viewer"):
        assert THEIRS_SECRET not in body
    if role in ("other_officer", "anonymous", "viewer"):
        assert OURS_SECRET not in body


def test_password_reset_emails_a_working_link(client, world, mailoutbox):
    world.coordinator.email = "coordinator@example.org"
    world.coordinator.save()

    client.post(reverse("password_reset"), {"email": "coordinator@example.org"})

    assert len(mailoutbox) == 1
    link = next(line for line in mailoutbox[0].body.splitlines() if "/accounts/reset/" in line)
    response = client.get(link.replace("http://testserver", ""), follow=True)
    assert "Set a new password" in response.content.decode()
