"""The audit log: who did what, and when, in the `relint.audit` logger.

Sign-ins, failed sign-ins, lockouts, sign-outs, refused requests (403) and
publishing actions each give one line: `event=... user=... ip=... key=value`.
Every value is escaped (`escape_control`), so a username typed with CR/LF or
terminal escapes cannot forge a second log line or recolour a terminal; the
log formatter of the settings (`ControlEscapingFormatter`) escapes whatever
other loggers write too.
"""

from __future__ import annotations

import logging
import re

from django.contrib.auth import signals as auth_signals

logger = logging.getLogger("relint.audit")

# C0 and C1 control characters, DEL, and the Unicode line/paragraph
# separators some log viewers also break lines on.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _escaped(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_control(value: object, *, backslashes: bool = True) -> str:
    """`value` as text with every control character written as `\\xNN` /
    `\\uNNNN`; backslashes are doubled too, so a typed "\\x0a" cannot pass
    for an escaped line break."""
    text = str(value)
    if backslashes:
        text = text.replace("\\", "\\\\")
    return _CONTROL.sub(_escaped, text)


def _quote(value: object) -> str:
    text = escape_control(value)
    # Values with spaces or quotes are quoted, so `key=value` pairs stay parseable.
    if not text or any(c in text for c in ' "='):
        return '"' + text.replace('"', '\\"') + '"'
    return text


def client_ip(request) -> str:
    """The client address as axes sees it (RELINT_PROXY_COUNT decides)."""
    if request is None:
        return "-"
    from relint.ops.network import client_ip as address_of

    return address_of(request) or "-"


def who(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return "-"
    return f"{user.get_username()}#{user.pk}"


def record(event: str, *, user=None, request=None, username: str | None = None, **details: object) -> None:
    """Write one audit line. `username` is for attempts without a user (a
    failed sign-in); `details` name the object and the change."""
    if user is None and request is not None:
        user = getattr(request, "user", None)
    parts = [f"event={_quote(event)}", f"user={_quote(who(user) if username is None else username)}"]
    parts.append(f"ip={_quote(client_ip(request))}")
    if request is not None:
        parts.append(f"path={_quote(request.path)}")
    parts.extend(f"{key}={_quote(value)}" for key, value in details.items())
    logger.info(" ".join(parts))


class ControlEscapingFormatter(logging.Formatter):
    """The settings' log formatter: one record is one line, whatever its
    message holds. Tracebacks keep their own line breaks."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - logging's API
        # Audit values are escaped already (backslashes included); here only
        # the control characters of any other logger's message.
        return escape_control(super().formatMessage(record), backslashes=False)


# --- Signal receivers ------------------------------------------------------------
def _logged_in(sender, request, user, **kwargs) -> None:
    record("login", user=user, request=request)


def _logged_out(sender, request, user, **kwargs) -> None:
    record("logout", user=user, request=request)


def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    record("login_failed", request=request, username=str(credentials.get("username", "")))


def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    record("lockout", request=request, username=str(username or ""))


def connect_signals() -> None:
    from axes.signals import user_locked_out

    auth_signals.user_logged_in.connect(_logged_in, dispatch_uid="relint.audit.login")
    auth_signals.user_logged_out.connect(_logged_out, dispatch_uid="relint.audit.logout")
    auth_signals.user_login_failed.connect(_login_failed, dispatch_uid="relint.audit.login_failed")
    user_locked_out.connect(_locked_out, dispatch_uid="relint.audit.lockout")
