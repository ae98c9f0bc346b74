"""The vendored GOV.UK Frontend build, the page template and the GOV.UK form renderer.

Most of these need no database: they read files under static/ and templates/, or render templates with
an explicit `partnership_name`, which takes precedence over the context processor's lazy lookup.
"""

import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.test.html import parse_html
from django.urls import resolve

from csp.models import Partnership

STATIC = settings.BASE_DIR / "static"
TEMPLATES = settings.BASE_DIR / "templates"
CSS_FILES = sorted(STATIC.rglob("*.css"))
TEMPLATE_FILES = sorted(TEMPLATES.rglob("*.html"))
PARTNERSHIP = "Medway Community Safety Partnership"


def assert_in_html(needle: str, haystack: str) -> None:
    """Compare as parsed HTML, so attribute order, class order and whitespace do not matter."""
    assert parse_html(needle) in parse_html(haystack), f"{needle}\n\nnot found in\n\n{haystack}"


def read_css(path: Path) -> str:
    # dart-sass starts compressed output with a BOM when the CSS holds non-ASCII characters.
    return path.read_text(encoding="utf-8-sig")


# --- The compiled CSS and the vendored files ---------------------------------------------------------


def test_the_pages_have_one_compiled_stylesheet_and_the_report_its_print_one():
    assert [path.relative_to(STATIC).as_posix() for path in CSS_FILES] == [
        "css/app.min.css",
        "css/report.css",
    ]


@pytest.mark.parametrize("css_file", CSS_FILES, ids=lambda path: path.name)
def test_css_never_uses_gds_transport(css_file):
    assert "GDS Transport" not in read_css(css_file)


def test_pages_use_arial_with_no_web_font():
    css = read_css(STATIC / "css" / "app.min.css")

    assert "@font-face" not in css
    assert re.search(r"font-family:\s*arial,\s*sans-serif", css)


@pytest.mark.parametrize("css_file", CSS_FILES, ids=lambda path: path.name)
def test_every_url_in_the_css_points_at_a_file_under_static(css_file):
    urls = re.findall(r"url\(\s*['\"]?([^'\")]+?)['\"]?\s*\)", read_css(css_file))

    for url in urls:
        if url.startswith("data:"):
            continue
        target = (css_file.parent / url.split("?")[0].split("#")[0]).resolve()
        assert target.is_relative_to(STATIC), url
        assert target.is_file(), url


def test_no_gds_transport_font_crown_or_govuk_favicon_is_vendored():
    forbidden = re.compile(r"gds|transport|crest|crown|royal-arms|favicon|govuk-icon|opengraph", re.I)
    fonts = re.compile(r"\.(woff2?|ttf|otf|eot)$", re.I)

    assert [path for path in STATIC.rglob("*") if forbidden.search(path.name)] == []
    # The only fonts shipped are the report's Arial-metric Liberation Sans, with its licence.
    shipped = [path for path in STATIC.rglob("*") if fonts.search(path.name)]
    assert all(path.name.startswith("LiberationSans-") for path in shipped)
    assert not shipped or list((STATIC / "fonts").glob("*LICENSE*")) or list((STATIC / "fonts").glob("*OFL*"))


def test_govuk_frontend_licence_is_shipped_with_it():
    licence = (STATIC / "govuk-frontend" / "LICENSE.txt").read_text()

    assert "MIT License" in licence
    assert "Crown Copyright (Government Digital Service)" in licence


def test_app_js_imports_init_all_from_the_vendored_module():
    app_js = STATIC / "js" / "app.js"
    source = app_js.read_text()

    imported = re.search(r'import\s*\{\s*initAll\s*\}\s*from\s*"([^"]+)"', source)
    assert imported, "app.js must import initAll"
    module = (app_js.parent / imported.group(1)).resolve()
    assert module.is_file()
    assert "initAll" in module.read_text()
    assert "govuk-frontend-supported" in source
    assert "initAll()" in source


# --- Templates -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("template", TEMPLATE_FILES, ids=lambda path: str(path.relative_to(TEMPLATES)))
def test_template_has_no_inline_script_or_event_handler(template):
    source = template.read_text()

    for attributes, body in re.findall(r"<script\b([^>]*)>(.*?)</script\s*>", source, re.I | re.S):
        assert body.strip() == "", f"inline script in {template.name}"
        assert "src=" in attributes, f"script without src in {template.name}"
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", source, re.I), f"on*= handler in {template.name}"
    assert "javascript:" not in source.lower()


STATIC_REFERENCES = [
    (template, path)
    for template in TEMPLATE_FILES
    for path in re.findall(r"{%\s*static\s+['\"]([^'\"]+)['\"]\s*%}", template.read_text())
]


def test_the_pages_and_the_pdf_name_their_static_files():
    named = {(template.name, path) for template, path in STATIC_REFERENCES}
    assert {("base.html", "css/app.min.css"), ("base.html", "js/app.js")} <= named


@pytest.mark.parametrize(
    ("template", "path"),
    STATIC_REFERENCES,
    ids=lambda v: str(v.relative_to(TEMPLATES)) if isinstance(v, Path) else v,
)
def test_every_static_file_a_template_names_exists(template, path):
    assert finders.find(path), f"{template.name} names missing static file {path}"


@pytest.fixture
def page_request(rf):
    request = rf.get("/p/testshire/plan/")
    request.user = get_user_model()(username="officer")
    request.partnership = Partnership(name=PARTNERSHIP, slug="testshire")  # the page's partnership
    request._messages = []
    return request


def render_page(request, template="registration/login.html", **context):
    context = {"form": AuthenticationForm(), "partnership_name": PARTNERSHIP, **context}
    return render_to_string(template, context, request=request)


def test_page_is_a_partnership_page_not_a_govuk_page(page_request):
    html = render_page(page_request)

    assert '<html lang="en-GB" class="govuk-template">' in html
    assert f"<title>Sign in – {PARTNERSHIP}</title>" in html
    assert_in_html(
        f'<a href="/" class="govuk-generic-header__homepage-link">{PARTNERSHIP}</a>',
        html,
    )
    assert "GOV.UK" not in html
    assert "govuk-header" not in html
    assert "govuk-footer" not in html
    assert_in_html(
        '<a href="#main-content" class="govuk-skip-link" data-module="govuk-skip-link">'
        "Skip to main content</a>",
        html,
    )
    assert re.search(r'<main class="govuk-main-wrapper[^"]*" id="main-content">', html)
    assert "<header" in html
    assert "<footer" in html


def test_page_loads_only_external_scripts(page_request):
    html = render_page(page_request)

    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.S)
    assert scripts
    assert all(body.strip() == "" and "src=" in attributes for attributes, body in scripts)
    assert re.search(r'<script type="module" src="[^"]*js/app\.js"></script>', html)
    assert "htmx-2" in html
    # htmx would otherwise inject an inline <style> and evaluate hx-on attributes.
    assert '"includeIndicatorStyles": false, "allowEval": false' in html


def test_body_sends_the_csrf_token_with_every_htmx_request(page_request):
    html = render_page(page_request)

    header = re.search(r"""<body [^>]*hx-headers='\{"x-csrftoken": "([^"]+)"\}'""", html)
    assert header
    assert header.group(1) in html.split("csrfmiddlewaretoken", 1)[1]


def test_signed_in_officer_sees_plan_and_sign_out_but_not_admin(page_request):
    html = render_page(page_request)

    assert '<nav aria-label="Menu" class="govuk-service-navigation__wrapper">' in html
    assert '<a class="govuk-service-navigation__link" href="/p/testshire/plan/"' in html
    assert "/admin/" not in html
    sign_out = re.search(r'<form [^>]*method="post" action="/accounts/logout/">(.*?)</form>', html, re.S)
    assert sign_out
    assert 'name="csrfmiddlewaretoken"' in sign_out.group(1)
    assert "Sign out</button>" in sign_out.group(1)


def test_plan_link_is_marked_current_on_the_plan_page(page_request):
    page_request.resolver_match = resolve("/p/testshire/plan/")

    html = render_page(page_request)

    assert_in_html(
        '<li class="govuk-service-navigation__item govuk-service-navigation__item--active">'
        '<a class="govuk-service-navigation__link" href="/p/testshire/plan/" aria-current="page">'
        '<strong class="govuk-service-navigation__active-fallback">Plan</strong></a></li>',
        html,
    )


def test_staff_also_see_admin(page_request):
    page_request.user.is_staff = True

    html = render_page(page_request)

    assert '<a class="govuk-service-navigation__link" href="/admin/">Admin</a>' in html


def test_signed_out_visitor_sees_no_navigation(rf):
    request = rf.get("/accounts/login/")

    html = render_page(request)

    assert "govuk-service-navigation" not in html
    assert "Sign out" not in html


def test_messages_show_as_notification_banners(page_request):
    page_request._messages = [
        Message(constants.SUCCESS, "Return submitted"),
        Message(constants.INFO, "Q2 open"),
    ]

    html = render_page(page_request)

    assert_in_html(
        '<div class="govuk-notification-banner govuk-notification-banner--success" role="alert" '
        'aria-labelledby="notification-banner-title-1" data-module="govuk-notification-banner">'
        '<div class="govuk-notification-banner__header"><h2 class="govuk-notification-banner__title" '
        'id="notification-banner-title-1">Success</h2></div><div class="govuk-notification-banner__content">'
        '<p class="govuk-notification-banner__heading">Return submitted</p></div></div>',
        html,
    )
    assert 'role="region" aria-labelledby="notification-banner-title-2"' in html


# --- The form renderer ---------------------------------------------------------------------------------

RAG_CHOICES = [("green", "Green"), ("amber", "Amber"), ("red", "Red")]


class ReturnForm(forms.Form):
    title = forms.CharField(help_text="As it appears in the plan")
    count = forms.IntegerField(widget=forms.NumberInput(attrs={"class": "govuk-input--width-5"}))
    email = forms.EmailField(required=False)
    rag = forms.ChoiceField(choices=RAG_CHOICES)
    agency = forms.ChoiceField(
        choices=[("kent", "Kent Police"), ("council", "Council")], widget=forms.RadioSelect
    )
    commentary = forms.CharField(widget=forms.Textarea, required=False)
    confirmed = forms.BooleanField(required=False, help_text="Only once the figures are final")
    period = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        if self.cleaned_data.get("rag") == "red" and not self.cleaned_data.get("commentary"):
            raise forms.ValidationError("Explain a red rating in the commentary")
        return self.cleaned_data


def test_errored_input_carries_the_govuk_error_class_and_message():
    form = ReturnForm(data={"title": "Reduce reoffending", "count": "lots", "rag": "green"})

    html = form["count"].as_field_group()

    assert_in_html(
        '<div class="govuk-form-group govuk-form-group--error">'
        '<label class="govuk-label" for="id_count">Count</label>'
        '<p class="govuk-error-message" id="id_count_error">'
        '<span class="govuk-visually-hidden">Error:</span> Enter a whole number.</p>'
        '<input type="number" name="count" value="lots" class="govuk-input govuk-input--error '
        'govuk-input--width-5" aria-invalid="true" aria-describedby="id_count_error" required id="id_count">'
        "</div>",
        html,
    )


def test_select_keeps_the_chosen_option_selected():
    form = ReturnForm(data={"rag": "amber"})

    html = form["rag"].as_field_group()

    assert_in_html('<option value="amber" selected>Amber</option>', html)
    assert_in_html('<option value="green">Green</option>', html)
    assert 'class="govuk-select"' in html


def test_valid_field_has_hint_described_by_it_and_no_error():
    form = ReturnForm(data={"title": "Reduce reoffending"})

    html = form["title"].as_field_group()

    assert_in_html(
        '<div class="govuk-form-group"><label class="govuk-label" for="id_title">Title</label>'
        '<div class="govuk-hint" id="id_title_helptext">As it appears in the plan</div>'
        '<input type="text" name="title" value="Reduce reoffending" class="govuk-input" '
        'aria-describedby="id_title_helptext" required id="id_title"></div>',
        html,
    )


def test_optional_field_says_so_in_its_label():
    html = ReturnForm()["email"].as_field_group()

    assert_in_html('<label class="govuk-label" for="id_email">Email (optional)</label>', html)
    assert 'type="email"' in html
    assert "govuk-input" in html


def test_textarea_gets_the_govuk_textarea_class():
    html = ReturnForm(data={"rag": "red"})["commentary"].as_field_group()

    assert 'class="govuk-textarea"' in html


def test_radios_render_as_govuk_radios_in_a_fieldset_and_keep_checked():
    form = ReturnForm(data={"agency": "council"})

    html = form["agency"].as_field_group()

    assert '<fieldset class="govuk-fieldset">' in html
    assert '<legend class="govuk-fieldset__legend">Agency</legend>' in html
    assert '<div class="govuk-radios" data-module="govuk-radios">' in html
    assert_in_html(
        '<div class="govuk-radios__item">'
        '<input type="radio" name="agency" value="council" class="govuk-radios__input" required '
        'id="id_agency_1" checked>'
        '<label class="govuk-label govuk-radios__label" for="id_agency_1">Council</label></div>',
        html,
    )


def test_errored_radios_are_described_by_their_error_on_the_fieldset():
    form = ReturnForm(data={})

    html = form["agency"].as_field_group()

    assert '<div class="govuk-form-group govuk-form-group--error">' in html
    assert '<fieldset class="govuk-fieldset" aria-describedby="id_agency_error">' in html
    assert '<p class="govuk-error-message" id="id_agency_error">' in html


def test_single_checkbox_is_a_govuk_checkbox_item_with_its_hint():
    html = ReturnForm(data={"confirmed": "on"})["confirmed"].as_field_group()

    assert_in_html(
        '<div class="govuk-checkboxes" data-module="govuk-checkboxes"><div class="govuk-checkboxes__item">'
        '<input type="checkbox" name="confirmed" class="govuk-checkboxes__input" '
        'aria-describedby="id_confirmed_helptext" id="id_confirmed" checked>'
        '<label class="govuk-label govuk-checkboxes__label" for="id_confirmed">Confirmed</label>'
        '<div class="govuk-hint govuk-checkboxes__hint" id="id_confirmed_helptext">'
        "Only once the figures are final</div></div></div>",
        html,
    )


def test_hidden_field_renders_as_a_bare_hidden_input():
    html = ReturnForm(initial={"period": "2026-Q1"})["period"].as_field_group()

    assert_in_html('<input type="hidden" name="period" value="2026-Q1" id="id_period">', html)
    assert "govuk-form-group" not in html


def test_whole_form_renders_every_field_through_the_govuk_template():
    html = str(ReturnForm())

    assert html.count('class="govuk-form-group"') == 7


def test_error_summary_links_each_error_to_its_field():
    form = ReturnForm(data={"count": "lots", "rag": "red"})
    assert not form.is_valid()

    html = render_to_string("includes/error_summary.html", {"form": form})

    assert '<div class="govuk-error-summary" data-module="govuk-error-summary">' in html
    assert '<div role="alert">' in html
    assert_in_html('<h2 class="govuk-error-summary__title">There is a problem</h2>', html)
    assert_in_html("<li>Explain a red rating in the commentary</li>", html)
    assert_in_html('<li><a href="#id_title">This field is required.</a></li>', html)
    assert_in_html('<li><a href="#id_count">Enter a whole number.</a></li>', html)
    assert_in_html('<li><a href="#id_agency_0">This field is required.</a></li>', html)


def test_error_summary_is_empty_for_a_form_without_errors():
    assert render_to_string("includes/error_summary.html", {"form": ReturnForm()}).strip() == ""


# --- The sign-in page, through the real URL and view ----------------------------------------------------


@pytest.mark.django_db
def test_sign_in_page_renders_the_govuk_form(client):
    response = client.get("/accounts/login/?next=/plan/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Sign in</h1>' in html
    assert 'class="govuk-input"' in html
    assert 'name="password"' in html
    assert_in_html('<input type="hidden" name="next" value="/plan/">', html)
    assert "govuk-error-summary" not in html


@pytest.mark.django_db
def test_failed_sign_in_shows_the_error_summary(client):
    response = client.post("/accounts/login/", {"username": "nobody", "password": "wrong"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Sign in – " in html
    assert '<div class="govuk-error-summary" data-module="govuk-error-summary">' in html
    assert "Please enter a correct username and password" in html
