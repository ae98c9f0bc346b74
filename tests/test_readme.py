"""The README tells a newcomer what they need, and documents every setting the environment can change."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def section(title: str) -> str:
    start = README.index(f"## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


def test_try_it_says_the_pdf_needs_pango_and_how_to_install_it():
    try_it = section("Try it")

    assert "Pango" in try_it
    assert "apt-get install" in try_it and "libpango-1.0-0" in try_it  # Debian and Ubuntu
    assert "brew install pango" in try_it  # macOS


def test_every_environment_variable_the_settings_read_is_in_the_configuration_table():
    settings = (ROOT / "csp" / "settings.py").read_text()
    read = set(re.findall(r"""(?:environ\.get|environ\[|env_\w+)\(?\s*["']([A-Z][A-Z0-9_]+)["']""", settings))
    table = section("Configuration")

    assert read, "the pattern finds the settings' variables"
    assert {name for name in read if f"`{name}`" not in table} == set()
