"""Nothing typed is lost: a form posted after the session ran out comes back, filled in, after signing in
again (with htmx and without); a refused submit leaves the return as it was and the text in the form."""

import pytest
from django.urls import reverse

from returns.models import Return, ReturnState
from tests import factories
from tests.returns.test_return_page import form_data

TYPED = "Patrols doubled in August; incidents fell by a third."


@pytest.fixture
def url(plan):
    return reverse("return", args=["testshire", plan.ret.pk])


def sign_in(client, user) -> None:
    response = client.post(reverse("login"), {"username": user.username, "password": factories.PASSWORD})
    assert response.status_code == 302


def test_a_save_after_the_session_ran_out_comes_back_filled_in_after_signing_in(client, plan, officer, url):
    response = client.post(url, form_data(plan, plan.ret, commentary=TYPED))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"
    assert Return.objects.get(pk=plan.ret.pk).commentary == ""  # nothing written while signed out

    sign_in(client, officer)
    page = client.get(url).content.decode()

    assert TYPED in page
    assert "You were signed out before this was saved" in page
    assert TYPED not in client.get(url).content.decode()  # handed back once


def test_an_htmx_save_after_the_session_ran_out_sends_the_whole_page_to_sign_in(client, plan, officer, url):
    response = client.post(url, form_data(plan, plan.ret, commentary=TYPED), headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{reverse('login')}?next={url}"
    assert b"<form" not in response.content  # no sign-in form swapped into the return
    sign_in(client, officer)
    assert TYPED in client.get(url).content.decode()


def test_what_was_kept_is_for_its_own_page_only(client, plan, officer, url):
    client.post(url, form_data(plan, plan.ret, commentary=TYPED))
    sign_in(client, officer)

    assert TYPED not in client.get(reverse("return", args=["testshire", plan.other_ret.pk])).content.decode()


def test_a_password_posted_while_signed_out_is_not_kept(client, plan, url):
    client.post(url, {"commentary": TYPED, "password": "hunter2-secret"})

    kept = client.session["kept_typing"]["data"]
    assert "password" not in kept and kept["commentary"] == [TYPED]


def test_a_refused_submit_leaves_the_return_as_it_was_with_the_text_in_the_form(client, plan, officer, url):
    client.force_login(officer)

    response = client.post(url, form_data(plan, plan.ret, commentary="", action="submit"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter an update for the SEG." in page
    assert 'value="120"' in page  # the figure typed is still in its box
    ret = Return.objects.get(pk=plan.ret.pk)
    assert (ret.state, ret.version) == (ReturnState.NOT_STARTED, 1)
