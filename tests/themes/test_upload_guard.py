"""Hostile plan files are refused quickly, with a clear message, in bounded memory."""

import io
import struct
import time
import tracemalloc
import zipfile

import openpyxl
import pytest
from defusedxml import DefusedXmlException
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from csp import upload_guard
from csp.upload_guard import RefusedFile, check_bytes, read_upload
from themes import workbook, workbook_export

QUICK = 1.0
"""Seconds: every hostile file here is refused in a small fraction of this."""
BILLION_LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">'.encode() for n in range(1, 10)
    )
    + b']>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
)
XXE = (
    b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row></sheetData></worksheet>'
)


@pytest.fixture(scope="module")
def template() -> bytes:
    return workbook_export.write_xlsx(workbook_export.blank_rows())


def rezip(data: bytes, replace: dict[str, bytes] = (), add: dict[str, bytes] = ()) -> bytes:
    """The zip with some entries' content replaced and others added."""
    replace, add = dict(replace), dict(add)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info)))
        for name, content in add.items():
            target.writestr(name, content)
    return out.getvalue()


def sheet_part(data: bytes, title: str) -> str:
    """The zip entry that holds the sheet called `title`."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    return f"xl/worksheets/sheet{book.sheetnames.index(title) + 1}.xml"


def zeros_entry(archive: zipfile.ZipFile, name: str, size: int) -> None:
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w", force_zip64=True) as entry:
        chunk = bytes(1024 * 1024)
        for _ in range(size // len(chunk)):
            entry.write(chunk)


def refused(data: bytes, name: str = "plan.xlsx") -> tuple[str, float, int]:
    """The refusal message, the seconds it took, and the peak memory allocated on the way (bytes)."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(RefusedFile) as caught:
            workbook.read(check_bytes(data, name))
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return str(caught.value), elapsed, peak


# Zip bombs


@pytest.fixture(scope="module")
def zip_bomb(template) -> bytes:
    """A workbook with a 64 MB part of zeros, packed to about 64 KB."""
    out = io.BytesIO(rezip(template))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        zeros_entry(archive, "xl/media/padding.bin", 64 * 1024 * 1024)
    return out.getvalue()


def test_a_zip_bomb_is_refused_from_the_zip_directory_without_unpacking(zip_bomb):
    assert len(zip_bomb) < upload_guard.MAX_UPLOAD_BYTES

    message, elapsed, peak = refused(zip_bomb)

    assert "unpacks to" in message and "zip bomb" in message
    assert elapsed < QUICK
    assert peak < 2 * 1024 * 1024


def test_a_small_part_packed_too_tightly_is_refused(template):
    out = io.BytesIO(rezip(template))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        zeros_entry(archive, "xl/media/padding.bin", 2 * 1024 * 1024)

    message, elapsed, _ = refused(out.getvalue())

    assert "times its packed size: that is a zip bomb" in message
    assert elapsed < QUICK


def test_a_zip_bomb_whose_directory_lies_about_its_size_is_refused_in_bounded_memory(template):
    """Sizes in the directory and the local header say 1 KB; the part unpacks to 64 MB."""
    out = io.BytesIO(rezip(template))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        zeros_entry(archive, "xl/worksheets/sheet99.xml", 64 * 1024 * 1024)
    data = bytearray(out.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("xl/worksheets/sheet99.xml")
    struct.pack_into("<I", data, info.header_offset + 22, 1024)  # the local header's unpacked size
    central = data.index(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(info.filename)] != info.filename.encode():
        central = data.index(b"PK\x01\x02", central + 1)
    struct.pack_into("<I", data, central + 24, 1024)  # the directory's unpacked size

    message, elapsed, peak = refused(bytes(data))

    assert message == "The zip's part xl/worksheets/sheet99.xml is damaged."
    assert elapsed < QUICK
    assert peak < 4 * 1024 * 1024


def test_a_zip_of_too_many_entries_is_refused(template):
    message, elapsed, _ = refused(rezip(template, add={f"xl/media/{n}.bin": b"x" for n in range(200)}))

    assert "holds 217 files" in message
    assert elapsed < QUICK


# Files that are not what they claim


def test_a_csv_renamed_to_xlsx_is_refused():
    message, elapsed, _ = refused(b"name,short_name,other_names\nKent Police,,\n")

    assert message == (
        "The file is called .xlsx but is not one: it is plain text, perhaps a CSV file renamed. "
        "Upload the workbook as Excel saved it."
    )
    assert elapsed < QUICK


def test_a_word_document_renamed_to_xlsx_is_refused(template):
    word = (
        b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        b'content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    message, _, _ = refused(rezip(template, replace={"[Content_Types].xml": word}))

    assert "is not an Excel workbook" in message


def test_a_macro_enabled_workbook_is_refused(template):
    message, _, _ = refused(rezip(template, add={"xl/vbaProject.bin": b"\x00" * 10}))

    assert "contains macros" in message


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"PK\x03\x04" + b"\x00" * 40, "plan.xlsx", "The file is damaged: it cannot be opened as a zip."),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 40, "plan.xlsx", "older Office file"),
        (b"%PDF-1.7", "plan.xlsx", "it is a PDF."),
        (b"", "plan.xlsx", "The file is empty."),
        (b"name\n", "agencies.csv", "A plan is seven CSV files: put them together in a .zip"),
        (b"x", "plan.exe", "Upload a plan workbook (.xlsx) or its CSV files in a .zip."),
    ],
)
def test_other_files_that_are_not_plan_workbooks_are_refused(data, name, expected):
    message, elapsed, _ = refused(data, name)

    assert expected in message
    assert elapsed < QUICK


def test_a_workbook_renamed_to_zip_is_refused_with_the_fix(template):
    message, _, _ = refused(template, "plan.zip")

    assert message == "This is an Excel workbook named .zip: rename it to .xlsx and upload it again."


def test_a_zip_of_csv_files_must_hold_only_utf8_csv_files():
    files = workbook_export.csv_files(workbook_export.blank_rows())
    with_other = io.BytesIO()
    with zipfile.ZipFile(with_other, "w") as archive:
        archive.writestr("plan/notes.docx", b"PK")
    latin1 = io.BytesIO()
    with zipfile.ZipFile(latin1, "w") as archive:
        for name, content in files.items():
            archive.writestr(f"plan/{name}", content)
        archive.writestr("plan/extra.csv", "Café".encode("latin-1"))

    assert "notes.docx, which is not a CSV file" in refused(with_other.getvalue(), "plan.zip")[0]
    assert refused(latin1.getvalue(), "plan.zip")[0] == (
        'extra.csv is not UTF-8: in Excel, save it as "CSV UTF-8 (Comma delimited)".'
    )


# XML


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, XXE], ids=["entity-bomb", "external-entity"])
def test_an_xml_entity_bomb_is_refused_before_parsing(template, payload):
    data = rezip(template, replace={sheet_part(template, "Agencies"): payload})

    message, elapsed, peak = refused(data)

    assert "declares a DTD" in message and "entity bombs" in message
    assert elapsed < QUICK
    assert peak < 2 * 1024 * 1024


def test_openpyxl_parses_with_defusedxml_so_a_bomb_past_the_guard_is_refused_as_well(template):
    data = rezip(template, replace={sheet_part(template, "Agencies"): BILLION_LAUGHS})
    assert openpyxl.DEFUSEDXML

    with pytest.raises(ValueError) as caught:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        list(book["Agencies"].iter_rows(values_only=True))
    causes = [caught.value, caught.value.__cause__, caught.value.__context__]
    assert any(isinstance(cause, DefusedXmlException) for cause in causes)
    with pytest.raises(RefusedFile, match="cannot be read"):
        workbook.read_xlsx(data)


def test_an_xml_part_that_is_not_utf8_is_refused(template):
    utf16 = '<?xml version="1.0" encoding="UTF-16"?><worksheet/>'.encode("utf-16")
    declared = b'<?xml version="1.0" encoding="ISO-8859-1"?><worksheet/>'

    for payload in (utf16, declared):
        message, _, _ = refused(rezip(template, replace={sheet_part(template, "Agencies"): payload}))
        assert "is not UTF-8" in message


# Size and rows


def test_an_oversized_file_is_refused_before_it_is_read():
    big = SimpleUploadedFile("plan.xlsx", b"PK\x03\x04" + bytes(upload_guard.MAX_UPLOAD_BYTES))
    started = time.perf_counter()

    with pytest.raises(RefusedFile, match="the largest accepted is 5 MB"):
        read_upload(big, big.name)

    assert time.perf_counter() - started < QUICK


def test_an_oversized_stream_without_a_size_is_refused_after_reading_one_byte_past_the_limit():
    stream = io.BytesIO(b"PK\x03\x04" + bytes(2 * upload_guard.MAX_UPLOAD_BYTES))

    with pytest.raises(RefusedFile, match="larger than 5 MB"):
        read_upload(stream, "plan.xlsx")

    assert stream.tell() == upload_guard.MAX_UPLOAD_BYTES + 1


def test_a_sheet_over_the_row_cap_is_refused(template):
    rows = workbook_export.blank_rows()
    rows["Agencies"] = [[f"Agency {n}", "", ""] for n in range(workbook.MAX_ROWS + 1)]

    book = workbook.read(check_bytes(workbook_export.write_xlsx(rows), "plan.xlsx"))

    assert [str(p) for p in book.problems] == [
        'Sheet "Agencies": more than 2,000 rows: a plan sheet has at most 2,000; the agencies named in '
        "Deliverables, Indicators and Measures are not checked against it."
    ]
    assert "Agencies" not in book.rows


def test_a_sheet_with_a_row_a_million_rows_down_is_refused_quickly(template):
    part = sheet_part(template, "Agencies")
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><dimension ref="A1:C2"/><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c>'
        b'<c r="B1" t="inlineStr"><is><t>short_name</t></is></c>'
        b'<c r="C1" t="inlineStr"><is><t>other_names</t></is></c></row>'
        b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>Hidden Agency</t></is></c></row>'
        b"</sheetData></worksheet>"
    )
    started = time.perf_counter()

    book = workbook.read(check_bytes(rezip(template, replace={part: sheet}), "plan.xlsx"))

    assert time.perf_counter() - started < QUICK
    assert (
        'Sheet "Agencies": more than 2,000 rows: a plan sheet has at most 2,000; the agencies named in '
        "Deliverables, Indicators and Measures are not checked against it."
    ) in map(str, book.problems)


def test_a_cell_over_the_length_cap_is_refused(template):
    rows = workbook_export.blank_rows()
    rows["Agencies"] = [["A" * (workbook.MAX_CELL_CHARS + 1), "", ""]]

    book = workbook.read(check_bytes(workbook_export.write_xlsx(rows), "plan.xlsx"))

    assert [str(p) for p in book.problems] == ['Sheet "Agencies", row 2: the name is over 10,000 characters.']


# Through the admin


@pytest.fixture
def admin_client(client, django_user_model, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(
        django_user_model.objects.create_superuser("root", "root@example.org", "a-long-password-1")
    )
    return client


def test_the_admin_refuses_an_oversized_upload_without_reading_it(admin_client):
    # A body that would parse as no file at all ("This field is required"): a 413 shows it was never parsed.
    body = bytes(upload_guard.MAX_UPLOAD_BYTES + 100 * 1024)
    url = reverse("admin:csp_planyear_import_workbook")
    assert admin_client.get(url).status_code == 200  # the first request loads the URLconf: not timed
    started = time.perf_counter()

    response = admin_client.generic(
        "POST", url, body, content_type="multipart/form-data; boundary=never-there"
    )

    assert time.perf_counter() - started < QUICK
    assert response.status_code == 413
    assert "The file is larger than 5 MB, the largest accepted." in response.content.decode()


@pytest.mark.parametrize("hostile", ["zip-bomb", "renamed-csv", "entity-bomb"])
def test_the_admin_shows_why_a_hostile_file_is_refused_and_keeps_nothing(
    admin_client, template, zip_bomb, hostile, tmp_path
):
    data = {
        "zip-bomb": zip_bomb,
        "renamed-csv": b"name,short_name\nKent Police,\n",
        "entity-bomb": rezip(template, replace={sheet_part(template, "Agencies"): BILLION_LAUGHS}),
    }[hostile]

    response = admin_client.post(
        reverse("admin:csp_planyear_import_workbook"), {"workbook": SimpleUploadedFile("plan.xlsx", data)}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["workbook"]
    assert not (tmp_path / "media").exists()


def test_the_admin_import_still_checks_csrf(django_user_model, settings, tmp_path):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(
        django_user_model.objects.create_superuser("root", "root@example.org", "a-long-password-1")
    )

    response = client.post(
        reverse("admin:csp_planyear_import_workbook"),
        {
            "workbook": SimpleUploadedFile(
                "plan.xlsx", workbook_export.write_xlsx(workbook_export.blank_rows())
            )
        },
    )

    assert response.status_code == 403
