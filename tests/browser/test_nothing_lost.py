"""Nothing typed is lost, in a real browser: the idle sign-out is warned of and can be put off; a session
that runs out mid-edit leads through signing in back to the form, filled in; a server error or a lost
connection on a save says so and leaves the text in the form."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from returns.models import Return, ReturnState
from tests.browser.conftest import COMMENTARY, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_return(new_context, plan, *, javascript: bool = True):
    page = new_context(javascript=javascript).new_page()
    sign_in(page, plan.officer.username)
    page.goto(reverse("return", args=["testshire", plan.ret.pk]))
    return page


def commentary(page):
    return page.get_by_role("textbox", name="Update for the SEG", exact=True)


def test_the_idle_sign_out_is_warned_of_and_stay_signed_in_puts_it_off(new_context, round_plan, settings):
    settings.SESSION_COOKIE_AGE = 6
    settings.CSP_SESSION_WARNING_SECONDS = 4
    page = open_return(new_context, round_plan)
    commentary(page).fill(COMMENTARY)

    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    expect(dialog).to_be_visible(timeout=5_000)
    expect(dialog).to_contain_text("Anything you have not saved stays on this page.")
    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    # Two seconds on it warns again (a six-second session); by then the first sign-out time has passed.
    expect(dialog).to_be_visible(timeout=5_000)
    page.wait_for_timeout(2_000)
    dialog.get_by_role("button", name="Stay signed in").click()

    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text(re.compile(r"Draft saved at \d\d:\d\d\."))).to_be_visible()
    assert Return.objects.get(pk=round_plan.ret.pk).commentary == COMMENTARY


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_a_session_that_runs_out_mid_edit_loses_nothing(new_context, round_plan, settings, javascript):
    settings.SESSION_COOKIE_AGE = 3
    settings.CSP_SESSION_WARNING_SECONDS = 1
    page = open_return(new_context, round_plan, javascript=javascript)
    commentary(page).fill(COMMENTARY)
    page.get_by_role("textbox", name="Incidents", exact=True).fill("12")
    if javascript:
        signed_out = page.get_by_role("dialog", name="You have been signed out")
        expect(signed_out).to_be_visible(timeout=8_000)
        signed_out.get_by_role("button", name="Close").click()
    else:
        page.wait_for_timeout(3_500)

    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    settings.SESSION_COOKIE_AGE = 1800
    page.get_by_label("Username").fill(round_plan.officer.username)
    page.get_by_label("Password").fill("a-long-test-password-1")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("SAFE-01 return")
    expect(page.get_by_role("alert")).to_contain_text("You were signed out before this was saved")
    expect(commentary(page)).to_have_value(COMMENTARY)
    expect(page.get_by_role("textbox", name="Incidents", exact=True)).to_have_value("12")
    assert Return.objects.get(pk=round_plan.ret.pk).state == ReturnState.NOT_STARTED  # nothing saved unseen


@pytest.mark.parametrize("failure", ["server error", "lost connection"])
def test_a_save_that_fails_says_so_and_keeps_the_text(new_context, round_plan, failure):
    page = open_return(new_context, round_plan)
    commentary(page).fill(COMMENTARY)
    address = re.compile(rf"/returns/{round_plan.ret.pk}/$")

    def fail(route):
        if route.request.method != "POST":
            return route.continue_()
        return route.fulfill(status=500, body="") if failure == "server error" else route.abort()

    page.route(address, fail)
    page.get_by_role("button", name="Save draft").click()

    error = page.get_by_role("alert").filter(has_text="Your changes have not been saved")
    expect(error).to_be_visible()
    expect(error).to_contain_text("What you typed is still in the form below")
    expect(error).to_be_focused()
    expect(commentary(page)).to_have_value(COMMENTARY)

    page.unroute(address)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text(re.compile(r"Draft saved at \d\d:\d\d\."))).to_be_visible()
    expect(error).to_have_count(0)


def test_the_quarter_on_one_page_keeps_what_was_typed_through_a_sign_out(new_context, round_plan, settings):
    settings.SESSION_COOKIE_AGE = 3
    settings.CSP_SESSION_WARNING_SECONDS = 1
    page = new_context().new_page()
    sign_in(page, round_plan.officer.username)
    page.goto(reverse("agency_quarter", args=["testshire", round_plan.period.pk, round_plan.agency.pk]))
    incidents = page.get_by_role("textbox", name="Incidents", exact=True)
    incidents.fill("12")  # its rating is asked for as it is typed, and after the sign-out too
    commentary(page).fill(COMMENTARY)
    signed_out = page.get_by_role("dialog", name="You have been signed out")
    expect(signed_out).to_be_visible(timeout=8_000)
    signed_out.get_by_role("button", name="Close").click()
    incidents.fill("13")  # a check after the sign-out leaves the page be
    page.wait_for_timeout(800)
    expect(commentary(page)).to_have_value(COMMENTARY)

    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    settings.SESSION_COOKIE_AGE = 1800
    page.get_by_label("Username").fill(round_plan.officer.username)
    page.get_by_label("Password").fill("a-long-test-password-1")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("the quarter on one page")
    expect(page.get_by_role("alert")).to_contain_text("You were signed out before this was saved")
    expect(commentary(page)).to_have_value(COMMENTARY)
    expect(incidents).to_have_value("13")
    assert Return.objects.get(pk=round_plan.ret.pk).state == ReturnState.NOT_STARTED
