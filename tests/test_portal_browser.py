"""The public portal in a real Chromium: axe-core's WCAG 2.1 AA audit of
every portal page in Italian and English (the map drawn), and the map used
with the keyboard and the mouse."""

import pytest

from tests.conftest import axe_violations
from tests.test_portal import LANGUAGES, build_world, url

pytestmark = pytest.mark.browser

PAGES = [
    "portal:home",
    "portal:city_list",
    "city",
    "portal:organisation_list",
    "portal:activity_list",
    "filtered",
    "bad-filter",
    "activity",
    "portal:coordination_table",
    "portal:report_list",
    "portal:privacy",
    "portal:legal_notes",
]
MAP_PAGES = {"portal:home", "portal:city_list"}


@pytest.fixture
def live_world(live_personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_world(live_personas, media_root=tmp_path)


def _address(world, page: str, language: str) -> str:
    if page == "city":
        return url("portal:city_detail", language, world.city.uid)
    if page == "activity":
        return url("portal:activity_detail", language, world.public.uid)
    if page == "filtered":
        return f"{url('portal:activity_list', language)}?country=FR&city={world.city.uid}"
    if page == "bad-filter":
        return f"{url('portal:activity_list', language)}?sdg=99&year=abc"
    return url(page, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_portal_page_has_no_wcag_violation(live_world, new_page, language):
    page = new_page(locale="it-IT" if language == "it" else "en-GB")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            # The bad-filter page answers 400 on purpose; Chromium logs that.
            and "status of 400" not in message.text
            and errors.append(message.text)
        ),
    )
    for name in PAGES:
        address = _address(live_world, name, language)
        response = page.goto(address)
        assert response.status == (400 if name == "bad-filter" else 200), address
        if name in MAP_PAGES:
            page.wait_for_selector(".relint-map-marker", state="attached")
        assert axe_violations(page) == [], address
    # Nothing refused by the Content Security Policy, no script error.
    assert errors == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_opens_a_city_from_the_map_with_the_keyboard(live_world, new_page, language):
    page = new_page()
    page.goto(url("portal:city_list", language))
    page.wait_for_selector(".relint-map-marker", state="attached")
    markers = page.locator(".relint-map-marker")
    assert markers.count() == 2  # both cities have coordinates
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('relint-map-marker')"):
            break
    else:
        pytest.fail("Tab never reached a city on the map")
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert label.startswith(("Lione", "Lyon", "Quetzaltenango"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/cities/*/")
    heading = page.get_by_role("heading", level=1).inner_text()
    assert label.startswith(heading)


def test_it_opens_a_city_with_a_click_on_the_map(live_world, new_page):
    page = new_page()
    page.goto(url("portal:home", "en"))
    page.wait_for_selector(".relint-map-marker", state="attached")
    page.locator(f'.relint-map-marker[href="{url("portal:city_detail", "en", live_world.city.uid)}"]').click()
    page.wait_for_url(f"**{url('portal:city_detail', 'en', live_world.city.uid)}")
    assert page.get_by_role("heading", level=1).inner_text() == "Lyon"


def test_the_list_stands_in_for_the_map_when_the_map_cannot_load(live_world, new_page):
    page = new_page()
    # As without JavaScript or on a failed download: the map library never arrives.
    page.route("**/d3-geo/**", lambda route: route.abort())
    page.goto(url("portal:city_list", "it"))
    page.wait_for_load_state("load")
    assert page.locator("[data-relint-map]").is_hidden()
    assert page.locator("#partner-cities a").count() == 2
    assert axe_violations(page) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_open_data_and_api_docs_pages_have_no_wcag_violation(live_world, new_page, language):
    page = new_page(locale="it-IT" if language == "it" else "en-GB")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    response = page.goto(f"/{language}/open-data/")
    assert response.status == 200
    assert page.locator(f'a[href="/{language}/open-data/iati-activities.xml"]').count() == 1
    assert axe_violations(page) == [], "open data"
    # /api/v1/docs leads to the reference page in the browser's language.
    response = page.goto("/api/v1/docs")
    assert response.status == 200
    assert page.url.endswith(f"/{language}/open-data/api/")
    assert page.locator("h2 code").count() >= 10  # every address of the API
    assert axe_violations(page) == [], "API docs"
    assert errors == []
