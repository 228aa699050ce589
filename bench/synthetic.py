"""How long `manage.py generate_synthetic` takes to fill a fresh database.

    .venv/bin/python bench/synthetic.py [--activities 100000] [--postgres URL]

Migrates a fresh SQLite file (and, with --postgres, a fresh PostgreSQL
database created for the run and dropped after it), runs the generator in a
child process, and records wall time, rows per second and the child's peak
memory in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import ROOT, write_section

PYTHON = sys.executable


def manage(database_url: str, *args: str) -> tuple[float, int]:
    """Run a management command in a child; return its wall time and peak RSS (KiB)."""
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_DEBUG": "1", "RELINT_LOG_LEVEL": "WARNING"}
    env.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
    started = time.perf_counter()
    proc = subprocess.Popen([PYTHON, "manage.py", *args], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed on {database_url}")
    return elapsed, usage.ru_maxrss


def run(label: str, database_url: str, activities: int) -> str:
    manage(database_url, "migrate", "--noinput", "-v0")
    elapsed, rss = manage(database_url, "generate_synthetic", "--activities", str(activities), "--seed", "1")
    return f"| {label} | {activities:,} | {elapsed:.1f} s | {activities / elapsed:,.0f} | {rss / 1024:.0f} MiB |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--postgres", help="a PostgreSQL server URL, e.g. postgres://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(run("SQLite (WAL)", f"sqlite:///{tmp}/bench.sqlite3", args.activities))
    if args.postgres:
        import psycopg

        name = f"relint_bench_{os.getpid()}"
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            base = args.postgres.rsplit("/", 1)[0]
            rows.append(run("PostgreSQL", f"{base}/{name}", args.activities))
        finally:
            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    command = "bench/synthetic.py --activities {}{}".format(args.activities, " --postgres URL" if args.postgres else "")
    body = f"""## Synthetic data (`generate_synthetic`)

`.venv/bin/python {command}`: a fresh database, migrated, then filled with
synthetic activities and their linked rows (departments, countries, SDGs,
partner cities and organisations, funding lines) by bulk inserts. Wall
time includes the generator's start-up, not the migration.

| database | activities | wall time | activities/s | peak memory |
| --- | ---: | ---: | ---: | ---: |
""" + "\n".join(rows)
    write_section("synthetic", body)
    print("\n".join(rows))


if __name__ == "__main__":
    main()
