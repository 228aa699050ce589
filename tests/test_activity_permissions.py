"""The permission matrix of the activity and round pages: every persona ×
every URL and verb × an activity of their own department, of another
department, and an accepted one.

Each case runs in a savepoint that is rolled back, so every case starts
from the same three activities. A denial must be answered 403 or 404 (an
anonymous visitor is sent to the sign-in page) and change nothing; the
test counts unexpected successes and expects none.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from relint.activities import services
from relint.activities.models import Activity, ActivityAttachment, ReportingRound, ReviewEvent
from tests.activity_helpers import form_data, make_activity

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "coordinator", "admin", "editor_a", "editor_b", "viewer_a"]
OBJECTS = ["own_draft", "other_draft", "accepted"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _department_of(obj: str) -> str:
    return "b" if obj == "other_draft" else "a"


def _is_coordinator(persona: str) -> bool:
    return persona in {"coordinator", "admin"}


def _sees(persona: str, obj: str) -> bool:
    if _is_coordinator(persona):
        return True
    return {"editor_a": "a", "viewer_a": "a", "editor_b": "b"}.get(persona) == _department_of(obj)


def _edits_department(persona: str, obj: str) -> bool:
    return _is_coordinator(persona) or {"editor_a": "a", "editor_b": "b"}.get(persona) == _department_of(obj)


def _can_edit(persona: str, obj: str) -> bool:
    return _is_coordinator(persona) or (_edits_department(persona, obj) and obj != "accepted")


# (name, method, rule) for the pages of one activity; a rule says who may.
ACTIVITY_ENDPOINTS = [
    ("activities:detail", "get", _sees),
    ("activities:history", "get", _sees),
    ("activities:edit", "get", _can_edit),
    ("activities:edit", "post", _can_edit),
    ("activities:submit", "post", _edits_department),
    ("activities:return", "get", lambda p, o: _is_coordinator(p)),
    ("activities:return", "post", lambda p, o: _is_coordinator(p)),
    ("activities:accept", "post", lambda p, o: _is_coordinator(p)),
    ("activities:revise", "post", _edits_department),
    ("activities:copy", "post", _edits_department),
    ("activities:revert", "post", lambda p, o: _is_coordinator(p)),
    ("activities:attachment_add", "post", _can_edit),
    ("activities:attachment", "get", _sees),
    ("activities:attachment_delete", "post", _can_edit),
]

# Pages without an object: (name, method, who may).
GLOBAL_ENDPOINTS = [
    ("activities:list", "get", {"coordinator", "admin", "editor_a", "editor_b", "viewer_a"}),
    ("activities:create", "get", {"coordinator", "admin", "editor_a", "editor_b"}),
    ("activities:create", "post", {"coordinator", "admin", "editor_a", "editor_b"}),
    ("activities:city_search", "get", {"coordinator", "admin", "editor_a", "editor_b"}),
    ("activities:organisation_search", "get", {"coordinator", "admin", "editor_a", "editor_b"}),
    ("activities:bulk_accept", "post", {"coordinator", "admin"}),
    ("rounds:list", "get", {"coordinator", "admin"}),
    ("rounds:list", "post", {"coordinator", "admin"}),
    ("rounds:detail", "get", {"coordinator", "admin"}),
    ("rounds:remind", "post", {"coordinator", "admin"}),
    ("rounds:close", "post", {"coordinator", "admin"}),
]


def _world(personas) -> dict:
    objects = {
        "own_draft": make_activity(personas, title_it="Bozza A"),
        "other_draft": make_activity(personas, department=personas.department_b, title_it="Bozza B"),
        "accepted": make_activity(personas, state="accepted", title_it="Accettata A"),
    }
    attachments = {}
    for name, activity in objects.items():
        attachments[name] = ActivityAttachment.objects.create(
            activity=activity,
            title="Allegato",
            file=SimpleUploadedFile("a.pdf", PDF),
            content_type="application/pdf",
            size=len(PDF),
        )
    # A second version, so that there is an earlier one to revert to.
    for activity in objects.values():
        activity.refresh_from_db()
    draft = objects["own_draft"]
    services.activity_update(
        user=personas.editor_a, activity=draft, fields={"title_it": "Bozza A bis"}, expected_version=draft.version
    )
    reporting_round = ReportingRound.objects.create(year=2025, deadline="2025-12-31")
    services.round_open(user=personas.coordinator, year=2025, deadline=reporting_round.deadline)
    return {"objects": objects, "attachments": attachments, "round": ReportingRound.objects.get(year=2025)}


def _state() -> tuple:
    """Everything a forbidden request could change."""
    return (
        tuple(Activity.objects.order_by("pk").values_list("pk", "version", "review_state", "title_it")),
        ActivityAttachment.objects.count(),
        ReviewEvent.objects.count(),
        tuple(ReportingRound.objects.values_list("pk", "state", "deadline")),
    )


def _request(client, method, url, data):
    return client.get(url, data) if method == "get" else client.post(url, data)


def _activity_case(name, method, obj, world, personas):
    activity = Activity.objects.get(pk=world["objects"][obj].pk)
    attachment = world["attachments"][obj]
    if name in {"activities:attachment", "activities:attachment_delete"}:
        url = reverse(name, args=[attachment.pk])
    elif name == "activities:revert":
        url = reverse(name, args=[activity.pk, activity.history.order_by("history_id").first().history_id])
    else:
        url = reverse(name, args=[activity.pk])
    data = {
        "activities:edit": form_data(activity, title_it="Cambiato") if method == "post" else {},
        "activities:return": {"comment": "Da rivedere"} if method == "post" else {},
        "activities:revise": {"version": activity.version},
        "activities:copy": {"year": "2026"},
        "activities:revert": {"version": activity.version},
        "activities:attachment_add": {"title": "Nuovo", "file": SimpleUploadedFile("b.pdf", PDF)},
    }.get(name, {})
    return url, data


def _global_case(name, method, world, personas):
    if name.startswith("rounds:") and name != "rounds:list":
        return reverse(name, args=[world["round"].pk]), {}
    data = (
        {
            "activities:create": form_data(lead_department=personas.department_a.pk),
            "activities:city_search": {"q": "Lio"},
            "activities:organisation_search": {"q": "On"},
            "activities:bulk_accept": {"activities": [world["objects"]["own_draft"].pk]},
            "rounds:list": {"year": "2026", "deadline": "2026-12-31"},
        }.get(name, {})
        if (method == "post" or name in ("activities:city_search", "activities:organisation_search"))
        else {}
    )
    return reverse(name), data


def _check(client, persona, method, url, data, allowed, unexpected, denials, settings_media):
    sid = transaction.savepoint()
    before = _state()
    response = _request(client, method, url, data)
    status = response.status_code
    after = _state()
    transaction.savepoint_rollback(sid)
    assert status < 500, (persona, method, url, status)
    if allowed:
        assert status not in (403, 404), (persona, method, url, status)
        return
    if persona == "anonymous":
        denied = status == 302 and response["Location"].startswith(reverse("account:login"))
    else:
        denied = status in (403, 404)
    if not denied or before != after:
        unexpected.append((persona, method, url, status))
    denials.append(status)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_permission_matrix(client, personas, persona, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = _world(personas)
    if persona != "anonymous":
        client.force_login(getattr(personas, persona))
    unexpected: list = []
    denials: list = []
    cases = 0
    for name, method, rule in ACTIVITY_ENDPOINTS:
        for obj in OBJECTS:
            url, data = _activity_case(name, method, obj, world, personas)
            visible = _sees(persona, obj) if persona != "anonymous" else False
            allowed = persona != "anonymous" and visible and rule(persona, obj)
            _check(client, persona, method, url, data, allowed, unexpected, denials, tmp_path)
            cases += 1
    for name, method, who in GLOBAL_ENDPOINTS:
        url, data = _global_case(name, method, world, personas)
        _check(client, persona, method, url, data, persona in who, unexpected, denials, tmp_path)
        cases += 1
    assert cases == len(ACTIVITY_ENDPOINTS) * len(OBJECTS) + len(GLOBAL_ENDPOINTS)
    assert unexpected == []
    # Something is denied to everyone but the coordinator and the admin.
    assert (len(denials) > 0) != _is_coordinator(persona)


def test_invisible_activities_answer_404_and_visible_forbidden_ones_403(client, personas):
    other = make_activity(personas, department=personas.department_b)
    own = make_activity(personas)
    client.force_login(personas.editor_a)
    assert client.get(reverse("activities:detail", args=[other.pk])).status_code == 404
    assert client.post(reverse("activities:accept", args=[own.pk])).status_code == 403
    client.force_login(personas.viewer_a)
    assert client.get(reverse("activities:edit", args=[own.pk])).status_code == 403


def test_wrong_verbs_answer_405(client, personas):
    own = make_activity(personas)
    client.force_login(personas.coordinator)
    assert client.get(reverse("activities:submit", args=[own.pk])).status_code == 405
    assert client.get(reverse("activities:accept", args=[own.pk])).status_code == 405
    assert client.delete(reverse("activities:detail", args=[own.pk])).status_code == 405
    assert client.post(reverse("activities:list")).status_code == 405
