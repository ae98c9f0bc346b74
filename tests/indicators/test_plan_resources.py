"""Plan content in and out of the admin as CSV/XLSX: names, not ids; bad rows reported; all or nothing."""

import io

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from csp.models import Agency
from csp.resources import AgencyResource
from indicators.models import Indicator, Measure
from indicators.resources import IndicatorResource, MeasureResource


def test_exported_indicators_reimport_unchanged(medway_plan):
    exported = IndicatorResource().export()

    result = IndicatorResource().import_data(tablib.Dataset().load(exported.csv, format="csv"), dry_run=False)

    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == 44
    assert Indicator.objects.count() == 44


def test_exported_measures_reimport_unchanged(medway_plan):
    count = Measure.objects.count()
    exported = MeasureResource().export()

    result = MeasureResource().import_data(tablib.Dataset().load(exported.csv, format="csv"), dry_run=False)

    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == count


def test_export_names_agencies_and_codes_not_ids(medway_plan):
    exported = IndicatorResource().export().dict
    row = next(r for r in exported if r["code"] == "ASB-02")

    assert row["partnership"] == "medway"
    assert str(row["plan_year"]) == "2026"
    assert row["priority"] == "ASB"
    assert set(row["responsible_agencies"].split(";")) == {
        "Medway Council",
        "Kent Police",
        "Kent Fire and Rescue Service",
    }


def _measure_rows(medway_plan, *rows):
    headers = [
        "partnership",
        "plan_year",
        "indicator",
        "code",
        "order",
        "name",
        "unit",
        "polarity",
        "aggregation",
    ]
    headers += ["supplier", "target_kind", "target_value"]
    return tablib.Dataset(*rows, headers=headers)


def test_one_bad_row_writes_nothing_and_names_the_row(medway_plan):
    before = Measure.objects.count()
    dataset = _measure_rows(
        medway_plan,
        (
            "medway",
            2026,
            "ASB-05",
            "ASB-05-Z",
            9,
            "A good new measure",
            "count",
            "neutral",
            "flow",
            "Medway Council",
            "rolling",
            "",
        ),
        (
            "medway",
            2026,
            "ASB-05",
            "ASB-05-Y",
            8,
            "Names an unknown agency",
            "count",
            "neutral",
            "flow",
            "Nobody",
            "rolling",
            "",
        ),
    )

    result = MeasureResource().import_data(dataset, dry_run=False, use_transactions=True)

    assert result.has_errors() or result.has_validation_errors()
    messages = " ".join(str(e.error) for _, errors in result.row_errors() for e in errors)
    messages += " ".join(str(r.error) for r in result.invalid_rows)
    assert "Nobody" in messages
    assert Measure.objects.count() == before


def test_percentage_target_over_100_is_refused(medway_plan):
    dataset = _measure_rows(
        medway_plan,
        (
            "medway",
            2026,
            "DRUGS-07",
            "DRUGS-07-Z",
            9,
            "Too high",
            "percentage",
            "higher",
            "ratio",
            "Public Health",
            "percentage",
            "163",
        ),
    )

    result = MeasureResource().import_data(dataset, dry_run=True)

    assert result.has_validation_errors()
    assert "between 0 and 100" in str(result.invalid_rows[0].error_dict)


def test_agency_import_matches_by_name_within_partnership(medway_plan):
    dataset = tablib.Dataset(
        ("medway", "Kent Police", "", ""), headers=["partnership", "name", "short_name", "other_names"]
    )

    result = AgencyResource().import_data(dataset, dry_run=False)

    assert not result.has_errors()
    assert Agency.objects.filter(name="Kent Police").count() == 1


def test_admin_import_preview_lists_the_bad_row_before_writing(client, django_user_model, medway_plan):
    client.force_login(
        django_user_model.objects.create_superuser("root", "root@example.org", "a-long-password-1")
    )
    csv = (
        "partnership,plan_year,priority,code,order,text,measure_text,benchmark_text,benchmark_kind,"
        "responsible_as_printed,responsible_agencies\n"
        "medway,2026,ASB,ASB-99,99,A new indicator,,N/A,n/a,Kent Police,Kent Police\n"
        "medway,2026,ASB,ASB-98,98,Another,,N/A,n/a,Atlantis Police,Atlantis Police\n"
    )
    upload = SimpleUploadedFile("indicators.csv", csv.encode(), content_type="text/csv")

    response = client.post(
        reverse("admin:indicators_indicator_import"),
        {"import_file": upload, "format": "0", "resource": "0"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Atlantis Police" in page
    assert Indicator.objects.count() == 44


PLAN_ADMINS = [
    ("csp", "agency", AgencyResource),
    ("indicators", "indicator", IndicatorResource),
    ("indicators", "measure", MeasureResource),
]


def admin_export(client, app: str, model: str, resource, file_format: str) -> bytes:
    fields = resource().get_export_order()
    data = {"format": file_format, "resource": "0"} | {
        f"{resource.__name__.lower()}_{f}": "on" for f in fields
    }
    response = client.post(reverse(f"admin:{app}_{model}_export"), data)
    assert response.status_code == 200, response.content[:500]
    return response.content


def admin_import(client, app: str, model: str, name: str, content: bytes, file_format: str) -> str:
    upload = SimpleUploadedFile(name, content)
    response = client.post(
        reverse(f"admin:{app}_{model}_import"),
        {"import_file": upload, "format": file_format, "resource": "0"},
    )
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def formula_names(medway_plan):
    """Names a spreadsheet would run as formulae, which the export escapes with an apostrophe."""
    Agency.objects.filter(name="Kent Police").update(short_name="=2+5")
    Indicator.objects.filter(code="ASB-02").update(measure_text="+44 calls a week")
    Measure.objects.filter(code="ASB-01-A").update(
        name="@Anti-social behaviour incidents", caveats="-- provisional"
    )
    return medway_plan


@pytest.mark.parametrize(("app", "model", "resource"), PLAN_ADMINS)
@pytest.mark.parametrize(("file_format", "suffix"), [("0", "csv"), ("1", "xlsx")])
def test_an_admin_export_imports_back_through_the_admin_unchanged(
    client, django_user_model, formula_names, app, model, resource, file_format, suffix
):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "a-long-pw-1"))
    queryset = resource().get_queryset()
    before = sorted(map(repr, queryset.values()))

    exported = admin_export(client, app, model, resource, file_format)
    page = admin_import(client, app, model, f"export.{suffix}", exported, file_format)

    assert "Errors" not in page and "Line number" not in page and '<ul class="errorlist' not in page
    assert "Skip" in page or "skip" in page
    assert 'name="import_file_name"' in page  # the preview offers to confirm: nothing is wrong
    assert sorted(map(repr, queryset.values())) == before
    assert "'=2+5" not in page.replace("&#x27;", "'").split("Preview")[0]


def test_an_escaped_name_comes_back_unescaped(client, django_user_model, formula_names):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "a-long-pw-1"))
    exported = admin_export(client, "csp", "agency", AgencyResource, "1")
    sheet = openpyxl.load_workbook(io.BytesIO(exported)).active
    assert "'=2+5" in [cell.value for row in sheet.iter_rows() for cell in row]  # escaped in the file

    page = admin_import(client, "csp", "agency", "agencies.xlsx", exported, "1")
    client.post(
        reverse("admin:csp_agency_process_import"),
        {
            "import_file_name": page.split('name="import_file_name" value="', 1)[1].split('"', 1)[0],
            "original_file_name": "agencies.xlsx",
            "format": "1",
            "resource": "0",
        },
    )

    assert Agency.objects.get(name="Kent Police").short_name == "=2+5"


def test_a_row_the_database_refuses_is_reported_without_the_database_row(
    client, django_user_model, medway_plan, monkeypatch
):
    from django.db import IntegrityError

    def refused(self, instance, *args, **kwargs):
        raise IntegrityError(
            'null value in column "x" violates not-null constraint DETAIL: Failing row contains (3, secret)'
        )

    monkeypatch.setattr(AgencyResource, "save_instance", refused)
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "a-long-pw-1"))
    content = b"partnership,name,short_name,other_names\nmedway,Testshire Street Pastors,TSP,\n"

    page = admin_import(client, "csp", "agency", "agencies.csv", content, "0")

    assert "Failing row contains" not in page and "secret" not in page
    assert "The database refused this row" in page
