"""Serving relint for a benchmark: gunicorn on loopback with the benchmark
settings (bench/settings.py, which adds /bench/ping/), and the percentile
used by every table.

Shared by the benchmarks that start a server (bench/load.py; bench/web.py
has its own copy of start/stop, to be switched to this module).
"""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

# What every benchmark server runs with: production-like (DEBUG off), plain
# HTTP on loopback, quiet logs.
SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789",
    "DJANGO_HTTPS": "0",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_STATIC_MANIFEST": "0",
    "RELINT_LOG_LEVEL": "WARNING",
    "RELINT_ENV_FILE": "/nonexistent/.env",
}


def manage(env: dict[str, str], *args: str, quiet: bool = False) -> None:
    """Run `manage.py` in a child with `env`; stop the benchmark if it fails."""
    out = subprocess.DEVNULL if quiet else None
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=out)


def start_server(env: dict[str, str], port: int, workers: int, *extra: str) -> subprocess.Popen:
    """gunicorn with `workers` sync workers on 127.0.0.1:`port`, once it answers /bench/ping/."""
    gunicorn = Path(PYTHON).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "config.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(workers), "--log-level", "warning", *extra],
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


def stop_server(server: subprocess.Popen, timeout: float = 60) -> None:
    """SIGTERM to the server's whole process group (gunicorn and its
    workers), SIGKILL if it is still there after `timeout` seconds."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=timeout)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)


def percentile(ordered: list[float], p: float) -> float:
    """The p-th percentile of an ascending list (nearest rank), NaN if empty."""
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]
