"""Benchmark of the annual report: the whole pipeline against the bare Typst
compile, on synthetic data (`manage.py generate_synthetic`).

For each N it builds a fresh SQLite database with N activities of one year,
then, each run in a fresh process (so peak memory is that run's):

* pipeline: `report_data` + charts and map + JSON + Typst compile + page count;
* bare: the Typst compile alone, of the same prepared JSON;
* optionally the bare compile with another typst version (`--other-python`,
  a virtual environment holding only that `typst`), for the version choice.

    .venv/bin/python bench/report.py --sizes 200 1000 --runs 3
    .venv/bin/python bench/report.py --sizes 5000 --runs 1 --other-python /tmp/typst15/bin/python

It prints a Markdown table; `--write` appends it to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2025

# Run by the other typst version's interpreter: only `typst` is there.
OTHER_COMPILE = """
import json, resource, sys, time, typst
template, fonts, document = sys.argv[1], sys.argv[2], open(sys.argv[3], encoding="utf-8").read()
started = time.perf_counter()
pdf = typst.compile(template, root=str(__import__("pathlib").Path(template).parent), font_paths=[fonts],
                    ignore_system_fonts=True, sys_inputs={"data": document}, pdf_standards=["ua-1"])
seconds = time.perf_counter() - started
try:
    typst.compile(template, root=str(__import__("pathlib").Path(template).parent), font_paths=[fonts],
                  ignore_system_fonts=True, sys_inputs={"data": document}, pdf_standards=["a-2a", "ua-1"])
    both = "yes"
except Exception as exc:
    both = str(exc)[:120]
print(json.dumps({"seconds": seconds, "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "version": typst.__version__, "a2a_with_ua1": both}))
"""


def _env(data_dir: Path) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "RELINT_DATA_DIR": str(data_dir),
            "DATABASE_URL": f"sqlite:///{data_dir / 'relint.sqlite3'}",
            "DJANGO_DEBUG": "1",
            "DJANGO_SECRET_KEY": env.get("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789abcdefghij"),
            "RELINT_LOG_LEVEL": "WARNING",
        }
    )
    return env


def _run(args: list[str], env: dict) -> str:
    result = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def child(mode: str, document_path: str) -> None:
    """One measured run, in this fresh process."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()
    from relint.reports.fonts import font_directory
    from relint.reports.render import compile_pdf, page_count, typst_input, with_figures
    from relint.reports.selectors import report_data

    if mode == "pipeline":
        started = time.perf_counter()
        data = report_data(year=YEAR, language="it")
        document = typst_input(with_figures(data))
        pdf = compile_pdf(document)
        pages = page_count(pdf)
        seconds = time.perf_counter() - started
        Path(document_path).write_text(document, encoding="utf-8")
        extra = {
            "pages": pages,
            "activities": data["counts"]["activities"],
            "bytes": len(pdf),
            "fonts": font_directory(),
        }
    else:
        document = Path(document_path).read_text(encoding="utf-8")
        started = time.perf_counter()
        compile_pdf(document)
        seconds = time.perf_counter() - started
        extra = {}
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "maxrss_kb": maxrss, **extra}))


def measure(size: int, runs: int, other_python: str | None, base: Path) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix=f"relint-bench-{size}-"))
    shutil.copy(base / "relint.sqlite3", data_dir / "relint.sqlite3")
    env = _env(data_dir)
    python = sys.executable
    _run(
        [python, "manage.py", "generate_synthetic", "--activities", str(size), "--years", "1", "--year", str(YEAR)], env
    )
    document = data_dir / "document.json"
    me = str(Path(__file__).resolve())
    pipeline = [json.loads(_run([python, me, "--child", "pipeline", str(document)], env)) for _ in range(runs)]
    bare = [json.loads(_run([python, me, "--child", "bare", str(document)], env)) for _ in range(runs)]
    row = {
        "size": size,
        "activities": pipeline[0]["activities"],
        "pages": pipeline[0]["pages"],
        "pipeline_s": statistics.median(r["seconds"] for r in pipeline),
        "pipeline_mb": max(r["maxrss_kb"] for r in pipeline) / 1024,
        "bare_s": statistics.median(r["seconds"] for r in bare),
        "bare_mb": max(r["maxrss_kb"] for r in bare) / 1024,
    }
    if other_python:
        fonts = pipeline[-1]["fonts"]
        template = str(ROOT / "relint" / "reports" / "typst" / "report.typ")
        other = [
            json.loads(_run([other_python, "-c", OTHER_COMPILE, template, fonts, str(document)], env))
            for _ in range(runs)
        ]
        row.update(
            {
                "other_version": other[0]["version"],
                "other_s": statistics.median(r["seconds"] for r in other),
                "other_mb": max(r["maxrss_kb"] for r in other) / 1024,
                "other_a2a_with_ua1": other[0]["a2a_with_ua1"],
            }
        )
    shutil.rmtree(data_dir, ignore_errors=True)
    return row


def table(rows: list[dict], runs: int, command: str) -> str:
    import typst

    other = next((r["other_version"] for r in rows if "other_version" in r), None)
    head = (
        "| N generated | activities in the report | pages | pipeline (s) | peak MB | "
        f"bare compile typst {typst.__version__} (s) | peak MB | pipeline / bare |"
    )
    rule = "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    if other:
        head += f" bare compile typst {other} (s) | peak MB |"
        rule += " ---: | ---: |"
    lines = [head, rule]
    for r in rows:
        line = (
            f"| {r['size']:,} | {r['activities']:,} | {r['pages']:,} | {r['pipeline_s']:.2f} | {r['pipeline_mb']:.0f} "
            f"| {r['bare_s']:.2f} | {r['bare_mb']:.0f} | {r['pipeline_s'] / r['bare_s']:.2f} |"
        )
        if other:
            line += f" {r['other_s']:.2f} | {r['other_mb']:.0f} |"
        lines.append(line)
    notes = [
        "",
        f"Median of {runs} run(s), each in a fresh process; peak memory is the largest maximum resident set. "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs (shared with other work while measured).",
        f"Command: `{command}`",
    ]
    for r in rows:
        if "other_a2a_with_ua1" in r:
            notes.append(
                f"typst {r['other_version']} accepting PDF/A-2a together with PDF/UA-1: {r['other_a2a_with_ua1']}"
            )
            break
    return "\n".join(lines + notes) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000, 5000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--other-python", help="Interpreter of a virtual environment with another typst version.")
    parser.add_argument("--write", action="store_true", help="Append the table to docs/benchmarks.md.")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "DOCUMENT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    base = Path(tempfile.mkdtemp(prefix="relint-bench-base-"))
    _run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], _env(base))
    rows = [measure(size, args.runs, args.other_python, base) for size in args.sizes]
    shutil.rmtree(base, ignore_errors=True)
    command = "python bench/report.py " + " ".join(sys.argv[1:])
    text = table(rows, args.runs, command)
    print(text)
    if args.write:
        with (ROOT / "docs" / "benchmarks.md").open("a", encoding="utf-8") as out:
            out.write(f"\n### Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n\n{text}")


if __name__ == "__main__":
    main()
