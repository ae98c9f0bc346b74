"""Spreadsheet cells in and out: numbers as people type them, and text that never runs as a formula;
the admin base class that imports and exports with both, and reads an upload only once csp.upload_guard
has passed it, and only so much of it.

import-export's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT strips only one leading "=" (so "==1+1" is
still a formula), ignores + - @, and turns every cell into text; SafeCSV and SafeXLSX do it properly.
"""

import csv
import re
from decimal import Decimal

import tablib
from django import forms
from django.core.exceptions import PermissionDenied
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats
from import_export.forms import ImportForm

from csp.numbers import NotANumber, typed_number
from csp.upload_guard import (
    MAX_CELL_CHARS,
    MAX_ROWS,
    MAX_SHEET_ROWS,
    MAX_UPLOAD_BYTES,
    UNREADABLE_WORKBOOK,
    RefusedFile,
    check_csv,
    check_xlsx,
    csv_rows,
    opened_workbook,
    sheet_rows,
)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


_PLAIN_NUMBER = re.compile(r"-?[0-9][0-9,]*(\.[0-9]+)?")


def spreadsheet_safe(cell):
    """A text cell that a spreadsheet would run as a formula, made plain text with a leading apostrophe.

    A plain negative number ("-3") is left alone: it is a number, not a formula.
    """
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def undo_spreadsheet_safe(text: str) -> str:
    """Undo `spreadsheet_safe` on an imported identifier, so an export re-imports as it was."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def neutralise_formulae(dataset: tablib.Dataset) -> None:
    for index, row in enumerate(dataset):
        dataset[index] = [spreadsheet_safe(cell) for cell in row]


class _FormulaSafe:
    """Neutralises every text cell on export, whatever IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT says.

    import-export 4.4's own escaping (that setting) only strips one leading "=" (so "==1+1" is still a
    formula), ignores + - @, and turns every cell into text, blank ones into "None".
    """

    def export_data(self, dataset, **kwargs):
        neutralise_formulae(dataset)
        return super().export_data(dataset, **kwargs)

    def _escape_formulae(self, dataset):
        """Already done, better, in export_data."""


class SafeCSV(_FormulaSafe, base_formats.CSV):
    pass


class SafeXLSX(_FormulaSafe, base_formats.XLSX):
    pass


def cell_text(raw) -> str:
    return "" if raw is None else " ".join(str(raw).split())


def plain_number(number: Decimal) -> str:
    """1350.0000 as "1350", 62.5000 as "62.5": what people type, and what re-imports exactly."""
    return format(number.normalize(), "f")


def parse_number(raw, column: str, example: str = "42") -> Decimal | None:
    """A number as people type or spreadsheets store it; None for a blank cell. `example` is a number
    that fits the column, for the message about one that does not."""
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, int | float | Decimal):
        number = Decimal(str(raw))
        if not number.is_finite():
            raise ValueError(f"The {column} must be a number, like {example}, not {raw!r}.")
        return number
    text = str(raw).strip()
    try:
        return typed_number(text.removesuffix("%"))
    except NotANumber as refused:
        why = f": {refused.why}" if refused.why else ""
        raise ValueError(f"The {column} must be a number, like {example}, not {text!r}{why}.") from None


def table(rows) -> tablib.Dataset:
    """The first row as headers and at most MAX_ROWS rows below it, blank rows skipped: what an admin
    import previews. Refuses more rows, rows below MAX_SHEET_ROWS, or a cell over MAX_CELL_CHARS."""
    rows = iter(rows)
    header = list(next(rows, None) or ())
    while header and header[-1] in (None, ""):
        header.pop()
    if not header:
        raise RefusedFile("The first row is empty: it must name the columns.")
    data = tablib.Dataset(headers=[cell_text(cell) for cell in header])
    for number, row in enumerate(rows, start=2):
        if number > MAX_SHEET_ROWS:
            raise RefusedFile(
                f"The sheet has rows below row {MAX_SHEET_ROWS:,}: delete them (they may look empty) or "
                "import the rows in several files."
            )
        cells = [*row[: len(header)], *[None] * (len(header) - len(row))]
        if all(cell in (None, "") for cell in cells):
            continue
        if len(data) == MAX_ROWS:
            raise RefusedFile(
                f"The file has more than {MAX_ROWS:,} rows: import at most {MAX_ROWS:,} at a time, in "
                "several files."
            )
        if any(isinstance(cell, str) and len(cell) > MAX_CELL_CHARS for cell in cells):
            raise RefusedFile(f"Row {number} has a cell over {MAX_CELL_CHARS:,} characters.")
        data.append(cells)
    return data


class GuardedCSV(base_formats.CSV):
    def create_dataset(self, in_stream):
        text = check_csv(in_stream)
        try:
            return table(csv_rows(text))
        except csv.Error as error:
            raise RefusedFile(f"The file is not readable CSV: {error}.") from None


class GuardedXLSX(base_formats.XLSX):
    def create_dataset(self, in_stream):
        check_xlsx(in_stream)
        with opened_workbook(in_stream) as book:
            try:
                return table(sheet_rows(book.worksheets[0]))
            except RefusedFile:
                raise
            except Exception as error:  # openpyxl's grab-bag for a broken sheet
                raise RefusedFile(UNREADABLE_WORKBOOK) from error


class GuardedImportForm(ImportForm):
    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB, the largest accepted: "
                "import it in several smaller files."
            )
        return upload


class SpreadsheetAdmin(ImportExportModelAdmin):
    """Import CSV or XLSX through the upload guards; export them with every text cell that a spreadsheet
    would run as a formula neutralised, and numbers kept as numbers."""

    import_formats = [GuardedCSV, GuardedXLSX]
    export_formats = [SafeCSV, SafeXLSX]
    import_form_class = GuardedImportForm

    def add_data_read_fail_error_to_form(self, form, e):
        # A refusal says what is wrong in plain English; import-export's own message names an exception.
        if isinstance(e, RefusedFile):
            form.add_error("import_file", str(e))
        elif isinstance(e, UnicodeDecodeError):
            form.add_error("import_file", 'The file is not UTF-8: in Excel, save it as "CSV UTF-8".')
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def get_export_data(self, file_format, request, queryset, **kwargs):
        # import-export asks for native cell types only for its own XLSX class (an exact type check), so
        # SafeXLSX would write every number as text; ask by what the format is instead.
        if not self.has_export_permission(request):
            raise PermissionDenied
        data = self.get_data_for_export(
            request, queryset, force_native_type=file_format.is_binary(), **kwargs
        )
        exported = file_format.export_data(data)
        encoding = kwargs.get("encoding")
        return exported if file_format.is_binary() or not encoding else exported.encode(encoding)
