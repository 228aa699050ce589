"""Backups of a relint instance in one archive, and their restoration.

An archive (`relint-backup-<UTC time>.tar.gz`) holds:

* `database.sqlite3`, copied with SQLite's online backup API (a file copy
  of a live database was measured to give corrupt backups), or
  `database.pgdump`, from `pg_dump --format=custom`;
* `media/`, the uploaded and generated files;
* `manifest.json`: the SHA-256 of every file in the archive, and the row
  count and a checksum of every table as the backup saw it.

For PostgreSQL the table figures are read in the same snapshot that
`pg_dump` dumps (`pg_export_snapshot`), so they describe exactly what the
archive holds even while users keep writing. `restore` checks the file
checksums before touching anything, then restores and compares the tables
with the manifest.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

MANIFEST = "manifest.json"
FORMAT = 1


class BackupError(Exception):
    """The backup or restore cannot be done; nothing was changed."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def table_figures(cursor, vendor: str) -> dict[str, dict]:
    """Row count and content checksum of every table, read through `cursor`.

    The checksum hashes every row in primary-key order, as the database
    driver returns it: comparable between two databases of the same kind.
    """
    if vendor == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    figures = {}
    for (table,) in cursor.fetchall():
        quoted = '"' + table.replace('"', '""') + '"'
        cursor.execute(f"SELECT * FROM {quoted} ORDER BY 1")  # noqa: S608 - names come from the catalogue
        digest = hashlib.sha256()
        rows = 0
        for row in cursor.fetchall():
            digest.update(repr(tuple(row)).encode())
            rows += 1
        figures[table] = {"rows": rows, "sha256": digest.hexdigest()}
    return figures


def _sqlite_copy(target: Path) -> dict[str, dict]:
    """Copy the live SQLite database with the online backup API."""
    connection.ensure_connection()
    # Opened as Django opens SQLite (its converters are registered globally),
    # so the figures read here compare with those of a restored database.
    destination = sqlite3.connect(target, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES)
    try:
        # Pages are copied in one step under a read lock, so writers wait at
        # most for the copy and the copy is one consistent state.
        connection.connection.backup(destination)
        return table_figures(destination.cursor(), "sqlite")
    finally:
        destination.close()


def _pg_settings() -> tuple[dict, list[str]]:
    db = settings.DATABASES["default"]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    return env, args


def _pg_major(tool: str) -> int:
    try:
        output = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout  # noqa: S603
    except (OSError, subprocess.CalledProcessError) as error:
        raise BackupError(f"{tool} is not available ({error}); install postgresql-client") from error
    return int(output.split()[-1].split(".")[0].split("(")[0])


def check_pg_tools(tool: str) -> None:
    """The client tools must be at least the server's major version:
    an older pg_dump refuses a newer server, or misses what it cannot read."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        server = int(cursor.fetchone()[0]) // 10000
    client = _pg_major(tool)
    if client < server:
        raise BackupError(f"{tool} {client} is older than the PostgreSQL server {server}: install a matching client")


def _pg_dump(target: Path) -> dict[str, dict]:
    check_pg_tools("pg_dump")
    env, args = _pg_settings()
    with connection.cursor() as cursor:
        # One snapshot for the dump and the figures: what the manifest says is
        # exactly what the archive holds, however many writes go on.
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            figures = table_figures(cursor, "postgresql")
            command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}"]
            result = subprocess.run(  # noqa: S603
                [*command, *args, "--file", str(target)],
                env=env,
                capture_output=True,
                text=True,
            )
        finally:
            cursor.execute("ROLLBACK")
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return figures


@dataclass
class BackupResult:
    archive: Path
    manifest: dict


def backup(output_dir: Path) -> BackupResult:
    """Write a backup archive into `output_dir` and return it with its manifest."""
    output_dir.mkdir(parents=True, exist_ok=True)
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"no backup method for {vendor}")
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    with tempfile.TemporaryDirectory(dir=output_dir, prefix=".backup-") as work:
        work_dir = Path(work)
        database_name = "database.sqlite3" if vendor == "sqlite" else "database.pgdump"
        figures = _sqlite_copy(work_dir / database_name) if vendor == "sqlite" else _pg_dump(work_dir / database_name)
        files = {database_name: sha256_of(work_dir / database_name)}
        media_root = Path(settings.MEDIA_ROOT)
        media_files = sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.is_dir() else []
        for path in media_files:
            files["media/" + path.relative_to(media_root).as_posix()] = sha256_of(path)
        manifest = {
            "format": FORMAT,
            "created_at": stamp,
            "vendor": vendor,
            "database": database_name,
            "files": files,
            "tables": figures,
        }
        (work_dir / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
        partial = output_dir / f".relint-backup-{stamp}.tar.gz.part"
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(work_dir / MANIFEST, arcname=MANIFEST)
            archive.add(work_dir / database_name, arcname=database_name)
            for path in media_files:
                archive.add(path, arcname="media/" + path.relative_to(media_root).as_posix())
        # Renamed only when complete: a half-written archive never looks like a backup.
        final = output_dir / f"relint-backup-{stamp}.tar.gz"
        partial.rename(final)
    return BackupResult(final, manifest)


def _extract(archive_path: Path, into: Path) -> dict:
    """Unpack and verify an archive: every listed file present with its checksum, nothing else."""
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(into, filter="data")
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"{archive_path} is not a readable backup archive: {error}") from error
    try:
        manifest = json.loads((into / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"{archive_path} has no valid {MANIFEST}") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    present = {p.relative_to(into).as_posix() for p in into.rglob("*") if p.is_file()} - {MANIFEST}
    if present != set(manifest["files"]):
        raise BackupError(f"the archive's files differ from its manifest: {sorted(present ^ set(manifest['files']))}")
    bad = [name for name, digest in manifest["files"].items() if sha256_of(into / name) != digest]
    if bad:
        raise BackupError(f"checksum mismatch in the archive: {bad}")
    return manifest


def table_differences(expected: dict[str, dict], actual: dict[str, dict]) -> list[str]:
    """What differs between two sets of table figures (empty: identical)."""
    differences = []
    for table in sorted(set(expected) | set(actual)):
        if table not in actual:
            differences.append(f"{table}: missing")
        elif table not in expected:
            differences.append(f"{table}: not in the backup")
        elif expected[table] != actual[table]:
            differences.append(
                f"{table}: {expected[table]['rows']} rows in the backup, {actual[table]['rows']} restored"
                if expected[table]["rows"] != actual[table]["rows"]
                else f"{table}: same row count, different content"
            )
    return differences


def restore(archive_path: Path) -> list[str]:
    """Restore an archive into the configured database and media directory.

    Meant for an empty (fresh) instance or one to be replaced: the database
    and the media directory are overwritten. Returns the differences between
    the restored tables and the manifest (an empty list: none).
    """
    vendor = connection.vendor
    with tempfile.TemporaryDirectory(prefix="relint-restore-") as work:
        work_dir = Path(work)
        manifest = _extract(archive_path, work_dir)
        if manifest["vendor"] != vendor:
            raise BackupError(f"the backup is of a {manifest['vendor']} database, this instance uses {vendor}")
        database_file = work_dir / manifest["database"]
        if vendor == "sqlite":
            connection.ensure_connection()
            source = sqlite3.connect(database_file)
            try:
                # The backup API again, in reverse: the live database is
                # replaced as one transaction.
                source.backup(connection.connection)
            finally:
                source.close()
        else:
            check_pg_tools("pg_restore")
            connection.close()
            env, args = _pg_settings()
            command = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction"]
            result = subprocess.run(  # noqa: S603
                [*command, *args, str(database_file)],
                env=env,
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:
                raise BackupError(f"pg_restore failed (nothing restored): {result.stderr.strip()}")
        media_root = Path(settings.MEDIA_ROOT)
        restored_media = work_dir / "media"
        if media_root.exists():
            shutil.rmtree(media_root)
        media_root.parent.mkdir(parents=True, exist_ok=True)
        if restored_media.is_dir():
            shutil.copytree(restored_media, media_root)
        else:
            media_root.mkdir()
    with connection.cursor() as cursor:
        actual = table_figures(cursor, vendor)
    differences = table_differences(manifest["tables"], actual)
    for name, digest in manifest["files"].items():
        if name.startswith("media/") and sha256_of(media_root / name.removeprefix("media/")) != digest:
            differences.append(f"{name}: checksum differs after restore")
    return differences
