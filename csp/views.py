"""Pages outside any one partnership: where a signed-in person starts, choosing a partnership, and the
container healthcheck."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from csp import roles
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


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """For the container healthcheck: the app answers and reaches its database. Shows nothing else."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
