"""Web benchmark of the public portal.

Builds (once) a SQLite database with the demo data and N synthetic
activities (`manage.py generate_synthetic`), serves relint with gunicorn on
loopback, and loads each page in turn with U concurrent users for D seconds
from a bounded Python load generator (one keep-alive connection per user):
the home page, the activity list with a filter, a partner city's page, the
API's activity list with the same filter, and a trivial Django view as the
framework's floor. Before the load it times each address alone: its first
request (the public cache emptied, so rendered) and the median of 20 more
(served from the cache). It prints, and writes into docs/benchmarks.md (its
own section only), requests per second, p50, p95, p99 and errors for each.

The whole run with the defaults takes about 6 minutes (5 addresses x 63 s,
in rounds of 10 s taken in turn, plus start-up); building the database the
first time adds about 2 minutes.

    .venv/bin/python bench/web.py                       # 100,000 activities, 20 users, 60 s
    .venv/bin/python bench/web.py --activities 5000 --duration 10   # a quick try

The load generator runs on the same machine as the server and takes CPU
from it, so the figures are a lower bound of what the server can do.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import ROOT, write_section

PYTHON = sys.executable
WARM_UP = 3.0  # seconds per page before measuring
ROUND = 10.0  # seconds per page in each round


def env_for(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "RELINT_DATA_DIR": str(data_dir),
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789",
            "DJANGO_HTTPS": "0",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_STATIC_MANIFEST": "0",
            "RELINT_LOG_LEVEL": "WARNING",
            # Persistent connections, as docs/deploy.md sets them in production.
            "DATABASE_CONN_MAX_AGE": "60",
        }
    )
    env.pop("DATABASE_URL", None)
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare(data_dir: Path, activities: int, env: dict[str, str]) -> None:
    database = data_dir / "relint.sqlite3"
    marker = data_dir / f"ready-{activities}"
    if marker.exists() and database.exists():
        print(f"Reusing {database} ({activities:,} synthetic activities).")
        # New migrations (indexes) and the cache table, on a reused database too.
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "createcachetable")
        return
    if data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "createcachetable")
    manage(env, "load_demo")
    manage(env, "generate_synthetic", "--activities", str(activities), "--batch-size", "5000")
    marker.touch()


def pick_targets(data_dir: Path) -> dict[str, str]:
    """The addresses to load: the city with most public activities."""
    with sqlite3.connect(data_dir / "relint.sqlite3") as db:
        (uid,) = db.execute(
            "SELECT c.uid FROM partners_partnercity c JOIN activities_activitypartnercity l ON l.city_id = c.id "
            "JOIN activities_activity a ON a.id = l.activity_id "
            "WHERE a.review_state = 'accepted' AND a.is_public GROUP BY c.id ORDER BY COUNT(*) DESC LIMIT 1"
        ).fetchone()
        (year,) = db.execute("SELECT MAX(year) FROM activities_activity").fetchone()
    city = str(uid) if "-" in str(uid) else f"{uid[:8]}-{uid[8:12]}-{uid[12:16]}-{uid[16:20]}-{uid[20:]}"
    return {
        "trivial view (floor)": "/bench/ping/",
        "home page": "/it/",
        "activity list, filtered": f"/it/activities/?year={year - 1}&kind=eu_project",
        "partner city page": f"/it/cities/{city}/",
        "API activity list, filtered": f"/api/v1/activities?year={year - 1}&kind=eu_project",
    }


def empty_cache(data_dir: Path) -> None:
    """Start from an empty public cache, so the first request of each page is
    rendered (the table lives in the benchmark's database and would keep the
    entries of an earlier run)."""
    with sqlite3.connect(data_dir / "relint.sqlite3") as db:
        db.execute("DELETE FROM relint_cache")


def alone(port: int, path: str, repeat: int = 20) -> tuple[float, float]:
    """The first request's time and the median of `repeat` more, one at a time (ms)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    times = []
    for _ in range(repeat + 1):
        started = time.perf_counter()
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"{path} answered {response.status}")
        times.append((time.perf_counter() - started) * 1000)
    connection.close()
    return times[0], statistics.median(times[1:])


def start_server(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    gunicorn = Path(PYTHON).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers), "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/bench/ping/")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.5)
    stop_server(server)
    raise SystemExit("gunicorn did not start")


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def load(port: int, path: str, users: int, duration: float) -> dict:
    """`users` keep-alive connections requesting `path` for `duration` s: the
    latencies of the 200 answers, the errors and the elapsed time."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + duration

    def user() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        failed = 0
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Host": "127.0.0.1"})
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failed += 1
                else:
                    mine.append(time.perf_counter() - started)
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=user) for _ in range(users)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"latencies": latencies, "errors": errors[0], "elapsed": time.monotonic() - began}


def summary(runs: list[dict]) -> dict:
    """One page's figures over all its rounds."""
    latencies = sorted(x for run in runs for x in run["latencies"])
    elapsed = sum(run["elapsed"] for run in runs)

    def percentile(p: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000

    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": percentile(50),
        "p95": percentile(95),
        "p99": percentile(99),
        "mean": statistics.fmean(latencies) * 1000 if latencies else float("nan"),
        "errors": sum(run["errors"] for run in runs),
    }


def table(results: dict[str, dict], floor: str) -> str:
    lines = [
        "| page | alone: first ms | alone: next ms | requests/s | % of floor | p50 ms | p95 ms | p99 ms "
        "| requests | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    base = results[floor]["rps"] or 1
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['first']:.1f} | {r['next']:.1f} | {r['rps']:.1f} | {100 * r['rps'] / base:.0f}% "
            f"| {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | {r['requests']:,} | {r['errors']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--activities", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--data-dir", type=Path, default=ROOT / "var" / "bench-web")
    parser.add_argument("--no-write", action="store_true", help="Print only; leave docs/benchmarks.md alone.")
    args = parser.parse_args()
    if not 1 <= args.users <= 200 or not 1 <= args.duration <= 600:
        raise SystemExit("--users must be 1-200 and --duration 1-600 seconds.")

    env = env_for(args.data_dir)
    prepare(args.data_dir, args.activities, env)
    targets = pick_targets(args.data_dir)
    empty_cache(args.data_dir)
    server = start_server(env, args.port, args.workers)
    results = {}
    load_before = os.getloadavg()
    try:
        single = {name: alone(args.port, path) for name, path in targets.items()}
        for path in targets.values():
            load(args.port, path, args.users, WARM_UP)
        # Round robin: the machine is shared and its load drifts, so every
        # page, the floor included, gets a slice of each stretch of time.
        runs: dict[str, list[dict]] = {name: [] for name in targets}
        rounds = max(1, round(args.duration / ROUND))
        for _ in range(rounds):
            for name, path in targets.items():
                runs[name].append(load(args.port, path, args.users, args.duration / rounds))
        for name, path in targets.items():
            results[name] = r = summary(runs[name])
            r["first"], r["next"] = single[name]
            print(
                f"{name:28} alone {r['first']:6.1f}/{r['next']:5.1f} ms  {r['rps']:8.1f} req/s  "
                f"p50 {r['p50']:7.1f}  p95 {r['p95']:7.1f}  p99 {r['p99']:7.1f} ms  errors {r['errors']}  ({path})"
            )
    finally:
        stop_server(server)
    load_after = os.getloadavg()

    command = (
        f".venv/bin/python bench/web.py --activities {args.activities} --users {args.users} "
        f"--duration {args.duration:g} --workers {args.workers}"
    )
    text = "\n".join(
        [
            "## Public portal under load (bench/web.py)",
            "",
            f"{args.activities:,} synthetic activities plus the demo data, SQLite, gunicorn with {args.workers} "
            f"sync workers on loopback, DEBUG off; {args.users} concurrent users (keep-alive connections) for "
            f"{args.duration:g} s per page in rounds of about {ROUND:g} s taken in turn (so that every page, the "
            f"floor included, meets the same load of the shared machine), after a {WARM_UP:g} s warm-up, from a "
            "Python load generator on the same "
            f"{os.cpu_count()}-core machine (it takes CPU from the server: the figures are a lower bound). "
            "The machine's load average (1, 5, 15 minutes, as `uptime` shows it) was "
            f"{', '.join(f'{x:.2f}' for x in load_before)} before the run and "
            f"{', '.join(f'{x:.2f}' for x in load_after)} after it (other jobs may share its cores).",
            "",
            f"Command: `{command}`",
            "",
            "Pages: " + "; ".join(f"{name}: `{path}`" for name, path in targets.items()) + ".",
            "",
            table(results, "trivial view (floor)"),
            "",
            '"Alone" is one request at a time before the load: the first one after emptying the public cache '
            "(the page is rendered and stored) and the median of the 20 that follow (cache hits: one query for the "
            "generation, the page from the worker's memory, or from the shared cache table with a second query "
            "the first time a worker serves it; no rendering). Under load every page is a cache hit, as it is in "
            "production between two changes to public data (relint/portal/cache.py, docs/decisions.md).",
        ]
    )
    print()
    print(text)
    if not args.no_write:
        write_section("web", text)


if __name__ == "__main__":
    main()
