"""Every URL of the app, for every role of two partnerships: the right status, and nothing of another agency's
or another partnership's in any response.

The table must name every URL: a new URL without a row fails `test_every_url_has_a_row`. The URLs are
built for Testshire's objects; Otherton's people (the same roles in another partnership) must get a 404
from every page of Testshire's (nobody learns what another partnership has), and the pages that are not
any one partnership's must show them nothing of Testshire's.
"""

import html
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from csp import roles
from returns.models import DeliverableUpdate, Return
from returns.periods import create_missing_items
from tests import factories

OWN_ROLES = ("anonymous", "officer", "other_officer", "coordinator", "viewer")
OTHER_ROLES = ("their_officer", "their_coordinator", "their_viewer")
ROLES = OWN_ROLES + OTHER_ROLES
OURS_SECRET = "OURS-COMMENTARY-4471"
THEIRS_SECRET = "THEIRS-COMMENTARY-9902"
OTHERTON_SECRET = "OTHERTON-COMMENTARY-3318"

# name: (method, how to build the URL's kwargs, {role: expected status}); "login" means a redirect to sign in.
# A role missing from a row of a partnership's page is another partnership's: a 404.
SIGNED_IN = ("officer", "other_officer", "coordinator", "viewer", *OTHER_ROLES)
MEMBERS_200 = {"anonymous": "login", "officer": 200, "other_officer": 200, "coordinator": 200, "viewer": 200}
OWN_RETURN = {"anonymous": "login", "officer": 200, "other_officer": 404, "coordinator": 200, "viewer": 404}
AGENCY_ONLY = {"anonymous": "login", "officer": 200, "other_officer": 404, "coordinator": 404, "viewer": 404}
COORDINATOR_ONLY = {"anonymous": "login", "officer": 403, "other_officer": 403, "viewer": 403}
PUBLIC = dict.fromkeys(ROLES, 200)
REPORT_READERS = {
    "anonymous": "login",
    "officer": 403,
    "other_officer": 403,
    "coordinator": 200,
    "viewer": 200,
}


def in_testshire(**kwargs):
    return lambda w: {"partnership": w.partnership.slug, **{k: v(w) for k, v in kwargs.items()}}


def period(w):
    return w.period.pk


def agency(w):
    return w.ret.agency_id


ROUTES = {
    "reports": ("get", in_testshire(), REPORT_READERS),
    "report": ("get", in_testshire(period_id=period), REPORT_READERS),
    "report_pdf": ("get", in_testshire(period_id=period), REPORT_READERS),
    "report_figures": ("get", in_testshire(period_id=period, fmt=lambda w: "csv"), REPORT_READERS),
    "report_issue": ("post", in_testshire(period_id=period), {**COORDINATOR_ONLY, "coordinator": 302}),
    # No report has been issued in this world, so readers get a 404, never someone else's file.
    "issued_report": (
        "get",
        in_testshire(issued_id=lambda w: 1),
        {**REPORT_READERS, "coordinator": 404, "viewer": 404},
    ),
    "start": ("get", lambda w: {}, {"anonymous": "login", **dict.fromkeys(SIGNED_IN, 302)}),
    "partnerships": ("get", lambda w: {}, {"anonymous": "login", **dict.fromkeys(SIGNED_IN, 200)}),
    "login": ("get", lambda w: {}, PUBLIC),
    "logout": ("post", lambda w: {}, dict.fromkeys(ROLES, 302)),
    "password_reset": ("get", lambda w: {}, PUBLIC),
    "password_reset_done": ("get", lambda w: {}, PUBLIC),
    "password_reset_confirm": (
        "get",
        lambda w: {"uidb64": urlsafe_base64_encode(force_bytes(w.coordinator.pk)), "token": "bad-token"},
        PUBLIC,
    ),
    "password_reset_complete": ("get", lambda w: {}, PUBLIC),
    "healthz": ("get", lambda w: {}, PUBLIC),
    "accessibility": ("get", lambda w: {}, PUBLIC),
    "privacy": ("get", lambda w: {}, PUBLIC),
    "session_alive": ("get", lambda w: {}, {"anonymous": 401, **dict.fromkeys(SIGNED_IN, 204)}),
    # Only coordinators (and administrators) set up two-factor sign-in; the others are sent home.
    "two_factor_setup": (
        "get",
        lambda w: {},
        {
            "anonymous": "login",
            **dict.fromkeys(SIGNED_IN, 302),
            "coordinator": 200,
            "their_coordinator": 200,
        },
    ),
    "two_factor_verify": ("get", lambda w: {}, {"anonymous": "login", **dict.fromkeys(SIGNED_IN, 302)}),
    "plan": ("get", in_testshire(), {**MEMBERS_200, **dict.fromkeys(OWN_ROLES[1:], 302)}),
    "plan_year": ("get", in_testshire(plan_year_id=lambda w: w.plan_year.pk), MEMBERS_200),
    "home": (
        "get",
        lambda w: {},
        {
            "anonymous": "login",
            **dict.fromkeys(("officer", "other_officer", "their_officer"), 200),
            **dict.fromkeys(("coordinator", "viewer", "their_coordinator", "their_viewer"), 302),
        },
    ),
    "return": ("get", in_testshire(return_id=lambda w: w.ret.pk), OWN_RETURN),
    "return_history": ("get", in_testshire(return_id=lambda w: w.ret.pk), OWN_RETURN),
    # An agency's quarter on one page is for those who report for the agency, nobody else.
    "agency_quarter": ("get", in_testshire(period_id=period, agency_id=agency), AGENCY_ONLY),
    "check_quarter": ("get", in_testshire(period_id=period, agency_id=agency), AGENCY_ONLY),
    "rate_measure": (
        "post",
        in_testshire(return_id=lambda w: w.ret.pk, measure_id=lambda w: w.ret.supplied_measures()[0].pk),
        OWN_RETURN,
    ),
    "review": ("post", in_testshire(return_id=lambda w: w.ret.pk), {**COORDINATOR_ONLY, "coordinator": 302}),
    "update": ("get", in_testshire(update_id=lambda w: w.update.pk), OWN_RETURN),
    "update_history": ("get", in_testshire(update_id=lambda w: w.update.pk), OWN_RETURN),
    "review_update": (
        "post",
        in_testshire(update_id=lambda w: w.update.pk),
        {**COORDINATOR_ONLY, "coordinator": 302},
    ),
    "owners": (
        "get",
        in_testshire(plan_year_id=lambda w: w.plan_year.pk),
        {**COORDINATOR_ONLY, "coordinator": 200},
    ),
    "period_up_to_date": ("post", in_testshire(period_id=period), {**COORDINATOR_ONLY, "coordinator": 302}),
    "periods": ("get", in_testshire(), {**COORDINATOR_ONLY, "coordinator": 200}),
    "period_state": ("post", in_testshire(period_id=period), {**COORDINATOR_ONLY, "coordinator": 302}),
    "review_queue_current": ("get", in_testshire(), {**COORDINATOR_ONLY, "coordinator": 200}),
    "review_queue": ("get", in_testshire(period_id=period), {**COORDINATOR_ONLY, "coordinator": 200}),
    # With nothing chosen the queue comes back with its error.
    "approve_several": ("post", in_testshire(period_id=period), {**COORDINATOR_ONLY, "coordinator": 200}),
    "dashboard_current": ("get", in_testshire(), {**COORDINATOR_ONLY, "coordinator": 200}),
    "dashboard": ("get", in_testshire(period_id=period), {**COORDINATOR_ONLY, "coordinator": 200}),
    "dashboard_indicators": ("get", in_testshire(period_id=period), {**COORDINATOR_ONLY, "coordinator": 200}),
    "dashboard_returns": ("get", in_testshire(period_id=period), {**COORDINATOR_ONLY, "coordinator": 200}),
    "send_agency_reminder": (
        "post",
        in_testshire(period_id=period, agency_id=lambda w: w.ours.pk),
        {**COORDINATOR_ONLY, "coordinator": 302},
    ),
    "notification_preferences": ("post", in_testshire(), {**COORDINATOR_ONLY, "coordinator": 302}),
    "escalations": ("get", in_testshire(period_id=period), {**COORDINATOR_ONLY, "coordinator": 200}),
    "new_plan_year": ("get", in_testshire(), {**COORDINATOR_ONLY, "coordinator": 200}),
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
def world(plan, other_plan, officer, other_agency_officer):
    """Testshire (`plan`) with its people; Otherton (`other_plan`) with the same roles of its own."""
    Return.objects.filter(pk=plan.ret.pk).update(commentary=OURS_SECRET, escalation=OURS_SECRET)
    Return.objects.filter(pk=plan.other_ret.pk).update(commentary=THEIRS_SECRET, escalation=THEIRS_SECRET)
    Return.objects.filter(period=other_plan.period).update(
        commentary=OTHERTON_SECRET, escalation=OTHERTON_SECRET
    )
    # An action for each agency, and one of Otherton's, each update carrying its owner's secret.
    for each, agency, secret in (
        (plan, plan.ours, OURS_SECRET),
        (plan, plan.theirs, THEIRS_SECRET),
        (other_plan, other_plan.ours, OTHERTON_SECRET),
    ):
        factories.DeliverableFactory(priority=each.priority, owner=agency, text=f"Action of {agency}")
        create_missing_items(each.period)
        DeliverableUpdate.objects.filter(agency=agency).update(progress=secret, next_steps=secret)
    plan.update = DeliverableUpdate.objects.get(agency=plan.ours)
    ours, theirs = [plan.partnership], [other_plan.partnership]
    plan.coordinator = factories.make_user("coordinator", roles.COORDINATOR, partnerships=ours)
    plan.users = {
        "anonymous": None,
        "officer": officer,
        "other_officer": other_agency_officer,
        "coordinator": plan.coordinator,
        "viewer": factories.make_user("viewer", roles.VIEWER, partnerships=ours),
        "their_officer": factories.officer_of(other_plan.ours, username="their-officer"),
        "their_coordinator": factories.make_user("their-coordinator", roles.COORDINATOR, partnerships=theirs),
        "their_viewer": factories.make_user("their-viewer", roles.VIEWER, partnerships=theirs),
    }
    plan.other = other_plan
    return plan


CASES = [(name, role) for name in sorted(ROUTES) for role in ROLES]


@pytest.mark.parametrize(("name", "role"), CASES)
def test_status_and_no_other_agencys_or_partnerships_data(client, world, name, role):
    method, kwargs, expected = ROUTES[name]
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    url = reverse(name, kwargs=kwargs(world))

    response = getattr(client, method)(url)

    want = expected.get(role, 404)
    if want == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == want, f"{method.upper()} {url} as {role}"
    body = response.content.decode(errors="replace")
    if role != "other_officer" and role != "coordinator":
        assert THEIRS_SECRET not in body
    if role in ("other_officer", "anonymous", "viewer", *OTHER_ROLES):
        assert OURS_SECRET not in body
    if role not in ("their_coordinator", "their_officer"):
        assert OTHERTON_SECRET not in body


def test_password_reset_emails_a_working_link(client, world, mailoutbox):
    world.coordinator.email = "coordinator@example.org"
    world.coordinator.save()

    client.post(reverse("password_reset"), {"email": "coordinator@example.org"})

    assert len(mailoutbox) == 1
    link = next(line for line in mailoutbox[0].body.splitlines() if "/accounts/reset/" in line)
    response = client.get(link.replace("http://testserver", ""), follow=True)
    assert "Set a new password" in response.content.decode()


# --- A crawl: everything one partnership's coordinator can reach stays shut to another's -------------------

LINK = re.compile(r'(?:href|hx-get|action)="(/[^"#]*)"')
NOT_PAGES = ("/static/", "/admin/", "/accounts/")


def crawl(client, start: str = "/", limit: int = 400) -> set[str]:
    """Every same-site page reachable from `start` by following links (GET only), as the client's user."""
    seen, queue = set(), [start]
    while queue and len(seen) < limit:
        url = queue.pop()
        if url in seen or url.startswith(NOT_PAGES):
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code in (301, 302):
            queue.append(response["Location"])
        elif response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            queue.extend(html.unescape(link) for link in LINK.findall(response.content.decode()))
    return seen


def test_nothing_a_coordinator_reaches_opens_for_another_partnerships_coordinator(client, world):
    """Otherton's coordinator walks every page they can reach; Testshire's coordinator then asks for each
    of those addresses, and for each with Testshire's slug in place of Otherton's: none that names one of
    Otherton's records opens (pages that name none, such as the periods list, show Testshire's own)."""
    otherton = world.other
    Return.objects.filter(period=otherton.period).update(state="submitted")  # reviews, reports, downloads
    DeliverableUpdate.objects.filter(period=otherton.period).update(state="submitted")
    client.force_login(world.users["their_coordinator"])
    reached = {url for url in crawl(client) if url.startswith("/p/otherton/")}
    kinds = ("/returns/", "/updates/", "/history/", "/reports/", "/dashboard/", "/escalations/", "/plan/")
    for kind in (*kinds, "/owners/", "figures."):
        assert any(kind in url for url in reached), f"the crawl never reached a {kind} page"

    client.force_login(world.coordinator)
    opened = []
    for url in sorted(reached):
        swapped = url.replace("/p/otherton/", "/p/testshire/", 1)
        for attempt, names_a_record in ((url, True), (swapped, bool(re.search(r"/\d+/", swapped)))):
            response = client.get(attempt)
            if response.status_code == 405:  # a form's address: try it as the form would, and write
                response = client.post(attempt, {"state": "closed", "decision": "approve", "summary": "x"})
            assert OTHERTON_SECRET not in response.content.decode(errors="replace"), attempt
            if names_a_record and response.status_code != 404:
                opened.append((attempt, response.status_code))
    assert opened == []
    assert not Return.objects.filter(period=otherton.period, state="approved").exists()  # nothing written
    assert not DeliverableUpdate.objects.filter(period=otherton.period, state="approved").exists()
