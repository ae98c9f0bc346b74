"""Nothing typed is lost when a session runs out. A form posted after its sign-in expired is kept in the
new, signed-out session; signing in again (which keeps the session's data) leads back to the page, which
takes what was kept and shows it in its form, to check and save. htmx requests are sent to the sign-in
page as a whole page (a client redirect), never a sign-in form swapped into the middle of a return.
"""

import re
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect

KEY = "kept_typing"
CHECKS = {"_validate", "_panel"}
"""What marks an htmx post that only checks or rates what was typed (returns' field checks and panels)."""
NOT_KEPT = re.compile(r"password|token|secret|otp|^code$", re.IGNORECASE)


def keep(request: HttpRequest) -> None:
    """Keep what was posted to this address (never a password or a token) in the session."""
    data = {name: request.POST.getlist(name) for name in request.POST if not NOT_KEPT.search(name)}
    request.session[KEY] = {"path": request.path, "data": data}


def take(request: HttpRequest) -> QueryDict | None:
    """What was kept for this address, once: the page binds its form to it."""
    kept = request.session.get(KEY)
    if not kept or kept.get("path") != request.path:
        return None
    del request.session[KEY]
    data = QueryDict(mutable=True)
    for name, values in kept["data"].items():
        data.setlist(name, values)
    return data


def signed_in(view):
    """`login_required` that keeps a signed-out POST's text for after signing in, and answers htmx with
    a redirect of the whole page to the sign-in form."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.htmx and request.method == "POST" and CHECKS.intersection(request.POST):
            # A field's check or a rating as typed saves nothing: answering it with the sign-in page
            # would take the person away from the page and its text. The save that follows is kept.
            return HttpResponse(status=204)
        back = request.get_full_path()
        if request.method == "POST":
            keep(request)
            back = request.path
        response = redirect_to_login(back, resolve_url(settings.LOGIN_URL))
        if request.htmx:
            return HttpResponseClientRedirect(response["Location"])
        return response

    return wrapped
