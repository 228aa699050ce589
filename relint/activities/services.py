"""Writes on activities: saving with a version guard, and the review
workflow (draft → submitted → accepted, or returned with a comment).

Every screen, importer and API that changes an activity calls these
functions, so the rules hold everywhere. Permission checks happen here too,
through `relint.departments.permissions`: a forged request that reaches a
service still changes nothing it should not.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import connection, transaction
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
from relint.core.bulk import history_rows, insert_rows
from relint.core.conflicts import EditConflictError
from relint.departments import permissions
from relint.ops import audit
from relint.portal.publication import publication_bump

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
    """Replace the activity's relations (the form's path, one activity)."""
    _resolve_partners(user, relations)
    if len({city.pk for city, _role in relations.cities}) != len(relations.cities):
        raise ValidationError(_("A partner city is listed twice."))
    if len({organisation.pk for organisation, _role in relations.organisations}) != len(relations.organisations):
        raise ValidationError(_("A partner organisation is listed twice."))
    wanted = {
        "departments": [d.pk for d in relations.departments],
        "countries": [c.pk for c in relations.countries],
        "sdgs": [g.pk for g in relations.sdgs],
        "partner_cities": [(city.pk, role) for city, role in relations.cities],
        "partner_organisations": [(organisation.pk, role) for organisation, role in relations.organisations],
        "funding": [
            (
                line["source"],
                line["programme"].pk if line.get("programme") else 0,
                line["funder"].pk if line.get("funder") else 0,
                Decimal(line["amount"]),
                line.get("note", ""),
            )
            for line in relations.funding
        ],
        "links": [(link["url"], link.get("label", "")) for link in relations.links],
    }
    # Form input gets the constraints' messages in words, at a few queries.
    if _write_relations([(activity, wanted)], validate_constraints=True, user=user):
        _record_history([activity], history_type="~", user=user)


# --- Relations of many activities at once ------------------------------------------
# The form and the importer write relations through `_write_relations`: one
# query per table for any number of activities. It writes the through
# tables directly (no m2m_changed signal), so the activity's history row and
# its many-to-many snapshot are written by `_record_history` afterwards.
_M2M = {"departments": "department_id", "countries": "country_id", "sdgs": "sustainabledevelopmentgoal_id"}


def _link_rows(key: str, activity_id: int, items) -> list:
    if key == "partner_cities":
        return [ActivityPartnerCity(activity_id=activity_id, city_id=pk, role=role) for pk, role in items]
    if key == "partner_organisations":
        return [
            ActivityPartnerOrganisation(activity_id=activity_id, organisation_id=pk, role=role) for pk, role in items
        ]
    if key == "funding":
        return [
            FundingLine(
                activity_id=activity_id,
                source=source,
                programme_id=programme_id or None,
                funder_id=funder_id or None,
                amount=amount,
                note=note,
            )
            for source, programme_id, funder_id, amount, note in items
        ]
    return [ActivityLink(activity_id=activity_id, url=url, label=label) for url, label in items]


def _link_key(key: str, row) -> tuple:
    if key == "partner_cities":
        return (row.city_id, row.role)
    if key == "partner_organisations":
        return (row.organisation_id, row.role)
    if key == "funding":
        return (row.source, row.programme_id or 0, row.funder_id or 0, Decimal(row.amount), row.note)
    return (row.url, row.label)


_LINK_MODELS = {
    "partner_cities": ActivityPartnerCity,
    "partner_organisations": ActivityPartnerOrganisation,
    "funding": FundingLine,
    "links": ActivityLink,
}
_LINK_FOREIGN_KEYS = ["activity", "city", "organisation", "programme", "funder"]


def _insert_history(model, objs, *, history_type: str, user, when) -> list[int]:
    """Write `objs`' history rows as simple-history writes them one by one;
    their history ids, in order."""
    columns, rows = history_rows(model, objs, history_type=history_type, user=user, when=when)
    return insert_rows(model.history.model, columns, rows, returning="history_id")


def _write_relations(
    pairs: list[tuple[Activity, dict]], *, validate_constraints: bool, user=None, new_ids: frozenset[int] = frozenset()
) -> set[int]:
    """Replace the relations named in each pair's dict (ids, as
    `ActivityRelations` holds objects) of saved activities.

    A kind of rows is replaced only when it changed, so the history of an
    unchanged funding line stays quiet. Every new row is validated before
    anything is written; the database constraints have the last word.
    Returns the ids of the activities whose plain many-to-many fields changed.
    `new_ids` are activities created just now: they have no rows to read.
    """
    now = timezone.now()
    m2m_changed: set[int] = set()
    for key, column in _M2M.items():
        targets = {activity.pk: set(wanted[key]) for activity, wanted in pairs if key in wanted}
        if not targets:
            continue
        through = getattr(Activity, key).through
        current: dict[int, set] = {pk: set() for pk in targets}
        if stored := [pk for pk in targets if pk not in new_ids]:
            for activity_id, value in through.objects.filter(activity_id__in=stored).values_list("activity_id", column):
                current[activity_id].add(value)
        changed = [pk for pk, values in targets.items() if values != current[pk]]
        if changed:
            if replaced := [pk for pk in changed if pk not in new_ids]:
                through.objects.filter(activity_id__in=replaced).delete()
            insert_rows(through, ["activity_id", column], [(pk, value) for pk in changed for value in targets[pk]])
            m2m_changed.update(changed)
    for key, model in _LINK_MODELS.items():
        targets = {activity.pk: wanted[key] for activity, wanted in pairs if key in wanted}
        if not targets:
            continue
        existing: dict[int, list] = {pk: [] for pk in targets}
        if stored := [pk for pk in targets if pk not in new_ids]:
            for row in model.objects.filter(activity_id__in=stored).order_by():
                existing[row.activity_id].append(row)
        changed = [
            pk
            for pk, items in targets.items()
            if sorted(map(tuple, items)) != sorted(_link_key(key, row) for row in existing[pk])
        ]
        if not changed:
            continue
        rows = [row for pk in changed for row in _link_rows(key, pk, targets[pk])]
        for row in rows:
            try:
                if validate_constraints:
                    row.full_clean(exclude=_LINK_FOREIGN_KEYS, validate_unique=False)
                else:
                    row.clean_fields(exclude=_LINK_FOREIGN_KEYS)
            except ValidationError as error:
                error.activity_id = row.activity_id  # which activity, for a bulk caller's message
                raise
        gone = [row for pk in changed for row in existing[pk]]
        if gone:
            _insert_history(model, gone, history_type="-", user=user, when=now)
            # A queryset delete would send post_delete, and simple-history would
            # write one history row per deleted row; those were written above.
            model.objects.filter(pk__in=[row.pk for row in gone])._raw_delete(model.objects.db)
        _insert_new(model, rows)
        _insert_history(model, rows, history_type="+", user=user, when=now)
    return m2m_changed


def _record_history(activities: list[Activity], *, history_type: str, user) -> None:
    """One history row per activity, with the snapshot of its plain
    many-to-many fields as simple-history's own signal handler writes it."""
    if not activities:
        return
    history_ids = _insert_history(Activity, activities, history_type=history_type, user=user, when=timezone.now())
    by_activity = {activity.pk: history_id for activity, history_id in zip(activities, history_ids, strict=True)}
    for key, column in _M2M.items():
        through = getattr(Activity, key).through
        historical = getattr(Activity.history.model, key).model
        insert_rows(
            historical,
            ["history_id", "id", "activity_id", column],
            [
                (by_activity[activity_id], pk, activity_id, value)
                for pk, activity_id, value in through.objects.filter(activity_id__in=by_activity).values_list(
                    "pk", "activity_id", column
                )
            ],
        )


def _insert_new(model, objs: list) -> None:
    """INSERT new, validated instances of `model` and give them their
    primary keys, as `bulk_create` does (auto_now fields included), without
    its per-value compilation (relint/core/bulk.py)."""
    if not objs:
        return
    columns = [f for f in model._meta.concrete_fields if not f.primary_key]
    # Created together, stamped together (bulk_create stamps each row a few
    # microseconds apart).
    now = timezone.now()
    stamped = [f.attname for f in columns if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    for obj in objs:
        for name in stamped:
            setattr(obj, name, now)
    names = [f.attname for f in columns]
    pks = insert_rows(model, names, map(operator.attrgetter(*names), objs), returning=model._meta.pk.attname)
    for obj, pk in zip(objs, pks, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias


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
    # The portal shows an accepted activity's live relations (departments,
    # countries, partners): any edit may change a public page.
    publication_bump()
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
    publication_bump()
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
    publication_bump()
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


# --- Bulk import ------------------------------------------------------------------
@dataclass
class ImportedActivity:
    """One activity of a bulk import: a new one (`activity` is None), or
    changes to `activity` as it was read at `expected_version`.

    `fields` are `EDITABLE_FIELDS`; `relations` holds only the relations to
    replace, as ids (see `_write_relations`): departments ids, countries ISO
    codes, sdgs numbers, partner_cities / partner_organisations (id, role),
    funding (source, programme id or 0, funder id or 0, amount, note).
    """

    fields: dict
    relations: dict = field(default_factory=dict)
    activity: Activity | None = None
    expected_version: int = 0


class BulkImportError(Exception):
    """An item of `activity_bulk_import` was refused; `index` says which."""

    def __init__(self, index: int, error: Exception):
        super().__init__(str(error))
        self.index = index
        self.error = error


# Related records were matched by the caller; validating them would query once
# per row. The foreign keys and the unique uid are checked by the database.
_BULK_UNCHECKED = ["uid", "lead_department", "programme", "copied_from", "created_by"]


@transaction.atomic
def activity_bulk_import(*, user, items: list[ImportedActivity]) -> list[Activity]:
    """Create and update many activities (a chunk of an imported workbook)
    with a fixed number of queries, whatever the number of items.

    The same rules as `activity_create` / `activity_update`: editors write
    only their departments' unlocked activities, every version is checked
    (`EditConflictError`), fields are validated before anything is written,
    an accepted activity goes back to draft with a review event, and every
    record gets its history row. Returns the activities in the order given;
    raises `BulkImportError` naming the item at fault.
    """
    roles = permissions.roles_of(user)
    now = timezone.now()
    result: list[Activity | None] = [None] * len(items)
    created, updated, events = [], [], []
    locked = {}
    update_ids = [item.activity.pk for item in items if item.activity is not None]
    if update_ids:
        locked = {a.pk: a for a in Activity.objects.select_for_update().filter(pk__in=update_ids)}
    changed_fields: set[str] = set()
    for index, item in enumerate(items):
        try:
            unknown = set(item.fields) - set(EDITABLE_FIELDS)
            if unknown:
                raise ValueError(f"not editable: {sorted(unknown)}")
            if item.activity is None:
                activity = Activity(**item.fields, created_by=user, review_state=ReviewState.DRAFT)
                if not roles.coordinator and activity.lead_department_id not in roles.editable:
                    raise PermissionDenied(_("You can only create activities of your own department."))
                created.append(activity)
            else:
                activity = locked.get(item.activity.pk)
                if activity is None or activity.version != item.expected_version:
                    raise EditConflictError(activity or item.activity, item.expected_version)
                if not permissions.can_edit_activity(user, activity):
                    raise PermissionDenied(_("You cannot change this activity."))
                for name, value in item.fields.items():
                    setattr(activity, name, value)
                if not permissions.can_edit_activity(user, activity):
                    raise PermissionDenied(_("You cannot move an activity to another department."))
                if activity.review_state == ReviewState.ACCEPTED:
                    activity.review_state = ReviewState.DRAFT
                    events.append(activity)
                activity.version += 1
                activity.updated_at = now
                changed_fields.update(item.fields)
                updated.append(activity)
            activity.clean_fields(exclude=_BULK_UNCHECKED)
            activity.clean()
            activity._history_user = user
        except (ValidationError, PermissionDenied, EditConflictError, ValueError) as error:
            raise BulkImportError(index, error) from error
        result[index] = activity
    if created:
        # Both databases return the new primary keys (RETURNING).
        _insert_new(Activity, created)
    if updated:
        Activity.objects.bulk_update(updated, fields=sorted(changed_fields | {"version", "updated_at", "review_state"}))
    try:
        _write_relations(
            [(activity, item.relations) for activity, item in zip(result, items, strict=True) if item.relations],
            validate_constraints=False,
            user=user,
            new_ids=frozenset(activity.pk for activity in created),
        )
    except ValidationError as error:
        index = next(i for i, activity in enumerate(result) if activity.pk == error.activity_id)
        raise BulkImportError(index, error) from error
    _record_history(created, history_type="+", user=user)
    _record_history(updated, history_type="~", user=user)
    if events:
        rows = [
            ReviewEvent(
                activity=activity,
                from_state=ReviewState.ACCEPTED,
                to_state=ReviewState.DRAFT,
                actor=user,
                comment=_("Edited after acceptance."),
                activity_version=activity.version,
            )
            for activity in events
        ]
        for event in rows:
            event.clean_fields(exclude=["activity", "actor"])
        ReviewEvent.objects.bulk_create(rows)
    publication_bump()
    return result
