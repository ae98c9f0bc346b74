"""The PDF may load the app's static files and nothing else; every refusal is logged."""

import logging
from pathlib import Path

import pytest
from django.conf import settings
from weasyprint.urls import path2url

from reporting.pdf import StaticFilesOnlyFetcher

STATIC = Path(settings.BASE_DIR) / "static"


def test_serves_the_stylesheet_and_fonts():
    fetcher = StaticFilesOnlyFetcher()

    css = fetcher.fetch(path2url(str(STATIC / "css" / "report.css")))
    font = fetcher.fetch(path2url(str(STATIC / "fonts" / "LiberationSans-Regular.ttf")))

    assert css.content_type == "text/css"
    assert b"@font-face" in css.read()
    assert font.read()[:4] == b"\x00\x01\x00\x00"


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/tracker.png",
        "https://example.com/style.css",
        "ftp://example.com/file",
        "data:text/css,body{color:red}",
        "file:///etc/passwd",
        path2url(str(STATIC)) + "../../../../etc/passwd",
        path2url(str(STATIC / "css")) + "/missing.css",
        "file://evil.example/share/report.css",
    ],
)
def test_refuses_and_logs_everything_else(url, caplog):
    fetcher = StaticFilesOnlyFetcher()

    with caplog.at_level(logging.WARNING, logger="reporting.pdf"), pytest.raises(ValueError):
        fetcher.fetch(url)

    assert fetcher.refused == [url]
    assert "Refused to fetch" in caplog.text
