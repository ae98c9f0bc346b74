"""Pages outside any one partnership: where a signed-in person starts, choosing a partnership, the page a
form that failed its CSRF check lands on, and the container healthcheck."""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from csp import roles
from csp.context_processors import deployment
from csp.models import Membership, Partnership


def landing(user, partnership: Partnership) -> str:
    """Where someone's work in a partnership is: a coordinator's review queue, a viewer's reports, the
    plan for anyone else who belongs."""
    slug = {"partnership": partnership.slug}
    if roles.is_coordinator(user, partnership):
        return reverse("review_queue_current", kwargs=slug)
    if roles.can_read_reports(user, partnership):
        return reverse("reports", kwargs=slug)
    return reverse("plan", kwargs=slug)


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """An officer starts at their returns (across partnerships); anyone else at their partnership's work,
    or at the choice of partnership when they belong to several."""
    if Membership.objects.filter(user=request.user).exists():
        return redirect("home")
    partnerships = list(roles.partnerships_of(request.user))
    if len(partnerships) == 1:
        return redirect(landing(request.user, partnerships[0]))
    return redirect("partnerships")


@login_required
def partnerships(request: HttpRequest) -> HttpResponse:
    choices = [(p, landing(request.user, p)) for p in roles.partnerships_of(request.user)]
    return render(request, "csp/partnerships.html", {"choices": choices})


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page, from settings alone: the database may be what failed, so nothing here reads it (no
    request context: the header's partnership and the signed-in line would query)."""
    return HttpResponse(loader.render_to_string("500.html", deployment()), status=500)


@require_GET
@never_cache
def session_alive(request: HttpRequest) -> HttpResponse:
    """ "Stay signed in": a request from a signed-in person restarts the idle clock (every request saves
    the session); 401 once it has run out, so the page can say so."""
    return HttpResponse(status=204 if request.user.is_authenticated else 401)


@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "csp/accessibility.html")


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    """The deployment's own privacy notice where it has one; else what this service holds, and why."""
    if settings.CSP_PRIVACY_NOTICE_URL:
        return redirect(settings.CSP_PRIVACY_NOTICE_URL)
    return render(request, "csp/privacy.html", {"idle_minutes": settings.SESSION_COOKIE_AGE // 60})


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """For the container healthcheck: the app answers and reaches its database. Shows nothing else."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


NOT_ECHOED = re.compile(r"password|token|secret|code|otp|^version$|^action$|^decision$|^_", re.IGNORECASE)


def _same_origin(request: HttpRequest) -> bool:
    source = request.headers.get("Origin") or request.headers.get("Referer") or ""
    return bool(source) and urlsplit(source).netloc == request.get_host()


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused by the CSRF check (it had expired, or the person signed in again elsewhere). Nothing
    is saved; a same-origin post to a partnership's page gets what was typed back, to copy, so nothing
    typed is lost. A cross-site post gets nothing back: another site must not put its words on ours."""
    kept = []
    if request.method == "POST" and request.path.startswith("/p/") and _same_origin(request):
        kept = [
            (name.replace("_", " ").capitalize(), value)
            for name, value in request.POST.items()
            if not NOT_ECHOED.search(name) and re.search(r"\w", value)
        ]
    back = request.path if request.path.startswith("/p/") else ""
    return render(request, "403_csrf.html", {"kept": kept, "back": back}, status=403)
