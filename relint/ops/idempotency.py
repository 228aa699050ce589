"""Create requests that happen once, however often they are sent.

A create form carries a fresh UUID (`request_key`); the view passes it to
`run_once` with the service call that creates the record. Identical
requests, even in parallel, get the same record: the first to insert the
key creates it, the others wait on the unique index (PostgreSQL) or on the
write lock (SQLite's IMMEDIATE transactions) and then find the key taken.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction

from relint.ops.models import RequestKey

T = TypeVar("T", bound=models.Model)


def parse_key(value: str | None) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as error:
        raise ValidationError("The form's request key is missing or malformed: reload the page.") from error


@transaction.atomic
def run_once(*, user, key: uuid.UUID, create: Callable[[], T]) -> tuple[T, bool]:
    """Call `create()` unless a request with `key` already did; return the
    record and whether this call created it."""
    try:
        with transaction.atomic():
            claim = RequestKey.objects.create(key=key, user=user)
    except IntegrityError:
        existing = RequestKey.objects.get(key=key)
        if existing.user_id != user.pk:
            raise PermissionDenied("This request key belongs to someone else.") from None
        return existing.target(), False
    created = create()
    claim.model = created._meta.label_lower
    claim.object_pk = str(created.pk)
    claim.save(update_fields=["model", "object_pk"])
    return created, True


def create_once(request, create: Callable[[], T]) -> T:
    """The record a create view makes, once per request key: the key the
    form posted (`{% request_key_field %}`) goes to `run_once`, so a double
    submission gets the record the first one made.

    A request without a key (a script, an API client) simply creates; a
    malformed key is a ValidationError the form shows."""
    value = request.POST.get("request_key")
    if value is None:
        return create()
    record, _created = run_once(user=request.user, key=parse_key(value), create=create)
    return record


def created_before(request):
    """The record an earlier request with this form's key made, if any.

    Asked before validating the form: the repeat of a create would often
    fail validation only because the first one succeeded (a name that must
    be unique), and must get the first one's record instead."""
    try:
        key = uuid.UUID(str(request.POST.get("request_key")))
    except ValueError:
        return None
    claim = RequestKey.objects.filter(key=key, user=request.user).exclude(object_pk="").first()
    return claim.target() if claim is not None else None


def create_from_form(request, form, create: Callable[[dict], T], *, report: Callable) -> T | None:
    """The create step of a form view, once per request key: the record an
    earlier submission of the same form made, or the one `create(cleaned_data)`
    makes now; None when the form (or the service, through `report(form,
    error)`) has errors to show."""
    if request.method != "POST":
        return None
    earlier = created_before(request)
    if earlier is not None:
        return earlier
    if not form.is_valid():
        return None
    try:
        return create_once(request, lambda: create(form.cleaned_data))
    except ValidationError as error:
        report(form, error)
        return None
