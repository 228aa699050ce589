"""Who may see and change what: the single place for object-level rules.

The admin, the workspace, the API and the exports all ask here, so that no
two screens can disagree about what a department may see.

* The coordinator (a StaffRole "coordinator", or a Django superuser) sees
  and changes everything.
* An editor of a department sees the activities it leads or takes part in,
  and changes the ones it leads while they are not waiting for review
  ("submitted") or already accepted.
* A viewer of a department sees the same activities and changes nothing.
* Anyone else, anonymous visitors included, sees nothing here; what is public
  is `ActivityQuerySet.public()`.

Django's model permissions (the "Coordinators" and "Department staff" groups)
say which screens a user may open at all; these rules say which rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from relint.activities.models import Activity, ReviewState
from relint.departments.models import Role, StaffRole

# Review states in which the department can no longer change an activity: it
# waits for the coordinator, or the coordinator has accepted it.
LOCKED_FOR_EDITORS = frozenset({ReviewState.SUBMITTED, ReviewState.ACCEPTED})

# Where the roles are cached on the user object. `request.user` is built
# afresh for every request, so the cache lives exactly one request.
_CACHE_ATTRIBUTE = "_relint_roles"


@dataclass(frozen=True)
class UserRoles:
    coordinator: bool
    editable: frozenset[int]
    readable: frozenset[int]


_NO_ROLES = UserRoles(coordinator=False, editable=frozenset(), readable=frozenset())


def roles_of(user) -> UserRoles:
    """The user's roles, read with one query and cached on the user object."""
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    if user is None or not user.is_authenticated or not user.is_active:
        # Anonymous users are shared objects; nothing to cache.
        return _NO_ROLES
    coordinator = user.is_superuser
    editable: set[int] = set()
    readable: set[int] = set()
    for role, department_id in StaffRole.objects.filter(user=user).order_by().values_list("role", "department_id"):
        if role == Role.COORDINATOR:
            coordinator = True
        elif role == Role.EDITOR:
            editable.add(department_id)
            readable.add(department_id)
        elif role == Role.VIEWER:
            readable.add(department_id)
    roles = UserRoles(coordinator=coordinator, editable=frozenset(editable), readable=frozenset(readable))
    setattr(user, _CACHE_ATTRIBUTE, roles)
    return roles


def forget_roles(user) -> None:
    """Drop the cached roles, after changing a user's StaffRoles mid-request."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def is_coordinator(user) -> bool:
    return roles_of(user).coordinator


def can_manage_reports(user) -> bool:
    """Only the coordinator writes the foreword, builds and publishes the
    annual report."""
    return roles_of(user).coordinator


def editable_department_ids(user) -> frozenset[int]:
    """Departments whose activities the user edits."""
    return roles_of(user).editable


def readable_department_ids(user) -> frozenset[int]:
    """Departments whose activities the user reads (as editor or viewer)."""
    return roles_of(user).readable


def can_add_activity(user) -> bool:
    """The coordinator, or an editor of at least one department."""
    roles = roles_of(user)
    return roles.coordinator or bool(roles.editable)


def can_edit_activity(user, activity: Activity) -> bool:
    roles = roles_of(user)
    if roles.coordinator:
        return True
    return activity.lead_department_id in roles.editable and activity.review_state not in LOCKED_FOR_EDITORS


def can_view_activity(user, activity: Activity) -> bool:
    roles = roles_of(user)
    if roles.coordinator:
        return True
    if not roles.readable:
        return False
    if activity.lead_department_id in roles.readable:
        return True
    if activity.pk is None:
        return False
    # Uses the prefetched departments when there are any.
    return any(department.pk in roles.readable for department in activity.departments.all())


def visible_activities(user, qs: QuerySet[Activity] | None = None) -> QuerySet[Activity]:
    """The activities the user may see: led by, or involving, one of their
    departments; all of them for the coordinator."""
    qs = Activity.objects.all() if qs is None else qs
    roles = roles_of(user)
    if roles.coordinator:
        return qs
    if not roles.readable:
        return qs.none()
    # A subquery rather than a join: no duplicate rows, so no DISTINCT that
    # would get in the way of counts and ordering.
    participating = Activity.departments.through.objects.filter(department_id__in=roles.readable).values("activity_id")
    return qs.filter(Q(lead_department_id__in=roles.readable) | Q(pk__in=participating))


def editable_activities(user, qs: QuerySet[Activity] | None = None) -> QuerySet[Activity]:
    """The activities the user may change (see `can_edit_activity`)."""
    qs = Activity.objects.all() if qs is None else qs
    roles = roles_of(user)
    if roles.coordinator:
        return qs
    if not roles.editable:
        return qs.none()
    return qs.filter(lead_department_id__in=roles.editable).exclude(review_state__in=LOCKED_FOR_EDITORS)


# --- Partner registry (cities, organisations, agreements, contact persons) ---
# Staff of any department read the registry; only the coordinator changes it.
# Contact persons are personal data (GDPR): they follow the same rule, and no
# public page, export or API ever shows them.
def can_view_partners(user) -> bool:
    """The coordinator and every editor or viewer of a department."""
    roles = roles_of(user)
    return roles.coordinator or bool(roles.readable)


def can_manage_partners(user) -> bool:
    """Create and change partner cities, relations, organisations,
    memberships and agreements: the coordinator only."""
    return roles_of(user).coordinator


def can_view_contacts(user) -> bool:
    """Contact persons' work details: staff with a role, never the public."""
    return can_view_partners(user)


def can_manage_contacts(user) -> bool:
    return roles_of(user).coordinator


def can_download_agreement_documents(user) -> bool:
    """The signed texts and annexes are internal documents: staff only."""
    return can_view_partners(user)


# --- The coordination table ---------------------------------------------------------------
# The coordinator runs the table: meetings, the agenda's order and approval,
# attendance, minutes and their approval. Department editors and the
# delegates a department names at the table propose agenda items and update
# their own department's action items. Any member of staff with a role reads
# the meetings; nobody else does.


def delegate_department_ids(user) -> frozenset[int]:
    """Departments for which the user speaks at the table: those they edit,
    and those whose current table membership names them as a delegate."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    roles = roles_of(user)
    cached = getattr(user, "_relint_delegate_departments", None)
    if cached is not None:
        return cached
    from django.utils import timezone

    from relint.departments.models import TableMembership

    today = timezone.localdate()
    delegated = (
        TableMembership.objects.filter(delegates=user, joined_on__lte=today)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=today))
        .values_list("department_id", flat=True)
    )
    ids = frozenset(roles.editable | set(delegated))
    user._relint_delegate_departments = ids
    return ids


def can_view_meetings(user) -> bool:
    """Staff with a role (or delegates) read the table's meetings and minutes."""
    roles = roles_of(user)
    return roles.coordinator or bool(roles.readable) or bool(delegate_department_ids(user))


def can_manage_meetings(user) -> bool:
    """Create, change and convene meetings, order and approve the agenda,
    record attendance, minutes, decisions and action items."""
    return roles_of(user).coordinator


def can_approve_minutes(user) -> bool:
    return roles_of(user).coordinator


def can_manage_table_membership(user) -> bool:
    return roles_of(user).coordinator


def can_propose_agenda_item(user, meeting, department=None) -> bool:
    """Delegates propose items for their own department, while the meeting is
    still to be held; the coordinator proposes for anyone."""
    from relint.coordination.models import MeetingState, MinutesState

    if meeting.state in (MeetingState.HELD, MeetingState.CANCELLED) or meeting.minutes_state == MinutesState.APPROVED:
        return False
    if roles_of(user).coordinator:
        return True
    delegated = delegate_department_ids(user)
    if department is None:
        return bool(delegated)
    return department.pk in delegated


def can_update_action_item(user, action_item) -> bool:
    """The owner department's delegates move their action's status; the
    coordinator moves any."""
    if roles_of(user).coordinator:
        return True
    return action_item.owner_department_id in delegate_department_ids(user)
