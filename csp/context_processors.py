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


def navigation(request: HttpRequest) -> dict[str, object]:
    match = getattr(request, "resolver_match", None)
    return {"nav_section": NAV_SECTIONS.get(match.url_name if match else "", "")}
