"""A protective marking is blank (nothing printed) or a Government Security Classification."""

import importlib

import pytest
from django.core.exceptions import ValidationError

from csp.models import Partnership, ProtectiveMarking
from reporting.builder import build_quarterly_report
from reporting.pdf import render_pdf, report_html
from tests.reporting.report_helpers import BEFORE_DEADLINE, pdf_text
from tests.themes.test_workbook_errors import run, small_plan

migration = importlib.import_module("csp.migrations.0005_protective_marking_classifications")


@pytest.mark.parametrize("marking", ["", "OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "TOP SECRET"])
def test_a_classification_or_nothing_is_a_valid_marking(db, marking):
    Partnership(name="Testshire", slug="testshire", protective_marking=marking).full_clean()


@pytest.mark.parametrize("marking", ["RESTRICTED", "official", "PROTECT", "OFFICIAL SENSITIVE"])
def test_anything_else_is_refused(db, marking):
    with pytest.raises(ValidationError) as refused:
        Partnership(name="Testshire", slug="testshire", protective_marking=marking).full_clean()

    assert "protective_marking" in refused.value.message_dict


def test_a_blank_marking_prints_nothing_on_the_page_or_in_the_pdf(plan):
    plan.partnership.protective_marking = ProtectiveMarking.NONE
    plan.partnership.save()

    report = build_quarterly_report(plan.period, today=BEFORE_DEADLINE)
    html = report_html(report)
    text = pdf_text(render_pdf(report))

    assert report.marking == ""
    assert "OFFICIAL" not in html and "Protective marking" not in html
    assert "OFFICIAL" not in text
    assert "Page 1 of" in text


def test_a_marking_prints_on_the_cover(plan):
    plan.partnership.protective_marking = ProtectiveMarking.OFFICIAL_SENSITIVE
    plan.partnership.save()

    html = report_html(build_quarterly_report(plan.period, today=BEFORE_DEADLINE))

    assert '<p class="govuk-body app-report-cover__marking">OFFICIAL-SENSITIVE</p>' in html


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("", ""),
        ("OFFICIAL", "OFFICIAL"),
        ("official sensitive", "OFFICIAL-SENSITIVE"),
        ("Top secret", "TOP SECRET"),
    ],
)
def test_the_workbook_takes_a_classification_in_any_case_or_a_blank(db, written, stored):
    report = run(small_plan(Plan={(0, "protective_marking"): written}))

    assert report.applied, [str(e) for e in report.errors]
    assert Partnership.objects.get(slug="atlantis").protective_marking == stored


def test_the_workbook_refuses_a_marking_that_is_not_a_classification(db):
    report = run(small_plan(Plan={(0, "protective_marking"): "RESTRICTED"}))

    assert [str(e) for e in report.errors] == [
        'Sheet "Plan", row 2: the protective_marking must be one of OFFICIAL, OFFICIAL-SENSITIVE, SECRET, '
        "TOP SECRET, or blank, not 'RESTRICTED'."
    ]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("OFFICIAL", "OFFICIAL"),
        ("", ""),
        ("  ", ""),
        ("Official", "OFFICIAL"),
        ("official_sensitive", "OFFICIAL-SENSITIVE"),
        ("OFFICIAL SENSITIVE", "OFFICIAL-SENSITIVE"),
        ("top-secret", "TOP SECRET"),
        ("RESTRICTED", "OFFICIAL-SENSITIVE"),
    ],
)
def test_the_migration_keeps_each_existing_marking_valid(before, after):
    assert migration.classification(before) == after
    assert after in ProtectiveMarking.values
