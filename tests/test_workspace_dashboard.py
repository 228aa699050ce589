"""The workspace dashboard: what each persona sees of the current reporting
round, the layout shared by every page (languages, switcher, CSP nonce), and
a query count that does not grow with the number of activities."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from relint.activities.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    ReportingRound,
    ReviewState,
    RoundState,
)
from relint.core.models import Country
from relint.core.testing import PASSWORD
from relint.workspace import selectors

YEAR = 2025


def url(name: str, language: str = "it") -> str:
    with translation.override(language):
        return reverse(name)


def open_round(*, deadline: datetime.date | None = None) -> ReportingRound:
    return ReportingRound.objects.create(
        year=YEAR,
        deadline=deadline or timezone.localdate() + datetime.timedelta(days=10),
        state=RoundState.OPEN,
        opened_at=timezone.now(),
    )


def complete_activity(department, title: str, **fields) -> Activity:
    """An activity with every field the submission requires."""
    values = {
        "year": YEAR,
        "kind": ActivityKind.EVENT,
        "title_it": title,
        "lead_department": department,
        "description_it": "Descrizione.",
        "start_date": datetime.date(YEAR, 3, 1),
        "status": ActivityStatus.ONGOING,
    }
    values.update(fields)
    activity = Activity.objects.create(**values)
    activity.countries.add(Country.objects.get(iso2="FR"))
    return activity


def get_dashboard(client, user, language: str = "it"):
    client.force_login(user)
    return client.get(url("workspace:dashboard", language))


# --- Editors and viewers ---------------------------------------------------------------------
def test_it_shows_the_editor_their_returned_activity_with_the_comment(client, personas):
    open_round()
    complete_activity(
        personas.department_a,
        "Rete Eurocities ambiente",
        review_state=ReviewState.RETURNED,
        review_comment="Manca il bilancio del progetto.",
    )
    complete_activity(
        personas.department_b,
        "Festival del cinema di Lione",
        review_state=ReviewState.RETURNED,
        review_comment="Commento per la Cultura.",
    )

    response = get_dashboard(client, personas.editor_a)

    assert response.status_code == 200
    assert "workspace/dashboard_department.html" in [t.name for t in response.templates]
    content = response.content.decode()
    assert "Rete Eurocities ambiente" in content
    assert "Manca il bilancio del progetto." in content
    assert "Festival del cinema di Lione" not in content
    assert "Commento per la Cultura." not in content


def test_it_counts_the_editors_activities_by_review_state(client, personas):
    open_round()
    a = personas.department_a
    complete_activity(a, "Bozza")
    complete_activity(a, "Inviata", review_state=ReviewState.SUBMITTED)
    complete_activity(a, "Accettata 1", review_state=ReviewState.ACCEPTED)
    complete_activity(a, "Accettata 2", review_state=ReviewState.ACCEPTED)
    complete_activity(a, "Restituita", review_state=ReviewState.RETURNED, review_comment="Da rivedere.")
    complete_activity(personas.department_b, "Della Cultura", review_state=ReviewState.SUBMITTED)
    complete_activity(a, "Anno precedente", year=YEAR - 1)

    counts = get_dashboard(client, personas.editor_a).context["dashboard"].counts

    assert (counts.draft, counts.submitted, counts.returned, counts.accepted) == (1, 1, 1, 2)
    assert counts.total == 5
    assert counts.missing == 0


def test_it_lists_what_is_missing_before_submission(client, personas):
    open_round()
    a = personas.department_a
    Activity.objects.create(year=YEAR, kind=ActivityKind.EVENT, title_it="Scambio senza dettagli", lead_department=a)
    complete_activity(a, "Progetto completo")
    complete_activity(a, "Progetto accettato", review_state=ReviewState.ACCEPTED)

    response = get_dashboard(client, personas.editor_a, "en")

    dashboard = response.context["dashboard"]
    assert [activity.title_it for activity in dashboard.incomplete] == ["Scambio senza dettagli"]
    assert [str(label) for label in dashboard.incomplete[0].missing_labels] == [
        "description in Italian",
        "start date",
        "at least one country or partner city",
    ]
    assert sorted(activity.title_it for activity in dashboard.not_submitted) == [
        "Progetto completo",
        "Scambio senza dettagli",
    ]
    assert dashboard.counts.missing == 1
    content = response.content.decode()
    assert "At least one country or partner city" in content


def test_it_accepts_a_partner_city_instead_of_a_country(client, personas):
    from relint.activities.models import ActivityPartnerCity
    from relint.partners.models import PartnerCity

    open_round()
    activity = complete_activity(personas.department_a, "Gemellaggio con Lione")
    activity.countries.clear()
    assert Activity.objects.filter(selectors.missing_anything()).count() == 1
    city = PartnerCity.objects.create(name_it="Lione", country=Country.objects.get(iso2="FR"))
    ActivityPartnerCity.objects.create(activity=activity, city=city)
    assert Activity.objects.filter(selectors.missing_anything()).count() == 0


def test_it_shows_the_deadline_and_the_days_left(client, personas):
    open_round(deadline=timezone.localdate() + datetime.timedelta(days=12))
    response = get_dashboard(client, personas.editor_a, "en")
    assert response.context["dashboard"].round.days_left == 12
    assert "12 days left" in response.content.decode()


def test_it_shows_an_overdue_deadline(client, personas):
    open_round(deadline=timezone.localdate() - datetime.timedelta(days=3))
    response = get_dashboard(client, personas.editor_a, "en")
    assert "Overdue by 3 days" in response.content.decode()


def test_it_says_so_when_no_round_is_open(client, personas):
    ReportingRound.objects.create(year=YEAR - 1, deadline=datetime.date(YEAR - 1, 3, 31), state=RoundState.PLANNED)
    for user in (personas.editor_a, personas.coordinator):
        response = get_dashboard(client, user, "en")
        assert response.status_code == 200
        assert "No reporting round is open" in response.content.decode()


def test_it_shows_the_viewer_the_department_read_only(client, personas):
    open_round()
    complete_activity(personas.department_a, "Rete Eurocities ambiente")
    response = get_dashboard(client, personas.viewer_a, "en")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Rete Eurocities ambiente" in content
    assert "editors can change or submit them" in content
    assert not response.context["dashboard"].can_edit


# --- The coordinator ---------------------------------------------------------------------------------
def test_it_shows_the_coordinator_the_completeness_per_department(client, personas):
    open_round()
    a, b = personas.department_a, personas.department_b
    complete_activity(a, "A1", review_state=ReviewState.SUBMITTED)
    complete_activity(a, "A2", review_state=ReviewState.ACCEPTED)
    Activity.objects.create(year=YEAR, kind=ActivityKind.EVENT, title_it="A3 incompleta", lead_department=a)
    complete_activity(b, "B1", review_state=ReviewState.RETURNED, review_comment="Da rivedere.")

    response = get_dashboard(client, personas.coordinator)

    assert response.status_code == 200
    assert "workspace/dashboard_coordinator.html" in [t.name for t in response.templates]
    overview = response.context["overview"]
    rows = {row.department.code: row.counts for row in overview.rows}
    assert (rows["AMBIENTE"].draft, rows["AMBIENTE"].submitted, rows["AMBIENTE"].accepted) == (1, 1, 1)
    assert rows["AMBIENTE"].missing == 1
    assert rows["AMBIENTE"].last_update is not None
    assert (rows["CULTURA"].returned, rows["CULTURA"].total) == (1, 1)
    # Departments that have entered nothing are listed too: they are the ones to remind.
    assert rows["COOP-PACE"].total == 0
    assert overview.totals.total == 4
    assert overview.totals.missing == 1


def test_it_shows_the_administrator_the_coordinators_overview(client, personas):
    open_round()
    response = get_dashboard(client, personas.admin)
    assert response.status_code == 200
    assert "workspace/dashboard_coordinator.html" in [t.name for t in response.templates]


# --- Nobody else -----------------------------------------------------------------------------------
def test_it_tells_a_user_without_a_role_to_ask_the_coordinator(client, db):
    user = get_user_model().objects.create_user(username="nobody", password=PASSWORD)
    response = get_dashboard(client, user, "en")
    assert response.status_code == 403
    assert "workspace/no_role.html" in [t.name for t in response.templates]
    assert "Ask the coordinator" in response.content.decode()


def test_it_sends_the_root_address_to_the_portal_home(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/it/"


def test_it_refuses_other_methods_on_the_dashboard(client, personas):
    client.force_login(personas.editor_a)
    assert client.post(url("workspace:dashboard")).status_code == 405


# --- Layout shared by every page ----------------------------------------------------------------------
@pytest.mark.parametrize("language", ["it", "en"])
def test_it_renders_in_both_languages(client, personas, language):
    open_round()
    response = get_dashboard(client, personas.editor_a, language)
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()


PAGES = [
    ("account:login", None),
    ("account:password_reset", None),
    ("account:password_reset_done", None),
    ("workspace:dashboard", "editor_a"),
    ("workspace:dashboard", "coordinator"),
    ("account:password_change", "editor_a"),
]


@pytest.mark.parametrize(("name", "persona"), PAGES)
def test_it_offers_the_language_switcher_on_every_page(client, personas, name, persona):
    open_round()
    if persona:
        client.force_login(getattr(personas, persona))
    for language, other in (("it", "en"), ("en", "it")):
        page = url(name, language)
        content = client.get(page).content.decode()
        assert 'action="/i18n/setlang/"' in content
        assert f'<input type="hidden" name="next" value="{url(name, other)}">' in content
        assert f'name="language" value="{other}"' in content
        assert 'id="main-content"' in content
        assert 'href="#main-content"' in content


def test_it_offers_the_switcher_on_the_no_role_page(client, db):
    user = get_user_model().objects.create_user(username="nobody", password=PASSWORD)
    client.force_login(user)
    content = client.get(url("workspace:dashboard", "en")).content.decode()
    assert '<input type="hidden" name="next" value="/it/workspace/">' in content


def test_it_switches_language_with_the_form(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/en/account/login/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/account/login/"


def test_it_sets_the_fonts_path_in_a_script_carrying_the_csp_nonce(client, db):
    response = client.get(url("account:login"))
    nonce = re.search(
        r'<script nonce="([^"]+)">window\.__PUBLIC_PATH__ = "/static/bootstrap-italia/fonts";',
        response.content.decode(),
    )
    assert nonce
    assert f"'nonce-{nonce.group(1)}'" in response["Content-Security-Policy"]


# --- Queries do not grow with the number of activities ------------------------------------------------
def _bulk_activities(department, count: int, start: int) -> None:
    states = [ReviewState.DRAFT, ReviewState.SUBMITTED, ReviewState.RETURNED, ReviewState.ACCEPTED]
    activities = Activity.objects.bulk_create(
        Activity(
            year=YEAR,
            kind=ActivityKind.EVENT,
            title_it=f"Attività {start + index}",
            lead_department=department,
            description_it="Descrizione." if index % 3 else "",
            start_date=datetime.date(YEAR, 1, 1) if index % 2 else None,
            review_state=states[index % 4],
            review_comment="Da rivedere." if states[index % 4] == ReviewState.RETURNED else "",
        )
        for index in range(count)
    )
    france = Country.objects.get(iso2="FR")
    Activity.countries.through.objects.bulk_create(
        Activity.countries.through(activity_id=activity.pk, country_id=france.pk) for activity in activities[::2]
    )


def _count_queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("workspace:dashboard"))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["editor_a", "viewer_a", "coordinator"])
def test_it_runs_as_many_queries_for_2000_activities_as_for_20(client, personas, persona):
    open_round()
    user = getattr(personas, persona)
    _bulk_activities(personas.department_a, 10, 0)
    _bulk_activities(personas.department_b, 10, 10)
    few = _count_queries(client, user)

    _bulk_activities(personas.department_a, 990, 20)
    _bulk_activities(personas.department_b, 990, 1010)
    assert Activity.objects.filter(year=YEAR).count() == 2000
    many = _count_queries(client, user)

    assert many == few
