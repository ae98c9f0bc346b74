"""Test data built in code (JSON fixtures break at every migration)."""

import datetime

import factory
from django.contrib.auth import get_user_model

from csp.models import Agency, Membership, Partnership, PartnershipRole, PlanYear
from indicators.kinds import Aggregation, Polarity, TargetKind, Unit
from indicators.models import Indicator, Measure
from returns.models import PeriodState, ReportingPeriod, Return
from themes.models import Deliverable, Priority

PASSWORD = "a-long-test-password-1"


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Testshire Community Safety Partnership {n}")
    slug = factory.Sequence(lambda n: f"testshire-{n}")
    vision = "Safe streets for all."


class PlanYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanYear

    partnership = factory.SubFactory(PartnershipFactory)
    start_year = 2026
    title = "Test action plan"


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Priority

    plan_year = factory.SubFactory(PlanYearFactory)
    order = factory.Sequence(lambda n: n + 1)
    code = factory.Sequence(lambda n: f"P{n}")
    title = factory.Sequence(lambda n: f"Priority {n}")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Agency {n}")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator
        skip_postgeneration_save = True

    priority = factory.SubFactory(PriorityFactory)
    order = factory.Sequence(lambda n: n + 1)
    code = factory.Sequence(lambda n: f"IND-{n:03d}")
    text = factory.Sequence(lambda n: f"Indicator number {n}")
    benchmark_text = "Rolling Year Rolling Quarter"
    benchmark_kind = TargetKind.ROLLING_COMPARISON
    responsible_as_printed = "An agency"

    @factory.post_generation
    def agencies(self, create, extracted, **kwargs):
        if create and extracted:
            self.responsible_agencies.add(*extracted)


class DeliverableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deliverable

    priority = factory.SubFactory(PriorityFactory)
    order = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Deliver action number {n}")


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    indicator = factory.SubFactory(IndicatorFactory)
    order = factory.Sequence(lambda n: n + 1)
    code = factory.LazyAttribute(lambda m: f"{m.indicator.code}-{m.order}")
    name = factory.Sequence(lambda n: f"Measure {n}")
    unit = Unit.COUNT
    polarity = Polarity.LOWER_IS_BETTER
    aggregation = Aggregation.FLOW
    target_kind = TargetKind.ROLLING_COMPARISON


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingPeriod

    plan_year = factory.SubFactory(PlanYearFactory)
    number = 2
    deadline = datetime.date(2026, 10, 28)
    state = PeriodState.OPEN


class ReturnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Return

    period = factory.SubFactory(PeriodFactory)
    indicator = factory.SubFactory(IndicatorFactory)
    agency = factory.SubFactory(AgencyFactory)


def make_user(username: str, role: str | None = None, agencies=(), partnerships=None, **flags):
    """A user with a password, an officer of `agencies`, and holding `role` (a `csp.models.Role`) in
    `partnerships` (every partnership there is, if none are named)."""
    user = get_user_model().objects.create_user(username, f"{username}@example.org", PASSWORD, **flags)
    if role:
        for partnership in Partnership.objects.all() if partnerships is None else partnerships:
            PartnershipRole.objects.create(user=user, partnership=partnership, role=role)
    for agency in agencies:
        Membership.objects.create(user=user, agency=agency)
    return user


def officer_of(*agencies, username: str = "officer"):
    return make_user(username, agencies=agencies)
