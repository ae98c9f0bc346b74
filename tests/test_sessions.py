"""Sessions: saved on every request (idle sign-out needs it) with one statement, not a transaction."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone


def test_a_signed_in_request_saves_its_session_with_one_update_and_no_transaction(client, officer, plan):
    client.force_login(officer)
    client.get(reverse("home"))

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))

    assert response.status_code == 200
    session_writes = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "django_session"')
    ]
    assert len(session_writes) == 1
    assert not [
        q for q in queries.captured_queries if "SAVEPOINT" in q["sql"] or q["sql"] in ("BEGIN", "COMMIT")
    ]


def test_each_request_moves_the_idle_sign_out_on(client, officer, plan):
    client.force_login(officer)
    key = client.session.session_key
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + timedelta(minutes=1))

    client.get(reverse("home"))

    assert Session.objects.get(pk=key).expire_date > timezone.now() + timedelta(minutes=25)


def test_a_session_ended_elsewhere_is_not_brought_back_by_a_request_in_flight(client, officer, plan):
    client.force_login(officer)
    session = client.session
    assert session.get("_auth_user_id")  # the request has read its session...
    Session.objects.filter(pk=session.session_key).delete()  # ...when it is ended in another tab

    session["anything"] = "changed"
    with pytest.raises(UpdateError):  # the middleware answers 400 "session interrupted"
        session.save()

    assert not Session.objects.filter(pk=session.session_key).exists()
