from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from csp import roles
from csp.models import Partnership

DEFAULT_NAME = "Community Safety Partnership"


def partnership(request: HttpRequest) -> dict[str, object]:
    """The partnership named in every page's header.

    An installation serves one partnership; until a plan is loaded the header says what the app is.
    Lazy, so a response that never prints the header pays no query.
    """

    def name() -> str:
        return Partnership.objects.order_by("pk").values_list("name", flat=True).first() or DEFAULT_NAME

    return {"partnership_name": SimpleLazyObject(name)}


# Which navigation item a page sits under, by URL name.
NAV_SECTIONS = {
    "home": "returns",
    "return": "returns",
    "return_history": "returns",
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
}


def user_roles(request: HttpRequest) -> dict[str, object]:
    """What the navigation offers; each view still checks for itself."""
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    section = NAV_SECTIONS.get(match.url_name if match else "", "")
    if user is None or not user.is_authenticated:
        return {"is_coordinator": False, "can_read_reports": False, "nav_section": section}
    return {
        "is_coordinator": roles.is_coordinator(user),
        "can_read_reports": roles.can_read_reports(user),
        "nav_section": section,
    }
