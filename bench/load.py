"""Mixed staff and public load on a production-like server, with a check
that no acknowledged write was lost or duplicated.

Creates a fresh PostgreSQL database (`relint_ops_load` by default, dropped
and created again at every run), migrates it, adds the test personas and N
synthetic activities (`manage.py generate_synthetic`), then serves relint
with gunicorn (DEBUG off) on loopback and one `db_worker` for tasks. U users
(a third public visitors, the rest signed-in staff) run for D seconds:

- public: the home page, the filtered activity list, an activity's page,
  the city list, the API's activity list;
- staff: the dashboard, the activity list, a text search, an activity's
  page, editing an activity (the form is read, changed and posted back with
  the version it was built from: a conflict page is an answer, not an
  error), creating an activity;
- the coordinator requests the annual report's build at the start; the
  worker builds it while the load runs, and its status is polled.

At the end it compares the database with what the server acknowledged:
every acknowledged edit is in the activity's history, no two acknowledged
edits started from the same version of one activity (that would be a lost
update), each activity's stored title is its last acknowledged edit, and
every acknowledged create made exactly one row. It prints, and records in
docs/benchmarks.md (its own section), throughput, p50/p95/p99 per request
type, errors and those counts.

    .venv/bin/python bench/load.py                                   # 10,000 activities, 20 users, 300 s
    .venv/bin/python bench/load.py --think 0                         # no pauses: the server's saturation
    .venv/bin/python bench/load.py --duration 30 --no-write          # a quick try

Users pause 1-5 s between requests by default (`--think`, as locust's
`between(1, 5)`): twenty people at work. With `--think 0` each fires its
next request as soon as an answer arrives, which measures how many requests
a second the machine can serve, and its latencies are queueing time
(Little's law: 20 users / throughput); that run has its own section.

A full run takes about 8 minutes: 1-2 to build the database, the duration,
and the checks. The load generator is a bounded Python one (threads, one
keep-alive connection each; locust is not installed in the project's
environment) on the same machine as the server, so it takes CPU from it.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _results import write_section
from _server import PYTHON, ROOT, SERVER_ENV, manage, percentile, start_server, stop_server

PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - relint.core.testing.PASSWORD, test personas only
STAFF_PERSONAS = ("editor_a", "editor_b", "coordinator", "viewer_a")
EDITORS = {"editor_a": "AMBIENTE", "editor_b": "CULTURA"}
# The staff pages the target (p95 <= 300 ms) applies to.
STAFF_PAGES = ("staff: dashboard", "staff: activity list", "staff: search", "staff: activity page", "staff: edit form")
SEARCH_WORDS = ("progetto", "scambio", "europa", "rete", "giovani", "clima", "cultura", "Torino")


# --- Database set-up ------------------------------------------------------------
def prepare(base_url: str, name: str, activities: int) -> str:
    """A fresh database with the personas and `activities` synthetic activities; its URL."""
    import psycopg

    if name in ("test", "postgres") or not re.fullmatch(r"[a-z0-9_]+", name):
        raise SystemExit(f"Refusing to (re)create the database {name!r}.")
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{base_url.rsplit('/', 1)[0]}/{name}"
    env = {**os.environ, **SERVER_ENV, "DATABASE_URL": url}
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "createcachetable")
    manage(env, "shell", "--no-imports", "-c", "from relint.core.testing import make_personas; make_personas()")
    manage(env, "generate_synthetic", "--activities", str(activities), "--batch-size", "5000", quiet=True)
    return url


def editable_pools(url: str, per_department: int) -> dict[str, list[int]]:
    """Activities each editor may edit (their department's drafts and returned ones)."""
    import psycopg

    pools = {}
    with psycopg.connect(url) as conn:
        for user, code in EDITORS.items():
            rows = conn.execute(
                "SELECT a.id FROM activities_activity a JOIN departments_department d ON d.id = a.lead_department_id "
                "WHERE d.code = %s AND a.review_state IN ('draft', 'returned') ORDER BY a.id LIMIT %s",
                (code, per_department),
            ).fetchall()
            pools[user] = [pk for (pk,) in rows]
        pools["departments"] = [
            pk
            for (pk,) in conn.execute(
                "SELECT id FROM departments_department WHERE code = ANY(%s)", (list(EDITORS.values()),)
            )
        ]
        (year,) = conn.execute("SELECT MAX(year) FROM activities_activity").fetchone()
        uids = conn.execute(
            "SELECT uid FROM activities_activity WHERE review_state = 'accepted' AND is_public ORDER BY id LIMIT 200"
        ).fetchall()
    pools["public"] = [str(uid) for (uid,) in uids]
    pools["year"] = [year]
    if not pools["editor_a"] or not pools["editor_b"] or not pools["public"]:
        raise SystemExit("The synthetic data has no editable or public activities to load.")
    return pools


# --- A browser without JavaScript ---------------------------------------------------
class FormParser(HTMLParser):
    """The fields a browser would submit for each POST form of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: tuple[str, list, bool] | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action", ""), "method": a.get("method", "get").lower(), "fields": []}
            self.forms.append(self._form)
        if self._form is None or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form["fields"].append((name, a.get("value", "on" if kind in ("checkbox", "radio") else "")))
        elif tag == "select" and name:
            self._select = (name, [], "multiple" in a)
        elif tag == "option" and self._select is not None:
            self._select[1].append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None and self._form is not None:
            name, options, multiple = self._select
            chosen = [value for value, selected in options if selected]
            if not chosen and options and not multiple:
                chosen = [options[0][0]]
            self._form["fields"].extend((name, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form["fields"].append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None
        elif tag == "form":
            self._form = None


def form_with(html: str, field: str) -> list[tuple[str, str]]:
    parser = FormParser()
    parser.feed(html)
    for form in parser.forms:
        if form["method"] == "post" and any(name == field for name, _ in form["fields"]):
            return list(form["fields"])
    raise LookupError(f"no POST form with a {field!r} field")


def replace(fields: list[tuple[str, str]], **values: str) -> list[tuple[str, str]]:
    kept = [(name, value) for name, value in fields if name not in values]
    return kept + list(values.items())


class Session:
    """One user: a keep-alive connection with its cookies, timing every request."""

    # Seconds a person takes between two requests (reading a page, filling
    # a form): uniform in this range, as locust's `between(low, high)`.
    think_range: tuple[float, float] = (0.0, 0.0)

    def __init__(self, port: int, stats: Stats, rng: random.Random | None = None):
        self.port, self.stats = port, stats
        self.rng = rng or random.Random()
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def think(self, stop_at: float) -> None:
        low, high = self.think_range
        if high > 0:
            time.sleep(max(0.0, min(self.rng.uniform(low, high), stop_at - time.monotonic())))

    def request(self, kind: str, method: str, path: str, fields=None, expect=(200,)) -> tuple[int, str, str]:
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.stats.add(kind, time.perf_counter() - started, f"{type(error).__name__} on {method} {path}")
            return 0, "", ""
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        status = response.status
        error = None if status in expect else f"{status} on {method} {path}"
        self.stats.add(kind, time.perf_counter() - started, error)
        return status, response.headers.get("Location", ""), text

    def login(self, username: str) -> None:
        status, _, page = self.request("staff: sign-in form", "GET", "/it/account/login/")
        fields = replace(form_with(page, "csrfmiddlewaretoken"), username=username, password=PASSWORD)
        status, _, _ = self.request("staff: sign in", "POST", "/it/account/login/", fields, expect=(302,))
        if status != 302:
            raise SystemExit(f"{username} could not sign in ({status})")

    def csrf(self) -> str:
        return self.cookies.get("csrftoken", "")


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.samples: list[str] = []

    def add(self, kind: str, seconds: float, error: str | None) -> None:
        with self.lock:
            if error is None:
                self.latencies[kind].append(seconds * 1000)
            else:
                self.errors[kind] += 1
                if len(self.samples) < 10:
                    self.samples.append(f"{kind}: {error}")


class Clock:
    """Starts the measured load once every user has signed in (sign-ins are
    slow by design: password hashing), and says when it ends."""

    def __init__(self, users: int, duration: float) -> None:
        self.duration = duration
        self.stop_at = 0.0
        self.started = 0.0
        self.barrier = threading.Barrier(users, action=self._start)

    def _start(self) -> None:
        self.started = time.monotonic()
        self.stop_at = self.started + self.duration

    def wait(self) -> float:
        self.barrier.wait()
        return self.stop_at


class Ledger:
    """What the server acknowledged, to compare with the database at the end."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.edits: list[tuple[int, int, str]] = []  # (activity pk, version the form was built from, title)
        self.creates: list[str] = []  # titles of acknowledged creates
        self.conflicts = 0

    # --- The users ------------------------------------------------------------------------


def public_user(port: int, stats: Stats, pools: dict, clock: Clock, rng: random.Random) -> None:
    s = Session(port, stats, rng)
    stop_at = clock.wait()
    year = pools["year"][0]
    kinds = ("eu_project", "exchange", "network", "")
    while time.monotonic() < stop_at:
        action = rng.choices(("home", "list", "page", "cities", "api"), weights=(2, 3, 3, 1, 2))[0]
        if action == "home":
            s.request("public: home", "GET", "/it/")
        elif action == "list":
            query = urlencode({"year": rng.choice((year, year - 1)), "kind": rng.choice(kinds)})
            s.request("public: activity list, filtered", "GET", f"/it/activities/?{query}")
        elif action == "page":
            s.request("public: activity page", "GET", f"/it/activities/{rng.choice(pools['public'])}/")
        elif action == "cities":
            s.request("public: city list", "GET", "/it/cities/")
        else:
            s.request("api: activity list", "GET", f"/api/v1/activities?year={year}&limit=50")
        s.think(stop_at)


def staff_user(username: str, port: int, stats: Stats, ledger: Ledger, pools: dict, clock: Clock, rng) -> None:
    s = Session(port, stats, rng)
    s.login(username)
    # The viewer reads department A; the coordinator works on both departments.
    own = pools.get(username) or (
        pools["editor_a"] if username == "viewer_a" else pools["editor_a"] + pools["editor_b"]
    )
    stop_at = clock.wait()
    writes = username != "viewer_a"
    while time.monotonic() < stop_at:
        weights = (1, 3, 2, 3, 3, 1) if writes else (1, 3, 2, 3, 0, 0)
        action = rng.choices(("dashboard", "list", "search", "page", "edit", "create"), weights=weights)[0]
        if action == "dashboard":
            s.request("staff: dashboard", "GET", "/it/workspace/")
        elif action == "list":
            s.request("staff: activity list", "GET", f"/it/workspace/activities/?page={rng.randint(1, 5)}")
        elif action == "search":
            s.request("staff: search", "GET", f"/it/workspace/activities/?q={rng.choice(SEARCH_WORDS)}")
        elif action == "page":
            s.request("staff: activity page", "GET", f"/it/workspace/activities/{rng.choice(own)}/")
        elif action == "edit":
            edit(s, ledger, rng.choice(own), stop_at)
        else:
            create(s, ledger, pools["departments"], stop_at)
        s.think(stop_at)


def edit(s: Session, ledger: Ledger, pk: int, stop_at: float) -> None:
    status, _, page = s.request("staff: edit form", "GET", f"/it/workspace/activities/{pk}/edit/")
    if status != 200:
        return
    s.think(stop_at)  # filling the form: others may save the activity meanwhile
    fields = form_with(page, "version")
    version = int(dict(fields)["version"])
    title = f"Carico {uuid.uuid4().hex[:12]}"
    fields = replace(fields, title_it=title)
    # A conflict page (someone saved since the form was read) is a correct answer.
    status, _, _ = s.request(
        "staff: edit save", "POST", f"/it/workspace/activities/{pk}/edit/", fields, expect=(302, 409)
    )
    with ledger.lock:
        if status == 302:
            ledger.edits.append((pk, version, title))
        elif status == 409:
            ledger.conflicts += 1


def create(s: Session, ledger: Ledger, departments: list[int], stop_at: float) -> None:
    status, _, page = s.request("staff: create form", "GET", "/it/workspace/activities/new/")
    if status != 200:
        return
    s.think(stop_at)
    title = f"Nuova {uuid.uuid4().hex[:12]}"
    fields = form_with(page, "title_it")
    # An editor's form has their department chosen; the coordinator picks one.
    defaults = {"year": "2025", "kind": "exchange", "lead_department": str(random.choice(departments))}
    values = {name: value for name, value in fields}
    fields = replace(fields, title_it=title, **{k: v for k, v in defaults.items() if not values.get(k)})
    status, _, _ = s.request("staff: create save", "POST", "/it/workspace/activities/new/", fields, expect=(302,))
    if status == 302:
        with ledger.lock:
            ledger.creates.append(title)


def coordinator_report(port: int, stats: Stats, url: str, year: int, clock: Clock) -> dict:
    """Queue the annual report's build, then follow its page (as the
    coordinator's browser does) until the build ends or the load does."""
    import psycopg

    s = Session(port, stats)
    s.login("coordinator")
    stop_at = clock.wait()
    s.request("report: year page", "GET", f"/it/workspace/reports/{year}/")
    fields = [("csrfmiddlewaretoken", s.csrf()), ("language", "it")]
    s.request("report: build request", "POST", f"/it/workspace/reports/{year}/build/", fields, expect=(302,))
    started = time.monotonic()
    state = "queued"
    while time.monotonic() < stop_at:
        time.sleep(3)
        s.request("report: year page", "GET", f"/it/workspace/reports/{year}/")
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT state FROM reports_annualreport ORDER BY id DESC LIMIT 1").fetchone()
        state = row[0] if row else "not queued"
        if state not in ("queued", "building"):
            return {"state": state, "seconds": time.monotonic() - started}
    return {"state": state, "seconds": None}


# --- The checks -------------------------------------------------------------------------
def verify(url: str, ledger: Ledger) -> dict:
    import psycopg

    lost, overlapping, stale, missing_creates, duplicates = [], [], [], [], []
    with psycopg.connect(url) as conn:
        history = defaultdict(set)
        if ledger.edits:
            pks = sorted({pk for pk, _, _ in ledger.edits})
            for pk, title in conn.execute(
                "SELECT id, title_it FROM activities_historicalactivity WHERE id = ANY(%s)", (pks,)
            ):
                history[pk].add(title)
            current = dict(conn.execute("SELECT id, title_it FROM activities_activity WHERE id = ANY(%s)", (pks,)))
        by_pk: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for pk, version, title in ledger.edits:
            by_pk[pk].append((version, title))
            if title not in history[pk]:
                lost.append(title)
        for pk, edits in by_pk.items():
            versions = [version for version, _ in edits]
            if len(versions) != len(set(versions)):
                overlapping.append(pk)
            if current.get(pk) != max(edits)[1]:
                stale.append(pk)
        counts = dict(
            conn.execute(
                "SELECT title_it, COUNT(*) FROM activities_activity WHERE title_it = ANY(%s) GROUP BY title_it",
                (ledger.creates,),
            )
        )
        for title in ledger.creates:
            if counts.get(title, 0) == 0:
                missing_creates.append(title)
            elif counts[title] > 1:
                duplicates.append(title)
    return {
        "edits": len(ledger.edits),
        "conflicts": ledger.conflicts,
        "creates": len(ledger.creates),
        "lost edits": len(lost),
        "edits from one version saved twice": len(overlapping),
        "activities not at their last edit": len(stale),
        "lost creates": len(missing_creates),
        "duplicated creates": len(duplicates),
    }


def table(stats: Stats, elapsed: float) -> tuple[str, int]:
    lines = [
        "| request | requests | per second | p50 ms | p95 ms | p99 ms | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    errors = 0
    for kind in sorted(set(stats.latencies) | set(stats.errors)):
        done = sorted(stats.latencies[kind])
        errors += stats.errors[kind]
        lines.append(
            f"| {kind} | {len(done):,} | {len(done) / elapsed:.1f} | {percentile(done, 50):.0f} "
            f"| {percentile(done, 95):.0f} | {percentile(done, 99):.0f} | {stats.errors[kind]} |"
        )
    total = sum(len(v) for v in stats.latencies.values())
    lines.append(f"| **all** | {total:,} | {total / elapsed:.1f} | | | | {errors} |")
    return "\n".join(lines), errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--activities", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=300, help="seconds of load (default 300)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4, as in docs/deploy.md)")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres", help="server URL")
    parser.add_argument("--database", default="relint_ops_load", help="database to create (dropped first)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--think",
        default="1-5",
        help="seconds each user pauses between requests, LOW-HIGH (default 1-5, locust's between(1, 5)); "
        "0 for none: every user fires its next request at once, which measures the server's saturation",
    )
    parser.add_argument("--no-write", action="store_true", help="Print only; leave docs/benchmarks.md alone.")
    args = parser.parse_args()
    try:
        low, _dash, high = args.think.partition("-")
        think = (float(low), float(high or low))
    except ValueError:
        raise SystemExit("--think must be LOW-HIGH in seconds, e.g. 1-5, or 0.") from None
    if not 0 <= think[0] <= think[1] <= 60:
        raise SystemExit("--think must be LOW-HIGH with 0 <= LOW <= HIGH <= 60.")
    Session.think_range = think
    if not 2 <= args.users <= 200 or not 5 <= args.duration <= 1800:
        raise SystemExit("--users must be 2-200 and --duration 5-1800 seconds.")

    began = time.monotonic()
    url = prepare(args.postgres, args.database, args.activities)
    pools = editable_pools(url, per_department=40)
    env = {**os.environ, **SERVER_ENV, "DATABASE_URL": url, "DATABASE_CONN_MAX_AGE": "60"}
    server = start_server(env, args.port, args.workers, "--timeout", "60")
    worker = subprocess.Popen(
        [PYTHON, "manage.py", "db_worker", "--interval", "1"], cwd=ROOT, env=env, start_new_session=True
    )
    stats, ledger, rng = Stats(), Ledger(), random.Random(args.seed)
    public = max(1, args.users // 3)
    clock = Clock(args.users + 1, args.duration)
    load_before = os.getloadavg()
    report: dict = {}
    # A user thread that dies would leave a table of fewer requests that
    # looks like a result: the run fails instead.
    crashed: list[BaseException] = []
    threading.excepthook = lambda hook: (
        crashed.append(hook.exc_value) or sys.__excepthook__(hook.exc_type, hook.exc_value, hook.exc_traceback)
    )
    try:
        threads = [
            threading.Thread(target=public_user, args=(args.port, stats, pools, clock, random.Random(rng.random())))
            for _ in range(public)
        ]
        threads += [
            threading.Thread(
                target=staff_user,
                args=(
                    STAFF_PERSONAS[n % len(STAFF_PERSONAS)],
                    args.port,
                    stats,
                    ledger,
                    pools,
                    clock,
                    random.Random(rng.random()),
                ),
            )
            for n in range(args.users - public)
        ]
        threads.append(
            threading.Thread(
                target=lambda: report.update(coordinator_report(args.port, stats, url, pools["year"][0], clock))
            )
        )
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if crashed:
            raise SystemExit(f"{len(crashed)} user thread(s) crashed (see above): no figures written.")
        elapsed = time.monotonic() - clock.started
        load_after = os.getloadavg()
    finally:
        stop_server(server)
        # The worker lets a running task finish on SIGTERM; a report still
        # building when the load ends is not waited for.
        stop_server(worker, timeout=10)
    checks = verify(url, ledger)
    text, errors = table(stats, elapsed)
    staff_p95 = {kind: percentile(sorted(stats.latencies[kind]), 95) for kind in STAFF_PAGES if stats.latencies[kind]}
    worst = max(staff_p95.items(), key=lambda item: item[1])
    command = (
        f".venv/bin/python bench/load.py --activities {args.activities} --users {args.users} "
        f"--duration {args.duration:g} --workers {args.workers} --think {args.think}"
    )
    pause = (
        f"each pausing {think[0]:g}–{think[1]:g} s (uniformly) between requests, as a person reads a page or "
        "fills a form"
        if think[1]
        else "with no pause between requests (each user fires the next one as soon as an answer arrives: "
        "the server's saturation, not people's use)"
    )
    total_minutes = (time.monotonic() - began) / 60
    body = "\n".join(
        [
            "## Mixed staff and public load (bench/load.py)",
            "",
            f"{args.activities:,} synthetic activities in a fresh PostgreSQL database, gunicorn with "
            f"{args.workers} sync workers and one `db_worker` on loopback, DEBUG off, persistent connections. "
            f"{args.users} users for {args.duration:g} s, {pause}: {public} public visitors and "
            f"{args.users - public} signed-in staff (editors reading, searching, editing with the version guard "
            "and creating; a viewer; the coordinator), plus the coordinator queueing the annual report's build "
            "at the start. "
            f"A Python thread-based load generator on the same {os.cpu_count()}-core machine (locust is not "
            "installed): the figures are a lower bound. The 1-minute load average was "
            f"{load_before[0]:.1f} before the load and {load_after[0]:.1f} at its end (other jobs share the "
            f"cores). The whole run took {total_minutes:.1f} minutes.",
            "",
            f"Command: `{command}`",
            "",
            text,
            "",
            f"Report build in the background: {report.get('state', 'not seen')}"
            + (f" after {report['seconds']:.0f} s." if report.get("seconds") else " before the load ended."),
            "",
            "Writes checked against the database: "
            + ", ".join(f"{name} {value}" for name, value in checks.items())
            + ".",
            "",
            f"Targets: 0 errors ({errors}), 0 lost writes "
            f"({checks['lost edits'] + checks['lost creates'] + checks['edits from one version saved twice']}), "
            f"p95 <= 300 ms for staff pages (worst: {worst[0]}, {worst[1]:.0f} ms).",
        ]
    )
    print()
    print(body)
    if stats.samples:
        print("\nFirst errors:\n" + "\n".join(stats.samples))
    if not args.no_write:
        write_section("load" if think[1] else "load-saturation", body)


if __name__ == "__main__":
    main()
