"""Writes of the import: checking an uploaded file (the dry run, logged as an
`ImportRun`) and committing it in one transaction, all or nothing.

The upload page and `manage.py import_workbook` both call these functions.
"""

from __future__ import annotations

import hashlib
import threading

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from relint.departments import permissions
from relint.exchange.models import ImportRun, ImportState
from relint.exchange.planning import ImportAbortedError, plan_import
from relint.exchange.reading import FileRefusedError, open_source

# Any constant: the key of the PostgreSQL advisory lock that lets one import
# commit at a time, so that the rows of two imports never interleave.
_IMPORT_LOCK_KEY = 7_310_006
# Imports in one process queue here first: SQLite's in-memory and
# shared-cache databases answer "table is locked" instead of waiting.
# Across processes the database lock below does the same.
_PROCESS_LOCK = threading.Lock()


class ImportRefusedError(Exception):
    """The commit cannot run; the message says why, for a person."""


def can_import(user) -> bool:
    """Who may upload at all: the coordinator and department editors (which
    rows each may import is checked row by row)."""
    return permissions.can_add_activity(user)


def import_run_check(*, user, content: bytes, filename: str, progress=None) -> ImportRun:
    """Read the file and log what importing it would do (the dry run).

    Nothing but the `ImportRun` is written. A file that cannot be read is
    logged as refused, with the reason.
    """
    if not can_import(user):
        raise PermissionDenied(_("Only the coordinator and department editors import files."))
    run = ImportRun(
        user=user,
        filename=filename[-255:] or "upload",
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
    )
    try:
        source = open_source(content, filename)
    except FileRefusedError as refusal:
        run.state = ImportState.REFUSED
        run.error = str(refusal)[:4000]
        run.full_clean()
        run.save()
        return run
    try:
        plan = plan_import(source, user=user, progress=progress)
    except FileRefusedError as refusal:
        run.state = ImportState.REFUSED
        run.error = str(refusal)[:4000]
        run.file_format = source.file_format
        run.full_clean()
        run.save()
        return run
    finally:
        source.close()
    run.file_format = source.file_format
    run.encoding = source.encoding_note[:200]
    run.counts = plan.counts
    run.report = plan.report(source)
    run.plan_digest = plan.digest
    # Kept for the commit only when there is something to commit.
    run.content = content if not plan.counts["errors"] and (plan.counts["new"] or plan.counts["changed"]) else None
    if not plan.counts["rows"]:
        run.error = _("No row to import was found in the file.")
    run.full_clean()
    run.save()
    return run


def _take_import_lock() -> None:
    # On SQLite the transaction began IMMEDIATE (settings): it already holds
    # the database's write lock, so imports are serialised there too.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_IMPORT_LOCK_KEY])


def import_run_commit(*, user, run: ImportRun, progress=None) -> ImportRun:
    """Apply a checked file in one transaction: every row, or none.

    The file is planned again inside the transaction; if what it would do now
    differs from what the dry run showed (someone changed the data, or the
    same file was imported meanwhile), nothing is written and the run is
    marked failed, asking for a new dry run.
    """
    if run.user_id != user.pk:
        raise PermissionDenied(_("Only the person who uploaded the file can import it."))
    if not can_import(user):
        raise PermissionDenied(_("Only the coordinator and department editors import files."))
    with _PROCESS_LOCK:
        return _commit(user=user, run=run, progress=progress)


def _commit(*, user, run: ImportRun, progress) -> ImportRun:
    try:
        with transaction.atomic():
            _take_import_lock()
            locked = ImportRun.objects.select_for_update().get(pk=run.pk)
            if locked.state != ImportState.CHECKED or locked.content is None:
                raise ImportRefusedError(_("This file was already imported, or it has nothing to import."))
            if locked.counts.get("errors"):
                raise ImportRefusedError(_("Correct the errors of the dry run first: nothing was imported."))
            source = open_source(bytes(locked.content), locked.filename)
            try:
                plan = plan_import(source, user=user, apply=True, progress=progress)
            finally:
                source.close()
            if plan.counts["errors"] or plan.digest != locked.plan_digest:
                raise ImportAbortedError(
                    _(
                        "The data changed since the dry run (perhaps someone edited these activities, or imported "
                        "the same file): nothing was imported. Upload the file again to see a new dry run."
                    )
                )
            locked.state = ImportState.COMMITTED
            locked.committed_at = timezone.now()
            locked.counts = plan.counts
            locked.content = None
            locked.full_clean()
            locked.save()
            return locked
    except (ImportAbortedError, FileRefusedError, DatabaseError) as abort:
        # The transaction is rolled back; the log says why, outside it. A
        # DatabaseError is a constraint the checks above did not foresee:
        # the database has the last word.
        run.refresh_from_db()
        run.state = ImportState.FAILED
        run.error = (
            str(abort)
            if not isinstance(abort, DatabaseError)
            else _("The database refused a row (%(error)s): nothing was imported.") % {"error": abort}
        )[:4000]
        run.content = None
        run.save(update_fields=["state", "error", "content"])
        return run
