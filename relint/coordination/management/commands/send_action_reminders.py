"""manage.py send_action_reminders: email the owners of overdue action items."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from relint.coordination.reminders import send_action_reminders


class Command(BaseCommand):
    help = (
        "Email each department that owns overdue action items (of approved minutes) one message listing them, "
        "to its table delegates, or to its office address when it has none."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", help="Count as overdue what was due before this day (YYYY-MM-DD); today by default."
        )
        parser.add_argument("--dry-run", action="store_true", help="List who would be emailed; send nothing.")

    def handle(self, *args, date=None, dry_run=False, **options):
        day = None
        if date:
            try:
                day = datetime.date.fromisoformat(date)
            except ValueError as error:
                raise CommandError(f"--date must be YYYY-MM-DD, not {date!r}.") from error
        results = send_action_reminders(today=day, dry_run=dry_run)
        for result in results:
            recipients = ", ".join(result.recipients) or "(nobody: no delegate and no office email)"
            self.stdout.write(f"{result.department.code}: {len(result.items)} overdue → {recipients}")
        verb = "would be sent" if dry_run else "sent"
        self.stdout.write(self.style.SUCCESS(f"{sum(1 for r in results if r.recipients)} reminder(s) {verb}."))
