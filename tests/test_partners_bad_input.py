"""Bad input on the partner registry's forms: a clear error on the form
(answered 400), never a 500, and nothing changed in the database."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from relint.partners import models as pm
from relint.partners.documents import MAX_DOCUMENT_SIZE
from tests import partners_data as data

MODELS = [
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
    return tuple(tuple(model.objects.order_by("pk").values_list()) for model in MODELS)


@pytest.fixture(autouse=True)
def in_english():
    # The messages are compared in English: the pages are asked for under /en/.
    with translation.override("en"):
        yield


@pytest.fixture
def coordinator_client(client, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(personas.coordinator)
    return client


@pytest.fixture
def registry(personas):
    city = data.city()
    return {
        "city": city,
        "relation": data.relation(city, signed_on=datetime.date(1986, 5, 4)),
        "ngo": data.organisation(),
        "committee": data.organisation("Comitato", kind="committee"),
        "agreement": data.agreement(),
        "contact": data.contact(),
    }


def _post_refused(client, url, payload, field, message_part) -> str:
    before = _snapshot()
    response = client.post(url, payload)
    assert response.status_code == 400, response.status_code
    form = response.context["form"]
    errors = form.errors.get(field, []) if field else form.non_field_errors()
    assert any(message_part in str(error) for error in errors), form.errors
    assert _snapshot() == before
    return response.content.decode()


TEXT_CASES = [
    ("nul", "Lio\x00ne", "Null characters are not allowed"),
    ("too long", "L" * 201, "has at most"),
    ("script", "<script>alert(1)</script>", "HTML tags are not allowed"),
    ("html", 'Lione <img src=x onerror="alert(1)">', "HTML tags are not allowed"),
]


@pytest.mark.parametrize(("case", "value", "message"), TEXT_CASES, ids=[c[0] for c in TEXT_CASES])
def test_it_refuses_bad_text_in_a_new_city(coordinator_client, registry, case, value, message):
    _post_refused(
        coordinator_client, reverse("partners:city_create"), {"name_it": value, "country": "ES"}, "name_it", message
    )


@pytest.mark.parametrize(("case", "value", "message"), TEXT_CASES, ids=[c[0] for c in TEXT_CASES])
def test_it_refuses_bad_text_when_editing_a_contact(coordinator_client, registry, case, value, message):
    url = reverse("partners:contact_edit", args=[registry["contact"].pk])
    _post_refused(
        coordinator_client, url, {"first_name": "Marie", "last_name": value, "version": 1}, "last_name", message[:20]
    )


def test_it_refuses_an_over_long_note(coordinator_client, registry):
    url = reverse("partners:city_edit", args=[registry["city"].pk])
    _post_refused(
        coordinator_client,
        url,
        {"name_it": "Lione", "country": "FR", "notes": "x" * 4001, "version": 1},
        "notes",
        "at most 4000",
    )


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(document.cookie)", "data:text/html,hi"])
def test_it_refuses_a_script_url_as_website(coordinator_client, registry, url):
    _post_refused(
        coordinator_client,
        reverse("partners:organisation_create"),
        {"name": "ONG", "kind": "ngo", "website": url},
        "website",
        "Enter a valid URL",
    )


def test_it_keeps_plain_less_than_signs(coordinator_client, registry):
    url = reverse("partners:city_edit", args=[registry["city"].pk])
    response = coordinator_client.post(
        url, {"name_it": "Lione", "country": "FR", "notes": "distanza < 5 km", "version": 1}
    )
    assert response.status_code == 302
    registry["city"].refresh_from_db()
    assert registry["city"].notes == "distanza < 5 km"


def test_it_refuses_an_impossible_date(coordinator_client, registry):
    url = reverse("partners:relation_create", args=[registry["city"].pk])
    payload = {"kind": "twinning", "state": "active", "signed_on": "2023-02-30", "signed_precision": "day"}
    _post_refused(coordinator_client, url, payload, "signed_on", "Enter a valid date")


def test_it_refuses_a_relation_ending_before_it_was_signed(coordinator_client, registry):
    url = reverse("partners:relation_edit", args=[registry["relation"].pk])
    payload = {
        "kind": "twinning",
        "state": "ended",
        "signed_on": "1986-05-04",
        "signed_precision": "day",
        "ended_on": "1980-01-01",
        "version": 1,
    }
    _post_refused(coordinator_client, url, payload, None, "cannot end before it was signed")


def test_it_refuses_an_agreement_term_ending_before_it_starts(coordinator_client, registry):
    payload = {
        "kind": "agreement",
        "title_it": "Accordo",
        "signed_precision": "day",
        "valid_from": "2024-01-01",
        "valid_until": "2023-12-31",
    }
    _post_refused(coordinator_client, reverse("partners:agreement_create"), payload, None, "cannot end before")


def test_it_refuses_a_day_under_year_precision(coordinator_client, registry):
    url = reverse("partners:relation_create", args=[registry["city"].pk])
    payload = {"kind": "twinning", "state": "active", "signed_on": "1986-05-04", "signed_precision": "year"}
    _post_refused(coordinator_client, url, payload, "signed_on", "1 January")


def test_it_refuses_a_membership_left_before_joining(coordinator_client, registry):
    url = reverse("partners:membership_create", args=[registry["committee"].pk])
    payload = {
        "committee": registry["committee"].pk,
        "member": registry["ngo"].pk,
        "joined_year": "2010",
        "left_year": "2005",
    }
    _post_refused(coordinator_client, url, payload, None, "cannot come before")


def test_it_refuses_a_membership_of_a_non_committee(coordinator_client, registry):
    other = data.organisation("Altra ONG")
    url = reverse("partners:membership_create", args=[other.pk])
    payload = {"committee": registry["ngo"].pk, "member": other.pk}
    _post_refused(coordinator_client, url, payload, "committee", "Select a valid choice")


def test_it_refuses_a_party_that_is_both_or_neither(coordinator_client, registry):
    url = reverse("partners:party_create", args=[registry["agreement"].pk])
    _post_refused(coordinator_client, url, {}, None, "either an organisation or a partner city")
    _post_refused(
        coordinator_client,
        url,
        {"organisation": registry["ngo"].pk, "city": registry["city"].pk},
        None,
        "either an organisation or a partner city",
    )


def test_it_refuses_an_unknown_choice_and_a_forged_id(coordinator_client, registry):
    _post_refused(
        coordinator_client,
        reverse("partners:city_create"),
        {"name_it": "X", "country": "ZZ"},
        "country",
        "Select a valid choice",
    )
    _post_refused(
        coordinator_client,
        reverse("partners:organisation_create"),
        {"name": "X", "kind": "ngo", "city": "999999"},
        "city",
        "Select a valid choice",
    )


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _zip_without_members() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", "MZ")
    return buffer.getvalue()


UPLOADS = [
    ("exe as pdf", "accordo.pdf", b"MZ\x90\x00\x03\x00\x00\x00", "its content is not PDF"),
    ("html as pdf", "accordo.pdf", b"<html><script>alert(1)</script></html>", "its content is not PDF"),
    ("png as jpg", "foto.jpg", b"\x89PNG\r\n\x1a\n0000", "its content is not JPEG"),
    ("zip as docx", "testo.docx", _zip_without_members(), "its content is not Word"),
    ("html", "pagina.html", b"<html></html>", "not accepted"),
    ("no extension", "accordo", b"%PDF-1.4", "not accepted"),
    ("empty", "vuoto.pdf", b"", "empty"),
]


@pytest.mark.parametrize(("case", "name", "content", "message"), UPLOADS, ids=[u[0] for u in UPLOADS])
def test_it_refuses_disguised_or_unaccepted_uploads(
    coordinator_client, registry, tmp_path, case, name, content, message
):
    url = reverse("partners:document_create", args=[registry["agreement"].pk])
    payload = {"title": "Testo", "file": SimpleUploadedFile(name, content, content_type="application/pdf")}
    _post_refused(coordinator_client, url, payload, "file", message)
    assert list(tmp_path.rglob("*.*")) == []


def test_it_refuses_an_over_size_upload(coordinator_client, registry, tmp_path):
    url = reverse("partners:document_create", args=[registry["agreement"].pk])
    content = b"%PDF-1.4\n" + b"0" * MAX_DOCUMENT_SIZE
    payload = {"title": "Testo", "file": SimpleUploadedFile("grande.pdf", content)}
    _post_refused(coordinator_client, url, payload, "file", "the limit is")
    assert list(tmp_path.rglob("*.pdf")) == []


@pytest.mark.parametrize(
    ("name", "content"),
    [("testo.pdf", b"%PDF-1.7\n%%EOF"), ("testo.docx", _docx()), ("foto.png", b"\x89PNG\r\n\x1a\nx")],
)
def test_it_accepts_real_documents(coordinator_client, registry, name, content):
    url = reverse("partners:document_create", args=[registry["agreement"].pk])
    response = coordinator_client.post(url, {"title": "Testo", "file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302
    document = registry["agreement"].documents.get()
    assert document.file.read() == content


def test_forged_bookkeeping_fields_change_nothing(coordinator_client, personas, registry):
    """Fields no form offers (who created a contact, its id, its version)
    are never taken from a POST; a forged future version is a conflict."""
    contact = registry["contact"]
    url = reverse("partners:contact_edit", args=[contact.pk])
    payload = {"first_name": "Marie", "last_name": "Durand", "version": 1, "created_by": personas.editor_b.pk}
    payload |= {"id": 999, "created_at": "2000-01-01T00:00:00Z"}
    assert coordinator_client.post(url, payload).status_code == 302
    contact.refresh_from_db()
    assert contact.version == 2 and not pm.ContactPerson.objects.filter(pk=999).exists()
    assert contact.created_by_id != personas.editor_b.pk and contact.created_at.year != 2000
    before = _snapshot()
    response = coordinator_client.post(url, {**payload, "last_name": "Falsa", "version": 99})
    assert response.status_code == 409
    assert _snapshot() == before
