"""An officer whose agencies serve several partnerships keeps one list of returns across them."""

import datetime
import re

from django.urls import reverse

from csp.models import Membership
from returns.models import ReportingPeriod, ReturnState
from returns.reminders import send_reminders
from tests import factories
from tests.conftest import build_plan


def test_one_list_across_partnerships_each_with_its_quarter_and_deadline(client, plan, other_plan):
    ReportingPeriod.objects.filter(pk=other_plan.period.pk).update(deadline=datetime.date(2026, 11, 6))
    both = factories.officer_of(plan.ours, other_plan.ours, username="kent-police")
    client.force_login(both)

    page = client.get(reverse("home")).content.decode()

    sections = re.findall(r'<h2 class="govuk-heading-l" id="partnership-([a-z]+)">', page)
    assert sections == ["otherton", "testshire"]  # by name
    assert "Wednesday 28 October 2026" in page and "Friday 6 November 2026" in page
    assert f'href="{plan.ret.get_absolute_url()}"' in page
    assert f'href="{other_plan.ret.get_absolute_url()}"' in page
    assert "/p/otherton/returns/" in other_plan.ret.get_absolute_url()
    assert plan.other_ret.get_absolute_url() not in page  # another agency's


def test_the_list_makes_the_same_queries_however_many_partnerships(client, count_queries, plan):
    officer = factories.officer_of(plan.ours, username="kent-police")
    client.force_login(officer)
    count_queries(reverse("home"))  # warm per-process caches
    one = count_queries(reverse("home"))

    for slug in ("second", "third", "fourth"):
        Membership.objects.create(user=officer, agency=build_plan(slug, slug.title()).ours)
    four = count_queries(reverse("home"))

    assert four <= one <= 11  # one partnership also names itself in the header


def test_one_reminder_lists_both_partnerships_outstanding_returns(plan, other_plan, mailoutbox):
    ReportingPeriod.objects.filter(pk=other_plan.period.pk).update(deadline=datetime.date(2026, 10, 26))
    both = factories.officer_of(plan.ours, other_plan.ours, username="kent-police")
    other_plan.ret.state = ReturnState.RETURNED
    other_plan.ret.save()

    report = send_reminders(today=datetime.date(2026, 10, 27))

    assert [m.to for m in mailoutbox] == [[both.email]]
    message = mailoutbox[0]
    assert message.subject == "Reminder: 2 returns for 2 partnerships, the next due by 28 October 2026"
    body = message.body
    assert body.index("Otherton Community Safety Partnership: you have 1 return") < body.index(
        "Testshire Community Safety Partnership: you have 1 return"
    )
    assert "The deadline was Monday 26 October 2026, so it is now late." in body
    assert "The deadline is Wednesday 28 October 2026, tomorrow." in body
    assert "SAFE-01 (sent back to you)" in body
    assert len(report.sent) == 2  # one record per partnership's period, so each is sent once
    assert send_reminders(today=datetime.date(2026, 10, 27)).sent == []
