"""A database made by the layout before the returns app migrates forward with every row and value kept.

`seed-demo-2026-11-20.json.gz` holds every table of a database that `seed_demo --today 2026-11-20` filled
on that layout (then a reminder run, a return sent back, a draft, an issued report, a device, an admin log
entry), taken by `snapshot.take`. The test makes a new database, migrates it to that layout, restores the
rows, migrates it forward and compares: every table's rows, column by column, under its new name.
"""

import tempfile
from pathlib import Path

import pytest
from django.db import connections, router
from django.db.migrations.executor import MigrationExecutor

from tests.migrations import snapshot

SNAPSHOT = Path(__file__).with_name("seed-demo-2026-11-20.json.gz")
BEFORE = {
    "csp": "0002_role_groups",
    "indicators": "0005_period_history",
    "themes": "0001_initial",
    "reporting": "0001_initial",
}
MOVED = {
    "csp": "0003_agency_membership",
    "indicators": "0006_move_to_csp_and_returns",
    "themes": "0002_deliverable_lead_agency_in_csp",
    "reporting": "0002_periods_in_returns",
    "returns": "0001_initial",
}
"""The migrations that move the models (later ones change rows on purpose and are tested on their own)."""
RENAMED = {
    "indicators_agency": "csp_agency",
    "indicators_membership": "csp_membership",
    **{
        f"indicators_{model}": f"returns_{model}"
        for model in (
            "reportingperiod",
            "historicalreportingperiod",
            "return",
            "historicalreturn",
            "figure",
            "historicalfigure",
            "remindersent",
            "notificationpreference",
        )
    },
}
ALIAS = "migration_check"


class EverythingThere:
    """Sends every query to the check's database: some data migrations (other packages') ignore the
    database they are migrating and write to the default one."""

    def db_for_read(self, model, **hints):
        return ALIAS

    db_for_write = db_for_read


@pytest.fixture
def empty_database(django_db_blocker, monkeypatch):
    """A connection to a new, empty database beside the test database, dropped afterwards."""
    monkeypatch.setattr(router, "routers", [EverythingThere()])
    default = connections["default"].settings_dict
    settings = {**default, "OPTIONS": {k: v for k, v in default.get("OPTIONS", {}).items() if k != "pool"}}
    with django_db_blocker.unblock():
        if default["ENGINE"].endswith("sqlite3"):
            folder = tempfile.TemporaryDirectory()
            settings["NAME"] = str(Path(folder.name) / "migration-check.sqlite3")
            drop = folder.cleanup
        else:
            settings["NAME"] = f"{connections['default'].settings_dict['NAME']}_migration_check"
            admin = connections["default"]
            with admin._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{settings["NAME"]}"')
                cursor.execute(f'CREATE DATABASE "{settings["NAME"]}"')

            def drop():
                with admin._nodb_cursor() as cursor:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{settings["NAME"]}"')

        connections.settings[ALIAS] = settings
        connection = connections[ALIAS]
        try:
            yield connection
        finally:
            connection.close()
            del connections[ALIAS]
            del connections.settings[ALIAS]
            drop()


def migrate(connection, targets: dict[str, str]):
    """Migrate to `targets` for the apps it names, every other app to its latest; an app it does not name
    and that did not exist before (returns) is left out of "before"."""
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    plan = [(app, targets.get(app, name)) for app, name in leaves if app in targets or app not in MOVED]
    executor.migrate(plan)


def test_a_seed_demo_database_migrates_forward_with_every_row(empty_database):
    before = snapshot.load(SNAPSHOT)
    migrate(empty_database, BEFORE)
    snapshot.restore(empty_database, before)

    migrate(empty_database, MOVED)

    after = snapshot.take(empty_database)
    old, new = snapshot.decoded(before), snapshot.decoded(after)
    for table, rows in old.items():
        moved_to = RENAMED.get(table, table)
        assert table == moved_to or table not in new, f"{table} should have been renamed to {moved_to}"
        assert set(before[table]["columns"]) == set(after[moved_to]["columns"]), moved_to
        if table == "django_content_type":
            continue  # compared below: the moved models' types change app
        assert new[moved_to] == rows, f"{table}: {len(rows)} rows before, {len(new[moved_to])} after"
    # A working database: the Medway plan, eight quarters of history, Q1 approved and Q2 under way.
    assert {table: len(new[RENAMED[table]]) for table in ("indicators_return", "indicators_figure")} == {
        "indicators_return": 100,
        "indicators_figure": 641,
    }


def test_the_moved_models_content_types_move_with_them(empty_database):
    before = snapshot.load(SNAPSHOT)
    migrate(empty_database, BEFORE)
    snapshot.restore(empty_database, before)

    migrate(empty_database, MOVED)

    def types(tables):
        return {row["id"]: (row["app_label"], row["model"]) for row in snapshot.decoded(tables)["django_content_type"]}

    types_before, types_after = types(before), types(snapshot.take(empty_database))
    assert types_after.keys() == types_before.keys()  # the same ids: permissions and admin history follow
    moved = {pk: (app, model) for pk, (app, model) in types_before.items() if f"{app}_{model}" in RENAMED}
    assert len(moved) == len(RENAMED)
    for pk, (_, model) in moved.items():
        assert types_after[pk] == (RENAMED[f"indicators_{model}"].split("_")[0], model)
    assert {pk: row for pk, row in types_after.items() if pk not in moved} == {
        pk: row for pk, row in types_before.items() if pk not in moved
    }


def test_the_role_groups_become_roles_in_every_partnership(empty_database):
    migrate(empty_database, BEFORE)
    snapshot.restore(empty_database, snapshot.load(SNAPSHOT))

    migrate(empty_database, {**MOVED, "csp": "0004_partnership_roles"})

    with empty_database.cursor() as cursor:
        cursor.execute(
            "SELECT u.username, p.slug, r.role FROM csp_partnershiprole r "
            "JOIN auth_user u ON u.id = r.user_id JOIN csp_partnership p ON p.id = r.partnership_id"
        )
        held = set(cursor.fetchall())
        cursor.execute("SELECT name FROM auth_group")
        groups = {name for (name,) in cursor.fetchall()}
    assert held == {("coordinator", "medway", "coordinator"), ("viewer", "medway", "viewer"), ("admin", "medway", "admin")}
    assert groups == set()  # officers need none: their agencies decide their partnerships
