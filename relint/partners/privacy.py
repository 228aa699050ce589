"""Personal data of contact persons under the GDPR: what relint holds
about a person (Art. 15 and 20), erasure (Art. 17) and the retention
period (Art. 5(1)(e)).

Erasure keeps the audit trail: the history rows still say who changed the
record and when, but the personal values in them are blanked. docs/privacy.md
explains the choices to the City's data protection officer.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from relint.departments import permissions
from relint.ops import audit
from relint.partners.models import ContactPerson

# Fields that describe the person; erasure blanks them everywhere.
PERSONAL_FIELDS = ("first_name", "last_name", "job_title", "email", "phone", "languages", "notes")
ERASED = "[erased]"
ERASED_REASON = "personal data erased"


def _may_handle(user) -> None:
    # None is an operator at the server's console (the management commands).
    if user is not None and not permissions.is_coordinator(user):
        raise PermissionDenied("Only the coordinator handles requests about personal data.")


def _value(value):
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    return value


def contact_export(*, user, contact: ContactPerson) -> dict:
    """Everything relint holds about the person, history included, as JSON-ready data."""
    _may_handle(user)
    fields = [f.attname for f in ContactPerson._meta.concrete_fields]
    record = {name: _value(getattr(contact, name)) for name in fields}
    record["organisation_name"] = contact.organisation.name if contact.organisation_id else None
    record["city_name"] = contact.city.name_it if contact.city_id else None
    history = []
    for row in contact.history.order_by("history_date", "history_id"):
        entry = {name: _value(getattr(row, name)) for name in fields}
        entry.update(
            history_id=row.history_id,
            history_date=_value(row.history_date),
            history_type={"+": "created", "~": "changed", "-": "deleted"}.get(row.history_type, row.history_type),
            history_user=row.history_user.get_username() if row.history_user_id else None,
            history_change_reason=row.history_change_reason,
        )
        history.append(entry)
    audit.record("contact_exported", user=user, contact=contact.pk)
    return {
        "subject": "contact person",
        "exported_at": timezone.now().isoformat(),
        "controller": settings.RELINT_CITY_NAME,
        "record": record,
        "history": history,
    }


def _blank_history(contact_id: int) -> int:
    blank = {name: "" for name in PERSONAL_FIELDS}
    blank["first_name"] = blank["last_name"] = ERASED
    return ContactPerson.history.filter(id=contact_id).update(**blank)


@transaction.atomic
def contact_erase(*, user, contact: ContactPerson) -> ContactPerson:
    """Anonymise the person: the record stays (activities and meetings may
    point to the organisation it belongs to), its personal values go, in
    the history too. The change itself is recorded, without values."""
    _may_handle(user)
    current = ContactPerson.objects.select_for_update().get(pk=contact.pk)
    for name in PERSONAL_FIELDS:
        setattr(current, name, "")
    current.first_name = current.last_name = ERASED
    current.last_confirmed_on = None
    current._change_reason = ERASED_REASON
    current.full_clean()
    current.save()
    _blank_history(current.pk)
    audit.record("contact_erased", user=user, contact=current.pk)
    return current


def contacts_expired(today: datetime.date | None = None):
    """Contacts not confirmed within `RELINT_CONTACT_RETENTION_DAYS`: the
    confirmation date, or the creation date for a contact never confirmed."""
    today = today or timezone.localdate()
    limit = today - datetime.timedelta(days=settings.RELINT_CONTACT_RETENTION_DAYS)
    cutoff = timezone.make_aware(datetime.datetime.combine(limit, datetime.time.min))
    confirmed_long_ago = ContactPerson.objects.filter(last_confirmed_on__lt=limit)
    never_confirmed = ContactPerson.objects.filter(last_confirmed_on__isnull=True, created_at__lt=cutoff)
    return (confirmed_long_ago | never_confirmed).exclude(first_name=ERASED).order_by("pk")


@transaction.atomic
def contacts_purge(*, user, today: datetime.date | None = None) -> list[int]:
    """Delete the expired contacts, blanking their history rows (which keep
    who created and changed them, and when). Returns the deleted ids."""
    _may_handle(user)
    ids = list(contacts_expired(today).values_list("pk", flat=True))
    for contact in ContactPerson.objects.filter(pk__in=ids):
        contact._change_reason = "retention period ended"
        contact.delete()
    for contact_id in ids:
        _blank_history(contact_id)
    if ids:
        audit.record("contacts_purged", user=user, count=len(ids), ids=",".join(map(str, ids)))
    return ids
