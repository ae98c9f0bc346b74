"""The plan workbook round trip: export a plan, import it, and get the same plan back, item for item."""

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from csp.models import Agency, Partnership, PlanYear
from csp.upload_guard import check_bytes
from indicators.models import Indicator, Measure
from returns.models import Figure
from tests import factories
from themes import workbook, workbook_export
from themes.models import Deliverable, KeyTheme, Priority
from themes.plan_import import import_plan

MEDWAY_ITEMS = 1 + 1 + 12 + 4 + 25 + 40 + 44 + 71
"""Partnership, plan year, agencies, priorities, key themes, deliverables, indicators, measures."""
EXAMPLES = Path(settings.BASE_DIR) / "fixtures" / "examples"


def import_bytes(data: bytes, name: str = "plan.xlsx", *, dry_run: bool = False):
    return import_plan(workbook.read(check_bytes(data, name)), dry_run=dry_run)


def snapshot(slug: str = "medway", start_year: int = 2026) -> dict:
    """Everything in a plan year, by the names and codes people use, never by database id."""
    plan_year = PlanYear.objects.select_related("partnership").get(
        partnership__slug=slug, start_year=start_year
    )
    partnership = plan_year.partnership
    through = Indicator.responsible_agencies.through
    return {
        "partnership": (
            partnership.name,
            partnership.slug,
            partnership.vision,
            partnership.protective_marking,
        ),
        "plan_year": (plan_year.start_year, plan_year.end_year, plan_year.title),
        "agencies": sorted(
            (a.name, a.short_name, a.other_names) for a in Agency.objects.filter(partnership=partnership)
        ),
        "priorities": [
            (p.order, p.code, p.reference, p.title, p.abbreviation, p.led_by)
            for p in Priority.objects.filter(plan_year=plan_year).order_by("order")
        ],
        "themes": [
            (t.priority.code, t.order, t.parent.order if t.parent else None, t.reference, t.text)
            for t in KeyTheme.objects.filter(priority__plan_year=plan_year).order_by(
                "priority__order", "order"
            )
        ],
        "deliverables": [
            (
                d.priority.code,
                d.order,
                d.reference,
                d.text,
                d.lead_agency.name if d.lead_agency else None,
                d.delivers_theme.order if d.delivers_theme else None,
            )
            for d in Deliverable.objects.filter(priority__plan_year=plan_year).order_by(
                "priority__order", "order"
            )
        ],
        "indicators": [
            (
                i.priority.code,
                i.order,
                i.code,
                i.reference,
                i.text,
                i.measure_text,
                i.benchmark_text,
                i.benchmark_kind,
                i.responsible_as_printed,
                tuple(
                    through.objects.filter(indicator=i).order_by("pk").values_list("agency__name", flat=True)
                ),
            )
            for i in Indicator.objects.filter(priority__plan_year=plan_year).order_by(
                "priority__order", "order"
            )
        ],
        "measures": [
            (
                m.indicator.code,
                m.order,
                m.code,
                m.name,
                m.unit,
                m.polarity,
                m.aggregation,
                m.supplier.name,
                m.target_kind,
                m.target_value,
                m.baseline_value,
                m.baseline_year,
                m.change_percent,
                m.due_date,
                m.band_percent,
                m.range_low,
                m.range_high,
                m.benchmark_group,
                m.amber_threshold_percent,
                m.data_source,
                m.caveats,
            )
            for m in Measure.objects.filter(indicator__priority__plan_year=plan_year).order_by("code")
        ],
    }


def wipe_plans() -> None:
    for model in (Measure, Indicator, Deliverable, KeyTheme, Priority, Agency, PlanYear, Partnership):
        model.objects.all().delete()


def rows_with(rows: dict, sheet: workbook.Sheet, match: dict, **changes) -> dict:
    """The export's rows with one row of `sheet` changed (matched by column values)."""
    names = sheet.column_names
    for row in rows[sheet.title]:
        if all(row[names.index(k)] == v for k, v in match.items()):
            for column, value in changes.items():
                row[names.index(column)] = value
            return rows
    raise AssertionError(f"no row {match} in {sheet.title}")


def test_medway_export_imports_into_an_empty_database_as_the_same_plan(medway_plan):
    before = snapshot()
    exported = workbook_export.plan_rows(medway_plan)
    data = workbook_export.write_xlsx(exported)
    wipe_plans()

    report = import_bytes(data)

    assert report.applied, [str(e) for e in report.errors]
    assert len(report.created) == MEDWAY_ITEMS
    assert not report.updated
    after = snapshot()
    for part in before:
        assert after[part] == before[part], part
    assert workbook_export.plan_rows(PlanYear.objects.get(pk=report.plan_year_id)) == exported


def test_medway_round_trips_through_a_zip_of_csv_files(medway_plan):
    before = snapshot()
    data = workbook_export.write_csv_zip(workbook_export.plan_rows(medway_plan))
    wipe_plans()

    report = import_bytes(data, "medway.zip")

    assert report.applied, [str(e) for e in report.errors]
    assert snapshot() == before


def test_medway_round_trips_through_a_folder_of_csv_files_on_the_command_line(medway_plan, tmp_path):
    before = snapshot()
    call_command("export_plan", "medway", "2026", "-o", str(tmp_path / "medway"), stdout=io.StringIO())
    assert sorted(p.name for p in (tmp_path / "medway").iterdir()) == sorted(
        s.filename for s in workbook.SHEETS
    )
    wipe_plans()

    out = io.StringIO()
    call_command("import_plan", str(tmp_path / "medway"), stdout=out)

    assert "198 item(s) were created" in out.getvalue()
    assert snapshot() == before


def test_reimporting_the_same_workbook_changes_nothing(medway_plan):
    data = workbook_export.write_xlsx(workbook_export.plan_rows(medway_plan))
    ids = (
        sorted(Measure.objects.values_list("pk", flat=True)),
        sorted(Indicator.objects.values_list("pk", flat=True)),
    )
    before = snapshot()

    report = import_bytes(data)

    assert report.applied
    assert not report.changes_anything
    assert sum(report.unchanged.values()) == MEDWAY_ITEMS
    assert not report.left_alone
    assert snapshot() == before
    assert (
        sorted(Measure.objects.values_list("pk", flat=True)),
        sorted(Indicator.objects.values_list("pk", flat=True)),
    ) == ids


def corrected_medway(plan_year) -> dict:
    """Medway's export, corrected: ASB-01 reworded, ASB-01 and ASB-02 swapped, ASB-01-C gone, ASB-01-D new."""
    rows = workbook_export.plan_rows(plan_year)
    rows_with(rows, workbook.INDICATORS, {"code": "ASB-01"}, text="Total ASB volumes, reworded.", order=2)
    rows_with(rows, workbook.INDICATORS, {"code": "ASB-02"}, order=1)
    rows[workbook.MEASURES.title] = [r for r in rows[workbook.MEASURES.title] if r[2] != "ASB-01-C"]
    new = list(next(r for r in rows[workbook.MEASURES.title] if r[2] == "ASB-01-A"))
    new[1:4] = [4, "ASB-01-D", "Incidents in parks"]
    rows[workbook.MEASURES.title].append(new)
    return rows


def test_a_corrected_workbook_updates_by_code_and_never_deletes_figures(medway_plan):
    asb01 = Indicator.objects.get(code="ASB-01")
    measure = Measure.objects.get(code="ASB-01-A")
    figure = Figure.objects.create(measure=measure, year=2025, number=4, value=120)
    dropped = Measure.objects.get(code="ASB-01-C")

    report = import_bytes(workbook_export.write_xlsx(corrected_medway(medway_plan)))

    assert report.applied, [str(e) for e in report.errors]
    assert [str(c) for c in report.created] == ["ASB-01-D"]
    assert {str(c) for c in report.updated} == {"ASB-01: order, text", "ASB-02: order"}
    assert report.left_alone == [("Measures", "ASB-01-C")]
    asb01.refresh_from_db()
    assert (asb01.order, asb01.text) == (2, "Total ASB volumes, reworded.")
    assert Indicator.objects.get(code="ASB-02").order == 1
    assert Figure.objects.get(pk=figure.pk).measure_id == measure.pk
    assert Measure.objects.filter(pk=dropped.pk).exists()


def test_the_preview_reports_the_changes_and_writes_nothing(medway_plan):
    before = snapshot()

    report = import_bytes(workbook_export.write_xlsx(corrected_medway(medway_plan)), dry_run=True)

    assert report.ok and not report.applied
    assert len(report.updated) == 2 and len(report.created) == 1
    assert snapshot() == before
    assert not Measure.objects.filter(code="ASB-01-D").exists()


def test_text_that_a_spreadsheet_would_run_as_a_formula_is_exported_inert_and_comes_back_as_it_was(
    medway_plan,
):
    Indicator.objects.filter(code="ASB-01").update(text='=HYPERLINK("http://evil")', measure_text="'quoted")
    before = snapshot()
    data = workbook_export.write_xlsx(workbook_export.plan_rows(medway_plan))
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True)["Indicators"]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert '\'=HYPERLINK("http://evil")' in cells
    assert not [c for c in cells if c.startswith(("=", "+", "@"))]
    wipe_plans()

    assert import_bytes(data).applied
    assert snapshot() == before


def test_the_blank_template_has_every_sheet_and_its_columns_and_matches_the_shipped_one():
    data = workbook_export.write_xlsx(workbook_export.blank_rows())
    for source in (data, (EXAMPLES / "plan-template.xlsx").read_bytes()):
        book = openpyxl.load_workbook(io.BytesIO(source), read_only=True)
        assert book.sheetnames == [workbook.README_SHEET, *(s.title for s in workbook.SHEETS)]
        for sheet in workbook.SHEETS:
            rows = list(book[sheet.title].iter_rows(values_only=True))
            assert rows == [sheet.column_names]


def test_the_shipped_example_re_exports_exactly_as_it_is(db):
    data = (EXAMPLES / "example-plan.xlsx").read_bytes()
    shipped = workbook.read(check_bytes(data, "example-plan.xlsx"))

    report = import_bytes(data)

    assert report.applied, [str(e) for e in report.errors]
    again = workbook.read(
        check_bytes(workbook_export.write_xlsx(workbook_export.plan_rows(PlanYear.objects.get())), "x.xlsx")
    )
    assert again.rows == shipped.rows


# The admin: upload, preview, confirm; export; template


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", "a-long-password-1")


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client, data: bytes, name: str = "plan.xlsx"):
    return client.post(
        reverse("admin:csp_planyear_import_workbook"), {"workbook": SimpleUploadedFile(name, data)}
    )


def test_admin_import_previews_then_imports_on_confirm(client, superuser, medway_plan, tmp_path):
    client.force_login(superuser)
    data = workbook_export.write_xlsx(corrected_medway(medway_plan))

    preview = upload(client, data)

    assert preview.status_code == 200
    page = preview.content.decode()
    assert "ASB-01-D" in page and "ASB-01-C" in page and "left as they are" in page
    assert not Measure.objects.filter(code="ASB-01-D").exists()
    token = preview.context["token"]
    assert len(list((tmp_path / "media" / "plan-imports").iterdir())) == 1

    response = client.post(reverse("admin:csp_planyear_confirm_import"), {"token": token})

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:csp_planyear_change", args=[medway_plan.pk])
    assert Measure.objects.filter(code="ASB-01-D").exists()
    assert LogEntry.objects.filter(object_id=str(medway_plan.pk)).exists()
    assert not list((tmp_path / "media" / "plan-imports").iterdir())


def test_admin_confirm_without_the_previewed_token_imports_nothing(client, superuser, medway_plan):
    client.force_login(superuser)
    upload(client, workbook_export.write_xlsx(corrected_medway(medway_plan)))

    response = client.post(reverse("admin:csp_planyear_confirm_import"), {"token": "guessed"})

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:csp_planyear_import_workbook")
    assert not Measure.objects.filter(code="ASB-01-D").exists()


def test_admin_preview_of_a_bad_workbook_lists_its_errors_and_offers_no_confirm(
    client, superuser, medway_plan
):
    client.force_login(superuser)
    rows = rows_with(workbook_export.plan_rows(medway_plan), workbook.INDICATORS, {"code": "ASB-01"}, text="")

    response = upload(client, workbook_export.write_xlsx(rows))

    assert response.status_code == 200
    assert response.context["token"] is None
    assert "the text is missing" in response.content.decode()
    assert "left as they are" not in response.content.decode()  # the bad row is in the workbook
    assert 'name="token"' not in response.content.decode()


def test_admin_exports_a_plan_year_as_a_workbook_and_as_csv_files(client, superuser, medway_plan):
    client.force_login(superuser)
    url = reverse("admin:csp_planyear_export_workbook", args=[medway_plan.pk])

    xlsx = client.get(url)
    csvs = client.get(url, {"format": "csv"})
    action = client.post(
        reverse("admin:csp_planyear_changelist"),
        {"action": "export_workbook_action", "_selected_action": [medway_plan.pk]},
    )

    assert xlsx["Content-Disposition"] == 'attachment; filename="medway-2026-27-plan.xlsx"'
    assert (
        workbook.read(check_bytes(xlsx.content, "x.xlsx")).rows
        == workbook.read(check_bytes(action.content, "x.xlsx")).rows
    )
    assert sorted(zipfile.ZipFile(io.BytesIO(csvs.content)).namelist()) == sorted(
        s.filename for s in workbook.SHEETS
    )
    change_page = client.get(reverse("admin:csp_planyear_change", args=[medway_plan.pk])).content.decode()
    assert url in change_page
    changelist = client.get(reverse("admin:csp_planyear_changelist")).content.decode()
    assert reverse("admin:csp_planyear_import_workbook") in changelist
    assert reverse("admin:csp_planyear_workbook_template") in changelist


def test_admin_template_download_is_the_blank_workbook(client, superuser):
    client.force_login(superuser)

    response = client.get(reverse("admin:csp_planyear_workbook_template"))

    assert response.status_code == 200
    book = workbook.read(check_bytes(response.content, "plan-template.xlsx"))
    assert book.rows == {s.title: [] for s in workbook.SHEETS}


def test_staff_without_plan_permissions_cannot_import(client, medway_plan):
    staff = factories.make_user("staff", is_staff=True)
    client.force_login(staff)

    assert client.get(reverse("admin:csp_planyear_import_workbook")).status_code == 403
    assert client.post(reverse("admin:csp_planyear_confirm_import"), {"token": "x"}).status_code == 403
