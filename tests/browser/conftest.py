"""Browser tests: Playwright for Python driving Debian's Chromium against the app served by `live_server`.

Playwright cannot download its own browsers here, so it launches /usr/bin/chromium (installed by .ci/run);
without it every browser test is skipped with that reason. One browser serves the whole session; each
actor gets a context of their own (their own cookies) and signs in through the real sign-in page.

Data is built with the ORM in the test thread. `live_server` needs a transactional database, whose
flush after each test also removes what data migrations created (the role groups): the `round_plan`
fixture puts the groups back, and `pytest_collection_modifyitems` below runs these tests last, so that
no later test finds the groups gone.
"""

import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.servers.basehttp import WSGIServer
from django.db import connection
from django.test.testcases import LiveServerThread
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from csp import roles
from csp.models import Membership
from indicators.kinds import Aggregation, Polarity, Unit
from returns.models import DeliverableUpdate, Return, ReturnState
from returns.periods import create_missing_items
from tests import factories

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
# axe reports every impact; only these fail a test (moderate and minor ones are listed in the failure).
FAILING_IMPACTS = ("serious", "critical")

COMMENTARY = "Patrols in the town centre doubled in August and incidents fell by a third."
SENT_BACK_REASON = "Please say how many people answered the satisfaction survey."
RESUBMITTED = " The survey had 212 answers."
ACTION = "Review CCTV coverage of the town centre"
PROGRESS = "Camera survey done; six blind spots found near the bus station."
ACTION_SENT_BACK = "Say when the new cameras will be installed."
RECOVERY = "Two mobile cameras on loan from the council until the new ones are installed in March."

Audit = Callable[[object, str], None]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the browser tests after everything else (after pytest-django's own ordering)."""
    browser = [item for item in items if item.get_closest_marker("browser")]
    if browser:
        items[:] = [item for item in items if not item.get_closest_marker("browser")] + browser


class SerialWSGIServer(WSGIServer):
    """The live server, one request at a time (and Connection: close, so no socket waits on another)."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.connections_override = connections_override


@pytest.fixture(scope="session", autouse=True)
def one_request_at_a_time_on_sqlite():
    """On SQLite the live server's threads share the test's in-memory connection, and two requests at
    once (htmx validating a field while a button posts) fail with "database table is locked". PostgreSQL
    (CI) keeps Django's threaded server, which is what production is like."""
    if connection.vendor != "sqlite":
        yield
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(LiveServerThread, "server_class", SerialWSGIServer)
        yield


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=10_000)
    # Playwright's sync API keeps an asyncio loop on this thread, and Django refuses ORM calls from a
    # thread with a running loop; the ORM calls here are the test's own, made between browser steps.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser, live_server):
    """Make browser contexts on the live server's address; all are closed after the test."""
    contexts = []

    def make(*, javascript: bool = True):
        context = browser.new_context(
            base_url=live_server.url, java_script_enabled=javascript, accept_downloads=True
        )
        context.set_default_timeout(15_000)
        context.javascript_enabled = javascript
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def build_round_plan(slug: str, name: str, code: str, officer=None):
    """One agency's return with two measures and no target, so the agency rates it, and an action it owns;
    an officer (the one given, who may serve other partnerships too); a coordinator with an authenticator
    app, as coordinators have in production."""
    partnership = factories.PartnershipFactory(slug=slug, name=f"{name} Community Safety Partnership")
    plan_year = factories.PlanYearFactory(partnership=partnership)
    priority = factories.PriorityFactory(plan_year=plan_year, code=code.split("-")[0], title="Safer streets")
    agency = factories.AgencyFactory(partnership=partnership, name=f"{name} Police", short_name="TP")
    indicator = factories.IndicatorFactory(
        priority=priority,
        code=code,
        text="Reduce anti-social behaviour in the town centre",
        agencies=[agency],
    )
    incidents = factories.MeasureFactory(
        indicator=indicator, supplier=agency, name="Incidents", code=f"{code}-A"
    )
    satisfaction = factories.MeasureFactory(
        indicator=indicator,
        supplier=agency,
        name="Satisfaction",
        code=f"{code}-B",
        unit=Unit.PERCENTAGE,
        polarity=Polarity.HIGHER_IS_BETTER,
        aggregation=Aggregation.STOCK,
    )
    deliverable = factories.DeliverableFactory(priority=priority, order=1, text=ACTION, owner=agency)
    period = factories.PeriodFactory(plan_year=plan_year)
    create_missing_items(period)
    if officer is None:
        officer = factories.officer_of(agency, username="officer-tp")
    else:
        Membership.objects.create(user=officer, agency=agency)
    coordinator = factories.make_user(f"coordinator-{slug}", roles.COORDINATOR, partnerships=[partnership])
    return SimpleNamespace(
        partnership=partnership,
        agency=agency,
        indicator=indicator,
        incidents=incidents,
        satisfaction=satisfaction,
        period=period,
        ret=Return.objects.get(period=period, agency=agency),
        deliverable=deliverable,
        update=DeliverableUpdate.objects.get(period=period, deliverable=deliverable),
        officer=officer,
        coordinator=coordinator,
        device=TOTPDevice.objects.create(user=coordinator, name="Authenticator app", confirmed=True),
    )


@pytest.fixture
def round_plan(transactional_db, settings, tmp_path):
    """Testshire's round (`build_round_plan`)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CSP_REQUIRE_TWO_FACTOR = True
    return build_round_plan("testshire", "Testshire", "SAFE-01")


@pytest.fixture
def second_round_plan(round_plan):
    """Otherton's round, with the same officer: their police force serves both partnerships."""
    return build_round_plan("otherton", "Otherton", "ROAD-01", officer=round_plan.officer)


def sign_in(page, username: str, audit: Audit | None = None) -> None:
    page.goto(reverse("login"))
    if audit:
        audit(page, "sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def pdf_text(path: Path) -> str:
    """The PDF's text as pdftotext reads it, with runs of whitespace made single spaces."""
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext is missing: install poppler-utils (.ci/run does)"
    out = subprocess.run(  # noqa: S603 (a fixed command on a file the test wrote)
        [pdftotext, "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return " ".join(out.split())


# --- axe-core ----------------------------------------------------------------------------------------

AXE_RUN = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), html: n.html, summary: n.failureSummary})),
  }));
}"""


@dataclass
class AxeAudit:
    """Runs axe-core on a page and keeps what it finds: `failures()` lists the serious and critical.

    The app's Content-Security-Policy (script-src 'self') blocks an injected <script>, so axe's source
    is run with page.evaluate, which page CSP does not govern; the pages keep their real CSP. A page
    with JavaScript disabled cannot run axe (its timers never fire), so its DOM, exactly as the browser
    holds it, is loaded into a JavaScript-enabled page of the same address with every script request
    refused, and audited there: the same markup and CSS, none of the app's scripts.
    """

    browser: object
    base_url: str
    source: str = field(default_factory=lambda: AXE_JS.read_text(encoding="utf-8"))
    results: list[tuple[str, list[dict]]] = field(default_factory=list)
    _snapshots: object = None

    def __call__(self, page, name: str) -> None:
        page.wait_for_load_state("load")
        target = page if getattr(page.context, "javascript_enabled", True) else self._snapshot(page)
        if target.evaluate("() => typeof window.axe") != "object":
            target.evaluate(self.source)
        self.results.append((name, target.evaluate(AXE_RUN)))

    @property
    def audited(self) -> list[str]:
        return [name for name, _ in self.results]

    def _snapshot(self, page):
        html = page.content()
        url = page.url
        if self._snapshots is None:
            context = self.browser.new_context(base_url=self.base_url)
            self._snapshots = context.new_page()
        snapshot = self._snapshots

        def serve(route):
            request = route.request
            if request.resource_type == "document":
                route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
            elif request.resource_type == "script":
                route.abort()
            else:
                route.continue_()

        snapshot.unroute("**/*")
        snapshot.route("**/*", serve)
        snapshot.goto(url)
        return snapshot

    def close(self) -> None:
        if self._snapshots is not None:
            self._snapshots.context.close()

    def failures(self) -> str:
        lines = []
        for page_name, found in self.results:
            for violation in found:
                if violation["impact"] not in FAILING_IMPACTS:
                    continue
                lines.append(f"[{page_name}] {violation['impact']}: {violation['id']}: {violation['help']}")
                lines.append(f"    {violation['helpUrl']}")
                for node in violation["nodes"]:
                    lines.append(f"    - {node['target']}: {node['html'][:200]}")
                    lines.append("      " + node["summary"].replace("\n", "\n      "))
        return "\n".join(lines)

    def others(self) -> list[str]:
        return [
            f"[{page_name}] {v['impact']}: {v['id']} ({len(v['nodes'])})"
            for page_name, found in self.results
            for v in found
            if v["impact"] not in FAILING_IMPACTS
        ]


@pytest.fixture
def axe(browser, live_server):
    audit = AxeAudit(browser=browser, base_url=live_server.url)
    yield audit
    audit.close()


# --- The round ---------------------------------------------------------------------------------------


def field_id(measure) -> str:
    return f"id_m{measure.pk}_value"


def is_validation(name: str = "") -> Callable[[object], bool]:
    """Matches the request (or its response) htmx makes to validate one field as it loses focus."""

    def matches(message) -> bool:
        request = getattr(message, "request", message)
        return request.method == "POST" and f"_validate={name}" in (request.post_data or "")

    return matches


@pytest.fixture
def walk_round(new_context, round_plan, tmp_path):
    """The quarter's round, as the people who do it click through it; returns the PDF's text.

    An officer signs in, opens the return, types a bad value and sees the message beside the field, fixes
    it, saves a draft and submits; then updates the agency's action (at risk, with why and when it will
    be back on track). The coordinator sends both back with reasons; the officer sees the reasons, fixes
    and resubmits both; the coordinator approves them, opens the report and downloads its PDF.
    `audit(page, name)` is called on every page the round shows.
    """
    from playwright.sync_api import expect

    def walk(*, javascript: bool, audit: Audit | None = None, plan=None) -> str:
        plan = plan or round_plan
        code = plan.indicator.code
        check = audit or (lambda page, name: None)
        errors: list[str] = []

        def watch(page):
            # A CSP violation or a script error shows up here; the round must have none.
            page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
            page.on("pageerror", lambda error: errors.append(str(error)))
            return page

        officer = watch(new_context(javascript=javascript).new_page())
        coordinator = watch(new_context(javascript=javascript).new_page())
        incidents = officer.locator(f"#{field_id(plan.incidents)}")
        incidents_error = officer.locator(f"#{field_id(plan.incidents)}_error")

        def submit() -> None:
            if javascript:
                officer.once("dialog", lambda dialog: dialog.accept())
            officer.get_by_role("button", name="Submit return").click()
            expect(officer).to_have_url(re.compile(rf"{reverse('home')}$"))
            expect(officer.get_by_role("alert")).to_contain_text(f"{code} submitted to the CSP coordinator.")

        def submit_update(*, done: bool = False) -> None:
            if javascript:
                officer.once("dialog", lambda dialog: dialog.accept())
            officer.get_by_role("button", name="Submit update").click()
            if done:
                expect(officer).to_have_url(re.compile(rf"{reverse('home')}$"))
                expect(officer.get_by_role("alert")).to_contain_text(
                    f"{plan.deliverable.label} submitted to the CSP coordinator."
                )

        # The officer signs in and opens the return.
        sign_in(officer, plan.officer.username, audit)
        expect(officer.get_by_role("heading", level=1)).to_have_text("Your returns")
        check(officer, "the officer's returns")
        officer.get_by_role("link", name=re.compile(f"^{code}")).click()
        expect(officer.get_by_role("heading", level=1)).to_have_text(f"{code} return")
        check(officer, "the return form")

        # A bad value gets its message beside the field.
        incidents.fill("12x")
        if javascript:
            incidents.press("Tab")  # focusout: htmx validates the field alone
            expect(incidents_error).to_have_text("Error: Enter incidents as a number, like 42.")
            expect(incidents).to_have_accessible_description(re.compile("Enter incidents as a number"))
            check(officer, "the return form, one field's error")
            incidents.fill("12")
            incidents.press("Tab")
            expect(incidents_error).to_have_count(0)
        officer.get_by_role("textbox", name="Satisfaction", exact=True).fill("85")
        officer.get_by_role("textbox", name="Update for the SEG", exact=True).fill(COMMENTARY)
        officer.get_by_role("radio", name="Green: on track").check()
        if not javascript:
            # Nothing validates as you type: saving shows the error beside the field and in the summary.
            officer.get_by_role("button", name="Save draft").click()
            expect(incidents_error).to_have_text("Error: Enter incidents as a number, like 42.")
            expect(incidents).to_have_accessible_description(re.compile("Enter incidents as a number"))
            summary_link = officer.locator(".govuk-error-summary a")
            expect(summary_link).to_have_text("Enter incidents as a number, like 42.")
            expect(summary_link).to_have_attribute("href", f"#{field_id(plan.incidents)}")
            expect(officer).to_have_title(re.compile("^Error: "))
            check(officer, "the return form with errors")
            assert Return.objects.get(pk=plan.ret.pk).state == ReturnState.NOT_STARTED
            incidents.fill("12")
            expect(officer.get_by_role("textbox", name="Update for the SEG", exact=True)).to_have_value(
                COMMENTARY
            )

        # Saving a draft: with htmx the form is swapped in place, so the page is the same page.
        if javascript:
            officer.evaluate("() => { window.__marker = 1; }")
        officer.get_by_role("button", name="Save draft").click()
        expect(officer.get_by_text(re.compile(r"Draft saved at \d\d:\d\d\."))).to_be_visible()
        if javascript:
            assert officer.evaluate("() => window.__marker") == 1, "the page reloaded on saving a draft"
        check(officer, "the return form, draft saved")
        saved = Return.objects.get(pk=plan.ret.pk)
        assert (saved.state, saved.commentary) == (ReturnState.DRAFT, COMMENTARY)
        expect(incidents).to_have_value("12")

        submit()
        check(officer, "the officer's returns, submitted")
        assert Return.objects.get(pk=plan.ret.pk).state == ReturnState.SUBMITTED

        # The officer updates the agency's action: at risk, so the form asks why and what is being done.
        label = plan.deliverable.label
        officer.get_by_role("link", name=re.compile(f"^{label}")).click()
        expect(officer.get_by_role("heading", level=1)).to_have_text(f"{label} update")
        check(officer, "the action update form")
        officer.get_by_role("radio", name="At risk").check()
        officer.get_by_role("textbox", name="What was done this quarter").fill(PROGRESS)
        officer.get_by_role("textbox", name="What happens next").fill("Order the cameras.")
        submit_update()
        expect(officer.locator(".govuk-error-summary")).to_contain_text("Say why the action is at risk")
        check(officer, "the action update form with errors")
        officer.get_by_role("textbox", name="Why it is at risk or off track").fill(
            "The camera budget is late."
        )
        officer.get_by_role("textbox", name="What is being done to bring it back on track").fill("Bid made.")
        back_by = officer.get_by_role("group", name="Date expected back on track")
        back_by.get_by_label("Day").fill("31")
        back_by.get_by_label("Month").fill("3")
        back_by.get_by_label("Year").fill("2027")
        submit_update(done=True)
        assert DeliverableUpdate.objects.get(pk=plan.update.pk).state == ReturnState.SUBMITTED

        # The coordinator signs in (password, then the authenticator code) and sends the return back.
        sign_in(coordinator, plan.coordinator.username, audit)
        expect(coordinator.get_by_role("heading", level=1)).to_contain_text("Enter the code")
        check(coordinator, "two-factor code")
        coordinator.get_by_label("Code from your authenticator app").fill(current_code(plan.device))
        coordinator.get_by_role("button", name="Continue").click()
        expect(coordinator.get_by_role("heading", level=1)).to_have_text("To review")
        check(coordinator, "the review queue")
        coordinator.get_by_role("link", name=code).click()
        expect(coordinator.get_by_role("heading", name="Review")).to_be_visible()
        check(coordinator, "a return under review")
        coordinator.get_by_role("button", name="Send back").click()  # no reason given yet
        expect(coordinator.locator(".govuk-error-summary")).to_contain_text("Say why the return is being")
        check(coordinator, "sending back, no reason")
        coordinator.get_by_label("Reason for sending back").fill(SENT_BACK_REASON)
        coordinator.get_by_role("button", name="Send back").click()
        expect(coordinator.get_by_role("alert")).to_contain_text(f"{code} sent back to {plan.agency.name}.")
        check(coordinator, "the review queue, sent back")
        coordinator.get_by_role("link", name=label).click()
        expect(coordinator.get_by_text(PROGRESS)).to_be_visible()
        check(coordinator, "an action update under review")
        coordinator.get_by_label("Reason for sending back").fill(ACTION_SENT_BACK)
        coordinator.get_by_role("button", name="Send back").click()
        expect(coordinator.get_by_role("alert")).to_contain_text(f"{label} sent back to {plan.agency.name}.")

        # The officer sees why, fixes the return and submits it again.
        officer.goto(reverse("home"))
        banner = officer.get_by_role("region", name="Sent back to you")
        expect(banner).to_contain_text(SENT_BACK_REASON)
        check(officer, "the officer's returns, one sent back")
        banner.get_by_role("link", name=code).click()
        expect(officer.get_by_role("region", name="Sent back by the coordinator")).to_contain_text(
            SENT_BACK_REASON
        )
        check(officer, "the return, sent back")
        officer.get_by_role("textbox", name="Update for the SEG", exact=True).fill(COMMENTARY + RESUBMITTED)
        if javascript:
            # Leaving the field validates it; let that finish before submitting. Submitting straight from
            # the field races that validation, which test_round.py's race test covers on its own.
            with officer.expect_response(is_validation("commentary")):
                officer.get_by_role("button", name="Submit return").focus()
        submit()
        assert Return.objects.get(pk=plan.ret.pk).state == ReturnState.SUBMITTED
        officer.get_by_role("region", name="Sent back to you").get_by_role("link", name=label).click()
        expect(officer.get_by_role("region", name="Sent back by the coordinator")).to_contain_text(
            ACTION_SENT_BACK
        )
        check(officer, "the action update, sent back")
        officer.get_by_role("textbox", name="What is being done to bring it back on track").fill(RECOVERY)
        submit_update(done=True)

        # The coordinator approves both, opens the quarter's report and downloads the PDF.
        coordinator.goto(reverse("review_queue_current", args=[plan.partnership.slug]))
        coordinator.get_by_role("link", name=code).click()
        expect(coordinator.get_by_text(COMMENTARY + RESUBMITTED)).to_be_visible()
        coordinator.get_by_role("link", name="Back to review").click()
        # Both approved together, after a check of what is about to be approved.
        for title in (code, label):
            coordinator.get_by_label(f"Approve {title} from {plan.agency.name}").check()
        coordinator.get_by_role("button", name="Approve the ones ticked").click()
        expect(coordinator.get_by_role("heading", level=1)).to_have_text("Approve 2 items?")
        check(coordinator, "approving two, the check")
        coordinator.get_by_role("button", name="Approve 2").click()
        expect(coordinator.get_by_role("alert")).to_contain_text("2 approved.")
        assert Return.objects.get(pk=plan.ret.pk).state == ReturnState.APPROVED
        assert DeliverableUpdate.objects.get(pk=plan.update.pk).state == ReturnState.APPROVED
        coordinator.get_by_role("navigation", name="Menu").get_by_role("link", name="Reports").click()
        check(coordinator, "the quarterly reports")
        coordinator.get_by_role("link", name=plan.period.quarter.label_in_words).click()
        expect(coordinator.get_by_role("link", name="Download the report as a PDF")).to_be_visible()
        actions_table = coordinator.get_by_role("table", name=re.compile("^Key deliverables"))
        expect(actions_table.get_by_role("row", name=re.compile(ACTION))).to_contain_text("At risk")
        expect(actions_table).to_contain_text(RECOVERY)
        check(coordinator, "the quarterly report")
        with coordinator.expect_download(timeout=60_000) as download_info:
            coordinator.get_by_role("link", name="Download the report as a PDF").click()
        download = download_info.value
        assert download.suggested_filename.endswith(".pdf")
        pdf = tmp_path / download.suggested_filename
        download.save_as(pdf)
        assert pdf.read_bytes().startswith(b"%PDF-")

        assert errors == [], f"the browser reported errors: {errors}"
        return pdf_text(pdf)

    return walk
