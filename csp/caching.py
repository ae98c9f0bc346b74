"""No cache keeps what a signed-in person was shown.

Returns, their history, the report, its figures and PDFs are for the people allowed to see them. A response
to a signed-in request says `Cache-Control: private, no-store`: `no-store` so that neither a proxy nor the
browser writes it to disk (a shared council PC's browser cache, or its back button after signing out, would
otherwise show the last person's returns), and `private` for older caches that know only that. Static files
(served by WhiteNoise before this runs) keep their long-lived caching; pages for people not signed in keep
whatever their views chose.
"""

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class PrivateResponsesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
