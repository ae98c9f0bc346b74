"""The bench's URLconf for a bare Django view: one view that returns "ok" and touches no database.

Served only by `bench/bare_wsgi.py`, never by the app, so the app's URLconf (which a test walks) is not
touched. It goes through the app's settings and so through the app's whole middleware stack: what it
costs is Django plus the middleware, which is the floor the app's pages stand on.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bare/", bare, name="bare")]
