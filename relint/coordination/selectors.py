"""Reads of the coordination table: the meetings a user sees, one meeting
with everything on it, the follow-up of action items, and what the annual
report and the portal take from the table.

What a non-coordinator may see of a meeting is decided here, in one place,
with the rules of `relint.departments.permissions`: the approved agenda and
their own department's proposals; minutes, decisions and action items only
once the minutes are approved.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from relint.coordination.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    AgendaItemState,
    Decision,
    Meeting,
    MinutesState,
)
from relint.departments import permissions
from relint.departments.models import Department, TableMembership


def meetings_for(user) -> QuerySet[Meeting]:
    """The meetings a user lists: all of them for staff who may see the
    table, none otherwise."""
    if not permissions.can_view_meetings(user):
        return Meeting.objects.none()
    return Meeting.objects.annotate(
        agenda_count=Count("agenda_items", filter=Q(agenda_items__state=AgendaItemState.APPROVED), distinct=True)
    ).prefetch_related("invited_departments")


@dataclass
class MeetingView:
    meeting: Meeting
    agenda: list[AgendaItem]
    proposals: list[AgendaItem]
    attendances: list
    decisions: list[Decision]
    action_items: list[ActionItem]
    attachments: list
    shows_minutes: bool
    manages: bool


def meeting_view(user, meeting: Meeting) -> MeetingView:
    """One meeting as the user may see it (a fixed number of queries)."""
    manages = permissions.can_manage_meetings(user)
    approved = meeting.minutes_state == MinutesState.APPROVED
    shows_minutes = manages or approved
    items = list(meeting.agenda_items.select_related("proposed_by_department", "proposed_by"))
    agenda = [item for item in items if item.state == AgendaItemState.APPROVED]
    if manages:
        proposals = [item for item in items if item.state != AgendaItemState.APPROVED]
    else:
        own = permissions.delegate_department_ids(user)
        proposals = [
            item for item in items if item.state != AgendaItemState.APPROVED and item.proposed_by_department_id in own
        ]
    if shows_minutes:
        attendances = list(meeting.attendances.select_related("department", "person"))
        decisions = list(meeting.decisions.select_related("agenda_item"))
        action_items = list(
            meeting.action_items.select_related("owner_department", "decision").prefetch_related("activities")
        )
    else:
        attendances, decisions, action_items = [], [], []
    return MeetingView(
        meeting=meeting,
        agenda=agenda,
        proposals=proposals,
        attendances=attendances,
        decisions=decisions,
        action_items=action_items,
        attachments=list(meeting.attachments.all()),
        shows_minutes=shows_minutes,
        manages=manages,
    )


def visible_action_items(user, qs: QuerySet[ActionItem] | None = None) -> QuerySet[ActionItem]:
    """Action items the user may see: all for the coordinator; for other
    staff of the table, those of approved minutes (the minutes are shared by
    the whole table once approved)."""
    qs = ActionItem.objects.all() if qs is None else qs
    if permissions.can_manage_meetings(user):
        return qs
    if not permissions.can_view_meetings(user):
        return qs.none()
    return qs.filter(meeting__minutes_state=MinutesState.APPROVED)


@dataclass
class DepartmentActions:
    department: Department
    items: list[ActionItem] = field(default_factory=list)
    overdue: int = 0
    in_progress: int = 0


def action_dashboard(user, *, today: datetime.date | None = None) -> list[DepartmentActions]:
    """Open and overdue action items by owner department (two queries,
    whatever the number of items)."""
    today = today or timezone.localdate()
    items = (
        visible_action_items(user, ActionItem.objects.pending())
        .select_related("owner_department", "meeting")
        .prefetch_related("activities")
        .order_by("owner_department__table_order", "owner_department__name_it", "due_on", "pk")
    )
    groups: dict[int, DepartmentActions] = {}
    for item in items:
        item.is_overdue = item.due_on < today
        group = groups.setdefault(item.owner_department_id, DepartmentActions(department=item.owner_department))
        group.items.append(item)
        group.overdue += item.is_overdue
        group.in_progress += item.status == ActionStatus.IN_PROGRESS
    return list(groups.values())


def open_actions_for_dashboard(user, *, today: datetime.date | None = None, limit: int = 20) -> list[ActionItem]:
    """The department dashboard's list: pending action items of the user's
    own departments, most urgent first."""
    today = today or timezone.localdate()
    departments = permissions.readable_department_ids(user) | permissions.delegate_department_ids(user)
    items = list(
        ActionItem.objects.pending()
        .filter(meeting__minutes_state=MinutesState.APPROVED, owner_department_id__in=departments)
        .select_related("owner_department", "meeting")
        .order_by("due_on", "pk")[:limit]
    )
    for item in items:
        item.is_overdue = item.due_on < today
    return items


def memberships() -> QuerySet[TableMembership]:
    return TableMembership.objects.select_related("department").prefetch_related(
        Prefetch("delegates", to_attr="delegate_list")
    )


def attendable_people():
    """Staff with an account, for the attendance form."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_active=True).order_by("last_name", "first_name", "username")


# --- For the annual report and the portal ----------------------------------------------
def meetings_of_year(year: int) -> QuerySet[Meeting]:
    """The year's meetings whose minutes are approved, in date order, for
    the annual report's section on the table."""
    return (
        Meeting.objects.for_year(year)
        .filter(minutes_state=MinutesState.APPROVED)
        .order_by("starts_at", "pk")
        .prefetch_related("invited_departments")
    )


def strategic_decisions_of_year(year: int) -> QuerySet[Decision]:
    """The strategic decisions of a year, for the annual report: only public
    decisions of approved minutes (the report is a public document)."""
    return (
        Decision.objects.public()
        .strategic()
        .filter(meeting__starts_at__year=year)
        .select_related("meeting", "agenda_item")
        .order_by("meeting__starts_at", "pk")
    )
