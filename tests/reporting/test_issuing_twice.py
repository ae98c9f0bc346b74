"""Issuing is once per version of the report: a second click, at once or later, issues no second copy."""

import threading
import time

import pytest
from django.db import connection, connections

from reporting import services
from reporting.models import IssuedReport


@pytest.fixture
def quick_pdf(monkeypatch):
    def slow_enough_to_overlap(report):
        time.sleep(0.3)
        return f"%PDF {report.fingerprint}".encode()

    monkeypatch.setattr(services, "render_pdf", slow_enough_to_overlap)


def test_issuing_the_same_version_again_is_refused_and_names_the_first(plan, coordinator, quick_pdf):
    today = plan.period.deadline
    first = services.issue_report(plan.period, coordinator, today=today)

    with pytest.raises(services.IssueError, match="already issued") as refused:
        services.issue_report(plan.period, coordinator, today=today, fingerprint=first.fingerprint)

    assert "coordinator" in str(refused.value)
    assert IssuedReport.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
def test_two_simultaneous_issue_clicks_issue_one_copy(plan, coordinator, quick_pdf):
    today = plan.period.deadline
    fingerprint = services.build_quarterly_report(plan.period, today=today).fingerprint
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def click() -> None:
        try:
            start.wait()
            outcomes.append(
                services.issue_report(plan.period, coordinator, today=today, fingerprint=fingerprint)
            )
        except services.IssueError as refused:
            outcomes.append(refused)
        finally:
            connections.close_all()

    clicks = [threading.Thread(target=click) for _ in range(2)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join(timeout=30)

    assert sorted(type(o).__name__ for o in outcomes) == ["IssueError", "IssuedReport"]
    assert IssuedReport.objects.count() == 1
