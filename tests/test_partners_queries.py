"""Query counts of the partner registry's pages: the same for 20 and for 500
cities, organisations, members and agreements."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from relint.partners import models as pm
from tests import partners_data as data


def _cities(n: int) -> None:
    cities = pm.PartnerCity.objects.bulk_create(
        pm.PartnerCity(name_it=f"Città {n}-{i:04}", country_id=("FR", "ES", "BR", "JP")[i % 4]) for i in range(n)
    )
    pm.CityRelation.objects.bulk_create(
        pm.CityRelation(city=c, kind="twinning", signed_on=datetime.date(1980 + i % 40, 1, 1))
        for i, c in enumerate(cities)
    )


def _organisations(n: int) -> pm.Organisation:
    committee = data.organisation(f"Comitato {n}", kind="committee")
    members = pm.Organisation.objects.bulk_create(
        pm.Organisation(
            name=f"Ente {n}-{i:04}",
            kind=("ngo", "university", "city_owned")[i % 3],
            profit_kind="profit" if i % 3 == 2 else "",
        )
        for i in range(n)
    )
    pm.CommitteeMembership.objects.bulk_create(
        pm.CommitteeMembership(committee=committee, member=m, joined_year=2000) for m in members
    )
    return committee


def _agreements(n: int) -> None:
    city = data.city(f"Partner {n}", "DE")
    agreements = pm.Agreement.objects.bulk_create(
        pm.Agreement(kind="agreement", title_it=f"Accordo {n}-{i:04}", signed_on=datetime.date(2020, 1, 1))
        for i in range(n)
    )
    pm.AgreementParty.objects.bulk_create(pm.AgreementParty(agreement=a, city=city) for a in agreements)


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("build", "url_of"),
    [
        (_cities, lambda: reverse("partners:city_list")),
        (_cities, lambda: reverse("partners:city_list") + "?kind=twinning&continent=EU"),
        (_organisations, lambda: reverse("partners:organisation_list")),
        (_agreements, lambda: reverse("partners:agreement_list")),
    ],
    ids=["cities", "cities-filtered", "organisations", "agreements"],
)
def test_it_lists_in_the_same_number_of_queries(client, personas, build, url_of):
    client.force_login(personas.editor_a)
    build(20)
    small = _count(client, url_of())
    build(480)  # 500 in all (new names)
    assert _count(client, url_of()) == small


def test_it_shows_a_committee_of_20_or_500_members_in_the_same_queries(client, personas):
    client.force_login(personas.coordinator)
    small = _organisations(20)
    few = _count(client, reverse("partners:organisation_detail", args=[small.pk]))
    pm.Organisation.objects.all().delete()
    big = _organisations(500)
    assert _count(client, reverse("partners:organisation_detail", args=[big.pk])) == few


def test_it_shows_a_city_with_20_or_500_relations_in_the_same_queries(client, personas):
    client.force_login(personas.coordinator)
    counts = []
    for n in (20, 500):
        city = data.city(f"Città {n}")
        pm.CityRelation.objects.bulk_create(
            pm.CityRelation(city=city, kind="cooperation", signed_on=datetime.date(1950 + i % 70, 1, 1))
            for i in range(n)
        )
        counts.append(_count(client, reverse("partners:city_detail", args=[city.pk])))
    assert counts[0] == counts[1]
