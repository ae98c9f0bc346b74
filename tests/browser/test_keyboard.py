"""The return form by keyboard alone: focus order, a visible focus at every stop, error summary links."""

from itertools import pairwise

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import field_id, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What identifies the focused element: its id, a button's name=value, else a link's text.
DESCRIBE = """(el) => el.id || (el.name ? `${el.name}=${el.value}` : el.textContent.trim().slice(0, 50))"""
FOCUSED = f"() => document.activeElement === document.body ? null : ({DESCRIBE})(document.activeElement)"
# The styles a focus indicator uses, on the element, or for GOV.UK's radios and checkboxes (whose input is
# invisible) on the box or circle their label draws. A transparent or zero-width outline shows nothing.
FOCUS_STYLE = """(el) => {
  const drawnByLabel = el.matches("input[type=radio], input[type=checkbox]") && el.labels.length;
  const s = drawnByLabel ? getComputedStyle(el.labels[0], "::before") : getComputedStyle(el);
  const hidden = s.outlineStyle === "none" || parseFloat(s.outlineWidth) === 0
    || s.outlineColor === "rgba(0, 0, 0, 0)";
  const outline = hidden ? "none" : `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`;
  return {outline, boxShadow: s.boxShadow, background: s.backgroundColor};
}"""
# Where the focused element sits on the page, and whether it is in the main content.
PLACE = """() => {
  const el = document.activeElement, box = el.getBoundingClientRect();
  return {top: box.top + window.scrollY, left: box.left + window.scrollX, main: !!el.closest("main")};
}"""
UNFOCUSED_STYLES = f"""() => Object.fromEntries(
  [...document.querySelectorAll("a[href], button, input:not([type=hidden]), textarea, select, summary")]
    .map((el) => [({DESCRIBE})(el), ({FOCUS_STYLE})(el)])
)"""


def open_return(new_context, plan, *, javascript: bool = True):
    page = new_context(javascript=javascript).new_page()
    sign_in(page, plan.officer.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your returns")
    page.goto(reverse("return", args=["testshire", plan.ret.pk]))
    if javascript:
        expect(page.locator("body.govuk-frontend-supported")).to_have_count(1)
    page.mouse.move(0, 0)  # nothing hovered: hover styles would muddle the focus styles
    return page


def tab_to(page, target: str, *, limit: int = 40) -> list[str]:
    """Press Tab until `target` has focus; the stops on the way, in order."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUSED))
        if stops[-1] == target:
            return stops
    raise AssertionError(f"{target} never took focus; Tab went through {stops}")


def test_tab_goes_through_the_return_form_in_visual_order_with_a_visible_focus(new_context, round_plan):
    plan = round_plan
    page = open_return(new_context, plan)
    unfocused = page.evaluate(UNFOCUSED_STYLES)
    form_controls = [
        field_id(plan.incidents),
        field_id(plan.satisfaction),
        "id_nothing_to_report",
        "id_commentary",
        "id_agency_rating_0",  # a radio group is one stop: the first option while none is chosen
        "id_escalation",
        "action=save",
        "action=submit",
    ]

    stops = []
    styles = {}
    places = []
    for _ in range(40):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUSED)
        stops.append(stop)
        styles[stop] = page.evaluate(f"() => ({FOCUS_STYLE})(document.activeElement)")
        places.append((stop, page.evaluate(PLACE)))
        if stop == "action=submit":
            break

    assert stops[0] == "Skip to main content"
    assert [stop for stop in stops if stop in form_controls] == form_controls
    assert stops.index("Back to your returns") < stops.index(form_controls[0])
    in_main = [(stop, place) for stop, place in places if place["main"]]
    for (before, above), (after, below) in pairwise(in_main):
        same_line = abs(below["top"] - above["top"]) < 4
        assert below["top"] > above["top"] or (same_line and below["left"] > above["left"]), (
            f"{after} takes focus after {before} but sits before it on the page"
        )
    invisible = [
        stop
        for stop, style in styles.items()
        if not [key for key, value in style.items() if value != unfocused[stop][key] and value != "none"]
    ]
    assert not invisible, f"no visible focus indicator on {invisible}: {[styles[s] for s in invisible]}"


@pytest.mark.parametrize("javascript", [True, False], ids=["with-javascript", "without-javascript"])
def test_an_error_summary_link_moves_focus_to_its_field(new_context, round_plan, javascript):
    plan = round_plan
    page = open_return(new_context, plan, javascript=javascript)
    incidents = field_id(plan.incidents)
    tab_to(page, incidents)
    page.keyboard.type("-5")
    tab_to(page, "action=save")
    page.keyboard.press("Enter")

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    if javascript:
        # GOV.UK Frontend moves focus to the summary when htmx swaps it in, so it is read out at once.
        expect(summary).to_be_focused()
    else:
        expect(page).to_have_title("Error: SAFE-01 return – Testshire Community Safety Partnership")
    stops = tab_to(page, "Incidents cannot be negative.")
    if javascript:
        assert stops == ["Incidents cannot be negative."]  # the summary's first link is the next stop
    page.keyboard.press("Enter")

    expect(page.locator(f"#{incidents}")).to_be_focused()
    expect(page.locator(f"#{incidents}_error")).to_have_text("Error: Incidents cannot be negative.")
