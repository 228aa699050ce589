"""No lost updates and a readable history on the partner registry: every
kind of record carries its version on its edit form, a form built from an
old version gets the conflict page with nothing lost, and the coordinator can
see each version's differences and put a record back."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from relint.core.conflicts import EditConflictError, posted_data
from relint.partners import forms, services
from tests import partners_data as data


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def records(personas):
    city = data.city()
    committee = data.organisation("Comitato", kind="committee")
    ngo = data.organisation()
    return {
        "city": city,
        "relation": data.relation(city, signed_on=datetime.date(1986, 5, 4)),
        "organisation": ngo,
        "membership": data.membership(committee, ngo, joined_year=2004),
        "agreement": data.agreement(),
        "contact": data.contact(),
    }


# kind -> (edit URL name, form, update service and its record argument, a text field to change)
KINDS = {
    "city": ("city_edit", forms.CityForm, services.partner_city_update, "city", "notes"),
    "relation": ("relation_edit", forms.RelationForm, services.city_relation_update, "relation", "notes"),
    "organisation": (
        "organisation_edit",
        forms.OrganisationForm,
        services.organisation_update,
        "organisation",
        "description_it",
    ),
    "membership": ("membership_edit", forms.MembershipForm, services.membership_update, "membership", "left_year"),
    "agreement": ("agreement_edit", forms.AgreementForm, services.agreement_update, "agreement", "notes"),
    "contact": ("contact_edit", forms.ContactForm, services.contact_person_update, "contact", "notes"),
}
VALUES = {"left_year": ("2010", "2012")}  # field -> (mine, theirs) when not free text


def _values(field: str) -> tuple[str, str]:
    return VALUES.get(field, ("Il mio testo", "Il loro testo"))


def _form_data(form_class, record) -> dict:
    """What the edit page posts as it is loaded, version included."""
    payload = posted_data(form_class(instance=record), form_class._meta.fields).dict()
    payload["version"] = str(record.version)
    return payload


def _save_elsewhere(user, kind: str, record, field: str, value: str):
    _name, _form, update, argument, _field = KINDS[kind]
    return update(user=user, fields={field: value}, expected_version=record.version, **{argument: record})


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_stale_form_gets_the_conflict_page_and_a_merge_saves(client, personas, records, kind):
    url_name, form_class, _update, _argument, field = KINDS[kind]
    record = records[kind]
    url = reverse(f"partners:{url_name}", args=[record.pk])
    client.force_login(personas.coordinator)
    mine, theirs = _values(field)
    payload = _form_data(form_class, record) | {field: mine}
    assert f'name="version" value="{record.version}"' in client.get(url).text

    saved = _save_elsewhere(personas.coordinator, kind, type(record).objects.get(pk=record.pk), field, theirs)
    assert saved.version == 2

    response = client.post(url, payload)
    assert response.status_code == 409
    saved.refresh_from_db()
    assert str(getattr(saved, field)) == theirs and saved.version == 2  # nothing overwritten
    page = response.text
    assert f'value="{mine}"' in page  # nothing typed is lost: it travels in the page
    assert f'name="choose_{field}"' in page and theirs in page
    assert 'name="version" value="2"' in page

    merge = payload | {"_merge": "1", "version": "2", f"choose_{field}": "mine"}
    assert client.post(url, merge).status_code == 302
    saved.refresh_from_db()
    assert str(getattr(saved, field)) == mine and saved.version == 3


def test_a_merge_can_keep_the_saved_value(client, personas, records):
    city = records["city"]
    url = reverse("partners:city_edit", args=[city.pk])
    client.force_login(personas.coordinator)
    payload = _form_data(forms.CityForm, city) | {"notes": "mia", "region": "Rodano"}
    services.partner_city_update(user=personas.coordinator, city=city, fields={"notes": "loro"}, expected_version=1)
    assert client.post(url, payload).status_code == 409
    merge = payload | {"_merge": "1", "version": "2", "choose_notes": "current"}
    assert client.post(url, merge).status_code == 302
    city.refresh_from_db()
    assert (city.notes, city.region, city.version) == ("loro", "Rodano", 3)


def test_a_merge_from_an_outdated_conflict_page_leads_to_the_conflict_page_again(client, personas, records):
    city = records["city"]
    url = reverse("partners:city_edit", args=[city.pk])
    client.force_login(personas.coordinator)
    payload = _form_data(forms.CityForm, city) | {"notes": "mia"}
    services.partner_city_update(user=personas.coordinator, city=city, fields={"notes": "seconda"}, expected_version=1)
    city.refresh_from_db()
    services.partner_city_update(user=personas.coordinator, city=city, fields={"notes": "terza"}, expected_version=2)
    assert client.post(url, payload | {"_merge": "1", "version": "2"}).status_code == 409
    city.refresh_from_db()
    assert city.notes == "terza"


def test_a_form_without_its_version_is_refused_and_changes_nothing(client, personas, records):
    city = records["city"]
    client.force_login(personas.coordinator)
    payload = _form_data(forms.CityForm, city) | {"notes": "senza versione"}
    del payload["version"]
    response = client.post(reverse("partners:city_edit", args=[city.pk]), payload)
    assert response.status_code == 400
    assert "reload the page" in response.text
    city.refresh_from_db()
    assert city.notes == "" and city.version == 1


def test_the_service_refuses_an_old_version(personas, records):
    city = records["city"]
    services.partner_city_update(user=personas.coordinator, city=city, fields={"notes": "a"}, expected_version=1)
    with pytest.raises(EditConflictError):
        services.partner_city_update(user=personas.coordinator, city=city, fields={"notes": "b"}, expected_version=1)
    city.refresh_from_db()
    assert city.notes == "a"


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_the_history_shows_each_change_and_the_coordinator_reverts_it(client, personas, records, kind):
    _url, _form, _update, _argument, field = KINDS[kind]
    record = records[kind]
    first = record.history.order_by("history_id").first().history_id
    original = getattr(record, field)
    _mine, theirs = _values(field)
    saved = _save_elsewhere(personas.coordinator, kind, record, field, theirs)
    client.force_login(personas.coordinator)
    history_url = reverse("partners:record_history", args=[kind, record.pk])
    page = client.get(history_url).text
    label = str(type(record)._meta.get_field(field).verbose_name)
    assert label[0].upper() + label[1:] in page and theirs in page
    revert_url = reverse("partners:record_revert", args=[kind, record.pk, first])
    assert revert_url in page

    assert client.post(revert_url, {"version": str(saved.version)}).status_code == 302
    saved.refresh_from_db()
    assert getattr(saved, field) == original and saved.version == 3
    # The revert is a version too, so it can be undone in turn.
    assert saved.history.count() == 3


def test_a_revert_from_an_outdated_history_page_changes_nothing(client, personas, records):
    city = records["city"]
    first = city.history.order_by("history_id").first().history_id
    services.partner_city_update(user=personas.coordinator, city=city, fields={"notes": "nuova"}, expected_version=1)
    client.force_login(personas.coordinator)
    response = client.post(reverse("partners:record_revert", args=["city", city.pk, first]), {"version": "1"})
    assert response.status_code == 302
    city.refresh_from_db()
    assert city.notes == "nuova" and city.version == 2
    assert "in the meantime" in client.get(response["Location"]).text


@pytest.mark.parametrize("version", ["", "abc", "-1"])
def test_a_revert_with_a_bad_version_changes_nothing(client, personas, records, version):
    city = records["city"]
    first = city.history.order_by("history_id").first().history_id
    client.force_login(personas.coordinator)
    response = client.post(reverse("partners:record_revert", args=["city", city.pk, first]), {"version": version})
    assert response.status_code == 302
    city.refresh_from_db()
    assert city.version == 1 and city.history.count() == 1


def test_a_revert_to_another_records_version_is_refused(client, personas, records):
    city, other = records["city"], data.city("Lilla")
    other_version = other.history.get().history_id
    client.force_login(personas.coordinator)
    client.post(reverse("partners:record_revert", args=["city", city.pk, other_version]), {"version": "1"})
    city.refresh_from_db()
    assert city.name_it == "Lione" and city.version == 1


def test_staff_read_the_history_but_only_the_coordinator_reverts(client, personas, records):
    city = records["city"]
    first = city.history.order_by("history_id").first().history_id
    client.force_login(personas.viewer_a)
    page = client.get(reverse("partners:record_history", args=["city", city.pk]))
    assert page.status_code == 200
    revert_url = reverse("partners:record_revert", args=["city", city.pk, first])
    assert revert_url not in page.text
    assert client.post(revert_url, {"version": "1"}).status_code == 403
    assert client.get(reverse("partners:record_history", args=["nothing", city.pk])).status_code == 404
    city.refresh_from_db()
    assert city.version == 1


def test_the_detail_pages_link_to_the_history(client, personas, records):
    client.force_login(personas.editor_a)
    for kind in ("city", "organisation", "agreement", "contact"):
        record = records[kind]
        page = client.get(record.get_absolute_url()).text
        assert reverse("partners:record_history", args=[kind, record.pk]) in page


def test_partner_records_link_to_their_workspace_pages(records):
    assert records["city"].get_absolute_url() == reverse("partners:city_detail", args=[records["city"].pk])
    assert records["organisation"].get_absolute_url().startswith(reverse("partners:organisation_list"))
    assert records["agreement"].get_absolute_url() == reverse(
        "partners:agreement_detail", args=[records["agreement"].pk]
    )
    assert records["contact"].get_absolute_url() == reverse("partners:contact_detail", args=[records["contact"].pk])
