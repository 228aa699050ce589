"""Reads of the public portal.

Every row shown on the portal comes through the one visibility rule of its
model, never through a filter of its own: `Activity.objects.public()`,
`Decision.objects.public()`, `AnnualReport.objects.published()`. Partner
cities, their relations, organisations and the departments at the table are
registry data and public as such; contact persons are never read here.

Each function runs a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from relint.activities.models import Activity, ActivityKind, ActivityPartnerCity, ActivityStatus, public_parts
from relint.coordination.models import Decision
from relint.core.models import Country
from relint.departments.models import TableMembership
from relint.partners.models import CityRelation, Organisation, OrganisationKind, PartnerCity, ProfitKind
from relint.reports.models import AnnualReport

# How many of a city's activities its page lists; the others are one link
# away, in the filtered activity list.
CITY_RECENT_ACTIVITIES = 30
HOME_RECENT_ACTIVITIES = 5

# The fields of the accepted snapshot (relint.activities.serializers) that
# the portal shows instead of the live columns.
_SNAPSHOT_TEXT = (
    "year",
    "kind",
    "title_it",
    "title_en",
    "description_it",
    "description_en",
    "results_it",
    "results_en",
)
_SNAPSHOT_CHOICES = ("status", "start_precision", "end_precision")


def _in_english() -> bool:
    return (get_language() or "it").startswith("en")


class PublicActivity:
    """An activity as the public sees it.

    The text, kind, year, status and dates come from the accepted snapshot:
    once the coordinator has accepted an activity, later edits (by the
    coordinator, or a revision awaiting review) must not reach the portal
    before they are accepted in turn. Related rows (departments, countries,
    partners) are the live ones, read through the prefetch cache.
    """

    def __init__(self, activity: Activity):
        self.activity = activity
        snapshot = activity.accepted_snapshot if isinstance(activity.accepted_snapshot, dict) else {}
        for name in _SNAPSHOT_TEXT:
            value = snapshot.get(name, getattr(activity, name))
            setattr(self, name, value if value is not None else getattr(activity, name))
        for name in _SNAPSHOT_CHOICES:
            value = snapshot.get(name)
            setattr(self, name, value if isinstance(value, str) and value else getattr(activity, name))
        self.start_date = _snapshot_date(snapshot, "start_date", activity.start_date)
        self.end_date = _snapshot_date(snapshot, "end_date", activity.end_date)

    def __getattr__(self, name: str):
        # Only reached for what the snapshot does not hold: uid, relations.
        return getattr(self.activity, name)

    @property
    def title(self) -> str:
        return self.title_en if _in_english() and self.title_en else self.title_it

    @property
    def description(self) -> str:
        return self.description_en if _in_english() and self.description_en else self.description_it

    @property
    def results(self) -> str:
        return self.results_en if _in_english() and self.results_en else self.results_it

    def get_kind_display(self) -> str:
        return _label(ActivityKind, self.kind)

    def get_status_display(self) -> str:
        return _label(ActivityStatus, self.status)


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _snapshot_date(snapshot: dict, name: str, live: datetime.date | None) -> datetime.date | None:
    if name not in snapshot:
        return live
    value = snapshot[name]
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return live


# --- Activities ---------------------------------------------------------------------------
def public_activities() -> QuerySet[Activity]:
    """The portal's one entry to activities, newest first.

    Ordered by year and id so that the (review state, public, year) index
    serves both the filter and the order.
    """
    return Activity.objects.public().order_by("-year", "-pk")


@dataclass(frozen=True)
class ActivityFilters:
    year: int | None = None
    department: object | None = None
    kind: str = ""
    country: Country | None = None
    city: PartnerCity | None = None
    sdg: object | None = None
    programme: object | None = None


def filtered_activities(filters: ActivityFilters) -> QuerySet[Activity]:
    """Public activities matching the (already validated) filters.

    Each many-to-many filter matches at most one link row per activity (the
    link tables are unique per pair), so no DISTINCT is needed.
    """
    qs = public_activities()
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.department is not None:
        # Led by the department or involving it; a subquery, not a join, so
        # that an activity never appears twice.
        participating = Activity.departments.through.objects.filter(department=filters.department).values("activity_id")
        qs = qs.filter(Q(lead_department=filters.department) | Q(pk__in=participating))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.country is not None:
        qs = qs.filter(countries=filters.country)
    if filters.city is not None:
        qs = qs.filter(city_links__city=filters.city)
    if filters.sdg is not None:
        qs = qs.filter(sdgs=filters.sdg)
    if filters.programme is not None:
        qs = qs.filter(programme=filters.programme)
    return qs


def public_ids(qs: QuerySet[Activity]) -> QuerySet:
    """The ids of `qs`, in its order.

    Sorting ids (which the index holds) rather than whole rows: SQLite sorted
    the full rows, accepted snapshot included, and a page of the newest
    activities took 0.4 s at 100,000 rows instead of a few milliseconds.
    """
    return qs.values_list("pk", flat=True)


def for_list(ids) -> list[PublicActivity]:
    """The activities of `ids` (a page of `public_ids`), with what a list
    row shows, in two queries."""
    rows = (
        # Through public() again: a caller passing other ids still shows nothing hidden.
        Activity.objects.public()
        .filter(pk__in=list(ids))
        .select_related("lead_department")
        .prefetch_related("countries")
        .order_by("-year", "-pk")
    )
    return [PublicActivity(a) for a in rows]


def public_years() -> list[int]:
    """The years that have public activities, newest first.

    Read from the two halves of `public()` (`public_parts`), which the
    (review_state, is_public, year) index serves; through `public()` itself
    SQLite evaluated the snapshot's JSON on every row (0.25 s at 100,000)."""
    accepted, revised = public_parts()
    years = (
        Activity.objects.filter(accepted)
        .order_by()
        .values_list("year", flat=True)
        .distinct()
        .union(Activity.objects.filter(revised).order_by().values_list("year", flat=True).distinct())
    )
    return sorted(set(years), reverse=True)


def activity_detail(uid) -> PublicActivity | None:
    """A public activity with everything its page shows, or None."""
    activity = (
        public_activities()
        .filter(uid=uid)
        .select_related("lead_department", "programme")
        .prefetch_related(
            "departments",
            "countries",
            "sdgs",
            Prefetch("city_links", queryset=ActivityPartnerCity.objects.select_related("city__country")),
            "organisation_links__organisation",
            "funding_lines__programme",
            "links",
        )
        .first()
    )
    return PublicActivity(activity) if activity else None


# --- Partner cities ---------------------------------------------------------------------------
def partner_cities() -> list[PartnerCity]:
    """Every partner city with its country and relations, ordered by name
    in the active language."""
    cities = PartnerCity.objects.with_country().prefetch_related(
        Prefetch("relations", queryset=CityRelation.objects.order_by("signed_on", "pk"))
    )
    return sorted(cities, key=lambda c: (c.name.casefold(), c.country_id))


@dataclass(frozen=True)
class CityEntry:
    """A partner city as the map and its list show it, composed in Python:
    a template loop over hundreds of cities with nested tags was most of
    the home page's time."""

    name: str
    country: str
    url: str
    latitude: str | None
    longitude: str | None
    relations: str

    @property
    def label(self) -> str:
        where = f"{self.name} ({self.country})"
        return f"{where}: {self.relations}" if self.relations else where


def city_entries() -> list[CityEntry]:
    entries = []
    for city in partner_cities():
        relations = "; ".join(
            f"{relation.get_kind_display()} {relation.signed_on.year}"
            if relation.signed_on
            else relation.get_kind_display()
            for relation in city.relations.all()
        )
        located = city.latitude is not None and city.longitude is not None
        entries.append(
            CityEntry(
                name=city.name,
                country=city.country.name,
                url=reverse("portal:city_detail", args=[city.uid]),
                latitude=str(city.latitude) if located else None,
                longitude=str(city.longitude) if located else None,
                relations=relations,
            )
        )
    return entries


@dataclass(frozen=True)
class YearCount:
    year: int
    count: int


def city_activity_years(city: PartnerCity) -> list[YearCount]:
    """How many public activities involve the city, year by year."""
    rows = (
        public_activities().filter(city_links__city=city).order_by("-year").values("year").annotate(count=Count("pk"))
    )
    return [YearCount(row["year"], row["count"]) for row in rows]


def city_recent_activities(city: PartnerCity, limit: int = CITY_RECENT_ACTIVITIES) -> list[PublicActivity]:
    return for_list(public_ids(public_activities().filter(city_links__city=city))[:limit])


def city_relations(city: PartnerCity) -> list[CityRelation]:
    """The city's relations as a timeline, oldest first (undated ones last)."""
    relations = list(CityRelation.objects.filter(city=city).order_by("signed_on", "pk"))
    return sorted(relations, key=lambda r: (r.signed_on is None, r.signed_on or datetime.date.min, r.pk))


# --- Organisations ---------------------------------------------------------------------------
@dataclass(frozen=True)
class OrganisationSection:
    slug: str
    title: str
    groups: list[tuple[str, list[Organisation]]]

    @property
    def count(self) -> int:
        return sum(len(orgs) for _title, orgs in self.groups)


def organisations_by_kind(titles: dict[str, str]) -> list[OrganisationSection]:
    """The organisations in the lists the seed pages had, in two queries.

    `titles` gives each section's and group's heading (translated by the view).
    """
    organisations = list(
        Organisation.objects.select_related("country", "city")
        .prefetch_related("committee_memberships__committee")
        .order_by("name")
    )
    by_kind: dict[str, list[Organisation]] = {}
    for organisation in organisations:
        by_kind.setdefault(organisation.kind, []).append(organisation)
    city_owned = by_kind.get(OrganisationKind.CITY_OWNED, [])
    training = sorted(
        by_kind.get(OrganisationKind.HIGHER_TRAINING, []) + by_kind.get(OrganisationKind.UNIVERSITY, []),
        key=lambda o: o.name.casefold(),
    )
    others = sorted(
        by_kind.get(OrganisationKind.INTERNATIONAL, [])
        + by_kind.get(OrganisationKind.COMPANY, [])
        + by_kind.get(OrganisationKind.OTHER, []),
        key=lambda o: o.name.casefold(),
    )
    return [
        OrganisationSection("ngos", titles["ngos"], [("", by_kind.get(OrganisationKind.NGO, []))]),
        OrganisationSection("committees", titles["committees"], [("", by_kind.get(OrganisationKind.COMMITTEE, []))]),
        OrganisationSection(
            "city-owned",
            titles["city-owned"],
            [
                (titles["profit"], [o for o in city_owned if o.profit_kind == ProfitKind.PROFIT]),
                (titles["non-profit"], [o for o in city_owned if o.profit_kind == ProfitKind.NON_PROFIT]),
            ],
        ),
        OrganisationSection("training", titles["training"], [("", training)]),
        OrganisationSection("missionary", titles["missionary"], [("", by_kind.get(OrganisationKind.MISSIONARY, []))]),
        OrganisationSection(
            "territorial", titles["territorial"], [("", by_kind.get(OrganisationKind.TERRITORIAL, []))]
        ),
        OrganisationSection("others", titles["others"], [("", others)]),
    ]


# --- The coordination table -------------------------------------------------------------------
def table_memberships(on: datetime.date | None = None) -> list[TableMembership]:
    """The departments sitting at the table today, with their scopes."""
    day = on or timezone.localdate()
    return list(
        TableMembership.objects.filter(joined_on__lte=day)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=day))
        .select_related("department__delegation")
        .order_by("department__table_order", "department__name_it")
    )


def public_decisions() -> list[Decision]:
    """The table's public outcomes: public decisions of approved minutes."""
    return list(Decision.objects.public().select_related("meeting").order_by("-meeting__starts_at", "pk"))


# --- Reports and figures ---------------------------------------------------------------------------
def published_reports() -> list[AnnualReport]:
    return list(AnnualReport.objects.published().order_by("-year", "language"))


def published_report(year: int, language: str) -> AnnualReport | None:
    return AnnualReport.objects.published().filter(year=year, language=language).first()


def latest_report(language: str) -> AnnualReport | None:
    """The newest published report, in the visitor's language if there is one."""
    reports = list(AnnualReport.objects.published().order_by("-year")[:4])
    if not reports:
        return None
    newest = reports[0].year
    same_year = [r for r in reports if r.year == newest]
    return next((r for r in same_year if r.language == language), same_year[0])


@dataclass(frozen=True)
class KeyFigures:
    partner_cities: int
    countries: int
    active_relations: int
    organisations: int
    activities: int
    latest_year: int | None
    activities_latest_year: int


def key_figures() -> KeyFigures:
    years = public_years()
    latest_year = years[0] if years else None
    # Counted per half of public(), each from the index without reading the
    # rows' JSON (see public_years); the halves are disjoint.
    totals = [
        # COUNT(year), not COUNT(id): PostgreSQL then counts from the index
        # alone (id is not in it; year, never null, is).
        Activity.objects.filter(part).aggregate(
            all=Count("year"), latest=Count("year", filter=Q(year=latest_year) if latest_year else Q(pk__in=[]))
        )
        for part in public_parts()
    ]
    return KeyFigures(
        partner_cities=PartnerCity.objects.count(),
        countries=PartnerCity.objects.values("country").distinct().count(),
        active_relations=CityRelation.objects.active().count(),
        organisations=Organisation.objects.count(),
        activities=sum(t["all"] for t in totals),
        latest_year=latest_year,
        activities_latest_year=sum(t["latest"] for t in totals),
    )


def recent_activities(limit: int = HOME_RECENT_ACTIVITIES) -> list[PublicActivity]:
    return for_list(public_ids(public_activities())[:limit])
