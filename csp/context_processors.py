from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from csp import roles
from csp.models import Partnership

SERVICE_NAME = "Community safety action plans"


def _partnership_in_view(request: HttpRequest) -> Partnership | None:
    """The partnership a page belongs to (`partnership_view` sets it), or the only one the person belongs
    to; None on a page for someone in several (their returns across partnerships, the choice of one)."""
    found = getattr(request, "partnership", None)
    user = getattr(request, "user", None)
    if found is None and user is not None and user.is_authenticated:
        ids = roles.member_partnership_ids(user)
        if len(ids) == 1:
            found = Partnership.objects.filter(pk__in=ids).first()
    return found


def partnership(request: HttpRequest) -> dict[str, object]:
    """The partnership named in the page's header, and what the navigation offers in it (each view still
    checks for itself). Lazy, so a response that never prints the header pays no query."""
    in_view = SimpleLazyObject(lambda: _partnership_in_view(request) or "")
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated and user.pk is not None

    def offers() -> dict[str, bool]:
        found = in_view or None
        return {
            "returns": signed_in and bool(roles.officer_partnership_ids(user)),
            "several": signed_in and len(roles.member_partnership_ids(user)) > 1,
            "coordinator": bool(found) and roles.is_coordinator(user, found),
            "reports": bool(found) and roles.can_read_reports(user, found),
        }

    return {
        "partnership": in_view,
        "partnership_name": SimpleLazyObject(lambda: in_view.name if in_view else SERVICE_NAME),
        "nav": SimpleLazyObject(offers),
    }


# Which navigation item a page sits under, by URL name.
NAV_SECTIONS = {
    "home": "returns",
    "return": "returns",
    "return_history": "returns",
    "update": "returns",
    "update_history": "returns",
    "owners": "periods",
    "plan": "plan",
    "plan_year": "plan",
    "review_queue_current": "review",
    "review_queue": "review",
    "periods": "periods",
    "reports": "reports",
    "report": "reports",
    "report_pdf": "reports",
    "dashboard_current": "dashboard",
    "dashboard": "dashboard",
    "dashboard_indicators": "dashboard",
    "dashboard_returns": "dashboard",
    "escalations": "dashboard",
    "new_plan_year": "plan",
    "partnerships": "partnerships",
}


REVIEWED = {"return", "return_history", "update", "update_history"}
"""Pages an officer reaches from their returns and a coordinator from review: under Review for a
coordinator."""


def navigation(request: HttpRequest) -> dict[str, object]:
    match = getattr(request, "resolver_match", None)
    name = match.url_name if match else ""

    def section() -> str:
        in_view = getattr(request, "partnership", None)
        if name in REVIEWED and in_view is not None and roles.is_coordinator(request.user, in_view):
            return "review"
        return NAV_SECTIONS.get(name, "")

    return {"nav_section": SimpleLazyObject(section)}


def _signed_in_as(request: HttpRequest) -> str:
    """Who is signed in, as the header says it: "Sam Patel, Kent Police" (their agencies in the
    partnership in view, or all of them), "Jo Smith, coordinator", or the name alone."""
    user = request.user
    name = user.get_full_name() or user.get_username()
    in_view = getattr(request, "partnership", None)
    agencies = [agency for pid, agency in roles.agencies_of(user) if in_view is None or pid == in_view.pk]
    if agencies:
        return f"{name}, {', '.join(agencies)}"
    if in_view is not None and roles.is_coordinator(user, in_view):
        return f"{name}, coordinator"
    return name


def service(request: HttpRequest) -> dict[str, object]:
    """What every page's header and footer say about the deployment: its phase, who runs it, who to ask;
    and who is signed in (lazy: a page that does not print it pays no query)."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "signed_in_as": SimpleLazyObject(lambda: _signed_in_as(request)) if signed_in else "",
        "session_seconds": settings.SESSION_COOKIE_AGE if signed_in else 0,
        "session_warning_seconds": settings.CSP_SESSION_WARNING_SECONDS,
        **deployment(),
    }


def deployment() -> dict[str, str]:
    """The deployment's own words, from settings alone (the 500 page uses them with no request)."""
    return {
        "service_phase": settings.CSP_PHASE,
        "service_owner": settings.CSP_SERVICE_OWNER,
        "support_email": settings.CSP_SUPPORT_EMAIL,
        "privacy_notice_url": settings.CSP_PRIVACY_NOTICE_URL,
    }
