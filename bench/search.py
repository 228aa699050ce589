"""The staff text search on PostgreSQL with and without its trigram indexes
(decisions.md, entry 29).

    .venv/bin/python bench/search.py [--activities 100000] [--postgres URL]

Creates a fresh PostgreSQL database (`relint_bench_search`, dropped and
created again), migrates it (which builds the indexes), adds the test
personas and N synthetic activities, ANALYZEs the table, then times the
search as the workspace runs it (`activity_list` with a text filter: its
first page of 25 and its count) for a rare word, a common word and a word
that matches nothing: the median of 7 runs, with the indexes, then without
them (dropped inside a transaction that is rolled back). Writes its section
of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_section
from _server import PYTHON, ROOT, SERVER_ENV, manage

WORDS = ("agricoltura", "Mediterraneo", "zzzz")
CHILD = r"""
import json, statistics, sys, time
import django
django.setup()
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from relint.activities.selectors import ActivityFilters, activity_list

user = get_user_model().objects.get(username="coordinator")
words = sys.argv[1:]

def timed(word):
    runs = []
    for _ in range(7):
        started = time.perf_counter()
        queryset = activity_list(user, ActivityFilters(text=word))
        list(queryset[:25])
        count = queryset.count()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs) * 1000, count

with connection.cursor() as cursor:
    cursor.execute("ANALYZE activities_activity")
result = {"with": {word: timed(word) for word in words}}
with transaction.atomic():
    with connection.cursor() as cursor:
        for column in ("title_it", "title_en", "description_it", "description_en"):
            cursor.execute(f'DROP INDEX "activities_{column}_trgm"')
    result["without"] = {word: timed(word) for word in words}
    transaction.set_rollback(True)
print(json.dumps(result))
"""


def main() -> None:
    import json

    import psycopg

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres", help="server URL")
    parser.add_argument("--database", default="relint_bench_search")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if args.database in ("test", "postgres") or not re.fullmatch(r"[a-z0-9_]+", args.database):
        raise SystemExit(f"Refusing to (re)create the database {args.database!r}.")
    with psycopg.connect(args.postgres, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{args.database}"')
    url = f"{args.postgres.rsplit('/', 1)[0]}/{args.database}"
    env = {**os.environ, **SERVER_ENV, "DATABASE_URL": url}
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "shell", "--no-imports", "-c", "from relint.core.testing import make_personas; make_personas()")
    started = time.monotonic()
    manage(env, "generate_synthetic", "--activities", str(args.activities), "--seed", "1", quiet=True)
    built = time.monotonic() - started
    load = os.getloadavg()
    out = subprocess.run(
        [PYTHON, "-c", CHILD, *WORDS], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    result = json.loads(out.strip().splitlines()[-1])
    lines = [
        "## Staff text search with and without trigram indexes (bench/search.py)",
        "",
        f"{args.activities:,} synthetic activities in a fresh PostgreSQL database (built in {built:.0f} s), "
        "the search as the workspace runs it (`activity_list` with a text filter: its first page of 25 and its "
        "count, as the coordinator), median of 7 runs; then the same with the four trigram indexes dropped "
        f"(in a transaction rolled back). Load average before: {load[0]:.2f}.",
        "",
        f"Command: `.venv/bin/python bench/search.py --activities {args.activities}`",
        "",
        "| word | matches | with the indexes | without |",
        "| --- | ---: | ---: | ---: |",
    ]
    for word in WORDS:
        (with_ms, count), (without_ms, _count) = result["with"][word], result["without"][word]
        lines.append(f"| {word} | {count:,} | {with_ms:.1f} ms | {without_ms:.1f} ms |")
    lines += [
        "",
        "A word that few activities hold is answered from the indexes; for one that thousands hold the indexes "
        "do not help and may cost a little (the time goes into reading, sorting and counting the matches).",
    ]
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        write_section("search", body)


if __name__ == "__main__":
    main()
