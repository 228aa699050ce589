"""The open-data datasets: each a public queryset and its flat record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: object
    description: object
    queryset: Callable
    record: Callable
    updated: Callable


def _activities():
    from relint.activities import selectors

    return selectors.with_record_data(selectors.public_activities()).order_by("-year", "pk")


def _latest(model_path: str):
    def updated():
        from django.apps import apps
        from django.db.models import Max

        return apps.get_model(model_path).objects.aggregate(at=Max("updated_at"))["at"]

    return updated


def _datasets() -> list[Dataset]:
    from relint.activities.selectors import public_record
    from relint.departments.models import Department
    from relint.departments.serializers import DEPARTMENT_RECORD_RELATED, department_record
    from relint.partners import serializers as ps
    from relint.partners.models import Agreement, CityRelation, Organisation, PartnerCity

    return [
        Dataset(
            "activities",
            _("International activities"),
            _("The activities of the departments accepted by the coordination office."),
            _activities,
            public_record,
            _latest("activities.Activity"),
        ),
        Dataset(
            "cities",
            _("Partner cities"),
            _("The cities Turin is twinned or has agreements with."),
            lambda: PartnerCity.objects.order_by("name_it", "pk"),
            ps.city_record,
            _latest("partners.PartnerCity"),
        ),
        Dataset(
            "relations",
            _("Relations with partner cities"),
            _("Twinnings, friendship pacts, agreements and protocols with partner cities."),
            lambda: CityRelation.objects.select_related(*ps.RELATION_RECORD_RELATED).order_by("city__name_it", "pk"),
            ps.relation_record,
            _latest("partners.CityRelation"),
        ),
        Dataset(
            "organisations",
            _("Organisations"),
            _("NGOs, committees, city-owned bodies, universities and other partner organisations."),
            lambda: (
                Organisation.objects.select_related(*ps.ORGANISATION_RECORD_RELATED)
                .prefetch_related(*ps.ORGANISATION_RECORD_PREFETCH)
                .order_by("name", "pk")
            ),
            ps.organisation_record,
            _latest("partners.Organisation"),
        ),
        Dataset(
            "agreements",
            _("Agreements"),
            _("Conventions, agreements and protocols signed by the City."),
            lambda: (
                Agreement.objects.select_related(*ps.AGREEMENT_RECORD_RELATED)
                .prefetch_related(*ps.AGREEMENT_RECORD_PREFETCH)
                .order_by("-signed_on", "pk")
            ),
            ps.agreement_record,
            _latest("partners.Agreement"),
        ),
        Dataset(
            "departments",
            _("Departments"),
            _("The departments of the coordination table and their international competences."),
            lambda: Department.objects.active().select_related(*DEPARTMENT_RECORD_RELATED).order_by("table_order"),
            department_record,
            _latest("departments.Department"),
        ),
    ]


def all_datasets() -> list[Dataset]:
    return _datasets()


def get_dataset(slug: str) -> Dataset | None:
    return next((d for d in _datasets() if d.slug == slug), None)


FORMATS = ("csv", "xlsx", "json")
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
