"""Multi-row INSERTs for the bulk writers (the spreadsheet import), without
the ORM's per-value compilation.

`QuerySet.bulk_create` compiles every value of every row through the field's
SQL machinery: at 10,000 imported activities, with their countries, SDGs,
funding lines and history rows (about eleven rows an activity), that was
four fifths of the commit and the database's own work a tenth of it
(docs/decisions.md, entry 30). `insert_rows` writes the same rows with one
statement per batch and converts only the values whose type needs it (dates,
datetimes, decimals, UUIDs, JSON): integers, text and booleans go to the
driver as they are.

Nothing here runs model validation, `save()`, signals or simple-history's
handlers: callers validate first and write the history rows themselves
(`history_rows`), as `relint.activities.services.activity_bulk_import` does.
Batches follow the database's real parameter limit (SQLite's
`SQLITE_LIMIT_VARIABLE_NUMBER`, PostgreSQL's 65,535), not Django 5.2's
SQLite assumption of 999 (ticket #36143).
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Sequence
from functools import partial

from django.db import connection, models

# Field types whose Python values the drivers (sqlite3, psycopg) take as
# they are; any other type goes through `get_db_prep_save`.
_PLAIN_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveBigIntegerField",
        "PositiveSmallIntegerField",
        "CharField",
        "TextField",
        "SlugField",
        "EmailField",
        "URLField",
        "BooleanField",
    }
)
_POSTGRESQL_MAX_PARAMETERS = 65_535
# Rows per statement at most, whatever the parameter limit: one statement's
# text and parameters stay a few megabytes.
_MAX_ROWS_PER_STATEMENT = 2_000


def _max_parameters() -> int:
    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return _POSTGRESQL_MAX_PARAMETERS


def _converter(field: models.Field):
    target = field.target_field if field.is_relation else field
    if target.get_internal_type() in _PLAIN_TYPES:
        return None
    convert = partial(field.get_db_prep_save, connection=connection)
    # A batch repeats its values (the history date of every row, the start
    # dates of a year's activities): each distinct value is converted once.
    memo: dict = {}

    def converted(value):
        try:
            return memo[value]
        except KeyError:
            memo[value] = result = convert(value)
            return result
        except TypeError:  # unhashable: a JSON dict or list
            return convert(value)

    return converted


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence],
    *,
    returning: str | None = None,
) -> list:
    """INSERT `rows` (tuples of values in the order of `columns`, attribute
    names such as `activity_id`) into `model`'s table. With `returning`, the
    list of that column's values of the new rows, in the order given (as
    `bulk_create` relies on too, with RETURNING on both databases)."""
    rows = list(rows)
    if not rows:
        return []
    fields = [_by_attname(model, name) for name in columns]
    converters = [(index, convert) for index, field in enumerate(fields) if (convert := _converter(field))]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(field.column) for field in fields)
    one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    tail = f" RETURNING {quote(_by_attname(model, returning).column)}" if returning else ""
    per_statement = max(1, min(_max_parameters() // len(fields), _MAX_ROWS_PER_STATEMENT))
    returned: list = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            batch = rows[start : start + per_statement]
            params: list = []
            for row in batch:
                if converters:
                    row = list(row)
                    for index, convert in converters:
                        row[index] = convert(row[index])
                params.extend(row)
            # Only quoted names of the model's own table and columns, and
            # placeholders, are in the text; every value is a parameter.
            sql = f"INSERT INTO {table} ({names}) VALUES {', '.join([one_row] * len(batch))}{tail}"  # noqa: S608
            cursor.execute(sql, params)
            if returning:
                returned.extend(value for (value,) in cursor.fetchall())
    return returned


def _by_attname(model: type[models.Model], attname: str) -> models.Field:
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return field
    raise LookupError(f"{model.__name__} has no column {attname!r}")


def history_rows(model: type[models.Model], objs: Sequence[models.Model], *, history_type: str, user, when):
    """The columns and rows of `model`'s django-simple-history rows for
    `objs`, as simple-history writes them one by one: every tracked field,
    the date, the user, an empty change reason and the type (+ ~ -)."""
    historical = model.history.model
    tracked = [field.attname for field in historical.tracked_fields]
    columns = [*tracked, "history_date", "history_user_id", "history_change_reason", "history_type"]
    values = operator.attrgetter(*tracked)
    user_id = getattr(user, "pk", None)
    tail = (when, user_id, "", history_type)
    if len(tracked) == 1:
        return columns, [(values(obj), *tail) for obj in objs]
    return columns, [(*values(obj), *tail) for obj in objs]
