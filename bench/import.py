"""Benchmark of the spreadsheet import (issue 6).

    DJANGO_SETTINGS_MODULE=config.settings .venv/bin/python bench/import.py [ROWS]

Builds an activities workbook of ROWS rows (default 10,000) in a scratch
SQLite database, then measures: openpyxl's bare read-only read of the file,
the dry run, and the commit; and the peak memory (tracemalloc) of the dry
run at ROWS/10 and ROWS rows, to show whether it stays flat. Prints a
Markdown table and writes it to its section of docs/benchmarks.md, with the
command and the load average (the machine is shared: other people's work
inflates every figure).
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
_scratch = tempfile.mkdtemp(prefix="relint-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_scratch}/bench.sqlite3")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789abcdef0123456789")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_HTTPS", "0")

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.core.management import call_command  # noqa: E402

from bench._results import write_section  # noqa: E402
from relint.exchange.columns import ACTIVITY_COLUMNS  # noqa: E402


def workbook(rows: int) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Attività")
    sheet.append([c.header_it for c in ACTIVITY_COLUMNS])
    for n in range(rows):
        cells = {
            "year": 2025,
            "lead_department": "AMBIENTE",
            "kind": "Progetto europeo",
            "title_it": f"Attività di prova numero {n}",
            "description_it": "Descrizione " * 10,
            "status": "in corso",
            "start": "01/02/2025",
            "end": "2026",
            "countries": "DE; FR",
            "sdgs": "11; 13",
            "funding": "Unione europea | FESR | € 1.234,56",
            "is_public": "sì",
        }
        sheet.append([cells.get(c.key) for c in ACTIVITY_COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def bare_read(content: bytes) -> float:
    start = time.perf_counter()
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    for _row in book.worksheets[0].iter_rows(values_only=True):
        pass
    book.close()
    return time.perf_counter() - start


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    load_before = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    call_command("migrate", verbosity=0)
    from relint.core.testing import make_personas
    from relint.exchange import services

    people = make_personas()
    content = workbook(rows)
    small = workbook(rows // 10)
    bare = min(bare_read(content) for _ in range(3))

    def peak(data: bytes) -> tuple[float, int]:
        tracemalloc.start()
        start = time.perf_counter()
        run = services.import_run_check(user=people.coordinator, content=data, filename="bench.xlsx")
        elapsed = time.perf_counter() - start
        _current, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        run.delete()
        return elapsed, top

    _t, peak_small = peak(small)
    _t, peak_large = peak(content)
    start = time.perf_counter()
    run = services.import_run_check(user=people.coordinator, content=content, filename="bench.xlsx")
    dry = time.perf_counter() - start
    assert run.counts["new"] == rows, run.counts
    start = time.perf_counter()
    run = services.import_run_commit(user=people.coordinator, run=run)
    commit = time.perf_counter() - start
    assert run.state == "committed", run.error
    start = time.perf_counter()
    again = services.import_run_check(user=people.coordinator, content=content, filename="bench.xlsx")
    second = time.perf_counter() - start
    assert again.counts["unchanged"] == rows
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    lines = [
        f"Command: `.venv/bin/python bench/import.py {rows}` (a scratch SQLite database; activities with",
        "countries, SDGs and one funding line each). Load average before the run (1, 5, 15 min):",
        f"{load_before}; after: {load}.",
        "",
        f"| rows | {rows:,} |",
        "| --- | --- |",
        f"| file size | {len(content) / 1024:,.0f} KB |",
        f"| openpyxl bare read-only read | {bare:.2f} s |",
        f"| dry run (new rows) | {dry:.2f} s ({dry / bare:.1f}× the bare read) |",
        f"| commit (plans the file again, then writes) | {commit:.2f} s ({commit / bare:.1f}× the bare read) |",
        f"| dry run of the same file again (all unchanged) | {second:.2f} s ({second / bare:.1f}× the bare read) |",
        f"| peak Python memory of the dry run, {rows // 10:,} rows | {peak_small / 1e6:.1f} MB |",
        f"| peak Python memory of the dry run, {rows:,} rows | {peak_large / 1e6:.1f} MB |",
    ]
    body = "\n".join(lines)
    print(body)
    write_section("import", body)


if __name__ == "__main__":
    main()
