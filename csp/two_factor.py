"""Two-factor sign-in (TOTP) for the people who can change everything: coordinators and administrators.

django-otp does the cryptography and keeps the devices; this module only asks for the second factor:
a middleware that sends an unverified coordinator or staff user to set up or enter a code, and the two
pages that do it. Officers and viewers sign in with a password alone.
"""

from base64 import b32encode

import segno
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from csp import roles

EXEMPT_URL_NAMES = {"two_factor_setup", "two_factor_verify", "logout", "login", "healthz"}


def needs_two_factor(user) -> bool:
    return (
        settings.CSP_REQUIRE_TWO_FACTOR
        and user.is_authenticated
        and (user.is_staff or bool(roles.partnership_ids(user, roles.COORDINATOR)))
        and not user.is_verified()
    )


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
        if not token.isdigit() or not self.device.verify_token(token):
            raise forms.ValidationError("The code is not right, or has expired: enter the code showing now.")
        return token


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return reverse("home")
    return target


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app: scan the code (or type the key), then prove it with one code."""
    if any(devices_for_user(request.user, confirmed=True)):
        return redirect("two_factor_verify")
    device = TOTPDevice.objects.filter(
        user=request.user, confirmed=False
    ).first() or TOTPDevice.objects.create(user=request.user, name="Authenticator app", confirmed=False)
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        return redirect(_next(request))
    qr = segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#0b0c0c", omitsize=False)
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "registration/two_factor_setup.html",
        {"form": form, "qr": mark_safe(qr), "secret": secret, "next": _next(request)},  # noqa: S308 (segno's own SVG)
    )


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
