"""The public, read-only JSON API at /api/v1/ (django-ninja).

Every list takes `limit` (1-100) and `offset` (0-1,000,000) and only the
filters it documents; any other parameter, or a malformed one, gets a 400
with a message. Every response, errors included, is declared in the OpenAPI
schema, so clients (and schemathesis) can rely on it. Records come from the
same flat serializers as the open-data exports. Every answer is served
through the public cache (relint/portal/cache.py), keyed on the publication
generation, so it is never stale.
"""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Field, NinjaAPI, Query, Schema, Status
from ninja.decorators import decorate_view
from ninja.errors import ValidationError

from relint.activities import selectors as activity_selectors
from relint.activities.models import ActivityKind, ActivityStatus
from relint.api.docs import ApiReference
from relint.departments.models import Department
from relint.departments.serializers import DEPARTMENT_RECORD_RELATED, department_record
from relint.partners.models import Agreement, CityRelation, Organisation, OrganisationKind, PartnerCity
from relint.partners.serializers import (
    AGREEMENT_RECORD_PREFETCH,
    AGREEMENT_RECORD_RELATED,
    ORGANISATION_RECORD_PREFETCH,
    ORGANISATION_RECORD_RELATED,
    RELATION_RECORD_RELATED,
    agreement_record,
    city_record,
    organisation_record,
    relation_record,
)
from relint.portal.cache import public_cache
from relint.reports.models import AnnualReport
from relint.reports.serializers import report_record

MAX_LIMIT = 100
MAX_OFFSET = 1_000_000

api = NinjaAPI(
    title="relint API",
    version="1",
    description=(
        "Public, read-only data of the City of Turin's international relations: activities accepted by the "
        "coordination office, partner cities and their relations, organisations, agreements, departments and "
        "published annual reports. Licence: CC BY 4.0."
    ),
    urls_namespace="api",
    # A server-rendered, accessible reference instead of Swagger UI (relint/api/docs.py).
    docs=ApiReference(),
)


class Error(Schema):
    detail: str


ERRORS = {400: Error, 404: Error}


class BadRequestError(Exception):
    pass


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError):
    # ninja answers 422 by default; a malformed parameter is a bad request.
    messages = []
    for error in exc.errors:
        where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("query", "path"))
        messages.append(f"{where}: {error.get('msg', 'invalid')}" if where else error.get("msg", "invalid"))
    return api.create_response(request, {"detail": "; ".join(messages) or "Invalid request."}, status=400)


@api.exception_handler(BadRequestError)
def _bad_request(request: HttpRequest, exc: BadRequestError):
    return api.create_response(request, {"detail": str(exc)}, status=400)


class Paging(Schema):
    limit: int = Field(20, ge=1, le=MAX_LIMIT, description=f"Records per page, at most {MAX_LIMIT}.")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Records to skip.")


def _only(request: HttpRequest, allowed: set[str]) -> None:
    unknown = sorted(set(request.GET) - allowed - {"limit", "offset"})
    if unknown:
        raise BadRequestError(
            f"Unknown parameter(s): {', '.join(unknown)}. Allowed: {', '.join(sorted(allowed | {'limit', 'offset'}))}."
        )


def _page(qs, paging: Paging, serialize) -> dict:
    total = qs.count()
    rows = qs[paging.offset : paging.offset + paging.limit]
    return {"count": total, "limit": paging.limit, "offset": paging.offset, "results": [serialize(r) for r in rows]}


# --- Activities ---------------------------------------------------------------
class ActivityOut(Schema):
    uid: str
    year: int
    kind: str
    title_it: str
    title_en: str
    description_it: str
    description_en: str
    results_it: str
    results_en: str
    status: str
    start_date: str | None
    start_precision: str
    end_date: str | None
    end_precision: str
    dac_sector: str
    iati_publish: bool
    lead_department: str
    departments: list[str]
    countries: list[str]
    sdgs: list[int]
    programme: str | None
    partner_cities: list[str]
    partner_organisations: list[str]
    funding: list[str]
    funding_total: str
    links: list[str]


class ActivityPage(Schema):
    count: int
    limit: int
    offset: int
    results: list[ActivityOut]


class ActivityFilters(Schema):
    year: int | None = Field(None, ge=1990, le=2100, description="Reporting year.")
    kind: ActivityKind | None = Field(None, description="Kind of activity.")
    status: ActivityStatus | None = None
    department: str | None = Field(None, max_length=20, description="Code of the lead department, e.g. AMBIENTE.")
    country: str | None = Field(None, pattern="^[A-Z]{2}$", description="ISO 3166-1 alpha-2 code of a country.")
    sdg: int | None = Field(None, ge=1, le=17, description="Number of a Sustainable Development Goal.")


ACTIVITY_FILTERS = set(ActivityFilters.model_fields)


@api.get("/activities", response={200: ActivityPage, **ERRORS}, tags=["activities"])
@decorate_view(public_cache)
def list_activities(request: HttpRequest, filters: Query[ActivityFilters], paging: Query[Paging]):
    """Public activities, newest year first."""
    _only(request, ACTIVITY_FILTERS)
    values = filters.model_dump()
    qs = activity_selectors.public_activities(**{k: v.value if hasattr(v, "value") else v for k, v in values.items()})
    qs = activity_selectors.with_record_data(qs).order_by("-year", "pk")
    return _page(qs, paging, activity_selectors.public_record)


UID = Annotated[str, Field(pattern="^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", max_length=36)]


@api.get("/activities/{uid}", response={200: ActivityOut, **ERRORS}, tags=["activities"])
@decorate_view(public_cache)
def get_activity(request: HttpRequest, uid: UID):
    _only(request, set())
    activity = activity_selectors.with_record_data(activity_selectors.public_activities()).filter(uid=uid).first()
    if activity is None:
        return Status(404, {"detail": "No public activity with this identifier."})
    return activity_selectors.public_record(activity)


# --- Partner cities and relations ---------------------------------------------------
class CityOut(Schema):
    uid: str
    name_it: str
    name_en: str
    name_local: str
    country: str
    region: str
    latitude: float | None
    longitude: float | None
    geonames_id: int | None


class CityPage(Schema):
    count: int
    limit: int
    offset: int
    results: list[CityOut]


class CityFilters(Schema):
    country: str | None = Field(None, pattern="^[A-Z]{2}$", description="ISO 3166-1 alpha-2 code.")


@api.get("/cities", response={200: CityPage, **ERRORS}, tags=["partners"])
@decorate_view(public_cache)
def list_cities(request: HttpRequest, filters: Query[CityFilters], paging: Query[Paging]):
    """Partner cities, by Italian name."""
    _only(request, set(CityFilters.model_fields))
    qs = PartnerCity.objects.order_by("name_it", "pk")
    if filters.country:
        qs = qs.filter(country_id=filters.country)
    return _page(qs, paging, city_record)


@api.get("/cities/{uid}", response={200: CityOut, **ERRORS}, tags=["partners"])
@decorate_view(public_cache)
def get_city(request: HttpRequest, uid: UID):
    _only(request, set())
    city = PartnerCity.objects.filter(uid=uid).first()
    if city is None:
        return Status(404, {"detail": "No partner city with this identifier."})
    return city_record(city)


class RelationOut(Schema):
    city: str
    city_name: str
    kind: str
    signed_on: str | None
    signed_precision: str
    ratified_by: str
    ratified_on: str | None
    deliberation_ref: str
    state: str
    ended_on: str | None
    agreement: str | None


class RelationPage(Schema):
    count: int
    limit: int
    offset: int
    results: list[RelationOut]


class RelationFilters(Schema):
    city: UID | None = Field(None, description="Identifier of a partner city.")
    state: str | None = Field(None, pattern="^(active|dormant|ended)$")


@api.get("/relations", response={200: RelationPage, **ERRORS}, tags=["partners"])
@decorate_view(public_cache)
def list_relations(request: HttpRequest, filters: Query[RelationFilters], paging: Query[Paging]):
    """Relations with partner cities (twinnings, friendship pacts, agreements)."""
    _only(request, set(RelationFilters.model_fields))
    qs = CityRelation.objects.select_related(*RELATION_RECORD_RELATED).order_by("city__name_it", "signed_on", "pk")
    if filters.city:
        qs = qs.filter(city__uid=filters.city)
    if filters.state:
        qs = qs.filter(state=filters.state)
    return _page(qs, paging, relation_record)


# --- Organisations and agreements ------------------------------------------------------
class OrganisationOut(Schema):
    uid: str
    name: str
    name_en: str
    acronym: str
    kind: str
    profit_kind: str
    country: str | None
    city: str | None
    website: str
    description_it: str
    description_en: str
    iati_ref: str
    iati_type: str
    committees: list[str]


class OrganisationPage(Schema):
    count: int
    limit: int
    offset: int
    results: list[OrganisationOut]


class OrganisationFilters(Schema):
    kind: OrganisationKind | None = None


def _organisations():
    return Organisation.objects.select_related(*ORGANISATION_RECORD_RELATED).prefetch_related(
        *ORGANISATION_RECORD_PREFETCH
    )


@api.get("/organisations", response={200: OrganisationPage, **ERRORS}, tags=["partners"])
@decorate_view(public_cache)
def list_organisations(request: HttpRequest, filters: Query[OrganisationFilters], paging: Query[Paging]):
    _only(request, set(OrganisationFilters.model_fields))
    qs = _organisations().order_by("name", "pk")
    if filters.kind:
        qs = qs.filter(kind=filters.kind.value)
    return _page(qs, paging, organisation_record)


@api.get("/organisations/{uid}", response={200: OrganisationOut, **ERRORS}, tags=["partners"])
@decorate_view(public_cache)
def get_organisation(request: HttpRequest, uid: UID):
    _only(request, set())
    organisation = _organisations().filter(uid=uid).first()
    if organisation is None:
        return Status(404, {"detail": "No organisation with this identifier."})
    return organisation_record(organisation)


class AgreementOut(Schema):
    uid: str
    kind: str
    title_it: str
    title_en: str
    summary_it: str
    summary_en: str
    signed_on: str | None
    signed_precision: str
    valid_from: str | None
    valid_until: str | None
    deliberation_ref: str
    deliberation_on: str | None
    lead_department: str | None
    parties: list[str]


class AgreementPage(Schema):
    count: int
    limit: int
    offset: int
    results: list[AgreementOut]


@api.get("/agreements", response={200: AgreementPage, **ERRORS}, tags=["partners"])
@decorate_view(public_cache)
def list_agreements(request: HttpRequest, paging: Query[Paging]):
    _only(request, set())
    qs = (
        Agreement.objects.select_related(*AGREEMENT_RECORD_RELATED)
        .prefetch_related(*AGREEMENT_RECORD_PREFETCH)
        .order_by("-signed_on", "pk")
    )
    return _page(qs, paging, agreement_record)


# --- Departments and reports -------------------------------------------------------------
class DepartmentOut(Schema):
    code: str
    kind: str
    name_it: str
    name_en: str
    delegation: str | None
    competences_it: str
    competences_en: str
    table_order: int


class DepartmentPage(Schema):
    count: int
    limit: int
    offset: int
    results: list[DepartmentOut]


@api.get("/departments", response={200: DepartmentPage, **ERRORS}, tags=["departments"])
@decorate_view(public_cache)
def list_departments(request: HttpRequest, paging: Query[Paging]):
    """Active departments, in the coordination table's order."""
    _only(request, set())
    qs = Department.objects.active().select_related(*DEPARTMENT_RECORD_RELATED).order_by("table_order", "pk")
    return _page(qs, paging, department_record)


class ReportOut(Schema):
    year: int
    language: str
    pdf: str | None
    html: str | None
    sha256: str
    size: int
    page_count: int
    published_at: str | None


class ReportPage(Schema):
    count: int
    limit: int
    offset: int
    results: list[ReportOut]


@api.get("/reports", response={200: ReportPage, **ERRORS}, tags=["reports"])
@decorate_view(public_cache)
def list_reports(request: HttpRequest, paging: Query[Paging]):
    """Published annual reports, newest first."""
    _only(request, set())
    qs = AnnualReport.objects.published().order_by("-year", "language", "pk")
    return _page(qs, paging, report_record)
