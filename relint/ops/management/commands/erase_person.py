"""`manage.py erase_person ID`: anonymise a contact person, history included."""

from django.core.management.base import BaseCommand, CommandError

from relint.partners.models import ContactPerson
from relint.partners.privacy import contact_erase


class Command(BaseCommand):
    help = (
        "Anonymise a contact person (GDPR Art. 17): names, job title, email, phone, languages and notes are "
        "blanked in the record and in every history row; who changed it and when is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("contact_id", type=int)
        parser.add_argument("--noinput", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, contact_id, noinput, **options):
        contact = ContactPerson.objects.filter(pk=contact_id).first()
        if contact is None:
            raise CommandError(f"No contact person with id {contact_id}.")
        if not noinput and input(f"Erase the personal data of {contact}? Type 'yes': ").strip().lower() != "yes":
            raise CommandError("Nothing erased.")
        contact_erase(user=None, contact=contact)
        self.stdout.write(f"Contact person {contact_id}: personal data erased.")
