"""The public portal: its pages in both languages, what they must never
show (the no-leak matrix over every public address and the sitemaps, and
walking the ids of non-public activities), the activity filters' answers to
bad values, and query counts that do not grow with the number of rows."""

from __future__ import annotations

import datetime
import re
import uuid
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from relint.activities.models import (
    Activity,
    ActivityKind,
    ActivityPartnerCity,
    ActivityStatus,
    FundingLine,
    FundingProgramme,
    FundingSource,
    ReviewState,
    SustainableDevelopmentGoal,
)
from relint.activities.services import activity_accept, activity_create, activity_submit, activity_update
from relint.coordination.models import Decision, Meeting, MeetingState, MinutesState
from relint.core.models import Country, DatePrecision
from relint.departments.models import Department
from relint.partners.models import (
    CityRelation,
    CommitteeMembership,
    ContactPerson,
    Organisation,
    OrganisationKind,
    PartnerCity,
    ProfitKind,
    RelationKind,
)
from relint.portal.publication import publication_bump
from relint.reports.models import AnnualReport, ReportState

YEAR = 2025
LANGUAGES = ("it", "en")

# Text that must never reach a public page: each non-public row carries one.
LEAKS = {
    "draft": "SEGRETO-bozza",
    "submitted": "SEGRETO-inviata",
    "returned": "SEGRETO-restituita",
    "not_public": "SEGRETO-non-pubblica",
    "revision": "SEGRETO-revisione",
    "contact_name": "Ermenegilda",
    "contact_email": "ermenegilda@partner.example",
    "contact_phone": "+39 011 5550199",
    "decision_private": "SEGRETO-decisione-riservata",
    "decision_draft_minutes": "SEGRETO-verbale-in-bozza",
    "report_failed": "SEGRETO-report-fallito",
}
ACCEPTED_TITLE = "Rete europea delle città per il clima"


def url(name: str, language: str = "it", *args) -> str:
    with translation.override(language):
        return reverse(name, args=args)


@dataclass
class World:
    city: PartnerCity
    other_city: PartnerCity
    public: Activity
    revised: Activity
    hidden: dict[str, Activity]
    organisation: Organisation
    report: AnnualReport


def _activity(department: Department, title: str, *, state: str, public: bool = True, **extra) -> Activity:
    activity = Activity.objects.create(
        year=YEAR,
        kind=extra.pop("kind", ActivityKind.NETWORK),
        title_it=title,
        description_it=f"Descrizione di {title}.",
        lead_department=department,
        status=ActivityStatus.ONGOING,
        start_date=datetime.date(YEAR, 3, 1),
        review_state=state,
        review_comment="Da completare." if state == ReviewState.RETURNED else "",
        is_public=public,
        **extra,
    )
    return activity


def _link(activity: Activity, city: PartnerCity, country: Country, sdg: int = 11) -> None:
    activity.countries.add(country)
    activity.sdgs.add(SustainableDevelopmentGoal.objects.get(number=sdg))
    ActivityPartnerCity.objects.create(activity=activity, city=city)


def build_world(personas, media_root=None) -> World:
    """Public rows and, beside each, the non-public rows that must stay hidden."""
    france = Country.objects.get(iso2="FR")
    city = PartnerCity.objects.create(
        name_it="Lione", name_en="Lyon", country=france, latitude="45.764043", longitude="4.835659"
    )
    other_city = PartnerCity.objects.create(
        name_it="Quetzaltenango", country=Country.objects.get(iso2="GT"), latitude="14.834", longitude="-91.518"
    )
    CityRelation.objects.create(
        city=city, kind=RelationKind.TWINNING, signed_on=datetime.date(1986, 1, 1), signed_precision=DatePrecision.YEAR
    )
    CityRelation.objects.create(
        city=city, kind=RelationKind.COOPERATION, signed_on=datetime.date(2003, 5, 12), ratified_by="consiglio"
    )
    organisation = Organisation.objects.create(name="Associazione Ponti", kind=OrganisationKind.NGO, city=city)
    committee = Organisation.objects.create(name="Comitato delle ONG piemontesi", kind=OrganisationKind.COMMITTEE)
    CommitteeMembership.objects.create(committee=committee, member=organisation, joined_year=2004)
    Organisation.objects.create(name="GTT", kind=OrganisationKind.CITY_OWNED, profit_kind=ProfitKind.PROFIT)
    Organisation.objects.create(name="Fondazione Teatro", kind=OrganisationKind.CITY_OWNED, profit_kind="non_profit")
    Organisation.objects.create(name="Politecnico di Torino", kind=OrganisationKind.UNIVERSITY)
    Organisation.objects.create(name="ITCILO", kind=OrganisationKind.HIGHER_TRAINING)
    Organisation.objects.create(name="Missioni Consolata", kind=OrganisationKind.MISSIONARY)
    Organisation.objects.create(name="Regione Piemonte", kind=OrganisationKind.TERRITORIAL)
    for place in (organisation, city):
        ContactPerson.objects.create(
            first_name=LEAKS["contact_name"],
            last_name="Rossi",
            email=LEAKS["contact_email"],
            phone=LEAKS["contact_phone"],
            **({"organisation": place} if isinstance(place, Organisation) else {"city": place}),
        )

    department = personas.department_a
    public = _activity(department, ACCEPTED_TITLE, state=ReviewState.ACCEPTED, kind=ActivityKind.EU_PROJECT)
    public.programme = FundingProgramme.objects.get(code="interreg")
    public.save()
    _link(public, city, france)
    FundingLine.objects.create(activity=public, source=FundingSource.EU, amount="12345.50")
    from relint.activities.serializers import activity_record

    public.accepted_snapshot = activity_record(public)
    public.save()

    # Accepted through the services, then changed by the coordinator: the
    # portal shows the accepted text, not the later edit.
    revised = activity_create(
        user=personas.editor_a,
        fields={
            "year": YEAR,
            "kind": ActivityKind.EXCHANGE,
            "title_it": "Scambio di tecnici accettato",
            "description_it": "Testo accettato.",
            "lead_department": department,
            "status": ActivityStatus.ONGOING,
        },
    )
    revised = activity_submit(user=personas.editor_a, activity=revised)
    revised = activity_accept(user=personas.coordinator, activity=revised)
    revised = activity_update(
        user=personas.coordinator,
        activity=revised,
        fields={"title_it": LEAKS["revision"], "description_it": LEAKS["revision"]},
        expected_version=revised.version,
    )
    _link(revised, city, france)

    hidden = {
        "draft": _activity(department, LEAKS["draft"], state=ReviewState.DRAFT),
        "submitted": _activity(department, LEAKS["submitted"], state=ReviewState.SUBMITTED),
        "returned": _activity(department, LEAKS["returned"], state=ReviewState.RETURNED),
        "not_public": _activity(department, LEAKS["not_public"], state=ReviewState.ACCEPTED, public=False),
    }
    for activity in hidden.values():
        _link(activity, city, france)

    approved = Meeting.objects.create(
        title="Tavolo di primavera",
        starts_at=timezone.make_aware(datetime.datetime(YEAR, 4, 2, 10)),
        ends_at=timezone.make_aware(datetime.datetime(YEAR, 4, 2, 12)),
        state=MeetingState.HELD,
        minutes_state=MinutesState.APPROVED,
        minutes_approved_at=timezone.now(),
        minutes_approved_by=personas.coordinator,
        minutes_summary=LEAKS["decision_private"],
    )
    draft_minutes = Meeting.objects.create(
        title="Tavolo d'autunno",
        starts_at=timezone.make_aware(datetime.datetime(YEAR, 10, 2, 10)),
        ends_at=timezone.make_aware(datetime.datetime(YEAR, 10, 2, 12)),
        state=MeetingState.HELD,
        minutes_state=MinutesState.DRAFT,
    )
    Decision.objects.create(meeting=approved, text_it="Il tavolo adotta il piano annuale.", is_public=True)
    Decision.objects.create(meeting=approved, text_it=LEAKS["decision_private"], is_public=False)
    Decision.objects.create(meeting=draft_minutes, text_it=LEAKS["decision_draft_minutes"], is_public=True)

    report = AnnualReport(
        year=YEAR - 1,
        language="it",
        state=ReportState.PUBLISHED,
        sha256="0" * 64,
        published_at=timezone.now(),
        page_count=3,
    )
    failed = AnnualReport(year=YEAR, language="it", state=ReportState.FAILED, error=LEAKS["report_failed"])
    if media_root is not None:
        report.file.save("report.pdf", ContentFile(b"%PDF-1.7 published"), save=False)
        report.html_file.save("report.html", ContentFile(b"<!doctype html><title>R</title>"), save=False)
        failed.file.save("failed.pdf", ContentFile(b"%PDF-1.7 " + LEAKS["report_failed"].encode()), save=False)
    report.save()
    failed.save()
    return World(city, other_city, public, revised, hidden, organisation, report)


@pytest.fixture
def world(personas, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path
    return build_world(personas, media_root=tmp_path)


def public_urls(world: World) -> list[str]:
    """Every public address of the portal, in both languages."""
    addresses = []
    for language in LANGUAGES:
        for name in (
            "portal:home",
            "portal:city_list",
            "portal:organisation_list",
            "portal:activity_list",
            "portal:coordination_table",
            "portal:report_list",
            "portal:privacy",
            "portal:legal_notes",
        ):
            addresses.append(url(name, language))
        addresses.append(url("portal:city_detail", language, world.city.uid))
        addresses.append(url("portal:city_detail", language, world.other_city.uid))
        addresses.append(url("portal:activity_detail", language, world.public.uid))
        addresses.append(url("portal:activity_detail", language, world.revised.uid))
        listing = url("portal:activity_list", language)
        addresses += [
            f"{listing}?year={YEAR}",
            f"{listing}?city={world.city.uid}",
            f"{listing}?country=FR&sdg=11",
            f"{listing}?department={world.public.lead_department.code}",
            f"{listing}?kind={ActivityKind.NETWORK}",
        ]
    return addresses


def _text(response) -> str:
    return response.content.decode()


# --- The pages ----------------------------------------------------------------------------------------
def test_it_serves_every_public_page_in_both_languages(client, world):
    for address in public_urls(world):
        response = client.get(address)
        assert response.status_code == 200, address
        language = address.split("/")[1]
        assert f'<html lang="{language}">' in _text(response)


def test_it_sends_the_root_address_to_the_home_page(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/it/"


@pytest.mark.parametrize("language", LANGUAGES)
def test_it_puts_the_public_body_footer_and_a_description_on_every_page(client, world, settings, language):
    settings.RELINT_ACCESSIBILITY_STATEMENT_URL = "https://form.agid.gov.it/view/relint-test-statement"
    other = "en" if language == "it" else "it"
    for address in [a for a in public_urls(world) if a.startswith(f"/{language}/")]:
        content = _text(client.get(address))
        assert 'href="https://form.agid.gov.it/view/relint-test-statement"' in content, address
        assert f'href="{url("portal:privacy", language)}"' in content
        assert f'href="{url("portal:legal_notes", language)}"' in content
        assert f'href="/{language}/open-data/"' in content
        description = re.search(r'<meta name="description" content="([^"]+)">', content)
        assert description and len(description.group(1)) > 30, address
        # The switcher links to the same page in the other language.
        path = address.split("?")[0]
        assert f'hreflang="{other}" lang="{other}"' in content
        assert f'href="/{other}/{path[4:]}' in content or path == f"/{language}/"


def test_it_shows_the_home_page_figures_and_latest_report(client, world):
    content = _text(client.get(url("portal:home", "en")))
    assert "Key figures" in content
    assert ACCEPTED_TITLE in content
    assert url("portal:report_file", "en", YEAR - 1, "it", "pdf") in content
    assert "data-relint-map" in content
    assert 'data-lat="45.764043"' in content


def test_it_lists_every_city_on_the_map_and_in_the_list(client, world):
    content = _text(client.get(url("portal:city_list", "it")))
    for city in (world.city, world.other_city):
        assert f'href="{url("portal:city_detail", "it", city.uid)}"' in content
    # The marker's label (drawn from the list item) carries what the list shows.
    label = "Lione (Francia): Gemellaggio 1986; Accordo di cooperazione o collaborazione 2003"
    assert f'data-label="{label}"' in content
    assert "Gemellaggio 1986; Accordo di cooperazione o collaborazione 2003</span>" in content
    assert 'src="/static/portal/map.js"' in content
    assert 'src="/static/d3-geo/d3-geo.min.js"' in content


def test_it_shows_a_city_with_its_relations_as_a_timeline_and_activities_by_year(client, world):
    content = _text(client.get(url("portal:city_detail", "en", world.city.uid)))
    assert "<h1>Lyon</h1>" in content
    twinning = content.index("Twinning")
    cooperation = content.index("Cooperation or collaboration agreement")
    assert twinning < cooperation  # oldest first
    assert ">1986</time>" in content  # a year-only date shows only the year
    assert "May 12, 2003" in content
    assert f"?city={world.city.uid}&amp;year={YEAR}" in content
    assert f"{YEAR}: 2 activities" in content  # the public one and the revised one
    assert ACCEPTED_TITLE in content


def test_it_groups_organisations_as_the_seed_pages_did(client, world):
    content = _text(client.get(url("portal:organisation_list", "en")))
    for heading in (
        "Non-governmental organisations (NGOs)",
        "City-owned companies and bodies",
        "PROFIT",
        "NO PROFIT",
        "Training institutes and universities",
        "Missionary institutes",
        "Territorial authorities",
    ):
        assert heading in content
    assert content.index("GTT") < content.index("NO PROFIT") < content.index("Fondazione Teatro")
    assert "Member of: Comitato delle ONG piemontesi (since 2004)" in content


def test_it_shows_an_activity_with_the_accepted_text(client, world):
    content = _text(client.get(url("portal:activity_detail", "it", world.public.uid)))
    assert f"<h1>{ACCEPTED_TITLE}</h1>" in content
    assert "Interreg" in content
    assert "€\u00a012.345,50" in content
    assert f'href="{url("portal:city_detail", "it", world.city.uid)}"' in content

    revised = _text(client.get(url("portal:activity_detail", "it", world.revised.uid)))
    assert "<h1>Scambio di tecnici accettato</h1>" in revised
    assert "Testo accettato." in revised
    assert LEAKS["revision"] not in revised


def test_it_shows_the_table_and_only_its_public_outcomes(client, world):
    content = _text(client.get(url("portal:coordination_table", "it")))
    assert "Divisione Ambiente e Verde" in content
    assert "Il tavolo adotta il piano annuale." in content


def test_it_serves_only_published_report_files(client, world):
    pdf = client.get(url("portal:report_file", "it", YEAR - 1, "it", "pdf"))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content) == b"%PDF-1.7 published"
    html = client.get(url("portal:report_file", "en", YEAR - 1, "it", "html"))
    assert html.status_code == 200
    assert html["Content-Type"].startswith("text/html")
    for year, language, edition in ((YEAR, "it", "pdf"), (YEAR - 1, "en", "pdf"), (YEAR - 1, "xx", "pdf")):
        assert client.get(url("portal:report_file", "it", year, language, edition)).status_code == 404
    assert client.get(f"/it/reports/{YEAR - 1}/it.exe").status_code == 404


def test_it_refuses_other_methods(client, world):
    for address in public_urls(world)[:12]:
        assert client.post(address).status_code == 405, address
        assert client.delete(address).status_code == 405, address


def test_it_sets_no_cookie_on_public_pages(client, world):
    response = client.get(url("portal:home", "it"))
    assert not response.cookies


def test_it_sends_a_content_security_policy_without_unsafe_scripts(client, world):
    response = client.get(url("portal:city_list", "it"))
    policy = response["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    nonce = re.search(r"'nonce-([^']+)'", script_src).group(1)
    for script in re.findall(r"<script([^>]*)>", _text(response)):
        assert "src=" in script or f'nonce="{nonce}"' in script


# --- No leak ---------------------------------------------------------------------------------------------
def sitemap_urls(client) -> list[str]:
    index = _text(client.get("/sitemap.xml"))
    return [loc.replace("http://testserver", "") for loc in re.findall(r"<loc>([^<]+)</loc>", index)]


def test_it_never_leaks_non_public_data_on_any_page_or_sitemap(client, world):
    addresses = [*public_urls(world), "/sitemap.xml", *sitemap_urls(client)]
    assert len(addresses) > len(public_urls(world)) + 2
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 200, address
        content = _text(response)
        for what, marker in LEAKS.items():
            assert marker not in content, f"{what} leaked on {address}"
        for activity in world.hidden.values():
            assert str(activity.uid) not in content, address


def test_the_sitemaps_list_public_objects_in_both_languages(client, world):
    locations = []
    for address in sitemap_urls(client):
        locations += re.findall(r"<loc>([^<]+)</loc>", _text(client.get(address)))
    for language in LANGUAGES:
        assert f"http://testserver{url('portal:activity_detail', language, world.public.uid)}" in locations
        assert f"http://testserver{url('portal:city_detail', language, world.city.uid)}" in locations
        assert f"http://testserver{url('portal:home', language)}" in locations
    activity_locations = [loc for loc in locations if "/activities/" in loc and loc.count("/") > 5]
    assert len(activity_locations) == 2 * Activity.objects.public().count()


def test_it_answers_404_when_walking_the_ids_of_non_public_activities(client, world):
    for activity in Activity.objects.exclude(pk__in=Activity.objects.public().values("pk")):
        for language in LANGUAGES:
            assert client.get(url("portal:activity_detail", language, activity.uid)).status_code == 404
    assert client.get(url("portal:activity_detail", "it", uuid.uuid4())).status_code == 404
    assert client.get(url("portal:city_detail", "it", uuid.uuid4())).status_code == 404
    # The integer primary keys are no address at all.
    for pk in Activity.objects.values_list("pk", flat=True):
        assert client.get(f"/it/activities/{pk}/").status_code == 404


def test_a_filter_on_a_hidden_activitys_city_shows_only_public_ones(client, world):
    content = _text(client.get(f"{url('portal:activity_list', 'it')}?city={world.city.uid}"))
    assert "2 attività" in content or "2 activities" in content
    assert ACCEPTED_TITLE in content


# --- Filters ----------------------------------------------------------------------------------------------
def test_it_filters_activities_by_each_criterion(client, world, personas):
    other = _activity(personas.department_b, "Festival internazionale del cinema", state=ReviewState.ACCEPTED)
    other.year = YEAR - 1
    other.save()
    _link(other, world.other_city, world.other_city.country, sdg=4)
    listing = url("portal:activity_list", "it")
    cases = {
        f"year={YEAR - 1}": ["Festival"],
        f"department={personas.department_b.code}": ["Festival"],
        f"kind={ActivityKind.EU_PROJECT}": [ACCEPTED_TITLE],
        "country=GT": ["Festival"],
        f"city={world.other_city.uid}": ["Festival"],
        "sdg=4": ["Festival"],
        "programme=interreg": [ACCEPTED_TITLE],
    }
    for query, expected in cases.items():
        response = client.get(f"{listing}?{query}")
        assert response.status_code == 200, query
        content = _text(response)
        for title in expected:
            assert title in content, query
        unexpected = ACCEPTED_TITLE if expected == ["Festival"] else "Festival"
        assert unexpected not in content.split('id="results-heading"')[1], query


BAD_FILTERS = [
    ("year", "abc"),
    ("year", "1800"),
    ("year", "99999999999999999999999"),
    ("department", "NOPE"),
    ("kind", "bogus"),
    ("country", "ZZ"),
    ("country", "x" * 500),
    ("city", "not-a-uuid"),
    ("city", str(uuid.UUID(int=1))),
    ("sdg", "99"),
    ("sdg", "abc"),
    ("sdg", "-1"),
    ("programme", "nope"),
    ("page", "0"),
    ("page", "abc"),
    ("page", "1" * 40),
    ("city", "a\x00b"),
    ("department", "\x00"),
]


@pytest.mark.parametrize(("name", "value"), BAD_FILTERS)
def test_it_answers_a_bad_filter_value_with_a_clear_message(client, world, name, value):
    response = client.get(url("portal:activity_list", "en"), {name: value})
    assert response.status_code == 400
    content = _text(response)
    assert 'role="alert"' in content
    assert "Some filters are not valid" in content
    label = {
        "sdg": "Sustainable Development Goal",
        "city": "Partner city",
        "page": "Page",
    }.get(name, name.capitalize())
    assert f"<li>{label}: " in content
    assert ACCEPTED_TITLE not in content


def test_it_answers_404_for_a_page_beyond_the_last(client, world):
    assert client.get(url("portal:activity_list", "it"), {"page": "999"}).status_code == 404


def test_it_translates_the_filter_messages(client, world):
    content = _text(client.get(url("portal:activity_list", "it"), {"sdg": "99"}))
    assert "Alcuni filtri non sono validi" in content
    assert "Gli obiettivi sono numerati da 1 a 17." in content


# --- Queries do not grow with the number of activities -------------------------------------------------------
def _bulk_public(world: World, department: Department, count: int, start: int) -> None:
    activities = Activity.objects.bulk_create(
        Activity(
            year=YEAR - (index % 3),
            kind=ActivityKind.EVENT,
            title_it=f"Attività pubblica {start + index}",
            lead_department=department,
            status=ActivityStatus.COMPLETED,
            review_state=ReviewState.ACCEPTED,
            is_public=True,
            accepted_snapshot={"title_it": f"Attività pubblica {start + index}", "year": YEAR - (index % 3)},
        )
        for index in range(count)
    )
    france = world.city.country
    goal = SustainableDevelopmentGoal.objects.get(number=11)
    Activity.countries.through.objects.bulk_create(
        Activity.countries.through(activity_id=a.pk, country_id=france.pk) for a in activities
    )
    Activity.sdgs.through.objects.bulk_create(
        Activity.sdgs.through(activity_id=a.pk, sustainabledevelopmentgoal_id=goal.pk) for a in activities
    )
    ActivityPartnerCity.objects.bulk_create(ActivityPartnerCity(activity=a, city=world.city) for a in activities)
    Decision.objects.bulk_create(
        Decision(meeting=Decision.objects.first().meeting, text_it=f"Decisione {start + i}", is_public=True)
        for i in range(count // 20)
    )


def _pages(world: World) -> list[str]:
    listing = url("portal:activity_list", "it")
    return [
        url("portal:home", "it"),
        url("portal:city_list", "it"),
        url("portal:city_detail", "it", world.city.uid),
        url("portal:organisation_list", "it"),
        listing,
        f"{listing}?page=2",
        f"{listing}?year={YEAR}&country=FR&sdg=11&city={world.city.uid}",
        url("portal:activity_detail", "it", world.public.uid),
        url("portal:coordination_table", "it"),
        url("portal:report_list", "it"),
        "/sitemap.xml",
        "/sitemap-activities.xml",
    ]


def _queries(client, address: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200, address
    return len(queries)


def test_it_runs_as_many_queries_for_2000_activities_as_for_20(client, world, personas):
    # Bulk inserts bypass the services, so the test announces them itself,
    # as a bulk loader must; each pass then renders every page afresh.
    _bulk_public(world, personas.department_a, 20, 0)
    publication_bump()
    few = {address: _queries(client, address) for address in _pages(world)}

    _bulk_public(world, personas.department_a, 1980, 20)
    publication_bump()
    assert Activity.objects.public().count() > 2000
    many = {address: _queries(client, address) for address in _pages(world)}

    assert many == few
    # Rendered each time, not served from the cache (the sitemaps are not cached).
    assert all(count > 2 for address, count in few.items() if "sitemap" not in address)


def test_the_two_halves_of_public_are_exactly_public(world):
    """The portal counts and lists years per half (relint/portal/selectors.py)."""
    from relint.activities.models import public_parts

    accepted, revised = public_parts()
    first = set(Activity.objects.filter(accepted).values_list("pk", flat=True))
    second = set(Activity.objects.filter(revised).values_list("pk", flat=True))
    assert first and second  # the world has both: accepted, and accepted then revised
    assert not first & second
    assert first | second == set(Activity.objects.public().values_list("pk", flat=True))
    assert world.revised.pk in second and world.public.pk in first


def _open_data_addresses() -> list[str]:
    from relint.opendata.datasets import FORMATS, all_datasets

    addresses = []
    for language in LANGUAGES:
        addresses += [f"/{language}/open-data/", f"/{language}/open-data/api/"]
        addresses += [f"/{language}/open-data/catalogue.{fmt}" for fmt in ("ttl", "jsonld")]
        addresses.append(f"/{language}/open-data/iati-activities.xml")
        addresses += [f"/{language}/open-data/{d.slug}.{fmt}" for d in all_datasets() for fmt in FORMATS]
    for endpoint in ("activities", "cities", "relations", "organisations", "agreements", "departments", "reports"):
        addresses.append(f"/api/v1/{endpoint}?limit=100")
    addresses += [f"/api/v1/activities?year={YEAR}&limit=100", "/api/v1/activities?country=FR&limit=100"]
    return addresses


def _readable(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body.startswith(b"PK"):  # XLSX: the text of every cell
        import io

        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(body), read_only=True).active
        return "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
    return body.decode("utf-8")


def test_it_never_leaks_non_public_data_in_the_api_exports_feeds_or_catalogue(client, world):
    addresses = _open_data_addresses()
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 200, address
        content = _readable(response)
        for what, marker in LEAKS.items():
            assert marker not in content, f"{what} leaked on {address}"
        for activity in world.hidden.values():
            assert str(activity.uid) not in content, address
    # The public ones are there, in their accepted version.
    listing = _readable(client.get("/api/v1/activities?limit=100"))
    assert str(world.public.uid) in listing and str(world.revised.uid) in listing
    assert "Scambio di tecnici accettato" in listing


def test_it_answers_404_when_walking_the_api_ids_of_non_public_activities(client, world):
    for activity in Activity.objects.exclude(pk__in=Activity.objects.public().values("pk")):
        assert client.get(f"/api/v1/activities/{activity.uid}").status_code == 404
    assert client.get(f"/api/v1/activities/{world.public.uid}").status_code == 200
    assert client.get(f"/api/v1/activities/{uuid.uuid4()}").status_code == 404
