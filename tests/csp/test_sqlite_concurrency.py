"""The embedded default (SQLite, no configuration) takes two people saving at once: each write waits for
the other instead of failing with "database is locked". Two processes on one database file, as two
requests are; each reads, then writes, inside a transaction, the pattern that fails when a transaction
upgrades its read lock to a write lock (SQLite's DEFERRED mode, the default before this setting)."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
WRITER = """
import time
from django.db import transaction
from csp.models import Partnership
for n in range({writes}):
    with transaction.atomic():
        Partnership.objects.count()
        time.sleep(0.01)
        Partnership.objects.create(slug="{who}-%d" % n, name="{who} %d" % n)
print("done")
"""


def manage(database: Path, *args: str, **popen) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DEBUG": "true"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.Popen(  # noqa: S603 (our own manage.py with fixed arguments)
        [sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env, text=True, **popen
    )


def test_two_writers_at_once_on_the_embedded_database_both_succeed(tmp_path):
    database = tmp_path / "db.sqlite3"
    assert manage(database, "migrate", "csp", "-v0").wait(timeout=120) == 0
    writers = [
        manage(
            database,
            "shell",
            "-c",
            WRITER.format(who=who, writes=40),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for who in ("first", "second")
    ]
    outputs = [writer.communicate(timeout=120) for writer in writers]

    assert [writer.returncode for writer in writers] == [0, 0], [err[-600:] for _, err in outputs]
    count = manage(
        database,
        "shell",
        "-c",
        "from csp.models import Partnership; print(Partnership.objects.count())",
        stdout=subprocess.PIPE,
    ).communicate(timeout=60)[0]
    assert count.split()[-1] == "80"
