"""Middleware of the operations layer: security headers that Django lacks,
session time-outs, the audit of refused requests, and a clean 503 page while
the database is unreachable.

Their place in `MIDDLEWARE` matters; config/settings.py says why for each.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from relint.ops import audit
from relint.ops.views import database_unavailable

# Session keys: when the user signed in, and when they were last seen.
STARTED_KEY = "_relint_started_at"
SEEN_KEY = "_relint_seen_at"
# The last-seen time is written at most this often, so that an active user
# does not cause a session write on every request.
SEEN_RESOLUTION_SECONDS = 60


class SecurityHeadersMiddleware:
    """Permissions-Policy: relint uses no camera, microphone, location,
    payment or USB, so no page (or injected script) may ask for them.
    Placed right after SecurityMiddleware, so static files get it too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.RELINT_PERMISSIONS_POLICY)
        return response


def mark_session_start(sender, request, user, **kwargs) -> None:
    """At sign-in (connected in `relint.ops.apps`): the start of the absolute time-out."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[STARTED_KEY] = now
        request.session[SEEN_KEY] = now


class SessionTimeoutMiddleware:
    """Ends a signed-in session that was idle too long
    (`RELINT_SESSION_IDLE_MINUTES`), that is older than
    `RELINT_SESSION_MAX_HOURS` however active, or whose user was disabled or
    deleted since. Needs the session, the user and the messages before it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.session.get(SESSION_KEY) is not None:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        user = request.user
        if not user.is_authenticated:
            # The session names a user that the backend no longer accepts:
            # Django's backend refuses inactive users, so the account was
            # disabled (or deleted) after sign-in. End the session for good.
            audit.record(
                "session_ended", request=request, username=str(request.session.get(SESSION_KEY)), reason="disabled"
            )
            request.session.flush()
            return
        now = time.time()
        started = request.session.get(STARTED_KEY)
        seen = request.session.get(SEEN_KEY)
        if started is None:
            # A session signed in before this middleware existed.
            request.session[STARTED_KEY] = started = now
        reason = None
        if now - started > settings.RELINT_SESSION_MAX_HOURS * 3600:
            reason = "absolute"
        elif seen is not None and now - seen > settings.RELINT_SESSION_IDLE_MINUTES * 60:
            reason = "idle"
        if reason:
            audit.record("session_expired", user=user, request=request, reason=reason)
            logout(request)
            messages.info(request, _("Your session has expired: please sign in again."))
        elif seen is None or now - seen > SEEN_RESOLUTION_SECONDS:
            request.session[SEEN_KEY] = now


class AuditMiddleware:
    """Logs every refused request (403) with who asked for what."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 403:
            audit.record("denied", request=request, method=request.method, status=403)
        return response


class DatabaseUnavailableMiddleware:
    """A view that loses the database answers the 503 page instead of a 500.

    Only view exceptions reach `process_exception`; an outage that strikes
    in another middleware (loading the session, saving it) ends in the
    `handler500` of config/urls.py, which gives the same page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OperationalError | InterfaceError):
            return database_unavailable(request, exception)
        return None
