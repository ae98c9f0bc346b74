"""The address a request came from, when the app sits behind reverse proxies (a load balancer, nginx).

Behind a proxy every request's REMOTE_ADDR is the proxy's, so django-axes, which locks a username out for
one address, would lock it out for everybody. Each proxy appends the address it received the request from
to X-Forwarded-For, and everything to the left of what our own proxies wrote is the client's to invent.
With CSP_PROXY_COUNT proxies in front of the app, the entry that many places from the right is the one
the outermost of them saw: the only part of the header nobody outside can forge. Used by axes through its
documented AXES_CLIENT_IP_CALLABLE, so no extra package (django-ipware) is needed.
"""

from ipaddress import ip_address

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.CSP_PROXY_COUNT
    if not proxies:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(hops) < proxies:
        return remote  # it did not come through all our proxies, so nothing in the header is theirs
    seen = hops[-proxies]
    try:
        return str(ip_address(seen))
    except ValueError:
        return remote
