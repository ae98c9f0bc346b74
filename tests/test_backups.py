"""The README's backup and restore, as an operator would run them: deploy/backup.sh dumps the database and
the media, deploy/restore.sh restores both into new places and checks every table's row count, and the
app's own checks pass against the restored database. On PostgreSQL, with its client tools (CI installs
postgresql-client)."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from reporting import services
from returns.workflow import ReturnContent, save_draft

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ("pg_dump", "pg_restore", "psql", "createdb")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="backs up PostgreSQL"),
    pytest.mark.skipif(
        not all(shutil.which(tool) for tool in TOOLS), reason="needs postgresql-client (pg_dump, pg_restore)"
    ),
]


def server() -> dict[str, str]:
    s = connection.settings_dict
    return {
        "PGHOST": s["HOST"] or "127.0.0.1",
        "PGPORT": str(s["PORT"] or 5432),
        "PGUSER": s["USER"] or "",
    } | ({"PGPASSWORD": s["PASSWORD"]} if s["PASSWORD"] else {})


def url(database: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{database}"


def run(argv: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own scripts and tools)
        argv, cwd=ROOT, env=os.environ | env, capture_output=True, text=True, timeout=300, check=False
    )


def drop(database: str) -> None:
    params = {
        k: v
        for k, v in connection.get_connection_params().items()
        if k in ("host", "port", "user", "password")
    }
    with psycopg.connect(**params, dbname="template1", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture
def restored_name():
    name = f"{connection.settings_dict['NAME']}_restored"
    drop(name)
    yield name
    drop(name)


def test_a_backup_restores_into_a_new_database_with_every_row_and_the_issued_pdfs(
    plan, officer, coordinator, tmp_path, settings, restored_name, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path / "media"
    save_draft(plan.ret, officer, ReturnContent(commentary="Kept by the backup."), version=1)
    monkeypatch.setattr(services, "render_pdf", lambda report: b"%PDF-1.7 as issued")
    issued = services.issue_report(plan.period, coordinator, today=plan.period.deadline)
    backups = tmp_path / "backups"
    backups.mkdir()
    stale = backups / "csp-20000101T000000Z.dump"
    stale.write_bytes(b"an old backup")
    month_ago = time.time() - 31 * 86400
    os.utime(stale, (month_ago, month_ago))

    made = run(
        ["bash", "deploy/backup.sh"],
        {
            "DATABASE_URL": url(connection.settings_dict["NAME"]),
            "BACKUP_DIR": str(backups),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "BACKUP_KEEP_DAYS": "14",
        },
    )
    assert made.returncode == 0, made.stderr
    dump = Path(made.stdout.strip().splitlines()[-1])
    assert dump.exists() and dump.with_suffix(".counts").exists()
    assert not stale.exists()  # older than the retention

    restored_media = tmp_path / "restored-media"
    restore = run(
        ["bash", "deploy/restore.sh", str(dump), restored_name],
        server() | {"MEDIA_ROOT": str(restored_media)},
    )

    assert restore.returncode == 0, restore.stdout + restore.stderr
    assert "every row count as when backed up" in restore.stdout
    assert (restored_media / issued.file.name).read_bytes() == b"%PDF-1.7 as issued"
    app = {"DATABASE_URL": url(restored_name), "DJANGO_SETTINGS_MODULE": "csp.settings"}
    for check in (["migrate", "--check"], ["check", "--database", "default"]):
        result = run([sys.executable, "manage.py", *check], app)
        assert result.returncode == 0, result.stdout + result.stderr
    with psycopg.connect(url(restored_name)) as restored:
        commentary = restored.execute(
            "SELECT commentary FROM returns_return WHERE id = %s", [plan.ret.pk]
        ).fetchone()
    assert commentary == ("Kept by the backup.",)

    again = run(["bash", "deploy/restore.sh", str(dump), restored_name], server())
    assert again.returncode != 0  # never over an existing database
