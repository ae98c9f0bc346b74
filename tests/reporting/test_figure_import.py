"""Historical figures in through the admin (CSV/XLSX, all or nothing, every bad row named) and all
figures out in the same long format, with no cell that a spreadsheet would run as a formula."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from import_export.formats import base_formats

from csp.models import PlanYear
from csp.spreadsheets import spreadsheet_safe
from indicators.models import Measure
from indicators.quarters import Quarter
from reporting.figure_sheets import FigureResource
from returns.demo import fill_demo_figures
from returns.models import Figure, ReportingPeriod, Return

IMPORT_URL = "admin:returns_figure_import"
EXPORT_URL = "admin:returns_figure_export"
HEADERS = ["partnership", "quarter", "measure", "value", "numerator", "denominator", "status"]


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", "a-long-password-1")


def csv_of(*rows, headers=HEADERS) -> str:
    dataset = tablib.Dataset(*rows, headers=headers)
    return dataset.csv


def import_csv(text: str, *, dry_run: bool = False):
    return FigureResource().import_data(tablib.Dataset().load(text, format="csv"), dry_run=dry_run)


def errors_of(result) -> dict[int, str]:
    """Each invalid row's number and all its messages in one string."""
    return {
        row.number: " ".join(message for messages in row.error_dict.values() for message in messages)
        for row in result.invalid_rows
    }


def measure(code: str) -> Measure:
    return Measure.objects.select_related("indicator__priority__plan_year").get(code=code)


def approved_return(
    medway_plan, code: str, number: int, *, commentary: str = "On track.", **figure
) -> Return:
    m = measure(code)
    period, _ = ReportingPeriod.objects.get_or_create(
        plan_year=medway_plan, number=number, defaults={"deadline": date(2026, 7, 20), "state": "open"}
    )
    ret = Return.objects.create(
        period=period, indicator=m.indicator, agency=m.supplier, state="approved", commentary=commentary
    )
    Figure.objects.create(measure=m, year=medway_plan.start_year, number=number, ret=ret, **figure)
    return ret


def stored() -> list[tuple]:
    return list(
        Figure.objects.order_by("pk").values_list(
            "pk", "measure_id", "year", "number", "ret_id", "value", "numerator", "denominator", "status"
        )
    )


GOOD_ROWS = (
    ("medway", "2025-26-Q4", "ASB-01-A", "1,802", "", "", ""),
    ("medway", "2025-26-Q4", "DRUGS-07-A", "", "26", "41", ""),
    ("medway", "2025-26-Q3", "REOFF-01-A", "147.5", "", "", ""),
    ("medway", "2025-26-Q3", "ASB-16-A", "", "", "", "In progress"),
)


def test_a_good_csv_applies_as_history(medway_plan):
    result = import_csv(csv_of(*GOOD_ROWS))

    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 4
    asb = Figure.objects.get(measure__code="ASB-01-A", year=2025, number=4)
    assert asb.value == 1802 and asb.ret is None
    ratio = Figure.objects.get(measure__code="DRUGS-07-A")
    assert (ratio.numerator, ratio.denominator, ratio.value) == (26, 41, None)
    assert Figure.objects.get(measure__code="REOFF-01-A").value == Decimal("147.5")
    assert Figure.objects.get(measure__code="ASB-16-A").status == "in_progress"


def test_a_good_xlsx_applies_through_the_admin(client, superuser, medway_plan):
    client.force_login(superuser)
    sheet = tablib.Dataset(
        ("medway", "2025-26-Q4", "ASB-01-A", 1802, None, None, None),
        ("medway", "2025-26-Q4", "DRUGS-07-A", None, 26, 41, None),
        headers=HEADERS,
    )
    upload = SimpleUploadedFile("history.xlsx", sheet.export("xlsx"))

    preview = client.post(reverse(IMPORT_URL), {"import_file": upload, "format": "1", "resource": "0"})
    assert preview.status_code == 200
    assert Figure.objects.count() == 0  # a preview writes nothing
    confirm = preview.context["confirm_form"]
    response = client.post(reverse("admin:returns_figure_process_import"), confirm.initial)

    assert response.status_code == 302
    assert Figure.objects.get(measure__code="ASB-01-A", year=2025, number=4).value == 1802
    assert Figure.objects.get(measure__code="DRUGS-07-A").denominator == 41


def test_one_bad_row_applies_nothing_and_the_preview_names_the_row_and_why(client, superuser, medway_plan):
    client.force_login(superuser)
    text = csv_of(*GOOD_ROWS, ("medway", "2025-26-Q2", "ASB-01-A", "lots", "", "", ""))
    upload = SimpleUploadedFile("history.csv", text.encode(), content_type="text/csv")

    response = client.post(reverse(IMPORT_URL), {"import_file": upload, "format": "0", "resource": "0"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Some rows failed to validate" in page
    assert "<td>5 </td>" in page  # the fifth row of data
    assert "The value must be a number, like 42, not &#x27;lots&#x27;." in page
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert Figure.objects.count() == 0


def test_one_bad_row_rolls_back_the_good_ones_outside_the_admin(medway_plan):
    result = import_csv(csv_of(*GOOD_ROWS, ("medway", "2025-26-Q2", "NOPE-01-A", "3", "", "", "")))

    assert errors_of(result) == {5: "There is no measure 'NOPE-01-A' in the medway partnership's plans."}
    assert Figure.objects.count() == 0


@pytest.fixture
def percentage_measure(medway_plan):
    """A percentage entered as a value (not a ratio): Medway's plan has none, other plans may."""
    m = measure("VAWG-01-B")
    return Measure.objects.create(
        indicator=m.indicator,
        order=9,
        code="VAWG-01-Z",
        name="Satisfaction with the police response",
        unit="percentage",
        polarity="higher",
        aggregation="stock",
        supplier=m.supplier,
        target_kind="n/a",
    )


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (("medway", "2025-26-Q4", "ASB-99-Z", "3", "", "", ""), "There is no measure 'ASB-99-Z'"),
        (("atlantis", "2025-26-Q4", "ASB-01-A", "3", "", "", ""), "There is no partnership 'atlantis'"),
        (
            ("medway", "2025-27-Q4", "ASB-01-A", "3", "", "", ""),
            "the financial year starting in 2025 is 2025-26",
        ),
        (("medway", "2025-26-Q5", "ASB-01-A", "3", "", "", ""), "the quarter must be Q1, Q2, Q3 or Q4"),
        (("medway", "Q4 2025", "ASB-01-A", "3", "", "", ""), "write it like 2026-27-Q2"),
        (
            ("medway", "2025-26-Q4", "ASB-01-A", "twelve", "", "", ""),
            "must be a number, like 42, not 'twelve'",
        ),
        (("medway", "2025-26-Q4", "ASB-01-A", "-5", "", "", ""), "A count cannot be negative"),
        (
            ("medway", "2025-26-Q4", "ASB-01-A", "1,2,3", "", "", ""),
            "must be a number, like 42, not '1,2,3': commas go between thousands",
        ),
        (
            ("medway", "2025-26-Q4", "ASB-01-A", "١٢", "", "", ""),
            "must be a number, like 42, not '١٢': use the digits 0 to 9",
        ),
        (("medway", "2025-26-Q4", "ASB-01-A", "2.5", "", "", ""), "A count is a whole number"),
        (("medway", "2025-26-Q4", "ASB-01-A", "", "", "", ""), "The value is missing"),
        (("medway", "2025-26-Q4", "ASB-01-A", "9999999999", "", "", ""), "check the figure"),
        (("medway", "2025-26-Q4", "VAWG-01-Z", "104", "", "", ""), "A percentage cannot be over 100: 104"),
        (("medway", "2025-26-Q4", "DRUGS-07-A", "", "50", "40", ""), "cannot be more than the denominator"),
        (("medway", "2025-26-Q4", "DRUGS-07-A", "", "25", "", ""), "The denominator is missing"),
        (("medway", "2025-26-Q4", "DRUGS-07-A", "", "", "40", ""), "The numerator is missing"),
        (("medway", "2025-26-Q4", "DRUGS-07-A", "62", "", "", ""), "is a ratio"),
        (("medway", "2025-26-Q4", "ASB-16-A", "", "", "", "Nearly"), "The status must be one of"),
        (("medway", "2025-26-Q4", "ASB-16-A", "1", "", "", ""), "is a milestone"),
        (
            ("medway", "2026-27-Q1", "ASB-01-A", "3", "", "", ""),
            "is not before ASB-01-A's plan year (2026-27)",
        ),
    ],
)
def test_each_kind_of_bad_row_is_refused_in_plain_english(percentage_measure, row, message):
    result = import_csv(csv_of(row))

    assert message in errors_of(result)[1]
    assert not Figure.objects.exists()


def test_the_same_measure_and_quarter_twice_is_a_duplicate(medway_plan):
    result = import_csv(
        csv_of(
            ("medway", "2025-26-Q4", "ASB-01-A", "1800", "", "", ""),
            ("medway", "2025-26-Q3", "ASB-01-A", "1900", "", "", ""),
            ("medway", "2025-26-Q4", "ASB-01-A", "1801", "", "", ""),
        )
    )

    assert errors_of(result) == {
        3: "Row 1 already gives ASB-01-A for 2025-26-Q4: give each measure and quarter once."
    }
    assert not Figure.objects.exists()


def test_a_quarter_of_a_plan_year_that_takes_returns_is_refused(medway_plan):
    """A later plan year's measure would take 2026-27 as history, but 2026-27 has its own returns."""
    approved_return(medway_plan, "ASB-01-A", 1, value=Decimal(2000))
    next_year = PlanYear.objects.create(partnership=medway_plan.partnership, start_year=2027, title="Plan")
    m = measure("ASB-01-A")
    priority = m.indicator.priority
    priority.pk, priority.plan_year = None, next_year
    priority.save()
    indicator = m.indicator
    indicator.pk, indicator.priority = None, priority
    indicator.save()
    m.pk, m.indicator = None, indicator
    m.save()

    result = import_csv(csv_of(("medway", "2026-27-Q1", "ASB-01-A", "5", "", "", "")))

    assert "which takes its figures from returns" in errors_of(result)[1]
    assert Figure.objects.get(measure__code="ASB-01-A").value == 2000


def test_a_figure_from_a_return_cannot_be_changed_by_importing_its_row(medway_plan):
    approved_return(medway_plan, "ASB-01-A", 1, value=Decimal(2000))
    exported = FigureResource().export().dict
    exported[0]["value"] = "2500"

    result = import_csv(tablib.Dataset(*[r.values() for r in exported], headers=list(exported[0])).csv)

    assert "came from a return (approved): change the return" in errors_of(result)[1]
    assert Figure.objects.get().value == 2000


def test_history_can_be_corrected_by_importing_it_again(medway_plan):
    import_csv(csv_of(("medway", "2025-26-Q4", "ASB-01-A", "1800", "", "", "")))

    result = import_csv(csv_of(("medway", "2025-26-Q4", "ASB-01-A", "1810", "", "", "")))

    assert result.totals["update"] == 1
    assert Figure.objects.get().value == 1810


@pytest.fixture
def all_kinds_of_figures(medway_plan):
    fill_demo_figures(medway_plan, through=Quarter(2026, 1))
    approved_return(medway_plan, "ASB-01-A", 1, value=Decimal(2011))
    approved_return(medway_plan, "DRUGS-07-A", 1, numerator=Decimal(25), denominator=Decimal(44))
    return medway_plan


def test_an_exported_csv_reimports_to_the_same_figures(all_kinds_of_figures):
    before = stored()
    exported = FigureResource().export().csv

    result = import_csv(exported)

    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == len(before) == 71 * 8 + 2
    assert result.totals["new"] == result.totals["update"] == 0
    assert stored() == before


def admin_export(client, file_format: int) -> bytes:
    fields = FigureResource().get_export_order()
    data = {"format": str(file_format), "resource": "0"} | {f"figureresource_{name}": "on" for name in fields}
    response = client.post(reverse(EXPORT_URL), data)
    assert response.status_code == 200, response.content[:500]
    return response.content


def test_an_admin_xlsx_export_reimports_through_the_admin_unchanged(client, superuser, all_kinds_of_figures):
    client.force_login(superuser)
    before = stored()
    content = admin_export(client, 1)

    dataset = base_formats.XLSX().create_dataset(content)
    result = FigureResource().import_data(dataset, dry_run=False)

    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == len(before)
    assert stored() == before


def test_xlsx_export_keeps_numbers_as_numbers_and_blanks_blank(client, superuser, all_kinds_of_figures):
    client.force_login(superuser)

    sheet = openpyxl.load_workbook(io.BytesIO(admin_export(client, 1))).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    ratio = next(
        r
        for r in rows
        if r[header.index("measure")] == "DRUGS-07-A" and r[header.index("state")] == "approved"
    )

    assert ratio[header.index("numerator")] == 25 and ratio[header.index("denominator")] == 44
    assert ratio[header.index("value")] in (None, "")
    assert all("None" not in row for row in rows)


COMMENTARY = ['=HYPERLINK("http://evil.example","Click")', "==1+1", "+cmd|' /C calc'!A0", "@SUM(A1)"]
FORMULAE = [*COMMENTARY, "-2+3", "\tcmd"]


@pytest.fixture
def formula_text(medway_plan):
    """A label and four quarters' commentary, each starting the way a formula does."""
    m = measure("ASB-01-A")
    m.name = "=1+1"
    m.save()
    for number, text in enumerate(COMMENTARY, start=1):
        approved_return(medway_plan, "ASB-01-A", number, commentary=text, value=Decimal(2000))
    return medway_plan


@pytest.mark.parametrize("text", FORMULAE)
def test_spreadsheet_safe_neutralises_each_formula_start(text):
    assert spreadsheet_safe(text) == "'" + text


@pytest.mark.parametrize("text", ["Fewer incidents", "-3", "1,416", "", "ASB-01-A"])
def test_spreadsheet_safe_leaves_plain_text_and_numbers_alone(text):
    assert spreadsheet_safe(text) == text


def test_formula_commentary_and_label_are_neutralised_in_the_resource_export(formula_text):
    exported = FigureResource().export().dict

    assert {row["commentary"] for row in exported} == {"'" + text for text in COMMENTARY}
    assert {row["measure_name"] for row in exported} == {"'=1+1"}


def test_formula_commentary_and_label_are_neutralised_in_the_admin_csv_export(
    client, superuser, formula_text
):
    client.force_login(superuser)

    text = admin_export(client, 0).decode("utf-8-sig")

    rows = tablib.Dataset().load(text, format="csv").dict
    assert {row["commentary"] for row in rows} == {"'" + text for text in COMMENTARY}
    assert {row["measure_name"] for row in rows} == {"'=1+1"}
    for row in rows:
        assert not any(str(cell).startswith(("=", "+", "@")) for cell in row.values())


def test_formula_commentary_and_label_are_neutralised_in_the_admin_xlsx_export(
    client, superuser, formula_text
):
    client.force_login(superuser)

    sheet = openpyxl.load_workbook(io.BytesIO(admin_export(client, 1))).active

    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    values = {cell.value for cell in cells}
    assert {"'" + text for text in COMMENTARY} <= values
    assert "'=1+1" in values


def test_return_figures_are_read_only_in_the_admin_and_history_is_editable(client, superuser, medway_plan):
    client.force_login(superuser)
    ret = approved_return(medway_plan, "ASB-01-A", 1, value=Decimal(2000))
    from_return = Figure.objects.get(ret=ret)
    import_csv(csv_of(("medway", "2025-26-Q4", "ASB-01-A", "1800", "", "", "")))
    history = Figure.objects.get(ret__isnull=True)
    change = "admin:returns_figure_change"

    read_only = client.get(reverse(change, args=[from_return.pk])).content.decode()
    refused = client.post(reverse(change, args=[from_return.pk]), {"value": "1"})
    editable = client.get(reverse(change, args=[history.pk])).content.decode()

    assert "Change it through the return" in read_only and 'name="_save"' not in read_only
    assert refused.status_code == 403
    assert Figure.objects.get(pk=from_return.pk).value == 2000
    assert 'name="_save"' in editable


def test_admin_refuses_history_inside_the_plan_year(client, superuser, medway_plan):
    client.force_login(superuser)
    m = measure("ASB-01-A")

    response = client.post(
        reverse("admin:returns_figure_add"), {"measure": m.pk, "year": 2026, "number": 1, "value": "5"}
    )

    assert response.status_code == 200
    assert "only earlier quarters can be imported as history" in response.content.decode()
    assert not Figure.objects.exists()


def test_figure_admin_pages_open(client, superuser, all_kinds_of_figures):
    client.force_login(superuser)

    for url in ("changelist", "add", "import", "export"):
        assert client.get(reverse(f"admin:returns_figure_{url}")).status_code == 200, url
    for params in ({"source": "return"}, {"source": "history", "year": "2025"}, {"q": "ASB-01"}):
        assert client.get(reverse("admin:returns_figure_changelist"), params).status_code == 200


@pytest.mark.parametrize("year", ["abc", "²", "２０２５"])
def test_the_figure_list_refuses_a_financial_year_that_is_no_number_without_an_error(
    client, superuser, plan, year
):
    Figure.objects.create(measure=plan.count, year=2025, number=1, value=3)
    client.force_login(superuser)

    response = client.get(reverse("admin:returns_figure_changelist"), {"year": year})

    assert response.status_code == 302 and response["Location"].endswith("?e=1")  # Django's "invalid filter"
    assert client.get(reverse("admin:returns_figure_changelist"), {"year": "2025"}).status_code == 200
