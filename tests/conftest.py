"""Fixtures shared by every test file: the personas of relint.core.testing,
and a real Chromium driven by Playwright for the browser tests."""

import os
from pathlib import Path

import pytest

from relint.core.testing import Personas, make_personas, restore_reference_data

# Debian's Chromium: Playwright's own browser download cannot run here.
CHROMIUM = os.environ.get("RELINT_CHROMIUM", "/usr/bin/chromium")
# Flags for a headless Chromium on a machine with a closed network, as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"


def pytest_collection_modifyitems(items):
    """Tests marked `browser` talk to a live server in another thread, so they
    need real commits (a transactional database); a test may ask for more
    (`reset_sequences`) with its own `django_db` mark."""
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("django_db"):
            item.add_marker(pytest.mark.django_db(transaction=True))


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language. A request to an /en/ page
    leaves English active in the thread that served it, and a later test in
    the same worker would otherwise get English messages and /en/ addresses,
    depending on the order xdist happened to give."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_local_public_cache():
    """Each test's database is rolled back, so publication generations repeat
    from one test to the next; the per-process copy of the public cache
    (relint/portal/cache.py) must not carry a page into another test."""
    from django.core.cache import caches

    caches["local"].clear()
    yield
    caches["local"].clear()


@pytest.fixture
def personas(db) -> Personas:
    return make_personas()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium per test worker."""
    if not os.access(CHROMIUM, os.X_OK):
        # A missing browser is a broken set-up, never a skipped check.
        pytest.fail(f"Chromium not found at {CHROMIUM}: run the tests with `make test`, which installs it.")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread while
    # the browser is open, and Django then refuses every ORM call of the
    # worker's tests (and of the live server's database flush) as "async".
    # relint has no async code, so the guard is lifted while a browser exists.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def live_personas(live_server) -> Personas:
    """The personas, committed, in the database that the live server reads
    (for tests marked `browser`).

    Each transactional test ends by emptying every table, so the reference
    data of the migrations (departments, SDGs...) is loaded again first.
    pytest-django's serialized rollback does not survive the live_server
    fixture (pytest-django#1117).
    """
    restore_reference_data()
    # A transactional test ends by emptying the models' tables, the
    # publication generation's included, but not the cache table: the next
    # test's generations repeat the last one's, and would find its pages.
    from django.core.cache import caches

    caches["default"].clear()
    return make_personas()


@pytest.fixture
def new_page(browser, live_server):
    """A factory of pages, each in its own browser context (its own cookies):
    call it twice for two people working at once."""
    contexts = []

    def make(locale: str = "it-IT"):
        context = browser.new_context(base_url=live_server.url, locale=locale)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def axe_violations(page, tags=("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")) -> list[dict]:
    """Run axe-core (from node_modules) on the page and return its violations.

    The script is evaluated through the DevTools protocol, so the page's
    Content Security Policy stays as strict as in production.
    """
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", list(tags))
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]} for v in result["violations"]
    ]


@pytest.fixture
def new_instance(tmp_path, db):
    """A factory of fresh relint instances (tests/instances.py), dropped at the end."""
    from tests.instances import Instance

    made = []

    def make(name: str = "instance") -> Instance:
        instance = Instance(tmp_path / name)
        made.append(instance)
        return instance

    yield make
    for instance in made:
        instance.drop()


def read_body(response) -> bytes:
    """The whole body of a test client's response, streamed or not. The
    test client closes a streamed response once its content is read (with
    `close_old_connections` kept away from the test's transaction): one left
    unread keeps its generator, and a server-side cursor on PostgreSQL,
    until the garbage collector finalises it, which can happen in the middle
    of the next query on the same connection and deadlock it (psycopg's
    connection lock). Production's WSGI server always closes responses.
    Closing it here instead would fire `request_finished` with
    `close_old_connections` and break the test's transaction."""
    return b"".join(response.streaming_content) if response.streaming else response.content
