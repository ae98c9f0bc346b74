"""`manage.py seg_report`: the report from the command line."""

import pytest
from django.core.management import CommandError, call_command

from returns.models import ReturnState
from tests.reporting.report_helpers import pdf_text, set_return


def test_writes_the_html_with_its_stylesheet_inside(plan, tmp_path):
    set_return(plan.ret, ReturnState.APPROVED, commentary="Seen from the command line.")
    output = tmp_path / "report.html"

    call_command("seg_report", "--period", "2026-27-Q2", "--format", "html", "--output", str(output))

    html = output.read_text()
    assert "Quarter 2, 2026-27: July to September 2026" in html
    assert "Seen from the command line." in html
    assert "<style>" in html and "@page" in html
    assert "<script" not in html


def test_writes_the_pdf(plan, tmp_path):
    set_return(plan.ret, ReturnState.APPROVED, commentary="Printed from the command line.")
    output = tmp_path / "report.pdf"

    call_command("seg_report", "--period", "2026-27-Q2", "--output", str(output), "--today", "2026-11-30")

    text = pdf_text(output.read_bytes())
    assert "Quarter 2, 2026-27: July to September 2026" in text
    assert "Printed from the command line." in text
    assert "Testshire Community Safety Partnership" in text


def test_a_period_that_does_not_exist_is_an_error(plan, tmp_path):
    with pytest.raises(CommandError, match="no reporting period for 2027-28-Q1"):
        call_command("seg_report", "--period", "2027-28-Q1", "--output", str(tmp_path / "x.pdf"))


def test_a_badly_written_period_is_an_error(plan, tmp_path):
    with pytest.raises(CommandError, match="write it like 2026-27-Q2"):
        call_command("seg_report", "--period", "Q2", "--output", str(tmp_path / "x.pdf"))
