"""Benchmark of the partner cities sheet of the import (issue 6).

    DJANGO_SETTINGS_MODULE=config.settings .venv/bin/python bench/import_partners.py [ROWS]

Builds ROWS partner cities (default 500) in a scratch SQLite database and a
workbook with one twinning row for each, then measures the dry run, the
commit (which writes one relation per save, through the registry's
checks) and the dry run of the same file again, with their query counts.
Writes a Markdown table to its section of docs/benchmarks.md, with the
command and the load average (the machine is shared).
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
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
from django.db import connection  # noqa: E402

from bench._results import write_section  # noqa: E402
from relint.exchange.columns import RELATION_COLUMNS  # noqa: E402


def workbook(names: list[str]) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Città partner")
    sheet.append([c.header_it for c in RELATION_COLUMNS])
    for name in names:
        cells = {"city": f"{name} (FR)", "kind": "Gemellaggio", "signed": "15/06/1990", "notes": "Prova"}
        sheet.append([cells.get(c.key) for c in RELATION_COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def timed(call):
    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        start = time.perf_counter()
        result = call()
        elapsed = time.perf_counter() - start
    return result, elapsed, count


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    load_before = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    call_command("migrate", verbosity=0)
    from relint.core.testing import make_personas
    from relint.exchange import services
    from relint.partners.models import CityRelation, PartnerCity

    people = make_personas()
    names = [f"Città di prova {n}" for n in range(rows)]
    PartnerCity.objects.bulk_create(PartnerCity(name_it=name, country_id="FR") for name in names)
    content = workbook(names)

    def check():
        return services.import_run_check(user=people.coordinator, content=content, filename="bench.xlsx")

    run, dry, dry_queries = timed(check)
    assert run.counts["new"] == rows, run.counts
    run, commit, commit_queries = timed(lambda: services.import_run_commit(user=people.coordinator, run=run))
    assert run.state == "committed", run.error
    assert CityRelation.objects.count() == rows
    again, second, second_queries = timed(check)
    assert again.counts["unchanged"] == rows
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    lines = [
        f"Command: `.venv/bin/python bench/import_partners.py {rows}` (a scratch SQLite database; one",
        "twinning row per partner city). Load average before the run (1, 5, 15 min):",
        f"{load_before}; after: {load}.",
        "",
        f"| relations | {rows:,} |",
        "| --- | --- |",
        f"| dry run (new rows) | {dry:.2f} s, {dry_queries:,} queries |",
        f"| commit (plans the file again, then writes) | {commit:.2f} s, {commit_queries:,} queries |",
        f"| dry run of the same file again (all unchanged) | {second:.2f} s, {second_queries:,} queries |",
    ]
    body = "\n".join(lines)
    print(body)
    write_section("import_partners", body)


if __name__ == "__main__":
    main()
