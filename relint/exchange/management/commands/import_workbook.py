"""manage.py import_workbook PATH [--dry-run] [--user USERNAME]"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from relint.exchange import services
from relint.exchange.models import ImportState


class Command(BaseCommand):
    help = (
        "Import an activities workbook (.xlsx or .csv): a dry run first, then, unless --dry-run, "
        "the commit of every row in one transaction. Exits with an error and imports nothing if any row is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the .xlsx or .csv file")
        parser.add_argument("--dry-run", action="store_true", help="only show what would change")
        parser.add_argument("--user", default=None, help="who imports (default: the first superuser)")

    def handle(self, *args, path: str, dry_run: bool, user: str | None, **options):
        self.verbosity = options.get("verbosity", 1)
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        importer = self._user(user)
        content = file.read_bytes()

        def progress(done: int) -> None:
            self.stderr.write(f"  {done} rows…")

        self.stdout.write(f"Checking {file.name} ({len(content)} bytes)…")
        run = services.import_run_check(user=importer, content=content, filename=file.name, progress=progress)
        self._report(run)
        if run.state == ImportState.REFUSED or run.counts.get("errors"):
            raise CommandError(run.error or f"{run.counts['errors']} rows have errors: nothing was imported.")
        if dry_run or not run.can_commit:
            self.stdout.write("Dry run only: nothing was imported." if dry_run else "Nothing to import.")
            return
        self.stdout.write("Importing…")
        run = services.import_run_commit(user=importer, run=run, progress=progress)
        if run.state != ImportState.COMMITTED:
            raise CommandError(run.error)
        counts = run.counts
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported: {counts['new']} new, {counts['changed']} changed, {counts['unchanged']} unchanged "
                f"(import {run.uid}, sha256 {run.sha256})."
            )
        )

    def _user(self, username: str | None):
        User = get_user_model()  # noqa: N806
        if username:
            try:
                return User.objects.get(username=username)
            except User.DoesNotExist as error:
                raise CommandError(f"No user named {username!r}.") from error
        user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if user is None:
            raise CommandError("No superuser exists: name the importing user with --user.")
        return user

    def _report(self, run) -> None:
        if run.encoding:
            self.stdout.write(f"Encoding: {run.encoding}")
        if run.state == ImportState.REFUSED:
            return
        for warning in run.report.get("warnings", []):
            self.stdout.write(self.style.WARNING(f"Warning: {warning}"))
        for row in run.report.get("rows", []):
            where = f"{row['sheet']}, row {row['row']}"
            if row["action"] == "error":
                for problem in row["errors"]:
                    self.stdout.write(self.style.ERROR(f"{where}, column {problem['column']}: {problem['message']}"))
            elif row["action"] == "changed":
                self.stdout.write(f"{where}: changed {row['title']}")
                for diff in row["diffs"]:
                    self.stdout.write(f"    {diff['field']}: {diff['old']!r} → {diff['new']!r}")
            elif row["action"] == "new" and self.verbosity > 1:
                self.stdout.write(f"{where}: new {row['title']}")
        counts = run.counts
        self.stdout.write(
            f"{counts.get('rows', 0)} rows: {counts.get('new', 0)} new, {counts.get('changed', 0)} changed, "
            f"{counts.get('unchanged', 0)} unchanged, {counts.get('errors', 0)} with errors."
        )
