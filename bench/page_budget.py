"""Page speed budget: server time and query count of the main pages, for the Medway plan, one ten times its
size, and Medway among 13 partnerships with ten years of history each.

    .venv/bin/python bench/page_budget.py                   # 9 runs per page, all three
    .venv/bin/python bench/page_budget.py --only 13x10y     # one of them
    .venv/bin/python bench/page_budget.py --runs 15 --keep  # keep the databases for a rerun with --reuse

Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth). Each case gets its own database
(`bench_pages`, `bench_pages_10x`, `bench_pages_13x10y`; dropped first, and at the end unless --keep), set
up in a child process of its own (one Django settings per process): migrate, then for the big plan the
Medway plan loaded and every indicator and measure copied nine times with new codes (ASB-01x1, ASB-01-Ax1,
...) and the same responsible agencies; for the many partnerships, Medway's plan imported through the plan
workbook under 13 names, each with ten earlier plan years (started from one another, with their periods
closed and their returns approved, and figures for every quarter); then `seed_demo` (demo history, Q1
approved, Q2 open, so ten times the returns), then the open quarter filled in as it looks mid-quarter:
about half the returns submitted or approved, some drafts, the rest not started, through the app's own
services. With many partnerships the measured officer (Kent Police) serves all 13, and every
partnership's Q2 is open, so their list holds 13 quarters.

Each page is requested in-process with Django's test client (the whole middleware stack, DEBUG off and
the cached template loader as in production, no network): one warm-up, then --runs timed runs, of which
the median is printed, and one more run under CaptureQueriesContext for the query count. Pages: the
officer's home (the officer of the agency with the most returns), one return page, a field save (the
htmx "Save draft" POST of that return, with new figures each run), the htmx check of one field, the
coordinator's dashboard and the quarterly report (HTML). A page whose URL name does not resolve yet is
printed as "not built yet". Nothing is asserted: the figures are printed.
"""

import argparse
import json
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
TODAY = date(2026, 10, 15)  # within the Medway plan year, with Q2 2026-27 just ended and open
PLANS = (("Medway", "bench_pages", 1), ("10x", "bench_pages_10x", 10), ("13x10y", "bench_pages_13x10y", -13))
"""(label, database, factor): a factor above 1 multiplies the plan; -N puts Medway among N partnerships."""
YEARS_OF_HISTORY = 10


def maintenance(sql: str, *params) -> list:
    """Database-level statements, from template1 (the bench never connects to the postgres database)."""
    import psycopg

    with psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="template1", autocommit=True) as c:
        cursor = c.execute(sql, params or None)
        return cursor.fetchall() if cursor.description else []


def database_exists(name: str) -> bool:
    return bool(maintenance("SELECT 1 FROM pg_database WHERE datname = %s", name))


def environment(database: str, static_root: Path, media_root: Path) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "csp.settings",
        "DATABASE_URL": f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{database}",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "REQUIRE_TWO_FACTOR": "false",
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(media_root),
        "TASKS_BACKEND": "immediate",
        "LOG_LEVEL": "WARNING",
        "EMAIL_HOST": "",
    }


# --- setting up a plan (child process) ----------------------------------------------------------------


def clone(obj, **changes):
    values = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if not f.primary_key}
    return type(obj)(**(values | changes))


def multiply_plan(plan_year, factor: int) -> None:
    """Copy every indicator and its measures factor - 1 times, with new codes and the same agencies."""
    from indicators.models import Indicator, Measure

    originals = list(
        Indicator.objects.filter(priority__plan_year=plan_year).prefetch_related(
            "responsible_agencies", "measures"
        )
    )
    through = Indicator.responsible_agencies.through
    for copy in range(1, factor):
        indicators = Indicator.objects.bulk_create(
            [clone(i, code=f"{i.code}x{copy}", order=i.order + 1000 * copy) for i in originals]
        )
        through.objects.bulk_create(
            [
                through(indicator_id=new.pk, agency_id=a.pk)
                for old, new in zip(originals, indicators, strict=True)
                for a in old.responsible_agencies.all()
            ]
        )
        Measure.objects.bulk_create(
            [
                clone(m, indicator_id=new.pk, code=f"{m.code}x{copy}")
                for old, new in zip(originals, indicators, strict=True)
                for m in old.measures.all()
            ]
        )


def many_partnerships(count: int) -> None:
    """Medway's plan under `count` names in all (Medway included), each with YEARS_OF_HISTORY earlier plan
    years whose quarters are closed with approved returns and figures; the Kent Police officer of each."""
    from django.contrib.auth import get_user_model

    from csp.models import Agency, Membership, Partnership, PlanYear
    from csp.upload_guard import check_bytes
    from returns.management.commands.seed_demo import officer_username
    from returns.models import Figure, PeriodState, Return, ReturnState
    from returns.periods import create_missing_items, ensure_periods, start_plan_year
    from themes import workbook, workbook_export
    from themes.plan_import import import_plan

    admin = get_user_model().objects.create_superuser(
        "bench-admin", "a@example.org", secrets.token_urlsafe(16)
    )
    medway = PlanYear.objects.get(partnership__slug="medway", start_year=2026)
    rows = workbook_export.plan_rows(medway)
    first_year = medway.start_year - YEARS_OF_HISTORY
    rng = random.Random("many")  # noqa: S311 (bench data)
    for n in range(count):
        plan_rows = {**rows, "Plan": [list(rows["Plan"][0])]}
        if n:
            plan_rows["Plan"][0][:2] = [f"Copy {n} Community Safety Partnership", f"copy-{n}"]
        plan_rows["Plan"][0][4] = first_year
        book = workbook.read(check_bytes(workbook_export.write_xlsx(plan_rows), "plan.xlsx"))
        assert import_plan(book).applied
        partnership = Partnership.objects.get(slug=plan_rows["Plan"][0][1])
        year = PlanYear.objects.get(partnership=partnership, start_year=first_year)
        for start in range(first_year, medway.start_year + 1):
            if start > first_year:
                year = PlanYear.objects.filter(
                    partnership=partnership, start_year=start
                ).first() or start_plan_year(year, start, admin)
            if start == medway.start_year:
                break
            for period in ensure_periods(year):
                create_missing_items(period)
                period.state = PeriodState.CLOSED
                period.save(update_fields=["state"])
            returns = Return.objects.filter(period__plan_year=year)
            returns.update(state=ReturnState.APPROVED, commentary="Delivered as planned.")
            Figure.objects.bulk_create(
                Figure(
                    measure=m,
                    year=r.period.plan_year.start_year,
                    number=r.period.number,
                    ret=r,
                    value=rng.randint(1, 500),
                )
                for r in returns.select_related("period__plan_year").prefetch_related("indicator__measures")
                for m in r.indicator.measures.all()
                if m.supplier_id == r.agency_id and m.aggregation != "ratio" and m.unit != "milestone"
            )
    officer, _ = get_user_model().objects.get_or_create(username=officer_username(Agency(name="Kent Police")))
    for police in Agency.objects.filter(name="Kent Police"):
        Membership.objects.get_or_create(user=officer, agency=police)


def target_return(period):
    """The return the budget opens and saves: the officer's original (uncopied) one with most measures."""
    from django.db.models import Count, Q

    from returns.models import Return

    busiest = (
        Return.objects.filter(period=period)
        .values("agency_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "agency_id")
    )[0]["agency_id"]
    return (
        Return.objects.filter(period=period, agency_id=busiest)
        .exclude(indicator__code__contains="x")
        .annotate(n=Count("indicator__measures", filter=Q(indicator__measures__supplier_id=busiest)))
        .order_by("-n", "indicator__code")
        .select_related("agency", "indicator")
        .first()
    )


def fill_open_quarter(period, target) -> None:
    """The open quarter mid-way: about half submitted or approved, some drafts, the rest not started."""
    from django.contrib.auth import get_user_model

    from returns.demo import complete
    from returns.models import Return, ReturnState

    coordinator = get_user_model().objects.get(username="coordinator")
    rng = random.Random("page-budget")  # noqa: S311 (demo data)
    returns = Return.objects.filter(period=period).exclude(pk=target.pk)
    for ret in returns.select_related("period__plan_year", "agency", "indicator"):
        roll = rng.random()
        if roll < 0.3:
            continue
        up_to = (
            ReturnState.DRAFT
            if roll < 0.5
            else ReturnState.SUBMITTED
            if roll >= 0.75
            else ReturnState.APPROVED
        )
        escalation = (
            "Funding ends in March: the SEG is asked to consider continuation." if roll > 0.97 else ""
        )
        complete(ret, coordinator, up_to=up_to, escalation=escalation)


def set_up(factor: int, password: str) -> None:
    import io

    from django.core.management import call_command

    from csp.models import Partnership, PlanYear
    from returns.models import PeriodState, ReportingPeriod
    from returns.periods import current_period, set_period_state

    call_command("migrate", verbosity=0)
    call_command("loaddata", "medway-2026-27", verbosity=0)
    plan_year = PlanYear.objects.get(partnership__slug="medway", start_year=2026)
    if factor > 1:
        multiply_plan(plan_year, factor)
    if factor < 0:
        many_partnerships(-factor)
    call_command("seed_demo", password=password, today=TODAY, stdout=io.StringIO())
    if factor < 0:
        from django.contrib.auth import get_user_model

        admin = get_user_model().objects.get(username="bench-admin")
        for period in ReportingPeriod.objects.filter(
            plan_year__start_year=2026, number=2, state=PeriodState.NOT_OPEN
        ):
            set_period_state(period, admin, PeriodState.OPEN)
    period = current_period(Partnership.objects.get(slug="medway"))
    fill_open_quarter(period, target_return(period))


# --- measuring (child process) ------------------------------------------------------------------------


def url_or_none(name: str, *args) -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def save_data(ret, rng: random.Random, *, validate: str = "") -> dict:
    from indicators.fields import measure_field_names
    from indicators.kinds import Aggregation, MilestoneStatus, Unit
    from returns.models import Return

    version = Return.objects.values_list("version", flat=True).get(pk=ret.pk)
    data = {"version": str(version), "commentary": f"Budget run {rng.random():.6f}.", "action": "save"}
    measures = list(ret.supplied_measures())
    if not any(m.target_decides_rating for m in measures):
        data["agency_rating"] = "green"
    for measure in measures:
        for name in measure_field_names(measure):
            if measure.aggregation == Aggregation.RATIO:
                data[name] = str(rng.randint(0, 50) if name.endswith("numerator") else rng.randint(50, 400))
            elif measure.unit == Unit.MILESTONE:
                data[name] = rng.choice(MilestoneStatus.values)
            elif measure.unit == Unit.PERCENTAGE:
                data[name] = f"{rng.uniform(0, 100):.1f}"
            else:
                data[name] = str(rng.randint(0, 5000))
    if validate:
        data["_validate"] = validate
    return data


def measure(runs: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from csp.models import Partnership
    from indicators.models import Indicator, Measure
    from returns.management.commands.seed_demo import officer_username
    from returns.models import Return
    from returns.periods import current_period

    period = current_period(Partnership.objects.get(slug="medway"))
    ret = target_return(period)
    User = get_user_model()
    officer = Client()
    officer.force_login(User.objects.get(username=officer_username(ret.agency)))
    police = Client()  # Kent Police's officer: with many partnerships, one list across all of them
    police.force_login(User.objects.get(username="officer-kent-police"))
    coordinator = Client()
    coordinator.force_login(User.objects.get(username="coordinator"))
    rng = random.Random("budget-saves")  # noqa: S311
    htmx = {"HX-Request": "true"}
    return_url = url_or_none("return", "medway", ret.pk)
    dashboard_url = url_or_none("dashboard", "medway", period.pk)
    report_url = url_or_none("report", "medway", period.pk)
    pages = [
        ("officer home (Kent Police)", police, "get", url_or_none("home"), lambda: {}, {}),
        ("return page (GET)", officer, "get", return_url, lambda: {}, {}),
        ("field save (htmx POST)", officer, "post", return_url, lambda: save_data(ret, rng), htmx),
        (
            "field check (htmx POST)",
            officer,
            "post",
            return_url,
            lambda: save_data(ret, rng, validate="commentary"),
            htmx,
        ),
        ("dashboard (coordinator)", coordinator, "get", dashboard_url, lambda: {}, {}),
        ("report HTML (coordinator)", coordinator, "get", report_url, lambda: {}, {}),
    ]
    results = {
        "size": {
            "indicators": Indicator.objects.filter(priority__plan_year=period.plan_year).count(),
            "measures": Measure.objects.filter(indicator__priority__plan_year=period.plan_year).count(),
            "returns": Return.objects.filter(period=period).count(),
            "officer returns": Return.objects.filter(period=period, agency=ret.agency).count(),
            "police partnerships": Return.objects.filter(
                agency__memberships__user__username="officer-kent-police", period__state="open"
            )
            .values("period__plan_year__partnership")
            .distinct()
            .count(),
            "return": f"{ret.indicator.code} by {ret.agency.display_name}",
            "partnerships": Partnership.objects.count(),
            "plan years": period.plan_year.partnership.plan_years.count(),
        },
        "pages": [],
    }
    for name, client, method, url, data, headers in pages:
        if url is None:
            results["pages"].append({"page": name, "built": False})
            continue
        call = getattr(client, method)
        response = call(url, data(), headers=headers, secure=True)  # warm-up: imports, template cache
        times, cpu = [], []
        for _ in range(runs):
            payload = data()  # outside the timing: it reads the return's version
            started, cpu_started = time.perf_counter(), time.process_time()
            response = call(url, payload, headers=headers, secure=True)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
        payload = data()
        with CaptureQueriesContext(connection) as queries:
            response = call(url, payload, headers=headers, secure=True)
        saved = method == "get" or "_validate" in payload or b"Draft saved at" in response.content
        results["pages"].append(
            {
                "page": name,
                "built": True,
                "url": url,
                "status": response.status_code,
                "ok": response.status_code == 200 and saved,
                "median_ms": 1000 * statistics.median(times),
                "max_ms": 1000 * max(times),
                "cpu_ms": 1000 * statistics.median(cpu),
                "queries": len(queries),
            }
        )
    return results


def child(args) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if not args.reuse:
        set_up(args.factor, secrets.token_urlsafe(16))
    results = measure(args.runs)
    from django.db import connections

    for connection in connections.all():
        if hasattr(connection, "close_pool"):
            connection.close_pool()
    Path(args.json).write_text(json.dumps(results))


# --- the parent: two databases, one table -------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="timed runs per page; the median is printed")
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument("--reuse", action="store_true", help="measure databases kept by an earlier --keep")
    parser.add_argument("--only", choices=[p[0] for p in PLANS], help="measure one plan only")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--factor", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--json", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not 1 <= args.runs <= 100:
        parser.error("--runs must be 1-100")
    if args.child:
        child(args)
        return

    folder = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    plans = [p for p in PLANS if args.only in (None, p[0])]
    results = {}
    print(" ".join(["python bench/page_budget.py", *sys.argv[1:]]))
    try:
        static = folder / "static"
        env = environment(plans[0][1], static, folder / "media")
        subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "collectstatic", "--no-input"],
            cwd=ROOT,
            env=os.environ | env,
            check=True,
            timeout=300,
            stdout=subprocess.DEVNULL,
        )
        for label, database, factor in plans:
            reuse = args.reuse and database_exists(database)
            if not reuse:
                maintenance(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
                maintenance(f"CREATE DATABASE \"{database}\" TEMPLATE template0 ENCODING 'UTF8'")
            out = folder / f"{database}.json"
            started = time.monotonic()
            command = [
                sys.executable,
                __file__,
                "--child",
                "--factor",
                str(factor),
                "--runs",
                str(args.runs),
                "--json",
                str(out),
            ] + (["--reuse"] if reuse else [])
            subprocess.run(  # noqa: S603
                command,
                cwd=ROOT,
                env=os.environ | environment(database, static, folder / "media"),
                check=True,
                timeout=1800,
            )
            results[label] = json.loads(out.read_text())
            size = results[label]["size"]
            print(
                f"  {label}: {size['partnerships']} partnerships, Medway's with {size['plan years']} years; "
                f"{size['indicators']} indicators, {size['measures']} measures, {size['returns']} "
                f"returns in the open quarter ({size['officer returns']} for the officer's agency; "
                f"Kent Police's officer has returns open in {size['police partnerships']} partnerships); "
                f"return measured: {size['return']}; {'reused' if reuse else 'set up'} and measured in "
                f"{time.monotonic() - started:.0f} s"
            )
    finally:
        if not args.keep:
            for _, database, _ in plans:
                maintenance(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        shutil.rmtree(folder, ignore_errors=True)

    labels = list(results)
    print(
        f"\nServer time per request: median of {args.runs} runs, in-process test client, DEBUG off. 'ms' is"
        f" wall time (Django and PostgreSQL), 'cpu' the Django process's CPU time alone (steadier when the"
        f" machine is busy: load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the end)"
    )
    header = f"  {'page':<28}" + "".join(f"{label + ' ms':>11}{'cpu':>7}{'queries':>9}" for label in labels)
    print(header)
    for index, row in enumerate(results[labels[0]]["pages"]):
        line = f"  {row['page']:<28}"
        for label in labels:
            page = results[label]["pages"][index]
            if not page["built"]:
                line += f"{'not built yet':>27}"
            elif not page["ok"]:
                line += f"{'HTTP ' + str(page['status']) + '?':>18}{page['queries']:>9}"
            else:
                line += f"{page['median_ms']:>11.1f}{page['cpu_ms']:>7.1f}{page['queries']:>9}"
        print(line)
    print("databases " + ("kept: rerun with --reuse" if args.keep else "dropped"))


if __name__ == "__main__":
    main()
