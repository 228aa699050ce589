"""The cache of public responses (portal pages, API lists, open-data page).

A response is stored under a key made of the publication generation
(relint/portal/publication.py), today's date (the "active" relations and the
table's members depend on it), the active language and the full path with
its query string. Every service that changes what the public sees bumps the
generation in its own transaction, so an entry is never served after the
data it was rendered from has changed: nothing expires to be correct, the
timeout only frees space.

Two levels: each process keeps the entries it has served in memory
(RELINT_PUBLIC_CACHE_LOCAL), in front of the shared cache that every app
server sees (RELINT_PUBLIC_CACHE). Keying on the generation is what makes
the per-process copy safe: an entry's content never changes, a change
produces new keys. A hit costs one query (the generation) from memory, two
(the generation and the cache row) from the shared database cache, and no
rendering. Only 200 responses that set no cookie and did not read the
session are stored, and a request carrying a session cookie neither reads
nor fills the cache: a page rendered for a signed-in member of staff (the
open-data page has the staff menu when signed in) must never reach anyone
else, and staff see their own edits at once. The page's CSP nonce is swapped for a marker before storing and the
new request's own nonce is put back on a hit, so the header and the page
always agree.
"""

from __future__ import annotations

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

from relint.portal.publication import publication_generation

NONCE_MARK = b"\x00relint-csp-nonce\x00"
# Bodies larger than this are not stored (a few hundred KB at most today).
MAX_BODY_BYTES = 2 * 1024 * 1024


def cache_key(request: HttpRequest, generation: int) -> str:
    path = hashlib.sha256(request.get_full_path().encode("utf-8", "surrogateescape")).hexdigest()
    return f"public:{generation}:{timezone.localdate().isoformat()}:{get_language() or ''}:{path}"


def _store(response: HttpResponse, request: HttpRequest) -> tuple[int, str, bytes] | None:
    if (
        response.status_code != 200
        or response.streaming
        or response.cookies
        or len(response.content) > MAX_BODY_BYTES
        or "no-store" in response.get("Cache-Control", "")
        # SessionMiddleware adds it when the page read the session (the user).
        or "cookie" in response.get("Vary", "").lower()
    ):
        return None
    body = response.content
    nonce = getattr(request, "_csp_nonce", None)
    if isinstance(nonce, str) and nonce:
        body = body.replace(nonce.encode("ascii"), NONCE_MARK)
    return (response.status_code, response["Content-Type"], body)


def public_cache(view):
    """Serve `view`'s GET and HEAD responses from the public cache."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if (
            request.method not in ("GET", "HEAD")
            or not settings.RELINT_PUBLIC_CACHE_SECONDS
            or settings.SESSION_COOKIE_NAME in request.COOKIES
        ):
            return view(request, *args, **kwargs)
        shared = caches[settings.RELINT_PUBLIC_CACHE]
        local = caches[settings.RELINT_PUBLIC_CACHE_LOCAL] if settings.RELINT_PUBLIC_CACHE_LOCAL else None
        key = cache_key(request, publication_generation())
        entry = local.get(key) if local is not None else None
        if entry is None:
            entry = shared.get(key)
            if entry is not None and local is not None:
                local.set(key, entry, settings.RELINT_PUBLIC_CACHE_SECONDS)
        if entry is not None:
            status, content_type, body = entry
            if NONCE_MARK in body:
                body = body.replace(NONCE_MARK, str(request.csp_nonce).encode("ascii"))
            return HttpResponse(body, status=status, content_type=content_type)
        response = view(request, *args, **kwargs)
        entry = _store(response, request)
        if entry is not None:
            shared.set(key, entry, settings.RELINT_PUBLIC_CACHE_SECONDS)
            if local is not None:
                local.set(key, entry, settings.RELINT_PUBLIC_CACHE_SECONDS)
        return response

    return wrapped
