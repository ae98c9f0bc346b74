"""Adding an authenticator takes a one-time set-up code from an administrator, not just the password.

Someone holding only a coordinator's password, before the coordinator has set up two-factor sign-in, must
not see the secret or enrol a device of their own; officers, who sign in with a password alone, make none.
"""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from csp import roles
from csp.models import EnrolmentCode
from csp.two_factor import issue_enrolment_code
from tests import factories


@pytest.fixture(autouse=True)
def two_factor_required(settings):
    settings.CSP_REQUIRE_TWO_FACTOR = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.fixture
def administrator(db):
    return factories.get_user_model().objects.create_superuser(
        "admin", "admin@example.org", "a-long-password-1"
    )


def code_of(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"


def test_with_only_the_password_the_setup_page_shows_no_secret_and_makes_no_device(client, plan, coordinator):
    client.force_login(coordinator)

    page = client.get(reverse("two_factor_setup")).content.decode()
    guessed = client.post(reverse("two_factor_setup"), {"code": "AAAA-BBBB-CCCC"}).content.decode()

    assert "set-up code" in page and "<svg" not in page and "Key:" not in page
    assert "That set-up code is not right" in guessed and "<svg" not in guessed
    assert not TOTPDevice.objects.filter(user=coordinator).exists()


def test_a_code_from_an_administrator_enrols_the_coordinator_once(client, plan, coordinator, administrator):
    code = issue_enrolment_code(coordinator, administrator)
    client.force_login(coordinator)

    shown = client.post(reverse("two_factor_setup"), {"code": code.lower().replace("-", " ")}, follow=True)

    assert "<svg" in shown.content.decode() and "Key:" in shown.content.decode()
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    done = client.post(
        reverse("two_factor_setup"),
        {"token": code_of(device), "next": reverse("periods", args=["testshire"])},
    )
    assert done.status_code == 302 and done["Location"] == reverse("periods", args=["testshire"])
    assert client.get(reverse("periods", args=["testshire"])).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert EnrolmentCode.objects.get(user=coordinator).used_at is not None
    # Spent: it cannot add a second device, for this coordinator or anyone.
    client.logout()
    TOTPDevice.objects.filter(user=coordinator).delete()
    client.force_login(coordinator)
    again = client.post(reverse("two_factor_setup"), {"code": code}).content.decode()
    assert "That set-up code is not right" in again


def test_a_code_is_only_for_the_person_it_was_issued_to(client, plan, coordinator, administrator):
    code = issue_enrolment_code(coordinator, administrator)
    other = factories.make_user("other-coordinator", roles.COORDINATOR, partnerships=[plan.partnership])
    client.force_login(other)

    page = client.post(reverse("two_factor_setup"), {"code": code}).content.decode()

    assert "That set-up code is not right" in page
    assert not TOTPDevice.objects.exists()


def test_an_expired_code_is_refused(client, plan, coordinator, administrator):
    code = issue_enrolment_code(coordinator, administrator)
    EnrolmentCode.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(coordinator)

    page = client.post(reverse("two_factor_setup"), {"code": code}).content.decode()

    assert "That set-up code is not right, or has expired" in page
    assert not TOTPDevice.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_officers_and_viewers_make_no_devices(client, officer, viewer, method):
    for user in (officer, viewer):
        client.force_login(user)

        response = getattr(client, method)(reverse("two_factor_setup"), {"code": "AAAA-BBBB-CCCC"})

        assert response.status_code == 302 and response["Location"] == reverse("home")
    assert not TOTPDevice.objects.exists()


def test_the_administrator_issues_a_code_shown_once_stored_only_as_a_hash(
    client, plan, coordinator, administrator
):
    TOTPDevice.objects.create(user=coordinator, name="Lost phone", confirmed=True)
    client.force_login(administrator)
    device = TOTPDevice.objects.create(user=administrator, name="Admin's phone", confirmed=True)
    client.post(reverse("two_factor_verify"), {"token": code_of(device)})

    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "issue_two_factor_code", "_selected_action": [coordinator.pk]},
    )

    page = response.content.decode()
    code = re.search(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}\b", page).group(0)
    assert "coordinator" in page
    stored = EnrolmentCode.objects.get(user=coordinator)
    assert code not in stored.code_hash and stored.issued_by == administrator
    assert not TOTPDevice.objects.filter(user=coordinator).exists()  # the lost phone no longer signs in


def test_the_first_administrator_gets_a_code_from_the_command_line(coordinator, capsys):
    call_command("two_factor_code", coordinator.username)

    code = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", capsys.readouterr().out).group(0)
    assert EnrolmentCode.objects.get(user=coordinator).matches(code)
