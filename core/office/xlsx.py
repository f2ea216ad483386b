"""Excel workbooks in and out (.xlsx through openpyxl): typed columns written as real numbers
and dates with Excel number formats, and workbooks read back defensively.

Writing: a frozen header row, a filter on it, column widths that fit the content, and text
that Excel must never run as a formula (a cell starting with = + - @) kept as plain text with
the quote prefix Excel itself uses. Reading: the size and the zip are checked before openpyxl
opens anything, so a file that is not Excel, or a zip bomb, gets a message instead of a crash.
"""
from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from core.format import fmt_number, is_missing
from core.i18n import t

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Kind = Literal["text", "int", "decimal", "percent", "date", "bool"]

# Excel number formats; Excel shows them with the reader's separators (4.850; 102,1%).
NUMBER_FORMATS: dict[str, str] = {
    "int": "#,##0",
    "decimal": "#,##0.0",
    "percent": "0.0%",
    "date": "dd/mm/yyyy",
}
FORMULA_STARTS = ("=", "+", "-", "@")
MIN_WIDTH, MAX_WIDTH = 8, 60
# A sheet unpacks to far more than the file weighs, but not a thousand times more; and never,
# whatever the upload limit is set to, to more than a server should hold for one import.
MAX_UNPACKED_RATIO = 100
MAX_UNPACKED_BYTES = 60_000_000
HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")
# What one import reads at most: a sheet declaring more (openpyxl would pad every row to the
# declared width: "A1:XFD1048576" is 17 billion cells from a 5 KB file) is refused before a row is
# read, and one that declares nothing is read row by row only up to these limits.
MAX_ROWS = 50_000  # the header included; a province's candidates fit in one file
MAX_COLUMNS = 100  # the candidate list has fewer than 40


@dataclass(frozen=True)
class Column:
    """A column of a sheet: its Vietnamese header, the kind of value, and (for a template)
    the values a person may choose from, offered as a drop-down list."""

    header: str
    kind: Kind = "text"
    choices: tuple[str, ...] = ()
    number_format: str | None = None  # instead of the kind's own (e.g. "0.00%")


@dataclass(frozen=True)
class Sheet:
    """One worksheet: title, columns and rows (one value per column, None for empty)."""

    title: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[object]]


def _cell_value(value: object, kind: Kind) -> object:
    """The value as Excel should hold it: numbers and dates stay numbers and dates."""
    if is_missing(value):
        return None
    if kind == "percent":
        return float(value) / 100  # the figures are percentages already multiplied by 100
    if kind == "int":
        return int(value)
    if kind == "decimal":
        return float(value)
    if kind == "date":
        return value.date() if isinstance(value, datetime) else value
    if kind == "bool":
        return t("xlsx.yes") if value else t("xlsx.no")
    return str(value)


def _shown_length(value: object, kind: Kind) -> int:
    if value is None:
        return 0
    if kind == "date":
        return 10
    if kind in ("int", "decimal"):
        return len(f"{value:,.1f}")
    if kind == "percent":
        return len(f"{value:.1%}")
    return max(len(line) for line in str(value).splitlines() or [""])


def write_text_cell(sheet: Worksheet, row: int, column: int, text: str) -> None:
    """Write text that Excel shows as typed and never evaluates, whatever it starts with."""
    cell = sheet.cell(row=row, column=column)
    cell.value = text
    cell.data_type = "s"  # openpyxl would store "=..." as a formula
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True  # what Excel itself sets for text typed after an apostrophe


def _fill(sheet: Worksheet, spec: Sheet) -> None:
    widths = [len(c.header) for c in spec.columns]
    for col, column in enumerate(spec.columns, start=1):
        cell = sheet.cell(row=1, column=col, value=column.header)
        cell.data_type = "s"
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for r, values in enumerate(spec.rows, start=2):
        for col, (column, raw) in enumerate(zip(spec.columns, values), start=1):
            value = _cell_value(raw, column.kind)
            if value is None:
                continue
            if isinstance(value, str):
                write_text_cell(sheet, r, col, value)
            else:
                cell = sheet.cell(row=r, column=col, value=value)
                cell.number_format = column.number_format or NUMBER_FORMATS[column.kind]
            widths[col - 1] = max(widths[col - 1], _shown_length(value, column.kind))
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = min(MAX_WIDTH, max(MIN_WIDTH, width + 2))
    sheet.freeze_panes = "A2"
    last = get_column_letter(max(1, len(spec.columns)))
    sheet.auto_filter.ref = f"A1:{last}{max(1, len(spec.rows) + 1)}"


def _choice_lists(book: Workbook, sheet: Worksheet, spec: Sheet, lists_title: str) -> None:
    """Drop-down lists for the columns with choices, their values on a sheet of their own."""
    chosen = [(i, c) for i, c in enumerate(spec.columns, start=1) if c.choices]
    if not chosen:
        return
    lists = book.create_sheet(lists_title)
    for n, (col, column) in enumerate(chosen, start=1):
        lists.cell(row=1, column=n, value=column.header).font = Font(bold=True)
        for r, choice in enumerate(column.choices, start=2):
            write_text_cell(lists, r, n, choice)
        letter = get_column_letter(n)
        lists.column_dimensions[letter].width = min(MAX_WIDTH, max(len(x) for x in (column.header, *column.choices)) + 2)
        validation = DataValidation(
            type="list", formula1=f"'{lists_title}'!${letter}$2:${letter}${len(column.choices) + 1}", allow_blank=True
        )
        target = get_column_letter(col)
        validation.add(f"{target}2:{target}5000")
        sheet.add_data_validation(validation)


def workbook_bytes(sheets: Iterable[Sheet], *, title: str = "", lists_title: str | None = None) -> bytes:
    """An .xlsx file holding the sheets, in order, `title` in its properties; with
    `lists_title`, the columns that have choices get drop-down lists (for import templates)."""
    book = Workbook()
    book.remove(book.active)
    book.properties.title = title
    for spec in sheets:
        sheet = book.create_sheet(spec.title[:31])  # Excel's limit on sheet names
        _fill(sheet, spec)
        if lists_title:
            _choice_lists(book, sheet, spec, lists_title)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class WorkbookError(ValueError):
    """An uploaded file that cannot be read as an Excel workbook (message in Vietnamese)."""


OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old .xls format
# An .xlsx with a password is an OLE2 file too, holding the encrypted workbook beside this stream.
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")


def read_first_sheet(data: bytes, *, file_name: str, max_bytes: int) -> list[tuple[object, ...]]:
    """The rows of the first worksheet (values as Excel stores them, formulas as their last
    computed value), or WorkbookError saying why the file cannot be read."""
    if not data:
        raise WorkbookError(t("import.empty_file", name=file_name))
    if len(data) > max_bytes:
        raise WorkbookError(t("import.too_large", name=file_name, size=_megabytes(len(data)), limit=_megabytes(max_bytes)))
    if data.startswith(OLE2_SIGNATURE):
        key = "import.encrypted" if ENCRYPTION_STREAM in data else "import.old_excel"
        raise WorkbookError(t(key, name=file_name))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise WorkbookError(t("import.not_excel", name=file_name)) from None
    unpacked_limit = min(MAX_UNPACKED_RATIO * max_bytes, MAX_UNPACKED_BYTES)
    if unpacked > unpacked_limit:
        raise WorkbookError(t("import.unpacks_too_large", name=file_name, size=_megabytes(unpacked),
                              limit=_megabytes(unpacked_limit)))
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a zip that is not a workbook
        raise WorkbookError(t("import.not_excel", name=file_name)) from None
    try:
        return _limited_rows(book.worksheets[0], file_name) if book.worksheets else []
    except WorkbookError:
        raise
    except (ArithmeticError, ValueError, TypeError):  # a number cell holding "nan", or 5.000 digits
        raise WorkbookError(t("import.unreadable_cell", name=file_name)) from None
    finally:
        book.close()


def _limited_rows(sheet, file_name: str) -> list[tuple[object, ...]]:
    """The sheet's rows, refused (WorkbookError) past MAX_ROWS or MAX_COLUMNS: first by the size
    the sheet declares, then, with that size forgotten, row by row as they are read."""
    declared_rows, declared_columns = sheet.max_row or 0, sheet.max_column or 0
    _check_size(declared_rows, declared_columns, file_name)
    sheet.reset_dimensions()  # rows as stored, not padded to a declared width
    rows = []
    try:
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            _check_size(number, len(row), file_name)
            rows.append(tuple(row))
    except (WorkbookError, ArithmeticError, ValueError, TypeError):  # told by the caller
        raise
    except Exception:  # a damaged sheet inside a sound zip: openpyxl raises many kinds
        raise WorkbookError(t("import.unreadable", name=file_name)) from None
    return rows


def _check_size(rows: int, columns: int, file_name: str) -> None:
    if rows > MAX_ROWS:
        raise WorkbookError(t("import.too_many_rows", name=file_name, rows=fmt_number(rows), limit=fmt_number(MAX_ROWS)))
    if columns > MAX_COLUMNS:
        raise WorkbookError(t("import.too_many_columns", name=file_name, columns=fmt_number(columns),
                              limit=fmt_number(MAX_COLUMNS)))


def _megabytes(size: int) -> str:
    return fmt_number(size / 1_000_000, 1)


def as_date(value: object) -> date | None:
    """A cell's value as a date when Excel holds one (None otherwise)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None
