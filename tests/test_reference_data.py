"""Reference data shipped with the code and loaded by migrations."""

import pytest

from relint.activities.models import FundingProgramme, SustainableDevelopmentGoal
from relint.core.models import Country
from relint.core.reference import sync_countries
from relint.departments.models import Department, TableMembership
from relint.departments.reference import DEPARTMENTS

pytestmark = pytest.mark.django_db


def test_it_ships_the_seventeen_sdgs_in_both_languages():
    goals = list(SustainableDevelopmentGoal.objects.order_by("number"))
    assert [g.number for g in goals] == list(range(1, 18))
    assert all(g.name_it and g.name_en for g in goals)
    assert goals[10].name_it == "Città e comunità sostenibili"


def test_it_ships_the_seed_departments_in_table_order():
    codes = list(Department.objects.values_list("code", flat=True))
    assert codes == [row[0] for row in DEPARTMENTS]
    assert len(codes) == 16
    international_relations = Department.objects.get(code="REL-INT")
    assert international_relations.delegation.name_it == "Sindaco"
    assert Department.objects.get(code="COOP-PACE").delegation.name_it == "Vicesindaco"
    assert "URBAN II" in Department.objects.get(code="ERP-PERIFERIE").competences_it


def test_every_seed_department_sits_at_the_table_since_2004():
    assert TableMembership.objects.filter(joined_on__year=2004, left_on__isnull=True).count() == 16
    assert Department.objects.at_table().count() == 16


def test_countries_carry_italian_names_and_continents():
    assert Country.objects.count() >= 249
    assert Country.objects.get(iso2="DE").name_it == "Germania"
    assert Country.objects.get(iso2="CI").name_it == "Costa d'Avorio"
    assert Country.objects.get(iso2="BF").continent == "AF"
    assert Country.objects.get(iso2="BR").continent == "SA"
    assert set(Country.objects.values_list("continent", flat=True)) == {"AF", "AN", "AS", "EU", "NA", "OC", "SA"}


def test_syncing_countries_again_changes_nothing():
    assert sync_countries(Country) == 0


def test_it_ships_the_programmes_the_sources_name():
    codes = set(FundingProgramme.objects.values_list("code", flat=True))
    assert {"fse", "fesr", "urban-ii", "interreg", "horizon-europe"} <= codes
