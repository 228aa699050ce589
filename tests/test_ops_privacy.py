"""Personal data of contact persons: export, erasure keeping the audit
trail, and the retention purge."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import timezone

from relint.partners.models import ContactPerson, Organisation, OrganisationKind
from relint.partners.privacy import ERASED, contact_erase, contact_export, contacts_purge

PERSONAL = {
    "first_name": "Jeanne",
    "last_name": "Martin",
    "job_title": "Chargée de mission",
    "email": "jeanne.martin@lyon.example",
    "phone": "+33 4 00 00 00 00",
    "languages": "fr, it",
    "notes": "Prefers calls in the morning.",
}


@pytest.fixture
def contact(personas):
    from simple_history.utils import update_change_reason

    ngo = Organisation.objects.create(name="Maison de l'Europe", kind=OrganisationKind.NGO)
    person = ContactPerson.objects.create(organisation=ngo, **{**PERSONAL, "phone": "+33 4 11 11 11 11"})
    person.phone = PERSONAL["phone"]
    person._history_user = personas.coordinator
    person.save()
    update_change_reason(person, "new phone number")
    return person


def _all_text(contact_id: int) -> str:
    rows = list(ContactPerson.objects.filter(pk=contact_id).values()) + list(
        ContactPerson.history.filter(id=contact_id).values()
    )
    return json.dumps(rows, default=str)


def test_it_exports_everything_held_including_history(contact, capsys):
    call_command("export_person", str(contact.pk))
    data = json.loads(capsys.readouterr().out)
    assert data["record"]["email"] == PERSONAL["email"]
    assert data["record"]["organisation_name"] == "Maison de l'Europe"
    assert [row["history_type"] for row in data["history"]] == ["created", "changed"]
    assert data["history"][0]["phone"] == "+33 4 11 11 11 11"
    assert data["history"][1]["history_user"] == "coordinator"
    assert data["history"][1]["history_change_reason"] == "new phone number"


def test_it_exports_to_a_file(contact, tmp_path):
    target = tmp_path / "export.json"
    call_command("export_person", str(contact.pk), "--output", str(target))
    assert json.loads(target.read_text(encoding="utf-8"))["record"]["last_name"] == "Martin"


def test_it_refuses_an_unknown_person(db):
    with pytest.raises(CommandError, match="No contact person"):
        call_command("export_person", "999999")
    with pytest.raises(CommandError, match="No contact person"):
        call_command("erase_person", "999999", "--noinput")


def test_erasure_blanks_the_personal_values_and_keeps_the_trail(contact, personas):
    history_before = ContactPerson.history.filter(id=contact.pk).count()
    call_command("erase_person", str(contact.pk), "--noinput")
    erased = ContactPerson.objects.get(pk=contact.pk)
    assert erased.first_name == ERASED
    assert erased.organisation.name == "Maison de l'Europe"
    text = _all_text(contact.pk)
    for value in PERSONAL.values():
        assert value not in text
    assert "+33 4 11 11 11 11" not in text
    rows = list(ContactPerson.history.filter(id=contact.pk).order_by("history_id"))
    # The trail: every earlier change still says who and when, plus the erasure.
    assert len(rows) == history_before + 1
    assert rows[1].history_user == personas.coordinator
    assert rows[-1].history_change_reason == "personal data erased"


def test_erasure_asks_for_confirmation(contact, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="Nothing erased"):
        call_command("erase_person", str(contact.pk))
    assert ContactPerson.objects.get(pk=contact.pk).email == PERSONAL["email"]


def test_only_the_coordinator_handles_personal_data(contact, personas):
    for persona in (personas.editor_a, personas.viewer_a):
        with pytest.raises(PermissionDenied):
            contact_export(user=persona, contact=contact)
        with pytest.raises(PermissionDenied):
            contact_erase(user=persona, contact=contact)
        with pytest.raises(PermissionDenied):
            contacts_purge(user=persona)
    assert contact_export(user=personas.coordinator, contact=contact)["record"]["email"] == PERSONAL["email"]


def test_the_purge_deletes_only_contacts_past_the_retention(personas, settings, capsys):
    settings.RELINT_CONTACT_RETENTION_DAYS = 365
    today = timezone.localdate()
    old = ContactPerson.objects.create(first_name="Old", last_name="One", email="old@example.org")
    ContactPerson.objects.filter(pk=old.pk).update(last_confirmed_on=today - datetime.timedelta(days=400))
    never = ContactPerson.objects.create(first_name="Never", last_name="Confirmed")
    ContactPerson.objects.filter(pk=never.pk).update(created_at=timezone.now() - datetime.timedelta(days=400))
    fresh = ContactPerson.objects.create(
        first_name="Fresh", last_name="One", last_confirmed_on=today - datetime.timedelta(days=30)
    )
    new = ContactPerson.objects.create(first_name="New", last_name="Unconfirmed")

    call_command("purge_contacts", "--dry-run")
    assert "2 contact persons past 365 days (dry run" in capsys.readouterr().out
    assert ContactPerson.objects.count() == 4

    call_command("purge_contacts")
    assert set(ContactPerson.objects.values_list("pk", flat=True)) == {fresh.pk, new.pk}
    assert "old@example.org" not in _all_text(old.pk)
    # The deletion itself is in the history, without the values.
    assert ContactPerson.history.filter(id=old.pk, history_type="-").exists()


def test_no_public_url_or_flat_record_shows_a_contact(client, personas):
    """Every URL of the URLconf, signed out (portal, API and exports are
    covered as soon as they are routed), and the flat records that exports
    and the report are built from."""
    from relint.activities.models import Activity
    from relint.activities.serializers import activity_record
    from tests.test_ops_headers import concrete_urls

    secret = {"email": "segreto.contatto@partner.example", "phone": "+39 011 999 8877", "last_name": "Riservatissimi"}
    ContactPerson.objects.create(first_name="Ugo", **secret)
    Activity.objects.create(year=2025, kind="exchange", title_it="Pubblica", lead_department=personas.department_a)
    leaks = []
    for url in concrete_urls(personas.admin):
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        leaks += [f"{url}: {value}" for value in secret.values() if value.encode() in body]
    for activity in Activity.objects.all():
        text = json.dumps(activity_record(activity))
        leaks += [f"record {activity.pk}: {value}" for value in secret.values() if value in text]
    assert leaks == []
