"""The container's healthcheck: asks the app's /healthz by one of its own names, as a browser would.

A request to http://127.0.0.1:8000/ says "Host: 127.0.0.1", which a real ALLOWED_HOSTS refuses (400), so
a healthcheck asking that way keeps a healthy app "unhealthy" for ever, and everything that waits for it
never starts. This asks for the first name in ALLOWED_HOSTS instead, as the TLS-terminating proxy in
front would (X-Forwarded-Proto: https), so SECURE_SSL_REDIRECT does not send it away either.

Standard library only: it runs every few seconds and must not start Django.
    python deploy/healthcheck.py        (exit status 0: healthy; 1: not)
"""

import os
import sys
import urllib.error
import urllib.request


def host_to_ask(allowed_hosts: str) -> str:
    """The first name in ALLOWED_HOSTS a request can carry: ".example.gov.uk" as "example.gov.uk"."""
    for host in allowed_hosts.split(","):
        name = host.strip().lstrip(".")
        if name and name != "*":
            return name
    return "localhost"


def main() -> int:
    url = os.environ.get("HEALTHCHECK_URL", "http://127.0.0.1:8000/healthz")
    host = host_to_ask(os.environ.get("ALLOWED_HOSTS", ""))
    request = urllib.request.Request(url, headers={"Host": host, "X-Forwarded-Proto": "https"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (our own URL)
            healthy = response.status == 200
    except (urllib.error.URLError, OSError) as error:
        print(f"unhealthy: {url} as {host}: {error}", file=sys.stderr)
        return 1
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
