import pytest
from django.urls import reverse

from csp import roles
from csp.models import Agency
from indicators.models import Indicator
from returns.models import DeliverableUpdate
from tests import factories
from tests.reporting.report_helpers import enlarge_plan, medway_period
from themes.models import Deliverable, Priority


@pytest.fixture
def reader(medway_plan):
    """An officer of one Medway agency: the whole plan is open to everyone in the partnership."""
    return factories.officer_of(Agency.objects.get(partnership=medway_plan.partnership, name="Kent Police"))


def test_anonymous_visitor_is_sent_to_sign_in(client, medway_plan):
    response = client.get(reverse("plan_year", args=["medway", medway_plan.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_plan_shortcut_goes_to_the_latest_plan_year(client, reader, medway_plan):
    client.force_login(reader)

    response = client.get(reverse("plan", args=["medway"]))

    assert response.status_code == 302
    assert response["Location"] == reverse("plan_year", args=["medway", medway_plan.pk])


def test_signed_in_user_sees_every_priority_and_indicator(client, reader, medway_plan):
    client.force_login(reader)

    response = client.get(reverse("plan_year", args=["medway", medway_plan.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    for priority in Priority.objects.filter(plan_year=medway_plan):
        assert priority.heading in page
    indicators = Indicator.objects.filter(priority__plan_year=medway_plan)
    assert indicators.count() == 44
    for indicator in indicators:
        assert f">{indicator.code}<" in page
        # Texts are escaped in HTML, so compare with the escaped form.
        from django.utils.html import escape

        assert escape(indicator.text) in page


def test_plan_page_has_a_title_skip_link_and_landmarks(client, reader, medway_plan):
    client.force_login(reader)

    page = client.get(reverse("plan_year", args=["medway", medway_plan.pk])).content.decode()

    assert "<title>Action plan 2026-27" in page
    assert 'href="#main-content"' in page
    assert 'id="main-content"' in page
    assert "<main" in page and "<header" in page and "<footer" in page


def test_plan_page_query_count_does_not_depend_on_plan_size(client, count_queries, reader, medway_plan):
    medway_period(medway_plan)  # a quarter opened: the page reads its ratings too
    client.force_login(reader)
    url = reverse("plan_year", args=["medway", medway_plan.pk])
    count_queries(url)  # warm per-process caches (content types, sessions)
    medway_size = count_queries(url)

    enlarge_plan(medway_plan, 3)
    three_times = count_queries(url)

    assert three_times == medway_size <= 20  # with the partnership, roles, memberships, milestones, updates


def test_with_no_plan_loaded_the_page_says_so(db, client):
    partnership = factories.PartnershipFactory(slug="newshire")
    client.force_login(factories.make_user("newcomer", roles.COORDINATOR, partnerships=[partnership]))

    response = client.get(reverse("plan", args=["newshire"]))

    assert response.status_code == 200
    assert "No plan loaded yet" in response.content.decode()


def test_each_deliverable_shows_its_owner_and_its_latest_received_status(client, reader, medway_plan):
    period = medway_period(medway_plan)  # Q2 open, with an update owed on every action
    cctv = Deliverable.objects.get(priority__plan_year=medway_plan, text__startswith="Review of CCTV")
    tipping = Deliverable.objects.get(
        priority__plan_year=medway_plan, text__startswith="New approach to tackle"
    )
    Deliverable.objects.filter(pk=cctv.pk).update(
        owner=Agency.objects.get(partnership=medway_plan.partnership, name="Medway Council")
    )
    DeliverableUpdate.objects.filter(period=period, deliverable=cctv).update(
        state="approved", status="at_risk"
    )
    DeliverableUpdate.objects.filter(period=period, deliverable=tipping).update(
        state="draft", status="off_track"
    )
    client.force_login(reader)

    page = client.get(reverse("plan_year", args=["medway", medway_plan.pk])).content.decode()

    def item(deliverable) -> str:
        start = page.index(f'id="action-asb-{deliverable.order}"')
        return page[start : page.index("</li>", start)]

    assert (
        "Owner: Medway Council" in item(cctv)
        and "Status at Q2 2026-27:" in item(cctv)
        and "At risk" in item(cctv)
    )
    assert "No update received yet." in item(tipping) and "Off track" not in item(
        tipping
    )  # a draft is not news
