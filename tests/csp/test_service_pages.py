"""Every page a person can land on is a designed page: 403, 404, 500 and a failed CSRF check, with the
footer's accessibility statement, privacy notice and contact, the phase banner and who is signed in."""

import pytest
from django.test import Client, RequestFactory
from django.urls import get_resolver, reverse

from csp.views import server_error
from returns.models import Return


def is_designed(page: str) -> bool:
    """The service's layout: its header, the phase banner and the footer's links."""
    return all(
        part in page
        for part in (
            "govuk-generic-header",
            "govuk-phase-banner",
            "Accessibility statement",
            "Privacy notice",
        )
    )


def test_a_page_that_does_not_exist_is_a_designed_404(client, officer):
    client.force_login(officer)

    response = client.get("/p/testshire/returns/999999/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in page and is_designed(page)


def test_a_page_for_another_role_is_a_designed_403_naming_who_is_signed_in(client, plan, officer):
    officer.first_name, officer.last_name = "Sam", "Patel"
    officer.save()
    client.force_login(officer)

    response = client.get(reverse("periods", args=[plan.partnership.slug]))

    page = response.content.decode()
    assert response.status_code == 403
    assert "You cannot open this page" in page and is_designed(page)
    assert "Signed in as Sam Patel, Testshire Police" in page


def test_a_server_error_is_a_designed_500_that_needs_no_request_context(db):
    assert get_resolver().resolve_error_handler(500) is server_error

    response = server_error(RequestFactory().get("/"))

    page = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in page and is_designed(page)


@pytest.fixture
def csrf_client(officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    return client


def test_an_expired_form_hands_back_what_was_typed_on_the_same_site(csrf_client, plan):
    url = reverse("return", args=[plan.partnership.slug, plan.ret.pk])

    response = csrf_client.post(
        url,
        {"commentary": "Patrols <b>doubled</b>.", "version": "1", "csrfmiddlewaretoken": "stale"},
        headers={"Origin": "http://testserver"},
    )

    page = response.content.decode()
    assert response.status_code == 403
    assert "Your form was not sent" in page and is_designed(page)
    assert "Patrols &lt;b&gt;doubled&lt;/b&gt;." in page
    assert f'href="{url}"' in page
    assert Return.objects.get(pk=plan.ret.pk).commentary == ""


def test_a_cross_site_post_gets_nothing_of_its_text_shown(csrf_client, plan):
    url = reverse("return", args=[plan.partnership.slug, plan.ret.pk])

    response = csrf_client.post(
        url, {"commentary": "Call 0800 000 000 now"}, headers={"Origin": "https://evil.example"}
    )

    assert response.status_code == 403
    assert "0800" not in response.content.decode()


def test_a_password_is_never_handed_back(client, db):
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(
        "/p/testshire/returns/1/", {"password": "hunter2-secret"}, headers={"Origin": "http://testserver"}
    )

    assert "hunter2" not in response.content.decode()


def test_the_accessibility_statement_and_privacy_notice_open_to_anyone(client, settings):
    settings.CSP_SUPPORT_EMAIL = "csp@medway.example"

    for name, heading in (("accessibility", "Accessibility statement"), ("privacy", "Privacy notice")):
        page = client.get(reverse(name)).content.decode()
        assert f'<h1 class="govuk-heading-xl">{heading}</h1>' in page
        assert "mailto:csp@medway.example" in page


def test_a_deployments_own_privacy_notice_is_linked_instead(client, settings):
    settings.CSP_PRIVACY_NOTICE_URL = "https://www.medway.gov.uk/privacy"

    assert client.get(reverse("privacy"))["Location"] == "https://www.medway.gov.uk/privacy"
    assert 'href="https://www.medway.gov.uk/privacy"' in client.get(reverse("login")).content.decode()
