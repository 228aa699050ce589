"""The coordination table: services (and the rule that approved minutes never
change), the permission matrix over every URL, the .ics output and the feed
token, bad input, reminders, and the selectors for the report and portal."""

from __future__ import annotations

import datetime
import io
import os
import zipfile

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from relint.coordination import selectors, services
from relint.coordination.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    AgendaItemState,
    Attendance,
    CalendarFeedToken,
    Decision,
    Meeting,
    MeetingAttachment,
    MinutesState,
)
from relint.departments.models import TableMembership
from tests.coordination_helpers import make_full, make_meeting, pdf_upload, when

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the source language), so URLs are
    the /en/ ones; `test_it_speaks_italian_by_default` checks the catalogue."""
    with translation.override("en"):
        yield


@pytest.fixture
def meeting(personas) -> Meeting:
    return make_meeting(personas)


@pytest.fixture
def full(personas, meeting):
    return make_full(personas, meeting)


# --- Services ---------------------------------------------------------------------------
def test_it_runs_a_meeting_from_proposal_to_approved_minutes(personas, full):
    meeting = services.minutes_approve(user=personas.coordinator, meeting=full["meeting"])
    meeting.refresh_from_db()
    assert meeting.minutes_state == MinutesState.APPROVED
    assert meeting.minutes_approved_by == personas.coordinator
    assert full["item"].proposed_by == personas.editor_a
    assert list(selectors.strategic_decisions_of_year(meeting.starts_at.year)) == [full["decision"]]


def test_it_never_changes_approved_minutes(personas, full):
    meeting = full["meeting"]
    services.minutes_approve(user=personas.coordinator, meeting=meeting)
    before = (
        Meeting.objects.filter(pk=meeting.pk).values().get(),
        list(AgendaItem.objects.filter(meeting=meeting).values()),
        list(Decision.objects.filter(meeting=meeting).values()),
        Attendance.objects.filter(meeting=meeting).count(),
    )
    coordinator = personas.coordinator
    attempts = [
        lambda: services.minutes_update(user=coordinator, meeting=meeting, summary="Altro", item_minutes={}),
        lambda: services.minutes_approve(user=coordinator, meeting=meeting),
        lambda: services.decision_create(user=coordinator, meeting=meeting, text_it="Nuova"),
        lambda: services.decision_delete(user=coordinator, decision=full["decision"]),
        lambda: services.agenda_item_review(user=coordinator, item=full["item"], state="rejected", position=3),
        lambda: services.agenda_item_propose(user=coordinator, meeting=meeting, department=None, title="Tardi"),
        lambda: services.attendance_delete(user=coordinator, attendance=full["attendance"]),
        lambda: services.attendance_record(
            user=coordinator, meeting=meeting, department=personas.department_b, person_name="X", status="present"
        ),
        lambda: services.action_item_create(
            user=coordinator,
            meeting=meeting,
            title="Nuova",
            owner_department=personas.department_b,
            due_on=timezone.localdate(),
        ),
        lambda: services.meeting_update(
            user=coordinator,
            meeting=meeting,
            title="Rinominata",
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            place="",
            online_url="",
            invited_departments=[personas.department_a],
        ),
        lambda: services.meeting_set_state(user=coordinator, meeting=meeting, state="cancelled"),
        lambda: services.attachment_add(user=coordinator, meeting=meeting, title="Tardi", upload=pdf_upload()),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError, match="approved"):
            attempt()
    after = (
        Meeting.objects.filter(pk=meeting.pk).values().get(),
        list(AgendaItem.objects.filter(meeting=meeting).values()),
        list(Decision.objects.filter(meeting=meeting).values()),
        Attendance.objects.filter(meeting=meeting).count(),
    )
    assert after == before
    assert not MeetingAttachment.objects.exists()


def test_it_lets_the_owner_follow_an_action_up_after_approval(personas, full):
    action = full["action"]
    # Before approval the action exists only in the draft minutes.
    with pytest.raises(PermissionDenied):
        services.action_item_set_status(user=personas.editor_a, action_item=action, status=ActionStatus.DONE)
    services.minutes_approve(user=personas.coordinator, meeting=full["meeting"])
    with pytest.raises(PermissionDenied):
        services.action_item_set_status(user=personas.editor_b, action_item=action, status=ActionStatus.DONE)
    with pytest.raises(PermissionDenied):
        services.action_item_set_status(user=personas.viewer_a, action_item=action, status=ActionStatus.DONE)
    done = services.action_item_set_status(user=personas.editor_a, action_item=action, status=ActionStatus.DONE)
    assert done.completed_on == timezone.localdate()
    reopened = services.action_item_set_status(
        user=personas.editor_a, action_item=action, status=ActionStatus.IN_PROGRESS
    )
    assert reopened.completed_on is None


def test_it_lets_a_table_delegate_propose_for_their_department(personas, meeting):
    membership = TableMembership.objects.filter(department=personas.department_b).first()
    membership.delegates.add(personas.viewer_a)
    item = services.agenda_item_propose(
        user=personas.viewer_a, meeting=meeting, department=personas.department_b, title="Festival"
    )
    assert item.state == AgendaItemState.PROPOSED
    with pytest.raises(PermissionDenied):
        services.agenda_item_propose(
            user=personas.editor_a, meeting=meeting, department=personas.department_b, title="Altrui"
        )


def test_it_rejects_a_meeting_that_ends_before_it_starts(personas):
    with pytest.raises(ValidationError) as error:
        services.meeting_create(user=personas.coordinator, title="T", starts_at=when(2, 12), ends_at=when(2, 10))
    assert "ends_at" in error.value.message_dict
    assert not Meeting.objects.exists()


def test_it_rejects_attendance_of_a_department_not_invited(personas, meeting):
    from relint.departments.models import Department

    other = Department.objects.exclude(pk__in=[personas.department_a.pk, personas.department_b.pk]).first()
    with pytest.raises(ValidationError) as error:
        services.attendance_record(
            user=personas.coordinator, meeting=meeting, department=other, person_name="Mario", status="present"
        )
    assert "not invited" in str(error.value)
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("text", ["x" * 20001, "nul\x00byte"])
def test_it_rejects_bad_minutes_text_without_a_partial_write(personas, full, text):
    meeting, item = full["meeting"], full["item"]
    with pytest.raises(ValidationError):
        services.minutes_update(
            user=personas.coordinator, meeting=meeting, summary="Nuova sintesi", item_minutes={item.pk: text}
        )
    meeting.refresh_from_db()
    item.refresh_from_db()
    assert meeting.minutes_summary == "Sintesi"
    assert item.minutes == "Discusso il bando."


def test_it_refuses_membership_periods_that_overlap(personas):
    with pytest.raises(ValidationError) as error:
        services.membership_create(
            user=personas.coordinator, department=personas.department_a, joined_on=datetime.date(2010, 1, 1)
        )
    assert "overlaps" in str(error.value)
    with pytest.raises(PermissionDenied):
        services.membership_create(
            user=personas.editor_a, department=personas.department_a, joined_on=datetime.date(1990, 1, 1)
        )


# --- Attachments ------------------------------------------------------------------------
def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_it_accepts_attachments_by_their_bytes(personas, meeting):
    pdf = services.attachment_add(
        user=personas.coordinator, meeting=meeting, title="Ordine del giorno", upload=pdf_upload()
    )
    docx = services.attachment_add(
        user=personas.coordinator,
        meeting=meeting,
        title="Nota",
        upload=SimpleUploadedFile("nota.docx", _docx(), content_type="application/octet-stream"),
    )
    assert pdf.content_type == "application/pdf"
    assert docx.content_type.endswith("wordprocessingml.document")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "not accepted"),
        (b"MZ\x90\x00 an executable named .pdf", "not accepted"),
        (b"", "empty"),
    ],
)
def test_it_refuses_attachments_whose_bytes_do_not_match(personas, meeting, content, message):
    upload = SimpleUploadedFile("annex.pdf", content, content_type="application/pdf")
    with pytest.raises(ValidationError, match=message):
        services.attachment_add(user=personas.coordinator, meeting=meeting, title="Falso", upload=upload)
    assert not MeetingAttachment.objects.exists()


def test_it_refuses_attachments_over_the_size_limit(personas, meeting, monkeypatch):
    monkeypatch.setattr("relint.coordination.uploads.MAX_ATTACHMENT_BYTES", 1024)
    upload = SimpleUploadedFile("big.pdf", b"%PDF-1.7\n" + b"0" * 2048)
    with pytest.raises(ValidationError, match="limit"):
        services.attachment_add(user=personas.coordinator, meeting=meeting, title="Grande", upload=upload)


# --- Invitations and calendar -----------------------------------------------------------
def test_it_emails_the_invited_delegates_with_the_agenda_and_an_ics(personas, meeting):
    TableMembership.objects.filter(department=personas.department_a).first().delegates.add(personas.editor_a)
    services.agenda_item_propose(user=personas.coordinator, meeting=meeting, department=None, title="Saluti")
    sent = services.meeting_send_invitations(user=personas.coordinator, meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.state == "convened"
    addresses = sorted(address for message in mail.outbox for address in message.to)
    assert sent == len(mail.outbox) >= 1
    assert "editor_a@comune.example" in addresses
    message = next(m for m in mail.outbox if m.to == ["editor_a@comune.example"])
    assert "1. Saluti" in message.body
    _name, content, mimetype = message.attachments[0]
    assert mimetype == "text/calendar"
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == meeting.title


def test_it_serves_a_meeting_ics_that_parses_back(client, personas, full):
    client.force_login(personas.editor_b)
    response = client.get(reverse("coordination:meeting_ics", args=[full["meeting"].pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    meeting = full["meeting"]
    assert event.decoded("DTSTART") == meeting.starts_at
    assert event.decoded("DTEND") == meeting.ends_at
    assert str(event["LOCATION"]) == meeting.place
    assert "1. Bando UE" in str(event["DESCRIPTION"])
    assert str(event["UID"]).startswith(f"relint-meeting-{meeting.pk}@")


def test_it_gives_each_user_an_unguessable_revocable_feed(client, personas, meeting):
    first = services.feed_token_issue(user=personas.editor_a)
    second = services.feed_token_issue(user=personas.editor_b)
    assert len(first.token) >= 43 and first.token != second.token
    url = reverse("coordination:feed", args=[first.token])
    response = client.get(url)  # no sign-in: the token is the credential
    assert response.status_code == 200
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == [meeting.title]
    # A token one character off is unknown.
    wrong = first.token[:-1] + ("A" if first.token[-1] != "A" else "B")
    assert client.get(reverse("coordination:feed", args=[wrong])).status_code == 404
    # Revoked: 404; a new one works and the old one stays dead.
    services.feed_token_revoke(user=personas.editor_a)
    assert client.get(url).status_code == 404
    renewed = services.feed_token_issue(user=personas.editor_a)
    assert client.get(reverse("coordination:feed", args=[renewed.token])).status_code == 200
    assert client.get(url).status_code == 404
    assert CalendarFeedToken.objects.active().filter(user=personas.editor_a).count() == 1


def test_it_revokes_the_feed_of_someone_who_lost_their_role(client, personas, meeting):
    token = services.feed_token_issue(user=personas.viewer_a)
    personas.viewer_a.staff_roles.all().delete()
    assert client.get(reverse("coordination:feed", args=[token.token])).status_code == 404


def test_it_refuses_a_feed_token_to_users_without_a_role(personas, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", password="x")
    with pytest.raises(PermissionDenied):
        services.feed_token_issue(user=nobody)


# --- Follow-up --------------------------------------------------------------------------
def _actions(personas, meeting, count: int) -> None:
    ActionItem.objects.bulk_create(
        ActionItem(
            meeting=meeting,
            title=f"Azione {n}",
            owner_department=personas.department_a if n % 2 else personas.department_b,
            due_on=timezone.localdate() + datetime.timedelta(days=n % 7 - 3),
        )
        for n in range(count)
    )


def test_it_builds_the_action_dashboard_in_constant_queries(personas, meeting, client):
    client.force_login(personas.coordinator)
    url = reverse("coordination:actions")
    _actions(personas, meeting, 5)
    client.get(url)  # warm caches (sessions, content types)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _actions(personas, meeting, 200)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many) == len(few)
    assert response.content.decode().count("Azione ") >= 205


def test_it_lists_open_actions_on_the_department_dashboard(client, personas, full):
    client.force_login(personas.editor_a)
    assert "Preparare la proposta" not in client.get(reverse("workspace:dashboard")).content.decode()
    services.minutes_approve(user=personas.coordinator, meeting=full["meeting"])
    assert "Preparare la proposta" in client.get(reverse("workspace:dashboard")).content.decode()
    client.force_login(personas.editor_b)
    assert "Preparare la proposta" not in client.get(reverse("workspace:dashboard")).content.decode()


def test_it_emails_reminders_for_overdue_actions(personas, full):
    department = personas.department_a
    department.email = "ambiente@comune.example"
    department.save()
    call_command("send_action_reminders", stdout=io.StringIO())
    assert mail.outbox == []  # draft minutes: nothing to remind yet
    services.minutes_approve(user=personas.coordinator, meeting=full["meeting"])
    out = io.StringIO()
    call_command("send_action_reminders", "--dry-run", stdout=out)
    assert mail.outbox == [] and "AMBIENTE: 1 overdue" in out.getvalue()
    call_command("send_action_reminders", stdout=io.StringIO())
    (message,) = mail.outbox
    assert "Preparare la proposta" in message.body
    assert message.to  # the delegates, or the office address
    services.action_item_set_status(user=personas.editor_a, action_item=full["action"], status=ActionStatus.DONE)
    mail.outbox.clear()
    call_command("send_action_reminders", stdout=io.StringIO())
    assert mail.outbox == []


# --- Strategy: what the report and the portal read --------------------------------------
def test_it_shows_only_public_decisions_of_approved_minutes(personas, full):
    meeting = full["meeting"]
    services.decision_create(user=personas.coordinator, meeting=meeting, text_it="Riservata", is_strategic=True)
    year = meeting.starts_at.year
    assert list(Decision.objects.public()) == []
    assert list(selectors.strategic_decisions_of_year(year)) == []
    assert list(selectors.meetings_of_year(year)) == []
    services.minutes_approve(user=personas.coordinator, meeting=meeting)
    assert list(Decision.objects.public()) == [full["decision"]]
    assert list(selectors.strategic_decisions_of_year(year)) == [full["decision"]]
    assert list(selectors.strategic_decisions_of_year(year - 1)) == []
    assert list(selectors.meetings_of_year(year)) == [meeting]


# --- Permission matrix ------------------------------------------------------------------
PERSONAS = ("anonymous", "coordinator", "editor_a", "editor_b", "viewer_a", "admin")


def _urls(full, personas) -> dict[str, str]:
    meeting = full["meeting"]
    attachment = services.attachment_add(
        user=personas.coordinator, meeting=meeting, title="Allegato", upload=pdf_upload()
    )
    membership = TableMembership.objects.first()
    return {
        "meetings": reverse("coordination:meetings"),
        "meeting_create": reverse("coordination:meeting_create"),
        "meeting": reverse("coordination:meeting", args=[meeting.pk]),
        "meeting_update": reverse("coordination:meeting_update", args=[meeting.pk]),
        "meeting_invite": reverse("coordination:meeting_invite", args=[meeting.pk]),
        "meeting_state": reverse("coordination:meeting_state", args=[meeting.pk]),
        "meeting_ics": reverse("coordination:meeting_ics", args=[meeting.pk]),
        "agenda_propose": reverse("coordination:agenda_propose", args=[meeting.pk]),
        "agenda_review": reverse("coordination:agenda_review", args=[meeting.pk, full["item"].pk]),
        "attendance": reverse("coordination:attendance", args=[meeting.pk]),
        "attendance_delete": reverse("coordination:attendance_delete", args=[meeting.pk, full["attendance"].pk]),
        "minutes": reverse("coordination:minutes", args=[meeting.pk]),
        "minutes_approve": reverse("coordination:minutes_approve", args=[meeting.pk]),
        "decision_create": reverse("coordination:decision_create", args=[meeting.pk]),
        "action_create": reverse("coordination:action_create", args=[meeting.pk]),
        "attachment_add": reverse("coordination:attachment_add", args=[meeting.pk]),
        "attachment": reverse("coordination:attachment", args=[meeting.pk, attachment.pk]),
        "attachment_update": reverse("coordination:attachment_update", args=[meeting.pk, attachment.pk]),
        "attachment_delete": reverse("coordination:attachment_delete", args=[meeting.pk, attachment.pk]),
        "decision_update": reverse("coordination:decision_update", args=[meeting.pk, full["decision"].pk]),
        "decision_delete": reverse("coordination:decision_delete", args=[meeting.pk, full["decision"].pk]),
        "action_update": reverse("coordination:action_update", args=[meeting.pk, full["action"].pk]),
        "action_delete": reverse("coordination:action_delete", args=[meeting.pk, full["action"].pk]),
        "actions": reverse("coordination:actions"),
        "action_status": reverse("coordination:action_status", args=[full["action"].pk]),
        "memberships": reverse("coordination:memberships"),
        "membership_create": reverse("coordination:membership_create"),
        "membership_update": reverse("coordination:membership_update", args=[membership.pk]),
        "calendar": reverse("coordination:calendar"),
        "calendar_issue": reverse("coordination:calendar_issue"),
        "calendar_revoke": reverse("coordination:calendar_revoke"),
    }


# Who may GET each page: "staff" = every persona with a role; "coord" = the
# coordinator and the administrator; "delegates" = coordinator, admin and the
# department editors. POST-only URLs answer GET with 405 (after sign-in and
# the role check).
GET_RULES = {
    "meetings": "staff",
    "meeting_create": "coord",
    "meeting": "staff",
    "meeting_update": "coord",
    "meeting_ics": "staff",
    "agenda_propose": "delegates",
    "attendance": "coord",
    "minutes": "coord",
    "decision_create": "coord",
    "action_create": "coord",
    "attachment_add": "coord",
    "attachment": "staff",
    "attachment_update": "coord",
    "attachment_delete": "coord",
    "decision_update": "coord",
    "decision_delete": "coord",
    "action_update": "coord",
    "action_delete": "coord",
    "actions": "staff",
    "memberships": "staff",
    "membership_create": "coord",
    "membership_update": "coord",
    "calendar": "staff",
}
POST_ONLY = {
    "meeting_invite": "coord",
    "meeting_state": "coord",
    "agenda_review": "coord",
    "attendance_delete": "coord",
    "minutes_approve": "coord",
    "calendar_issue": "staff",
}
ALLOWED = {
    "staff": {"coordinator", "editor_a", "editor_b", "viewer_a", "admin"},
    "coord": {"coordinator", "admin"},
    "delegates": {"coordinator", "admin", "editor_a", "editor_b"},
}


def _client_for(client, personas, name):
    if name != "anonymous":
        client.force_login(getattr(personas, name))
    return client


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_enforces_the_permission_matrix_on_every_page(client, personas, full, persona):
    urls = _urls(full, personas)
    assert set(urls) == set(GET_RULES) | set(POST_ONLY) | {"action_status", "calendar_revoke"}
    client = _client_for(client, personas, persona)
    for name, rule in GET_RULES.items():
        response = client.get(urls[name])
        if persona == "anonymous":
            assert response.status_code == 302 and "/account/login/" in response["Location"], name
        elif persona in ALLOWED[rule]:
            assert response.status_code == 200, name
        else:
            assert response.status_code == 403, name
        # Every GET page refuses verbs it does not serve.
        if persona in ALLOWED[rule] and name not in {"meeting_create", "meeting_update"}:
            assert client.delete(urls[name]).status_code == 405, name
    for name, rule in POST_ONLY.items():
        response = client.get(urls[name])
        if persona == "anonymous":
            assert response.status_code == 302, name
        elif persona in ALLOWED[rule]:
            assert response.status_code == 405, name
        else:
            assert response.status_code == 403, name


@pytest.mark.parametrize("persona", ["editor_a", "editor_b", "viewer_a"])
def test_it_refuses_every_coordinator_write_to_department_staff(client, personas, full, persona):
    urls = _urls(full, personas)
    client.force_login(getattr(personas, persona))
    meeting = full["meeting"]
    before = Meeting.objects.filter(pk=meeting.pk).values().get()
    for name in [
        "meeting_create",
        "meeting_update",
        "meeting_invite",
        "meeting_state",
        "agenda_review",
        "attendance",
        "attendance_delete",
        "minutes",
        "minutes_approve",
        "decision_create",
        "action_create",
        "attachment_add",
        "attachment_update",
        "attachment_delete",
        "decision_update",
        "decision_delete",
        "action_update",
        "action_delete",
        "membership_create",
        "membership_update",
    ]:
        assert client.post(urls[name], {"title": "x", "state": "cancelled"}).status_code == 403, name
    assert Meeting.objects.filter(pk=meeting.pk).values().get() == before
    assert Attendance.objects.filter(pk=full["attendance"].pk).exists()
    assert Decision.objects.filter(pk=full["decision"].pk, text_it="Si partecipa.").exists()
    assert ActionItem.objects.filter(pk=full["action"].pk, title="Preparare la proposta").exists()
    assert MeetingAttachment.objects.filter(title="Allegato").exists()
    assert mail.outbox == []


def test_it_hides_draft_minutes_and_others_proposals(client, personas, full):
    meeting = full["meeting"]
    services.agenda_item_propose(
        user=personas.editor_b, meeting=meeting, department=personas.department_b, title="Proposta Cultura"
    )
    url = reverse("coordination:meeting", args=[meeting.pk])
    client.force_login(personas.editor_a)
    page = client.get(url).content.decode()
    assert "Bando UE" in page  # on the approved agenda
    assert "Proposta Cultura" not in page
    assert "Discusso il bando." not in page and "Si partecipa." not in page and "Preparare la proposta" not in page
    client.force_login(personas.editor_b)
    assert "Proposta Cultura" in client.get(url).content.decode()
    # The action of draft minutes cannot be reached by its owner either.
    client.force_login(personas.editor_a)
    status_url = reverse("coordination:action_status", args=[full["action"].pk])
    assert client.post(status_url, {f"a{full['action'].pk}-status": "done"}).status_code == 404
    services.minutes_approve(user=personas.coordinator, meeting=meeting)
    page = client.get(url).content.decode()
    assert "Discusso il bando." in page and "Si partecipa." in page and "Preparare la proposta" in page
    client.force_login(personas.editor_b)
    assert client.post(status_url, {f"a{full['action'].pk}-status": "done"}).status_code == 403
    client.force_login(personas.editor_a)
    assert client.post(status_url, {f"a{full['action'].pk}-status": "done"}).status_code == 302
    full["action"].refresh_from_db()
    assert full["action"].status == ActionStatus.DONE


def test_it_answers_404_for_missing_objects(client, personas, full):
    client.force_login(personas.coordinator)
    meeting = full["meeting"]
    assert client.get(reverse("coordination:meeting", args=[99999])).status_code == 404
    assert client.post(reverse("coordination:agenda_review", args=[99999, full["item"].pk])).status_code == 404
    assert client.get(reverse("coordination:attachment", args=[meeting.pk, 99999])).status_code == 404
    assert client.post(reverse("coordination:action_status", args=[99999])).status_code == 404


# --- Bad input through the forms: clear errors, never a 500 -----------------------------
def test_it_reports_bad_meeting_input_in_the_form(client, personas):
    client.force_login(personas.coordinator)
    url = reverse("coordination:meeting_create")
    base = {"title": "Tavolo", "starts_at": "2026-05-04T12:00", "ends_at": "2026-05-04T10:00", "place": "Sala"}
    response = client.post(url, base)
    assert response.status_code == 400
    assert "The meeting must end after it starts." in response.content.decode()
    for bad in (
        {"title": "x" * 301},
        {"title": "nul\x00"},
        {"starts_at": "not a date"},
        {"online_url": "javascript:1"},
    ):
        response = client.post(url, {**base, "ends_at": "2026-05-04T13:00", **bad})
        assert response.status_code == 400, bad
    assert not Meeting.objects.exists()


def test_it_reports_attendance_of_a_department_not_invited(client, personas, meeting):
    from relint.departments.models import Department

    other = Department.objects.exclude(pk__in=[personas.department_a.pk, personas.department_b.pk]).first()
    client.force_login(personas.coordinator)
    response = client.post(
        reverse("coordination:attendance", args=[meeting.pk]),
        {"department": other.pk, "person_name": "Mario Rossi", "status": "present"},
    )
    assert response.status_code == 400
    assert "not invited" in response.content.decode()
    assert not Attendance.objects.exists()


def test_it_reports_over_long_and_nul_minutes(client, personas, full):
    client.force_login(personas.coordinator)
    url = reverse("coordination:minutes", args=[full["meeting"].pk])
    for text in ("x" * 20001, "a\x00b"):
        response = client.post(url, {"summary": "ok", f"item_{full['item'].pk}": text})
        assert response.status_code == 400
    full["item"].refresh_from_db()
    assert full["item"].minutes == "Discusso il bando."


def test_it_reports_a_disguised_attachment(client, personas, meeting):
    client.force_login(personas.coordinator)
    response = client.post(
        reverse("coordination:attachment_add", args=[meeting.pk]),
        {"title": "Falso", "file": SimpleUploadedFile("x.pdf", b"<svg onload=alert(1)>")},
    )
    assert response.status_code == 400
    assert "not accepted" in response.content.decode()
    assert not MeetingAttachment.objects.exists()


def test_it_reports_changes_to_approved_minutes_on_the_page(client, personas, full):
    services.minutes_approve(user=personas.coordinator, meeting=full["meeting"])
    client.force_login(personas.coordinator)
    response = client.post(
        reverse("coordination:decision_create", args=[full["meeting"].pk]), {"text_it": "Nuova"}, follow=False
    )
    assert response.status_code == 400
    assert "approved" in response.content.decode()
    assert Decision.objects.count() == 1


def test_it_keeps_approved_minutes_read_only_in_the_admin(client, personas, full):
    meeting = full["meeting"]
    services.minutes_approve(user=personas.coordinator, meeting=meeting)
    client.force_login(personas.admin)
    change = reverse("admin:coordination_meeting_change", args=[meeting.pk])
    assert client.get(change).status_code == 200  # viewable
    assert client.post(change, {"title": "Riscritta"}).status_code == 403
    decision = reverse("admin:coordination_decision_change", args=[full["decision"].pk])
    assert client.post(decision, {"text_it": "Riscritta"}).status_code == 403
    assert client.post(reverse("admin:coordination_decision_delete", args=[full["decision"].pk])).status_code == 403
    meeting.refresh_from_db()
    full["decision"].refresh_from_db()
    assert meeting.title == "Tavolo di coordinamento" and full["decision"].text_it == "Si partecipa."


def test_it_speaks_italian_by_default(client, personas, meeting):
    client.force_login(personas.coordinator)
    with translation.override("it"):
        url = reverse("coordination:meeting", args=[meeting.pk])
        with pytest.raises(ValidationError, match="deve finire dopo"):
            services.meeting_create(user=personas.coordinator, title="T", starts_at=when(2, 12), ends_at=when(2, 10))
    assert url.startswith("/it/")
    page = client.get(url).content.decode()
    assert "Ordine del giorno" in page and "Aggiungi al tuo calendario (.ics)" in page


# --- Editing and deleting one decision, action item or attachment -------------------------
def _decision_post(decision: Decision, **changes) -> dict:
    return {
        "agenda_item": decision.agenda_item_id or "",
        "text_it": decision.text_it,
        "text_en": decision.text_en,
        "is_strategic": "on" if decision.is_strategic else "",
        "is_public": "on" if decision.is_public else "",
        "loaded_at": decision.updated_at.isoformat(),
        **changes,
    }


def _action_post(action: ActionItem, **changes) -> dict:
    return {
        "title": action.title,
        "description": action.description,
        "owner_department": action.owner_department_id,
        "due_on": action.due_on.isoformat(),
        "decision": action.decision_id or "",
        "loaded_at": action.updated_at.isoformat(),
        **changes,
    }


def test_the_coordinator_edits_and_deletes_single_records_of_draft_minutes(
    client, personas, full, django_capture_on_commit_callbacks
):
    meeting, decision, action = full["meeting"], full["decision"], full["action"]
    attachment = services.attachment_add(
        user=personas.coordinator, meeting=meeting, title="Allegato", upload=pdf_upload()
    )
    client.force_login(personas.coordinator)
    page = client.get(reverse("coordination:meeting", args=[meeting.pk])).content.decode()
    for name, args in (
        ("decision_update", [meeting.pk, decision.pk]),
        ("action_delete", [meeting.pk, action.pk]),
        ("attachment_update", [meeting.pk, attachment.pk]),
    ):
        assert reverse(f"coordination:{name}", args=args) in page, name

    url = reverse("coordination:decision_update", args=[meeting.pk, decision.pk])
    form = client.get(url).content.decode()
    assert 'name="loaded_at"' in form and "Si partecipa." in form
    response = client.post(url, _decision_post(decision, text_it="Si partecipa al bando.", is_public=""))
    assert response.status_code == 302 and response["Location"].endswith("#decisions")
    decision.refresh_from_db()
    assert (decision.text_it, decision.is_public, decision.is_strategic) == ("Si partecipa al bando.", False, True)

    url = reverse("coordination:action_update", args=[meeting.pk, action.pk])
    response = client.post(
        url, _action_post(action, title="Inviare la proposta", owner_department=personas.department_b.pk)
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.title, action.owner_department) == ("Inviare la proposta", personas.department_b)

    url = reverse("coordination:attachment_update", args=[meeting.pk, attachment.pk])
    assert (
        client.post(url, {"title": "Ordine del giorno", "loaded_at": attachment.updated_at.isoformat()}).status_code
        == 302
    )
    attachment.refresh_from_db()
    assert attachment.title == "Ordine del giorno"

    # Deleting asks first (a page that works without script), then deletes.
    stored = attachment.file.path
    for name, pk, model in (
        ("decision_delete", decision.pk, Decision),
        ("action_delete", action.pk, ActionItem),
        ("attachment_delete", attachment.pk, MeetingAttachment),
    ):
        url = reverse(f"coordination:{name}", args=[meeting.pk, pk])
        confirm = client.get(url)
        assert confirm.status_code == 200 and '<form method="post">' in confirm.content.decode(), name
        assert model.objects.filter(pk=pk).exists()
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(url).status_code == 302, name
        assert not model.objects.filter(pk=pk).exists(), name
    assert not os.path.exists(stored)


def test_an_edit_loaded_before_someone_elses_save_is_refused(client, personas, full):
    meeting, decision, action = full["meeting"], full["decision"], full["action"]
    stale_decision, stale_action = _decision_post(decision), _action_post(action)
    services.decision_update(
        user=personas.coordinator,
        decision=decision,
        text_it="Versione del collega",
        text_en="",
        agenda_item=None,
        is_strategic=True,
        is_public=True,
        expected_updated_at=decision.updated_at,
    )
    services.action_item_update(
        user=personas.coordinator,
        action_item=action,
        title="Titolo del collega",
        owner_department=personas.department_a,
        due_on=action.due_on,
        expected_updated_at=action.updated_at,
    )
    client.force_login(personas.coordinator)
    for url, data in (
        (reverse("coordination:decision_update", args=[meeting.pk, decision.pk]), {**stale_decision, "text_it": "Mia"}),
        (reverse("coordination:action_update", args=[meeting.pk, action.pk]), {**stale_action, "title": "Mio"}),
    ):
        response = client.post(url, data)
        assert response.status_code == 400
        assert "Someone else changed this record" in response.content.decode()
    decision.refresh_from_db()
    action.refresh_from_db()
    assert decision.text_it == "Versione del collega" and action.title == "Titolo del collega"


def test_the_edit_pages_report_bad_input(client, personas, full):
    meeting, decision, action = full["meeting"], full["decision"], full["action"]
    other = make_meeting(personas)
    foreign_item = services.agenda_item_propose(
        user=personas.coordinator, meeting=other, department=None, title="Altro"
    )
    client.force_login(personas.coordinator)
    decision_url = reverse("coordination:decision_update", args=[meeting.pk, decision.pk])
    action_url = reverse("coordination:action_update", args=[meeting.pk, action.pk])
    for url, data in (
        (decision_url, _decision_post(decision, text_it="x" * 4001)),
        (decision_url, _decision_post(decision, text_it="nul\x00")),
        (decision_url, _decision_post(decision, text_it="")),
        (decision_url, _decision_post(decision, agenda_item=foreign_item.pk)),
        (decision_url, _decision_post(decision, loaded_at="yesterday")),
        (decision_url, _decision_post(decision, loaded_at="")),
        (action_url, _action_post(action, title="x" * 301)),
        (action_url, _action_post(action, description="a\x00b")),
        (action_url, _action_post(action, due_on="31/02/2026")),
        (action_url, _action_post(action, owner_department="99999")),
    ):
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert 'class="invalid-feedback' in response.content.decode() or "alert" in response.content.decode()
    decision.refresh_from_db()
    action.refresh_from_db()
    assert decision.text_it == "Si partecipa." and decision.agenda_item_id is None
    assert action.title == "Preparare la proposta" and action.description == ""
    # A record of another meeting is not reachable through this meeting's address.
    other_decision = services.decision_create(user=personas.coordinator, meeting=other, text_it="Altrove")
    assert client.get(reverse("coordination:decision_update", args=[meeting.pk, other_decision.pk])).status_code == 404
    assert client.post(reverse("coordination:action_delete", args=[other.pk, action.pk])).status_code == 404


def test_edits_and_deletes_of_approved_minutes_are_refused_clearly(client, personas, full):
    meeting, decision, action = full["meeting"], full["decision"], full["action"]
    attachment = services.attachment_add(
        user=personas.coordinator, meeting=meeting, title="Allegato", upload=pdf_upload()
    )
    services.minutes_approve(user=personas.coordinator, meeting=meeting)
    client.force_login(personas.coordinator)
    page = client.get(reverse("coordination:meeting", args=[meeting.pk])).content.decode()
    assert "/edit/" not in page and "/delete/" not in page
    response = client.post(
        reverse("coordination:decision_update", args=[meeting.pk, decision.pk]), _decision_post(decision, text_it="No")
    )
    assert response.status_code == 400 and "approved" in response.content.decode()
    response = client.post(
        reverse("coordination:attachment_update", args=[meeting.pk, attachment.pk]),
        {"title": "No", "loaded_at": attachment.updated_at.isoformat()},
    )
    assert response.status_code == 400 and "approved" in response.content.decode()
    for name, pk in (
        ("decision_delete", decision.pk),
        ("action_delete", action.pk),
        ("attachment_delete", attachment.pk),
    ):
        response = client.post(reverse(f"coordination:{name}", args=[meeting.pk, pk]), follow=True)
        assert "approved: the meeting can no longer be changed" in response.content.decode(), name
    with pytest.raises(ValidationError, match="approved"):
        services.action_item_update(
            user=personas.coordinator,
            action_item=action,
            title="No",
            owner_department=personas.department_a,
            due_on=action.due_on,
        )
    assert Decision.objects.filter(pk=decision.pk, text_it="Si partecipa.").exists()
    assert ActionItem.objects.filter(pk=action.pk, title="Preparare la proposta").exists()
    assert MeetingAttachment.objects.filter(pk=attachment.pk, title="Allegato").exists()


def test_the_admin_refuses_every_change_to_approved_minutes(client, personas, full):
    meeting, action = full["meeting"], full["action"]
    services.minutes_approve(user=personas.coordinator, meeting=meeting)
    client.force_login(personas.admin)
    change = reverse("admin:coordination_actionitem_change", args=[action.pk])
    assert client.get(change).status_code == 200  # viewable
    assert client.post(change, {"title": "Riscritta", "status": "dropped"}).status_code == 403
    assert client.post(reverse("admin:coordination_actionitem_delete", args=[action.pk])).status_code == 403
    # The bulk action asks per row, and refuses the approved ones.
    response = client.post(
        reverse("admin:coordination_actionitem_changelist"),
        {"action": "delete_selected", "_selected_action": [action.pk], "post": "yes"},
    )
    assert response.status_code in (200, 403)
    # Nothing new can be attached to approved minutes through an add form.
    before = Decision.objects.count()
    response = client.post(
        reverse("admin:coordination_decision_add"), {"meeting": meeting.pk, "text_it": "Aggiunta dopo", "text_en": ""}
    )
    assert response.status_code == 200
    assert "nothing can be added to them or changed" in response.content.decode()
    assert Decision.objects.count() == before
    # Approval (with its PDF) is never typed into the meeting's admin form.
    draft = make_meeting(personas)
    form = client.get(reverse("admin:coordination_meeting_change", args=[draft.pk])).content.decode()
    assert 'name="title"' in form
    for name in ("minutes_state", "minutes_approved_at", "minutes_approved_by", "minutes_pdf", "minutes_pdf_sha256"):
        assert f'name="{name}"' not in form, name
    action.refresh_from_db()
    assert (action.title, action.status) == ("Preparare la proposta", ActionStatus.OPEN)


def test_every_create_form_reports_over_long_and_nul_text(client, personas, full):
    """Over-long text and NUL characters get a form error (400), never a 500
    nor a row: SQLite would store them, PostgreSQL would fail on the NUL."""
    meeting = full["meeting"]
    client.force_login(personas.coordinator)
    department = personas.department_a.pk
    due = (timezone.localdate() + datetime.timedelta(days=9)).isoformat()
    cases = [
        ("agenda_propose", {"title": "x" * 301}),
        ("agenda_propose", {"title": "Punto", "description": "a\x00b"}),
        ("attendance", {"department": department, "person_name": "x" * 201, "status": "present"}),
        ("attendance", {"department": department, "person_name": "Ma\x00rio", "status": "present"}),
        ("decision_create", {"text_it": "x" * 4001}),
        ("decision_create", {"text_it": "Sì", "text_en": "Ye\x00s"}),
        ("action_create", {"title": "x" * 301, "owner_department": department, "due_on": due}),
        ("action_create", {"title": "A\x00", "owner_department": department, "due_on": due}),
        ("attachment_add", {"title": "T\x00", "file": pdf_upload()}),
    ]
    counts = (
        AgendaItem.objects.count(),
        Attendance.objects.count(),
        Decision.objects.count(),
        ActionItem.objects.count(),
    )
    for name, data in cases:
        response = client.post(reverse(f"coordination:{name}", args=[meeting.pk]), data)
        assert response.status_code == 400, (name, data)
    assert counts == (
        AgendaItem.objects.count(),
        Attendance.objects.count(),
        Decision.objects.count(),
        ActionItem.objects.count(),
    )
    assert not MeetingAttachment.objects.exists()
    # The services refuse the same, for importers and scripts.
    with pytest.raises(ValidationError):
        services.decision_create(user=personas.coordinator, meeting=meeting, text_it="nul\x00")
    with pytest.raises(ValidationError):
        services.action_item_create(
            user=personas.coordinator,
            meeting=meeting,
            title="y" * 301,
            owner_department=personas.department_a,
            due_on=timezone.localdate(),
        )
    # An end before the start on the edit page, too.
    response = client.post(
        reverse("coordination:meeting_update", args=[meeting.pk]),
        {
            "title": meeting.title,
            "starts_at": "2026-05-04T12:00",
            "ends_at": "2026-05-04T11:00",
            "place": "Sala",
            "invited_departments": [personas.department_a.pk, personas.department_b.pk],
        },
    )
    assert response.status_code == 400 and "The meeting must end after it starts." in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.ends_at > meeting.starts_at


# --- Request keys on the create forms ------------------------------------------------
def _create_cases(personas, meeting):
    """name -> (form URL, payload, model): every create form of the table."""
    from relint.coordination.models import ActionItem, AgendaItem, Decision, MeetingAttachment

    args = [meeting.pk]
    return {
        "meeting": (
            reverse("coordination:meeting_create"),
            lambda: {
                "title": "Tavolo di primavera",
                "starts_at": "2026-05-04T10:00",
                "ends_at": "2026-05-04T12:00",
                "place": "Sala Rossa",
                "invited_departments": [personas.department_a.pk],
            },
            Meeting,
        ),
        "agenda item": (
            reverse("coordination:agenda_propose", args=args),
            lambda: {"proposed_by_department": personas.department_a.pk, "title": "Bando UE", "description": ""},
            AgendaItem,
        ),
        "decision": (
            reverse("coordination:decision_create", args=args),
            lambda: {"text_it": "Si partecipa al bando."},
            Decision,
        ),
        "action item": (
            reverse("coordination:action_create", args=args),
            lambda: {
                "title": "Preparare la proposta",
                "owner_department": personas.department_a.pk,
                "due_on": "2026-06-30",
            },
            ActionItem,
        ),
        "attachment": (
            reverse("coordination:attachment_add", args=args),
            lambda: {"title": "Ordine del giorno", "file": pdf_upload()},
            MeetingAttachment,
        ),
        "membership": (
            reverse("coordination:membership_create"),
            lambda: {"department": personas.department_a.pk, "joined_on": "1990-01-01", "left_on": "1990-12-31"},
            TableMembership,
        ),
    }


@pytest.mark.parametrize("name", ["meeting", "agenda item", "decision", "action item", "attachment", "membership"])
def test_a_double_submitted_create_form_makes_one_record(client, personas, meeting, name, settings, tmp_path):
    import re

    settings.MEDIA_ROOT = tmp_path
    url, payload, model = _create_cases(personas, meeting)[name]
    client.force_login(personas.coordinator)
    page = client.get(url).content.decode()
    keys = re.findall(r'name="request_key" value="([0-9a-f-]{36})"', page)
    assert len(keys) == 1, keys
    before = model.objects.count()
    first = client.post(url, payload() | {"request_key": keys[0]})
    second = client.post(url, payload() | {"request_key": keys[0]})
    assert first.status_code == 302, first.content.decode()[:3000]
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert model.objects.count() == before + 1


def test_the_edit_forms_of_the_table_carry_no_request_key(client, personas, meeting):
    client.force_login(personas.coordinator)
    page = client.get(reverse("coordination:meeting_update", args=[meeting.pk])).content.decode()
    assert 'name="request_key"' not in page
