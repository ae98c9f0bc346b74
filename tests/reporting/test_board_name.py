"""The board the report goes to is the partnership's own: its name and short name in the report's title,
labels, file names and the viewer role's name, never a fixed "SEG"."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from csp.models import PartnershipRole, Role
from reporting.builder import build_quarterly_report
from tests.reporting.report_helpers import BEFORE_DEADLINE


@pytest.fixture
def board(plan):
    plan.partnership.board_name = "Community Safety Board"
    plan.partnership.board_short_name = "CSB"
    plan.partnership.save()
    return plan


def test_the_report_is_to_the_partnerships_board(board):
    report = build_quarterly_report(board.period, today=BEFORE_DEADLINE)
    html = render_to_string("reporting/report_pdf.html", {"report": report, "stylesheet": ""})

    assert ": quarterly report to the Community Safety Board, Q2 2026-27</title>" in html
    assert "Quarterly performance report to the Community Safety Board</h1>" in html
    assert 'data-footer="Quarterly report to the CSB"' in html
    assert "Strategic Executive Group" not in html and "SEG" not in html


def test_downloads_are_named_after_the_board(board, client, coordinator):
    client.force_login(coordinator)

    figures = client.get(reverse("report_figures", args=["testshire", board.period.pk, "csv"]))

    assert figures["Content-Disposition"] == f'attachment; filename="csb-figures-{board.period.code}.csv"'


def test_the_viewer_role_is_named_after_the_board(board, viewer):
    role = PartnershipRole.objects.get(user=viewer, partnership=board.partnership, role=Role.VIEWER)

    assert role.role_name == "CSB member"
    assert str(role) == f"{viewer} as csb member of {board.partnership}"


def test_a_board_without_a_short_name_goes_by_its_name(board):
    board.partnership.board_short_name = ""
    board.partnership.save()

    report = build_quarterly_report(board.period, today=BEFORE_DEADLINE)

    assert report.board_short_name == "Community Safety Board"
    assert board.partnership.board_slug == "community-safety-board"
