"""The report tells the quarter's story: the summary and the exceptions come first, and name every red and
amber indicator with its explanation; each agency's update sits beside its indicator. Read back from the
Medway demo's PDF, as a board member would read it."""

import re
import subprocess

import pytest
from django.core.management import call_command

from reporting.builder import build_quarterly_report
from reporting.pdf import render_pdf
from returns.models import ReportingPeriod


@pytest.fixture
def demo_q1(db):
    call_command("seed_demo", "--password", "a-long-demo-password", "--today", "2026-11-24", verbosity=0)
    period = ReportingPeriod.objects.get(plan_year__partnership__slug="medway", year=2026, number=1)
    return build_quarterly_report(period, today=period.quarter.end_date.replace(month=11, day=24))


def _pages(pdf: bytes) -> list[str]:
    """Each page's text in reading order, without white space (a line may break anywhere)."""
    text = subprocess.run(  # noqa: S603
        ["pdftotext", "-enc", "UTF-8", "-", "-"],  # noqa: S607
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [_squeezed(page) for page in text.split("\f")]


def _squeezed(text: str) -> str:
    """Without white space or hyphens: pdftotext joins a word hyphenated at a line's end."""
    return "".join(text.split()).replace("-", "")


def test_the_first_pages_name_every_red_and_amber_indicator_with_its_explanation(demo_q1):
    report = demo_q1
    assert {row.code for row in report.exceptions} >= {"DRUGS-04", "REOFF-02"}
    pages = _pages(render_pdf(report))
    first = report.priorities[0]
    opening = _squeezed(f"Priority {first.reference or 1} {first.heading}")
    detail_starts = next(i for i, page in enumerate(pages) if opening in page)
    assert detail_starts <= 8
    before_detail = "".join(pages[:detail_starts])
    for row in report.exceptions:
        assert _squeezed(f"{row.code}: {row.text}") in before_detail
        for update in row.updates:
            assert update.explained, f"{row.code}: the demo explains every red and amber"
            for said in (update.why, update.recovery, update.back_on_track_by):
                assert _squeezed(said) in before_detail


def test_the_summary_shows_every_indicator_and_action_at_a_glance(demo_q1):
    html = _html(demo_q1)
    glance = html.split('id="summary"', 1)[1].split('id="exceptions"', 1)[0]
    for section in demo_q1.priorities:
        for row in section.indicators:
            assert re.search(rf">{row.rag_words}</strong> <a [^>]*>{row.code}</a>", glance)
        for action in section.actions:
            assert f">{action.status_label}</strong> <a" in glance and f">{action.label}</a>" in glance


def test_each_agencys_update_is_beside_its_indicator(demo_q1):
    html = _html(demo_q1)
    row = demo_q1.priorities[0].indicators[0]
    group = html.split(f'id="{row.anchor}"', 1)[1].split("</tbody>", 1)[0]
    for update in row.updates:
        assert f"Update from {update.agency}" in group


def test_a_red_without_an_explanation_says_so(plan):
    from decimal import Decimal

    from returns.models import ReturnState
    from tests.reporting.report_helpers import AFTER_DEADLINE, add_figure, set_return

    set_return(plan.ret, ReturnState.APPROVED, commentary="All <b>fine</b>.")
    add_figure(plan.ratio, 2026, 2, ret=plan.ret, numerator=Decimal(10), denominator=Decimal(100))

    report = build_quarterly_report(plan.period, today=AFTER_DEADLINE)
    exceptions = _html(report).split('id="exceptions"', 1)[1].split("</section>", 1)[0]

    assert [row.code for row in report.exceptions] == ["SAFE-01"]
    assert "gave no explanation; its update: All &lt;b&gt;fine&lt;/b&gt;." in exceptions
    assert "Completion rate: " in exceptions


def _html(report) -> str:
    from django.template.loader import render_to_string

    return render_to_string("reporting/report_pdf.html", {"report": report, "stylesheet": ""})
