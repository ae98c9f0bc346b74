"""Each log line is written once, in DEBUG and out of it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOG_EVERYWHERE = (
    "import django, logging; django.setup(); "
    "[logging.getLogger(name).warning('MARKER from %s', name) for name in "
    "('django.request', 'django.security.csrf', 'django', 'reporting.renders', 'axes')]"
)


@pytest.mark.parametrize("debug", ["true", "false"])
def test_each_log_line_is_printed_once(debug):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL",)} | {
        "DJANGO_SETTINGS_MODULE": "csp.settings",
        "DEBUG": debug,
        "SECRET_KEY": "a-secret-key-for-the-logging-test-only-0123456789-abcdefghij",
    }

    result = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", LOG_EVERYWHERE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )

    for name in ("django.request", "django.security.csrf", "django", "reporting.renders", "axes"):
        assert result.stderr.count(f"MARKER from {name}\n") == 1, result.stderr
