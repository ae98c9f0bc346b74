"""axe-core, vendored in tests/browser/vendor, on every page of the round: nothing serious or critical."""

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "sign-in",
    "the officer's returns",
    "the return form",
    "the return form, one field's error",
    "the return form, draft saved",
    "the officer's returns, submitted",
    "the action update form",
    "the action update form with errors",
    "sign-in",
    "two-factor code",
    "the review queue",
    "a return under review",
    "sending back, no reason",
    "the review queue, sent back",
    "an action update under review",
    "the officer's returns, one sent back",
    "the return, sent back",
    "the action update, sent back",
    "approving two, the check",
    "the quarterly reports",
    "the quarterly report",
]
PAGES_WITHOUT_JAVASCRIPT = [
    "the return form with errors" if name == "the return form, one field's error" else name for name in PAGES
]


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_every_page_of_the_round_has_no_serious_or_critical_violations(walk_round, axe, javascript):
    walk_round(javascript=javascript, audit=axe)

    assert axe.audited == (PAGES if javascript else PAGES_WITHOUT_JAVASCRIPT)
    assert not axe.failures(), (
        "axe-core found serious or critical violations:\n"
        + axe.failures()
        + "\nand, not failing: "
        + ", ".join(axe.others())
    )


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_the_check_fails_a_page_with_an_unlabelled_input(new_context, axe, javascript):
    # Proves axe really runs on the page as the browser holds it, in both modes.
    page = new_context(javascript=javascript).new_page()
    page.goto(reverse("login"))
    page.evaluate("() => document.querySelector('label[for=id_username]').remove()")

    axe(page, "sign-in without its label")

    assert "[sign-in without its label] critical: label:" in axe.failures()
