"""No lost updates: the version guard's error, and what a conflict page
needs to show two versions of a record side by side and merge them.

A record with a `version` column is saved only if the form it was edited on
was built from the version still in the database (the services compare it
under a row lock). Otherwise the service raises `EditConflictError`, and the
view shows the user's values and the saved ones, field by field, with a
choice for each field that differs.
"""

from __future__ import annotations

from django import forms
from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext as _


class EditConflictError(Exception):
    """Someone saved the record after the form was loaded.

    Carries the current row so that a conflict page can show both versions.
    """

    def __init__(self, current: models.Model, expected_version: int):
        super().__init__(
            f"{current._meta.label} {current.pk}: expected version {expected_version}, found {current.version}"
        )
        self.current = current
        self.expected_version = expected_version


def locked_at_version(instance: models.Model, expected_version: int | None) -> models.Model:
    """The row of `instance`, locked, if it is still at `expected_version`;
    raises `EditConflictError` otherwise.

    select_for_update locks the row on PostgreSQL; on SQLite it is a no-op,
    but transactions there begin IMMEDIATE (settings), which serialises
    writers just the same. Call it inside a transaction."""
    current = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    if expected_version is None or current.version != expected_version:
        raise EditConflictError(current, expected_version or 0)
    return current


def put_value(data: QueryDict, name: str, value) -> None:
    """Set `name` in `data` as a browser would post `value`."""
    if value is None or value is False:
        data.setlist(name, [])
    elif value is True:
        data.setlist(name, ["on"])
    elif isinstance(value, list | tuple):
        data.setlist(name, [str(getattr(item, "pk", item)) for item in value])
    elif hasattr(value, "isoformat"):
        data.setlist(name, [value.isoformat()])
    else:
        data.setlist(name, [str(getattr(value, "pk", value))])


def posted_data(form: forms.BaseForm, names) -> QueryDict:
    """What an unbound form would post for `names`: the values it shows."""
    data = QueryDict(mutable=True)
    for name in names:
        put_value(data, name, form[name].value())
    return data


def readable(form: forms.BaseForm, name: str) -> str:
    """The cleaned value of a valid form's field, as a person reads it."""
    value = form.cleaned_data.get(name)
    field = form.fields[name]
    if hasattr(value, "all") or isinstance(value, list | tuple):
        return ", ".join(sorted(str(item) for item in value))
    if hasattr(field, "choices") and not hasattr(value, "pk"):
        return str(dict(field.choices).get(value, value)) if value not in (None, "") else ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return "" if value is None else str(value)


def merged(post: QueryDict, current: QueryDict, names) -> QueryDict:
    """The data of a merge posted from a conflict page: the user's values,
    except for the fields where they chose the saved one (`choose_<name>`)."""
    data = post.copy()
    for name in names:
        if data.get(f"choose_{name}") == "current":
            data.setlist(name, current.getlist(name))
    return data


def carried(post: QueryDict) -> list[tuple[str, str]]:
    """The posted values a conflict page carries in hidden fields, without
    the token, the version and the previous choices."""
    return [
        (key, value)
        for key, values in post.lists()
        if key not in {"csrfmiddlewaretoken", "version", "_merge", "request_key"} and not key.startswith("choose_")
        for value in values
    ]
