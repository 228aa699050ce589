"""Helpers shared by the coordination table's tests: a meeting, and a meeting
with its whole draft minutes."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from relint.coordination import services
from relint.coordination.models import AgendaItemState, AttendanceStatus, Meeting


def when(days: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def make_meeting(personas) -> Meeting:
    return services.meeting_create(
        user=personas.coordinator,
        title="Tavolo di coordinamento",
        starts_at=when(-1),
        ends_at=when(-1, 12),
        place="Palazzo Civico, Sala Rossa",
        invited_departments=[personas.department_a, personas.department_b],
    )


def make_full(personas, meeting: Meeting) -> dict:
    """A meeting with one approved item, attendance, minutes, a decision and
    an action item of department A; minutes still a draft."""
    item = services.agenda_item_propose(
        user=personas.editor_a, meeting=meeting, department=personas.department_a, title="Bando UE"
    )
    services.agenda_item_review(user=personas.coordinator, item=item, state=AgendaItemState.APPROVED, position=1)
    attendance = services.attendance_record(
        user=personas.coordinator,
        meeting=meeting,
        department=personas.department_a,
        person=personas.editor_a,
        status=AttendanceStatus.PRESENT,
    )
    services.minutes_update(
        user=personas.coordinator, meeting=meeting, summary="Sintesi", item_minutes={item.pk: "Discusso il bando."}
    )
    decision = services.decision_create(
        user=personas.coordinator, meeting=meeting, text_it="Si partecipa.", is_strategic=True, is_public=True
    )
    action = services.action_item_create(
        user=personas.coordinator,
        meeting=meeting,
        title="Preparare la proposta",
        owner_department=personas.department_a,
        due_on=timezone.localdate() - datetime.timedelta(days=1),
        decision=decision,
    )
    return {"meeting": meeting, "item": item, "attendance": attendance, "decision": decision, "action": action}


def pdf_upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("annex.pdf", b"%PDF-1.7\n1 0 obj<<>>endobj\n%%EOF", content_type="application/pdf")
