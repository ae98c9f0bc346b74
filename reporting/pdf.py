"""The report as a PDF: the same body template as the page, the print stylesheet, and WeasyPrint.

WeasyPrint follows every URL in the HTML and CSS it is given. Officers' commentary is escaped before it
gets there, but the fetcher is the second lock: it serves the app's own static files (the stylesheet and
the fonts) from disk and refuses everything else (http, data:, any path outside the static folders),
logging each refusal, so no markup that slips through can make the server fetch or read anything.
"""

import logging
import mimetypes
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse, path2url

from reporting.builder import QuarterlyReport

logger = logging.getLogger(__name__)

STYLESHEET = "css/report.css"


def static_roots() -> list[Path]:
    """The folders the PDF may read from: the project's static folders and collectstatic's output."""
    roots = []
    for entry in settings.STATICFILES_DIRS:
        location = entry[1] if isinstance(entry, tuple | list) else entry
        roots.append(Path(location).resolve())
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


class StaticFilesOnlyFetcher(URLFetcher):
    """Serves file: URLs inside the static folders and refuses, and logs, every other URL."""

    def __init__(self, roots: list[Path] | None = None):
        super().__init__(allowed_protocols={"file"}, allow_redirects=False, fail_on_errors=False)
        self.roots = static_roots() if roots is None else roots
        self.fetched: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        path = self._allowed_path(url)
        if path is None:
            self.refused.append(url)
            logger.warning("Refused to fetch %.300s while making a PDF: only static files may be loaded", url)
            raise ValueError("Only the app's static files may be loaded into a PDF.")
        self.fetched.append(url)
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})

    def _allowed_path(self, url: str) -> Path | None:
        try:
            parts = urlsplit(url)
        except ValueError:
            return None
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            return None
        # resolve() follows "..", and symlinks, before the check: file:///static/../../etc/passwd is refused.
        path = Path(url2pathname(parts.path)).resolve()
        if not path.is_file():
            return None
        if not any(path.is_relative_to(root) for root in self.roots):
            return None
        return path


def stylesheet_base_url() -> str:
    """The file: URL of the static folder holding the print stylesheet, which relative links start from."""
    found = finders.find(STYLESHEET)
    if not found:
        raise FileNotFoundError(f"{STYLESHEET} is not among the static files.")
    return path2url(str(Path(found).resolve().parent.parent))


def report_html(report: QuarterlyReport, *, inline_stylesheet: bool = False) -> str:
    """The HTML that WeasyPrint prints: the report body with the print stylesheet.

    `inline_stylesheet` puts the stylesheet in the file itself, for an HTML file that is opened on its own
    (the seg_report command's --format html).
    """
    context = {"report": report, "stylesheet": STYLESHEET, "inline_css": ""}
    if inline_stylesheet:
        context["inline_css"] = Path(finders.find(STYLESHEET)).read_text(encoding="utf-8")
    return render_to_string("reporting/report_pdf.html", context)


def render_pdf(report: QuarterlyReport) -> bytes:
    return pdf_from_html(report_html(report))


PDF_VARIANT = "pdf/ua-1"
"""Tagged PDF/UA-1: a structure tree in reading order, headings, tables with their header cells, figures
with their alternative text (a chart's SVG <title>), the language and the title in the metadata. Council
papers are published, and the Public Sector Bodies Accessibility Regulations 2018 expect them accessible."""


def pdf_from_html(html: str, fetcher: StaticFilesOnlyFetcher | None = None) -> bytes:
    """WeasyPrint on its own: the HTML in, the PDF out (tagged, `PDF_VARIANT`), through the static-only
    fetcher."""
    fetcher = fetcher or StaticFilesOnlyFetcher()
    document = HTML(string=html, base_url=stylesheet_base_url(), url_fetcher=fetcher)
    return document.write_pdf(pdf_variant=PDF_VARIANT)
