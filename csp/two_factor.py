"""Two-factor sign-in (TOTP) for the people who can change everything: coordinators and administrators.

django-otp does the cryptography and keeps the devices; this module only asks for the second factor:
a middleware that sends an unverified coordinator or staff user to set up or enter a code, and the two
pages that do it. Officers and viewers sign in with a password alone, and add no devices.

Setting up an authenticator takes a one-time set-up code as well as the password: an administrator
issues it (the user admin's action, or `manage.py two_factor_code` for the first administrator) and
gives it to the person by phone or in person, never by email. So someone who has learnt a coordinator's
password before the coordinator set up two-factor sign-in can neither see the secret nor enrol a phone of
their own; and a lost phone is replaced the same way (issuing a code removes the old authenticator).
"""

import secrets
from base64 import b32encode
from datetime import timedelta

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from csp import roles
from csp.models import EnrolmentCode

EXEMPT_URL_NAMES = {
    "two_factor_setup",
    "two_factor_verify",
    "logout",
    "login",
    "healthz",
    "session_alive",
    "accessibility",
    "privacy",
}
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""No 0/O or 1/I: the code is read out over the phone. Twelve characters are about 60 bits."""
CODE_LIFETIME = timedelta(days=7)
SESSION_KEY = "two_factor_enrolment_code"


def uses_two_factor(user) -> bool:
    """Coordinators and administrators sign in with two factors (when it is required) and may set one up."""
    return user.is_authenticated and (user.is_staff or bool(roles.partnership_ids(user, roles.COORDINATOR)))


def needs_two_factor(user) -> bool:
    return settings.CSP_REQUIRE_TWO_FACTOR and uses_two_factor(user) and not user.is_verified()


def issue_enrolment_code(user, issued_by) -> str:
    """A new one-time set-up code for `user`, returned once and kept only as a hash.

    Issuing one removes the person's authenticators and any earlier code: it is how a lost phone is
    replaced, and it leaves exactly one way in.
    """
    code = "-".join("".join(secrets.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(3))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        EnrolmentCode.objects.filter(user=user, used_at__isnull=True).delete()
        EnrolmentCode.objects.create(
            user=user,
            code_hash=EnrolmentCode.digest(code),
            issued_by=issued_by,
            expires_at=timezone.now() + CODE_LIFETIME,
        )
    return code


def _redeemable(user, typed: str) -> EnrolmentCode | None:
    return EnrolmentCode.objects.filter(
        user=user, code_hash=EnrolmentCode.digest(typed), used_at__isnull=True, expires_at__gt=timezone.now()
    ).first()


class RequireTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.url_name in EXEMPT_URL_NAMES or not needs_two_factor(request.user):
            return None
        has_device = any(devices_for_user(request.user, confirmed=True))
        target = reverse("two_factor_verify" if has_device else "two_factor_setup")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


class EnrolmentCodeForm(forms.Form):
    code = forms.CharField(
        label="Set-up code",
        help_text="The code your administrator gave you, e.g. K7QP-3XMD-9WTR.",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "class": "govuk-input--width-10"}
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_code(self) -> EnrolmentCode:
        found = _redeemable(self.user, self.cleaned_data["code"])
        if found is None:
            raise forms.ValidationError(
                "That set-up code is not right, or has expired: check it, or ask your administrator for a "
                "new one."
            )
        return found


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code from your authenticator app",
        help_text="The 6-digit code, e.g. 123456.",
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "class": "govuk-input--width-5"}
        ),
    )

    def __init__(self, *args, device: TOTPDevice, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        if not (token.isascii() and token.isdigit()) or not self.device.verify_token(token):
            raise forms.ValidationError("The code is not right, or has expired: enter the code showing now.")
        return token


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return reverse("home")
    return target


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app: the set-up code first, then scan the QR code and prove it with one code."""
    if not uses_two_factor(request.user):
        messages.info(
            request, "You sign in with your password alone: two-factor sign-in is for coordinators."
        )
        return redirect("home")
    if any(devices_for_user(request.user, confirmed=True)):
        return redirect("two_factor_verify")
    enrolment = _redeemable_in_session(request)
    if enrolment is None:
        return _ask_for_the_code(request)
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    form = TokenForm(request.POST if "token" in request.POST else None, device=device)
    if form.is_valid():
        with transaction.atomic():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            EnrolmentCode.objects.filter(pk=enrolment.pk).update(used_at=timezone.now())
        del request.session[SESSION_KEY]
        otp_login(request, device)
        return redirect(_next(request))
    qr = segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#0b0c0c", omitsize=False)
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "registration/two_factor_setup.html",
        {"form": form, "qr": mark_safe(qr), "secret": secret, "next": _next(request)},  # noqa: S308 (segno's own SVG)
    )


def _redeemable_in_session(request: HttpRequest) -> EnrolmentCode | None:
    """The set-up code this session has already given, while it is still good and has a device waiting."""
    code_id = request.session.get(SESSION_KEY)
    if code_id is None:
        return None
    enrolment = EnrolmentCode.objects.filter(
        pk=code_id, user=request.user, used_at__isnull=True, expires_at__gt=timezone.now()
    ).first()
    if enrolment is None or not TOTPDevice.objects.filter(user=request.user, confirmed=False).exists():
        del request.session[SESSION_KEY]
        return None
    return enrolment


def _ask_for_the_code(request: HttpRequest) -> HttpResponse:
    form = EnrolmentCodeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        # A fresh secret, shown only now: nothing an earlier visit may have seen can be enrolled.
        with transaction.atomic():
            TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
            TOTPDevice.objects.create(user=request.user, name="Authenticator app", confirmed=False)
        request.session[SESSION_KEY] = form.cleaned_data["code"].pk
        return redirect(f"{reverse('two_factor_setup')}?{urlencode({'next': _next(request)})}")
    return render(request, "registration/two_factor_setup.html", {"form": form, "next": _next(request)})


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    devices = list(devices_for_user(request.user, confirmed=True))
    if not devices:
        return redirect("two_factor_setup")
    form = TokenForm(request.POST or None, device=devices[0])
    if request.method == "POST" and form.is_valid():
        otp_login(request, devices[0])
        return redirect(_next(request))
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": _next(request)})
