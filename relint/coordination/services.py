"""Writes of the coordination table: membership, meetings and their agenda,
invitations, attendance, minutes, decisions, action items, attachments and
the calendar feed tokens.

Every service checks its permission (`relint.departments.permissions`),
validates with `full_clean()` before saving and raises `ValidationError` with
a message meant for the user. Approved minutes never change: every service
that touches what the minutes record (agenda, attendance, minutes text,
decisions, action items, attachments, the meeting itself) first locks the
meeting row and refuses when its minutes are approved. Following an action
item up (its status) stays possible: that is the table's work after the
meeting, not the record of it.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from relint.coordination import ics
from relint.coordination.minutes import minutes_data, render_minutes
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
    MeetingState,
    MinutesState,
)
from relint.coordination.uploads import validate_attachment
from relint.departments import permissions
from relint.departments.models import Department, TableMembership
from relint.portal.publication import publication_bump
from relint.reports.render import ReportRenderError


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _locked_meeting(meeting: Meeting) -> Meeting:
    """The meeting's current row, locked until the transaction ends, so that
    an approval and a change cannot interleave. Refuses approved minutes."""
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if current.minutes_state == MinutesState.APPROVED:
        raise ValidationError(_("The minutes of this meeting are approved: the meeting can no longer be changed."))
    return current


def _save(instance) -> None:
    instance.full_clean()
    instance.save()
    # The table's members, meetings and public decisions are on the portal;
    # a bump for a row that is not costs only a cache refill.
    publication_bump()


def _locked_record(model, record, expected_updated_at: datetime.datetime | None):
    """The record's current row, locked, after checking that nobody saved it
    since the form was loaded (its `updated_at` then): a plain save would
    silently overwrite their change."""
    current = model.objects.select_for_update().get(pk=record.pk)
    if expected_updated_at is not None and current.updated_at != expected_updated_at:
        raise ValidationError(
            _("Someone else changed this record after you opened it. Reload the page to see their version.")
        )
    return current


# --- Membership over time ---------------------------------------------------------------
@transaction.atomic
def membership_create(
    *,
    user,
    department: Department,
    joined_on: datetime.date,
    left_on: datetime.date | None = None,
    scopes_it: str = "",
    scopes_en: str = "",
    delegates: Iterable = (),
) -> TableMembership:
    _require(permissions.can_manage_table_membership(user))
    membership = TableMembership(
        department=department, joined_on=joined_on, left_on=left_on, scopes_it=scopes_it, scopes_en=scopes_en
    )
    _check_no_overlap(membership)
    _save(membership)
    membership.delegates.set(list(delegates))
    return membership


@transaction.atomic
def membership_update(
    *,
    user,
    membership: TableMembership,
    joined_on: datetime.date,
    left_on: datetime.date | None,
    scopes_it: str,
    scopes_en: str,
    delegates: Iterable,
) -> TableMembership:
    _require(permissions.can_manage_table_membership(user))
    membership.joined_on = joined_on
    membership.left_on = left_on
    membership.scopes_it = scopes_it
    membership.scopes_en = scopes_en
    _check_no_overlap(membership)
    _save(membership)
    membership.delegates.set(list(delegates))
    return membership


def _check_no_overlap(membership: TableMembership) -> None:
    """A department holds one seat at a time: periods may not overlap."""
    if membership.left_on is not None and membership.left_on < membership.joined_on:
        return  # full_clean() reports the order of the dates
    others = TableMembership.objects.filter(department_id=membership.department_id).exclude(pk=membership.pk)
    for other in others:
        starts_before_other_ends = other.left_on is None or membership.joined_on < other.left_on
        ends_after_other_starts = membership.left_on is None or membership.left_on > other.joined_on
        if starts_before_other_ends and ends_after_other_starts:
            raise ValidationError(
                {"joined_on": _("This period overlaps the department's membership %(other)s.") % {"other": other}}
            )


# --- Meetings ---------------------------------------------------------------------------
@transaction.atomic
def meeting_create(
    *,
    user,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    place: str = "",
    online_url: str = "",
    invited_departments: Iterable[Department] = (),
) -> Meeting:
    _require(permissions.can_manage_meetings(user))
    meeting = Meeting(title=title, starts_at=starts_at, ends_at=ends_at, place=place, online_url=online_url)
    _check_meeting(meeting)
    _save(meeting)
    meeting.invited_departments.set(list(invited_departments))
    return meeting


@transaction.atomic
def meeting_update(
    *,
    user,
    meeting: Meeting,
    title: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    place: str,
    online_url: str,
    invited_departments: Iterable[Department],
) -> Meeting:
    _require(permissions.can_manage_meetings(user))
    current = _locked_meeting(meeting)
    invited = list(invited_departments)
    attending = set(current.attendances.values_list("department_id", flat=True))
    missing = attending - {department.pk for department in invited}
    if missing:
        names = ", ".join(str(d) for d in Department.objects.filter(pk__in=missing))
        raise ValidationError(
            {
                "invited_departments": _("Attendance is recorded for departments no longer invited: %(names)s.")
                % {"names": names}
            }
        )
    for name, value in (
        ("title", title),
        ("starts_at", starts_at),
        ("ends_at", ends_at),
        ("place", place),
        ("online_url", online_url),
    ):
        setattr(current, name, value)
    _check_meeting(current)
    _save(current)
    current.invited_departments.set(invited)
    return current


def _check_meeting(meeting: Meeting) -> None:
    if meeting.starts_at and meeting.ends_at and meeting.ends_at <= meeting.starts_at:
        raise ValidationError({"ends_at": _("The meeting must end after it starts.")})


@transaction.atomic
def meeting_set_state(*, user, meeting: Meeting, state: str) -> Meeting:
    """Mark a meeting held or cancelled (or planned again)."""
    _require(permissions.can_manage_meetings(user))
    current = _locked_meeting(meeting)
    if state not in MeetingState.values:
        raise ValidationError(_("Unknown meeting state."))
    current.state = state
    _save(current)
    return current


def _delegate_recipients(meeting: Meeting) -> list[str]:
    """The addresses of the invited departments' delegates on the meeting's
    day; a department without delegates gets the invitation at its office
    address."""
    day = timezone.localdate(meeting.starts_at)
    addresses: list[str] = []
    for department in meeting.invited_departments.all():
        memberships = TableMembership.objects.filter(department=department, joined_on__lte=day).exclude(
            left_on__lte=day
        )
        emails = [
            delegate.email
            for membership in memberships.prefetch_related("delegates")
            for delegate in membership.delegates.all()
            if delegate.email and delegate.is_active
        ]
        if not emails and department.email:
            emails = [department.email]
        addresses += emails
    return sorted(set(addresses))


@transaction.atomic
def meeting_send_invitations(*, user, meeting: Meeting, base_url: str = "") -> int:
    """Email the agenda, with the meeting's .ics, to the invited departments'
    delegates (one message each, so that nobody sees the others' addresses).
    The meeting becomes "convened". Returns the number of messages sent."""
    _require(permissions.can_manage_meetings(user))
    current = _locked_meeting(meeting)
    if current.state == MeetingState.CANCELLED:
        raise ValidationError(_("The meeting is cancelled."))
    recipients = _delegate_recipients(current)
    if not recipients:
        raise ValidationError(_("Nobody to invite: invite departments that have delegates or an office email."))
    agenda = list(current.agenda_items.filter(state=AgendaItemState.APPROVED))
    with translation.override("it"):
        subject = _("Coordination table: %(title)s, %(date)s") % {
            "title": current.title,
            "date": timezone.localtime(current.starts_at).strftime("%d/%m/%Y %H:%M"),
        }
        body = render_to_string(
            "coordination/email/invitation.txt", {"meeting": current, "agenda": agenda, "base_url": base_url}
        )
    calendar = ics.meetings_calendar([current], agenda_of={current.pk: agenda})
    messages = []
    for address in recipients:
        message = EmailMessage(subject=subject, body=body, to=[address])
        message.attach(f"riunione-{current.pk}.ics", calendar, "text/calendar")
        messages.append(message)
    sent = get_connection().send_messages(messages) or 0
    if current.state == MeetingState.PLANNED:
        current.state = MeetingState.CONVENED
        _save(current)
    return sent


# --- Agenda ----------------------------------------------------------------------------
@transaction.atomic
def agenda_item_propose(
    *, user, meeting: Meeting, department: Department | None, title: str, description: str = ""
) -> AgendaItem:
    """A delegate proposes an item for their department; the coordinator may
    add items for anyone (or for the office itself) and they start approved."""
    current = _locked_meeting(meeting)
    _require(permissions.can_propose_agenda_item(user, current, department))
    if department is None and not permissions.can_manage_meetings(user):
        raise ValidationError({"proposed_by_department": _("Choose the department you propose the item for.")})
    last = current.agenda_items.aggregate(last=Max("position"))["last"] or 0
    item = AgendaItem(
        meeting=current,
        position=last + 1,
        title=title,
        description=description,
        proposed_by_department=department,
        proposed_by=user,
        state=AgendaItemState.APPROVED if permissions.can_manage_meetings(user) else AgendaItemState.PROPOSED,
    )
    _save(item)
    return item


@transaction.atomic
def agenda_item_review(*, user, item: AgendaItem, state: str, position: int) -> AgendaItem:
    """The coordinator admits (or not) an item and sets its place on the agenda."""
    _require(permissions.can_manage_meetings(user))
    _locked_meeting(item.meeting)
    if state not in AgendaItemState.values:
        raise ValidationError({"state": _("Unknown agenda item state.")})
    item.state = state
    item.position = position
    _save(item)
    return item


# --- Attendance ------------------------------------------------------------------------
@transaction.atomic
def attendance_record(
    *, user, meeting: Meeting, department: Department, status: str, person=None, person_name: str = ""
) -> Attendance:
    _require(permissions.can_manage_meetings(user))
    current = _locked_meeting(meeting)
    if not current.invited_departments.filter(pk=department.pk).exists():
        raise ValidationError({"department": _("This department was not invited to the meeting.")})
    if person is None and not person_name.strip():
        raise ValidationError({"person_name": _("Choose a person or write their name.")})
    duplicate = Attendance.objects.filter(meeting=current, department=department)
    duplicate = (
        duplicate.filter(person=person)
        if person is not None
        else duplicate.filter(person__isnull=True, person_name=person_name.strip())
    )
    if duplicate.exists():
        raise ValidationError(_("This person's attendance is already recorded."))
    attendance = Attendance(
        meeting=current, department=department, person=person, person_name=person_name.strip(), status=status
    )
    _save(attendance)
    return attendance


@transaction.atomic
def attendance_delete(*, user, attendance: Attendance) -> None:
    _require(permissions.can_manage_meetings(user))
    _locked_meeting(attendance.meeting)
    attendance.delete()


# --- Minutes ---------------------------------------------------------------------------
@transaction.atomic
def minutes_update(*, user, meeting: Meeting, summary: str, item_minutes: dict[int, str]) -> Meeting:
    """Write the minutes: a general summary and the text of each approved
    agenda item. Everything is validated before anything is saved."""
    _require(permissions.can_manage_meetings(user))
    current = _locked_meeting(meeting)
    items = {item.pk: item for item in current.agenda_items.filter(state=AgendaItemState.APPROVED)}
    unknown = set(item_minutes) - set(items)
    if unknown:
        raise ValidationError(_("Some agenda items are not on this meeting's approved agenda."))
    current.minutes_summary = summary
    current.minutes_state = MinutesState.DRAFT
    errors: dict[str, list] = {}
    try:
        current.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    for pk, text in item_minutes.items():
        items[pk].minutes = text
        try:
            items[pk].full_clean()
        except ValidationError as error:
            for message in error.message_dict.get("minutes", error.messages):
                errors.setdefault(f"item_{pk}", []).append(message)
    if errors:
        raise ValidationError(errors)
    current.save()
    for item in items.values():
        item.save()
    return current


@transaction.atomic
def minutes_approve(*, user, meeting: Meeting) -> Meeting:
    """Approve the minutes and store their PDF with its checksum. From now
    on nothing they record changes, the PDF included."""
    _require(permissions.can_approve_minutes(user))
    current = _locked_meeting(meeting)
    if current.state == MeetingState.CANCELLED:
        raise ValidationError(_("A cancelled meeting has no minutes to approve."))
    if current.minutes_state != MinutesState.DRAFT:
        raise ValidationError(_("Write the minutes before approving them."))
    if current.starts_at > timezone.now():
        raise ValidationError(_("The meeting has not taken place yet."))
    current.minutes_state = MinutesState.APPROVED
    current.minutes_approved_at = timezone.now()
    current.minutes_approved_by = user
    current.state = MeetingState.HELD
    try:
        # A few pages, typeset in the request: the approval and its PDF are
        # one step, so approved minutes always have their document.
        content = render_minutes(minutes_data(current))
    except ReportRenderError as error:
        raise ValidationError(
            _("The minutes could not be typeset, so they are not approved: %(error)s") % {"error": error}
        ) from error
    digest = hashlib.sha256(content).hexdigest()
    # The name carries the checksum and the storage never overwrites a file:
    # the approved version's PDF, once written, never changes.
    current.minutes_pdf.save(f"verbale-{current.pk}-{digest[:12]}.pdf", ContentFile(content), save=False)
    current.minutes_pdf_sha256 = digest
    _save(current)
    return current


# --- Decisions and action items --------------------------------------------------------
@transaction.atomic
def decision_create(
    *,
    user,
    meeting: Meeting,
    text_it: str,
    text_en: str = "",
    agenda_item: AgendaItem | None = None,
    is_strategic: bool = False,
    is_public: bool = False,
) -> Decision:
    _require(permissions.can_manage_meetings(user))
    current = _locked_meeting(meeting)
    decision = Decision(
        meeting=current,
        agenda_item=agenda_item,
        text_it=text_it,
        text_en=text_en,
        is_strategic=is_strategic,
        is_public=is_public,
    )
    _save(decision)
    return decision


@transaction.atomic
def decision_update(
    *,
    user,
    decision: Decision,
    text_it: str,
    text_en: str,
    agenda_item: AgendaItem | None,
    is_strategic: bool,
    is_public: bool,
    expected_updated_at: datetime.datetime | None = None,
) -> Decision:
    """Correct a decision of draft minutes."""
    _require(permissions.can_manage_meetings(user))
    _locked_meeting(decision.meeting)
    current = _locked_record(Decision, decision, expected_updated_at)
    current.text_it = text_it
    current.text_en = text_en
    current.agenda_item = agenda_item
    current.is_strategic = is_strategic
    current.is_public = is_public
    _save(current)
    return current


@transaction.atomic
def decision_delete(*, user, decision: Decision) -> None:
    _require(permissions.can_manage_meetings(user))
    _locked_meeting(decision.meeting)
    decision.delete()
    publication_bump()


@transaction.atomic
def action_item_create(
    *,
    user,
    meeting: Meeting,
    title: str,
    owner_department: Department,
    due_on: datetime.date,
    description: str = "",
    decision: Decision | None = None,
    activities: Iterable = (),
) -> ActionItem:
    _require(permissions.can_manage_meetings(user))
    current = _locked_meeting(meeting)
    action = ActionItem(
        meeting=current,
        decision=decision,
        title=title,
        description=description,
        owner_department=owner_department,
        due_on=due_on,
    )
    _save(action)
    action.activities.set(list(activities))
    return action


@transaction.atomic
def action_item_update(
    *,
    user,
    action_item: ActionItem,
    title: str,
    owner_department: Department,
    due_on: datetime.date,
    description: str = "",
    decision: Decision | None = None,
    activities: Iterable = (),
    expected_updated_at: datetime.datetime | None = None,
) -> ActionItem:
    """Correct an action item of draft minutes (its status moves through
    `action_item_set_status`)."""
    _require(permissions.can_manage_meetings(user))
    _locked_meeting(action_item.meeting)
    current = _locked_record(ActionItem, action_item, expected_updated_at)
    current.title = title
    current.description = description
    current.owner_department = owner_department
    current.due_on = due_on
    current.decision = decision
    _save(current)
    current.activities.set(list(activities))
    return current


@transaction.atomic
def action_item_delete(*, user, action_item: ActionItem) -> None:
    _require(permissions.can_manage_meetings(user))
    _locked_meeting(action_item.meeting)
    action_item.delete()


@transaction.atomic
def action_item_set_status(*, user, action_item: ActionItem, status: str) -> ActionItem:
    """The owner department (or the coordinator) follows an action up. Its
    completion date is set when it is done and cleared when it is reopened."""
    current = ActionItem.objects.select_for_update().select_related("meeting").get(pk=action_item.pk)
    _require(permissions.can_update_action_item(user, current))
    if not permissions.can_manage_meetings(user) and current.meeting.minutes_state != MinutesState.APPROVED:
        # Before approval the action exists only in the draft minutes.
        raise PermissionDenied
    if status not in ActionStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    current.status = status
    if status == ActionStatus.DONE:
        current.completed_on = current.completed_on or timezone.localdate()
    else:
        current.completed_on = None
    _save(current)
    return current


# --- Attachments -----------------------------------------------------------------------
@transaction.atomic
def attachment_add(*, user, meeting: Meeting, title: str, upload) -> MeetingAttachment:
    _require(permissions.can_manage_meetings(user))
    current = _locked_meeting(meeting)
    content_type = validate_attachment(upload)
    attachment = MeetingAttachment(
        meeting=current,
        title=title,
        file=upload,
        content_type=content_type,
        size=upload.size,
        uploaded_by=user,
    )
    # The file is written only by save(), after every check has passed.
    attachment.full_clean()
    attachment.save()
    return attachment


@transaction.atomic
def attachment_update(
    *, user, attachment: MeetingAttachment, title: str, expected_updated_at: datetime.datetime | None = None
) -> MeetingAttachment:
    """Rename an attachment; its file is never replaced (upload a new one)."""
    _require(permissions.can_manage_meetings(user))
    _locked_meeting(attachment.meeting)
    current = _locked_record(MeetingAttachment, attachment, expected_updated_at)
    current.title = title
    _save(current)
    return current


@transaction.atomic
def attachment_delete(*, user, attachment: MeetingAttachment) -> None:
    _require(permissions.can_manage_meetings(user))
    _locked_meeting(attachment.meeting)
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    # The file goes only once the row is gone for good: a rolled-back delete
    # must not leave a record without its file.
    transaction.on_commit(lambda: storage.delete(name))


# --- Calendar feed ---------------------------------------------------------------------
@transaction.atomic
def feed_token_issue(*, user) -> CalendarFeedToken:
    """A new feed URL for the user; the previous one stops working."""
    _require(permissions.can_view_meetings(user))
    CalendarFeedToken.objects.active().filter(user=user).update(revoked_at=timezone.now())
    # 32 bytes from the system's CSPRNG: 256 bits, 43 URL-safe characters.
    token = CalendarFeedToken(user=user, token=secrets.token_urlsafe(32))
    _save(token)
    return token


@transaction.atomic
def feed_token_revoke(*, user) -> int:
    """Revoke the user's feed URL; it then answers 404."""
    return CalendarFeedToken.objects.active().filter(user=user).update(revoked_at=timezone.now())
