"""The report's PDF is accessible (PDF/UA-1): read back with pikepdf, it is tagged with a structure tree in
reading order, says its language and title, marks table header cells and links data cells to them, and
gives every chart its alternative text."""

from collections import Counter
from io import BytesIO

import pikepdf
import pytest

from reporting.builder import build_quarterly_report
from reporting.pdf import render_pdf
from returns.models import ReturnState
from tests.reporting.report_helpers import AFTER_DEADLINE, add_figure, set_return


def _elements(node):
    """The structure elements under `node`, depth first: in reading order."""
    if isinstance(node, pikepdf.Dictionary):
        if "/S" in node:
            yield node
        kids = node.get("/K")
        if kids is not None:
            yield from _elements(kids)
    elif isinstance(node, pikepdf.Array):
        for kid in node:
            yield from _elements(kid)


@pytest.fixture
def tagged(plan):
    set_return(plan.ret, ReturnState.APPROVED, commentary="Fine.")
    for number, value in ((1, 40), (2, 45)):
        add_figure(plan.count, 2026, number, value, ret=plan.ret if number == 2 else None)
    report = build_quarterly_report(plan.period, today=AFTER_DEADLINE)
    return report, pikepdf.open(BytesIO(render_pdf(report)))


def test_the_pdf_is_tagged_pdf_ua_with_its_language_and_title(tagged):
    report, pdf = tagged

    assert "/StructTreeRoot" in pdf.Root
    assert pdf.Root.MarkInfo.Marked is True
    assert str(pdf.Root.Lang) == "en-GB"
    assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
    title = f"{report.partnership}: quarterly report to the Strategic Executive Group, {report.quarter_short}"
    assert str(pdf.docinfo.Title) == title
    metadata = pdf.open_metadata()
    assert metadata["dc:title"] == title
    assert metadata["pdfuaid:part"] == "1"


def test_tables_mark_their_header_cells_and_link_data_cells_to_them(tagged):
    _, pdf = tagged
    elements = list(_elements(pdf.Root.StructTreeRoot))
    kinds = Counter(str(e.S) for e in elements)

    assert kinds["/Table"] >= 4 and kinds["/THead"] >= 4 and kinds["/TH"] >= 20
    headers = {str(e.ID) for e in elements if e.S == "/TH" and "/ID" in e}
    cells = [e for e in elements if e.S == "/TD"]
    linked = [cell for cell in cells if len(cell.A.get("/Headers", [])) > 0]
    assert len(linked) > len(cells) / 2
    assert all(str(h) in headers for cell in linked for h in cell.A.Headers)


def test_every_chart_is_a_figure_with_its_alternative_text(tagged):
    _, pdf = tagged
    figures = [e for e in _elements(pdf.Root.StructTreeRoot) if e.S == "/Figure"]

    assert figures
    assert all("/Alt" in figure for figure in figures)
    assert any(str(f.Alt).startswith("Incidents, last 8 quarters:") for f in figures)


def test_reading_order_runs_cover_contents_summary_exceptions_then_the_priorities(tagged):
    _, pdf = tagged
    headings = [str(e.S) for e in _elements(pdf.Root.StructTreeRoot) if str(e.S) in ("/H1", "/H2")]

    # The cover's title, then Contents, Summary, Exceptions, the one priority, Appendices A and B.
    assert headings == ["/H1", "/H2", "/H2", "/H2", "/H2", "/H2", "/H2"]
