"""Bad input on the activity pages: every case gets a clear form error (or
is refused), never a 500, and nothing is written or changed."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from relint.activities import forms
from relint.activities.models import Activity, ActivityAttachment, FundingLine, ReviewState
from relint.partners.models import Organisation, PartnerCity
from tests.activity_helpers import form_data, make_activity, rows

pytestmark = pytest.mark.django_db

TEXT_FIELDS = ["title_it", "title_en", "description_it", "description_en", "results_it", "results_en"]


def _snapshot() -> tuple:
    return (
        tuple(
            Activity.objects.order_by("pk").values_list("pk", "version", "review_state", "title_it", "description_it")
        ),
        FundingLine.objects.count(),
        PartnerCity.objects.count(),
        Organisation.objects.count(),
        ActivityAttachment.objects.count(),
    )


def _post_create(client, personas, **changes):
    data = form_data(lead_department=personas.department_a.pk)
    data.update(changes)
    before = _snapshot()
    response = client.post(reverse("activities:create"), data)
    assert response.status_code == 400, response.status_code
    assert _snapshot() == before
    return response


BAD_VALUES = {
    "nul": "Titolo\x00nascosto",
    "html": "<b>grassetto</b>",
    "script": "<script>alert(1)</script>",
    "too long": "x" * 10001,
}


@pytest.mark.parametrize("field", TEXT_FIELDS)
@pytest.mark.parametrize("kind", BAD_VALUES)
def test_it_refuses_bad_text_in_every_text_field(client, personas, field, kind):
    client.force_login(personas.editor_a)
    response = _post_create(client, personas, **{field: BAD_VALUES[kind]})
    assert 'aria-invalid="true"' in response.text
    assert f'id="id_{field}_error"' in response.text


def test_it_refuses_an_over_long_title(client, personas):
    client.force_login(personas.editor_a)
    response = _post_create(client, personas, title_it="x" * 301)
    assert 'id="id_title_it_error"' in response.text


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"start_date": "2025-02-30"}, "start_date"),
        ({"start_date": "2025-05-01", "end_date": "2025-04-01"}, "end_date"),
        ({"year": "1800"}, "year"),
        ({"kind": "nonsense"}, "kind"),
        ({"dac_sector": "12"}, "dac_sector"),
    ],
)
def test_it_refuses_wrong_dates_and_codes(client, personas, changes, field):
    client.force_login(personas.editor_a)
    response = _post_create(client, personas, **changes)
    assert f'id="id_{field}_error"' in response.text


@pytest.mark.parametrize(
    ("prefix", "row", "field"),
    [
        ("funding", {"source": "eu", "amount": "-5"}, "funding-0-amount"),
        ("funding", {"source": "eu", "amount": "abc"}, "funding-0-amount"),
        ("funding", {"source": "", "amount": "100"}, "funding-0-source"),
        ("links", {"url": "javascript:alert(1)", "label": "x"}, "links-0-url"),
        ("links", {"url": "https://example.org", "label": "<script>x</script>"}, "links-0-label"),
        ("cities", {"city": "Nessunacittà Inesistente", "role": "partner"}, "cities-0-city"),
        ("cities", {"city": "geonames:999999999", "role": "partner"}, "cities-0-city"),
        ("organisations", {"new_name": "Nuova", "new_kind": "", "role": "partner"}, "organisations-0-new_kind"),
        (
            "organisations",
            {"new_name": "Nuova", "new_kind": "city_owned", "role": "partner"},
            "organisations-0-new_kind",
        ),
    ],
)
def test_it_refuses_bad_rows(client, personas, prefix, row, field):
    client.force_login(personas.editor_a)
    response = _post_create(client, personas, **rows(prefix, row))
    assert f'id="id_{field}_error"' in response.text


def test_a_forged_department_is_refused(client, personas):
    client.force_login(personas.editor_a)
    response = _post_create(client, personas, lead_department=str(personas.department_b.pk))
    assert 'id="id_lead_department_error"' in response.text


def test_a_forged_edit_cannot_move_or_accept_an_activity(client, personas):
    activity = make_activity(personas)
    client.force_login(personas.editor_a)
    data = form_data(activity, lead_department=personas.department_b.pk, review_state="accepted")
    before = _snapshot()
    response = client.post(reverse("activities:edit", args=[activity.pk]), data)
    assert response.status_code == 400
    assert _snapshot() == before
    # review_state is simply not a field of the form: a valid edit ignores it.
    data = form_data(activity, review_state="accepted", accepted_snapshot="{}", version=activity.version)
    assert client.post(reverse("activities:edit", args=[activity.pk]), data).status_code == 302
    activity.refresh_from_db()
    assert activity.review_state == ReviewState.DRAFT and activity.accepted_snapshot is None


def test_an_edit_without_its_version_changes_nothing(client, personas):
    activity = make_activity(personas)
    client.force_login(personas.editor_a)
    data = form_data(activity, title_it="Nuovo")
    del data["version"]
    before = _snapshot()
    assert client.post(reverse("activities:edit", args=[activity.pk]), data).status_code == 400
    assert _snapshot() == before


def test_forged_formset_counts_are_refused(client, personas):
    client.force_login(personas.editor_a)
    data = form_data(lead_department=personas.department_a.pk)
    data["links-TOTAL_FORMS"] = "100000"
    before = _snapshot()
    response = client.post(reverse("activities:create"), data)
    assert response.status_code == 400
    assert _snapshot() == before
    data["links-TOTAL_FORMS"] = "abc"
    assert client.post(reverse("activities:create"), data).status_code == 400


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "accepted"),
    [
        ("relazione.pdf", b"%PDF-1.7\n%%EOF\n", True),
        ("foto.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, True),
        ("lettera.docx", _docx(), True),
        ("programma.pdf", b"MZ\x90\x00 this is a Windows program", False),
        ("foto.png", b"%PDF-1.7\n", False),
        ("lettera.docx", b"PK\x03\x04 not really a zip", False),
        ("script.exe", b"MZ\x90\x00", False),
        ("pagina.html", b"<html><script>alert(1)</script></html>", False),
    ],
)
def test_attachments_are_checked_by_content(client, personas, settings, tmp_path, name, content, accepted):
    settings.MEDIA_ROOT = tmp_path
    activity = make_activity(personas)
    client.force_login(personas.editor_a)
    response = client.post(
        reverse("activities:attachment_add", args=[activity.pk]),
        {"title": "Documento", "file": SimpleUploadedFile(name, content)},
    )
    if accepted:
        assert response.status_code == 302
        attachment = ActivityAttachment.objects.get()
        assert attachment.content_type == forms.ATTACHMENT_TYPES["." + name.rsplit(".", 1)[1]]
        download = client.get(reverse("activities:attachment", args=[attachment.pk]))
        assert b"".join(download.streaming_content) == content
    else:
        assert response.status_code == 400
        assert 'id="id_file_error"' in response.text
        assert not ActivityAttachment.objects.exists()
        assert not list(tmp_path.rglob("*.*"))


def test_an_over_size_attachment_is_refused(client, personas, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(forms, "ATTACHMENT_MAX_BYTES", 1024)
    activity = make_activity(personas)
    client.force_login(personas.editor_a)
    response = client.post(
        reverse("activities:attachment_add", args=[activity.pk]),
        {"title": "Grande", "file": SimpleUploadedFile("grande.pdf", b"%PDF-1.7\n" + b"0" * 2048)},
    )
    assert response.status_code == 400
    assert 'id="id_file_error"' in response.text
    assert not ActivityAttachment.objects.exists()


@pytest.mark.parametrize(
    "query",
    [
        {"year": "\x00"},
        {"year": "99999999999999999999999"},
        {"department": "-1"},
        {"country": "ZZ"},
        {"sdg": "18"},
        {"q": "x" * 500},
        {"page": "999999"},
        {"page": "abc"},
        {"review_state": "accepted'; DROP TABLE"},
    ],
)
def test_bad_filters_never_fail(client, personas, query):
    make_activity(personas)
    client.force_login(personas.coordinator)
    response = client.get(reverse("activities:list"), query)
    assert response.status_code == 200


def test_a_return_without_a_comment_or_with_markup_is_refused(client, personas):
    activity = make_activity(personas, state="submitted")
    client.force_login(personas.coordinator)
    for comment in ["", "   ", "<script>x</script>", "x\x00y"]:
        response = client.post(reverse("activities:return", args=[activity.pk]), {"comment": comment})
        assert response.status_code == 400
    activity.refresh_from_db()
    assert activity.review_state == ReviewState.SUBMITTED
