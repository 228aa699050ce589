"""Shared reference data and building blocks of the domain models."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from relint.core.integrity import text_integrity


class DatePrecision(models.TextChoices):
    """How much of a stored date the sources actually know.

    Many dates in the sources are uncertain ("1986", "March 2003"): the date
    is stored as the first day of the period and this says which part counts.
    """

    DAY = "day", _("exact day")
    MONTH = "month", _("month only")
    YEAR = "year", _("year only")


class Continent(models.TextChoices):
    AFRICA = "AF", _("Africa")
    ANTARCTICA = "AN", _("Antarctica")
    ASIA = "AS", _("Asia")
    EUROPE = "EU", _("Europe")
    NORTH_AMERICA = "NA", _("North America")
    OCEANIA = "OC", _("Oceania")
    SOUTH_AMERICA = "SA", _("South America")


class BilingualNameMixin:
    """`name` in the active language, falling back to Italian."""

    name_it: str
    name_en: str

    @property
    def name(self) -> str:
        if (get_language() or "it").startswith("en") and self.name_en:
            return self.name_en
        return self.name_it


class CountryQuerySet(models.QuerySet):
    def ordered_by_name(self, language: str | None = None) -> CountryQuerySet:
        return self.order_by("name_en" if (language or get_language() or "it").startswith("en") else "name_it")


@text_integrity
class Country(BilingualNameMixin, models.Model):
    """An ISO 3166-1 country, with names from pycountry's Italian catalogue.

    Loaded by a data migration; `manage.py sync_countries` refreshes it after a
    pycountry upgrade.
    """

    iso2 = models.CharField(_("ISO code"), max_length=2, primary_key=True)
    iso3 = models.CharField(_("ISO alpha-3 code"), max_length=3, unique=True)
    name_it = models.CharField(_("name (Italian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    continent = models.CharField(_("continent"), max_length=2, choices=Continent.choices)

    objects = CountryQuerySet.as_manager()

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["name_it"]

    def __str__(self) -> str:
        return self.name


class Timestamped(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


def history(*, m2m_fields: tuple[str, ...] = ()) -> HistoricalRecords:
    """The change history every domain model keeps (django-simple-history).

    Plain many-to-many fields are listed in `m2m_fields` so that adding a
    country or an SDG is a recorded change too; many-to-many relations with a
    through model (partner cities, organisations) keep their own history.
    """
    return HistoricalRecords(inherit=False, cascade_delete_history=False, m2m_fields=m2m_fields)
