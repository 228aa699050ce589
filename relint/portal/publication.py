"""The publication generation: read by the public caches, bumped by every
service that changes what the portal, the API or the open data show.

Why a counter row and not timestamps or the history tables' highest ids: ids
come from sequences, which do not follow commit order on PostgreSQL (a
transaction that took id 100 can commit after the one that took 101), so a
"highest id" can stay put while new data becomes visible. An UPDATE of one
row is serialised by the row lock and becomes visible exactly when the
change it belongs to commits: a page rendered from older data is always
stored under an older generation than the one readers see afterwards.

Call `publication_bump()` inside the service's transaction, after the rows
it changes are locked (so that the counter's lock is the last one taken and
two services cannot wait for each other).
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import F

from relint.portal.models import PublicationGeneration

_PK = 1
# The table is the model's (portal_publicationgeneration); a test checks it.
_READ = "SELECT value FROM portal_publicationgeneration WHERE id = %s"


def publication_bump() -> None:
    """Move the generation forward, in the caller's transaction."""
    with transaction.atomic():
        if not PublicationGeneration.objects.filter(pk=_PK).update(value=F("value") + 1):
            # The first bump of a fresh database (the migration also creates
            # the row; a flushed test database has none).
            _row, created = PublicationGeneration.objects.get_or_create(pk=_PK, defaults={"value": 1})
            if not created:  # another transaction created it meanwhile
                PublicationGeneration.objects.filter(pk=_PK).update(value=F("value") + 1)


def publication_generation() -> int:
    """The current generation (0 before the first change).

    Plain SQL: it runs on every public request, and the ORM's query building
    cost more than the query itself."""
    with connection.cursor() as cursor:
        cursor.execute(_READ, [_PK])
        row = cursor.fetchone()
    return row[0] if row else 0
