"""Small builders of partner-registry rows for the partner tests."""

from __future__ import annotations

import datetime

from relint.partners.models import (
    Agreement,
    AgreementKind,
    AgreementParty,
    CityRelation,
    CommitteeMembership,
    ContactPerson,
    Organisation,
    OrganisationKind,
    PartnerCity,
    RelationKind,
)


def city(name: str = "Lione", country: str = "FR", **extra) -> PartnerCity:
    return PartnerCity.objects.create(name_it=name, country_id=country, **extra)


def relation(of: PartnerCity, kind: str = RelationKind.TWINNING, signed_on=None, **extra) -> CityRelation:
    return CityRelation.objects.create(city=of, kind=kind, signed_on=signed_on, **extra)


def organisation(name: str = "ONG Esempio", kind: str = OrganisationKind.NGO, **extra) -> Organisation:
    return Organisation.objects.create(name=name, kind=kind, **extra)


def membership(committee: Organisation, member: Organisation, **extra) -> CommitteeMembership:
    return CommitteeMembership.objects.create(committee=committee, member=member, **extra)


def agreement(title: str = "Accordo di cooperazione", **extra) -> Agreement:
    extra.setdefault("kind", AgreementKind.AGREEMENT)
    extra.setdefault("signed_on", datetime.date(2020, 5, 4))
    return Agreement.objects.create(title_it=title, **extra)


def party(of: Agreement, **extra) -> AgreementParty:
    return AgreementParty.objects.create(agreement=of, **extra)


def contact(first: str = "Marie", last: str = "Dupont", **extra) -> ContactPerson:
    return ContactPerson.objects.create(first_name=first, last_name=last, **extra)
