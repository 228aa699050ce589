"""`manage.py backup`: the database and the media files in one archive."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from relint.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite online backup API, or pg_dump) and the media files into one "
        "relint-backup-<time>.tar.gz with a manifest of checksums and table row counts. Safe while relint runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", default="var/backups", help="directory of the archive (default var/backups)")

    def handle(self, *args, output, **options):
        try:
            result = backup(Path(output))
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(table["rows"] for table in result.manifest["tables"].values())
        media = sum(1 for name in result.manifest["files"] if name.startswith("media/"))
        self.stdout.write(
            f"{result.archive}: {len(result.manifest['tables'])} tables, {rows} rows, {media} media files"
        )
