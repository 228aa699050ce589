"""Reading uploaded spreadsheets safely: XLSX and CSV files become sheets of
rows of raw cell values, or a `FileRefusedError` that says why in words.

Everything that can hurt is checked before a parser sees the bytes:

* the size of the upload;
* for XLSX, the archive's directory: the number of entries, their declared
  unpacked sizes and compression ratios (a zip bomb is refused in under a
  millisecond, where openpyxl would burn half a minute of CPU on it), macro
  parts, and a DTD in any XML part (XXE, billion laughs);
* for CSV, the encoding: strict UTF-8 first, then UTF-16 (with its BOM) and
  cp1252, and the decision is reported, never guessed by a library;
* while rows stream: the row cap, the length of each cell and NUL characters.

openpyxl's read-only mode trusts a sheet's `<dimension>` and would stop at the
row it declares: the dimensions are reset so that every row is read.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

# How much of an XML part's beginning is read to find its root element.
_PROLOG_BYTES = 64 * 1024


def limit(name: str) -> int:
    """One of the RELINT_IMPORT_* limits of config/settings.py (the tests lower them)."""
    return getattr(settings, f"RELINT_IMPORT_{name}")


class FileRefusedError(Exception):
    """The file cannot be read at all; the message says why, for a person."""


@dataclass
class CellProblem:
    sheet: str
    row: int
    column: str
    message: str


@dataclass
class Sheet:
    name: str
    rows: Iterator[tuple[int, list]]
    # Problems found while streaming (too long, NUL): reported per cell.
    problems: list[CellProblem] = field(default_factory=list)


@dataclass
class Source:
    """An opened file: its format, what was decided about it, and its sheets."""

    file_format: str
    encoding_note: str
    sheets: list[Sheet]
    _workbook: object = None

    def close(self) -> None:
        if self._workbook is not None:
            self._workbook.close()


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def open_source(content: bytes, filename: str) -> Source:
    """Check `content` and open it as XLSX or CSV; raise `FileRefusedError` if it
    cannot be read safely."""
    if not content:
        raise FileRefusedError(_("The file is empty (0 bytes)."))
    if len(content) > limit("MAX_UPLOAD_BYTES"):
        raise FileRefusedError(
            _("The file is %(size)s bytes; the limit is %(limit)s bytes.")
            % {
                "size": f"{len(content):,}".replace(",", "."),
                "limit": f"{limit('MAX_UPLOAD_BYTES'):,}".replace(",", "."),
            }
        )
    name = filename.lower()
    is_zip = content[:4] == b"PK\x03\x04"
    if name.endswith((".xlsm", ".xltm", ".xlsb")):
        raise FileRefusedError(_("Macro-enabled and binary workbooks are not accepted: save the file as .xlsx."))
    if name.endswith(".xls") or content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileRefusedError(_("This is an old Excel 97-2003 (.xls) file: save it as .xlsx and upload it again."))
    if name.endswith(".xlsx"):
        if not is_zip:
            if content[:2] == b"PK":
                raise FileRefusedError(_("The workbook is damaged or truncated: it is not a complete XLSX archive."))
            raise FileRefusedError(
                _(
                    "The file is named .xlsx but is not a workbook (it looks like text, perhaps a CSV): "
                    "save it as .xlsx from your spreadsheet program, or name it .csv."
                )
            )
        return _open_xlsx(content)
    if name.endswith((".csv", ".txt")):
        if is_zip:
            raise FileRefusedError(
                _("The file is named .csv but is a ZIP archive (perhaps a workbook): name it .xlsx.")
            )
        return _open_csv(content)
    raise FileRefusedError(_("Upload an .xlsx workbook or a .csv file."))


# --- XLSX -------------------------------------------------------------------------
_MACRO_MARKERS = (b"macroEnabled", b"vbaProject", b"vbaData")
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _check_archive(archive: zipfile.ZipFile) -> None:
    entries = archive.infolist()
    if len(entries) > limit("MAX_ZIP_ENTRIES"):
        raise FileRefusedError(
            _("The workbook holds %(count)d parts; at most %(limit)d are accepted.")
            % {"count": len(entries), "limit": limit("MAX_ZIP_ENTRIES")}
        )
    total = 0
    for entry in entries:
        total += entry.file_size
        ratio = entry.file_size / max(entry.compress_size, 1)
        if ratio > limit("MAX_COMPRESSION_RATIO") and entry.file_size > 1024 * 1024:
            raise FileRefusedError(
                _(
                    "The workbook is compressed %(ratio)d times (part %(part)s): "
                    "it looks like a zip bomb and was refused."
                )
                % {"ratio": ratio, "part": entry.filename}
            )
        lower = entry.filename.lower()
        if lower.endswith(".bin") and "vba" in lower:
            raise FileRefusedError(_("The workbook contains macros: save it as a plain .xlsx workbook without macros."))
    if total > limit("MAX_UNPACKED_BYTES"):
        raise FileRefusedError(
            _("Unpacked, the workbook would take %(size)d MB; the limit is %(limit)d MB.")
            % {"size": total // (1024 * 1024), "limit": limit("MAX_UNPACKED_BYTES") // (1024 * 1024)}
        )
    names = {entry.filename for entry in entries}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise FileRefusedError(_("The archive is not an Excel workbook (its workbook part is missing)."))
    content_types = archive.read("[Content_Types].xml")
    if any(marker in content_types for marker in _MACRO_MARKERS):
        raise FileRefusedError(_("The workbook contains macros: save it as a plain .xlsx workbook without macros."))
    for entry in entries:
        if entry.filename.endswith((".xml", ".rels", ".vml")):
            _check_prolog(archive, entry)


def _check_prolog(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> None:
    """Refuse an XML part that declares a DTD.

    A DTD may only appear before the root element, so reading up to the first
    element is enough; no part of a genuine workbook has one, and it is what
    XXE and billion-laughs attacks need.
    """
    with archive.open(entry) as stream:
        head = stream.read(_PROLOG_BYTES)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="replace").encode("utf-8")
    head = head.replace(b"\x00", b"")
    # Everything before the first element: declarations, comments, a DTD.
    root = re.search(rb"<[A-Za-z_]", head)
    prolog = head if root is None else head[: root.start()]
    if _DOCTYPE.search(prolog):
        raise FileRefusedError(
            _("Part %(part)s of the workbook declares a DTD (XML entities), which is refused for safety.")
            % {"part": entry.filename}
        )


def _open_xlsx(content: bytes) -> Source:
    import openpyxl

    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        _check_archive(archive)
    except zipfile.BadZipFile as error:
        raise FileRefusedError(_("The workbook is damaged or truncated: it is not a complete XLSX archive.")) from error
    except (zipfile.LargeZipFile, NotImplementedError, EOFError, OSError) as error:
        raise FileRefusedError(_("The workbook is damaged or uses an unsupported compression.")) from error
    try:
        # data_only: a formula cell gives the value cached by the program that
        # saved it; nothing is ever evaluated here.
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True, keep_links=False)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise FileRefusedError(_("The workbook cannot be read: %(error)s") % {"error": str(error)[:200]}) from error
    sheets = []
    for worksheet in workbook.worksheets:
        # Read-only mode stops at the row that <dimension> declares, which a
        # program may have left stale: forget it and read every row.
        worksheet.reset_dimensions()
        sheet = Sheet(name=worksheet.title, rows=iter(()))
        sheet.rows = _xlsx_rows(worksheet, sheet)
        sheets.append(sheet)
    return Source(file_format="xlsx", encoding_note="", sheets=sheets, _workbook=workbook)


def _xlsx_rows(worksheet, sheet: Sheet) -> Iterator[tuple[int, list]]:
    cap = limit("MAX_ROWS")
    max_chars = limit("MAX_CELL_CHARS")
    try:
        for number, row in enumerate(worksheet.iter_rows(values_only=True), start=1):
            if number > cap + 1:  # + the header row
                raise FileRefusedError(
                    _("Sheet “%(sheet)s” has more than %(cap)d rows; split the file.")
                    % {"sheet": sheet.name, "cap": cap}
                )
            values = list(row)
            for index, value in enumerate(values):
                if isinstance(value, str):
                    values[index] = _check_text(sheet, number, index, value, max_chars)
            yield number, values
    except FileRefusedError:
        raise
    except Exception as error:
        raise FileRefusedError(
            _("Sheet “%(sheet)s” cannot be read: %(error)s") % {"sheet": sheet.name, "error": str(error)[:200]}
        ) from error


def _check_text(sheet: Sheet, number: int, index: int, value: str, max_chars: int) -> str:
    if "\x00" in value:
        sheet.problems.append(
            CellProblem(sheet.name, number, column_letter(index), _("The cell contains a NUL character."))
        )
        return value.replace("\x00", "")
    if len(value) > max_chars:
        sheet.problems.append(
            CellProblem(
                sheet.name,
                number,
                column_letter(index),
                _("The cell holds %(length)d characters; at most %(limit)d are accepted.")
                % {"length": len(value), "limit": max_chars},
            )
        )
        return value[:max_chars]
    return value


# --- CSV ---------------------------------------------------------------------------
def decode_text(content: bytes) -> tuple[str, str]:
    """Decode CSV bytes, returning the text and a note saying what was decided.

    Strict UTF-8 first (with or without a BOM), then UTF-16 when a BOM says so,
    then cp1252 only if every byte is defined there. A guessing library is not
    used: on short Italian text they pick wrong code pages and garble "sì".
    """
    if content.startswith(b"\xef\xbb\xbf"):
        try:
            return content[3:].decode("utf-8"), _("UTF-8 with a byte order mark")
        except UnicodeDecodeError as error:
            raise FileRefusedError(
                _("The file starts as UTF-8 but holds invalid bytes at position %d.") % error.start
            ) from error
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16"), _("UTF-16 (byte order mark found)")
        except UnicodeDecodeError as error:
            raise FileRefusedError(_("The file starts as UTF-16 but cannot be decoded as such.")) from error
    try:
        return content.decode("utf-8"), _("UTF-8")
    except UnicodeDecodeError:
        pass
    # UTF-16 without a BOM: every other byte of ASCII text is zero.
    if len(content) >= 4 and content[1::2].count(0) > len(content) // 4:
        try:
            return content.decode("utf-16-le"), _("UTF-16 little-endian (no byte order mark; zero bytes pattern)")
        except UnicodeDecodeError:
            pass
    try:
        return content.decode("cp1252"), _("Windows-1252 (cp1252): the file is not valid UTF-8")
    except UnicodeDecodeError as error:
        raise FileRefusedError(
            _("The file's encoding is not recognised (not UTF-8, UTF-16 or Windows-1252): save it as UTF-8 CSV.")
        ) from error


def _open_csv(content: bytes) -> Source:
    text, note = decode_text(content)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") and ";" in first_line else ","
    if "\t" in first_line and first_line.count("\t") > max(first_line.count(";"), first_line.count(",")):
        delimiter = "\t"
    names = {";": _("semicolon"), ",": _("comma"), "\t": _("tab")}
    note = _("%(encoding)s; columns separated by %(delimiter)s") % {"encoding": note, "delimiter": names[delimiter]}
    sheet = Sheet(name="CSV", rows=iter(()))
    sheet.rows = _csv_rows(text, delimiter, sheet)
    return Source(file_format="csv", encoding_note=note, sheets=[sheet])


def _csv_rows(text: str, delimiter: str, sheet: Sheet) -> Iterator[tuple[int, list]]:
    cap = limit("MAX_ROWS")
    max_chars = limit("MAX_CELL_CHARS")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, row in enumerate(reader, start=1):
            if number > cap + 1:
                raise FileRefusedError(_("The file has more than %(cap)d rows; split it.") % {"cap": cap})
            yield number, [_check_text(sheet, number, index, value, max_chars) for index, value in enumerate(row)]
    except csv.Error as error:
        raise FileRefusedError(_("The CSV file cannot be read: %(error)s") % {"error": error}) from error
