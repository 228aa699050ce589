"""The permission matrix of the partner registry: every URL and verb it adds
× every persona. Staff with a role read; only the coordinator (and the
administrator) change anything; anonymous visitors are sent to sign in; a
denied request changes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from relint.core.testing import PASSWORD
from relint.partners import models as pm
from relint.partners import urls as partner_urls
from tests import partners_data as data

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

READ = "read"
MANAGE = "manage"


@pytest.fixture
def registry(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    city = data.city()
    rel = data.relation(city, signed_on=datetime.date(1986, 1, 1), signed_precision="year")
    ngo = data.organisation()
    committee = data.organisation("Comitato ONG", kind="committee")
    member = data.membership(committee, ngo, joined_year=2004)
    other = data.organisation("Università di Lione", kind="university")
    agreement = data.agreement()
    party = data.party(agreement, organisation=ngo)
    document = pm.AgreementDocument.objects.create(
        agreement=agreement, title="Testo firmato", file=SimpleUploadedFile("testo.pdf", PDF)
    )
    contact = data.contact(organisation=ngo)
    return {
        "city": city,
        "relation": rel,
        "ngo": ngo,
        "other": other,
        "committee": committee,
        "membership": member,
        "agreement": agreement,
        "party": party,
        "document": document,
        "contact": contact,
    }


def _payloads(r) -> dict:
    """A valid form for every page that takes one, so that a missing check
    would show as a real change."""
    return {
        "city_create": {"name_it": "Nuova Città", "country": "ES"},
        "city_edit": {"name_it": "Lione cambiata", "country": "FR"},
        "relation_create": {"kind": "friendship", "state": "active", "signed_precision": "day"},
        "relation_edit": {"kind": "twinning", "state": "dormant", "signed_precision": "day"},
        "organisation_create": {"name": "Nuova ONG", "kind": "ngo"},
        "organisation_edit": {"name": "ONG cambiata", "kind": "ngo"},
        "membership_create": {"committee": r["committee"].pk, "member": r["other"].pk, "joined_year": "2001"},
        "membership_edit": {"committee": r["committee"].pk, "member": r["ngo"].pk, "joined_year": "1999"},
        "agreement_create": {"kind": "agreement", "title_it": "Nuovo accordo", "signed_precision": "day"},
        "agreement_edit": {"kind": "protocol", "title_it": "Accordo cambiato", "signed_precision": "day"},
        "party_create": {"city": r["city"].pk},
        "contact_create": {"first_name": "Ana", "last_name": "García"},
        "contact_edit": {"first_name": "Marie", "last_name": "Durand"},
    }


# name -> (rule, the fixture key of its argument or None, verbs it answers)
ROUTES = {
    "city_list": (READ, None, {"GET"}),
    "city_detail": (READ, "city", {"GET"}),
    "city_create": (MANAGE, None, {"GET", "POST"}),
    "city_edit": (MANAGE, "city", {"GET", "POST"}),
    "relation_create": (MANAGE, "city", {"GET", "POST"}),
    "relation_edit": (MANAGE, "relation", {"GET", "POST"}),
    "organisation_list": (READ, None, {"GET"}),
    "organisation_detail": (READ, "committee", {"GET"}),
    "organisation_create": (MANAGE, None, {"GET", "POST"}),
    "organisation_edit": (MANAGE, "ngo", {"GET", "POST"}),
    "membership_create": (MANAGE, "committee", {"GET", "POST"}),
    "membership_edit": (MANAGE, "membership", {"GET", "POST"}),
    "membership_delete": (MANAGE, "membership", {"POST"}),
    "agreement_list": (READ, None, {"GET"}),
    "agreement_detail": (READ, "agreement", {"GET"}),
    "agreement_create": (MANAGE, None, {"GET", "POST"}),
    "agreement_edit": (MANAGE, "agreement", {"GET", "POST"}),
    "party_create": (MANAGE, "agreement", {"GET", "POST"}),
    "party_delete": (MANAGE, "party", {"POST"}),
    "document_create": (MANAGE, "agreement", {"GET", "POST"}),
    "document_download": (READ, "document", {"GET"}),
    "contact_list": (READ, None, {"GET"}),
    "contact_detail": (READ, "contact", {"GET"}),
    "contact_create": (MANAGE, None, {"GET", "POST"}),
    "contact_edit": (MANAGE, "contact", {"GET", "POST"}),
    "record_history": (READ, lambda r: ["city", r["city"].pk], {"GET"}),
    "record_revert": (MANAGE, lambda r: ["city", r["city"].pk, _first_version(r["city"])], {"POST"}),
}
VERBS = ("GET", "POST", "PUT", "DELETE")
PERSONAS = ("anonymous", "no_role", "editor_a", "editor_b", "viewer_a", "coordinator", "admin")
ALLOWED = {
    READ: {"editor_a", "editor_b", "viewer_a", "coordinator", "admin"},
    MANAGE: {"coordinator", "admin"},
}
HISTORY_MODELS = [
    pm.PartnerCity,
    pm.CityRelation,
    pm.Organisation,
    pm.CommitteeMembership,
    pm.Agreement,
    pm.AgreementParty,
    pm.AgreementDocument,
    pm.ContactPerson,
]


def _snapshot() -> tuple:
    """Every row and every history row of the registry."""
    rows = tuple(tuple(model.objects.order_by("pk").values_list()) for model in HISTORY_MODELS)
    history = tuple(model.history.count() for model in HISTORY_MODELS)
    return rows, history


def _first_version(record) -> int:
    return record.history.order_by("history_id").first().history_id


def _with_version(name: str, payload: dict | None, registry, key) -> dict | None:
    """An edit or a revert posts the version its page was built from: the
    record's current one, so that an allowed request really saves."""
    if not (name.endswith("_edit") or name == "record_revert"):
        return payload
    record = registry["city"] if callable(key) else registry[key]
    return {**(payload or {}), "version": type(record).objects.get(pk=record.pk).version}


def test_it_covers_every_url_of_the_registry():
    assert {p.name for p in partner_urls.urlpatterns} == set(ROUTES)


def _client_for(client, personas, who):
    if who == "anonymous":
        return client
    if who == "no_role":
        client.force_login(get_user_model().objects.create_user(username="nobody", password=PASSWORD))
        return client
    client.force_login(getattr(personas, who))
    return client


def _request(client, verb, url, payload, name):
    if verb == "POST" and name == "document_create":
        payload = {"title": "Allegato", "file": SimpleUploadedFile("allegato.pdf", PDF)}
    method = getattr(client, verb.lower())
    if verb == "GET":
        return method(url)
    return method(url, payload or {})


@pytest.mark.parametrize("who", PERSONAS)
def test_it_answers_every_persona_as_the_matrix_says(client, personas, registry, who):
    client = _client_for(client, personas, who)
    payloads = _payloads(registry)
    unexpected = []
    checked = 0
    for name, (rule, key, verbs) in ROUTES.items():
        for verb in VERBS:
            args = key(registry) if callable(key) else [registry[key].pk] if key else []
            url = reverse(f"partners:{name}", args=args)
            before = _snapshot()
            response = _request(client, verb, url, _with_version(name, payloads.get(name), registry, key), name)
            checked += 1
            status = response.status_code
            allowed = who in ALLOWED[rule]
            if who == "anonymous":
                ok = status == 302 and response["Location"].startswith(reverse("account:login"))
            elif not allowed:
                ok = status in (403, 404)
            elif verb not in verbs:
                ok = status == 405
            else:
                ok = status in (200, 302)
            changed = _snapshot() != before
            if not ok or (changed and not (allowed and verb in verbs and verb == "POST")):
                unexpected.append((name, verb, status, changed))
            # Keep the registry as the fixture built it for the next request.
            if changed:
                registry.update(_rebuild(registry))
    assert unexpected == []
    assert checked == len(ROUTES) * len(VERBS)


def _rebuild(registry) -> dict:
    """After an allowed write, the rows the next routes need (a removed
    membership or party is made again)."""
    rebuilt = {}
    if not pm.CommitteeMembership.objects.filter(pk=registry["membership"].pk).exists():
        rebuilt["membership"] = data.membership(registry["committee"], registry["ngo"], joined_year=2004)
    if not pm.AgreementParty.objects.filter(pk=registry["party"].pk).exists():
        rebuilt["party"] = data.party(registry["agreement"], organisation=registry["ngo"])
    return rebuilt


def test_it_lets_the_coordinator_write_and_keeps_the_history(client, personas, registry):
    client.force_login(personas.coordinator)
    response = client.post(reverse("partners:city_create"), {"name_it": "Valencia", "country": "ES"})
    city = pm.PartnerCity.objects.get(name_it="Valencia")
    assert response.status_code == 302
    assert response["Location"] == reverse("partners:city_detail", args=[city.pk])
    entry = city.history.get()
    assert entry.history_type == "+"
    assert entry.history_user == personas.coordinator


def test_it_never_shows_a_viewer_the_edit_links(client, personas, registry):
    client.force_login(personas.viewer_a)
    page = client.get(reverse("partners:city_detail", args=[registry["city"].pk])).content.decode()
    assert "Lione" in page
    assert reverse("partners:city_edit", args=[registry["city"].pk]) not in page
    assert reverse("partners:relation_create", args=[registry["city"].pk]) not in page


def test_it_answers_404_for_a_missing_record(client, personas, registry):
    client.force_login(personas.coordinator)
    assert client.get(reverse("partners:city_detail", args=[999999])).status_code == 404
    assert client.get(reverse("partners:contact_edit", args=[999999])).status_code == 404
    assert client.post(reverse("partners:party_delete", args=[999999])).status_code == 404


def test_it_serves_documents_as_downloads_to_staff_only(client, personas, registry):
    url = reverse("partners:document_download", args=[registry["document"].pk])
    client.force_login(personas.viewer_a)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF
    client.logout()
    assert client.get(url).status_code == 302
