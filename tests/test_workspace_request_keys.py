"""Every create form of the workspace carries a request key, so that a
double-submitted form (a double click, a retried request, a reloaded page)
makes exactly one record; the coordination table's forms are tested with
their own feature."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from relint.activities.models import Activity, ActivityAttachment, ReportingRound
from relint.ops.models import RequestKey
from relint.partners import models as pm
from tests import partners_data as data
from tests.activity_helpers import form_data, make_activity

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def rows(personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    city = data.city()
    return {
        "city": city,
        "committee": data.organisation("Comitato", kind="committee"),
        "ngo": data.organisation(),
        "agreement": data.agreement(),
        "activity": make_activity(personas),
    }


# name -> (URL of the form page, payload, model whose rows are counted); the
# payload is a callable because files can be read once only.
CASES = {
    "activity": (
        lambda r: reverse("activities:create"),
        lambda r: form_data(lead_department=str(r["activity"].lead_department_id)),
        Activity,
    ),
    "activity copy": (
        lambda r: reverse("activities:detail", args=[r["activity"].pk]),
        lambda r: {"year": "2026"},
        Activity,
    ),
    "attachment": (
        lambda r: reverse("activities:detail", args=[r["activity"].pk]),
        lambda r: {"title": "Relazione", "file": SimpleUploadedFile("relazione.pdf", PDF)},
        ActivityAttachment,
    ),
    "round": (
        lambda r: reverse("rounds:list"),
        lambda r: {"year": "2031", "deadline": "2032-02-28"},
        ReportingRound,
    ),
    "city": (
        lambda r: reverse("partners:city_create"),
        lambda r: {"name_it": "Valencia", "country": "ES"},
        pm.PartnerCity,
    ),
    "relation": (
        lambda r: reverse("partners:relation_create", args=[r["city"].pk]),
        lambda r: {"kind": "friendship", "state": "active", "signed_precision": "day"},
        pm.CityRelation,
    ),
    "organisation": (
        lambda r: reverse("partners:organisation_create"),
        lambda r: {"name": "Nuova ONG", "kind": "ngo"},
        pm.Organisation,
    ),
    "membership": (
        lambda r: reverse("partners:membership_create", args=[r["committee"].pk]),
        lambda r: {"committee": r["committee"].pk, "member": r["ngo"].pk, "joined_year": "2001"},
        pm.CommitteeMembership,
    ),
    "agreement": (
        lambda r: reverse("partners:agreement_create"),
        lambda r: {"kind": "agreement", "title_it": "Nuovo accordo", "signed_precision": "day"},
        pm.Agreement,
    ),
    "party": (
        lambda r: reverse("partners:party_create", args=[r["agreement"].pk]),
        lambda r: {"city": r["city"].pk},
        pm.AgreementParty,
    ),
    "document": (
        lambda r: reverse("partners:document_create", args=[r["agreement"].pk]),
        lambda r: {"title": "Testo firmato", "file": SimpleUploadedFile("accordo.pdf", PDF)},
        pm.AgreementDocument,
    ),
    "contact": (
        lambda r: reverse("partners:contact_create"),
        lambda r: {"first_name": "Ana", "last_name": "García"},
        pm.ContactPerson,
    ),
}
ACTIONS = {"activity copy": "activities:copy", "attachment": "activities:attachment_add"}


def _key_and_action(page: str, action: str | None) -> tuple[str, str | None]:
    """The request key of the form posting to `action` (the page's only
    create form when None)."""
    forms = re.findall(r'<form method="post"[^>]*>.*?</form>', page, flags=re.S)
    if action is not None:
        forms = [f for f in forms if f'action="{action}"' in f]
    keys = [m for f in forms for m in re.findall(r'name="request_key" value="([0-9a-f-]{36})"', f)]
    assert len(keys) == 1, keys
    return keys[0], action


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_double_submitted_create_makes_one_record(client, personas, rows, name):
    page_url, payload, model = CASES[name]
    client.force_login(personas.coordinator)
    url = page_url(rows)
    action = reverse(ACTIONS[name], args=[rows["activity"].pk]) if name in ACTIONS else None
    key, _action = _key_and_action(client.get(url).text, action)
    post_url = action or url
    before = model.objects.count()
    first = client.post(post_url, payload(rows) | {"request_key": key})
    second = client.post(post_url, payload(rows) | {"request_key": key})
    assert first.status_code == 302, first.content[:2000]
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    assert model.objects.count() == before + 1
    assert RequestKey.objects.filter(key=key).count() == 1
    # Opening the form again gives a new key, so a second record is possible.
    assert _key_and_action(client.get(url).text, action)[0] != key


@pytest.mark.parametrize("key", ["", "not-a-uuid", "1234"])
def test_a_malformed_key_is_a_form_error_not_a_500(client, personas, rows, key):
    client.force_login(personas.coordinator)
    response = client.post(
        reverse("partners:city_create"), {"name_it": "Valencia", "country": "ES", "request_key": key}
    )
    assert response.status_code == 400
    assert not pm.PartnerCity.objects.filter(name_it="Valencia").exists()


def test_another_users_key_is_refused(client, personas, rows):
    client.force_login(personas.coordinator)
    url = reverse("partners:city_create")
    key, _ = _key_and_action(client.get(url).text, None)
    client.post(url, {"name_it": "Valencia", "country": "ES", "request_key": key})
    client.force_login(personas.admin)
    response = client.post(url, {"name_it": "Siviglia", "country": "ES", "request_key": key})
    assert response.status_code == 403
    assert not pm.PartnerCity.objects.filter(name_it="Siviglia").exists()


def test_an_editor_double_submitting_a_new_activity_gets_one(client, personas):
    client.force_login(personas.editor_a)
    url = reverse("activities:create")
    key, _ = _key_and_action(client.get(url).text, None)
    payload = form_data(lead_department=str(personas.department_a.pk)) | {"request_key": key}
    assert client.post(url, payload).status_code == 302
    assert client.post(url, payload).status_code == 302
    assert Activity.objects.filter(title_it="Scambio con Lione").count() == 1


def test_edit_forms_carry_their_version_not_a_key(client, personas, rows):
    client.force_login(personas.coordinator)
    page = client.get(reverse("partners:city_edit", args=[rows["city"].pk])).text
    assert 'name="request_key"' not in page and 'name="version"' in page
