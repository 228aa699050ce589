"""Security headers on every page of the URLconf, and the production
settings behind them.

`check --deploy` does not look at the Content Security Policy, so this
walks every URL pattern (new pages are covered as soon as they are routed),
fills its parameters from sample objects, and checks each response, signed
out and signed in as the administrator.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.test_admin import world  # noqa: F401 - one row of every domain model

# The production values (DJANGO_HTTPS on), applied to the walk so HSTS and
# secure cookies are seen on the wire; test_the_production_settings_* checks
# that the settings really give them.
PRODUCTION = {
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
}
# Patterns not worth a request: Django's static file view, the admin's
# catch-all. Everything else is walked.
SKIPPED_PATTERNS = (r"^static/", r"\(\?P<url>\.\*\)\$$")
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def walk(resolvers, prefix: str = "", callback_holder=None):
    """(route, callback) for every URL pattern, with the route's
    parameters still in `<converter:name>` form."""
    for entry in resolvers:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield prefix + route, entry.callback


def sample_object(callback, name: str):
    """An object for a pattern's parameter: the admin's model for its
    object_id, else a model whose name the parameter or view names."""
    model_admin = getattr(callback, "model_admin", None)
    if model_admin is not None:
        return model_admin.model._default_manager.order_by("pk").first()
    view_name = getattr(callback, "__name__", "").lower()
    for model in apps.get_models():
        model_name = model._meta.model_name
        if model_name in name.lower() or model_name in view_name:
            return model._default_manager.order_by("pk").first()
    return None


def concrete_urls(admin_user) -> list[str]:
    urls = []
    uid = urlsafe_base64_encode(force_bytes(admin_user.pk))
    token = default_token_generator.make_token(admin_user)
    for route, callback in walk(get_resolver().url_patterns):
        if any(re.search(skip, route) for skip in SKIPPED_PATTERNS):
            continue
        route = route.replace("^", "").replace("$", "").replace("\\Z", "")
        if "(?P<app_label>" in route:
            # The admin's app index, a regular expression: one sample.
            route = re.sub(r"\(\?P<app_label>[^)]*\)", "activities", route)
        if "([^/]+)/history/([^/]+)" in route:
            # simple_history's page of one past version, a regular expression.
            obj = sample_object(callback, "")
            version = obj.history.order_by("history_id").first() if obj is not None else None
            route = route.replace(
                "([^/]+)/history/([^/]+)",
                f"{obj.pk}/history/{version.history_id}" if version else "1/history/1",
            )
        missing = False

        def fill(match, callback=callback):
            nonlocal missing
            converter, name = match.group("converter") or "str", match.group("name")
            if name == "uidb64":
                return uid
            if name == "token":
                return token
            if name == "content_type_id":
                from django.contrib.contenttypes.models import ContentType

                return str(ContentType.objects.get_for_model(admin_user).pk)
            obj = sample_object(callback, name)
            if obj is None:
                missing = True
                return "1"
            if converter == "uuid" or name in ("uid", "uuid"):
                return str(getattr(obj, "uid", obj.pk))
            if converter == "slug" or name == "slug":
                return str(getattr(obj, "slug", obj.pk))
            return str(obj.pk)

        url = "/" + PARAMETER.sub(fill, route)
        urls.append(url)
    return sorted(set(urls))


def check_headers(url: str, response) -> list[str]:
    """What is wrong with a response's headers (an empty list: nothing)."""
    problems = []
    h = response.headers
    expect = {
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": settings.RELINT_PERMISSIONS_POLICY,
    }
    for name, value in expect.items():
        if h.get(name) != value:
            problems.append(f"{url}: {name} is {h.get(name)!r}")
    hsts = h.get("Strict-Transport-Security", "")
    if "max-age=31536000" not in hsts or "includeSubDomains" not in hsts:
        problems.append(f"{url}: Strict-Transport-Security is {hsts!r}")
    csp = h.get("Content-Security-Policy", "")
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "default-src 'self'"):
        if directive not in csp:
            problems.append(f"{url}: CSP lacks {directive}: {csp!r}")
    if "'unsafe-inline'" in csp.split("script-src", 1)[-1].split(";", 1)[0]:
        problems.append(f"{url}: script-src allows unsafe-inline")
    if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
        nonce = re.search(r"'nonce-([^']+)'", csp)
        for tag in re.findall(rb"<script\b[^>]*>", response.content):
            if b" src=" in tag:
                continue
            # A data block (JSON for a script to read) is never executed, so
            # CSP does not govern it; any other type, or none, is code.
            script_type = re.search(rb'\btype="([^"]+)"', tag)
            if script_type and script_type.group(1) in (b"application/json", b"application/ld+json"):
                continue
            if nonce is None or f'nonce="{nonce.group(1)}"'.encode() not in tag:
                problems.append(f"{url}: inline script without the response's nonce: {tag[:80]!r}")
    return problems


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "admin"])
def test_it_sends_the_security_headers_on_every_url(client, personas, world, signed_in):  # noqa: F811
    urls = concrete_urls(personas.admin)
    # The walk really found the site: the admin, the workspace, the account pages.
    assert len(urls) > 100
    assert {"/it/workspace/", "/it/account/login/", "/it/admin/"} <= set(urls)
    if signed_in:
        client.force_login(personas.admin)
    problems, statuses = [], {}
    with override_settings(**PRODUCTION):
        for url in urls:
            response = client.get(url, secure=True)
            statuses[url] = response.status_code
            problems.extend(check_headers(url, response))
    assert problems == []
    assert [url for url, status in statuses.items() if status >= 500] == []
    if signed_in:
        # Most pages rendered for real, not redirected or refused (the rest:
        # redirects of the admin's bare object URLs, add pages of read-only
        # models, POST-only views).
        # Nested addresses (a meeting's attendance row, an agreement's party)
        # take the first row of each table; on SQLite those share pk 1, on
        # PostgreSQL sequences do not restart, so more of them answer 404 (with
        # their headers still checked above). Hence half, not more.
        assert sum(1 for status in statuses.values() if status == 200) > 0.5 * len(urls)


def test_the_bootstrap_italia_font_path_script_carries_the_nonce(client, db):
    response = client.get("/it/account/login/")
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert f'<script nonce="{nonce}">window.__PUBLIC_PATH__'.encode() in response.content
    # A fresh nonce for every response.
    again = client.get("/it/account/login/")
    assert nonce not in again["Content-Security-Policy"]


def test_it_sends_the_headers_on_static_files_and_errors(client, db):
    with override_settings(**PRODUCTION):
        for url in ("/static/css/relint.css", "/it/no-such-page/", "/health/"):
            response = client.get(url, secure=True)
            assert response.status_code in (200, 404), url
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["Permissions-Policy"] == settings.RELINT_PERMISSIONS_POLICY
            assert "max-age=31536000" in response["Strict-Transport-Security"]


def test_it_sets_secure_httponly_samesite_cookies(client, personas):
    with override_settings(**PRODUCTION):
        client.get("/it/account/login/", secure=True)
        response = client.post(
            "/it/account/login/", {"username": "editor_a", "password": "correct-horse-battery-staple"}, secure=True
        )
    assert response.status_code == 302
    for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
        cookie = response.cookies[name]
        assert cookie["secure"] is True, name
        assert cookie["httponly"] is True, name
        assert cookie["samesite"] == "Lax", name


def test_the_production_settings_give_https_only_values():
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ("
        "'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_SSL_REDIRECT', "
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'SESSION_COOKIE_SAMESITE', "
        "'SECURE_CONTENT_TYPE_NOSNIFF', 'SECURE_REFERRER_POLICY', 'DEBUG')}))"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "RELINT_ENV_FILE": "/nonexistent/.env",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "x" * 60,
    }
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)  # noqa: S603
    values = json.loads(result.stdout)
    assert values == {
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "DEBUG": False,
    }


def test_check_deploy_gives_no_warning():
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "RELINT_ENV_FILE": "/nonexistent/.env",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789" * 2,
        "DJANGO_ALLOWED_HOSTS": "relint.comune.example",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
