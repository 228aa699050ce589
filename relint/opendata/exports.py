"""Streamed CSV, XLSX and JSON files of flat records, safe against formula
injection.

Every dataset is a queryset and a record function from a model's
`serializers.py`, the same ones the API uses. Rows are read with
`iterator(chunk_size=...)` (prefetches included) and written as they come,
so memory stays flat whatever the number of rows.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator

from django.http import FileResponse, StreamingHttpResponse

CHUNK = 500

# A spreadsheet reads a cell starting with one of these as a formula (or, for
# tab and CR, may shift it into one); such a cell is written with a leading
# apostrophe, which spreadsheets show as plain text.
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A value fit for a spreadsheet cell: lists joined, dangerous text
    defused; numbers and booleans unchanged."""
    if isinstance(value, list):
        value = "; ".join(str(item) for item in value)
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(records: Iterable[dict], header: list[str]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so that spreadsheet programs read UTF-8
    yield writer.writerow(header)
    for record in records:
        yield writer.writerow(["" if record[k] is None else safe_cell(record[k]) for k in header])


def json_stream(records: Iterable[dict]) -> Iterator[str]:
    yield "["
    first = True
    for record in records:
        yield ("" if first else ",") + "\n" + json.dumps(record, ensure_ascii=False)
        first = False
    yield "\n]\n"


def xlsx_file(records: Iterable[dict], header: list[str], title: str):
    """A write-only workbook spooled to a temporary file (openpyxl keeps one
    row at a time in write-only mode). Every text cell is written as a string
    cell, never as a formula, so its text stays exactly as entered."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(header)
    for record in records:
        row = []
        for key in header:
            value = record[key]
            value = "; ".join(str(v) for v in value) if isinstance(value, list) else value
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                # openpyxl would otherwise store "=..." as a live formula.
                cell.data_type = "s"
            row.append(cell)
        sheet.append(row)
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    workbook.save(spool)
    spool.seek(0)
    return spool


def records_of(qs, record: Callable[[object], dict]) -> Iterator[dict]:
    for obj in qs.iterator(chunk_size=CHUNK):
        yield record(obj)


def export_response(qs, record: Callable[[object], dict], fmt: str, name: str, header: list[str] | None = None):
    """The HTTP response with the records of `qs` in `fmt` (csv, xlsx, json).

    `header` defaults to the keys of the first record's serializer output; pass
    it to get a header even for an empty queryset.
    """
    records = records_of(qs, record)
    if header is None:
        first = next(records, None)
        header = list(first) if first else []
        records = _chain(first, records)
    if fmt == "csv":
        response = StreamingHttpResponse(csv_stream(records, header), content_type="text/csv; charset=utf-8")
    elif fmt == "json":
        response = StreamingHttpResponse(json_stream(records), content_type="application/json")
    elif fmt == "xlsx":
        return FileResponse(
            xlsx_file(records, header, name),
            as_attachment=True,
            filename=f"{name}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise ValueError(f"unknown format: {fmt}")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _chain(first, rest):
    if first is not None:
        yield first
    yield from rest


def export_activities(qs, fmt: str, name: str = "activities"):
    """For the staff workspace: any filtered activity queryset, with the
    full flat record (review state included, as staff see it)."""
    from relint.activities.selectors import with_record_data
    from relint.activities.serializers import activity_record

    return export_response(with_record_data(qs), activity_record, fmt, name)
