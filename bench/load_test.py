"""Load and concurrency: N simulated officers save and submit returns against gunicorn on PostgreSQL.

    .venv/bin/python bench/load_test.py                     # 50 officers, 60 s, then the bare view for 30 s
    .venv/bin/python bench/load_test.py --officers 20 --duration 30 --keep
    .venv/bin/python bench/load_test.py --servers 2               # two app servers on one database

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth) and the bench extra
(`.venv/bin/pip install -e '.[bench]'`, which brings locust). Everything stays on loopback.

What it does, in order, each step bounded in time:
1. Creates its own database (default `bench_load`, dropped first if it exists, and at the end unless
   --keep), migrates it, seeds it with `seed_demo` (the Medway plan, the current quarter open) and adds
   N officers spread over the agencies in proportion to their returns, at least two per agency, so that
   two officers save the same return at once and the optimistic lock is exercised.
2. Collects static files into a temporary STATIC_ROOT and starts the app under gunicorn (sync workers,
   --workers 4 --threads 1 by default: two per core on the 2-core machine this was written for) with
   DEBUG off and a random SECRET_KEY, as in production, on a free loopback port.
3. Runs locust headless with bench/locustfile.py: the officers (and one coordinator, who sends submitted
   returns back so the pool of editable returns never runs dry). Everybody signs in first (the sign-in
   phase is reported on its own line, with what one password check costs); the measured run starts
   when the last has signed in and lasts --duration seconds.
4. Starts the same gunicorn with bench/bare_wsgi.py (the app's settings and middleware, a URLconf with one
   view that returns "ok") and runs the same number of simulated users against it.
5. Checks the database: every acknowledged save is in the return's history with the version and
   commentary it wrote; no two saves were acknowledged from the same version; every return holds its
   latest acknowledged commentary. Counts 5xx responses and errors in gunicorn's log.
6. Prints requests per second and p50/p95/p99 per endpoint, the checks, the bare view's figures and the
   app's cost as a ratio of the bare view's (server CPU per request, and latency).

Nothing is asserted: the figures are printed. Emails (a send-back emails the agency's officers) go to the
console backend, so gunicorn's log takes them and no SMTP connection is tried.
"""

import argparse
import csv
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
SEED_TODAY = "2026-10-15"  # within the Medway plan year: Q1 closed and approved, Q2 just ended and open


PARTNERSHIP = "medway"
"""The partnership whose open quarter the load works on (seed_demo loads Medway's and Northam's)."""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--officers", type=int, default=50, help="simulated officers (default 50)")
    parser.add_argument("--coordinators", type=int, default=1, help="simulated coordinators (default 1)")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load on the app (default 60)")
    parser.add_argument("--bare-duration", type=int, default=30, help="seconds on the bare view (default 30)")
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second (default 10)")
    parser.add_argument("--wait", default="1,5", help="think time between steps, min,max s (default 1,5)")
    parser.add_argument(
        "--workers",
        type=int,
        default=4,
        help="gunicorn sync workers in all, split over the servers (default 4)",
    )
    parser.add_argument(
        "--servers", type=int, default=1, help="app servers on the one database, sharing media (default 1)"
    )
    parser.add_argument("--database", default="bench_load", help="PostgreSQL database to create and use")
    parser.add_argument("--keep", action="store_true", help="keep the database and the temporary folder")
    parser.add_argument("--skip-bare", action="store_true", help="do not run the bare view")
    args = parser.parse_args()
    if args.database in {"postgres", "test_postgres", "template0", "template1"}:
        parser.error(f"{args.database} is not the bench's to use")
    if not (1 <= args.duration <= 600 and 1 <= args.bare_duration <= 600 and 1 <= args.officers <= 500):
        parser.error("durations must be 1-600 s and officers 1-500")
    if not 1 <= args.servers <= 4:
        parser.error("servers must be 1-4")
    return args


# --- the database -------------------------------------------------------------------------------------


def maintenance(sql: str) -> None:
    """CREATE/DROP DATABASE, from template1 (the bench never connects to the postgres database)."""
    import psycopg

    with psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="template1", autocommit=True) as c:
        c.execute(sql)


def recreate_database(name: str) -> None:
    maintenance(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    maintenance(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")


def environment(database: str, folder: Path) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "csp.settings",
        "DATABASE_URL": f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{database}",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "REQUIRE_TWO_FACTOR": "false",
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(folder / "media"),
        "TASKS_BACKEND": "immediate",
        "LOG_LEVEL": "WARNING",
        "EMAIL_HOST": "",  # the console backend: nothing is sent, no SMTP connection is tried
        "PYTHONUNBUFFERED": "1",
    }


def manage(env: dict, *args: str, timeout: int = 600) -> None:
    subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=os.environ | env,
        check=True,
        timeout=timeout,
        stdout=subprocess.DEVNULL,
    )


def allocate(officers: int, returns_per_agency: dict[int, int]) -> list[int]:
    """Agency of each officer: in proportion to the agency's returns, at least two each where possible."""
    agencies = sorted(returns_per_agency, key=lambda a: (-returns_per_agency[a], a))
    floor = 2 if officers >= 2 * len(agencies) else (1 if officers >= len(agencies) else 0)
    counts = dict.fromkeys(agencies, floor)
    spare = officers - floor * len(agencies)
    total = sum(returns_per_agency.values())
    shares = {a: spare * returns_per_agency[a] / total for a in agencies}
    for a in agencies:
        counts[a] += int(shares[a])
    left = officers - sum(counts.values())
    for a in sorted(agencies, key=lambda a: -(shares[a] - int(shares[a])))[:left]:
        counts[a] += 1
    return [a for a in agencies for _ in range(counts[a])]


def prepare(officers: int, password: str, folder: Path) -> dict:
    """Bench officers and what the load needs to know about each return; returns the setup written."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from csp.models import Membership, Partnership
    from indicators.fields import measure_field_names
    from indicators.kinds import Aggregation, MilestoneStatus, Unit
    from returns.models import Return
    from returns.periods import current_period

    period = current_period(Partnership.objects.get(slug=PARTNERSHIP))
    returns = list(Return.objects.filter(period=period, agency__isnull=False).order_by("pk"))
    by_agency: dict[int, list[int]] = defaultdict(list)
    for ret in returns:
        by_agency[ret.agency_id].append(ret.pk)
    User = get_user_model()
    hashed = make_password(password)  # hashed once: 50 hashings would only slow the set-up
    setup: dict = {
        "password": password,
        "coordinator": "coordinator",
        "partnership": PARTNERSHIP,
        "period": period.pk,
        "officers": [],
    }
    with transaction.atomic():
        for number, agency_id in enumerate(allocate(officers, {a: len(r) for a, r in by_agency.items()}), 1):
            user = User.objects.create(username=f"bench-officer-{number:03d}", password=hashed)
            Membership.objects.create(user=user, agency_id=agency_id)
            setup["officers"].append({"username": user.username, "returns": by_agency[agency_id]})
    setup["returns"] = {}
    for ret in returns:
        measures = list(ret.supplied_measures())
        fields = []
        for measure in measures:
            for name in measure_field_names(measure):
                if measure.aggregation == Aggregation.RATIO:
                    kind = name.rsplit("_", 1)[1]
                elif measure.unit == Unit.MILESTONE:
                    kind = "status"
                elif measure.unit == Unit.PERCENTAGE:
                    kind = "percentage"
                else:
                    kind = "number"
                fields.append([name, kind, list(MilestoneStatus.values) if kind == "status" else []])
        rating = not any(m.target_decides_rating for m in measures)
        setup["returns"][str(ret.pk)] = {"fields": fields, "rating": rating}
    (folder / "setup.json").write_text(json.dumps(setup))
    # What one sign-in's password check costs (the configured hasher), to show the load's cost without the
    # sign-ins; bench/password_hash.py compares it with the alternatives.
    from django.contrib.auth.hashers import check_password, identify_hasher

    costs = []
    for _ in range(3):
        started = time.process_time()
        check_password(password, hashed)
        costs.append(time.process_time() - started)
    setup["hash_seconds"] = min(costs)
    setup["hasher"] = identify_hasher(hashed).algorithm
    return setup


# --- processes ----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """One gunicorn master in its own process group, so stopping it stops its workers and nothing else."""

    def __init__(self, app: str, env: dict, workers: int, log: Path, ready_path: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log
        self.log = log.open("w")
        self.process = subprocess.Popen(  # noqa: S603
            [
                str(BIN / "gunicorn"),
                app,
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--threads",
                "1",
                "--worker-class",
                "sync",
                "--timeout",
                "30",
                "--graceful-timeout",
                "10",
            ],
            cwd=ROOT,
            env=os.environ | env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start: see {log}")
            try:
                with urllib.request.urlopen(self.url + ready_path, timeout=5) as response:  # noqa: S310
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            self.stop()
            raise RuntimeError(f"gunicorn did not answer {ready_path} within 60 s: see {log}")
        # Every worker imports Django and opens its pool on its first request: warm them all up.
        for _ in range(workers * 4):
            urllib.request.urlopen(self.url + ready_path, timeout=5).close()  # noqa: S310

    def cpu_seconds(self) -> float:
        import psutil

        try:
            workers = psutil.Process(self.process.pid).children()
            return sum(w.cpu_times().user + w.cpu_times().system for w in workers)
        except psutil.Error:
            return float("nan")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.close()


def postgres_cpu_seconds(database: str) -> dict[int, float]:
    """CPU used so far by each PostgreSQL backend serving the database (their titles name it)."""
    import psutil

    used = {}
    for process in psutil.process_iter(["name", "cmdline"]):
        try:
            title = " ".join(process.info["cmdline"] or [])
            if title.startswith("postgres: ") and f" {database} " in title:
                times = process.cpu_times()
                used[process.pid] = times.user + times.system
        except psutil.Error:
            continue
    return used


SIGN_IN_CAP = 180  # seconds allowed for every simulated user to sign in before the measured run


def run_locust(
    host: str,
    users: int,
    spawn_rate: float,
    duration: int,
    classes: list[str],
    env: dict,
    folder: Path,
    prefix: str,
    on_measured,
) -> Path:
    """locust, headless. The measured run starts when every user has signed in (locustfile.ready): then
    on_measured() is called, and the run lasts `duration` seconds."""
    out = folder / prefix
    out.mkdir(exist_ok=True)
    command = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "-u",
        str(users),
        "-r",
        str(spawn_rate),
        "-t",
        f"{duration + SIGN_IN_CAP}s",
        "--host",
        host,
        "--csv",
        str(out / "stats"),
        "--only-summary",
        "--stop-timeout",
        "10",
        "--exit-code-on-error",
        "0",
        "--loglevel",
        "WARNING",
        *classes,
    ]
    run_env = (
        os.environ | env | {"BENCH_OUT": str(out), "BENCH_USERS": str(users), "BENCH_DURATION": str(duration)}
    )
    measured = False
    with (out / "locust.log").open("w") as log:
        process = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=run_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + duration + SIGN_IN_CAP + 120
        try:
            while process.poll() is None and time.monotonic() < deadline:
                if not measured and (out / "measured.json").exists():
                    on_measured()
                    measured = True
                time.sleep(0.1)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)
    if not measured:
        print(f"  ! not every user signed in within {SIGN_IN_CAP} s: the figures include the sign-in phase")
    return out


# --- results ------------------------------------------------------------------------------------------


def read_stats(out: Path) -> list[dict]:
    with (out / "stats_stats.csv").open() as f:
        return list(csv.DictReader(f))


def ms(value: str) -> str:
    return "-" if value in ("", "N/A") else f"{float(value):.0f}"


def print_stats(rows: list[dict], title: str) -> None:
    print(f"\n{title}")
    print(
        f"  {'endpoint':<34}{'requests':>9}{'req/s':>8}{'fails':>7}{'p50 ms':>8}{'p95 ms':>8}"
        f"{'p99 ms':>8}{'max ms':>8}"
    )
    for row in rows:
        if not int(row["Request Count"]):
            continue
        name = row["Name"] if row["Name"] != "Aggregated" else "all endpoints"
        print(
            f"  {name:<34}{row['Request Count']:>9}{float(row['Requests/s']):>8.1f}"
            f"{row['Failure Count']:>7}{ms(row['50%']):>8}{ms(row['95%']):>8}{ms(row['99%']):>8}"
            f"{ms(row['Max Response Time']):>8}"
        )


def server_errors(out: Path, logs: list[Path]) -> tuple[int, dict, int]:
    statuses = json.loads((out / "outcomes.json").read_text())["statuses"]
    by_code = Counter()
    for codes in statuses.values():
        by_code.update(codes)
    five_xx = sum(n for code, n in by_code.items() if code.startswith("5"))
    logged = 0
    for log in logs:
        text = log.read_text(errors="replace")
        logged += text.count("Internal Server Error") + text.count("WORKER TIMEOUT")
    return five_xx, dict(sorted(by_code.items())), logged


def shared_media_check(apps: list, password: str, period_id: int) -> str:
    """The report's PDF made through the first app server, then downloaded from each of the others: they
    must find the render in the database and its file in the shared MEDIA_ROOT. The result, in words."""
    import http.cookiejar
    import re

    class LoopbackTLS(http.cookiejar.DefaultCookiePolicy):
        def return_ok_secure(self, cookie, request) -> bool:
            return True  # the Secure session cookie over the loopback hop, as a TLS proxy would carry it

    jar = http.cookiejar.CookieJar(policy=LoopbackTLS())
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def fetch(app, path: str, data: dict | None = None) -> bytes:
        origin = "https://" + app.url.split("://", 1)[1]
        headers = {"X-Forwarded-Proto": "https", "Origin": origin, "Referer": origin + path}
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(app.url + path, data=body, headers=headers)  # noqa: S310
        with opener.open(request, timeout=120) as response:
            return response.read()

    first = apps[0]
    page = fetch(first, "/accounts/login/").decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    fetch(
        first,
        "/accounts/login/",
        {"csrfmiddlewaretoken": token, "username": "coordinator", "password": password},
    )
    made = fetch(first, f"/p/{PARTNERSHIP}/reports/{period_id}/pdf/")
    if not made.startswith(b"%PDF"):
        return "the first server did not return a PDF"
    for app in apps[1:]:
        if fetch(app, f"/p/{PARTNERSHIP}/reports/{period_id}/pdf/") != made:
            return f"{app.url} did not serve the PDF the first server made"
    return f"a {len(made) // 1024} KB report PDF made through {first.url} was served by every other server"


def check_database(out: Path, started: float, period_id: int) -> dict:
    """Every acknowledged save in the history with what it wrote; the latest one is what is stored."""
    from datetime import UTC, datetime

    from returns.models import Return

    acks = [json.loads(line) for line in (out / "acks.jsonl").read_text().splitlines() if line]
    history = Return.history.model.objects.filter(
        period_id=period_id, history_date__gte=datetime.fromtimestamp(started - 5, tz=UTC)
    )
    written = {
        (h.id, h.version): h
        for h in history.only(
            "id", "version", "commentary", "history_user__username", "history_change_reason"
        ).select_related("history_user")
    }
    expected: list[tuple[int, int, str]] = []
    for ack in acks:
        expected.append((ack["ret"], ack["version"], ack["commentary"]))
        if ack["kind"] == "submit":
            expected.append((ack["ret"], ack["version"] - 1, ack["commentary"]))
    found = sum(1 for r, v, c in expected if (r, v) in written and written[r, v].commentary == c)
    twice = sum(n - 1 for n in Counter((r, v) for r, v, _ in expected).values() if n > 1)
    acked_versions = {(r, v) for r, v, _ in expected}
    unacknowledged = sum(
        1
        for key, h in written.items()
        if key not in acked_versions
        and h.history_user
        and h.history_user.username.startswith("bench-officer")
    )
    latest: dict[int, dict] = {}
    for ack in acks:
        if ack["ret"] not in latest or ack["version"] > latest[ack["ret"]]["version"]:
            latest[ack["ret"]] = ack
    stored = dict(Return.objects.filter(pk__in=latest).values_list("pk", "commentary"))
    versions = dict(Return.objects.filter(pk__in=latest).values_list("pk", "version"))
    final_ok = final_overwritten = final_lost = 0
    for ret, ack in latest.items():
        if stored.get(ret) == ack["commentary"]:
            final_ok += 1
        elif any(
            r == ret and v > ack["version"] and h.history_change_reason in ("Draft saved", "Submitted")
            for (r, v), h in written.items()
        ):
            final_overwritten += 1  # a later save the client never saw acknowledged (e.g. cut off)
        else:
            final_lost += 1
    sent_back = sum(1 for h in written.values() if (h.history_change_reason or "").startswith("Sent back"))
    return {
        "acks": len(acks),
        "ack_saves": sum(a["kind"] == "save" for a in acks),
        "ack_submits": sum(a["kind"] == "submit" for a in acks),
        "expected_rows": len(expected),
        "found_rows": found,
        "acknowledged_twice": twice,
        "unacknowledged_writes": unacknowledged,
        "returns_touched": len(latest),
        "final_ok": final_ok,
        "final_overwritten_unacknowledged": final_overwritten,
        "final_lost": final_lost,
        "sent_back_in_history": sent_back,
        "max_version": max(versions.values(), default=0),
    }


def main() -> None:
    args = parse_args()
    wait_min, wait_max = (float(x) for x in args.wait.split(","))
    folder = Path(tempfile.mkdtemp(prefix="bench-load-"))
    env = environment(args.database, folder)
    password = secrets.token_urlsafe(16)
    command = " ".join(["python bench/load_test.py", *sys.argv[1:]])
    print(f"{command}\n  database {args.database}, temporary folder {folder}")
    servers: list[Gunicorn] = []
    dropped = False
    try:
        t0 = time.monotonic()
        recreate_database(args.database)
        manage(env, "migrate", "--no-input")
        manage(env, "collectstatic", "--no-input")
        manage(env, "seed_demo", "--password", password, "--today", SEED_TODAY)
        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        setup = prepare(args.officers, password, folder)
        agencies = Counter(tuple(o["returns"]) for o in setup["officers"])
        print(
            f"  set up in {time.monotonic() - t0:.0f} s: {len(setup['returns'])} returns in the open period, "
            f"{args.officers} officers over {len(agencies)} agencies "
            f"({min(agencies.values())}-{max(agencies.values())} per agency), "
            f"{args.coordinators} coordinator(s)"
        )
        load_env = env | {
            "BENCH_SETUP": str(folder / "setup.json"),
            "BENCH_WAIT": f"{wait_min},{wait_max}",
            "BENCH_COORDINATORS": str(args.coordinators),
        }

        per_server = max(1, args.workers // args.servers)
        apps = [
            Gunicorn("csp.wsgi:application", env, per_server, folder / f"gunicorn-app-{n}.log", "/healthz")
            for n in range(1, args.servers + 1)
        ]
        servers.extend(apps)
        for app in apps:
            print(f"  app under gunicorn at {app.url}: --workers {per_server} --threads 1 (sync), DEBUG off")
        if len(apps) > 1:
            print(
                f"  {len(apps)} app servers on one database, sharing MEDIA_ROOT: each simulated person's "
                "every step goes to any of them (no sticky sessions)"
            )
        load_env["BENCH_SERVERS"] = ",".join(app.url for app in apps)
        window: dict = {}

        def apps_cpu() -> float:
            return sum(app.cpu_seconds() for app in apps)

        def app_measured() -> None:
            window.update(cpu=apps_cpu(), pg=postgres_cpu_seconds(args.database), load=os.getloadavg()[0])

        started = time.time()
        users = args.officers + args.coordinators
        out = run_locust(
            apps[0].url,
            users,
            args.spawn_rate,
            args.duration,
            ["Officer", "Coordinator"],
            load_env,
            folder,
            "app",
            app_measured,
        )
        app_cpu = apps_cpu() - window.get("cpu", 0.0)
        load_after = os.getloadavg()[0]
        pg_after = postgres_cpu_seconds(args.database)
        pg_cpu = sum(t - window.get("pg", {}).get(pid, 0.0) for pid, t in pg_after.items())
        media_check = shared_media_check(apps, password, setup["period"]) if len(apps) > 1 else ""
        for app in apps:
            app.stop()
        app_rows = read_stats(out)
        five_xx, by_code, logged = server_errors(out, [app.log_path for app in apps])
        results = json.loads((out / "outcomes.json").read_text())
        outcomes, unexplained = results["outcomes"], results.get("unexplained", [])
        phase = json.loads((out / "measured.json").read_text()) if (out / "measured.json").exists() else {}

        bare_rows = []
        bare_cpu = 0.0
        if not args.skip_bare:
            bare = Gunicorn(
                "bench.bare_wsgi:application", env, args.workers, folder / "gunicorn-bare.log", "/bare/"
            )
            servers.append(bare)
            bare_window: dict = {}

            def bare_measured() -> None:
                bare_window["cpu"] = bare.cpu_seconds()

            bare_out = run_locust(
                bare.url,
                args.officers,
                args.spawn_rate,
                args.bare_duration,
                ["BareVisitor"],
                load_env,
                folder,
                "bare",
                bare_measured,
            )
            bare_cpu = bare.cpu_seconds() - bare_window.get("cpu", 0.0)
            bare.stop()
            bare_rows = read_stats(bare_out)

        check = check_database(out, started, setup["period"])

        if phase:
            posts = phase["sign_in"].get("sign in (POST)", {})
            print(
                f"\nSign-in phase (not in the figures below): {posts.get('requests', 0)} sign-ins in "
                f"{phase['sign_in_seconds']:.0f} s, sign-in POST p50 {posts.get('p50', 0):.0f} ms, "
                f"p95 {posts.get('p95', 0):.0f} ms (a password check costs about "
                f"{1000 * setup['hash_seconds']:.0f} ms of CPU: {setup['hasher']})"
            )
        print_stats(
            app_rows,
            f"App, measured once everybody had signed in: {args.officers} officers + {args.coordinators} "
            f"coordinator for {args.duration} s, think time {wait_min}-{wait_max} s between steps",
        )
        total = next(r for r in app_rows if r["Name"] == "Aggregated")
        requests = int(total["Request Count"])
        print(f"\n  responses by status, whole run: {by_code}")
        print(
            f"  5xx responses: {five_xx}; errors in gunicorn's log: {logged}; "
            f"locust failures: {total['Failure Count']}"
        )
        print(f"  outcomes, whole run: {dict(sorted(outcomes.items()))}")
        if media_check:
            print(f"  shared media: {media_check}")
        for item in unexplained:
            print(
                f"  neither acknowledged nor refused: {item['kind']} by {item['user']} "
                f"on return {item['ret']}: status {item['status']}, "
                f"HX-Redirect {item['hx_redirect'] or '-'}, "
                f"the page said {item['error'] or 'nothing in an error summary or banner'!r}"
            )
        print(
            f"  server CPU per request: gunicorn workers {1000 * app_cpu / max(requests, 1):.1f} ms, "
            f"PostgreSQL backends {1000 * pg_cpu / max(requests, 1):.1f} ms; "
            f"{os.cpu_count()} cores, load average {window.get('load', float('nan')):.1f} at the start "
            f"and {load_after:.1f} at the end (other work on the machine shares the cores)"
        )
        per_request = (app_cpu + pg_cpu) / max(requests, 1)
        print(
            f"  so on {os.cpu_count()} idle cores this mix would top out near "
            f"{(os.cpu_count() or 1) / per_request:.0f} requests/s (CPU-bound estimate, load generator aside)"
        )
        print("\nSaves checked against the database (whole run)")
        print(
            f"  acknowledged: {check['ack_saves']} draft saves + {check['ack_submits']} submits "
            f"= {check['expected_rows']} history rows expected; found {check['found_rows']}; "
            f"lost {check['expected_rows'] - check['found_rows']}"
        )
        print(f"  acknowledged twice from the same version (a lost update): {check['acknowledged_twice']}")
        print(f"  stale saves refused: {outcomes.get('stale save refused', 0)}")
        print(
            f"  returns touched: {check['returns_touched']}; holding their latest acknowledged commentary: "
            f"{check['final_ok']}; overwritten by a later unacknowledged save: "
            f"{check['final_overwritten_unacknowledged']}; lost: {check['final_lost']}"
        )
        print(
            f"  writes by bench officers with no acknowledgement seen: {check['unacknowledged_writes']}; "
            f"returns sent back by the coordinator: {check['sent_back_in_history']}"
        )

        if bare_rows:
            print_stats(
                bare_rows,
                f"Bare view (bench/bare_wsgi.py, same settings and middleware): "
                f"{args.officers} users for {args.bare_duration} s, same think time",
            )
            bare_total = next(r for r in bare_rows if r["Name"] == "Aggregated")
            bare_ms = 1000 * bare_cpu / max(int(bare_total["Request Count"]), 1)
            app_ms = 1000 * app_cpu / max(requests, 1)
            print(f"  server CPU per request: gunicorn workers {bare_ms:.2f} ms")
            save = next((r for r in app_rows if r["Name"] == "save draft (htmx)"), None)
            print("\nThe app's cost as a multiple of the bare view's")
            print(f"  gunicorn CPU per request, all endpoints: {app_ms / bare_ms:.1f}x")
            for label, row in (("all endpoints", total), ("save draft (htmx)", save)):
                if row and float(bare_total["50%"]) and float(bare_total["95%"]):
                    print(
                        f"  latency, {label}: p50 {float(row['50%']) / float(bare_total['50%']):.1f}x, "
                        f"p95 {float(row['95%']) / float(bare_total['95%']):.1f}x"
                    )
        print(f"\nlocust CSVs and gunicorn logs in {folder}" if args.keep else "")
    finally:
        for server in servers:
            server.stop()
        if "django" in sys.modules:
            from django.db import connections

            for connection in connections.all():
                if hasattr(connection, "close_pool"):
                    connection.close_pool()
                connection.close()
        if not args.keep:
            maintenance(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
            dropped = True
            shutil.rmtree(folder, ignore_errors=True)
        print(f"database {args.database} {'dropped' if dropped else 'kept'}")


if __name__ == "__main__":
    main()
