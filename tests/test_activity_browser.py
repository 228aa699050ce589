"""The activity pages in a real Chromium: the whole review cycle between an
editor and the coordinator, another department's editor kept out, two
sessions editing at once, keyboard-only use of the form, and axe-core's
WCAG 2.1 AA audit of every page on the way."""

import re

import pytest

from relint.activities.models import Activity, ReviewState
from relint.core.testing import PASSWORD
from relint.partners.models import PartnerCity
from tests.conftest import axe_violations

pytestmark = pytest.mark.browser


def _sign_in(new_page, username: str):
    page = new_page()
    page.goto("/it/account/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/it/workspace/")
    return page


def _no_violations(page) -> None:
    assert axe_violations(page) == [], page.url


def test_the_review_cycle_between_editor_and_coordinator(live_personas, new_page):
    PartnerCity.objects.create(name_it="Lione", country_id="FR")
    editor = _sign_in(new_page, "editor_a")
    editor.goto("/it/workspace/activities/new/")
    _no_violations(editor)
    editor.fill("#id_year", "2025")
    editor.select_option("#id_kind", "exchange")
    editor.fill("#id_title_it", "Scambio tra città")
    editor.fill("#id_description_it", "Scambio di tecnici del verde.")
    editor.fill("#id_start_date", "2025-03-01")
    editor.select_option("#id_countries", ["FR", "EC"])
    editor.fill("#id_cities-0-city", "Lione (FR)")
    # The autocomplete offers Quito from GeoNames while typing.
    editor.locator("#id_cities-1-city").press_sequentially("Quit", delay=50)
    # The first search loads GeoNames in the server; on a loaded machine that takes seconds.
    editor.wait_for_function(
        "() => document.querySelectorAll('#id_cities-1-city-options option').length > 0", timeout=30000
    )
    offered = editor.eval_on_selector_all("#id_cities-1-city-options option", "els => els.map(e => e.value)")
    quito = next(value for value in offered if value.startswith("Quito (EC)"))
    editor.fill("#id_cities-1-city", quito)
    editor.get_by_role("button", name=re.compile("Salva|Save")).click()
    editor.wait_for_url(re.compile(r".*/activities/\d+/$"))
    _no_violations(editor)
    activity = Activity.objects.get()
    assert sorted(link.city.name_it for link in activity.city_links.select_related("city")) == ["Lione", "Quito"]
    assert PartnerCity.objects.get(name_it="Quito").geonames_id
    editor.get_by_role("button", name=re.compile("Invia per la revisione|Submit for review")).click()
    editor.wait_for_load_state()
    activity.refresh_from_db()
    assert activity.review_state == ReviewState.SUBMITTED

    # Another department's editor can neither see nor edit it.
    other = _sign_in(new_page, "editor_b")
    assert other.goto(f"/it/workspace/activities/{activity.pk}/").status == 404
    assert other.goto(f"/it/workspace/activities/{activity.pk}/edit/").status == 404
    other.goto("/it/workspace/activities/")
    assert "Scambio tra città" not in other.content()

    coordinator = _sign_in(new_page, "coordinator")
    coordinator.goto(f"/it/workspace/activities/{activity.pk}/")
    _no_violations(coordinator)
    coordinator.get_by_role("link", name=re.compile("Restituisci con un commento|Return with a comment")).click()
    _no_violations(coordinator)
    coordinator.fill("#id_comment", "Aggiungere i risultati attesi.")
    coordinator.get_by_role("button", name=re.compile("Restituisci alla struttura|Return to the department")).click()
    coordinator.wait_for_url(re.compile(r".*/activities/\d+/$"))
    activity.refresh_from_db()
    assert activity.review_state == ReviewState.RETURNED

    editor.goto(f"/it/workspace/activities/{activity.pk}/")
    assert "Aggiungere i risultati attesi." in editor.content()
    editor.goto(f"/it/workspace/activities/{activity.pk}/edit/")
    editor.fill("#id_results_it", "Dieci tecnici formati.")
    editor.get_by_role("button", name=re.compile("Salva|Save")).click()
    editor.wait_for_url(re.compile(r".*/activities/\d+/$"))
    editor.get_by_role("button", name=re.compile("Invia per la revisione|Submit for review")).click()
    editor.wait_for_load_state()
    activity.refresh_from_db()
    assert activity.review_state == ReviewState.SUBMITTED and activity.results_it == "Dieci tecnici formati."

    coordinator.goto("/it/workspace/activities/?review_state=submitted")
    _no_violations(coordinator)
    coordinator.goto(f"/it/workspace/activities/{activity.pk}/")
    coordinator.get_by_role("button", name=re.compile("^(Accetta|Accept)$")).click()
    coordinator.wait_for_load_state()
    activity.refresh_from_db()
    assert activity.review_state == ReviewState.ACCEPTED
    assert activity.accepted_snapshot["results_it"] == "Dieci tecnici formati."
    coordinator.goto(f"/it/workspace/activities/{activity.pk}/history/")
    _no_violations(coordinator)
    coordinator.goto("/it/workspace/rounds/")
    _no_violations(coordinator)


def test_two_sessions_editing_at_once_get_the_conflict_page(live_personas, new_page):
    from relint.activities import services

    activity = services.activity_create(
        user=live_personas.editor_a,
        fields={"year": 2025, "kind": "event", "title_it": "Evento", "lead_department": live_personas.department_a},
    )
    first = _sign_in(new_page, "editor_a")
    second = _sign_in(new_page, "coordinator")
    for page in (first, second):
        page.goto(f"/it/workspace/activities/{activity.pk}/edit/")
    first.fill("#id_title_it", "Evento del primo")
    first.get_by_role("button", name=re.compile("Salva|Save")).click()
    first.wait_for_url(re.compile(r".*/activities/\d+/$"))

    second.fill("#id_description_it", "Descrizione del secondo")
    second.get_by_role("button", name=re.compile("Salva|Save")).click()
    second.wait_for_load_state()
    assert "Descrizione del secondo" in second.content()
    assert "Evento del primo" in second.content()
    _no_violations(second)
    activity.refresh_from_db()
    assert activity.title_it == "Evento del primo" and activity.description_it == ""
    # The defaults keep the first session's title and the second's description.
    second.get_by_role("button", name=re.compile("Salva la versione unita|Save the merged version")).click()
    second.wait_for_url(re.compile(r".*/activities/\d+/$"))
    activity.refresh_from_db()
    assert activity.title_it == "Evento del primo"
    assert activity.description_it == "Descrizione del secondo"


def test_the_activity_form_works_with_the_keyboard_alone(live_personas, new_page):
    page = _sign_in(new_page, "editor_a")
    page.goto("/it/workspace/activities/new/")

    def tab_to(selector: str, limit: int = 80) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("s => document.activeElement === document.querySelector(s)", selector):
                return
        raise AssertionError(f"Tab never reached {selector}")

    tab_to("#id_year")
    page.keyboard.type("2025")
    tab_to("#id_kind")
    page.keyboard.press("ArrowDown")
    assert page.eval_on_selector("#id_kind", "e => e.value") != ""
    tab_to("#id_title_it")
    page.keyboard.type("Attività da tastiera")
    tab_to("button[type=submit].btn-primary:not(.btn-sm)", limit=300)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/activities/\d+/$"))
    assert Activity.objects.get().title_it == "Attività da tastiera"


def test_the_round_pages_and_the_conflict_page_of_a_partner_have_no_violations(live_personas, new_page):
    """The round's completeness table (late departments, counts by review
    state) and the partner registry's conflict page, audited by axe-core."""
    import datetime

    from relint.activities import services
    from relint.partners import services as partner_services

    reporting_round = services.round_open(
        user=live_personas.coordinator, year=2025, deadline=datetime.date(2026, 2, 28)
    )
    services.activity_create(
        user=live_personas.editor_a,
        fields={"year": 2025, "kind": "event", "title_it": "Evento", "lead_department": live_personas.department_a},
    )
    city = PartnerCity.objects.create(name_it="Lione", country_id="FR")
    coordinator = _sign_in(new_page, "coordinator")
    coordinator.goto(f"/it/workspace/rounds/{reporting_round.pk}/")
    assert "Evento" in coordinator.content() or live_personas.department_a.name_it in coordinator.content()
    _no_violations(coordinator)
    coordinator.goto(f"/it/workspace/partners/cities/{city.pk}/edit/")
    coordinator.fill("#id_notes", "Nota del coordinatore")
    partner_services.partner_city_update(
        user=live_personas.coordinator, city=city, fields={"notes": "Nota salvata prima"}, expected_version=1
    )
    coordinator.get_by_role("button", name=re.compile("Salva|Save")).click()
    coordinator.wait_for_load_state()
    assert "Nota del coordinatore" in coordinator.content() and "Nota salvata prima" in coordinator.content()
    _no_violations(coordinator)
    coordinator.get_by_role("button", name=re.compile("Salva la versione unita|Save the merged version")).click()
    coordinator.wait_for_url(re.compile(r".*/partners/cities/\d+/$"))
    city.refresh_from_db()
    assert city.notes == "Nota del coordinatore" and city.version == 3
    coordinator.goto(f"/it/workspace/partners/history/city/{city.pk}/")
    _no_violations(coordinator)
