"""Load the demo data for the City of Turin (see relint.core.demo)."""

import time

from django.core.management.base import BaseCommand, CommandError

from relint.core import demo
from relint.portal.publication import publication_bump


class Command(BaseCommand):
    help = (
        "Load realistic demo data for the City of Turin (2023–2025) and print the demo logins. "
        "Deterministic and idempotent: when the demo is already loaded it only prints the logins. "
        "--reset first wipes ALL domain data (partners, activities, meetings, reports) and the demo logins."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Wipe every domain record and the demo logins, then load the demo again.",
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation before --reset.",
        )
        parser.add_argument(
            "--url",
            default=demo.DEMO_URL,
            help=f"The address printed with the logins (default {demo.DEMO_URL}; `make demo PORT=…` passes its own).",
        )

    def handle(self, *args, reset: bool = False, interactive: bool = True, url: str = demo.DEMO_URL, **options) -> None:
        started = time.monotonic()
        if reset:
            if interactive:
                answer = input(
                    "--reset deletes ALL partner cities, organisations, agreements, activities, meetings and "
                    "reports in this database. Type 'yes' to continue: "
                )
                if answer.strip().lower() != "yes":
                    raise CommandError("Reset cancelled.")
            self.stdout.write("Cancellazione dei dati, poi caricamento / Wiping domain data, then loading…")
        else:
            self.stdout.write("Caricamento della demo / Loading the demo…")
        try:
            loaded = demo.load(reset_first=reset, log=self.stdout.write)
            # Part of the demo is written in bulk, past the services.
            publication_bump()
        except demo.DemoConflictError as exc:
            raise CommandError(str(exc)) from exc
        if loaded:
            self.stdout.write(self.style.SUCCESS(f"Demo caricata in {time.monotonic() - started:.1f} s / Demo loaded."))
        else:
            self.stdout.write(
                self.style.WARNING(
                    "La demo è già caricata: nulla da fare. / The demo is already loaded: nothing to do."
                )
            )
        self.stdout.write("")
        self.stdout.write(demo.logins_text(url))
