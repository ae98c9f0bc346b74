"""What docker-compose.yml, the Dockerfile and .dockerignore must hold. No Docker engine runs in CI, so
the files are read, and the container healthcheck's command is run against a live server."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
DJANGO_SERVICES = {name: s for name, s in SERVICES.items() if "build" in s}
MAIL = (
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "DEFAULT_FROM_EMAIL",
)
DOCKERFILE = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines()]


def environment(service: dict) -> dict:
    env = service.get("environment", {})
    return env if isinstance(env, dict) else dict(item.split("=", 1) for item in env)


def test_the_app_the_worker_and_reminders_all_run_from_the_image():
    assert {"app", "worker", "reminders"} <= set(DJANGO_SERVICES)


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_service_restarts_after_a_crash_or_a_reboot(name):
    assert SERVICES[name].get("restart") in ("always", "unless-stopped", "on-failure")


@pytest.mark.parametrize("name", sorted(DJANGO_SERVICES))
def test_every_django_service_can_send_mail_and_shares_the_apps_settings(name):
    env = environment(DJANGO_SERVICES[name])
    app = environment(SERVICES["app"])

    assert set(MAIL) <= set(env), f"{name} lacks {set(MAIL) - set(env)}"
    for key in ("DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS", "MEDIA_ROOT", "CSP_SITE_URL", *MAIL):
        assert env.get(key) == app.get(key), key


def test_the_healthcheck_asks_by_a_name_a_real_allowed_hosts_accepts(live_server, settings):
    """The compose healthcheck's own command, run against a live server that answers only to its name."""
    settings.ALLOWED_HOSTS = ["csp.example.gov.uk"]
    command = SERVICES["app"]["healthcheck"]["test"]
    assert command[0] == "CMD"
    argv = [sys.executable if arg == "python" else arg.replace("/app/", f"{ROOT}/") for arg in command[1:]]
    env = os.environ | {
        "ALLOWED_HOSTS": "csp.example.gov.uk",
        "HEALTHCHECK_URL": f"{live_server.url}/healthz",
    }

    result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=30, check=False)  # noqa: S603

    assert result.returncode == 0, result.stderr
    settings.ALLOWED_HOSTS = ["somewhere-else.example.org"]
    refused = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=30, check=False)  # noqa: S603
    assert refused.returncode == 1  # and it does notice an app that is not answering properly


def test_the_worker_and_reminders_wait_for_a_healthy_app():
    for name in ("worker", "reminders"):
        assert SERVICES[name]["depends_on"]["app"]["condition"] == "service_healthy"


def test_the_image_runs_the_app_as_a_user_other_than_root():
    users = [line.split(None, 1)[1] for line in DOCKERFILE if line.startswith("USER ")]

    assert users and users[-1] not in ("root", "0", "0:0")


def test_the_image_has_a_command_that_serves_the_app():
    commands = [line for line in DOCKERFILE if line.startswith("CMD ")]

    assert commands and "gunicorn" in commands[-1] and "csp.wsgi:application" in commands[-1]


@pytest.mark.parametrize(
    "path", [".venv", ".git", "db.sqlite3", "media", "staticfiles", "__pycache__", ".env"]
)
def test_the_build_context_leaves_out_local_state_and_secrets(path):
    patterns = [
        line.strip().rstrip("/").removeprefix("**/")
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]

    assert path in patterns


def test_a_backup_runs_every_day_keeps_a_retention_and_takes_the_media_too():
    backup = SERVICES["backup"]
    env = environment(backup)

    assert "deploy/backup.sh" in backup["command"] and "sleep 86400" in backup["command"]
    assert env["DATABASE_URL"] == environment(SERVICES["app"])["DATABASE_URL"]
    assert env["BACKUP_KEEP_DAYS"].startswith("${BACKUP_KEEP_DAYS:-")
    assert any(volume.startswith("media:") for volume in backup["volumes"])
    assert (
        backup["image"].split(":")[0] == SERVICES["db"]["image"].split(":")[0]
    )  # pg_dump of the server's version
