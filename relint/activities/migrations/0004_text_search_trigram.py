"""Trigram indexes for the activity text search, on PostgreSQL only.

The staff and public searches filter with `icontains` on the titles and
descriptions (`relint.activities.selectors.activity_list`), which PostgreSQL runs as
`UPPER(column::text) LIKE UPPER('%word%')`: a B-tree index cannot serve a
pattern with a leading wildcard, so every search read the whole table. A GIN
index with `gin_trgm_ops` on the same `UPPER(column)` expression can
(docs/decisions.md, entry 29).

The indexes are not declared in `Meta.indexes`: SQLite has neither GIN nor
pg_trgm, and the migration state must be the same on both databases. On
SQLite this migration does nothing (LIKE scans there, as before).
`pg_trgm` is a trusted extension since PostgreSQL 13: the database's owner
may create it without superuser rights.
"""

from django.db import migrations

COLUMNS = ("title_it", "title_en", "description_it", "description_en")


def index_name(column: str) -> str:
    return f"activities_{column}_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{index_name(column)}" ON "activities_activity" '
            f'USING gin (UPPER("{column}") gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{index_name(column)}"')


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0003_portal_indexes"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
