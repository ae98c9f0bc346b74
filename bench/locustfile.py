"""Simulated partner officers (and one coordinator) for `bench/load_test.py`, which starts and feeds it.

    python bench/load_test.py            # the way to run it: sets up the database, the app and this file

Run by hand only against an app and a setup file made by load_test.py:

    BENCH_SETUP=/tmp/x/setup.json BENCH_OUT=/tmp/x BENCH_USERS=51 BENCH_DURATION=60 \
        locust -f bench/locustfile.py --headless -u 51 -r 10 -t 240s --host http://127.0.0.1:PORT \
        Officer Coordinator

The measured run starts when every simulated user has signed in (stats are reset then, the sign-in phase
is kept in BENCH_OUT/measured.json) and lasts BENCH_DURATION seconds; -t only caps the whole.

Each officer signs in through the sign-in page (with its CSRF token), opens one of its agency's returns,
saves drafts over htmx with changing figures, now and then checks a field or saves without JavaScript,
and sometimes submits. Several officers share an agency, so two of them save the same return at once and
the optimistic lock refuses one ("Someone else saved this return"); the refused officer carries on from
the newer version, as a person would after re-applying their change. The coordinator sends submitted
returns back, so the pool of editable returns does not run dry during the run.

With several app servers (BENCH_SERVERS, from load_test.py --servers), every step of every simulated
person goes to any of them at random, as behind a load balancer without sticky sessions.

Every save the app acknowledges is written to BENCH_OUT/acks.jsonl (return id, the version it wrote, the
commentary marker), so load_test.py can check afterwards that the database holds every one of them. A
save counts as acknowledged only when the response says so: an htmx partial with "Draft saved at", a
submit's HX-Redirect to the returns list, or a no-JavaScript save whose redirect shows "Draft saved at".

The app runs with DEBUG off, as in production, behind what it takes to be a TLS proxy: every request
carries X-Forwarded-Proto: https (so the app sees a secure request and checks Origin for CSRF, as in
production), and the simulated browsers' cookie policy sends the Secure-only cookies back over the plain
loopback connection, as the proxy's TLS hop would carry them. Nothing in the app's settings is changed.
"""

import itertools
import json
import os
import random
import re
import threading
import time
from collections import Counter, defaultdict
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path

import gevent
from locust import FastHttpUser, between, events, task

SETUP = json.loads(Path(os.environ["BENCH_SETUP"]).read_text()) if os.environ.get("BENCH_SETUP") else {}
IN_PARTNERSHIP = f"/p/{SETUP.get('partnership', 'medway')}"
"""Where the partnership's pages are: every return, review and report address starts with it."""
OUT = Path(os.environ.get("BENCH_OUT", "."))
WAIT_MIN, WAIT_MAX = (float(x) for x in os.environ.get("BENCH_WAIT", "1,5").split(","))
SUBMIT_CHANCE = float(os.environ.get("BENCH_SUBMIT_CHANCE", "0.25"))
USERS = int(os.environ.get("BENCH_USERS", "0"))
MEASURED_SECONDS = float(os.environ.get("BENCH_DURATION", "0"))
SERVERS = [url for url in os.environ.get("BENCH_SERVERS", "").split(",") if url]
"""Every app server's URL (load_test.py --servers); empty: only --host."""

VERSION_INPUT = re.compile(r'<input[^>]*name="version"[^>]*>')
VALUE = re.compile(r'value="(\d+)"')
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
RETURN_LINK = re.compile(r'href="/p/[\w-]+/returns/(\d+)/"')
STALE = "Someone else saved this return"
SAVED = "Draft saved at"

_officers = itertools.count()
_lock = threading.Lock()  # gevent is cooperative, but the counters are shared by every simulated user
acks: list[dict] = []
outcomes: Counter = Counter()
statuses: dict[str, Counter] = defaultdict(Counter)
unexplained: list[dict] = []  # saves neither acknowledged nor refused: what the app answered instead
ERROR_ITEM = re.compile(r'<ul class="govuk-list govuk-error-summary__list">\s*<li>(.*?)</li>', re.S)
BANNER = re.compile(r'<p class="govuk-notification-banner__heading">(.*?)</p>', re.S)
_first_start: list[float] = []  # when the first simulated user started
_started: list[float] = []  # when each had signed in


def ready(environment) -> None:
    """One more user has signed in (or tried). When all have, the measured run starts: stats are reset, and
    the run ends BENCH_DURATION seconds later, so the figures are for everybody working, not signing in."""
    with _lock:
        _started.append(time.time())
        if len(_started) != USERS or not MEASURED_SECONDS:
            return
    stats = environment.runner.stats
    sign_in = {}
    for (name, _method), entry in stats.entries.items():
        if name.startswith("sign in") and entry.num_requests:
            sign_in[name] = {
                "requests": entry.num_requests,
                "p50": entry.get_response_time_percentile(0.5),
                "p95": entry.get_response_time_percentile(0.95),
                "max": entry.max_response_time,
            }
    phase = {"sign_in_seconds": _started[-1] - _first_start[0], "sign_in": sign_in}
    stats.reset_all()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "measured.json").write_text(json.dumps(phase | {"started": time.time()}))
    gevent.spawn_later(MEASURED_SECONDS, environment.runner.quit)


@events.request.add_listener
def _count_status(request_type, name, response_time, response_length, response=None, exception=None, **kw):
    code = getattr(response, "status_code", 0) if exception is None else "error"
    statuses[name][str(code)] += 1


@events.quitting.add_listener
def _write_results(environment, **kw):
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / "acks.jsonl").open("w") as f:
        for ack in acks:
            f.write(json.dumps(ack) + "\n")
    (OUT / "outcomes.json").write_text(
        json.dumps(
            {
                "outcomes": outcomes,
                "statuses": {k: dict(v) for k, v in statuses.items()},
                "unexplained": unexplained,
            },
            indent=1,
        )
    )


def version_in(html: str) -> int | None:
    tag = VERSION_INPUT.search(html)
    found = VALUE.search(tag.group(0)) if tag else None
    return int(found.group(1)) if found else None


def csrf_in(html: str) -> str | None:
    found = CSRF_INPUT.search(html)
    return found.group(1) if found else None


class LoopbackTLSPolicy(DefaultCookiePolicy):
    """Send Secure cookies over the plain-http loopback hop, as a TLS-terminating proxy would get them."""

    def return_ok_secure(self, cookie, request) -> bool:
        return True


class Browser(FastHttpUser):
    """What every simulated person shares: the proxy header, Origin and Referer, and signing in."""

    abstract = True
    wait_time = between(WAIT_MIN, WAIT_MAX)

    def on_start(self) -> None:
        _first_start.append(time.time())
        self.use_server(random.choice(SERVERS) if SERVERS else self.host)  # noqa: S311
        self.csrf = ""
        self.client.cookiejar.set_policy(LoopbackTLSPolicy())

    def use_server(self, url: str) -> None:
        """Send the next requests to this app server (its origin for CSRF's Origin check)."""
        self.client.base_url = url.rstrip("/")
        self.origin = "https://" + url.split("://", 1)[1].rstrip("/")

    def next_step_anywhere(self) -> None:
        """With several app servers, each step goes to any of them, as behind a load balancer with no
        sticky sessions: the session, the CSRF token and the return's version must hold on all of them."""
        if len(SERVERS) > 1:
            self.use_server(random.choice(SERVERS))  # noqa: S311

    def headers(self, page: str = "/", htmx: bool = False) -> dict:
        headers = {"X-Forwarded-Proto": "https", "Origin": self.origin, "Referer": self.origin + page}
        if htmx:
            headers |= {"HX-Request": "true", "HX-Current-URL": self.origin + page, "X-CSRFToken": self.csrf}
        return headers

    def sign_in(self, username: str, password: str) -> bool:
        page = self.client.get("/accounts/login/", headers=self.headers(), name="sign in (GET)")
        token = csrf_in(page.text or "")
        with self.client.post(
            "/accounts/login/",
            data={"csrfmiddlewaretoken": token, "username": username, "password": password},
            headers=self.headers("/accounts/login/"),
            name="sign in (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in of {username} refused: {response.status_code}")
                return False
            return True

    def note(self, outcome: str) -> None:
        with _lock:
            outcomes[outcome] += 1

    def explain(self, kind: str, response, html: str) -> None:
        """Keep what the app said to a save that was neither acknowledged nor refused, for the report."""
        error = ERROR_ITEM.search(html) or BANNER.search(html)
        with _lock:
            unexplained.append(
                {
                    "kind": kind,
                    "user": getattr(self, "username", ""),
                    "ret": getattr(self, "ret", None),
                    "status": response.status_code,
                    "hx_redirect": response.headers.get("HX-Redirect") or "",
                    "error": " ".join(error.group(1).split()) if error else "",
                    "t": time.time(),
                }
            )


class Officer(Browser):
    def on_start(self) -> None:
        super().on_start()
        me = SETUP["officers"][next(_officers) % len(SETUP["officers"])]
        self.username = me["username"]
        self.returns = list(me["returns"])
        self.done: set[int] = (
            set()
        )  # returns found submitted: tried again only after a coordinator's send-back
        self.ret: int | None = None
        self.version = 0
        self.saves_left = 0
        self.sequence = 0
        self.signed_in = self.sign_in(self.username, SETUP["password"])
        ready(self.environment)

    # One step per task run; wait_time between steps is the officer reading and typing.
    @task
    def step(self) -> None:
        self.next_step_anywhere()
        if not self.signed_in:
            self.signed_in = self.sign_in(self.username, SETUP["password"])
            return
        if self.ret is None:
            self.open_a_return()
        elif self.saves_left > 0:
            if random.random() < 0.5:  # noqa: S311 (simulated behaviour, not security)
                self.check_field()
            if random.random() < 0.1:  # noqa: S311
                self.save_without_javascript()
            else:
                self.save()
        elif random.random() < SUBMIT_CHANCE:  # noqa: S311
            self.submit()
        else:
            self.leave()

    def open_a_return(self) -> None:
        self.client.get("/returns/", headers=self.headers(), name="officer home")
        if random.random() < 0.1:  # noqa: S311 (a returned one may be editable again)
            self.done.clear()
        choices = [r for r in self.returns if r not in self.done] or self.returns
        ret = random.choice(choices)  # noqa: S311
        page = self.client.get(
            f"{IN_PARTNERSHIP}/returns/{ret}/", headers=self.headers(), name="return page (GET)"
        )
        html = page.text or ""
        version = version_in(html)
        if page.status_code != 200 or version is None:  # submitted, so not editable: no form
            self.done.add(ret)
            self.note("opened a return that is not editable")
            return
        self.ret, self.version = ret, version
        self.csrf = csrf_in(html) or ""
        self.saves_left = random.randint(2, 6)  # noqa: S311

    def leave(self) -> None:
        self.ret = None
        self.client.get("/returns/", headers=self.headers(), name="officer home")

    def form_data(self, action: str) -> tuple[dict, str]:
        self.sequence += 1
        marker = f"{self.username}#{self.sequence}"
        spec = SETUP["returns"][str(self.ret)]
        data = {
            "csrfmiddlewaretoken": self.csrf,
            "version": str(self.version),
            "commentary": f"Bench update [{marker}]: figures as counted this quarter.",
            "escalation": "",
            "action": action,
            # Random figures are often red or amber against their targets, which needs these to submit
            # (and a green result keeps them without harm).
            "why": "Demand rose this quarter.",
            "recovery": "Extra sessions each week until it recovers.",
            "back_on_track_by_day": "31",
            "back_on_track_by_month": "3",
            "back_on_track_by_year": "2027",
        }
        if spec["rating"]:
            data["agency_rating"] = "green"
        for name, kind, choices in spec["fields"]:
            if kind == "status":
                data[name] = random.choice(choices)  # noqa: S311
            elif kind == "numerator":
                data[name] = str(random.randint(0, 50))  # noqa: S311 (never above the denominator below)
            elif kind == "denominator":
                data[name] = str(random.randint(50, 400))  # noqa: S311
            elif kind == "percentage":
                data[name] = f"{random.uniform(0, 100):.1f}"  # noqa: S311
            else:
                data[name] = str(random.randint(0, 5000))  # noqa: S311
        return data, marker

    def acknowledge(self, kind: str, version: int, marker: str, data: dict) -> None:
        with _lock:
            acks.append(
                {
                    "ret": self.ret,
                    "version": version,
                    "marker": marker,
                    "commentary": data["commentary"],
                    "kind": kind,
                    "user": self.username,
                    "t": time.time(),
                }
            )

    def refused_as_stale(self, html: str) -> None:
        self.note("stale save refused")
        self.version = version_in(html) or self.version

    def not_editable(self) -> None:
        self.note("return no longer editable (submitted by a colleague)")
        self.done.add(self.ret)
        self.ret = None

    def check_field(self) -> None:
        data, _ = self.form_data("save")
        field = random.choice([f[0] for f in SETUP["returns"][str(self.ret)]["fields"]] + ["commentary"])  # noqa: S311
        data["_validate"] = field
        page = f"{IN_PARTNERSHIP}/returns/{self.ret}/"
        self.client.post(page, data=data, headers=self.headers(page, htmx=True), name="field check (htmx)")

    def save(self) -> None:
        data, marker = self.form_data("save")
        page = f"{IN_PARTNERSHIP}/returns/{self.ret}/"
        sent = self.version
        with self.client.post(
            page,
            data=data,
            headers=self.headers(page, htmx=True),
            name="save draft (htmx)",
            catch_response=True,
        ) as response:
            html = response.text or ""
            if response.status_code == 200 and SAVED in html:
                self.acknowledge("save", sent + 1, marker, data)
                self.version = version_in(html) or sent + 1
                self.saves_left -= 1
                self.note("save acknowledged")
            elif response.status_code == 200 and STALE in html:
                self.refused_as_stale(html)
            elif response.status_code == 200 and response.headers.get("HX-Redirect"):
                self.not_editable()
            elif response.status_code >= 500:
                response.failure(f"server error {response.status_code}")
            else:
                self.note("save neither acknowledged nor refused")
                self.explain("save (htmx)", response, html)
                response.failure("save neither acknowledged nor refused")

    def save_without_javascript(self) -> None:
        data, marker = self.form_data("save")
        page = f"{IN_PARTNERSHIP}/returns/{self.ret}/"
        sent = self.version
        response = self.client.post(
            page,
            data=data,
            headers=self.headers(page),
            name="save draft (no JS, POST)",
            allow_redirects=False,
        )
        if response.status_code == 302:
            # A refusal ("can no longer be changed") redirects there too: the page it leads to says which.
            after = self.client.get(page, headers=self.headers(page), name="return page (GET after save)")
            html = after.text or ""
            if SAVED in html:
                self.acknowledge("save", sent + 1, marker, data)
                self.saves_left -= 1
                self.note("save acknowledged (no JS)")
                self.version = version_in(html) or sent + 1
                self.csrf = csrf_in(html) or self.csrf
            elif version_in(html) is None:
                self.not_editable()
            else:
                self.note("save neither acknowledged nor refused")
                self.explain("save (no JS)", after, html)
                self.version = version_in(html) or self.version
        elif response.status_code == 200 and STALE in (response.text or ""):
            self.refused_as_stale(response.text)

    def submit(self) -> None:
        data, marker = self.form_data("submit")
        page = f"{IN_PARTNERSHIP}/returns/{self.ret}/"
        sent = self.version
        with self.client.post(
            page, data=data, headers=self.headers(page, htmx=True), name="submit (htmx)", catch_response=True
        ) as response:
            html = response.text or ""
            target = response.headers.get("HX-Redirect") or ""
            if response.status_code == 200 and target.split("?")[0] == "/returns/":  # to the officer list
                # One save (sent + 1) then the submission (sent + 2), both carrying this commentary.
                self.acknowledge("submit", sent + 2, marker, data)
                self.note("submit acknowledged")
                self.done.add(self.ret)
                self.ret = None
            elif response.status_code == 200 and STALE in html:
                self.refused_as_stale(html)
                return
            elif response.status_code == 200 and target:
                self.not_editable()
            elif response.status_code >= 500:
                response.failure(f"server error {response.status_code}")
                return
            else:
                self.note("submit neither acknowledged nor refused")
                self.explain("submit (htmx)", response, html)
                response.failure("submit neither acknowledged nor refused")
                return
        self.client.get("/returns/", headers=self.headers(), name="officer home")


class Coordinator(Browser):
    """Sends submitted returns back, oldest first, so officers always have editable returns."""

    fixed_count = int(os.environ.get("BENCH_COORDINATORS", "1"))
    wait_time = between(1, 3)

    def on_start(self) -> None:
        super().on_start()
        self.signed_in = self.sign_in(SETUP["coordinator"], SETUP["password"])
        ready(self.environment)

    @task
    def review(self) -> None:
        self.next_step_anywhere()
        if not self.signed_in:
            self.signed_in = self.sign_in(SETUP["coordinator"], SETUP["password"])
            return
        queue = self.client.get(
            f"{IN_PARTNERSHIP}/review/", headers=self.headers(), name="review queue (coordinator)"
        )
        for ret in RETURN_LINK.findall(queue.text or "")[:3]:
            page = f"{IN_PARTNERSHIP}/returns/{ret}/"
            opened = self.client.get(page, headers=self.headers(), name="return page (coordinator)")
            token = csrf_in(opened.text or "")
            if not token:
                continue
            response = self.client.post(
                f"{IN_PARTNERSHIP}/returns/{ret}/review/",
                data={
                    "csrfmiddlewaretoken": token,
                    "decision": "send_back",
                    "reason": "Bench: please check.",
                },
                headers=self.headers(page),
                name="send back (coordinator)",
                allow_redirects=False,
            )
            if response.status_code == 302 and "/review/" in response.headers.get("Location", ""):
                self.note("sent back")


class BareVisitor(FastHttpUser):
    """The bare view of bench/bare_urls.py through the same stack, for the app's cost as a ratio."""

    wait_time = between(WAIT_MIN, WAIT_MAX)

    def on_start(self) -> None:
        _first_start.append(time.time())
        origin = "https://" + self.host.split("://", 1)[1].rstrip("/")
        self.bare_headers = {"X-Forwarded-Proto": "https", "Origin": origin, "Referer": origin + "/"}
        ready(self.environment)

    @task
    def bare(self) -> None:
        self.client.get("/bare/", headers=self.bare_headers, name="bare view")
