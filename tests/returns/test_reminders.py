"""Deadlines and reminders: who is emailed, once, when, and that the link in the email works."""

import re
from datetime import date

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.urls import reverse

from csp import settings as csp_settings
from indicators.quarters import working_days_after
from returns import reminders
from returns.models import PeriodState, ReminderKind, ReminderSent, ReportingPeriod, Return, ReturnState
from returns.periods import create_missing_items
from returns.reminders import ReminderError, kind_due, remind_agency, send_reminders
from tests import factories

DEADLINE = date(2026, 10, 28)  # the plan fixture's Q2 deadline, a Wednesday
BEFORE_DAY = date(2026, 10, 23)  # five days before
LATE_DAY = date(2026, 10, 29)


@pytest.fixture(autouse=True)
def reminder_days(settings):
    settings.CSP_REMINDER_DAYS_BEFORE = 5
    settings.CSP_LATE_REMINDER_DAYS_AFTER = 1
    settings.CSP_SITE_URL = "https://csp.example.org"


@pytest.mark.parametrize(
    ("quarter_end", "working_days", "expected"),
    [
        (date(2026, 6, 30), 20, date(2026, 7, 28)),  # no bank holiday in July
        (date(2026, 9, 30), 20, date(2026, 10, 28)),
        (date(2026, 12, 31), 20, date(2027, 1, 29)),  # New Year's Day is skipped
        (date(2026, 3, 31), 5, date(2026, 4, 9)),  # Good Friday 3 April and Easter Monday 6 April
        (date(2026, 12, 24), 2, date(2026, 12, 30)),  # Christmas, a weekend, Boxing Day's substitute Monday
        (date(2026, 5, 22), 1, date(2026, 5, 26)),  # the spring bank holiday, Monday 25 May
        (date(2026, 8, 28), 1, date(2026, 9, 1)),  # the summer bank holiday, Monday 31 August
        (date(2026, 6, 30), 0, date(2026, 6, 30)),
    ],
)
def test_default_deadline_skips_weekends_and_bank_holidays(quarter_end, working_days, expected):
    assert working_days_after(quarter_end, working_days) == expected


@pytest.mark.parametrize(
    ("today", "days_before", "days_after", "expected"),
    [
        (date(2026, 10, 22), 5, 1, None),
        (date(2026, 10, 23), 5, 1, ReminderKind.BEFORE),
        (date(2026, 10, 28), 5, 1, ReminderKind.BEFORE),  # the deadline day is not late
        (date(2026, 10, 29), 5, 1, ReminderKind.LATE),
        (date(2026, 12, 1), 5, 1, ReminderKind.LATE),  # a missed run still sends it
        (date(2026, 10, 30), 5, 3, None),
        (date(2026, 10, 31), 5, 3, ReminderKind.LATE),
        (date(2026, 10, 27), 0, 1, None),
        (date(2026, 10, 28), 0, 1, ReminderKind.BEFORE),
    ],
)
def test_which_reminder_is_due(today, days_before, days_after, expected):
    period = ReportingPeriod(deadline=DEADLINE)

    assert kind_due(period, today, days_before=days_before, days_after=days_after) == expected


@pytest.fixture
def busy(plan, officer, other_agency_officer):
    """Our agency owes two returns; an officer belongs to both agencies; some people cannot be emailed."""
    second = factories.IndicatorFactory(priority=plan.priority, code="SAFE-03", agencies=[plan.ours])
    create_missing_items(plan.period)
    plan.second_ret = Return.objects.get(period=plan.period, indicator=second)
    plan.both = factories.officer_of(plan.ours, plan.theirs, username="both")
    no_email = factories.officer_of(plan.ours, username="no-email")
    no_email.email = ""
    no_email.save()
    factories.make_user("gone", agencies=[plan.ours], is_active=False)
    return plan


def recipients(mailoutbox) -> list[str]:
    return sorted(address for message in mailoutbox for address in message.to)


def test_each_officer_with_outstanding_returns_gets_one_email(busy, mailoutbox):
    report = send_reminders(today=BEFORE_DAY)

    assert recipients(mailoutbox) == ["both@example.org", "officer@example.org", "other-officer@example.org"]
    assert len(report.sent) == 3
    by_recipient = {message.to[0]: message for message in mailoutbox}
    ours = by_recipient["officer@example.org"]
    assert "SAFE-01" in ours.body and "SAFE-03" in ours.body and "SAFE-02" not in ours.body
    assert "2 returns" in ours.subject
    both = by_recipient["both@example.org"]
    assert all(code in both.body for code in ("SAFE-01", "SAFE-02", "SAFE-03"))
    assert "Testshire Police:" in both.body and "Testshire Fire:" in both.body
    assert "3 returns" in both.subject


def test_nobody_with_nothing_outstanding_is_emailed(busy, mailoutbox):
    Return.objects.filter(pk=busy.other_ret.pk).update(state=ReturnState.SUBMITTED)
    Return.objects.filter(pk=busy.ret.pk).update(state=ReturnState.APPROVED)

    send_reminders(today=BEFORE_DAY)

    assert recipients(mailoutbox) == ["both@example.org", "officer@example.org"]
    assert all("SAFE-01" not in m.body and "SAFE-02" not in m.body for m in mailoutbox)
    assert all("SAFE-03" in m.body for m in mailoutbox)


@pytest.mark.parametrize("state", [ReturnState.NOT_STARTED, ReturnState.DRAFT, ReturnState.RETURNED])
def test_every_unsubmitted_state_counts_as_outstanding(plan, officer, mailoutbox, state):
    Return.objects.filter(pk=plan.ret.pk).update(state=state)

    send_reminders(today=BEFORE_DAY)

    assert recipients(mailoutbox) == ["officer@example.org"]


def test_a_second_run_sends_nothing(busy, mailoutbox):
    send_reminders(today=BEFORE_DAY)
    first = len(mailoutbox)

    again = send_reminders(today=BEFORE_DAY)
    later_in_the_window = send_reminders(today=date(2026, 10, 27))

    assert len(mailoutbox) == first == 3
    assert again.sent == later_in_the_window.sent == []
    assert ReminderSent.objects.count() == 3


def test_the_database_refuses_a_second_record_so_two_runs_at_once_cannot_both_send(
    plan, officer, mailoutbox, monkeypatch
):
    outstanding_by_officer = reminders.outstanding_by_officer

    def another_run_sends_meanwhile(period, agency=None):
        # Another run records the reminder after this one has read who was already reminded.
        found = outstanding_by_officer(period, agency)
        ReminderSent.objects.create(period=period, user=officer, kind=ReminderKind.BEFORE)
        return found

    monkeypatch.setattr(reminders, "outstanding_by_officer", another_run_sends_meanwhile)

    report = send_reminders(today=BEFORE_DAY)

    assert report.sent == [] and report.failed == []
    assert mailoutbox == []
    assert ReminderSent.objects.filter(user=officer).count() == 1


def test_late_reminder_goes_after_the_deadline_only(plan, officer, mailoutbox):
    send_reminders(today=date(2026, 10, 20))
    assert mailoutbox == []

    send_reminders(today=DEADLINE)
    assert [m.subject for m in mailoutbox] == ["Reminder: 1 return for Q2 2026-27 due by 28 October 2026"]
    assert "The deadline is Wednesday 28 October 2026, today." in mailoutbox[0].body

    send_reminders(today=DEADLINE)  # the deadline day is not late
    assert len(mailoutbox) == 1

    send_reminders(today=LATE_DAY)
    assert len(mailoutbox) == 2
    late = mailoutbox[1]
    assert late.subject == "Late: 1 return for Q2 2026-27 was due on 28 October 2026"
    assert "now late" in late.body
    assert set(ReminderSent.objects.values_list("kind", flat=True)) == {
        ReminderKind.BEFORE,
        ReminderKind.LATE,
    }

    send_reminders(today=date(2026, 11, 5))
    assert len(mailoutbox) == 2


def test_late_reminder_waits_the_configured_days(plan, officer, mailoutbox, settings):
    settings.CSP_LATE_REMINDER_DAYS_AFTER = 3

    send_reminders(today=date(2026, 10, 30))
    assert mailoutbox == []
    send_reminders(today=date(2026, 10, 31))
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("state", [PeriodState.NOT_OPEN, PeriodState.CLOSED])
def test_no_reminders_for_a_period_that_is_not_open(plan, officer, mailoutbox, state):
    plan.period.state = state
    plan.period.save()

    send_reminders(today=BEFORE_DAY)
    send_reminders(today=LATE_DAY)

    assert mailoutbox == []


def test_email_contains_a_working_link_to_the_officers_returns(client, plan, officer, mailoutbox):
    send_reminders(today=BEFORE_DAY)

    links = re.findall(r"https://csp\.example\.org\S+", mailoutbox[0].body)
    assert links == [f"https://csp.example.org{reverse('home')}"]
    client.force_login(officer)
    response = client.get(links[0].removeprefix("https://csp.example.org"))
    assert response.status_code == 200
    assert "SAFE-01" in response.content.decode()


def test_email_is_plain_text_and_not_escaped(plan, officer, mailoutbox):
    plan.indicator.text = "Incidents <in> the town centre & the harbour"
    plan.indicator.save()

    send_reminders(today=BEFORE_DAY)

    body = mailoutbox[0].body
    assert "Incidents <in> the town centre & the harbour" in body
    assert "&amp;" not in body
    assert mailoutbox[0].content_subtype == "plain"


def test_a_failed_email_is_not_recorded_and_goes_next_run(plan, officer, mailoutbox, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(reminders.notifications, "send_reminder", refuse)
    report = send_reminders(today=BEFORE_DAY)
    assert report.failed == ["officer (Q2 2026-27, before)"]
    assert not ReminderSent.objects.exists()

    monkeypatch.undo()
    report = send_reminders(today=BEFORE_DAY)
    assert [r.user for r in report.sent] == [officer]
    assert len(mailoutbox) == 1


def test_command_sends_once_and_says_what_it_did(plan, officer, mailoutbox, capsys):
    call_command("send_reminders", "--today", "2026-10-23")
    call_command("send_reminders", "--today", "2026-10-23")

    out = capsys.readouterr().out
    assert "Reminded officer of 1 outstanding return for Q2 2026-27 (before the deadline)." in out
    assert "Nothing to send on 2026-10-23" in out
    assert len(mailoutbox) == 1


def test_command_fails_loudly_when_an_email_cannot_be_sent(plan, officer, monkeypatch):
    monkeypatch.setattr(reminders.notifications, "send_reminder", lambda *a: 1 / 0)

    with pytest.raises(Exception, match="retried on the next run"):
        call_command("send_reminders", "--today", "2026-10-23")


# --- The coordinator's reminder to one agency ---------------------------------------------------------


def test_coordinator_reminds_one_agency_about_its_returns_only(busy, coordinator, mailoutbox):
    sent = remind_agency(busy.period, busy.ours, coordinator, BEFORE_DAY)

    assert recipients(mailoutbox) == ["both@example.org", "officer@example.org"]
    assert {r.agency for r in sent} == {busy.ours}
    assert {r.sent_by for r in sent} == {coordinator}
    both = next(m for m in mailoutbox if m.to == ["both@example.org"])
    assert "SAFE-02" not in both.body  # the other agency's return is not this reminder's business
    assert "The CSP coordinator has asked us to remind you" in both.body


def test_coordinator_may_remind_again_and_it_does_not_block_the_schedule(
    plan, officer, coordinator, mailoutbox
):
    remind_agency(plan.period, plan.ours, coordinator, BEFORE_DAY)
    remind_agency(plan.period, plan.ours, coordinator, BEFORE_DAY)
    send_reminders(today=BEFORE_DAY)

    assert len(mailoutbox) == 3
    assert ReminderSent.objects.filter(kind=ReminderKind.BY_COORDINATOR).count() == 2


def test_coordinator_reminder_refused_when_nothing_is_outstanding(plan, officer, coordinator, mailoutbox):
    Return.objects.filter(agency=plan.ours).update(state=ReturnState.SUBMITTED)

    with pytest.raises(ReminderError, match="nothing outstanding"):
        remind_agency(plan.period, plan.ours, coordinator, BEFORE_DAY)
    assert mailoutbox == []


def test_coordinator_reminder_refused_when_nobody_can_be_emailed(plan, coordinator, mailoutbox):
    with pytest.raises(ReminderError, match="no officer with an email address"):
        remind_agency(plan.period, plan.ours, coordinator, BEFORE_DAY)


def test_coordinator_reminder_refused_when_the_period_is_closed(plan, officer, coordinator):
    plan.period.state = PeriodState.CLOSED
    plan.period.save()

    with pytest.raises(ReminderError, match="while the period is open"):
        remind_agency(plan.period, plan.ours, coordinator, BEFORE_DAY)


# --- Settings -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["soon", "-1", "2.5", "61", "²"])
def test_bad_reminder_days_are_refused_clearly(monkeypatch, raw):
    monkeypatch.setenv("CSP_REMINDER_DAYS_BEFORE", raw)

    with pytest.raises(ImproperlyConfigured, match="CSP_REMINDER_DAYS_BEFORE must be a whole number"):
        csp_settings.env_days("CSP_REMINDER_DAYS_BEFORE", 5)


def test_reminder_days_default_and_read_from_the_environment(monkeypatch):
    monkeypatch.delenv("CSP_REMINDER_DAYS_BEFORE", raising=False)
    assert csp_settings.env_days("CSP_REMINDER_DAYS_BEFORE", 5) == 5
    monkeypatch.setenv("CSP_REMINDER_DAYS_BEFORE", " 7 ")
    assert csp_settings.env_days("CSP_REMINDER_DAYS_BEFORE", 5) == 7
    assert settings.CSP_SITE_URL == "https://csp.example.org"
