"""Spreadsheet cells in and out: numbers as people type them, and text that never runs as a formula;
the admin base class that imports and exports with both.

import-export's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT strips only one leading "=" (so "==1+1" is
still a formula), ignores + - @, and turns every cell into text; SafeCSV and SafeXLSX do it properly.
"""

import re
from decimal import Decimal

import tablib
from django.core.exceptions import PermissionDenied
from import_export.admin import ImportExportModelAdmin
from import_export.formats import base_formats

from csp.numbers import NotANumber, typed_number

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


def parse_number(raw, column: str) -> Decimal | None:
    """A number as people type or spreadsheets store it; None for a blank cell."""
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, int | float | Decimal):
        number = Decimal(str(raw))
        if not number.is_finite():
            raise ValueError(f"The {column} must be a number, like 42, not {raw!r}.")
        return number
    text = str(raw).strip()
    try:
        return typed_number(text.removesuffix("%"))
    except NotANumber as refused:
        why = f": {refused.why}" if refused.why else ""
        raise ValueError(f"The {column} must be a number, like 42, not {text!r}{why}.") from None


class SpreadsheetAdmin(ImportExportModelAdmin):
    """Import CSV or XLSX; export them with every text cell that a spreadsheet would run as a formula
    neutralised, and numbers kept as numbers."""

    import_formats = [base_formats.CSV, base_formats.XLSX]
    export_formats = [SafeCSV, SafeXLSX]

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
