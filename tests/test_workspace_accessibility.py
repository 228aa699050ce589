"""axe-core's WCAG 2.1 AA audit of every page of the workspace, in real
Chromium: every address of the URLconf under /workspace/, its parameters
filled from the sample world (one row of every domain model), that renders
an HTML page for the coordinator, in Italian and in English."""

from __future__ import annotations

import pytest

from relint.core.testing import PASSWORD
from tests.conftest import axe_violations
from tests.test_admin import world  # noqa: F401 - one row of every domain model
from tests.test_ops_headers import sample_urls

# Sequences restart for each test: the walk fills addresses from the sample
# world's rows, and finds every page when ids are as a fresh database's.
pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True, reset_sequences=True)]


@pytest.fixture
def personas(live_personas):
    # The sample world is built on the personas; here they must be the
    # committed ones the live server reads.
    return live_personas


def _workspace_pages(client, coordinator) -> list[str]:
    client.force_login(coordinator)
    pages = []
    for url in sample_urls(coordinator):
        if not url.startswith("/it/workspace/"):
            continue
        response = client.get(url)
        # Fragments that htmx swaps into a page (the city search's results)
        # are audited as part of the page that shows them.
        if (
            response.status_code == 200
            and response["Content-Type"].startswith("text/html")
            and b"<html" in response.content
        ):
            pages.append(url)
    return pages


@pytest.mark.parametrize("language", ["it", "en"])
def test_every_workspace_page_has_no_axe_violation(client, personas, world, new_page, language):  # noqa: F811
    pages = _workspace_pages(client, personas.coordinator)
    # The walk found the workspace: its dashboard, activities, rounds,
    # partners, the table, the reports and the import.
    assert len(pages) > 45, (len(pages), pages)
    for part in ("activities/", "rounds/", "partners/", "table/", "reports/", "import/"):
        assert any(url.startswith(f"/it/workspace/{part}") for url in pages), part
    page = new_page("en-GB" if language == "en" else "it-IT")
    page.goto(f"/{language}/account/login/")
    page.locator("#id_username").fill(personas.coordinator.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(f"**/{language}/workspace/")
    failures = {}
    for url in pages:
        url = f"/{language}/" + url.removeprefix("/it/")
        page.goto(url)
        violations = axe_violations(page)
        if violations:
            failures[url] = violations
    assert failures == {}
