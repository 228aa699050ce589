"""Text integrity enforced by the database itself.

SQLite stores a 1,004-character string in a 300-character column and keeps
NUL bytes; PostgreSQL refuses a NUL with an error. So that both databases hold
the same data, every text column of a domain model gets two CHECK
constraints, generated here from the field definitions:

* its length is at most the field's `max_length` (TextFields must declare one);
* it holds no NUL character;

and every coded field (one with `choices`) holds one of its choices.

Forms and services report the same rules earlier, in words, through the
field validators (`ProhibitNullCharactersValidator`, `MaxLengthValidator`).
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import ImproperlyConfigured
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual


class HasNoNul(models.Func):
    """A boolean SQL expression: the text argument holds no NUL character.

    PostgreSQL cannot store a NUL in `text` at all (the driver refuses it), and
    a NUL literal cannot even be written in its SQL, so the test is needed only
    on SQLite; elsewhere the expression is plain `TRUE`.
    """

    output_field = models.BooleanField()
    arity = 1

    def as_sql(self, compiler, connection, **extra):
        return "TRUE", []

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="(INSTR(%(expressions)s, CHAR(0)) = 0)", **extra)


def _constraint_name(table: str, column: str, suffix: str) -> str:
    name = f"{table}_{column}_{suffix}"
    if len(name) <= 60:
        return name
    # PostgreSQL truncates identifiers at 63 bytes, which could make two
    # constraint names collide; a digest keeps them unique and short.
    digest = hashlib.sha1(name.encode(), usedforsecurity=False).hexdigest()[:8]
    return f"{name[:48]}_{digest}_{suffix}"[:60]


def text_integrity(model: type[models.Model]) -> type[models.Model]:
    """Class decorator adding length and NUL constraints to every text field.

    Apply it to concrete domain models. It also adds the matching field
    validators, so `full_clean()` names the problem before the database does.
    """
    table = model._meta.db_table
    added = []
    for field in model._meta.local_fields:
        if not isinstance(field, models.CharField | models.TextField):
            continue
        if field.max_length is None:
            raise ImproperlyConfigured(f"{model.__name__}.{field.name} needs a max_length: relint enforces it.")
        extra = [ProhibitNullCharactersValidator()]
        if isinstance(field, models.TextField):
            # CharField already validates its max_length; TextField does not.
            extra.append(MaxLengthValidator(field.max_length))
        field._validators = [*field._validators, *extra]
        field.__dict__.pop("validators", None)  # a cached_property on Field
        if not isinstance(field, models.TextField):
            # CharField.__init__ appended its MaxLengthValidator to that
            # cached list, not to `_validators` (so that migrations do not
            # carry it): put it back the same way, or the length would be
            # checked by the database alone.
            field.validators.append(MaxLengthValidator(field.max_length))
        if field.choices:
            # A coded value must be one of its choices; that also bounds its
            # length and excludes NUL.
            allowed = [value for value, _label in field.flatchoices]
            if field.blank and "" not in allowed:
                allowed.append("")
            added.append(
                models.CheckConstraint(
                    condition=models.Q(**{f"{field.name}__in": allowed}),
                    name=_constraint_name(table, field.column, "valid"),
                )
            )
            continue
        added.append(
            # LENGTH(NULL) is NULL, and a CHECK passes on NULL: nullable
            # columns need no special case.
            models.CheckConstraint(
                condition=LessThanOrEqual(Length(field.name), field.max_length),
                name=_constraint_name(table, field.column, "len"),
            )
        )
        added.append(
            models.CheckConstraint(
                condition=HasNoNul(field.name),
                name=_constraint_name(table, field.column, "nonul"),
            )
        )
    model._meta.constraints = [*model._meta.constraints, *added]
    # Migrations read Meta options from original_attrs.
    model._meta.original_attrs["constraints"] = model._meta.constraints
    return model
