"""`manage.py restore ARCHIVE`: put a backup back, and prove it complete."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from relint.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a relint-backup-*.tar.gz made by `backup` into the configured database and media directory, "
        "which are REPLACED. Checks the archive's checksums first (a damaged archive changes nothing), then "
        "compares every table's row count and checksum with the manifest; exits non-zero on any difference."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--noinput", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, archive, noinput, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        if not noinput:
            answer = input("This replaces the database and the media files. Type 'yes' to continue: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        try:
            differences = restore(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if differences:
            for line in differences:
                self.stderr.write(line)
            raise CommandError(f"{len(differences)} differences between the backup and the restored instance")
        self.stdout.write(f"Restored {path}: 0 differences.")
