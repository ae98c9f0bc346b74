import pytest
from django.core.management import call_command


@pytest.fixture
def medway_plan(db):
    """The real Medway 2026-27 plan, loaded from the shipped fixture."""
    call_command("loaddata", "medway-2026-27", verbosity=0)
    from csp.models import PlanYear

    return PlanYear.objects.get(partnership__slug="medway", start_year=2026)
