"""An agency's whole quarter in one sitting, in a real browser: Kent Police's eight Medway returns, from
signing in to all eight submitted, counting the clicks on links and buttons (typing and choosing in form
fields not counted) and the full page loads; axe on the new pages; nothing scrolls sideways at 390 px."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from csp.models import Agency, PlanYear
from returns.models import DeliverableUpdate, Return, ReturnState
from returns.periods import create_missing_items
from tests import factories
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def kent_police(transactional_db):
    """Medway's plan with Q2 open, and an officer of Kent Police (Medway's agency)."""
    call_command("loaddata", "medway-2026-27", verbosity=0)
    plan_year = PlanYear.objects.get(partnership__slug="medway", start_year=2026)
    period = factories.PeriodFactory(plan_year=plan_year, number=2)
    create_missing_items(period)
    agency = Agency.objects.get(partnership__slug="medway", name="Kent Police")
    officer = factories.officer_of(agency, username="officer-kent-police")
    return period, agency, officer


def fill_every_return(page) -> int:
    """Answer every return on the page as an officer would; how many returns there were."""
    sections = page.locator("section.app-quarter-item[id^='item-return-']")
    for i in range(sections.count()):
        section = sections.nth(i)
        for box in section.locator("input[name$='_value']").all():
            box.fill("40")
        for part, value in (("numerator", "30"), ("denominator", "45")):
            for box in section.locator(f"input[name$='_{part}']").all():
                box.fill(value)
        for name in {
            radio.get_attribute("name") for radio in section.locator("input[name$='_status']").all()
        }:
            section.locator(f"input[name='{name}']").first.check()
        green = section.get_by_role("radio", name=re.compile("^Green"))
        if green.count():
            green.first.check()
        section.locator("textarea[name$='-commentary']").fill("Delivered as planned; figures as recorded.")
    return sections.count()


def test_kent_police_submits_all_eight_returns_in_few_clicks_and_loads(new_context, kent_police, axe):
    period, agency, officer = kent_police
    page = new_context().new_page()
    page.set_viewport_size({"width": 1024, "height": 900})
    loads, clicks = [], 0
    page.on("load", lambda: loads.append(page.url))

    def click(target) -> None:
        nonlocal clicks
        clicks += 1
        target.click()

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(officer.username)
    page.get_by_label("Password").fill(factories.PASSWORD)
    click(page.get_by_role("button", name="Sign in"))
    click(page.get_by_role("link", name=re.compile("on one page")))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kent Police: the quarter on one page")
    axe(page, "the quarter on one page")
    assert fill_every_return(page) == 8
    click(page.get_by_role("button", name="Save and check your answers"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before submitting")
    axe(page, "check your answers")
    expect(page.locator("h2 .govuk-tag--green")).to_have_count(8)  # the eight returns ready
    page.get_by_label(re.compile("^I confirm")).check()
    click(page.get_by_role("button", name="Submit", exact=True))
    expect(page.get_by_role("alert")).to_contain_text("8 submitted to the CSP coordinator")

    returns = Return.objects.filter(period=period, agency=agency)
    assert sorted(returns.values_list("state", flat=True)) == [ReturnState.SUBMITTED] * 8
    # The actions' updates, left blank, stay with the officer: submitting some and not others works.
    assert set(
        DeliverableUpdate.objects.filter(period=period, agency=agency).values_list("state", flat=True)
    ) == {ReturnState.NOT_STARTED}
    print(f"one sitting: {clicks} clicks, {len(loads)} page loads")
    assert clicks <= 12, clicks
    assert len(loads) <= 6, loads
    assert not axe.failures(), axe.failures()


def test_the_new_pages_do_not_scroll_sideways_at_390_px(new_context, kent_police):
    period, agency, officer = kent_police
    page = new_context().new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, officer.username)
    for path in (f"/p/medway/periods/{period.pk}/agencies/{agency.pk}/", "check/"):
        page.goto(path if path.startswith("/") else page.url + path)
        wide = page.evaluate("() => document.documentElement.scrollWidth")
        assert wide <= 390, (page.url, wide)


def test_a_red_result_asks_why_what_is_being_done_and_when_all_in_one_round(new_context, round_plan):
    page = new_context().new_page()
    sign_in(page, round_plan.officer.username)
    page.goto(round_plan.ret.get_absolute_url())
    why = page.get_by_role("textbox", name="Why is it red or amber?")

    expect(why).to_be_hidden()  # a green or unrated result does not need it
    page.get_by_role("radio", name="Red: off track").check()
    expect(why).to_be_visible()
    page.get_by_role("textbox", name="Incidents", exact=True).fill("12")
    page.get_by_role("textbox", name="Satisfaction", exact=True).fill("85")
    page.get_by_role("textbox", name=re.compile("^Update for the")).fill("Short of where we planned.")
    page.get_by_role("button", name="Submit return").click()

    summary = page.locator(".govuk-error-summary")
    for message in (
        "Say why the result is red.",
        "Say what is being done to bring it back on track.",
        "Give the date it is expected to be back on track.",
    ):
        expect(summary.get_by_role("link", name=message)).to_be_visible()
    expect(page).to_have_title(re.compile("^Error: "))
    assert Return.objects.get(pk=round_plan.ret.pk).state == ReturnState.NOT_STARTED
