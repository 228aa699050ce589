"""The public JSON API at /api/v1/: only published data, bounded and
validated parameters, constant query counts, a schema that holds."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, settings

from relint.activities.models import Activity, ActivityKind, ReviewState
from relint.activities.serializers import activity_record
from relint.portal.publication import publication_bump

pytestmark = pytest.mark.django_db


def _activity(department, title, state=ReviewState.ACCEPTED, public=True, **extra):
    activity = Activity.objects.create(
        year=extra.pop("year", 2024),
        kind=extra.pop("kind", ActivityKind.EXCHANGE),
        title_it=title,
        lead_department=department,
        review_state=state,
        review_comment="Da rivedere" if state == ReviewState.RETURNED else "",
        is_public=public,
        **extra,
    )
    if state == ReviewState.ACCEPTED:
        activity.accepted_snapshot = activity_record(activity)
        activity.save()
    return activity


@pytest.fixture
def mixed(personas):
    dep = personas.department_a
    visible = _activity(dep, "Accettata pubblica")
    hidden = [
        _activity(dep, "Accettata riservata", public=False),
        _activity(dep, "Bozza", state=ReviewState.DRAFT),
        _activity(dep, "Inviata", state=ReviewState.SUBMITTED),
        _activity(dep, "Restituita", state=ReviewState.RETURNED),
    ]
    # Accepted, then reopened and being revised: the accepted text is shown.
    revised = _activity(dep, "Testo accettato", year=2023)
    revised.title_it = "Revisione in corso"
    revised.review_state = ReviewState.DRAFT
    revised.save()
    return visible, revised, hidden


def test_it_lists_only_published_activities(client, mixed):
    body = client.get("/api/v1/activities?limit=100").json()
    assert body["count"] == 2
    titles = {row["title_it"] for row in body["results"]}
    assert titles == {"Accettata pubblica", "Testo accettato"}
    assert all("review_state" not in row and "is_public" not in row for row in body["results"])


def test_it_walks_every_id_and_finds_only_published_ones(client, mixed):
    visible, revised, _hidden = mixed
    for activity in Activity.objects.all():
        response = client.get(f"/api/v1/activities/{activity.uid}")
        expected = 200 if activity.pk in {visible.pk, revised.pk} else 404
        assert response.status_code == expected, activity.title_it
    assert client.get(f"/api/v1/activities/{revised.uid}").json()["title_it"] == "Testo accettato"


def test_it_filters_revised_activities_on_their_accepted_version(client, mixed):
    _visible, revised, _hidden = mixed
    revised.year = 2024  # the revision changes the year; the accepted one is 2023
    revised.save()
    assert [r["title_it"] for r in client.get("/api/v1/activities?year=2023").json()["results"]] == ["Testo accettato"]
    assert [r["title_it"] for r in client.get("/api/v1/activities?year=2024").json()["results"]] == [
        "Accettata pubblica"
    ]


def test_it_filters_by_country_and_sdg(client, personas):
    a = _activity(personas.department_a, "Con Francia")
    a.countries.add("FR")
    a.sdgs.add(11)
    a.accepted_snapshot = activity_record(a)
    a.save()
    _activity(personas.department_a, "Senza")
    assert client.get("/api/v1/activities?country=FR").json()["count"] == 1
    assert client.get("/api/v1/activities?sdg=11").json()["count"] == 1
    assert client.get("/api/v1/activities?sdg=1").json()["count"] == 0
    a.review_state = ReviewState.DRAFT  # under revision: the snapshot answers
    a.save()
    assert client.get("/api/v1/activities?country=FR").json()["count"] == 1
    assert client.get("/api/v1/activities?sdg=11").json()["count"] == 1
    assert client.get("/api/v1/activities?sdg=1").json()["count"] == 0


@pytest.mark.parametrize(
    "query",
    [
        "unknown=1",
        "limit=0",
        "limit=101",
        "limit=5431491080196009754624",
        "offset=-1",
        "offset=abc",
        "year=1800",
        "kind=nonsense",
        "country=france",
        "sdg=18",
    ],
)
def test_it_rejects_bad_parameters_with_a_400(client, personas, query):
    response = client.get(f"/api/v1/activities?{query}")
    assert response.status_code == 400
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "url", ["/api/v1/cities", "/api/v1/organisations", "/api/v1/agreements", "/api/v1/departments", "/api/v1/reports"]
)
def test_it_rejects_unknown_parameters_everywhere(client, personas, url):
    assert client.get(url).status_code == 200
    response = client.get(f"{url}?password=x")
    assert response.status_code == 400
    assert "password" in response.json()["detail"]


def test_it_answers_404_for_unknown_ids_and_405_for_writes(client, personas):
    uid = "00000000-0000-0000-0000-000000000000"
    for url in (f"/api/v1/activities/{uid}", f"/api/v1/cities/{uid}", f"/api/v1/organisations/{uid}"):
        assert client.get(url).status_code == 404
    assert client.post("/api/v1/activities", {}).status_code == 405
    assert client.delete(f"/api/v1/activities/{uid}").status_code == 405


def test_it_never_shows_contact_people(client, personas):
    from relint.partners.models import ContactPerson, Organisation

    organisation = Organisation.objects.create(name="ONG Esempio", kind="ngo")
    ContactPerson.objects.create(first_name="Mariella", last_name="Segreta", organisation=organisation)
    for url in ("/api/v1/organisations", "/api/v1/cities", "/api/v1/agreements", "/api/v1/departments"):
        assert "Segreta" not in client.get(url).content.decode()


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_it_reads_a_page_with_a_constant_number_of_queries(client, personas):
    dep = personas.department_a

    def make(n):
        rows = [
            Activity(year=2024, kind="exchange", title_it=f"A{i}", lead_department=dep, review_state="accepted")
            for i in range(n)
        ]
        Activity.objects.bulk_create(rows)
        for activity in Activity.objects.all():
            activity.countries.add("FR")
            activity.sdgs.add(5)
        # Written past the services: announced to the public cache by hand.
        publication_bump()

    make(20)
    few = _count_queries(client, "/api/v1/activities?limit=100&country=FR")
    make(180)
    many = _count_queries(client, "/api/v1/activities?limit=100&country=FR")
    assert Activity.objects.count() == 200
    assert few == many
    assert few > 2  # rendered, not a cache hit


# --- schemathesis against the live schema ------------------------------------------------
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def keep_connection():
    """Calls through the WSGI app end with `close_old_connections`, which
    would close the test's transaction on PostgreSQL; Django's test client
    disconnects it the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_it_holds_its_schema_under_fuzzing(case, personas, keep_connection):
    _activity(personas.department_a, "Pubblica")
    case.call_and_validate()


def test_it_serves_the_schema_and_a_docs_page_that_fits_the_csp(client, db):
    schema_doc = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/activities" in schema_doc["paths"]
    for path in schema_doc["paths"].values():
        assert "422" not in path["get"]["responses"]
        assert "400" in path["get"]["responses"]
    response = client.get("/api/v1/docs", headers={"accept-language": "en"})
    assert response.status_code == 302 and response["Location"] == "/en/open-data/api/"
    assert client.get("/api/v1/docs", headers={"accept-language": "it"})["Location"] == "/it/open-data/api/"
    response = client.get("/it/open-data/api/")
    assert response.status_code == 200
    html = response.content.decode()
    # Every address of the schema, with its parameters, on the reference page.
    for path, methods in schema_doc["paths"].items():
        assert f"GET {path}</code>" in html
        for parameter in methods["get"].get("parameters", []):
            assert f"<code>{parameter['name']}</code>" in html
    assert "<h1>Documentazione dell'API</h1>" in html
    assert "<h1>API documentation</h1>" in client.get("/en/open-data/api/").content.decode()
    # No inline executable script: only static files, which the CSP allows.
    assert "<script>" not in html
    assert "script-src" in response.headers["Content-Security-Policy"]
