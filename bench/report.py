"""Benchmark of the annual report: the whole pipeline against the bare Typst
compile, on synthetic data (`manage.py generate_synthetic`).

For each N it builds a fresh SQLite database with N activities of one year,
then, each run in a fresh process (so peak memory is that run's):

* pipeline: `report_data` + glyph check + charts and map + JSON + Typst
  compile + page count (what `render_pdf` does);
* bare: the Typst compile alone, of the same prepared JSON;
* optionally the bare compile with another typst version (`--other-python`,
  a virtual environment holding only that `typst`), for the version choice.

    .venv/bin/python bench/report.py --sizes 200 1000 5000 --runs 3 --write
    /tmp/venv15/bin/python bench/report.py --sizes 5000 --runs 1 --other-python /tmp/venv14/bin/python

It prints a Markdown table; `--write` puts it in its section of
docs/benchmarks.md (`bench/_results.py`), replacing the previous figures.
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

# Run by the other typst version's interpreter: only `typst` is there. A
# refused standard is reported, not timed: the retry in the same process
# would reuse Typst's in-memory cache of the first attempt's layout.
OTHER_COMPILE = """
import json, pathlib, resource, sys, time, typst
template, fonts, document = sys.argv[1], sys.argv[2], open(sys.argv[3], encoding="utf-8").read()
standards = json.loads(sys.argv[4])
started = time.perf_counter()
try:
    typst.compile(template, root=str(pathlib.Path(template).parent), font_paths=[fonts],
                  ignore_system_fonts=True, sys_inputs={"data": document}, pdf_standards=standards)
except Exception as exc:
    refused = str(exc)[:120]
else:
    refused = ""
print(json.dumps({"seconds": time.perf_counter() - started, "version": typst.__version__, "refused": refused,
                  "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
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
    from relint.reports.render import PDF_STANDARDS, check_glyphs, compile_pdf, page_count, typst_input, with_figures
    from relint.reports.selectors import report_data

    # CPU time (all threads) beside wall time: on the shared machine the wall
    # time of the same compile varied from 10 s to 28 s with the others' load.
    if mode == "pipeline":
        started, cpu_started = time.perf_counter(), time.process_time()
        data = report_data(year=YEAR, language="it")
        check_glyphs(data)
        document = typst_input(with_figures(data))
        compile_started = time.perf_counter()
        pdf = compile_pdf(document)
        compile_seconds = time.perf_counter() - compile_started
        pages = page_count(pdf)
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
        Path(document_path).write_text(document, encoding="utf-8")
        extra = {
            "pages": pages,
            "activities": data["counts"]["activities"],
            "bytes": len(pdf),
            "fonts": font_directory(),
            "standards": PDF_STANDARDS,
            "compile_seconds": compile_seconds,
        }
    else:
        document = Path(document_path).read_text(encoding="utf-8")
        started, cpu_started = time.perf_counter(), time.process_time()
        compile_pdf(document)
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
        extra = {}
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu_seconds, "maxrss_kb": maxrss, **extra}))


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
    # Pipeline and bare runs alternate, so that a change in the shared
    # machine's load weighs on both alike (the first pipeline run writes the
    # JSON the bare runs read).
    pipeline, bare = [], []
    for _ in range(runs):
        pipeline.append(json.loads(_run([python, me, "--child", "pipeline", str(document)], env)))
        bare.append(json.loads(_run([python, me, "--child", "bare", str(document)], env)))
    row = {
        "size": size,
        "activities": pipeline[0]["activities"],
        "pages": pipeline[0]["pages"],
        "standards": pipeline[0]["standards"],
        "pipeline_s": statistics.median(r["seconds"] for r in pipeline),
        "pipeline_mb": max(r["maxrss_kb"] for r in pipeline) / 1024,
        "bare_s": statistics.median(r["seconds"] for r in bare),
        "pipeline_cpu": statistics.median(r["cpu_seconds"] for r in pipeline),
        "bare_cpu": statistics.median(r["cpu_seconds"] for r in bare),
        "bare_mb": max(r["maxrss_kb"] for r in bare) / 1024,
    }
    if other_python:
        fonts = pipeline[-1]["fonts"]
        template = str(ROOT / "relint" / "reports" / "typst" / "report.typ")
        standards = pipeline[-1]["standards"]

        def other_run(standards: list[str]) -> dict:
            args = [other_python, "-c", OTHER_COMPILE, template, fonts, str(document), json.dumps(standards)]
            return json.loads(_run(args, env))

        first = other_run(standards)
        refused = first["refused"]
        if refused:
            # That version takes one standard at a time (0.14): time PDF/UA-1.
            standards = ["ua-1"]
            other = [other_run(standards) for _ in range(runs)]
        else:
            other = [first, *(other_run(standards) for _ in range(runs - 1))]
        row.update(
            {
                "other_version": other[0]["version"],
                "other_s": statistics.median(r["seconds"] for r in other),
                "other_mb": max(r["maxrss_kb"] for r in other) / 1024,
                "other_standards": standards,
                "other_refused": refused,
            }
        )
    shutil.rmtree(data_dir, ignore_errors=True)
    return row


def load_average() -> str:
    """`uptime`'s load averages (1, 5, 15 minutes): the machine is shared."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def table(rows: list[dict], runs: int) -> str:
    import typst

    other = next((r for r in rows if "other_version" in r), None)
    head = (
        "| N generated | activities in the report | pages | pipeline (s) | peak MB | "
        f"bare compile typst {typst.__version__} (s) | peak MB | pipeline / bare | CPU s pipeline / bare |"
    )
    rule = "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    if other:
        head += f" bare compile typst {other['other_version']} (s) | peak MB |"
        rule += " ---: | ---: |"
    lines = [head, rule]
    for r in rows:
        line = (
            f"| {r['size']:,} | {r['activities']:,} | {r['pages']:,} | {r['pipeline_s']:.2f} | {r['pipeline_mb']:.0f} "
            f"| {r['bare_s']:.2f} | {r['bare_mb']:.0f} | {r['pipeline_s'] / r['bare_s']:.2f} "
            f"| {r['pipeline_cpu']:.2f} / {r['bare_cpu']:.2f} = {r['pipeline_cpu'] / r['bare_cpu']:.2f} |"
        )
        if other:
            line += f" {r['other_s']:.2f} | {r['other_mb']:.0f} |"
        lines.append(line)
    notes = [
        "",
        f"Median of {runs} run(s), each in a fresh process; peak memory is the largest maximum resident set. "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs (shared with other work while measured).",
        f"PDF standards of the pipeline and the bare compile: {', '.join(rows[0]['standards'])}.",
    ]
    if other:
        notes.append(
            f"typst {other['other_version']} compiled with {', '.join(other['other_standards'])}"
            + (
                f" (it refused {', '.join(rows[0]['standards'])}: {other['other_refused']})"
                if other["other_refused"]
                else ""
            )
            + "."
        )
    return "\n".join(lines + notes) + "\n"


INTRO = """## Annual report (`bench/report.py`)

Synthetic data from `manage.py generate_synthetic --activities N --years 1`
(one year; the generator draws review states, so about 70 % of the
activities are accepted and in the report). "Pipeline" is everything a build
does after start-up: `report_data`, the glyph check, the charts and the map,
the JSON, the Typst compile and the page count. "Bare" is the Typst compile
alone of the same prepared JSON. Each run is a fresh process; peak memory is
its maximum resident set. The machine has 2 cores shared with other
developers' work: the load averages below say how busy it was.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000, 5000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--other-python", help="Interpreter of a virtual environment with another typst version.")
    parser.add_argument("--write", action="store_true", help="Write the table into docs/benchmarks.md.")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "DOCUMENT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    before = load_average()
    base = Path(tempfile.mkdtemp(prefix="relint-bench-base-"))
    _run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], _env(base))
    rows = [measure(size, args.runs, args.other_python, base) for size in args.sizes]
    shutil.rmtree(base, ignore_errors=True)
    command = f"{sys.executable} bench/report.py " + " ".join(sys.argv[1:])
    text = table(rows, args.runs)
    text += (
        f"\nCommand: `{command}`, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
        f"load average (1, 5, 15 min) {before} before, {load_average()} after.\n"
    )
    print(text)
    if args.write:
        from _results import write_section

        write_section("report", INTRO + "\n" + text)


if __name__ == "__main__":
    main()
