"""The admin's agency, indicator, measure, figure and action-update imports refuse hostile files as the
plan workbook does (csp.upload_guard): too large, not what the name says, zip bombs, too many rows,
enormous sheets. Each is refused quickly, in bounded memory, with a message an administrator can act on."""

import io
import time
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from csp.models import Agency
from csp.upload_guard import MAX_ROWS, MAX_SHEET_ROWS, MAX_UPLOAD_BYTES

IMPORTS = [
    "admin:csp_agency_import",
    "admin:indicators_indicator_import",
    "admin:indicators_measure_import",
    "admin:returns_figure_import",
    "admin:returns_deliverableupdate_import",
]
CSV, XLSX = "0", "1"  # the import form's choice of format


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(
        django_user_model.objects.create_superuser("root", "root@example.org", "a-long-password-1")
    )
    return client


def post(client, url_name: str, name: str, data: bytes, file_format: str):
    """The admin's import preview for this upload: its page, the seconds it took, the peak memory."""
    upload = SimpleUploadedFile(name, data)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        response = client.post(
            reverse(url_name), {"import_file": upload, "format": file_format, "resource": "0"}
        )
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.status_code == 200
    return response.content.decode(), elapsed, peak


def xlsx_with_sheet(sheet_xml: bytes) -> bytes:
    """A real workbook whose first sheet's XML is replaced."""
    book = openpyxl.Workbook()
    book.active.append(["partnership", "name", "short_name", "other_names"])
    out = io.BytesIO()
    book.save(out)
    result = io.BytesIO()
    with zipfile.ZipFile(out) as source, zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = sheet_xml if info.filename == "xl/worksheets/sheet1.xml" else source.read(info)
            target.writestr(info.filename, content)
    return result.getvalue()


SHEET = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


@pytest.mark.parametrize("url_name", IMPORTS)
def test_a_workbook_declaring_millions_of_cells_is_read_in_bounded_memory(admin_client, url_name):
    """Each row puts one cell in the last column, XFD, so a reader that trusts the sheet fills 16,384."""
    rows = b"".join(f'<row r="{n}"><c r="XFD{n}"><v>1</v></c></row>'.encode() for n in range(2, 3002))
    header = b'<row r="1"><c r="A1" t="inlineStr"><is><t>partnership</t></is></c></row>'
    data = xlsx_with_sheet(
        SHEET + b'<dimension ref="A1:XFD3001"/><sheetData>' + header + rows + b"</sheetData></worksheet>"
    )
    assert len(data) < 20 * 1024

    page, elapsed, peak = post(admin_client, url_name, "cells.xlsx", data, XLSX)

    assert elapsed < 5
    assert peak < 40 * 1024 * 1024
    assert "No valid data to import" in page  # the far-off cells are not read, so there is nothing


@pytest.mark.parametrize("url_name", IMPORTS)
def test_a_sheet_with_more_rows_than_the_limit_is_refused_before_any_row_is_imported(admin_client, url_name):
    lines = ["partnership,name,short_name,other_names"]
    lines += [f"nowhere,Agency {n},A{n}," for n in range(50_000)]
    data = "\n".join(lines).encode()
    assert len(data) < MAX_UPLOAD_BYTES

    page, elapsed, _ = post(admin_client, url_name, "agencies.csv", data, CSV)

    assert f"more than {MAX_ROWS:,} rows" in page
    assert elapsed < 5


def test_a_sheet_reaching_down_a_million_rows_is_refused_without_reading_them(admin_client):
    """A handful of cells spread down to Excel's last row: a reader that fills the gaps makes a million."""
    rows = b'<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>' + b"".join(
        f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>'.encode() for n in range(2, 1_048_577, 50_000)
    )
    data = xlsx_with_sheet(
        SHEET + b'<dimension ref="A1:A1048576"/><sheetData>' + rows + b"</sheetData></worksheet>"
    )

    page, elapsed, peak = post(admin_client, "admin:csp_agency_import", "rows.xlsx", data, XLSX)

    assert f"rows below row {MAX_SHEET_ROWS:,}" in page
    assert elapsed < 5 and peak < 40 * 1024 * 1024


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(admin_client, monkeypatch):
    from csp.spreadsheets import SpreadsheetAdmin

    def read_whole(self, import_file, input_format):
        raise AssertionError("import-export read the whole file into memory")

    monkeypatch.setattr(SpreadsheetAdmin, "write_to_tmp_storage", read_whole)
    data = b"partnership,name\n" + b"medway,x\n" * (MAX_UPLOAD_BYTES // 9 + 10)

    page, _, _ = post(admin_client, "admin:csp_agency_import", "agencies.csv", data, CSV)

    assert "larger than 5 MB" in page


@pytest.mark.parametrize(
    ("name", "data", "file_format", "message"),
    [
        ("agencies.csv", b"PK\x03\x04" + bytes(100), CSV, "is a zip file"),
        ("agencies.csv", b"partnership,name\nmedway,\xff\xfe\n", CSV, "not UTF-8"),
        ("agencies.xlsx", b"partnership,name\nmedway,Kent Police\n", XLSX, "perhaps a CSV file renamed"),
        ("agencies.xlsx", b"%PDF-1.7 not a workbook", XLSX, "it is a PDF"),
    ],
)
def test_a_file_that_is_not_what_its_format_says_is_refused_in_plain_english(
    admin_client, name, data, file_format, message
):
    page, _, _ = post(admin_client, "admin:csp_agency_import", name, data, file_format)

    assert message in page
    assert "encountered while trying to read file" not in page


def test_a_zip_bomb_workbook_is_refused_from_its_directory(admin_client):
    out = io.BytesIO(xlsx_with_sheet(SHEET + b"<sheetData/></worksheet>"))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/padding.bin", bytes(64 * 1024 * 1024))

    page, elapsed, peak = post(admin_client, "admin:csp_agency_import", "bomb.xlsx", out.getvalue(), XLSX)

    assert "zip bomb" in page
    assert elapsed < 2 and peak < 8 * 1024 * 1024


def test_a_good_file_still_imports(admin_client, medway_plan):
    data = b"partnership,name,short_name,other_names\nmedway,Testshire Street Pastors,TSP,\n"

    page, _, _ = post(admin_client, "admin:csp_agency_import", "agencies.csv", data, CSV)

    assert "Confirm import" in page or "confirm" in page.lower()
    assert not Agency.objects.filter(name="Testshire Street Pastors").exists()  # only previewed so far
