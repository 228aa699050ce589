"""One flat record per partner city, city relation, organisation and
agreement, shared by the API and the open-data exports.

Like `relint.activities.serializers`, records hold only JSON-friendly values
and name related rows instead of nesting them. Internal notes and contact
people are never part of a record: everything here is public.
"""

from __future__ import annotations

from relint.partners.models import Agreement, CityRelation, Organisation, PartnerCity


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def city_record(city: PartnerCity) -> dict:
    return {
        "uid": str(city.uid),
        "name_it": city.name_it,
        "name_en": city.name_en,
        "name_local": city.name_local,
        "country": city.country_id,
        "region": city.region,
        "latitude": float(city.latitude) if city.latitude is not None else None,
        "longitude": float(city.longitude) if city.longitude is not None else None,
        "geonames_id": city.geonames_id,
    }


def relation_record(relation: CityRelation) -> dict:
    """Reads `relation.city` and `relation.agreement`: select them."""
    return {
        "city": str(relation.city.uid),
        "city_name": relation.city.name_it,
        "kind": relation.kind,
        "signed_on": _iso(relation.signed_on),
        "signed_precision": relation.signed_precision,
        "ratified_by": relation.ratified_by,
        "ratified_on": _iso(relation.ratified_on),
        "deliberation_ref": relation.deliberation_ref,
        "state": relation.state,
        "ended_on": _iso(relation.ended_on),
        "agreement": str(relation.agreement.uid) if relation.agreement_id else None,
    }


RELATION_RECORD_RELATED = ("city", "agreement")


def organisation_record(organisation: Organisation) -> dict:
    """Reads `organisation.city` (select it) and the committees it belongs to
    (prefetch `ORGANISATION_RECORD_PREFETCH`)."""
    return {
        "uid": str(organisation.uid),
        "name": organisation.name,
        "name_en": organisation.name_en,
        "acronym": organisation.acronym,
        "kind": organisation.kind,
        "profit_kind": organisation.profit_kind,
        "country": organisation.country_id,
        "city": str(organisation.city.uid) if organisation.city_id else None,
        "website": organisation.website,
        "description_it": organisation.description_it,
        "description_en": organisation.description_en,
        "iati_ref": organisation.iati_ref,
        "iati_type": organisation.iati_type,
        "committees": sorted(m.committee.name for m in organisation.committee_memberships.all()),
    }


ORGANISATION_RECORD_RELATED = ("city",)
ORGANISATION_RECORD_PREFETCH = ("committee_memberships__committee",)


def agreement_record(agreement: Agreement) -> dict:
    """Reads the parties: prefetch `AGREEMENT_RECORD_PREFETCH`."""
    return {
        "uid": str(agreement.uid),
        "kind": agreement.kind,
        "title_it": agreement.title_it,
        "title_en": agreement.title_en,
        "summary_it": agreement.summary_it,
        "summary_en": agreement.summary_en,
        "signed_on": _iso(agreement.signed_on),
        "signed_precision": agreement.signed_precision,
        "valid_from": _iso(agreement.valid_from),
        "valid_until": _iso(agreement.valid_until),
        "deliberation_ref": agreement.deliberation_ref,
        "deliberation_on": _iso(agreement.deliberation_on),
        "lead_department": agreement.lead_department.code if agreement.lead_department_id else None,
        "parties": sorted(str(party.organisation or party.city) for party in agreement.parties.all()),
    }


AGREEMENT_RECORD_RELATED = ("lead_department",)
AGREEMENT_RECORD_PREFETCH = ("parties__organisation", "parties__city")
