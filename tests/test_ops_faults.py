"""Fault behaviour against the real PostgreSQL: while the database refuses
connections, relint answers a clean 503 page; when it is back, relint
recovers by itself. Nothing is mocked: the production server (gunicorn) runs
with persistent connections, and the database's backends are terminated."""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request

import pytest

from tests.instances import _admin_connect, on_postgresql

SESSION = """
from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from relint.core.testing import make_personas
from relint.ops.middleware import STARTED_KEY, SEEN_KEY
import time
editor = make_personas().editor_a
store = SessionStore()
store[SESSION_KEY] = str(editor.pk)
store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
store[HASH_SESSION_KEY] = editor.get_session_auth_hash()
store[STARTED_KEY] = store[SEEN_KEY] = time.time()
store.create()
print(store.session_key)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, session_key: str) -> tuple[int, str]:
    headers = {"Cookie": f"sessionid={session_key}", "Accept-Language": "it"}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback only
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def server(new_instance):
    if not on_postgresql():
        pytest.skip("PostgreSQL only: the outage is made on the PostgreSQL server")
    instance = new_instance("faults")
    instance.manage("migrate", "--noinput")
    session_key = instance.python(SESSION).strip().splitlines()[-1]
    instance.env["DATABASE_CONN_MAX_AGE"] = "600"
    port = _free_port()
    process = instance.popen(
        "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2"
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 180
        while True:
            try:
                urllib.request.urlopen(base + "/health/", timeout=20)  # noqa: S310 - loopback only
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.5)
        yield instance, base, session_key
    finally:
        process.terminate()
        process.wait(timeout=60)


def _database(instance, allow: bool) -> None:
    with _admin_connect() as admin:
        admin.execute(f'ALTER DATABASE "{instance.pg_name}" ALLOW_CONNECTIONS {"true" if allow else "false"}')
        if not allow:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [instance.pg_name]
            )


def test_an_outage_gives_a_503_page_and_relint_recovers_by_itself(server):
    instance, base, session_key = server
    dashboard = base + "/it/workspace/"
    for _ in range(4):  # both workers hold a persistent connection
        assert _get(dashboard, session_key)[0] == 200
    _database(instance, allow=False)
    try:
        for _ in range(4):
            status, body = _get(dashboard, session_key)
            assert status == 503
            assert "Servizio temporaneamente non disponibile" in body
            assert "Traceback" not in body
            assert _get(base + "/health/", session_key)[0] == 503
    finally:
        _database(instance, allow=True)
    # Back without a restart: each worker reconnects on its next request.
    for _ in range(4):
        status, body = _get(dashboard, session_key)
        assert status == 200
    assert _get(base + "/health/", session_key)[0] == 200
