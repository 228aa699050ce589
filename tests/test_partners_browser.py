"""The partner registry in a real Chromium: the coordinator creates a city
with a relation and finds it on the timeline; axe-core's WCAG 2.1 AA audit of
every registry page, in Italian and in English."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from relint.core.testing import PASSWORD
from relint.partners.models import AgreementDocument, PartnerCity
from tests import partners_data as data
from tests.conftest import axe_violations

pytestmark = pytest.mark.browser


def _sign_in(page, username: str, language: str) -> None:
    page.goto(f"/{language}/account/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url(f"**/{language}/workspace/")


def test_it_lets_the_coordinator_create_a_city_with_a_relation(live_personas, new_page):
    page = new_page()
    _sign_in(page, "coordinator", "it")
    page.get_by_role("link", name="Partner").first.click()
    page.wait_for_url("**/it/workspace/partners/")
    page.goto("/it/workspace/partners/cities/new/")
    page.fill("#id_name_it", "Valencia")
    page.select_option("#id_country", "ES")
    page.fill("#id_region", "Comunitat Valenciana")
    page.press("#id_region", "Enter")
    page.wait_for_url("**/it/workspace/partners/cities/*/")
    city = PartnerCity.objects.get(name_it="Valencia")
    page.goto(f"/it/workspace/partners/cities/{city.pk}/relations/new/")
    page.select_option("#id_kind", "friendship")
    page.fill("#id_signed_on", "2003-03-01")
    page.select_option("#id_signed_precision", "month")
    page.fill("#id_notes", "Patto firmato durante la visita del sindaco.")
    page.locator("form.relint-form button[type=submit]").click()
    page.wait_for_url(f"**/it/workspace/partners/cities/{city.pk}/")
    item = page.locator(".relint-timeline-item")
    assert item.count() == 1
    text = item.inner_text()
    assert "marzo 2003" in text.lower()
    assert "Patto firmato durante la visita del sindaco." in text
    assert city.relations.get().signed_on == datetime.date(2003, 3, 1)


def _registry_pages() -> list[str]:
    city = data.city()
    data.relation(city, signed_on=datetime.date(1986, 1, 1), signed_precision="year", notes="Data incerta.")
    ngo = data.organisation(country_id="FR", city=city)
    committee = data.organisation("Comitato ONG", kind="committee")
    membership = data.membership(committee, ngo, joined_year=2004)
    data.organisation("GTT", kind="city_owned", profit_kind="profit")
    agreement = data.agreement(valid_from=datetime.date(2020, 1, 1))
    data.party(agreement, organisation=ngo, signatory="Presidente")
    data.party(agreement, city=city)
    AgreementDocument.objects.create(
        agreement=agreement, title="Testo firmato", file=SimpleUploadedFile("testo.pdf", b"%PDF-1.4\n%%EOF")
    )
    contact = data.contact(organisation=ngo, email="m.dupont@example.org", job_title="Chargée de mission")
    relation = city.relations.get()
    return [
        "",
        "?q=zzz",
        "cities/new/",
        f"cities/{city.pk}/",
        f"cities/{city.pk}/edit/",
        f"cities/{city.pk}/relations/new/",
        f"relations/{relation.pk}/edit/",
        "organisations/",
        "organisations/new/",
        f"organisations/{ngo.pk}/",
        f"organisations/{committee.pk}/",
        f"organisations/{committee.pk}/edit/",
        f"organisations/{committee.pk}/memberships/new/",
        f"memberships/{membership.pk}/edit/",
        "agreements/",
        "agreements/new/",
        f"agreements/{agreement.pk}/",
        f"agreements/{agreement.pk}/edit/",
        f"agreements/{agreement.pk}/parties/new/",
        f"agreements/{agreement.pk}/documents/new/",
        "contacts/",
        "contacts/new/",
        f"contacts/{contact.pk}/",
        f"contacts/{contact.pk}/edit/",
        f"history/city/{city.pk}/",
        f"history/relation/{relation.pk}/",
        f"history/organisation/{committee.pk}/",
        f"history/membership/{membership.pk}/",
        f"history/agreement/{agreement.pk}/",
        f"history/contact/{contact.pk}/",
    ]


@pytest.mark.parametrize("language", ["it", "en"])
def test_it_finds_no_accessibility_violations_on_the_registry_pages(
    live_personas, new_page, language, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    paths = _registry_pages()
    page = new_page("en-GB" if language == "en" else "it-IT")
    _sign_in(page, "coordinator", language)
    found = {}
    for path in paths:
        response = page.goto(f"/{language}/workspace/partners/{path}")
        assert response.status == 200, path
        violations = axe_violations(page)
        if violations:
            found[path] = violations
    # A form sent with errors, too.
    page.goto(f"/{language}/workspace/partners/cities/new/")
    page.fill("#id_name_it", "<b>x</b>")
    page.locator("form.relint-form button[type=submit]").click()
    page.wait_for_selector("#form-errors")
    errors = axe_violations(page)
    if errors:
        found["cities/new/ with errors"] = errors
    assert found == {}
