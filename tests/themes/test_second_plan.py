"""A second, different partnership's plan (the shipped example: Northam, five priorities, 2026-27) imports
beside Medway's from the command line and works end to end: returns, the plan page, the quarterly report."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from csp import roles
from csp.models import Agency, PlanYear
from indicators.kinds import Rag
from indicators.models import Indicator, Measure
from reporting.builder import build_quarterly_report
from returns.models import Figure, ReportingPeriod, Return, ReturnState
from returns.periods import set_period_state
from returns.workflow import ReturnContent, approve, save_draft, submit
from tests import factories
from themes.models import Priority

EXAMPLE = Path(settings.BASE_DIR) / "fixtures" / "examples" / "example-plan.xlsx"


@pytest.fixture
def northam(medway_plan):
    out = io.StringIO()
    call_command("import_plan", str(EXAMPLE), stdout=out)
    assert "Northam Community Safety Partnership 2026-27: 50 item(s) were created" in out.getvalue()
    return PlanYear.objects.get(partnership__slug="northam", start_year=2026)


def test_the_second_plan_imports_beside_medway_with_its_own_shape(northam, medway_plan):
    priorities = Priority.objects.filter(plan_year=northam).order_by("order")

    assert [p.code for p in priorities] == ["TOWN", "DASV", "YOUTH", "ROAD", "FRAUD"]
    assert priorities.get(code="YOUTH").themes.get(order=2).parent.order == 1
    assert set(
        Agency.objects.filter(partnership=northam.partnership).values_list("short_name", flat=True)
    ) == {"KFRS", "", "YJS", "ICB", "NDAS"}
    # Kent-wide bodies are agencies of each partnership they serve, Medway's and Northam's alike.
    fire = Agency.objects.get(partnership=northam.partnership, short_name="KFRS")
    assert fire != Agency.objects.get(partnership=medway_plan.partnership, short_name="KFRS")
    road = Indicator.objects.get(priority__plan_year=northam, code="ROAD-01")
    assert fire in road.responsible_agencies.all()  # named in the workbook as "Kent Fire"
    milestone = Measure.objects.get(code="FRAUD-02-A")
    assert milestone.due_date == datetime.date(2026, 12, 31)
    assert Measure.objects.get(code="DASV-02-A").target_value == Decimal("80")
    assert not Measure.objects.filter(indicator__code="FRAUD-01").exists()  # narrative only
    assert Priority.objects.filter(plan_year=medway_plan).count() == 4
    assert Indicator.objects.filter(priority__plan_year=medway_plan).count() == 44


def test_the_second_plan_takes_returns_and_shows_on_its_plan_page_and_in_its_report(northam, client):
    coordinator = factories.make_user(
        "northam-coordinator", roles.COORDINATOR, partnerships=[northam.partnership]
    )
    police = Agency.objects.get(partnership=northam.partnership, name="Kent Police")
    officer = factories.officer_of(police, username="northam-officer")
    period = ReportingPeriod.objects.get(plan_year=northam, number=1)  # the import made its four periods
    assert period.deadline == datetime.date(2026, 7, 28)  # Tuesday 30 June and 20 working days (no holiday)

    set_period_state(period, coordinator, "open")

    assert Return.objects.filter(period=period).count() == 13  # one per indicator and responsible agency
    ret = Return.objects.get(period=period, indicator__code="TOWN-01", agency=police)
    theft, drinking = Measure.objects.filter(indicator__code="TOWN-01").order_by("order")
    content = ReturnContent(
        commentary="Shop theft is down after the new town-centre patrols.",
        agency_rating=Rag.GREEN,
        figures={theft.pk: {"value": Decimal(41)}, drinking.pk: {"value": Decimal(12)}},
    )
    ret = save_draft(ret, officer, content, version=ret.version)
    ret = submit(ret, officer, version=ret.version)
    ret = approve(ret, coordinator)

    assert ret.state == ReturnState.APPROVED
    assert Figure.objects.get(ret=ret, measure=theft).value == 41

    client.force_login(officer)
    page = client.get(reverse("plan_year", args=["northam", northam.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    for title in (
        "Safer Town Centre",
        "Domestic Abuse and Sexual Violence",
        "Road Safety",
        "Fraud and Scams",
    ):
        assert title in html

    report = build_quarterly_report(period, today=datetime.date(2026, 8, 1))
    assert report.partnership == "Northam Community Safety Partnership"
    assert [section.code for section in report.priorities] == ["TOWN", "DASV", "YOUTH", "ROAD", "FRAUD"]
    # 13 returns and an update on each of the 7 actions
    assert (report.returns_expected, report.returns_received, report.returns_approved) == (20, 1, 1)
    town = next(section for section in report.priorities if section.code == "TOWN")
    assert "Shop theft is down" in str(town.indicators[0].updates)


def test_the_second_plan_imports_through_the_admin_as_a_zip_of_csv_files(
    client, django_user_model, settings, tmp_path
):
    from django.contrib.admin.models import ADDITION, LogEntry
    from django.core.files.uploadedfile import SimpleUploadedFile

    from csp.upload_guard import check_bytes
    from themes import workbook, workbook_export

    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(
        django_user_model.objects.create_superuser("root", "root@example.org", "a-long-password-1")
    )
    rows = workbook.read(check_bytes(EXAMPLE.read_bytes(), EXAMPLE.name)).rows
    as_csv = workbook_export.write_csv_zip(
        {title: [list(r.cells.values()) for r in found] for title, found in rows.items()}
    )

    preview = client.post(
        reverse("admin:csp_planyear_import_workbook"), {"workbook": SimpleUploadedFile("northam.zip", as_csv)}
    )
    assert "50 item(s) would be created" in preview.content.decode()
    assert not PlanYear.objects.exists()
    response = client.post(reverse("admin:csp_planyear_confirm_import"), {"token": preview.context["token"]})

    plan_year = PlanYear.objects.get(partnership__slug="northam")
    assert response["Location"] == reverse("admin:csp_planyear_change", args=[plan_year.pk])
    assert LogEntry.objects.get(object_id=str(plan_year.pk)).action_flag == ADDITION
    assert Priority.objects.filter(plan_year=plan_year).count() == 5
