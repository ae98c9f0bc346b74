"""Stored figures through returns.figures to what people see: the return page's figures and the
plan page's latest RAG per indicator."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from csp.models import Agency
from indicators.kinds import Rag
from indicators.models import Indicator, Measure
from indicators.quarters import Quarter
from returns.figures import figures_for
from returns.models import Figure, ReportingPeriod, Return
from tests import factories

TODAY = date(2026, 10, 20)
Q2 = Quarter(2026, 2)


def measure(code: str) -> Measure:
    return Measure.objects.select_related("indicator__priority__plan_year", "supplier").get(code=code)


def period(plan_year, number: int, state: str = "open") -> ReportingPeriod:
    found, _ = ReportingPeriod.objects.get_or_create(
        plan_year=plan_year, number=number, defaults={"deadline": date(2026, 10, 31), "state": state}
    )
    return found


def a_return(plan_year, indicator, agency, number: int, state: str, rating: str = "") -> Return:
    return Return.objects.create(
        period=period(plan_year, number),
        indicator=indicator,
        agency=agency,
        state=state,
        agency_rating=rating,
    )


def history(m: Measure, quarters_values: dict[Quarter, int]) -> None:
    for quarter, value in quarters_values.items():
        Figure.objects.create(measure=m, year=quarter.year, number=quarter.number, value=Decimal(value))


@pytest.fixture
def adults_in_treatment(medway_plan):
    """DRUGS-05-A (a stock, target 1,416): history for 2025-26, Q1 approved, Q2 still a draft."""
    m = measure("DRUGS-05-A")
    history(m, {Quarter(2025, n): v for n, v in zip((1, 2, 3, 4), (1380, 1385, 1390, 1395), strict=True)})
    approved = a_return(medway_plan, m.indicator, m.supplier, 1, "approved")
    Figure.objects.create(measure=m, year=2026, number=1, ret=approved, value=Decimal(1400))
    draft = a_return(medway_plan, m.indicator, m.supplier, 2, "draft")
    Figure.objects.create(measure=m, year=2026, number=2, ret=draft, value=Decimal(1420))
    return m, draft


def compute(m: Measure, quarter: Quarter = Q2, **kwargs):
    partnership_id = m.indicator.priority.plan_year.partnership_id
    _, computed = figures_for([m], quarter, partnership_id=partnership_id, today=TODAY, given={}, **kwargs)
    return computed[m.pk]


def test_history_and_an_approved_return_count_and_a_draft_does_not(adults_in_treatment):
    m, _ = adults_in_treatment

    figures = compute(m)

    assert figures.this_quarter is None  # Q2 is only a draft
    assert figures.previous_quarter == 1400  # the approved Q1 return
    assert figures.same_quarter_last_year == 1385  # imported history
    assert figures.rag == Rag.NO_RATING
    assert figures.rag_reason == "No data for Q2 2026-27"


def test_the_officer_editing_a_draft_sees_it_counted(adults_in_treatment):
    m, draft = adults_in_treatment

    figures = compute(m, include_draft_of=draft)

    assert figures.this_quarter == 1420
    assert figures.rolling_quarter.change == 20
    assert figures.rag == Rag.GREEN
    assert figures.rolling_year.current == 1420


def test_a_missing_quarter_is_no_data_not_zero(adults_in_treatment):
    m, draft = adults_in_treatment

    figures = compute(m, include_draft_of=draft)

    # The rolling year before ends in 2025-26 Q2, which is there; the one before that is not.
    assert figures.rolling_year.previous == 1385
    assert compute(m, Quarter(2025, 1)).previous_quarter is None


def test_a_submitted_return_counts_like_an_approved_one(adults_in_treatment):
    m, draft = adults_in_treatment
    Return.objects.filter(pk=draft.pk).update(state="submitted")

    assert compute(m).this_quarter == 1420


def test_a_flow_sums_history_and_returns_into_the_rolling_year(medway_plan):
    m = measure("REOFF-02-A")
    history(m, dict.fromkeys(Quarter(2025, 4).last_n(5), 6))
    for number, value in ((1, 7), (2, 9)):
        ret = a_return(medway_plan, m.indicator, m.supplier, number, "approved")
        Figure.objects.create(measure=m, year=2026, number=number, ret=ret, value=Decimal(value))

    figures = compute(m)

    assert figures.year_to_date == 16
    assert figures.rolling_year.current == 6 + 6 + 7 + 9
    assert figures.rolling_year.previous is None  # 2024-25 Q3 is missing
    assert figures.rag == Rag.GREEN  # 16 against 15 expected by the end of Q2
    assert figures.rag_reason == "16 against 15 expected by the end of Quarter 2 (30 in the year)"


def test_the_measure_figures_include_shows_words_and_no_data(adults_in_treatment):
    m, draft = adults_in_treatment
    figures = compute(m, include_draft_of=draft)

    html = render_to_string("returns/includes_measure_figures.html", {"measure": m, "figures": figures})

    assert "1,420" in html and "1,400" in html and "1,385" in html
    assert "Same quarter last year" in html and "Rolling year" in html and "Year to date" in html
    assert '<strong class="govuk-tag app-rag--green">Green</strong>' in html
    assert "1,420 against a target of 1,416" in html
    assert "+20" not in html  # the rolling year compares 1,420 with 1,385
    assert "+35 (+2.5%)" in html
    assert "Improving" in html


def test_the_include_says_no_data_where_a_quarter_is_missing(medway_plan):
    m = measure("DRUGS-07-A")

    figures = compute(m)
    html = render_to_string("returns/includes_measure_figures.html", {"measure": m, "figures": figures})

    assert html.count("No data") >= 5
    assert "app-rag--none" in html and "Not rated" in html
    assert "0%" not in html


# The plan page


@pytest.fixture
def reader(medway_plan):
    """An officer of one Medway agency: the whole plan is open to everyone in the partnership."""
    return factories.officer_of(
        Agency.objects.get(partnership=medway_plan.partnership, name="Medway Council")
    )


def row_for(page: str, code: str) -> str:
    start = page.index(f'id="indicator-{code.lower()}"')
    return page[start : page.index("</tr>", start)]


@pytest.fixture
def rated_plan(medway_plan):
    """Q1 closed, Q2 open: DRUGS-05 red in Q2, ASB-01 rated amber by Kent Police, a narrative indicator
    rated green, and a draft rating that must not show."""
    period(medway_plan, 1, "closed")
    period(medway_plan, 2, "open")
    m = measure("DRUGS-05-A")
    ret = a_return(medway_plan, m.indicator, m.supplier, 2, "approved")
    Figure.objects.create(measure=m, year=2026, number=2, ret=ret, value=Decimal(1000))
    police = Agency.objects.get(name="Kent Police")
    asb = Indicator.objects.get(code="ASB-01")
    a_return(medway_plan, asb, police, 2, "submitted", rating="amber")
    narrative = Indicator.objects.create(
        priority=asb.priority,
        order=99,
        code="ASB-99",
        text="Quarterly update on partnership working",
        benchmark_kind="n/a",
        responsible_as_printed="Kent Police",
    )
    narrative.responsible_agencies.add(police)
    a_return(medway_plan, narrative, police, 2, "approved", rating="green")
    a_return(medway_plan, Indicator.objects.get(code="ASB-02"), police, 2, "draft", rating="red")
    return medway_plan


def test_plan_page_shows_each_indicators_latest_rag_in_words(client, reader, rated_plan):
    client.force_login(reader)

    page = client.get(reverse("plan_year", args=["medway", rated_plan.pk])).content.decode()

    assert "RAG, Q2 2026-27" in page
    assert "Quarter 2, 2026-27: July to September 2026" in page
    assert 'app-rag--red">Red<' in row_for(page, "DRUGS-05")
    assert 'app-rag--amber">Amber<' in row_for(page, "ASB-01")
    assert 'app-rag--green">Green<' in row_for(page, "ASB-99")
    assert "Not rated" in row_for(page, "ASB-02")  # only a draft rated it


def test_plan_page_takes_the_latest_opened_quarter_not_one_yet_to_open(client, reader, rated_plan):
    period(rated_plan, 3, "not_open")
    client.force_login(reader)

    page = client.get(reverse("plan_year", args=["medway", rated_plan.pk])).content.decode()

    assert "RAG, Q2 2026-27" in page and "Q3 2026-27" not in page


def test_plan_page_before_any_quarter_opens_has_no_ratings(client, reader, medway_plan):
    period(medway_plan, 1, "not_open")
    client.force_login(reader)

    page = client.get(reverse("plan_year", args=["medway", medway_plan.pk])).content.decode()

    assert "no RAG ratings" in page and "app-rag--" not in page


def test_plan_page_query_count_with_ratings_does_not_depend_on_plan_size(client, reader, rated_plan):
    client.force_login(reader)
    url = reverse("plan_year", args=["medway", rated_plan.pk])
    with CaptureQueriesContext(connection) as whole_plan:
        client.get(url)
    Indicator.objects.exclude(code__in=["DRUGS-05", "ASB-01", "ASB-99"]).delete()
    with CaptureQueriesContext(connection) as three_indicators:
        client.get(url)

    assert len(whole_plan) == len(three_indicators)
    # As tests/reporting/test_plan_page.py: the same budget with every indicator rated.
    assert len(whole_plan) <= 20
