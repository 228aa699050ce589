"""Views of the operations layer: the health check for monitoring, and the
pages given when the server fails."""

from __future__ import annotations

import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.defaults import server_error as django_server_error

logger = logging.getLogger("relint.ops")

# How long a client should wait before trying again after a 503.
RETRY_AFTER_SECONDS = 10


def database_unavailable(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 503 page (`ops/503.html`). Rendered without touching the
    database: the template reads neither the user nor the session."""
    logger.warning("database unavailable: %s: %s", type(exception).__name__, exception)
    try:
        body = render_to_string("ops/503.html", request=request)
    except Exception:  # the last resort must not fail in turn
        body = "<!doctype html><title>503</title><h1>Service temporarily unavailable</h1>"
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """`handler500`: the 503 page when the failure is the database going
    away (in a middleware, where `DatabaseUnavailableMiddleware` cannot see
    it), Django's 500 page otherwise."""
    exception = sys.exc_info()[1]
    if isinstance(exception, OperationalError | InterfaceError):
        return database_unavailable(request, exception)
    return django_server_error(request)


@never_cache
@require_safe
def health(request: HttpRequest) -> HttpResponse:
    """`/health/` for the load balancer and the monitoring: 200 when the
    database answers, 503 when it does not. Says nothing else."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
