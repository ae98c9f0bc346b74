"""After PostgreSQL drops the app's connections (a restart, a failover, pg_terminate_backend), the next
requests are answered: the pool checks a connection before handing it out.

Through a live server, because that is where a request hands its connection back to the pool when it
ends (Django's test client keeps one connection across requests, so it would never ask the pool).
"""

import urllib.error
import urllib.request

import psycopg
import pytest
from django.db import connection
from django.urls import reverse

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the connection pool is PostgreSQL's"),
]


def terminate_the_apps_connections() -> int:
    """Every connection to the test database but this test's own, as a restart would drop them."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        ours = cursor.fetchone()[0]
    params = {
        k: v for k, v in connection.get_connection_params().items() if k in ("dbname", "host", "port", "user")
    }
    with psycopg.connect(**params, autocommit=True) as admin:
        return admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid NOT IN (pg_backend_pid(), %s)",
            [ours],
        ).fetchone()[0]


def status(url: str, session: str) -> int:
    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={session}"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (the live server)
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_no_request_fails_after_the_database_drops_its_connections(live_server, client, officer):
    client.force_login(officer)
    session = client.cookies["sessionid"].value
    urls = [live_server.url + reverse("healthz"), live_server.url + reverse("home")]
    assert [status(url, session) for url in urls * 3] == [200] * 6

    assert terminate_the_apps_connections() >= 1

    assert [status(url, session) for url in urls * 6] == [200] * 12
