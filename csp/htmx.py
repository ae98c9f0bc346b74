"""How every view answers htmx: the whole page or one named partial, and where to go after a save.

A view renders its page with `render_page(request, "app/page.html", "partial", context)`: a normal request
(and htmx restoring a page from its history, which needs the whole page) gets the page; any other htmx
request gets only `{% partialdef partial %}`. `Vary: HX-Request` tells caches the two differ. After a change
that leaves the page, `redirect_to(request, url)` sends htmx a client redirect and a plain form a 302.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect


def wants_partial(request: HttpRequest) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


def render_page(
    request: HttpRequest, template: str, partial: str, context: dict, *, status: int = 200
) -> HttpResponse:
    name = f"{template}#{partial}" if wants_partial(request) else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def redirect_to(request: HttpRequest, url: str) -> HttpResponse:
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
