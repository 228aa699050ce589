"""Writes on activities: saving with a version guard, and the review
workflow (draft → submitted → accepted, or returned with a comment).

Every screen, importer and API that changes an activity calls these
functions, so the rules hold everywhere. Permission checks happen here too,
through `relint.departments.permissions`: a forged request that reaches a
service still changes nothing it should not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from relint.activities.models import (
    Activity,
    ActivityAttachment,
    ActivityLink,
    ActivityPartnerCity,
    ActivityPartnerOrganisation,
    FundingLine,
    ReportingRound,
    ReviewEvent,
    ReviewState,
    RoundState,
)
from relint.activities.serializers import activity_record
from relint.core.conflicts import EditConflictError
from relint.departments import permissions
from relint.ops import audit

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


@dataclass
class ActivityRelations:
    """What an activity form sets besides the activity's own columns: its
    many-to-many fields and its inline rows (partners with their role,
    funding lines, links). Each list replaces what the activity had."""

    departments: list = field(default_factory=list)
    countries: list = field(default_factory=list)
    sdgs: list = field(default_factory=list)
    # (PartnerCity, role)
    cities: list[tuple] = field(default_factory=list)
    # (Organisation, role)
    organisations: list[tuple] = field(default_factory=list)
    # dicts with source, programme, funder, amount, note
    funding: list[dict] = field(default_factory=list)
    # dicts with url, label
    links: list[dict] = field(default_factory=list)


def relations_of(activity: Activity) -> ActivityRelations:
    """The current relations of an activity, in the shape the services take."""
    return ActivityRelations(
        departments=list(activity.departments.all()),
        countries=list(activity.countries.all()),
        sdgs=list(activity.sdgs.all()),
        cities=[(link.city, link.role) for link in activity.city_links.select_related("city")],
        organisations=[
            (link.organisation, link.role) for link in activity.organisation_links.select_related("organisation")
        ],
        funding=[
            {
                "source": line.source,
                "programme": line.programme,
                "funder": line.funder,
                "amount": line.amount,
                "note": line.note,
            }
            for line in activity.funding_lines.select_related("programme", "funder")
        ],
        links=[{"url": link.url, "label": link.label} for link in activity.links.all()],
    )


def _resolve_partners(user, relations: ActivityRelations) -> None:
    """Turn the partners a form named but the registry lacks into registry
    rows: a GeoNames city becomes a PartnerCity, a {"name", "kind"} an
    Organisation (through the partner services and their checks)."""
    from relint.partners import services as partner_services
    from relint.partners.geonames import GeoCity

    relations.cities = [
        (
            partner_services.partner_city_create_from_geonames(user=user, geonames_id=city.geonames_id)
            if isinstance(city, GeoCity)
            else city,
            role,
        )
        for city, role in relations.cities
    ]
    relations.organisations = [
        (
            partner_services.organisation_create_inline(user=user, name=target["name"], kind=target["kind"])
            if isinstance(target, dict)
            else target,
            role,
        )
        for target, role in relations.organisations
    ]


def _apply_relations(activity: Activity, relations: ActivityRelations, *, user=None) -> None:
    """Replace the activity's relations; every row is validated first, so a
    bad one raises before anything is written (we are inside the caller's
    transaction in any case)."""
    _resolve_partners(user, relations)
    cities = [ActivityPartnerCity(activity=activity, city=city, role=role) for city, role in relations.cities]
    organisations = [
        ActivityPartnerOrganisation(activity=activity, organisation=organisation, role=role)
        for organisation, role in relations.organisations
    ]
    funding = [FundingLine(activity=activity, **line) for line in relations.funding]
    links = [ActivityLink(activity=activity, **link) for link in relations.links]
    if len({city.pk for city, _role in relations.cities}) != len(cities):
        raise ValidationError(_("A partner city is listed twice."))
    if len({organisation.pk for organisation, _role in relations.organisations}) != len(organisations):
        raise ValidationError(_("A partner organisation is listed twice."))
    for row in [*cities, *organisations, *funding, *links]:
        row.full_clean(exclude=["activity"], validate_unique=False)
    activity.departments.set(relations.departments)
    activity.countries.set(relations.countries)
    activity.sdgs.set(relations.sdgs)
    # Rows are replaced only when they changed, so the history of an
    # unchanged funding line stays quiet.
    current = relations_of(activity)
    if sorted((c.pk, r) for c, r in current.cities) != sorted((c.pk, r) for c, r in relations.cities):
        activity.city_links.all().delete()
        ActivityPartnerCity.objects.bulk_create(cities)
    if sorted((o.pk, r) for o, r in current.organisations) != sorted((o.pk, r) for o, r in relations.organisations):
        activity.organisation_links.all().delete()
        ActivityPartnerOrganisation.objects.bulk_create(organisations)

    def funding_key(line: dict) -> tuple:
        programme, funder = line.get("programme"), line.get("funder")
        return (
            line["source"],
            programme.pk if programme else None,
            funder.pk if funder else None,
            Decimal(line["amount"]),
            line.get("note", ""),
        )

    if sorted(map(funding_key, current.funding)) != sorted(map(funding_key, relations.funding)):
        activity.funding_lines.all().delete()
        for line in funding:
            line.save()
    if [(lk["url"], lk.get("label", "")) for lk in current.links] != [
        (lk["url"], lk.get("label", "")) for lk in relations.links
    ]:
        activity.links.all().delete()
        for link in links:
            link.save()


@transaction.atomic
def activity_create(*, user, fields: dict, relations: ActivityRelations | None = None) -> Activity:
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
    # Who made the change, also outside a request (importers, commands).
    activity._history_user = user
    activity.save()
    if relations is not None:
        _apply_relations(activity, relations, user=user)
    return activity


@transaction.atomic
def activity_update(
    *, user, activity: Activity, fields: dict, expected_version: int, relations: ActivityRelations | None = None
) -> Activity:
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
    was_accepted = current.review_state == ReviewState.ACCEPTED
    if was_accepted:
        # Only the coordinator gets here (accepted items are locked for
        # editors): the edit is a new revision that needs accepting again.
        # `accepted_snapshot` is left as it is: the report keeps using it.
        current.review_state = ReviewState.DRAFT
    current.version += 1
    current.full_clean()
    current._history_user = user
    current.save()
    if relations is not None:
        _apply_relations(current, relations, user=user)
    if was_accepted:
        _record_event(current, user, ReviewState.ACCEPTED, ReviewState.DRAFT, _("Edited after acceptance."))
    return current


def _record_event(activity: Activity, user, from_state: str, to_state: str, comment: str = "") -> ReviewEvent:
    event = ReviewEvent(
        activity=activity,
        from_state=from_state,
        to_state=to_state,
        actor=user,
        comment=comment,
        activity_version=activity.version,
    )
    event.full_clean()
    event.save()
    return event


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
    current._history_user = user
    current.save()
    event.full_clean()
    event.save()
    return current


@transaction.atomic
def activity_submit(*, user, activity: Activity, require_complete: bool = False) -> Activity:
    """The department sends a draft (or a returned item) to the coordinator.

    With `require_complete` (the workspace's button), an activity that lacks
    a required field (`REQUIRED_FOR_SUBMISSION`) is refused, saying what.
    """
    if not permissions.is_coordinator(user) and activity.lead_department_id not in permissions.editable_department_ids(
        user
    ):
        raise PermissionDenied(_("Only the department's editors can submit this activity."))
    if require_complete:
        from relint.activities.selectors import missing_for

        missing = missing_for(activity)
        if missing:
            raise ValidationError(
                _("This activity cannot be submitted yet. Missing: %(missing)s.")
                % {"missing": "; ".join(str(label) for label in missing)}
            )
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
    accepted = _transition(
        user=user, activity=activity, allowed_from={ReviewState.SUBMITTED}, to=ReviewState.ACCEPTED, comment=comment
    )
    # Accepting publishes (when the activity is public): the audit log says who.
    audit.record(
        "activity_accepted", user=user, activity=accepted.uid, version=accepted.version, public=accepted.is_public
    )
    return accepted


@transaction.atomic
def activity_accept_many(*, user, activity_ids: list[int]) -> tuple[list[Activity], list[Activity]]:
    """Accept every submitted activity among `activity_ids` (bulk accept).

    Returns the accepted ones and the ones skipped because they were not
    waiting for review; ids the coordinator cannot see do not exist here.
    """
    if not permissions.is_coordinator(user):
        raise PermissionDenied(_("Only the coordinator reviews activities."))
    accepted, skipped = [], []
    for activity in Activity.objects.filter(pk__in=activity_ids).order_by("pk"):
        if activity.review_state == ReviewState.SUBMITTED:
            accepted.append(activity_accept(user=user, activity=activity))
        else:
            skipped.append(activity)
    return accepted, skipped


@transaction.atomic
def activity_start_revision(*, user, activity: Activity, expected_version: int) -> Activity:
    """An editor reopens an accepted activity to change it: it goes back to
    draft and needs accepting again, while `accepted_snapshot` stays what
    the report and the portal show."""
    current = _locked(activity.pk)
    if current.version != expected_version:
        raise EditConflictError(current, expected_version)
    roles = permissions.roles_of(user)
    if not (roles.coordinator or current.lead_department_id in roles.editable):
        raise PermissionDenied(_("You cannot change this activity."))
    if current.review_state != ReviewState.ACCEPTED:
        raise ValidationError(_("Only an accepted activity needs a new revision."))
    current.review_state = ReviewState.DRAFT
    current.version += 1
    current.full_clean()
    current.save()
    _record_event(current, user, ReviewState.ACCEPTED, ReviewState.DRAFT, _("New revision started."))
    return current


@transaction.atomic
def activity_copy_to_year(*, user, source: Activity, year: int) -> Activity:
    """ "Copy from last year": a new draft for `year` continuing a recurring
    activity, with its partners, countries, SDGs, departments, programme and
    links. Dates, results and funding amounts belong to a year, so they are
    left for the department to enter."""
    if not permissions.can_view_activity(user, source):
        raise PermissionDenied(_("You cannot see this activity."))
    if year <= source.year:
        raise ValidationError(_("The copy must be for a later year than %(year)s.") % {"year": source.year})
    if Activity.objects.filter(copied_from=source, year=year).exists():
        raise ValidationError(_("This activity has already been copied to %(year)s.") % {"year": year})
    fields = {
        name: getattr(source, name)
        for name in EDITABLE_FIELDS
        if name not in {"year", "start_date", "end_date", "results_it", "results_en", "copied_from", "status"}
    }
    fields.update(year=year, copied_from=source)
    relations = relations_of(source)
    relations.funding = []
    return activity_create(user=user, fields=fields, relations=relations)


@transaction.atomic
def activity_revert(*, user, activity: Activity, history_id: int, expected_version: int) -> Activity:
    """The coordinator puts an activity's fields back as they were in one of
    its historical versions. Guarded by the version like any edit; the
    revert itself is a new version, so it can be undone in turn."""
    from relint.core.history import field_values_at

    if not permissions.is_coordinator(user):
        raise PermissionDenied(_("Only the coordinator can revert to an earlier version."))
    record = activity.history.filter(history_id=history_id).first()
    if record is None:
        raise ValidationError(_("This version does not exist."))
    values = field_values_at(record, [name for name in EDITABLE_FIELDS])
    current = _locked(activity.pk)
    relations = relations_of(current)
    m2m = field_values_at(record, ["departments", "countries", "sdgs"])
    relations.departments, relations.countries, relations.sdgs = m2m["departments"], m2m["countries"], m2m["sdgs"]
    return activity_update(
        user=user, activity=current, fields=values, expected_version=expected_version, relations=relations
    )


# --- Attachments ----------------------------------------------------------------
@transaction.atomic
def activity_attachment_add(*, user, activity: Activity, title: str, upload, content_type: str) -> ActivityAttachment:
    """Attach a file already checked by `AttachmentForm` (size, and type by
    its first bytes). Only someone who may edit the activity attaches."""
    if not permissions.can_edit_activity(user, activity):
        raise PermissionDenied(_("You cannot change this activity."))
    attachment = ActivityAttachment(
        activity=activity, title=title, file=upload, content_type=content_type, size=upload.size, uploaded_by=user
    )
    attachment.full_clean()
    attachment.save()
    return attachment


@transaction.atomic
def activity_attachment_remove(*, user, attachment: ActivityAttachment) -> None:
    if not permissions.can_edit_activity(user, attachment.activity):
        raise PermissionDenied(_("You cannot change this activity."))
    stored = attachment.file.name
    attachment.delete()
    # The file goes once the row is gone for good.
    storage = attachment.file.storage
    transaction.on_commit(lambda: storage.delete(stored))


# --- The reporting round --------------------------------------------------------
def _require_coordinator(user) -> None:
    if not permissions.is_coordinator(user):
        raise PermissionDenied(_("Only the coordinator manages reporting rounds."))


@transaction.atomic
def round_open(*, user, year: int, deadline, notes: str = "") -> ReportingRound:
    """Open the round of `year` (creating it if needed). One round at a time
    is open, so that "the current round" is never ambiguous."""
    _require_coordinator(user)
    if ReportingRound.objects.filter(state=RoundState.OPEN).exclude(year=year).exists():
        raise ValidationError(_("Another reporting round is open: close it first."))
    reporting_round = ReportingRound.objects.select_for_update().filter(year=year).first()
    if reporting_round is None:
        reporting_round = ReportingRound(year=year, deadline=deadline)
    elif reporting_round.state == RoundState.OPEN:
        raise ValidationError(_("The round of %(year)s is already open.") % {"year": year})
    reporting_round.deadline = deadline
    reporting_round.notes = notes
    reporting_round.state = RoundState.OPEN
    reporting_round.opened_at = timezone.now()
    reporting_round.closed_at = None
    reporting_round.full_clean()
    reporting_round.save()
    return reporting_round


@transaction.atomic
def round_close(*, user, reporting_round: ReportingRound) -> ReportingRound:
    _require_coordinator(user)
    current = ReportingRound.objects.select_for_update().get(pk=reporting_round.pk)
    if current.state != RoundState.OPEN:
        raise ValidationError(_("Only an open round can be closed."))
    current.state = RoundState.CLOSED
    current.closed_at = timezone.now()
    current.full_clean()
    current.save()
    return current


def late_departments(reporting_round: ReportingRound) -> list:
    """Active departments that still have drafts or returned activities in
    the round, or have entered none at all."""
    from relint.workspace.selectors import coordinator_overview

    overview = coordinator_overview(reporting_round=reporting_round)
    return [
        row.department
        for row in overview.rows
        if row.department.is_active and (row.counts.not_submitted or not row.counts.total)
    ]


def round_send_reminders(*, user, reporting_round: ReportingRound) -> int:
    """Email the editors of every late department (see `late_departments`)
    a reminder of the deadline. Returns how many emails were sent.

    `user` is None when `manage.py send_round_reminders` runs it.
    """
    if user is not None:
        _require_coordinator(user)
    if reporting_round.state != RoundState.OPEN:
        raise ValidationError(_("Reminders are sent only for an open round."))
    from django.conf import settings

    from relint.departments.models import Role, StaffRole

    departments = late_departments(reporting_round)
    editors = (
        get_user_model()
        .objects.filter(
            is_active=True,
            staff_roles__role=Role.EDITOR,
            staff_roles__department__in=departments,
        )
        .exclude(email="")
        .distinct()
    )
    by_user: dict = {}
    for staff_role in StaffRole.objects.filter(
        role=Role.EDITOR, department__in=departments, user__in=editors
    ).select_related("user", "department"):
        by_user.setdefault(staff_role.user, []).append(staff_role.department)
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for editor, their_departments in by_user.items():
            context = {"round": reporting_round, "user": editor, "departments": their_departments}
            subject = render_to_string("activities/email/reminder_subject.txt", context).strip()
            body = render_to_string("activities/email/reminder.txt", context)
            sent += send_mail(subject, body, None, [editor.email])
    return sent


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
