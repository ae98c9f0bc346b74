"""The quarter's round in a real browser, with JavaScript and without: the same people, the same result."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from returns.models import Return, ReturnState
from tests.browser.conftest import COMMENTARY, RESUBMITTED, is_validation, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_round_with_javascript_from_first_entry_to_the_pdf_in_two_partnerships(walk_round, second_round_plan):
    """One police officer serves two partnerships: the round in each, each coordinator seeing only theirs."""
    testshire = walk_round(javascript=True)
    otherton = walk_round(javascript=True, plan=second_round_plan)

    assert "Testshire Community Safety Partnership" in testshire and "SAFE-01" in testshire
    assert "Otherton" not in testshire and "ROAD-01" not in testshire
    assert "Otherton Community Safety Partnership" in otherton and "ROAD-01" in otherton
    assert "Testshire" not in otherton and "SAFE-01" not in otherton
    assert COMMENTARY + RESUBMITTED in testshire and COMMENTARY + RESUBMITTED in otherton


def test_round_without_javascript_works_by_plain_posts(walk_round):
    text = walk_round(javascript=False)

    assert "SAFE-01" in text
    assert COMMENTARY + RESUBMITTED in text


def test_submitting_straight_from_a_field_is_not_undone_by_that_fields_validation(new_context, round_plan):
    """Clicking Submit while the cursor is in a field also validates that field (focusout). On a slow
    line that validation can reach the server after the submit: the officer must still land on their
    returns with the success message, not back on the return told it can no longer be changed."""
    plan = round_plan
    page = new_context().new_page()
    sign_in(page, plan.officer.username)
    page.goto(reverse("return", args=["testshire", plan.ret.pk]))
    page.get_by_role("textbox", name="Update for the SEG", exact=True).fill(COMMENTARY)
    page.get_by_role("textbox", name="Incidents", exact=True).fill("12")
    page.get_by_role("textbox", name="Satisfaction", exact=True).fill("85")
    page.get_by_role("radio", name="Green: on track").check()
    with page.expect_response(is_validation()):
        page.get_by_role("textbox", name="Update for the SEG", exact=True).focus()

    # Hold the field's validation, and the returns list the submit leads to, until the submit is done:
    # the order a slow network can produce.
    held = {}
    page.route(
        re.compile(rf"/returns/{plan.ret.pk}/$"),
        lambda route: (
            held.setdefault("validation", route) if is_validation()(route.request) else route.continue_()
        ),
    )
    page.route(re.compile(r"/returns/$"), lambda route: held.setdefault("returns", route))
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Submit return").click()
    for _ in range(200):
        if "returns" in held:
            break
        page.wait_for_timeout(25)
    assert Return.objects.get(pk=plan.ret.pk).state == ReturnState.SUBMITTED
    if "validation" in held:
        with page.expect_response(is_validation()):
            held["validation"].continue_()
    held["returns"].continue_()

    # Either way the next page to load is the last: the returns list, or the return again.
    expect(page.get_by_role("alert").first).to_be_visible()
    said = page.get_by_role("alert").all_inner_texts()
    assert page.url.endswith(reverse("home")), f"ended on {page.url}, which says {said}"
    assert "SAFE-01 submitted to the CSP coordinator." in said[0]
