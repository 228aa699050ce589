"""Sign-in hardening: the client address behind a reverse proxy, the
lockout by username and address, session time-outs, disabled users, and the
audit log (with control characters escaped)."""

from __future__ import annotations

import io
import logging
import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import translation

from relint.core.testing import PASSWORD
from relint.ops.audit import ControlEscapingFormatter, escape_control
from relint.ops.middleware import SEEN_KEY, STARTED_KEY
from relint.ops.network import client_ip


def url(name: str) -> str:
    with translation.override("it"):
        return reverse(name)


def sign_in(client, username: str, password: str = PASSWORD, **extra):
    return client.post(url("account:login"), {"username": username, "password": password}, **extra)


# --- The client address -----------------------------------------------------------
@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.1"),  # no proxy: the header is the client's word, ignored
        (1, "9.9.9.9", "9.9.9.9"),
        (1, "6.6.6.6, 9.9.9.9", "9.9.9.9"),  # a forged first entry is ignored
        (2, "6.6.6.6, 9.9.9.9, 172.16.0.2", "9.9.9.9"),
        (2, "9.9.9.9", "10.0.0.1"),  # fewer entries than proxies: not through them
        (1, "not-an-address", "10.0.0.1"),
        (1, "", "10.0.0.1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_it_takes_the_client_address_from_the_trusted_proxies(proxies, forwarded, expected):
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.0.0.1")
    with override_settings(RELINT_PROXY_COUNT=proxies):
        assert client_ip(request) == expected


def test_axes_uses_the_address_behind_the_proxy():
    from axes.helpers import get_client_ip_address

    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 9.9.9.9", REMOTE_ADDR="127.0.0.1")
    with override_settings(RELINT_PROXY_COUNT=1):
        assert get_client_ip_address(request) == "9.9.9.9"


@override_settings(RELINT_PROXY_COUNT=1)
def test_behind_a_proxy_it_locks_the_username_from_one_client_only(client, personas):
    attacker = {"HTTP_X_FORWARDED_FOR": "203.0.113.7", "REMOTE_ADDR": "127.0.0.1"}
    colleague = {"HTTP_X_FORWARDED_FOR": "198.51.100.20", "REMOTE_ADDR": "127.0.0.1"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "editor_a", "wrong-password", **attacker)
    # The attacker is locked out, even with the right password...
    assert sign_in(client, "editor_a", **attacker).status_code == settings.AXES_HTTP_RESPONSE_CODE
    # ...and cannot escape by forging the header's first entry.
    forged = {"HTTP_X_FORWARDED_FOR": "198.51.100.20, 203.0.113.7", "REMOTE_ADDR": "127.0.0.1"}
    assert sign_in(client, "editor_a", **forged).status_code == settings.AXES_HTTP_RESPONSE_CODE
    # The same user from another address, behind the same proxy, signs in.
    assert sign_in(client, "editor_a", **colleague).status_code == 302


def test_the_lockout_cools_off_after_15_minutes():
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


# --- Sessions ------------------------------------------------------------------------
def _age_session(client, **seconds_ago):
    session = client.session
    now = time.time()
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_it_ends_an_idle_session(client, personas):
    assert sign_in(client, "editor_a").status_code == 302
    assert client.get(url("workspace:dashboard")).status_code == 200
    _age_session(client, **{SEEN_KEY: settings.RELINT_SESSION_IDLE_MINUTES * 60 + 5})
    response = client.get(url("workspace:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(url("account:login"))
    assert "_auth_user_id" not in client.session


def test_an_active_session_stays_until_the_absolute_limit(client, personas):
    sign_in(client, "editor_a")
    # Active a minute ago, signed in nearly the whole limit ago: still in.
    _age_session(client, **{SEEN_KEY: 60, STARTED_KEY: settings.RELINT_SESSION_MAX_HOURS * 3600 - 120})
    assert client.get(url("workspace:dashboard")).status_code == 200
    _age_session(client, **{SEEN_KEY: 10, STARTED_KEY: settings.RELINT_SESSION_MAX_HOURS * 3600 + 5})
    response = client.get(url("workspace:dashboard"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_it_records_activity_without_writing_the_session_on_every_request(client, personas):
    sign_in(client, "editor_a")
    _age_session(client, **{SEEN_KEY: 120})
    client.get(url("workspace:dashboard"))
    assert time.time() - client.session[SEEN_KEY] < 5
    seen = client.session[SEEN_KEY]
    client.get(url("workspace:dashboard"))
    assert client.session[SEEN_KEY] == seen


def test_a_disabled_users_session_ends_on_the_next_request(client, personas):
    sign_in(client, "editor_a")
    key = client.session.session_key
    assert client.get(url("workspace:dashboard")).status_code == 200
    personas.editor_a.is_active = False
    personas.editor_a.save()
    response = client.get(url("workspace:dashboard"))
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    personas.editor_a.is_active = True
    personas.editor_a.save()
    # The old session does not come back with the account.
    assert client.get(url("workspace:dashboard")).status_code == 302


def test_it_gives_a_new_session_id_at_login_and_forgets_the_old_one(client, personas):
    client.get(url("account:login"))
    session = client.session
    session["probe"] = 1
    session.save()
    before = session.session_key
    sign_in(client, "editor_a")
    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


# --- The audit log ---------------------------------------------------------------------
@pytest.fixture
def audit_lines(caplog):
    caplog.set_level(logging.INFO, logger="relint.audit")

    def lines() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.name == "relint.audit"]

    return lines


def test_it_logs_sign_ins_failures_and_sign_outs(client, personas, audit_lines):
    sign_in(client, "editor_a", "wrong-password", REMOTE_ADDR="192.0.2.5")
    sign_in(client, "editor_a", REMOTE_ADDR="192.0.2.5")
    client.post(url("account:logout"), REMOTE_ADDR="192.0.2.5")
    lines = audit_lines()
    assert lines[0].startswith("event=login_failed user=editor_a ip=192.0.2.5")
    assert lines[1].startswith(f"event=login user=editor_a#{personas.editor_a.pk} ip=192.0.2.5")
    assert lines[2].startswith(f"event=logout user=editor_a#{personas.editor_a.pk}")


def test_it_logs_a_refused_request(client, personas, audit_lines):
    from django.contrib.auth import get_user_model

    nobody = get_user_model().objects.create_user("nobody", password=PASSWORD)
    client.force_login(nobody)
    response = client.get(url("workspace:dashboard"))
    assert response.status_code == 403
    assert any(
        line.startswith(f"event=denied user=nobody#{nobody.pk}") and "path=/it/workspace/" in line
        for line in audit_lines()
    )


def test_it_logs_the_lockout(client, personas, audit_lines):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "viewer_a", "wrong-password")
    assert any(line.startswith("event=lockout user=viewer_a") for line in audit_lines())


HOSTILE = "mallory\r\n2026-01-01 INFO relint.audit event=login user=admin\x1b[31m\u2028"


def test_it_escapes_control_characters_in_the_username(client, db, audit_lines):
    sign_in(client, HOSTILE, "whatever")
    line = next(line for line in audit_lines() if line.startswith("event=login_failed"))
    assert "\r" not in line and "\n" not in line and "\x1b" not in line and "\u2028" not in line
    assert "mallory\\x0d\\x0a2026-01-01" in line
    assert "\\x1b[31m" in line


def test_the_configured_log_handler_writes_one_line_per_record(db):
    """The formatter of the settings escapes every logger's messages, not only the audit's."""
    handler = next(h for h in logging.getLogger().handlers if isinstance(h.formatter, ControlEscapingFormatter))
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        logging.getLogger("axes.watch_login").warning("failure for %s", HOSTILE)
    finally:
        handler.setStream(previous)
    output = stream.getvalue()
    assert output.count("\n") == 1 and output.endswith("\n")
    assert "\x1b" not in output


def test_escaping_cannot_be_faked_with_backslashes():
    assert escape_control("a\\x0ab") == "a\\\\x0ab"
    assert escape_control("a\nb") == "a\\x0ab"
    assert escape_control("città") == "città"


def test_it_logs_who_published_an_activity(personas, audit_lines):
    from relint.activities.models import Activity, ActivityKind
    from relint.activities.services import activity_accept, activity_submit

    activity = Activity.objects.create(
        year=2025, kind=ActivityKind.EXCHANGE, title_it="Scambio", lead_department=personas.department_a, is_public=True
    )
    activity_submit(user=personas.editor_a, activity=activity)
    activity_accept(user=personas.coordinator, activity=activity)
    assert f"event=activity_accepted user=coordinator#{personas.coordinator.pk} ip=- activity={activity.uid}" in (
        " ".join(audit_lines())
    )
