from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from csp import roles
from indicators.kinds import Aggregation, Polarity, TargetKind, Unit
from returns.periods import create_missing_items
from tests import factories


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashers take ~0.3 s a user by design; tests only need passwords to work.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def medway_plan(db):
    """The real Medway 2026-27 plan, loaded from the shipped fixture."""
    call_command("loaddata", "medway-2026-27", verbosity=0)
    from csp.models import PlanYear

    return PlanYear.objects.get(partnership__slug="medway", start_year=2026)


def build_plan(slug: str = "testshire", name: str = "Testshire"):
    """A small plan: two agencies, one indicator each with a measure of every kind of input, an open Q2."""
    partnership = factories.PartnershipFactory(slug=slug, name=f"{name} Community Safety Partnership")
    plan_year = factories.PlanYearFactory(partnership=partnership)
    priority = factories.PriorityFactory(plan_year=plan_year, code="SAFE", title="Safer streets")
    ours = factories.AgencyFactory(partnership=partnership, name=f"{name} Police", short_name="TP")
    theirs = factories.AgencyFactory(partnership=partnership, name=f"{name} Fire", short_name="TF")
    indicator = factories.IndicatorFactory(priority=priority, code="SAFE-01", agencies=[ours])
    other_indicator = factories.IndicatorFactory(priority=priority, code="SAFE-02", agencies=[theirs])
    count = factories.MeasureFactory(indicator=indicator, supplier=ours, name="Incidents", code="SAFE-01-A")
    percentage = factories.MeasureFactory(
        indicator=indicator,
        supplier=ours,
        name="Satisfaction",
        code="SAFE-01-B",
        unit=Unit.PERCENTAGE,
        polarity=Polarity.HIGHER_IS_BETTER,
        aggregation=Aggregation.STOCK,
    )
    ratio = factories.MeasureFactory(
        indicator=indicator,
        supplier=ours,
        name="Completion rate",
        code="SAFE-01-C",
        unit=Unit.PERCENTAGE,
        polarity=Polarity.HIGHER_IS_BETTER,
        aggregation=Aggregation.RATIO,
        target_kind=TargetKind.PERCENTAGE,
        target_value=63,
    )
    milestone = factories.MeasureFactory(
        indicator=indicator,
        supplier=ours,
        name="Policy adopted",
        code="SAFE-01-D",
        unit=Unit.MILESTONE,
        polarity=Polarity.HIGHER_IS_BETTER,
        aggregation=Aggregation.STOCK,
    )
    factories.MeasureFactory(indicator=other_indicator, supplier=theirs, name="Fires", code="SAFE-02-A")
    period = factories.PeriodFactory(plan_year=plan_year)
    create_missing_items(period)
    return SimpleNamespace(
        partnership=partnership,
        plan_year=plan_year,
        priority=priority,
        ours=ours,
        theirs=theirs,
        indicator=indicator,
        other_indicator=other_indicator,
        period=period,
        count=count,
        percentage=percentage,
        ratio=ratio,
        milestone=milestone,
        ret=period.returns.get(agency=ours),
        other_ret=period.returns.get(agency=theirs),
    )


@pytest.fixture
def plan(db):
    """A small plan (`build_plan`) of the Testshire partnership."""
    return build_plan()


@pytest.fixture
def other_plan(db):
    """The same small plan in another partnership, Otherton, whose people must never see Testshire's."""
    return build_plan("otherton", "Otherton")


@pytest.fixture
def officer(plan):
    return factories.officer_of(plan.ours, username="officer")


@pytest.fixture
def other_agency_officer(plan):
    return factories.officer_of(plan.theirs, username="other-officer")


def _own_partnerships(request) -> list | None:
    """The partnerships of the test's own plans (Testshire's, Medway's), never `other_plan`'s; None, for
    every partnership there is, when the test has neither."""
    found = []
    if "plan" in request.fixturenames:
        found.append(request.getfixturevalue("plan").partnership)
    if "medway_plan" in request.fixturenames:
        found.append(request.getfixturevalue("medway_plan").partnership)
    return found or None


@pytest.fixture
def coordinator(db, request):
    """A coordinator of the test's own partnerships."""
    return factories.make_user("coordinator", roles.COORDINATOR, partnerships=_own_partnerships(request))


@pytest.fixture
def viewer(db, request):
    """A report viewer of the test's own partnerships."""
    return factories.make_user("viewer", roles.VIEWER, partnerships=_own_partnerships(request))


@pytest.fixture
def count_queries(client):
    """How many queries a GET of `url` makes, as the client's signed-in user (asserting it answers 200)."""

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        return len(queries)

    return count
