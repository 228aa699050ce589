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


SECRET = {
    "first_name": "Ermenegilda",
    "last_name": "Riservatissimi",
    "email": "segreto.contatto@partner.example",
    "phone": "+39 011 999 8877",
    "job_title": "Referente segretissima",
    "notes": "Nota confidenziale sul contatto",
}


def _text_of(body: bytes) -> str:
    """What a reader sees in a response: a PDF's text, a workbook's or
    archive's members (compressed, so the raw bytes would never match), or
    the body itself."""
    import io
    import zipfile

    from pypdf import PdfReader

    if body.startswith(b"%PDF"):
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    if body.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return body.decode("utf-8", "replace")


def _leaks(where: str, text: str) -> list[str]:
    # PDF text extraction may break a value across lines: compare without spaces too.
    flat = "".join(text.split())
    return [f"{where}: {value}" for value in SECRET.values() if value in text or "".join(value.split()) in flat]


def test_no_public_url_report_or_flat_record_shows_a_contact(client, personas, settings, tmp_path):
    """Every URL of the URLconf, signed out (portal, API, open-data exports
    and the published report's PDF and HTML edition as the portal serves
    them), the built report files themselves in both languages, and the flat
    records that exports and the report are built from. The contact belongs
    to the partner city and organisation of a published activity, so the
    report does show them."""
    from relint.activities.models import Activity
    from relint.activities.serializers import activity_record
    from relint.opendata.datasets import FORMATS, all_datasets
    from relint.reports.services import report_build_now, report_publish
    from tests.test_ops_headers import concrete_urls
    from tests.test_report_pdf import _activity

    settings.MEDIA_ROOT = tmp_path  # the report files of this test only
    activity = _activity(personas.department_a, "Cooperazione pubblica", is_public=True)
    city, organisation = activity.partner_cities.get(), activity.partner_organisations.get()
    ContactPerson.objects.create(organisation=organisation, **SECRET)
    ContactPerson.objects.create(city=city, **{**SECRET, "first_name": "Ermenegildo"})
    reports = [report_build_now(user=personas.coordinator, year=2025, language=lang) for lang in ("it", "en")]
    assert [report.state for report in reports] == ["ready", "ready"], [report.error for report in reports]
    for report in reports:
        report_publish(user=personas.coordinator, report=report)

    leaks, seen = [], []
    for report in reports:
        for field in ("file", "html_file"):
            with getattr(report, field).open("rb") as handle:
                text = _text_of(handle.read())
            # The walk is real: the report names the partners the contacts belong to.
            assert organisation.name in text and city.name_it in text, (report.language, field)
            leaks += _leaks(f"report {report.language} {field}", text)
    editions = [
        f"/{ui}/reports/2025/{report.language}.{kind}"
        for ui in ("it", "en")
        for report in reports
        for kind in ("pdf", "html")
    ]
    # The walk fills one format per dataset; every format of every dataset here.
    datasets = [f"/it/open-data/{d.slug}.{fmt}" for d in all_datasets() for fmt in FORMATS]
    for url in concrete_urls(personas.admin) + editions + datasets:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if response.status_code == 200 and body[:4] in (b"%PDF", b"PK\x03\x04"):
            seen.append(url)
        leaks += _leaks(url, _text_of(body))
    # The published PDF and the open-data workbooks were among the pages read.
    assert set(editions) & set(seen) == {url for url in editions if url.endswith(".pdf")}, seen
    assert client.get(editions[1]).status_code == 200  # the HTML edition, read above as text
    assert any(url.endswith(".xlsx") for url in seen), seen
    for activity in Activity.objects.all():
        leaks += _leaks(f"record {activity.pk}", json.dumps(activity_record(activity)))
    assert leaks == []
