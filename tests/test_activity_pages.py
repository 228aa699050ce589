"""The activity pages: list, detail, create and edit with partners and
funding, the review workflow, and the conflict page."""

import pytest
from django.urls import reverse
from django.utils import translation

from relint.activities.models import Activity, ReviewEvent, ReviewState
from relint.partners.models import PartnerCity
from tests.activity_helpers import form_data, make_activity, rows

pytestmark = pytest.mark.django_db


def test_it_lists_only_visible_activities(client, personas):
    own = make_activity(personas, title_it="Attività A")
    other = make_activity(personas, department=personas.department_b, title_it="Attività B")
    client.force_login(personas.editor_a)
    response = client.get(reverse("activities:list"))
    assert response.status_code == 200
    assert own.title_it in response.text
    assert other.title_it not in response.text


def test_it_filters_by_validated_values(client, personas):
    make_activity(personas, title_it="Scambio giovani", kind="exchange")
    make_activity(personas, title_it="Premio verde", kind="award")
    client.force_login(personas.coordinator)
    response = client.get(reverse("activities:list"), {"kind": "award"})
    assert "Premio verde" in response.text and "Scambio giovani" not in response.text
    response = client.get(reverse("activities:list"), {"q": "giovani"})
    assert "Scambio giovani" in response.text and "Premio verde" not in response.text
    response = client.get(reverse("activities:list"), {"year": "abc", "department": "999999"})
    assert response.status_code == 200
    assert "Premio verde" not in response.text
    assert "is-invalid" in response.text


def test_it_creates_an_activity_with_a_registry_city_and_a_new_one_from_geonames(client, personas):
    lyon = PartnerCity.objects.create(name_it="Lione", country_id="FR")
    client.force_login(personas.editor_a)
    data = form_data(lead_department=personas.department_a.pk, countries=["FR"], sdgs=["11", "17"])
    data.update(rows("cities", {"city": "Lione (FR)", "role": "lead"}, {"city": "Quito", "role": "partner"}))
    data.update(rows("funding", {"source": "eu", "amount": "1234,50", "programme": "", "funder": "", "note": ""}))
    data.update(rows("links", {"url": "https://example.org/progetto", "label": "Sito"}))
    data.update(rows("organisations", {"new_name": "ONG Nuova", "new_kind": "ngo", "role": "implementer"}))
    response = client.post(reverse("activities:create"), data)
    assert response.status_code == 302, response.text
    activity = Activity.objects.get()
    assert activity.review_state == ReviewState.DRAFT
    cities = {link.city.name_it: link for link in activity.city_links.all()}
    assert cities["Lione"].city == lyon and cities["Lione"].role == "lead"
    quito = cities["Quito"].city
    assert quito.country_id == "EC" and quito.geonames_id and quito.latitude is not None
    assert [str(line.amount) for line in activity.funding_lines.all()] == ["1234.50"]
    assert activity.links.get().url == "https://example.org/progetto"
    assert activity.organisation_links.get().organisation.name == "ONG Nuova"
    assert sorted(goal.number for goal in activity.sdgs.all()) == [11, 17]


def test_it_asks_which_city_when_a_name_is_ambiguous(client, personas):
    client.force_login(personas.editor_a)
    data = form_data(lead_department=personas.department_a.pk)
    data.update(rows("cities", {"city": "Valencia", "role": "partner"}))
    response = client.post(reverse("activities:create"), data)
    assert response.status_code == 400
    assert "geonames:" in response.text
    assert not Activity.objects.exists() and not PartnerCity.objects.exists()


def test_it_autocompletes_cities_from_the_registry_and_geonames(client, personas):
    PartnerCity.objects.create(name_it="Lione", country_id="FR")
    client.force_login(personas.editor_a)
    response = client.get(reverse("activities:city_search"), {"cities-0-city": "Lio"})
    assert response.status_code == 200
    assert 'value="Lione (FR)"' in response.text
    assert "geonames:" in response.text


def test_it_reads_partner_and_funder_organisations_by_name_acronym_or_as_shown(client, personas):
    from relint.partners.models import Organisation

    mais = Organisation.objects.create(name="Movimento per l'Autosviluppo", acronym="MAIS", kind="ngo")
    onu = Organisation.objects.create(
        name="Nazioni Unite", name_en="United Nations", acronym="ONU", kind="international"
    )
    client.force_login(personas.editor_a)
    data = form_data(lead_department=personas.department_a.pk)
    data.update(
        rows("organisations", {"organisation": "mais", "role": "partner"}, {"organisation": str(onu), "role": "lead"})
    )
    data.update(
        rows("funding", {"source": "eu", "amount": "10", "programme": "", "funder": "United Nations", "note": ""})
    )
    response = client.post(reverse("activities:create"), data)
    assert response.status_code == 302, response.text
    activity = Activity.objects.get()
    assert {(link.organisation, link.role) for link in activity.organisation_links.all()} == {
        (mais, "partner"),
        (onu, "lead"),
    }
    assert activity.funding_lines.get().funder == onu
    # The edit form shows them as it reads them back: saving it unchanged changes nothing.
    page = client.get(reverse("activities:edit", args=[activity.pk])).text
    assert 'value="Movimento per l&#x27;Autosviluppo (MAIS)"' in page and 'value="Nazioni Unite (ONU)"' in page


def test_it_never_guesses_an_unknown_or_ambiguous_organisation(client, personas):
    from relint.partners.models import Organisation

    Organisation.objects.create(name="Rete Uno", acronym="RETE", kind="ngo")
    Organisation.objects.create(name="Rete Due", acronym="RETE", kind="ngo")
    client.force_login(personas.editor_a)
    for typed, message in (
        ("Rete Tre", "No organisation of the registry is called"),
        ("rete", "Several organisations"),
    ):
        data = form_data(lead_department=personas.department_a.pk)
        data.update(rows("organisations", {"organisation": typed, "role": "partner"}))
        with translation.override("en"):
            response = client.post(reverse("activities:create"), data, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400 and message in response.text, typed
    assert not Activity.objects.exists() and Organisation.objects.count() == 2


def test_it_suggests_organisations_as_one_types(client, personas):
    from relint.partners.models import Organisation

    Organisation.objects.create(name="Movimento per l'Autosviluppo", acronym="MAIS", kind="ngo", country_id="IT")
    Organisation.objects.create(name="Altro ente", kind="ngo")
    client.force_login(personas.editor_a)
    response = client.get(reverse("activities:organisation_search"), {"organisations-0-organisation": "mai"})
    assert response.status_code == 200
    assert 'value="Movimento per l&#x27;Autosviluppo (MAIS)"' in response.text and "Altro ente" not in response.text
    assert client.get(reverse("activities:organisation_search"), {"funding-2-funder": "x"}).text.strip() == ""
    client.force_login(personas.viewer_a)
    assert client.get(reverse("activities:organisation_search"), {"q": "mai"}).status_code == 403


def test_the_review_cycle_through_the_pages(client, personas):
    activity = make_activity(personas)
    client.force_login(personas.editor_a)
    assert client.post(reverse("activities:submit", args=[activity.pk])).status_code == 302
    activity.refresh_from_db()
    assert activity.review_state == ReviewState.SUBMITTED

    client.force_login(personas.coordinator)
    response = client.post(reverse("activities:return", args=[activity.pk]), {"comment": ""})
    assert response.status_code == 400
    client.post(reverse("activities:return", args=[activity.pk]), {"comment": "Manca il budget"})
    activity.refresh_from_db()
    assert activity.review_state == ReviewState.RETURNED

    client.force_login(personas.editor_a)
    response = client.get(reverse("activities:detail", args=[activity.pk]))
    assert "Manca il budget" in response.text
    client.post(reverse("activities:submit", args=[activity.pk]))
    client.force_login(personas.coordinator)
    client.post(reverse("activities:accept", args=[activity.pk]))
    activity.refresh_from_db()
    assert activity.review_state == ReviewState.ACCEPTED
    assert activity.accepted_snapshot["title_it"] == "Scambio"
    assert list(ReviewEvent.objects.filter(activity=activity).values_list("to_state", flat=True)) == [
        "submitted",
        "returned",
        "submitted",
        "accepted",
    ]
    response = client.get(reverse("activities:detail", args=[activity.pk]))
    assert "Manca il budget" in response.text  # the kept transition


def test_it_refuses_to_submit_an_incomplete_activity(client, personas):
    activity = make_activity(personas, description_it="")
    client.force_login(personas.editor_a)
    response = client.post(reverse("activities:submit", args=[activity.pk]), follow=True)
    activity.refresh_from_db()
    assert activity.review_state == ReviewState.DRAFT
    assert "description in Italian" in response.text or "descrizione in italiano" in response.text


def test_bulk_accept(client, personas):
    first = make_activity(personas, state="submitted")
    second = make_activity(personas, state="submitted", title_it="Altro")
    draft = make_activity(personas, title_it="Bozza")
    client.force_login(personas.coordinator)
    response = client.post(reverse("activities:bulk_accept"), {"activities": [first.pk, second.pk]})
    assert response.status_code == 302
    assert set(Activity.objects.accepted().values_list("pk", flat=True)) == {first.pk, second.pk}
    response = client.post(reverse("activities:bulk_accept"), {"activities": [draft.pk]})
    draft.refresh_from_db()
    assert draft.review_state == ReviewState.DRAFT


def test_an_accepted_activity_is_revised_while_the_snapshot_stays(client, personas):
    activity = make_activity(personas, state="accepted", title_it="Versione accettata")
    client.force_login(personas.editor_a)
    assert client.get(reverse("activities:edit", args=[activity.pk])).status_code == 403
    response = client.post(reverse("activities:revise", args=[activity.pk]), {"version": activity.version})
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.review_state == ReviewState.DRAFT
    data = form_data(activity, title_it="Revisione")
    assert client.post(reverse("activities:edit", args=[activity.pk]), data).status_code == 302
    activity.refresh_from_db()
    assert activity.title_it == "Revisione"
    assert activity.accepted_snapshot["title_it"] == "Versione accettata"
    assert activity in Activity.objects.public()
    assert activity in Activity.objects.has_accepted_version()


def test_an_old_form_gets_the_conflict_page_and_can_merge(client, personas):
    activity = make_activity(personas, title_it="Titolo", description_it="Descrizione")
    old = form_data(activity, title_it="Titolo", description_it="Descrizione")
    client.force_login(personas.editor_a)
    # Someone else saves first, changing the description.
    first = dict(old, description_it="Descrizione nuova dell'altro")
    assert client.post(reverse("activities:edit", args=[activity.pk]), first).status_code == 302
    # The second form, from the old version, changes the title.
    second = dict(old, title_it="Titolo mio")
    response = client.post(reverse("activities:edit", args=[activity.pk]), second)
    assert response.status_code == 409
    assert "Titolo mio" in response.text and "Descrizione nuova dell&#x27;altro" in response.text
    activity.refresh_from_db()
    assert activity.title_it == "Titolo" and activity.version == 2
    # The merge keeps my title and their description (the defaults).
    merged = dict(second, _merge="1", version=str(activity.version), choose_title_it="mine")
    merged["choose_description_it"] = "current"
    response = client.post(reverse("activities:edit", args=[activity.pk]), merged)
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.title_it == "Titolo mio"
    assert activity.description_it == "Descrizione nuova dell'altro"


def test_copy_from_last_year(client, personas):
    city = PartnerCity.objects.create(name_it="Lione", country_id="FR")
    activity = make_activity(personas, state="accepted", year=2024)
    activity.city_links.create(city=city, role="lead")
    client.force_login(personas.editor_a)
    response = client.post(reverse("activities:copy", args=[activity.pk]), {"year": "2025"})
    assert response.status_code == 302
    copy = Activity.objects.get(copied_from=activity)
    assert copy.year == 2025 and copy.review_state == ReviewState.DRAFT
    assert copy.city_links.get().city == city
    client.post(reverse("activities:copy", args=[activity.pk]), {"year": "2025"})
    assert Activity.objects.filter(copied_from=activity).count() == 1


@pytest.mark.parametrize(("language", "heading"), [("it", "Nuova attività"), ("en", "New activity")])
def test_the_pages_speak_italian_and_english(client, personas, language, heading):
    activity = make_activity(personas)
    client.force_login(personas.editor_a)
    response = client.get(f"/{language}/workspace/activities/new/")
    assert f"<h1>{heading}</h1>" in response.text
    for url in [f"/{language}/workspace/activities/", f"/{language}/workspace/activities/{activity.pk}/"]:
        assert client.get(url).status_code == 200
