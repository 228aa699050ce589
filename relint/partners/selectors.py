"""Reads of the partner registry for the staff workspace: filtered lists and
the related rows a detail page shows, each in a fixed number of queries
whatever the size of the registry."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from relint.activities.models import Activity, ActivityPartnerCity
from relint.core.admin import count_of
from relint.departments import permissions
from relint.partners.models import (
    Agreement,
    AgreementParty,
    CityRelation,
    CommitteeMembership,
    ContactPerson,
    Organisation,
    OrganisationKind,
    PartnerCity,
)


# --- Partner cities -------------------------------------------------------------
def cities(
    *, q: str = "", country: str = "", continent: str = "", kind: str = "", state: str = ""
) -> QuerySet[PartnerCity]:
    """Partner cities matching the filters, with their country, relations and
    number of activities."""
    qs = PartnerCity.objects.with_country().annotate(activity_count=count_of(ActivityPartnerCity, "city"))
    if q:
        qs = qs.filter(
            Q(name_it__icontains=q) | Q(name_en__icontains=q) | Q(name_local__icontains=q) | Q(region__icontains=q)
        )
    if country:
        qs = qs.filter(country_id=country)
    if continent:
        qs = qs.filter(country__continent=continent)
    if kind or state:
        # Kind and state of the same relation; a subquery, so a city with two
        # matching relations is listed once.
        relations = CityRelation.objects.all()
        if kind:
            relations = relations.filter(kind=kind)
        if state:
            relations = relations.filter(state=state)
        qs = qs.filter(pk__in=relations.values("city_id"))
    return qs.prefetch_related(Prefetch("relations", queryset=CityRelation.objects.order_by("signed_on", "pk")))


def city_timeline(city: PartnerCity) -> list[CityRelation]:
    """The city's relations in the order they were signed; undated ones last."""
    relations = list(city.relations.select_related("agreement").order_by("signed_on", "pk"))
    return [r for r in relations if r.signed_on] + [r for r in relations if not r.signed_on]


def city_activities(user, city: PartnerCity) -> QuerySet[Activity]:
    """The activities with this partner city that the user may see, newest
    year first."""
    qs = Activity.objects.filter(city_links__city=city).select_related("lead_department").order_by("-year", "title_it")
    # One link per activity and city or organisation (a unique constraint),
    # so the join repeats no activity.
    return permissions.visible_activities(user, qs)


# --- Organisations ----------------------------------------------------------------
# The order of the sections of the organisation list; city-owned bodies are
# split by profit kind (PROFIT first, as in the City's own lists).
_KIND_ORDER = [
    OrganisationKind.NGO,
    OrganisationKind.COMMITTEE,
    OrganisationKind.CITY_OWNED,
    OrganisationKind.HIGHER_TRAINING,
    OrganisationKind.UNIVERSITY,
    OrganisationKind.MISSIONARY,
    OrganisationKind.TERRITORIAL,
    OrganisationKind.INTERNATIONAL,
    OrganisationKind.COMPANY,
    OrganisationKind.OTHER,
]


def organisations(*, q: str = "", kind: str = "", country: str = "") -> QuerySet[Organisation]:
    """Organisations grouped by kind (the order of the list's sections), with
    the committees they belong to."""
    qs = Organisation.objects.select_related("country", "city").annotate(
        kind_order=Case(
            *[When(kind=k, then=Value(i)) for i, k in enumerate(_KIND_ORDER)],
            default=Value(len(_KIND_ORDER)),
            output_field=IntegerField(),
        ),
        member_count=count_of(CommitteeMembership, "committee"),
    )
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(name_en__icontains=q) | Q(acronym__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    if country:
        qs = qs.filter(country_id=country)
    return qs.order_by("kind_order", "profit_kind", "name").prefetch_related(
        Prefetch("committee_memberships", queryset=CommitteeMembership.objects.select_related("committee"))
    )


def section_of(organisation: Organisation) -> str:
    """The heading an organisation is listed under."""
    label = organisation.get_kind_display()
    if organisation.kind == OrganisationKind.CITY_OWNED and organisation.profit_kind:
        return f"{label} · {organisation.get_profit_kind_display()}"
    return str(label)


@dataclass(frozen=True)
class OrganisationDetail:
    committees: list[CommitteeMembership]
    members: list[CommitteeMembership]
    parties: list[AgreementParty]
    contacts: list[ContactPerson]


def organisation_detail(organisation: Organisation) -> OrganisationDetail:
    return OrganisationDetail(
        committees=list(organisation.committee_memberships.select_related("committee").order_by("committee__name")),
        members=list(organisation.memberships.select_related("member").order_by("member__name")),
        parties=list(organisation.agreement_parties.select_related("agreement").order_by("-agreement__signed_on")),
        contacts=list(organisation.contacts.order_by("last_name", "first_name")),
    )


def organisation_activities(user, organisation: Organisation) -> QuerySet[Activity]:
    qs = (
        Activity.objects.filter(organisation_links__organisation=organisation)
        .select_related("lead_department")
        .order_by("-year", "title_it")
    )
    # One link per activity and city or organisation (a unique constraint),
    # so the join repeats no activity.
    return permissions.visible_activities(user, qs)


# --- Agreements -------------------------------------------------------------------
IN_FORCE = "in_force"
EXPIRED = "expired"


def agreements(*, q: str = "", kind: str = "", validity: str = "") -> QuerySet[Agreement]:
    """Agreements matching the filters, with their parties.

    `validity` is IN_FORCE (today within the term), EXPIRED (the term ended
    before today) or empty (all)."""
    qs = Agreement.objects.select_related("lead_department")
    if q:
        qs = qs.filter(
            Q(title_it__icontains=q)
            | Q(title_en__icontains=q)
            | Q(deliberation_ref__icontains=q)
            | Q(pk__in=AgreementParty.objects.filter(organisation__name__icontains=q).values("agreement_id"))
            | Q(pk__in=AgreementParty.objects.filter(city__name_it__icontains=q).values("agreement_id"))
        )
    if kind:
        qs = qs.filter(kind=kind)
    if validity == IN_FORCE:
        qs = qs.in_force()
    elif validity == EXPIRED:
        qs = qs.filter(valid_until__lt=timezone.localdate())
    return qs.prefetch_related(
        Prefetch(
            "parties", queryset=AgreementParty.objects.select_related("organisation", "city__country").order_by("pk")
        )
    )


def is_in_force(agreement: Agreement) -> bool:
    today = timezone.localdate()
    return (agreement.valid_from is None or agreement.valid_from <= today) and (
        agreement.valid_until is None or agreement.valid_until >= today
    )


# --- Contact persons --------------------------------------------------------------
def contacts(*, q: str = "") -> QuerySet[ContactPerson]:
    qs = ContactPerson.objects.select_related("organisation", "city__country")
    if q:
        qs = qs.filter(
            Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
            | Q(job_title__icontains=q)
            | Q(organisation__name__icontains=q)
            | Q(city__name_it__icontains=q)
        )
    return qs.order_by("last_name", "first_name", "pk")
