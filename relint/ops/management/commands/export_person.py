"""`manage.py export_person ID`: everything held about a contact person, as JSON."""

import json

from django.core.management.base import BaseCommand, CommandError

from relint.partners.models import ContactPerson
from relint.partners.privacy import contact_export


class Command(BaseCommand):
    help = (
        "Print (or write with --output) as JSON everything relint holds about a contact person, "
        "with every row of its change history: the answer to an access or portability request (GDPR Art. 15, 20)."
    )

    def add_arguments(self, parser):
        parser.add_argument("contact_id", type=int, help="the contact person's id (see the admin)")
        parser.add_argument("--output", help="file to write instead of the standard output")

    def handle(self, *args, contact_id, output, **options):
        contact = ContactPerson.objects.select_related("organisation", "city").filter(pk=contact_id).first()
        if contact is None:
            raise CommandError(f"No contact person with id {contact_id}.")
        text = json.dumps(contact_export(user=None, contact=contact), ensure_ascii=False, indent=2)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            self.stderr.write(f"Wrote {output}")
        else:
            self.stdout.write(text)
