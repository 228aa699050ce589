"""Writes on activities: saving with a version guard, and the review
workflow (draft → submitted → accepted, or returned with a comment).

Every screen, importer and API that changes an activity calls these
functions, so the rules hold everywhere. Permission checks happen here too,
through `relint.departments.permissions`: a forged request that reaches a
service still changes nothing it should not.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relint.activities.models import Activity, ReviewEvent, ReviewState
from relint.activities.serializers import activity_record
from relint.departments import permissions


class EditConflictError(Exception):
    """Someone saved the activity after the editor loaded it.

    Carries the current row so that a conflict page can show both versions.
    """

    def __init__(self, current: Activity, expected_version: int):
        super().__init__(f"activity {current.pk}: expected version {expected_version}, found {current.version}")
        self.current = current
        self.expected_version = expected_version


# The fields a form may change; workflow fields move only through the
# transitions below.
EDITABLE_FIELDS = (
    "year",
    "kind",
    "title_it",
    "title_en",
    "description_it",
    "description_en",
    "results_it",
    "results_en",
    "lead_department",
    "status",
    "start_date",
    "start_precision",
    "end_date",
    "end_precision",
    "programme",
    "dac_sector",
    "iati_publish",
    "is_public",
    "copied_from",
)


def _locked(pk: int) -> Activity:
    # select_for_update locks the row on PostgreSQL; on SQLite it is a no-op,
    # but transactions there begin IMMEDIATE (settings), which serialises
    # writers just the same.
    return Activity.objects.select_for_update().get(pk=pk)


@transaction.atomic
def activity_create(*, user, fields: dict) -> Activity:
    """Create a draft activity. Editors create only for their departments."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    activity = Activity(**fields, created_by=user, review_state=ReviewState.DRAFT)
    if not permissions.is_coordinator(user) and activity.lead_department_id not in permissions.editable_department_ids(
        user
    ):
        raise PermissionDenied(_("You can only create activities of your own department."))
    activity.full_clean()
    activity.save()
    return activity


@transaction.atomic
def activity_update(*, user, activity: Activity, fields: dict, expected_version: int) -> Activity:
    """Save changes made on a form loaded at `expected_version`.

    Raises `EditConflictError` if the row moved on since then, so that no edit is
    ever silently overwritten; raises `PermissionDenied` if the user may not
    change this activity (or move it to another department).
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    current = _locked(activity.pk)
    if current.version != expected_version:
        raise EditConflictError(current, expected_version)
    if not permissions.can_edit_activity(user, current):
        raise PermissionDenied(_("You cannot change this activity."))
    for name, value in fields.items():
        setattr(current, name, value)
    if not permissions.can_edit_activity(user, current):
        raise PermissionDenied(_("You cannot move an activity to another department."))
    current.version += 1
    current.full_clean()
    current.save()
    return current


def _transition(*, user, activity: Activity, allowed_from: set[str], to: str, comment: str = "") -> Activity:
    current = _locked(activity.pk)
    if current.review_state not in allowed_from:
        raise ValidationError(
            _("This activity is %(state)s: it cannot move to %(target)s.")
            % {"state": current.get_review_state_display(), "target": ReviewState(to).label}
        )
    event = ReviewEvent(
        activity=current,
        from_state=current.review_state,
        to_state=to,
        actor=user,
        comment=comment,
        activity_version=current.version + 1,
    )
    current.review_state = to
    current.review_comment = comment if to == ReviewState.RETURNED else ""
    current.version += 1
    if to == ReviewState.ACCEPTED:
        current.accepted_snapshot = activity_record(current)
        current.accepted_snapshot["review_state"] = ReviewState.ACCEPTED
    current.full_clean()
    current.save()
    event.full_clean()
    event.save()
    return current


@transaction.atomic
def activity_submit(*, user, activity: Activity) -> Activity:
    """The department sends a draft (or a returned item) to the coordinator."""
    if not permissions.is_coordinator(user) and activity.lead_department_id not in permissions.editable_department_ids(
        user
    ):
        raise PermissionDenied(_("Only the department's editors can submit this activity."))
    return _transition(
        user=user, activity=activity, allowed_from={ReviewState.DRAFT, ReviewState.RETURNED}, to=ReviewState.SUBMITTED
    )


@transaction.atomic
def activity_return(*, user, activity: Activity, comment: str) -> Activity:
    """The coordinator sends a submitted activity back, saying why."""
    if not permissions.is_coordinator(user):
        raise PermissionDenied(_("Only the coordinator reviews activities."))
    if not comment.strip():
        raise ValidationError({"comment": _("Say what the department should change.")})
    return _transition(
        user=user, activity=activity, allowed_from={ReviewState.SUBMITTED}, to=ReviewState.RETURNED, comment=comment
    )


@transaction.atomic
def activity_accept(*, user, activity: Activity, comment: str = "") -> Activity:
    """The coordinator accepts a submitted activity; its record at this
    moment becomes what the report and the portal show."""
    if not permissions.is_coordinator(user):
        raise PermissionDenied(_("Only the coordinator reviews activities."))
    return _transition(
        user=user, activity=activity, allowed_from={ReviewState.SUBMITTED}, to=ReviewState.ACCEPTED, comment=comment
    )


@transaction.atomic
def activity_set_relations(
    *,
    user,
    activity: Activity,
    expected_version: int,
    departments=None,
    countries=None,
    sdgs=None,
    partner_cities=None,
    partner_organisations=None,
    funding=None,
) -> Activity:
    """Replace an activity's participating departments, countries, SDGs,
    partner cities and organisations (with their roles) and funding lines.

    Only the arguments given are replaced. Ids, not objects: `departments`
    are department ids, `countries` ISO codes, `sdgs` numbers,
    `partner_cities` / `partner_organisations` (id, role) pairs, `funding`
    (source, programme id or 0, funder id or 0, amount, note) tuples. The
    activity's version rises, as for any edit (decisions.md, entry 11).
    """
    from relint.activities.models import ActivityPartnerCity, ActivityPartnerOrganisation, FundingLine

    current = _locked(activity.pk)
    if current.version != expected_version:
        raise EditConflictError(current, expected_version)
    if not permissions.can_edit_activity(user, current):
        raise PermissionDenied(_("You cannot change this activity."))
    if departments is not None:
        current.departments.set(departments)
    if countries is not None:
        current.countries.set(countries)
    if sdgs is not None:
        current.sdgs.set(sdgs)
    if partner_cities is not None:
        current.city_links.all().delete()
        for city_id, role in partner_cities:
            link = ActivityPartnerCity(activity=current, city_id=city_id, role=role)
            link.full_clean(exclude=["activity", "city"], validate_unique=False, validate_constraints=False)
            link.save()
    if partner_organisations is not None:
        current.organisation_links.all().delete()
        for organisation_id, role in partner_organisations:
            link = ActivityPartnerOrganisation(activity=current, organisation_id=organisation_id, role=role)
            link.full_clean(exclude=["activity", "organisation"], validate_unique=False, validate_constraints=False)
            link.save()
    if funding is not None:
        current.funding_lines.all().delete()
        for source, programme_id, funder_id, amount, note in funding:
            line = FundingLine(
                activity=current,
                source=source,
                programme_id=programme_id or None,
                funder_id=funder_id or None,
                amount=amount,
                note=note,
            )
            line.full_clean(exclude=["activity", "programme", "funder"], validate_constraints=False)
            line.save()
    # The conditional update of entry 11: the row lock above already
    # serialises writers, the WHERE clause makes a lost update impossible.
    updated = Activity.objects.filter(pk=current.pk, version=expected_version).update(
        version=expected_version + 1, updated_at=timezone.now()
    )
    if not updated:
        raise EditConflictError(Activity.objects.get(pk=current.pk), expected_version)
    current.version = expected_version + 1
    return current
