"""Checks on an uploaded spreadsheet before anything parses it, and bounded reading once it has passed:
a hostile file is refused quickly, in bounded memory. Every upload goes through here: the plan workbook
(themes) and the admin's agency, indicator, measure and figure imports (csp.spreadsheets).

An XLSX is a zip of XML parts. Before openpyxl sees one, this module checks: the file's size; that it is
what its name claims (a zip holding an Excel workbook, not a CSV or a Word document renamed); from the
zip's directory alone, the number of entries, their total unpacked size and each one's compression
ratio; then it streams every XML part, counting what it unpacks, and refuses one that declares a DTD
(the way in for entity bombs and external entities) or is not UTF-8. openpyxl then parses with
defusedxml as well, which refuses the same things again. Python's zipfile never unpacks more than an
entry's declared size, and a declared size that lies fails the entry's CRC, so the directory's sizes are a
real bound.

CSV files (one, a zip of them, or a folder for the command line) get the same size and entry limits and
must be UTF-8 text.

Reading is bounded too: a sheet is read row by row to MAX_COLUMNS columns, whatever size it declares
(a small file can declare 16,384 columns of millions of rows), and at most MAX_ROWS rows are kept.
"""

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path, PurePosixPath

import openpyxl
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring
from django.core.exceptions import ImproperlyConfigured

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2000
"""Data rows per sheet. Medway's largest plan sheet has 71; a plan ten times its size still fits."""
MAX_SHEET_ROWS = 10 * MAX_ROWS
"""How far down a sheet is read, blank rows included: a file of a few cells can reach Excel's last row."""
MAX_COLUMNS = 40
"""Columns read per sheet; anything to the right is ignored (the widest sheet has 15)."""
MAX_CELL_CHARS = 10_000
MAX_ENTRIES = 100
MAX_UNPACKED_BYTES = 25 * 1024 * 1024
MAX_RATIO = 100
"""Largest unpacked-to-packed ratio of one entry. Plan workbooks' parts are under 20; zip bombs are in the
thousands."""
RATIO_FROM_BYTES = 256 * 1024
"""Entries smaller than this unpack to little whatever their ratio, so only larger ones are held to it."""
CHUNK = 64 * 1024

SPREADSHEET_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
}
MACRO_TYPES = {
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
}
DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")
_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_IGNORED_IN_CSV_ZIP = ("__MACOSX/", ".DS_Store", "Thumbs.db", "desktop.ini")


class RefusedFile(Exception):
    """The file is not accepted; the message says why, in plain English, and is shown as it is."""


class Kind(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"


@dataclass(frozen=True)
class CheckedFile:
    kind: Kind
    data: bytes = b""
    """The file as it came (empty for a folder): what the admin keeps between preview and confirm."""
    csv_files: dict[str, bytes] = field(default_factory=dict)


def _mb(size: int) -> str:
    """A limit as a round number, a size to one decimal place: "5 MB", "5.3 MB"."""
    megabytes = size / (1024 * 1024)
    return f"{megabytes:g} MB" if megabytes.is_integer() else f"{megabytes:.1f} MB"


def read_upload(file, name: str) -> CheckedFile:
    """Read and check an uploaded file (reading at most one byte past the limit)."""
    size = getattr(file, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise RefusedFile(f"The file is {_mb(size)}: the largest accepted is {_mb(MAX_UPLOAD_BYTES)}.")
    data = file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise RefusedFile(f"The file is larger than {_mb(MAX_UPLOAD_BYTES)}, the largest accepted.")
    return check_bytes(data, name)


def read_path(path: Path) -> CheckedFile:
    """A workbook or zip on disk, or a folder of CSV files (for the command line)."""
    if path.is_dir():
        return _check_folder(path)
    if not path.is_file():
        raise RefusedFile(f"There is no file or folder called {path}.")
    with path.open("rb") as file:
        size = path.stat().st_size
        if size > MAX_UPLOAD_BYTES:
            raise RefusedFile(f"The file is {_mb(size)}: the largest accepted is {_mb(MAX_UPLOAD_BYTES)}.")
        return read_upload(file, path.name)


def check_bytes(data: bytes, name: str) -> CheckedFile:
    """A plan file: an XLSX workbook, or its CSV files in a zip."""
    suffix = PurePosixPath(name).suffix.casefold()
    if suffix not in (".xlsx", ".zip"):
        hint = {
            ".xls": "This is the old Excel format: save it as an Excel Workbook (.xlsx).",
            ".xlsm": "Macro-enabled workbooks are not accepted: save it as an Excel Workbook (.xlsx).",
            ".csv": "A plan is seven CSV files: put them together in a .zip and upload that.",
        }.get(suffix, "")
        raise RefusedFile(f"Upload a plan workbook (.xlsx) or its CSV files in a .zip. {hint}".strip())
    archive, infos = _open_zip(data, suffix)
    with archive:
        is_workbook = "[Content_Types].xml" in {i.filename for i in infos}
        if suffix == ".xlsx":
            if not is_workbook:
                raise RefusedFile("The file is called .xlsx but is a plain zip file, not an Excel workbook.")
            _check_workbook(archive, infos)
            return CheckedFile(Kind.XLSX, data=data)
        if is_workbook:
            raise RefusedFile("This is an Excel workbook named .zip: rename it to .xlsx and upload it again.")
        return CheckedFile(Kind.CSV, data=data, csv_files=_csv_entries(archive, infos))


def check_xlsx(data: bytes) -> None:
    """One workbook, as the admin's imports take it."""
    archive, infos = _open_zip(data, ".xlsx")
    with archive:
        if "[Content_Types].xml" not in {i.filename for i in infos}:
            raise RefusedFile("The file is a plain zip file, not an Excel workbook.")
        _check_workbook(archive, infos)


def check_csv(data: bytes | str, name: str = "The file") -> str:
    """One CSV file, as the admin's imports take it: its text, if it is UTF-8 text and not too large."""
    if isinstance(data, str):
        text = data
        if len(text) > MAX_UPLOAD_BYTES:
            raise RefusedFile(f"The file is larger than {_mb(MAX_UPLOAD_BYTES)}, the largest accepted.")
    else:
        if len(data) > MAX_UPLOAD_BYTES:
            raise RefusedFile(f"The file is larger than {_mb(MAX_UPLOAD_BYTES)}, the largest accepted.")
        if data.startswith(b"PK\x03\x04"):
            raise RefusedFile(f"{name} is a zip file (perhaps an Excel workbook), not CSV: choose xlsx.")
        text = _text_file(data, name).decode("utf-8-sig")
    if text.startswith("PK\x03\x04"):
        raise RefusedFile(f"{name} is a zip file (perhaps an Excel workbook), not CSV: choose xlsx.")
    if "\x00" in text:
        raise RefusedFile(f"{name} is not a text file.")
    return text


def _open_zip(data: bytes, suffix: str) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    if not data:
        raise RefusedFile("The file is empty.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise RefusedFile(f"The file is larger than {_mb(MAX_UPLOAD_BYTES)}, the largest accepted.")
    if not data.startswith(b"PK\x03\x04"):
        raise RefusedFile(f"The file is called {suffix} but is not one: {_looks_like(data)}")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, NotImplementedError, EOFError):
        raise RefusedFile("The file is damaged: it cannot be opened as a zip.") from None
    try:
        _check_directory(infos)
    except RefusedFile:
        archive.close()
        raise
    return archive, infos


def _looks_like(data: bytes) -> str:
    head = data[:8192]
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "it is an older Office file (perhaps .xls). Save it as an Excel Workbook (.xlsx)."
    if head.startswith(b"%PDF"):
        return "it is a PDF."
    if b"\x00" not in head:
        try:
            head.decode("utf-8")
            return "it is plain text, perhaps a CSV file renamed. Upload the workbook as Excel saved it."
        except UnicodeDecodeError:
            pass
    return "its content is not a zip file."


def _check_directory(infos: list[zipfile.ZipInfo]) -> None:
    """Everything that can be judged from the zip's directory, before unpacking a byte."""
    if len(infos) > MAX_ENTRIES:
        raise RefusedFile(
            f"The zip holds {len(infos):,} files: a plan workbook has far fewer ({MAX_ENTRIES} at most)."
        )
    names = set()
    total = 0
    for info in infos:
        name = info.filename
        if name in names:
            raise RefusedFile(
                f"The zip holds two files called {name}: it is damaged or has been tampered with."
            )
        names.add(name)
        if name.startswith(("/", "\\")) or ".." in PurePosixPath(name).parts or "\\" in name:
            raise RefusedFile("The zip holds a file with an unsafe path: it has been tampered with.")
        if info.flag_bits & 0x1:
            raise RefusedFile(
                "The file is password-protected: save a copy without a password and upload that."
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise RefusedFile(
                "The zip uses an unusual compression method: save it again with Excel or your zip tool."
            )
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FROM_BYTES and ratio > MAX_RATIO:
            raise RefusedFile(
                f"The zip's part {name} unpacks to {ratio:,.0f} times its packed size: that is a zip bomb, "
                "not a spreadsheet."
            )
    if total > MAX_UNPACKED_BYTES:
        raise RefusedFile(
            f"The file unpacks to {_mb(total)}: the largest accepted is {_mb(MAX_UNPACKED_BYTES)} unpacked."
        )


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo):
    """The entry's bytes in chunks, refusing a damaged entry (a CRC that does not match is one)."""
    try:
        with archive.open(info) as entry:
            while chunk := entry.read(CHUNK):
                yield chunk
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError):
        raise RefusedFile(f"The zip's part {info.filename} is damaged.") from None


def _check_xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    tail = b""
    first = True
    for chunk in _read_entry(archive, info):
        if first:
            first = False
            if chunk.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in chunk[:4]:
                raise RefusedFile(f"The workbook's part {info.filename} is not UTF-8, as Excel writes it.")
            declared = _ENCODING.match(chunk[:200])
            if declared and declared.group(1).decode().casefold().replace("_", "-") not in ("utf-8", "utf8"):
                raise RefusedFile(f"The workbook's part {info.filename} is not UTF-8, as Excel writes it.")
        window = tail + chunk
        if any(marker in window for marker in DTD_MARKERS):
            raise RefusedFile(
                f"The workbook's part {info.filename} declares a DTD, which a spreadsheet never needs "
                "(it is how XML entity bombs work): the file is refused."
            )
        tail = window[-16:]


def _check_workbook(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    for info in infos:
        if PurePosixPath(info.filename).name.casefold() == "vbaproject.bin":
            raise RefusedFile(
                "The workbook contains macros: save it as an Excel Workbook (.xlsx) without them."
            )
        if info.filename.casefold().endswith((".xml", ".rels", ".vml")):
            _check_xml(archive, info)
    try:
        types = safe_fromstring(b"".join(_read_entry(archive, archive.getinfo("[Content_Types].xml"))))
    except (DefusedXmlException, SyntaxError):
        raise RefusedFile("The workbook's list of parts is not readable XML: the file is damaged.") from None
    declared = {element.get("ContentType", "") for element in types}
    if declared & MACRO_TYPES:
        raise RefusedFile("The workbook is macro-enabled: save it as an Excel Workbook (.xlsx).")
    if not declared & SPREADSHEET_TYPES:
        raise RefusedFile(
            "The file is called .xlsx but is not an Excel workbook (perhaps another Office file)."
        )


def _text_file(data: bytes, name: str) -> bytes:
    if b"\x00" in data:
        raise RefusedFile(f"{name} is not a text file.")
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RefusedFile(
            f'{name} is not UTF-8: in Excel, save it as "CSV UTF-8 (Comma delimited)".'
        ) from None
    return data


def _csv_entries(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for info in infos:
        name = info.filename
        base = PurePosixPath(name).name
        if info.is_dir() or name.startswith(_IGNORED_IN_CSV_ZIP) or base in _IGNORED_IN_CSV_ZIP:
            continue
        if not base.casefold().endswith(".csv"):
            raise RefusedFile(
                f"The zip holds {name}, which is not a CSV file: a plan zip holds only CSV files."
            )
        key = base.casefold()
        if key in files:
            raise RefusedFile(f"The zip holds two files called {base}.")
        files[key] = _text_file(b"".join(_read_entry(archive, info)), base)
    if not files:
        raise RefusedFile("The zip holds no CSV files.")
    return files


def _check_folder(path: Path) -> CheckedFile:
    found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.casefold() == ".csv")
    if not found:
        raise RefusedFile(f"The folder {path} holds no CSV files.")
    if len(found) > MAX_ENTRIES:
        raise RefusedFile(f"The folder holds {len(found):,} CSV files: a plan has seven.")
    total = sum(p.stat().st_size for p in found)
    if total > MAX_UNPACKED_BYTES:
        raise RefusedFile(
            f"The CSV files come to {_mb(total)}: the largest accepted is {_mb(MAX_UNPACKED_BYTES)}."
        )
    files = {}
    for csv_path in found:
        with csv_path.open("rb") as file:
            data = file.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            raise RefusedFile(f"{csv_path.name} is larger than {_mb(MAX_UPLOAD_BYTES)}.")
        files[csv_path.name.casefold()] = _text_file(data, csv_path.name)
    return CheckedFile(Kind.CSV, csv_files=files)


# Reading, bounded

UNREADABLE_WORKBOOK = "The workbook cannot be read: it is damaged, or was not saved by a spreadsheet program."


@contextmanager
def opened_workbook(data: bytes):
    """openpyxl's read-only view of a workbook `check_bytes` or `check_xlsx` passed, evaluating nothing."""
    if not openpyxl.DEFUSEDXML:
        raise ImproperlyConfigured("defusedxml must be installed: openpyxl parses workbooks with it.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # openpyxl on styles it does not know
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception as error:  # openpyxl raises a grab-bag (KeyError, ParseError, ...) for a broken file
        raise RefusedFile(UNREADABLE_WORKBOOK) from error
    try:
        yield book
    finally:
        book.close()


def sheet_rows(worksheet) -> Iterator[tuple]:
    """A sheet's rows as values, MAX_COLUMNS wide at most, however large a size the sheet declares."""
    worksheet.reset_dimensions()  # a wrong <dimension> would otherwise cut rows off, or pad them out
    return worksheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)


def csv_rows(text: str) -> Iterator[list]:
    """A CSV file's rows, MAX_COLUMNS wide at most, blank cells as None (as a workbook gives them)."""
    return ([cell or None for cell in row[:MAX_COLUMNS]] for row in csv.reader(io.StringIO(text)))
