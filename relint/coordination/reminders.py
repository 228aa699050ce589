"""Reminders to the owners of overdue action items (`send_action_reminders`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.mail import EmailMessage, get_connection
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from relint.coordination.models import ActionItem, MinutesState
from relint.departments.models import Department, TableMembership


@dataclass
class Reminder:
    department: Department
    items: list[ActionItem] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)


def _recipients(department: Department, day: datetime.date) -> list[str]:
    emails = sorted(
        {
            person.email
            for membership in department.current_memberships
            if membership.joined_on <= day and (membership.left_on is None or membership.left_on > day)
            for person in membership.delegates.all()
            if person.email and person.is_active
        }
    )
    return emails or ([department.email] if department.email else [])


def send_action_reminders(*, today: datetime.date | None = None, dry_run: bool = False) -> list[Reminder]:
    """One message per owner department with overdue items of approved
    minutes. A fixed number of queries, whatever the number of items."""
    day = today or timezone.localdate()
    items = (
        ActionItem.objects.overdue(on=day)
        .filter(meeting__minutes_state=MinutesState.APPROVED)
        .select_related("meeting", "owner_department")
        .prefetch_related(
            Prefetch(
                "owner_department__table_memberships",
                queryset=TableMembership.objects.prefetch_related("delegates"),
                to_attr="current_memberships",
            )
        )
        .order_by("owner_department__table_order", "owner_department__code", "due_on", "pk")
    )
    reminders: dict[int, Reminder] = {}
    for item in items:
        reminder = reminders.setdefault(item.owner_department_id, Reminder(department=item.owner_department))
        reminder.items.append(item)
    messages = []
    for reminder in reminders.values():
        reminder.recipients = _recipients(reminder.department, day)
        if not reminder.recipients:
            continue
        with translation.override("it"):
            subject = _("Coordination table: %(count)d overdue action items") % {"count": len(reminder.items)}
            body = render_to_string("coordination/email/reminder.txt", {"reminder": reminder, "today": day})
        messages.append(EmailMessage(subject=subject, body=body, to=reminder.recipients))
    if messages and not dry_run:
        get_connection().send_messages(messages)
    return list(reminders.values())
