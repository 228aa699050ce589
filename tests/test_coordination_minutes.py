"""The minutes of a table meeting as a PDF: typeset with the report's Typst
machinery when the coordinator approves them, tagged, stored with their
checksum, downloadable by staff, never changed afterwards, and never
published on the portal."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from relint.coordination import services
from relint.coordination.models import AttendanceStatus, Decision, Meeting, MinutesState
from tests.coordination_helpers import make_full, make_meeting

pytestmark = pytest.mark.django_db

INJECTION = (
    "Inj # $x^2$ *grassetto* _corsivo_ @ref <lbl> \\ [a] {b} `code` "
    '#eval("1+1") #set page(fill: red) <b>html</b> <script>alert(1)</script> fine'
)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def full(personas):
    return make_full(personas, make_meeting(personas))


def _read(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, re.sub(r"\s+", " ", text)


def _approve(personas, full) -> Meeting:
    services.attendance_record(
        user=personas.coordinator,
        meeting=full["meeting"],
        department=personas.department_b,
        person_name="Bruno Cultura",
        status=AttendanceStatus.EXCUSED,
    )
    services.decision_create(
        user=personas.coordinator, meeting=full["meeting"], text_it="Decisione interna riservata.", is_public=False
    )
    meeting = services.minutes_approve(user=personas.coordinator, meeting=full["meeting"])
    meeting.refresh_from_db()
    return meeting


def test_approving_the_minutes_stores_a_tagged_pdf_with_its_checksum(personas, full):
    meeting = _approve(personas, full)

    content = meeting.minutes_pdf.read()
    assert meeting.minutes_pdf_sha256 == hashlib.sha256(content).hexdigest()
    assert meeting.minutes_pdf.name.endswith(f"-{meeting.minutes_pdf_sha256[:12]}.pdf")
    reader, text = _read(content)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"].value is True
    assert root["/Lang"] == "it-IT"
    # The minutes share the report's standards: PDF/A-2a for the archive, PDF/UA-1 for access.
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert "<pdfaid:part>2</pdfaid:part>" in xmp
    assert "<pdfaid:conformance>A</pdfaid:conformance>" in xmp
    assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
    assert reader.metadata.title == "Verbale del tavolo di coordinamento: Tavolo di coordinamento"
    for expected in (
        "Tavolo di coordinamento",
        "Palazzo Civico, Sala Rossa",
        personas.department_a.name_it,
        personas.department_b.name_it,
        # attendance, present and excused
        personas.editor_a.get_full_name() or personas.editor_a.get_username(),
        "Presente",
        "Bruno Cultura",
        "Assente giustificato",
        # agenda item and its minutes, the summary
        "1. Bando UE",
        "Discusso il bando.",
        "Sintesi",
        # decisions, the strategic one marked, and the action item
        "Si partecipa.",
        "STRATEGICA",
        "Decisione interna riservata.",
        "Preparare la proposta",
        "Aperta",
        "Verbale approvato il",
    ):
        assert expected in text, expected


def test_markup_in_the_minutes_renders_literally(personas, full):
    meeting = full["meeting"]
    services.minutes_update(
        user=personas.coordinator, meeting=meeting, summary=INJECTION, item_minutes={full["item"].pk: INJECTION}
    )
    services.decision_create(user=personas.coordinator, meeting=meeting, text_it=INJECTION)
    services.action_item_create(
        user=personas.coordinator,
        meeting=meeting,
        title=INJECTION[:300],
        owner_department=personas.department_b,
        due_on=full["action"].due_on,
    )
    meeting = services.minutes_approve(user=personas.coordinator, meeting=meeting)

    _reader, text = _read(meeting.minutes_pdf.read())
    literal = "# $x^2$ *grassetto* _corsivo_ @ref <lbl> \\ [a] {b} `code`"
    assert text.count(literal) >= 4
    assert '#eval("1+1") #set page(fill: red) <b>html</b> <script>alert(1)</script>' in text
    assert "2 fine" not in text  # `#eval` was not run


def test_text_no_font_can_draw_refuses_the_approval_without_a_trace(personas, full, tmp_path):
    meeting = full["meeting"]
    services.decision_create(user=personas.coordinator, meeting=meeting, text_it="Gemellaggio 北京 🎉")

    with pytest.raises(ValidationError, match="non è approvato") as error:
        services.minutes_approve(user=personas.coordinator, meeting=meeting)

    assert "U+5317" in str(error.value)
    meeting.refresh_from_db()
    assert meeting.minutes_state == MinutesState.DRAFT
    assert not meeting.minutes_pdf and meeting.minutes_pdf_sha256 == ""
    assert not list(tmp_path.rglob("*.pdf"))


def test_the_approved_pdf_never_changes(client, personas, full):
    meeting = _approve(personas, full)
    name, digest = meeting.minutes_pdf.name, meeting.minutes_pdf_sha256
    content = meeting.minutes_pdf.read()

    with pytest.raises(ValidationError, match="è approvato"):
        services.minutes_approve(user=personas.coordinator, meeting=meeting)
    with pytest.raises(ValidationError, match="è approvato"):
        services.decision_update(
            user=personas.coordinator,
            decision=full["decision"],
            text_it="Riscritta",
            text_en="",
            agenda_item=None,
            is_strategic=False,
            is_public=False,
            expected_updated_at=full["decision"].updated_at,
        )
    client.force_login(personas.admin)
    change = reverse("admin:coordination_meeting_change", args=[meeting.pk])
    assert client.post(change, {"title": "Riscritta", "minutes_pdf_sha256": "0" * 64}).status_code == 403

    meeting.refresh_from_db()
    assert (meeting.minutes_pdf.name, meeting.minutes_pdf_sha256) == (name, digest)
    assert meeting.minutes_pdf.read() == content
    assert hashlib.sha256(content).hexdigest() == digest


def test_the_database_refuses_a_pdf_on_minutes_not_approved(personas, full):
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=full["meeting"].pk).update(minutes_pdf="x.pdf", minutes_pdf_sha256="a" * 64)
    approved = _approve(personas, full)
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=approved.pk).update(minutes_pdf_sha256="")


def test_staff_download_the_stored_pdf(client, personas, full, django_user_model):
    meeting = full["meeting"]
    url = reverse("coordination:minutes_pdf", args=[meeting.pk])
    client.force_login(personas.coordinator)
    assert client.get(url).status_code == 404  # draft minutes have no PDF
    meeting = _approve(personas, full)
    stored = meeting.minutes_pdf.read()

    for persona in ("coordinator", "editor_a", "editor_b", "viewer_a"):
        client.force_login(getattr(personas, persona))
        response = client.get(url)
        assert response.status_code == 200, persona
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == stored
    page = client.get(reverse("coordination:meeting", args=[meeting.pk])).content.decode()
    assert url in page and meeting.minutes_pdf_sha256 in page

    client.force_login(django_user_model.objects.create_user("nobody", password="x"))
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302
    assert client.get(reverse("coordination:minutes_pdf", args=[99999])).status_code == 302


def test_the_portal_never_links_the_minutes_pdf(client, personas, full):
    """The PDF holds attendance, the minutes text and decisions not marked
    public: it is for staff only, even when some outcomes are public."""
    meeting = _approve(personas, full)
    assert Decision.objects.public().filter(meeting=meeting).exists()

    with translation.override("it"):
        page = client.get(reverse("portal:coordination_table")).content.decode()

    assert "Si partecipa." in page
    assert "Decisione interna riservata." not in page
    assert "minutes.pdf" not in page and meeting.minutes_pdf.name not in page
    assert client.get(reverse("coordination:minutes_pdf", args=[meeting.pk])).status_code == 302
