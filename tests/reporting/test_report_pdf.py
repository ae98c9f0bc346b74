"""The PDF, read back with pdftotext. Each test here renders PDFs (seconds each): keep them few."""

from decimal import Decimal

import pytest
from weasyprint import HTML

from indicators.models import Indicator, Measure
from reporting.builder import build_quarterly_report
from reporting.pdf import StaticFilesOnlyFetcher, render_pdf, report_html, stylesheet_base_url
from returns.models import Return, ReturnState
from tests.reporting.report_helpers import (
    AFTER_DEADLINE,
    BEFORE_DEADLINE,
    add_figure,
    medway_period,
    pdf_text,
    set_return,
)

COMMENTARY = "Hotspot patrols in Chatham town centre cut incidents by a fifth over the summer."


def normal(text: str) -> str:
    return " ".join(text.split())


def test_the_medway_pdf_has_every_indicator_the_figures_and_the_commentary(medway_plan):
    medway_plan.partnership.protective_marking = "OFFICIAL-SENSITIVE"
    medway_plan.partnership.save()
    period = medway_period(medway_plan)
    incidents = Measure.objects.get(indicator__priority__plan_year=medway_plan, code="ASB-01-A")
    ret = Return.objects.get(period=period, indicator=incidents.indicator, agency=incidents.supplier)
    set_return(ret, ReturnState.APPROVED, commentary=COMMENTARY)
    add_figure(incidents, 2026, 2, 4321, ret=ret)
    add_figure(incidents, 2026, 1, 3210)
    add_figure(incidents, 2025, 2, 5432)

    text = pdf_text(render_pdf(build_quarterly_report(period, today=BEFORE_DEADLINE)))

    for indicator in Indicator.objects.filter(priority__plan_year=medway_plan):
        assert normal(f"{indicator.code}: {indicator.text}") in text
    assert "Quarter 2, 2026-27: July to September 2026" in text
    assert "Page 1 of" in text
    pages = int(text.split("Page 1 of ", 1)[1].split()[0])
    assert pages > 10
    for number in range(1, pages + 1):
        assert f"Page {number} of {pages}" in text
    assert text.count("OFFICIAL-SENSITIVE") >= 2 * pages  # in the header and the footer of every page
    # The row's figures on one line of the laid-out page, in the table's order (reading the text alone,
    # pdftotext may take a column of the row as a block of its own).
    laid_out = pdf_text(render_pdf(build_quarterly_report(period, today=BEFORE_DEADLINE)), layout=True)
    row = next(line for line in laid_out.splitlines() if "4,321" in line)
    assert "Anti-social behaviour" in row
    assert row.index("4,321") < row.index("3,210") < row.index("5,432")
    assert COMMENTARY in text
    assert "DRAFT" in text


HOSTILE = (
    '<b>bold</b> <img src="file:///etc/passwd"> <script>alert(1)</script>\n'
    "<style>body { background: url(http://evil.example/bg.png) }</style> "
    "div { background: url(http://evil.example/track.png) } "
    '<a href="http://evil.example/">link</a>\n' + "Unbroken" + "x" * 700
)


def test_hostile_commentary_prints_as_text_fetches_nothing_and_stays_on_the_page(plan):
    set_return(plan.ret, ReturnState.APPROVED, commentary=HOSTILE, escalation=HOSTILE)
    plan.period.summary = HOSTILE
    plan.period.save()
    fetcher = StaticFilesOnlyFetcher()

    document = HTML(
        string=report_html(build_quarterly_report(plan.period, today=BEFORE_DEADLINE)),
        base_url=stylesheet_base_url(),
        url_fetcher=fetcher,
    ).render()

    assert fetcher.refused == []
    assert sorted({url.rsplit("/", 2)[-2] for url in fetcher.fetched}) == ["css", "fonts"]
    for page in document.pages:
        for box in page._page_box.descendants():
            right = box.position_x + box.margin_width()
            assert right <= page.width + 0.5, (
                f"{type(box).__name__} runs {right - page.width:.0f}px off the page"
            )
    text = pdf_text(document.write_pdf())
    assert '<img src="file:///etc/passwd">' in text
    assert "<script>alert(1)</script>" in text
    assert "url(http://evil.example/track.png)" in text
    assert "root:x:0:0" not in text
    # The long string wraps inside the page: all of it is there, split over lines.
    assert "Unbroken" + "x" * 700 in text.replace(" ", "")


@pytest.mark.parametrize(
    ("scenario", "draft"),
    [("no returns", True), ("some late", True), ("all approved", False)],
)
def test_draft_appears_only_while_a_return_is_not_approved(plan, scenario, draft):
    if scenario == "no returns":
        Return.objects.filter(period=plan.period).delete()
    elif scenario == "some late":
        set_return(plan.ret, ReturnState.APPROVED, commentary="On track.")
        set_return(plan.other_ret, ReturnState.DRAFT)
    else:
        set_return(plan.ret, ReturnState.APPROVED, commentary="On track.")
        set_return(plan.other_ret, ReturnState.APPROVED, commentary="Also on track.")
        add_figure(plan.count, 2026, 2, Decimal(12), ret=plan.ret)

    pdf = render_pdf(build_quarterly_report(plan.period, today=AFTER_DEADLINE))
    text = pdf_text(pdf)

    assert "Quarter 2, 2026-27: July to September 2026" in text
    assert ("DRAFT" in text) is draft
    if scenario == "some late":
        # Appendix A's row, as laid out (the watermark's letters may come between its cells in the text).
        lines = [" ".join(line.split()) for line in pdf_text(pdf, layout=True).splitlines()]
        assert "SAFE-02 Testshire Fire Draft Late" in lines
    if scenario == "all approved":
        assert "Every return and action update has been received." in text
