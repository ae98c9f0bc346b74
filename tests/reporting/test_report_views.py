"""The report's pages: who may open them, the summary, the downloads, the PDF's progress, issuing."""

import hashlib
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from csp import roles
from reporting import renders, services
from reporting.models import IssuedReport, RenderState, ReportRender
from reporting.urls import in_a_partnership
from returns.models import Figure, ReturnState
from tests import factories
from tests.reporting.report_helpers import add_figure, set_return


def url_kwargs(name, plan):
    slug = {"partnership": plan.partnership.slug}
    if name == "issued_report":
        return {**slug, "issued_id": 1}
    if name == "report_figures":
        return {**slug, "period_id": plan.period.pk, "fmt": "csv"}
    return slug if name == "reports" else {**slug, "period_id": plan.period.pk}


READER_URLS = ["reports", "report", "report_pdf", "report_figures"]
REPORT_URLS = [p.name for p in in_a_partnership if str(p.pattern).startswith("reports/")]


@pytest.mark.parametrize("name", REPORT_URLS)
def test_anonymous_visitors_are_sent_to_sign_in(client, plan, name):
    method = client.post if name == "report_issue" else client.get

    response = method(reverse(name, kwargs=url_kwargs(name, plan)))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", REPORT_URLS)
def test_officers_cannot_open_the_report(client, plan, officer, name):
    set_return(plan.ret, ReturnState.APPROVED, commentary="Officer-only words")
    client.force_login(officer)
    method = client.post if name == "report_issue" else client.get

    response = method(reverse(name, kwargs=url_kwargs(name, plan)))

    assert response.status_code == 403
    assert b"Officer-only words" not in response.content


def test_seg_viewers_read_the_report_with_its_commentary_escaped(client, plan, viewer):
    set_return(plan.ret, ReturnState.APPROVED, commentary="<b>Patrols</b> doubled\nin July")
    client.force_login(viewer)

    response = client.get(reverse("report", args=["testshire", plan.period.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Quarter 2, 2026-27: July to September 2026" in page
    assert "&lt;b&gt;Patrols&lt;/b&gt; doubled<br>in July" in page
    assert "<b>Patrols</b>" not in page
    assert reverse("report_pdf", args=["testshire", plan.period.pk]) in page
    assert (
        reverse("escalations", args=["testshire", plan.period.pk]) not in page
    )  # the summary is the coordinator's
    assert reverse("report_issue", args=["testshire", plan.period.pk]) not in page
    assert "<script>" not in page.split("</head>", 1)[1]  # no inline script in the body


def test_the_index_lists_every_period(client, plan, viewer):
    client.force_login(viewer)

    response = client.get(reverse("reports", args=["testshire"]))

    assert reverse("report", args=["testshire", plan.period.pk]) in response.content.decode()


def test_viewers_cannot_write_the_summary_or_issue(client, plan, viewer):
    client.force_login(viewer)

    assert client.get(reverse("escalations", args=["testshire", plan.period.pk])).status_code == 403
    assert (
        client.post(reverse("escalations", args=["testshire", plan.period.pk]), {"summary": "x"}).status_code
        == 403
    )
    assert client.post(reverse("report_issue", args=["testshire", plan.period.pk])).status_code == 403
    assert IssuedReport.objects.count() == 0


def test_the_coordinators_summary_prints_as_text(client, plan, coordinator):
    type(plan.period).objects.filter(pk=plan.period.pk).update(summary="A good quarter.\n<i>Well done</i>")
    client.force_login(coordinator)

    page = client.get(reverse("report", args=["testshire", plan.period.pk])).content.decode()

    assert "A good quarter.<br>&lt;i&gt;Well done&lt;/i&gt;" in page
    assert (
        reverse("escalations", args=["testshire", plan.period.pk]) in page
    )  # where the coordinator writes it


def test_forms_need_the_csrf_token(plan, coordinator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)

    assert (
        client.post(reverse("escalations", args=["testshire", plan.period.pk]), {"summary": "x"}).status_code
        == 403
    )
    assert client.post(reverse("report_issue", args=["testshire", plan.period.pk])).status_code == 403
    page = client.get(reverse("report", args=["testshire", plan.period.pk])).content.decode()
    assert page.count('name="csrfmiddlewaretoken"') >= 2  # sign out, and issue


def test_figures_download_as_csv_in_long_format_with_formulae_neutralised(client, plan, viewer):
    plan.count.name = '=HYPERLINK("http://evil.example")'
    plan.count.save()
    add_figure(plan.count, 2026, 2, 120, ret=plan.ret)
    set_return(plan.ret, ReturnState.APPROVED)
    client.force_login(viewer)

    response = client.get(reverse("report_figures", args=["testshire", plan.period.pk, "csv"]))

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("period,priority,indicator,measure,agency,value,state,measure code,unit,")
    assert lines[1].startswith(
        '2026-27-Q2,Safer streets,SAFE-01,"\'=HYPERLINK(""http://evil.example"")",TP,120,Approved,SAFE-01-A,Count,'
    )
    assert len(lines) == 1 + 5


def test_figures_download_as_xlsx(client, plan, viewer):
    plan.theirs.short_name = "@risk"
    plan.theirs.save()
    add_figure(plan.ratio, 2026, 2, ret=plan.ret, numerator=30, denominator=45)
    set_return(plan.ret, ReturnState.SUBMITTED)
    client.force_login(viewer)

    response = client.get(reverse("report_figures", args=["testshire", plan.period.pk, "xlsx"]))

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:7] == ("period", "priority", "indicator", "measure", "agency", "value", "state")
    ratio = next(r for r in rows if r[7] == "SAFE-01-C")
    assert float(ratio[5]) == pytest.approx(66.67) and ratio[6] == "Submitted"
    fires = next(r for r in rows if r[7] == "SAFE-02-A")
    assert fires[4] == "'@risk" and fires[5] in ("", None) and fires[6] == "Not started"


def test_other_download_formats_are_not_found(client, plan, viewer):
    client.force_login(viewer)

    assert (
        client.get(reverse("report_figures", args=["testshire", plan.period.pk, "json"])).status_code == 404
    )


def test_the_pdf_is_made_once_and_reused_until_the_figures_change(client, plan, viewer, monkeypatch):
    figure = add_figure(plan.count, 2026, 2, 120, ret=plan.ret)
    set_return(plan.ret, ReturnState.APPROVED)
    client.force_login(viewer)
    url = reverse("report_pdf", args=["testshire", plan.period.pk])

    first = client.get(url)  # the immediate backend makes it during the request

    assert first["Content-Type"] == "application/pdf"
    content = first.content
    assert content.startswith(b"%PDF")

    def no_second_render(report):
        raise AssertionError("the cached PDF should have been reused")

    monkeypatch.setattr(renders, "render_pdf", no_second_render)
    assert client.get(url).content == content
    assert ReportRender.objects.count() == 1

    Figure.objects.filter(pk=figure.pk).update(value=121)
    monkeypatch.setattr(renders, "render_pdf", lambda report: b"%PDF-1.7 new figures")
    assert client.get(url).content == b"%PDF-1.7 new figures"
    assert ReportRender.objects.get().state == RenderState.READY  # the old render and its file are gone


@pytest.fixture
def worker_backend(settings):
    """As in production: tasks wait for a worker (the dummy backend only records them)."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def test_while_a_worker_makes_the_pdf_the_page_shows_progress_and_polls(
    client, plan, viewer, worker_backend, monkeypatch
):
    client.force_login(viewer)
    url = reverse("report_pdf", args=["testshire", plan.period.pk])

    waiting = client.get(url)

    page = waiting.content.decode()
    assert waiting.status_code == 200
    assert "waiting for a worker" in page and f'href="{url}"' in page  # a plain link as well as polling
    render = ReportRender.objects.get()
    poll = f"{url}?render={render.pk}"
    assert f'hx-get="{poll}"' in page and 'hx-trigger="every 2s"' in page
    assert render.state == RenderState.QUEUED

    polled = client.get(poll, headers={"HX-Request": "true"})
    assert b"<html" not in polled.content and b"hx-trigger" in polled.content

    monkeypatch.setattr(renders, "render_pdf", lambda report: b"%PDF-1.7 from the worker")
    renders.make_pdf(render.pk)  # what the worker's task does

    ready = client.get(poll, headers={"HX-Request": "true"})
    assert b"<html" not in ready.content and b"hx-trigger" not in ready.content
    assert b"Download the PDF" in ready.content
    assert client.get(url).content == b"%PDF-1.7 from the worker"


def test_the_poll_reads_the_render_and_builds_no_report(
    client, plan, viewer, worker_backend, monkeypatch, django_assert_max_num_queries
):
    from reporting.views import report as report_views

    client.force_login(viewer)
    url = reverse("report_pdf", args=["testshire", plan.period.pk])
    client.get(url)
    render = ReportRender.objects.get()

    def no_rebuild(*args, **kwargs):
        raise AssertionError("the poll rebuilt the report")

    monkeypatch.setattr(report_views, "build_quarterly_report", no_rebuild)
    with django_assert_max_num_queries(8):
        polled = client.get(f"{url}?render={render.pk}", headers={"HX-Request": "true"})

    assert polled.status_code == 200 and b"waiting for a worker" in polled.content


def test_a_poll_for_another_periods_render_takes_the_full_path(client, plan, viewer, worker_backend):
    other = factories.PeriodFactory(plan_year=plan.plan_year, number=3)
    client.force_login(viewer)
    client.get(reverse("report_pdf", args=["testshire", other.pk]))
    theirs = ReportRender.objects.get(period=other)
    url = reverse("report_pdf", args=["testshire", plan.period.pk])

    polled = client.get(f"{url}?render={theirs.pk}", headers={"HX-Request": "true"})

    assert polled.status_code == 200
    assert ReportRender.objects.filter(period=plan.period).count() == 1  # built and queued its own


def test_a_failed_render_says_so_and_is_retried_only_when_asked(
    client, plan, viewer, worker_backend, monkeypatch
):
    client.force_login(viewer)
    url = reverse("report_pdf", args=["testshire", plan.period.pk])
    client.get(url)
    render = ReportRender.objects.get()

    def broken(report):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(renders, "render_pdf", broken)
    with pytest.raises(RuntimeError):
        renders.make_pdf(render.pk)

    failed = client.get(url).content.decode()
    assert "could not be made" in failed and "hx-trigger" not in failed
    assert ReportRender.objects.get().state == RenderState.FAILED
    client.get(url + "?retry=1")
    assert ReportRender.objects.get().state == RenderState.QUEUED


def test_coordinator_issues_the_report_and_the_issued_copy_never_changes(
    client, plan, coordinator, monkeypatch
):
    set_return(plan.ret, ReturnState.APPROVED, commentary="As issued.")
    figure = add_figure(plan.count, 2026, 2, 120, ret=plan.ret)
    monkeypatch.setattr(services, "render_pdf", lambda report: f"%PDF {report.fingerprint}".encode())
    client.force_login(coordinator)
    page = client.get(reverse("report", args=["testshire", plan.period.pk])).content.decode()
    fingerprint = page.split('name="fingerprint" value="', 1)[1].split('"', 1)[0]

    response = client.post(
        reverse("report_issue", args=["testshire", plan.period.pk]), {"fingerprint": fingerprint}
    )

    assert response.status_code == 302
    issued = IssuedReport.objects.get()
    kept = issued.file.read()
    assert kept == f"%PDF {fingerprint}".encode()
    assert (issued.issued_by, issued.fingerprint, issued.was_draft) == (coordinator, fingerprint, True)
    assert issued.sha256 == hashlib.sha256(kept).hexdigest()
    assert "SAFE-01,Incidents,TP,120,Approved" in issued.figures_csv

    # Later edits make a new version of the report and leave the issued copy alone.
    Figure.objects.filter(pk=figure.pk).update(value=999)
    set_return(plan.ret, ReturnState.APPROVED, commentary="Changed afterwards.")
    client.get(reverse("report_pdf", args=["testshire", plan.period.pk]))
    issued.refresh_from_db()
    with issued.file.open("rb") as stored:
        assert stored.read() == kept
    assert "120" in issued.figures_csv and "999" not in issued.figures_csv
    with pytest.raises(ValueError, match="never changed"):
        issued.save()

    download = client.get(reverse("issued_report", args=["testshire", issued.pk]))
    assert download.content == kept


def test_a_report_that_changed_since_it_was_opened_is_not_issued(client, plan, coordinator):
    client.force_login(coordinator)

    response = client.post(
        reverse("report_issue", args=["testshire", plan.period.pk]), {"fingerprint": "0" * 64}, follow=True
    )

    assert "has changed since you opened it" in response.content.decode()
    assert IssuedReport.objects.count() == 0


def test_issuing_reuses_the_pdf_already_made(plan, coordinator, monkeypatch):
    monkeypatch.setattr(renders, "render_pdf", lambda report: b"%PDF cached")
    report = services.build_quarterly_report(plan.period, today=plan.period.deadline)
    services.request_pdf(plan.period, report)
    monkeypatch.setattr(renders, "render_pdf", lambda report: b"%PDF made again")

    issued = services.issue_report(plan.period, coordinator, today=plan.period.deadline)

    assert issued.file.read() == b"%PDF cached"


def test_only_a_coordinator_can_issue(plan, viewer):
    with pytest.raises(services.IssueError):
        services.issue_report(plan.period, viewer, today=plan.period.deadline)


def test_a_user_who_is_both_officer_and_viewer_may_read(client, plan):
    both = factories.make_user("both", roles.VIEWER, agencies=[plan.ours])
    client.force_login(both)

    assert client.get(reverse("report", args=["testshire", plan.period.pk])).status_code == 200


def test_a_render_whose_file_has_gone_or_whose_worker_died_is_made_again(plan, worker_backend, monkeypatch):
    monkeypatch.setattr(renders, "render_pdf", lambda report: b"%PDF first")
    report = services.build_quarterly_report(plan.period, today=plan.period.deadline)
    render = services.request_pdf(plan.period, report)
    renders.make_pdf(render.pk)
    render.refresh_from_db()
    render.file.storage.delete(render.file.name)

    assert services.request_pdf(plan.period, report).state == RenderState.QUEUED

    an_hour_ago = render.updated_at - timedelta(hours=1)
    ReportRender.objects.filter(pk=render.pk).update(
        state=RenderState.RUNNING, started_at=an_hour_ago, updated_at=an_hour_ago
    )
    assert services.request_pdf(plan.period, report).state == RenderState.QUEUED
