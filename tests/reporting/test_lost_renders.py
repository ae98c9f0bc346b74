"""A PDF render whose worker was killed, or whose database connection was lost, does not stay "being
made": the next request finds nobody making it and queues it again; finished renders clear away the rest.

A renderer holds its render's row lock while it works, so on PostgreSQL "is anybody making it?" is asked
of the database and answered at once; SQLite, which has no row locks, waits RENDER_TIMEOUT instead.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from reporting import renders, services
from reporting.models import RENDER_TIMEOUT, RenderState, ReportRender

ON_POSTGRESQL = connection.vendor == "postgresql"
postgresql_only = pytest.mark.skipif(not ON_POSTGRESQL, reason="asks PostgreSQL's row locks")


@pytest.fixture
def worker_backend(settings):
    """As in production: tasks wait for a worker (the dummy backend only records them)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def running_since(render: ReportRender, ago: timedelta) -> None:
    """The render as a renderer that has since died left it."""
    started = timezone.now() - ago
    ReportRender.objects.filter(pk=render.pk).update(
        state=RenderState.RUNNING, started_at=started, updated_at=started
    )


def queued_render(plan) -> tuple[ReportRender, object]:
    report = services.build_quarterly_report(plan.period, today=plan.period.deadline)
    return services.request_pdf(plan.period, report), report


def test_a_render_left_running_by_a_dead_worker_is_queued_again_without_a_long_wait(plan, worker_backend):
    render, report = queued_render(plan)
    # On PostgreSQL the database says nobody holds it; elsewhere it has run past any real render's time.
    running_since(render, timedelta(seconds=30) if ON_POSTGRESQL else RENDER_TIMEOUT + timedelta(seconds=5))

    again = services.request_pdf(plan.period, report)

    assert again.pk == render.pk and again.state == RenderState.QUEUED
    assert timedelta(minutes=5) >= RENDER_TIMEOUT  # not the 15 minutes a lost render once took


def test_retry_queues_a_render_left_running_by_a_dead_worker(client, plan, viewer, worker_backend):
    from django.urls import reverse

    client.force_login(viewer)
    url = reverse("report_pdf", args=["testshire", plan.period.pk])
    client.get(url)
    running_since(ReportRender.objects.get(), RENDER_TIMEOUT + timedelta(seconds=5))

    page = client.get(url + "?retry=1").content.decode()

    assert ReportRender.objects.get().state == RenderState.QUEUED
    assert "waiting for a worker" in page


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_render_being_made_is_left_to_its_renderer(plan, worker_backend):
    render, report = queued_render(plan)
    running_since(render, timedelta(minutes=10))  # slow, but somebody is still making it
    holding, release = threading.Event(), threading.Event()

    def renderer() -> None:
        try:
            with transaction.atomic():
                ReportRender.objects.select_for_update().get(pk=render.pk)
                holding.set()
                release.wait(timeout=20)
        finally:
            connections.close_all()

    thread = threading.Thread(target=renderer)
    thread.start()
    try:
        assert holding.wait(timeout=20)

        assert services.request_pdf(plan.period, report).state == RenderState.RUNNING
    finally:
        release.set()
        thread.join(timeout=20)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_connection_lost_while_rendering_is_recorded_and_can_be_retried(plan, worker_backend, monkeypatch):
    render, report = queued_render(plan)

    def connection_lost(report):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")

    monkeypatch.setattr(renders, "render_pdf", connection_lost)
    with pytest.raises(Exception):  # noqa: B017 (whatever psycopg raises for a dropped connection)
        renders.make_pdf(render.pk)

    render.refresh_from_db()
    assert render.state == RenderState.FAILED and "OperationalError" in render.error
    assert services.request_pdf(plan.period, report, retry=True).state == RenderState.QUEUED


def test_a_finished_render_clears_away_the_periods_abandoned_ones(plan, worker_backend, monkeypatch):
    old, _ = queued_render(plan)
    ReportRender.objects.filter(pk=old.pk).update(fingerprint="0" * 64)
    running_since(old, RENDER_TIMEOUT + timedelta(minutes=1))
    failed = ReportRender.objects.create(
        period=plan.period, fingerprint="1" * 64, requested_on=plan.period.deadline, state=RenderState.FAILED
    )
    current, _ = queued_render(plan)
    monkeypatch.setattr(renders, "render_pdf", lambda report: b"%PDF current")

    renders.make_pdf(current.pk)

    assert list(ReportRender.objects.values_list("pk", "state")) == [(current.pk, RenderState.READY)]
    assert not ReportRender.objects.filter(pk__in=[old.pk, failed.pk]).exists()
