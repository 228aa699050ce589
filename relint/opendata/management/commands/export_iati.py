"""manage.py export_iati [--validate] [--output FILE]"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from relint.opendata import iati


class Command(BaseCommand):
    help = "Write the IATI 2.03 iati-activities XML of the published cooperation projects."

    def add_arguments(self, parser):
        parser.add_argument("--validate", action="store_true", help="Check the XSD and the main IATI rules first.")
        parser.add_argument("--output", "-o", help="Write to this file instead of standard output.")

    def handle(self, *args, validate: bool, output: str | None, **options):
        xml = iati.build()
        if validate:
            try:
                iati.validate(xml)
            except iati.IatiError as error:
                # Nothing is written when the file is invalid.
                raise CommandError(f"The IATI file is not valid:\n{error}") from error
        if output:
            with open(output, "wb") as handle:
                handle.write(xml)
            self.stderr.write(f"Wrote {output}.")
        else:
            self.stdout.write(xml.decode("utf-8"), ending="")
