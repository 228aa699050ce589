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
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.conftest import read_body
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


def _words(text: str) -> list[str]:
    return [word for word in re.split(r"[_\W]+", text.lower()) if word]


def candidate_models(callback, name: str, segment: str = "") -> list:
    """The models a pattern's parameter may name, best first: the admin's
    own model; a model named by the parameter (`attachment_pk`); one named
    by the view (`meeting_detail`, `city_detail` for PartnerCity); one of
    the view's app with a field of the parameter's name (`uid`)."""
    model_admin = getattr(callback, "model_admin", None)
    if model_admin is not None:
        return [model_admin.model]
    stem = re.sub(r"(^|_)(pk|id)$", "", name.lower())
    view_name = getattr(callback, "__name__", "").lower()
    view_words = _words(view_name)
    app = callback.__module__.split(".")[1] if callback.__module__.startswith("relint.") else None
    # The path segment before the parameter, singular (the API's `activities/<uid>`).
    noun = re.sub(r"ies$", "y", segment.lower()).removesuffix("s")
    ranked = []
    for model in apps.get_models():
        model_name = model._meta.model_name
        field_names = {f.name for f in model._meta.fields}
        if stem and model_name == stem:
            rank = 0
        elif stem and stem not in ("uid", "uuid", "slug") and stem in model_name:
            rank = 1
        elif model_name in view_name or (view_words and view_words[0] in model_name and len(view_words[0]) > 3):
            rank = 2
        elif name in field_names and model._meta.app_label == app:
            rank = 3
        elif len(noun) > 3 and name in field_names and model_name.endswith(noun):
            rank = 4
        else:
            continue
        # Ties: the view's own app, then a model the view's words name (agenda_review: AgendaItem).
        ranked.append((rank, model._meta.app_label != app, not any(w in model_name for w in view_words), model))
    return [model for *_, model in sorted(ranked, key=lambda item: item[:3])]


def sample_objects(callback, names: list[str], segments: list[str] | None = None) -> list:
    """One row for each parameter of a pattern, nested ones taken from
    related rows: `meetings/<pk>/attendance/<attendance_pk>/` gets an
    attendance and *its* meeting, so the address exists on any database
    (PostgreSQL's sequences do not restart between tests, SQLite's do)."""
    segments = segments or [""] * len(names)
    candidates = [candidate_models(callback, name, segment) for name, segment in zip(names, segments, strict=True)]
    chosen: list = []
    for index, models in enumerate(candidates):
        parent = chosen[index - 1] if index else None
        if parent is not None:
            # A child of the previous parameter's model, if one fits.
            related = [m for m in models if any(f.many_to_one and f.related_model is parent for f in m._meta.fields)]
            models = related or models
        chosen.append(models[0] if models else None)
    objects: list = [None] * len(names)
    for index in reversed(range(len(names))):
        model, child = chosen[index], objects[index + 1] if index + 1 < len(names) else None
        if names[index] == "history_id" and index and chosen[index - 1] is not None:
            continue  # filled from its parent below
        if model is None:
            continue
        link = child is not None and next(
            (f for f in child._meta.fields if f.many_to_one and f.related_model is model), None
        )
        if link:
            objects[index] = getattr(child, link.name)
            continue
        rows = model._default_manager.order_by("pk")
        if names[index] in ("uid", "uuid") and hasattr(rows, "public"):
            rows = rows.public()  # a public page's address: a published row
        objects[index] = rows.first()
    for index, name in enumerate(names):
        history = getattr(objects[index - 1], "history", None) if name == "history_id" and index else None
        if history is not None and hasattr(history, "order_by"):
            objects[index] = history.order_by("history_id").first()
    return objects


def _fixed_value(callback, name: str) -> str | None:
    """Parameters that are not rows: a report year and edition, a format,
    a dataset's slug, a sitemap's section."""
    from relint.opendata.datasets import all_datasets
    from relint.reports.models import AnnualReport

    view_name = getattr(callback, "__name__", "")
    report = AnnualReport.objects.order_by("pk").first()
    values = {
        "year": str(report.year if report else 2025),
        "language": report.language if report else "it",
        "edition": "pdf",
        "fmt": "ttl" if view_name == "catalogue" else "csv",
        "section": "pages",
    }
    if name == "slug" and callback.__module__.startswith("relint.opendata"):
        return all_datasets()[0].slug
    return values.get(name)


def sample_urls(admin_user) -> dict[str, bool]:
    """Every URL of the URLconf with its parameters filled, and whether
    every parameter found a sample (False: a placeholder `1` is in it).

    In Italian, whatever language an earlier test left active: the
    language prefix of i18n_patterns is the active language's, so a test
    run after one that activated English walked /en/ and failed the check
    that /it/workspace/ is among the URLs (an order-dependent failure that
    xdist's distribution of tests brought out now and then)."""
    with translation.override("it"):
        return _sample_urls(admin_user)


def _sample_urls(admin_user) -> dict[str, bool]:
    urls: dict[str, bool] = {}
    uid = urlsafe_base64_encode(force_bytes(admin_user.pk))
    token = default_token_generator.make_token(admin_user)
    for route, callback in walk(get_resolver().url_patterns):
        if any(re.search(skip, route) for skip in SKIPPED_PATTERNS):
            continue
        # Anchors only: a `^` inside a character class (`[^/]`) stays.
        route = re.sub(r"(?<!\[)\^", "", route).replace("$", "").replace("\\Z", "")
        if "(?P<app_label>" in route:
            # The admin's app index, a regular expression: one sample.
            route = re.sub(r"\(\?P<app_label>[^)]*\)", "activities", route)
        complete = True
        if "([^/]+)/history/([^/]+)" in route:
            # simple_history's page of one past version, a regular expression.
            obj, version = sample_objects(callback, ["pk", "history_id"])
            complete = version is not None
            route = route.replace(
                "([^/]+)/history/([^/]+)",
                f"{obj.pk}/history/{version.history_id}" if version else "1/history/1",
            )
        matches = list(PARAMETER.finditer(route))
        names = [match.group("name") for match in matches]
        segments = [route[: match.start()].rstrip("/").rsplit("/", 1)[-1] for match in matches]
        objects = dict(zip(names, sample_objects(callback, names, segments), strict=True))

        def fill(match, callback=callback, objects=objects):
            nonlocal complete
            converter, name = match.group("converter") or "str", match.group("name")
            if name == "uidb64":
                return uid
            if name == "token" and "feed" not in getattr(callback, "__name__", ""):
                return token
            if name == "content_type_id":
                from django.contrib.contenttypes.models import ContentType

                return str(ContentType.objects.get_for_model(admin_user).pk)
            fixed = _fixed_value(callback, name)
            if fixed is not None:
                return fixed
            obj = objects.get(name)
            if obj is None:
                complete = False
                return "1"
            if name == "history_id":
                return str(obj.history_id)
            if converter == "uuid" or name in ("uid", "uuid"):
                return str(getattr(obj, "uid", obj.pk))
            if converter == "slug" or name == "slug":
                return str(getattr(obj, "slug", obj.pk))
            if name == "token":
                return str(obj.token)
            return str(obj.pk)

        url = "/" + PARAMETER.sub(fill, route)
        urls[url] = urls.get(url, True) and complete
    return dict(sorted(urls.items()))


def concrete_urls(admin_user) -> list[str]:
    return list(sample_urls(admin_user))


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
    samples = sample_urls(personas.admin)
    urls = list(samples)
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
            read_body(response)
    assert problems == []
    assert [url for url, status in statuses.items() if status >= 500] == []
    if signed_in:
        # Most pages rendered for real, not redirected or refused (the rest:
        # redirects of the admin's bare object URLs, add pages of read-only
        # models, POST-only views, downloads of files the sample rows lack).
        # Every parameter comes from a real row, nested ones from related
        # rows, so this holds on PostgreSQL (whose sequences do not restart
        # between tests) as on SQLite. Few addresses lack a sample row (the
        # placeholder `1`: tables the sample world leaves empty, such as
        # axes' logs), so they cannot hollow the guard.
        complete = [url for url, found in samples.items() if found]
        assert len(complete) > 0.8 * len(urls)
        # 0.6: on PostgreSQL, where sequences do not restart between tests,
        # 66 % of them answered 200 after the table's edit pages and the
        # partner history pages joined the URLconf (nested ids that the
        # sample rows do not pair); on SQLite above 70 %.
        assert sum(1 for url in complete if statuses[url] == 200) > 0.6 * len(complete)


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


def test_the_walk_is_in_italian_whatever_language_an_earlier_test_left(client, personas):
    # A request to an English page leaves English active in this thread
    # (LocaleMiddleware activates, nothing deactivates in the test client).
    client.get("/en/")
    assert translation.get_language() == "en"
    try:
        urls = concrete_urls(personas.admin)
    finally:
        translation.deactivate()
    assert "/it/workspace/" in urls
    assert not any(url.startswith("/en/") for url in urls)
