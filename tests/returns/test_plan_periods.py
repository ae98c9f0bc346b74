"""A plan's periods come with it, four for each of its financial years, each with the default deadline,
whatever makes the plan; opening one by any route, the admin included, makes its returns the same way."""

import datetime
import io

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from csp.models import PlanYear
from csp.upload_guard import check_bytes
from indicators.quarters import Quarter, working_days_after
from returns.models import PeriodState, ReportingPeriod, Return
from returns.periods import (
    PlanSpanError,
    ensure_periods,
    import_plan,
    latest_reported_quarter,
    set_period_state,
    start_plan_year,
)
from tests import factories
from tests.themes.test_workbook_errors import small_plan
from themes import workbook, workbook_export


def read(rows: dict):
    return workbook.read(check_bytes(workbook_export.write_xlsx(rows), "plan.xlsx"))


def periods_of(plan_year) -> list[tuple[int, int, datetime.date, str]]:
    return list(
        ReportingPeriod.objects.filter(plan_year=plan_year)
        .order_by("year", "number")
        .values_list("year", "number", "deadline", "state")
    )


def default_deadlines(*years) -> list[tuple[int, int, datetime.date, str]]:
    return [
        (quarter.year, quarter.number, working_days_after(quarter.end_date, 20), PeriodState.NOT_OPEN)
        for year in years
        for quarter in Quarter.quarters_of_year(year)
    ]


@pytest.fixture
def superuser(django_user_model, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return django_user_model.objects.create_superuser("root", "root@example.org", "a-long-password-1")


def test_an_imported_plan_comes_with_its_four_periods_and_their_default_deadlines(db):
    report = import_plan(read(small_plan()))

    assert report.applied, [str(e) for e in report.errors]
    plan_year = PlanYear.objects.get()
    assert periods_of(plan_year) == default_deadlines(2026)
    # Tuesday 30 June 2026 and 20 working days: Tuesday 28 July. 31 March 2027 is a Wednesday; Good
    # Friday (26 March) is before it, Easter Monday (29 March) too: Wednesday 28 April.
    assert [deadline for _, _, deadline, _ in periods_of(plan_year)][::3] == [
        datetime.date(2026, 7, 28),
        datetime.date(2027, 4, 28),
    ]


def test_a_plan_over_three_years_has_twelve_periods_under_it(db):
    report = import_plan(read(small_plan(Plan={(0, "start_year"): "2005-06", (0, "end_year"): "2007-08"})))

    assert report.applied, [str(e) for e in report.errors]
    plan_year = PlanYear.objects.get()
    assert (plan_year.start_year, plan_year.end_year, plan_year.label) == (2005, 2007, "2005-06 to 2007-08")
    assert periods_of(plan_year) == default_deadlines(2005, 2006, 2007)


def test_an_end_year_the_same_as_the_start_is_a_plan_of_one_year(db):
    assert import_plan(read(small_plan(Plan={(0, "end_year"): 2026}))).applied

    assert PlanYear.objects.get().end_year is None


def test_a_preview_or_a_failed_import_makes_no_periods_and_a_second_import_no_more(db):
    assert import_plan(read(small_plan()), dry_run=True).ok
    assert not import_plan(read(small_plan(Indicators={(0, "text"): ""}))).applied
    assert not ReportingPeriod.objects.exists()

    assert import_plan(read(small_plan())).applied
    assert import_plan(read(small_plan())).applied

    assert ReportingPeriod.objects.count() == 4


def test_the_command_line_import_makes_the_periods(db, tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(workbook_export.write_xlsx(small_plan()))

    call_command("import_plan", str(path), stdout=io.StringIO())

    assert periods_of(PlanYear.objects.get()) == default_deadlines(2026)


def test_the_admin_import_makes_the_periods(client, superuser):
    client.force_login(superuser)
    data = workbook_export.write_xlsx(small_plan())

    preview = client.post(
        reverse("admin:csp_planyear_import_workbook"), {"workbook": SimpleUploadedFile("plan.xlsx", data)}
    )
    assert not ReportingPeriod.objects.exists()
    client.post(reverse("admin:csp_planyear_confirm_import"), {"token": preview.context["token"]})

    assert periods_of(PlanYear.objects.get()) == default_deadlines(2026)


def test_a_plan_added_in_the_admin_comes_with_its_periods(client, superuser):
    partnership = factories.PartnershipFactory(slug="testshire")
    client.force_login(superuser)

    response = client.post(
        reverse("admin:csp_planyear_add"),
        {"partnership": partnership.pk, "start_year": 2027, "end_year": 2028, "title": "Strategy 2027-29"},
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert periods_of(PlanYear.objects.get()) == default_deadlines(2027, 2028)


def test_a_plan_made_longer_in_the_admin_gets_the_new_years_periods(client, superuser, plan):
    ensure_periods(plan.plan_year)  # the fixture's Q2 is open, with returns
    client.force_login(superuser)
    url = reverse("admin:csp_planyear_change", args=[plan.plan_year.pk])

    client.post(url, {"partnership": plan.partnership.pk, "end_year": 2027, "title": "Two years"})

    assert [(y, n) for y, n, _, _ in periods_of(plan.plan_year)] == [
        (y, n) for y in (2026, 2027) for n in range(1, 5)
    ]

    response = client.post(url, {"partnership": plan.partnership.pk, "end_year": "", "title": "One year"})

    assert ReportingPeriod.objects.filter(plan_year=plan.plan_year).count() == 4  # unopened ones removed
    assert response.status_code == 302


def test_a_plan_cannot_lose_a_year_whose_period_has_been_opened(client, superuser, plan):
    plan.plan_year.end_year = 2027
    plan.plan_year.save()
    later = ensure_periods(plan.plan_year)[4]
    later.state = PeriodState.OPEN
    later.save()
    client.force_login(superuser)

    response = client.post(
        reverse("admin:csp_planyear_change", args=[plan.plan_year.pk]),
        {"partnership": plan.partnership.pk, "end_year": "", "title": "One year"},
    )

    assert response.status_code == 200
    assert "Q1 2027-28 has been opened for returns: the plan must still include 2027-28." in (
        response.content.decode()
    )
    plan.plan_year.end_year = None
    with pytest.raises(PlanSpanError):
        ensure_periods(plan.plan_year)


def test_a_new_plan_year_starts_after_a_plan_over_several_years(plan, coordinator):
    plan.plan_year.end_year = 2028
    plan.plan_year.save()

    with pytest.raises(Exception, match="must start after 2028"):
        start_plan_year(plan.plan_year, 2027, coordinator)
    new = start_plan_year(plan.plan_year, 2029, coordinator)

    assert periods_of(new) == default_deadlines(2029)


def test_a_plan_cannot_end_before_it_starts_nor_overlap_another(plan):
    plan.plan_year.end_year = 2025
    with pytest.raises(ValidationError, match="last year must come after its first"):
        plan.plan_year.full_clean()

    overlapping = PlanYear(partnership=plan.partnership, start_year=2024, end_year=2026, title="Earlier")
    with pytest.raises(ValidationError, match="already has a plan for 2026-27"):
        overlapping.full_clean()


def test_the_coordinators_periods_page_makes_the_periods_of_a_plan_loaded_with_loaddata(
    client, medway_plan, coordinator
):
    assert not ReportingPeriod.objects.filter(plan_year=medway_plan).exists()
    client.force_login(coordinator)

    page = client.get(reverse("periods", args=["medway"])).content.decode()

    assert periods_of(medway_plan) == default_deadlines(2026)
    assert "Quarter 4, 2026-27: January to March 2027" in page


# Opening a period, by any route


def test_opening_a_period_in_the_admin_makes_its_returns_as_the_coordinators_page_does(
    client, superuser, plan
):
    first = ensure_periods(plan.plan_year)[0]
    client.force_login(superuser)

    response = client.post(
        reverse("admin:returns_reportingperiod_change", args=[first.pk]),
        {
            "plan_year": plan.plan_year.pk,
            "year": 2026,
            "number": 1,
            "deadline": "2026-07-28",
            "state": "open",
        },
    )

    assert response.status_code == 302
    first.refresh_from_db()
    assert first.state == PeriodState.OPEN
    assert set(Return.objects.filter(period=first).values_list("indicator__code", "agency__name")) == {
        ("SAFE-01", "Testshire Police"),
        ("SAFE-02", "Testshire Fire"),
    }
    assert first.history.first().history_change_reason == "Open by root"


def test_a_period_added_in_the_admin_as_open_gets_its_returns(client, superuser, plan):
    ReportingPeriod.objects.filter(plan_year=plan.plan_year, number=3).delete()
    client.force_login(superuser)

    client.post(
        reverse("admin:returns_reportingperiod_add"),
        {
            "plan_year": plan.plan_year.pk,
            "year": 2026,
            "number": 3,
            "deadline": "2027-01-29",
            "state": "open",
        },
    )

    added = ReportingPeriod.objects.get(plan_year=plan.plan_year, number=3)
    assert added.state == PeriodState.OPEN
    assert Return.objects.filter(period=added).count() == 2


def test_the_admin_keeps_a_closed_period_closed(client, superuser, plan):
    plan.period.state = PeriodState.CLOSED
    plan.period.save()
    client.force_login(superuser)

    response = client.post(
        reverse("admin:returns_reportingperiod_change", args=[plan.period.pk]),
        {
            "plan_year": plan.plan_year.pk,
            "year": 2026,
            "number": 2,
            "deadline": "2026-10-28",
            "state": "open",
        },
    )

    assert "A closed period stays closed" in response.content.decode()
    plan.period.refresh_from_db()
    assert plan.period.state == PeriodState.CLOSED


def test_a_periods_year_must_be_one_of_its_plans(client, superuser, plan):
    client.force_login(superuser)

    response = client.post(
        reverse("admin:returns_reportingperiod_add"),
        {
            "plan_year": plan.plan_year.pk,
            "year": 2030,
            "number": 1,
            "deadline": "2030-07-28",
            "state": "not_open",
        },
    )

    assert "The plan runs 2026-27: choose one of its years." in response.content.decode()


# Each year's returns under one plan


def test_each_years_quarters_take_returns_under_the_one_plan_and_the_latest_is_reported(plan, coordinator):
    plan.plan_year.end_year = 2027
    plan.plan_year.save()
    periods = ensure_periods(plan.plan_year)
    second_year = periods[4]

    set_period_state(second_year, coordinator, PeriodState.OPEN)

    assert second_year.quarter == Quarter(2027, 1)
    assert Return.objects.filter(period=second_year).count() == 2
    assert latest_reported_quarter(plan.plan_year) == Quarter(2027, 1)
    assert LogEntry.objects.count() == 0  # opening is recorded in the period's history, not the admin's


def test_the_report_for_a_later_year_says_where_in_the_plan_it_is(plan, coordinator):
    from reporting.builder import build_quarterly_report
    from reporting.pdf import report_html

    plan.plan_year.end_year = 2028
    plan.plan_year.save()
    period = ensure_periods(plan.plan_year)[5]  # Q2 2027-28
    set_period_state(period, coordinator, PeriodState.OPEN)

    report = build_quarterly_report(period, today=datetime.date(2027, 10, 1))

    assert (report.plan_year, report.plan_progress) == ("2026-27 to 2028-29", "year 2 of 3")
    assert report.quarter_in_words == "Quarter 2, 2027-28: July to September 2027"
    assert "(2026-27 to 2028-29: year 2 of 3)" in report_html(report)
    assert report.returns_expected == 2
