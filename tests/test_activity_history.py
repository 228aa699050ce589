"""Each activity's history with readable differences, and the
coordinator's version-guarded revert (relint.core.history)."""

import pytest
from django.urls import reverse

from relint.activities import services
from relint.activities.models import Activity
from relint.core.history import history_entries
from tests.activity_helpers import form_data, make_activity

pytestmark = pytest.mark.django_db


def test_it_shows_who_changed_what(client, personas):
    activity = make_activity(personas, title_it="Primo titolo")
    client.force_login(personas.editor_a)
    data = form_data(activity, title_it="Secondo titolo", status="completed", countries=["FR", "DE"])
    assert client.post(reverse("activities:edit", args=[activity.pk]), data).status_code == 302
    response = client.get(reverse("activities:history", args=[activity.pk]))
    assert response.status_code == 200
    text = response.text
    assert "Primo titolo" in text and "Secondo titolo" in text
    assert "Alice Ambiente" in text
    # Coded values and many-to-many fields by name, not by code.
    assert "Conclusa" in text or "Completed" in text
    assert "Germania" in text or "Germany" in text


def test_history_entries_are_generic(personas):
    activity = make_activity(personas, title_it="A")
    services.activity_update(
        user=personas.editor_a, activity=activity, fields={"title_it": "B"}, expected_version=activity.version
    )
    entries = history_entries(activity)
    latest = entries[0]
    assert [(c.name, c.old, c.new) for c in latest.changes] == [("title_it", "A", "B")]
    # Works for any tracked model, e.g. a department.
    assert history_entries(personas.department_a) is not None


def test_the_coordinator_reverts_to_an_earlier_version(client, personas):
    activity = make_activity(personas, title_it="Originale")
    first = activity.history.order_by("-history_id").first()
    services.activity_update(
        user=personas.editor_a, activity=activity, fields={"title_it": "Sbagliato"}, expected_version=activity.version
    )
    activity.refresh_from_db()
    client.force_login(personas.coordinator)
    url = reverse("activities:revert", args=[activity.pk, first.history_id])
    # From an old page: refused, nothing changed.
    client.post(url, {"version": activity.version - 1})
    activity.refresh_from_db()
    assert activity.title_it == "Sbagliato"
    response = client.post(url, {"version": activity.version})
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.title_it == "Originale"
    assert list(activity.countries.values_list("iso2", flat=True)) == ["FR"]


def test_editors_cannot_revert(client, personas):
    activity = make_activity(personas, title_it="Originale")
    first = activity.history.order_by("history_id").first()
    client.force_login(personas.editor_a)
    response = client.post(
        reverse("activities:revert", args=[activity.pk, first.history_id]), {"version": activity.version}
    )
    assert response.status_code == 403
    assert Activity.objects.get().version == activity.version
