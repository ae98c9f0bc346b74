"""Emails from the workflow: a return sent back, and an agency that has completed all its returns."""

import re

import pytest
from django.urls import reverse

from csp import roles
from returns import notifications, workflow
from returns.models import NotificationPreference, Return, ReturnState
from returns.workflow import ReturnContent, WorkflowError, save_draft, send_back
from tests import factories

REASON = "Please explain the rise in incidents <since July> & attach the figures."


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.CSP_SITE_URL = "https://csp.example.org"


def submit(ret, user):
    content = ReturnContent(nothing_to_report=True, commentary="Nothing new this quarter.")
    ret = save_draft(ret, user, content, version=ret.version)
    return workflow.submit(ret, user, version=ret.version)


@pytest.fixture
def submitted(plan, officer):
    return submit(plan.ret, officer)


def test_sending_back_emails_the_agencys_officers_with_the_reason(
    plan, submitted, coordinator, other_agency_officer, django_capture_on_commit_callbacks, mailoutbox
):
    colleague = factories.officer_of(plan.ours, username="colleague")

    with django_capture_on_commit_callbacks(execute=True):
        send_back(submitted, coordinator, REASON)

    assert sorted(m.to[0] for m in mailoutbox) == ["colleague@example.org", "officer@example.org"]
    message = mailoutbox[0]
    assert message.subject == "Sent back: SAFE-01 for Q2 2026-27"
    assert REASON in message.body  # plain text: shown as typed, not escaped
    assert "Testshire Police" in message.body
    assert colleague.email in [m.to[0] for m in mailoutbox]


def test_sent_back_email_links_to_the_return(
    client, plan, submitted, coordinator, officer, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        send_back(submitted, coordinator, REASON)

    link = re.search(r"https://csp\.example\.org(\S+)", mailoutbox[0].body)[1]
    assert link == reverse("return", args=["testshire", plan.ret.pk])
    client.force_login(officer)
    response = client.get(link)
    assert response.status_code == 200
    assert "Sent back by the coordinator" in response.content.decode()


def test_sending_back_from_the_review_page_emails_once(
    client, plan, submitted, coordinator, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("review", args=["testshire", plan.ret.pk]), {"decision": "send_back", "reason": REASON}
        )

    assert [m.to for m in mailoutbox] == [["officer@example.org"]]


def test_a_refused_send_back_emails_nobody(
    plan, officer, coordinator, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(WorkflowError):
        send_back(plan.ret, coordinator, REASON)  # not submitted

    assert mailoutbox == []


def test_no_email_before_the_transaction_commits(
    plan, submitted, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send_back(submitted, coordinator, REASON)

    assert len(callbacks) == 1


def test_a_mail_failure_does_not_undo_or_break_the_send_back(
    plan, submitted, coordinator, django_capture_on_commit_callbacks, monkeypatch
):
    def down(messages):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(notifications, "send", down)

    with django_capture_on_commit_callbacks(execute=True):
        ret = send_back(submitted, coordinator, REASON)

    assert ret.state == ReturnState.RETURNED
    assert Return.objects.get(pk=ret.pk).state == ReturnState.RETURNED


# --- An agency's returns all in -----------------------------------------------------------------------


@pytest.fixture
def opted_in(coordinator):
    NotificationPreference.objects.create(user=coordinator, agency_complete=True)
    return coordinator


def test_coordinator_who_asked_is_emailed_when_an_agency_completes(
    plan, officer, opted_in, django_capture_on_commit_callbacks, mailoutbox
):
    factories.make_user("quiet-coordinator", roles.COORDINATOR)  # did not ask

    with django_capture_on_commit_callbacks(execute=True):
        submit(plan.ret, officer)

    assert [m.to for m in mailoutbox] == [["coordinator@example.org"]]
    message = mailoutbox[0]
    assert message.subject == "Testshire Police has submitted all its returns for Q2 2026-27"
    assert "1 is waiting for your review" in message.body
    assert f"https://csp.example.org{plan.period.link('review_queue')}" in message.body


def test_no_completion_email_while_the_agency_still_owes_returns(
    plan, officer, opted_in, django_capture_on_commit_callbacks, mailoutbox
):
    second = factories.IndicatorFactory(priority=plan.priority, code="SAFE-03", agencies=[plan.ours])
    second_ret = Return.objects.create(period=plan.period, indicator=second, agency=plan.ours)

    with django_capture_on_commit_callbacks(execute=True):
        submit(plan.ret, officer)
    assert mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        submit(second_ret, officer)
    assert len(mailoutbox) == 1
    assert "all 2 of its returns" in mailoutbox[0].body


def test_another_agencys_submission_does_not_complete_ours(
    plan, other_agency_officer, opted_in, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(plan.other_ret, other_agency_officer)

    assert [m.subject for m in mailoutbox] == ["Testshire Fire has submitted all its returns for Q2 2026-27"]


def test_a_coordinator_of_another_partnership_is_not_emailed(
    plan, officer, opted_in, django_capture_on_commit_callbacks, mailoutbox
):
    elsewhere = factories.PartnershipFactory(slug="elsewhere")
    opted_in.partnership_roles.update(partnership=elsewhere)

    with django_capture_on_commit_callbacks(execute=True):
        submit(plan.ret, officer)

    assert mailoutbox == []


def test_someone_no_longer_a_coordinator_is_not_emailed(
    plan, officer, opted_in, django_capture_on_commit_callbacks, mailoutbox
):
    opted_in.partnership_roles.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        submit(plan.ret, officer)

    assert mailoutbox == []


def test_coordinator_turns_the_completion_email_on_and_off(client, plan, coordinator):
    client.force_login(coordinator)
    url = reverse("notification_preferences", args=["testshire"])

    response = client.post(url, {"agency_complete": "on", "period": plan.period.pk, "state": "draft"})
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard", args=["testshire", plan.period.pk]) + "?state=draft"
    assert NotificationPreference.objects.get(user=coordinator).agency_complete is True
    page = client.get(reverse("dashboard", args=["testshire", plan.period.pk]))
    assert 'name="agency_complete" type="checkbox" checked' in page.content.decode()

    client.post(url, {"period": plan.period.pk})
    assert NotificationPreference.objects.get(user=coordinator).agency_complete is False


@pytest.mark.parametrize("period", ["²", "١", "abc", ""])
def test_a_preference_posted_with_a_period_that_is_no_number_goes_to_the_current_dashboard(
    client, plan, coordinator, period
):
    client.force_login(coordinator)

    response = client.post(
        reverse("notification_preferences", args=["testshire"]), {"agency_complete": "on", "period": period}
    )

    assert response.status_code == 302 and response["Location"] == reverse(
        "dashboard_current", args=["testshire"]
    )
    assert NotificationPreference.objects.get(user=coordinator).agency_complete is True
