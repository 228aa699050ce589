"""`manage.py purge_contacts`: delete contacts past the retention period."""

from django.conf import settings
from django.core.management.base import BaseCommand

from relint.partners.privacy import contacts_expired, contacts_purge


class Command(BaseCommand):
    help = (
        "Delete the contact persons not confirmed within RELINT_CONTACT_RETENTION_DAYS (by their confirmation "
        "date, or creation date if never confirmed) and blank the personal values of their history. "
        "Run it daily (docs/deploy.md). --dry-run only lists them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, dry_run, **options):
        days = settings.RELINT_CONTACT_RETENTION_DAYS
        if dry_run:
            expired = list(contacts_expired())
            for contact in expired:
                self.stdout.write(f"{contact.pk}\t{contact}\tconfirmed {contact.last_confirmed_on or 'never'}")
            self.stdout.write(f"{len(expired)} contact persons past {days} days (dry run: nothing deleted).")
            return
        ids = contacts_purge(user=None)
        self.stdout.write(f"{len(ids)} contact persons past {days} days deleted.")
