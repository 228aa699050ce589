"""The activity services: the version guard and the review workflow."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from relint.activities import services
from relint.activities.models import Activity, ReviewEvent, ReviewState

pytestmark = pytest.mark.django_db


def _draft(personas, **extra) -> Activity:
    fields = {"year": 2025, "kind": "exchange", "title_it": "Scambio", "lead_department": personas.department_a}
    fields.update(extra)
    return services.activity_create(user=personas.editor_a, fields=fields)


def test_it_creates_drafts_for_the_editors_department(personas):
    activity = _draft(personas)
    assert activity.review_state == ReviewState.DRAFT
    assert activity.created_by == personas.editor_a


def test_it_rejects_creating_for_another_department(personas):
    with pytest.raises(PermissionDenied):
        services.activity_create(
            user=personas.editor_a,
            fields={"year": 2025, "kind": "event", "title_it": "X", "lead_department": personas.department_b},
        )
    assert not Activity.objects.exists()


def test_it_refuses_workflow_fields_from_a_form(personas):
    with pytest.raises(ValueError, match="review_state"):
        _draft(personas, review_state=ReviewState.ACCEPTED)


def test_an_update_from_an_old_version_is_a_conflict(personas):
    activity = _draft(personas)
    services.activity_update(
        user=personas.editor_a, activity=activity, fields={"title_it": "Prima"}, expected_version=1
    )
    with pytest.raises(services.EditConflictError) as conflict:
        services.activity_update(
            user=personas.coordinator, activity=activity, fields={"title_it": "Seconda"}, expected_version=1
        )
    assert conflict.value.current.title_it == "Prima"
    activity.refresh_from_db()
    assert (activity.title_it, activity.version) == ("Prima", 2)


def test_it_rejects_moving_an_activity_to_another_department(personas):
    activity = _draft(personas)
    with pytest.raises(PermissionDenied):
        services.activity_update(
            user=personas.editor_a,
            activity=activity,
            fields={"lead_department": personas.department_b},
            expected_version=1,
        )
    activity.refresh_from_db()
    assert activity.lead_department == personas.department_a


def test_other_editors_and_viewers_cannot_update(personas):
    activity = _draft(personas)
    for user in (personas.editor_b, personas.viewer_a):
        with pytest.raises(PermissionDenied):
            services.activity_update(user=user, activity=activity, fields={"title_it": "X"}, expected_version=1)


def test_the_review_cycle_is_recorded(personas):
    activity = _draft(personas)
    services.activity_submit(user=personas.editor_a, activity=activity)
    with pytest.raises(ValidationError):
        services.activity_return(user=personas.coordinator, activity=activity, comment="  ")
    services.activity_return(user=personas.coordinator, activity=activity, comment="Manca la descrizione.")
    activity.refresh_from_db()
    assert activity.review_state == ReviewState.RETURNED
    assert activity.review_comment == "Manca la descrizione."
    services.activity_submit(user=personas.editor_a, activity=activity)
    services.activity_accept(user=personas.coordinator, activity=activity)
    activity.refresh_from_db()
    assert activity.review_state == ReviewState.ACCEPTED
    assert activity.review_comment == ""
    assert activity.accepted_snapshot["title_it"] == "Scambio"
    assert activity.accepted_snapshot["review_state"] == ReviewState.ACCEPTED
    steps = list(ReviewEvent.objects.filter(activity=activity).values_list("from_state", "to_state", "actor__username"))
    assert steps == [
        ("draft", "submitted", "editor_a"),
        ("submitted", "returned", "coordinator"),
        ("returned", "submitted", "editor_a"),
        ("submitted", "accepted", "coordinator"),
    ]


def test_only_the_coordinator_reviews(personas):
    activity = _draft(personas)
    services.activity_submit(user=personas.editor_a, activity=activity)
    for user in (personas.editor_a, personas.editor_b, personas.viewer_a):
        with pytest.raises(PermissionDenied):
            services.activity_accept(user=user, activity=activity)
        with pytest.raises(PermissionDenied):
            services.activity_return(user=user, activity=activity, comment="no")
    activity.refresh_from_db()
    assert activity.review_state == ReviewState.SUBMITTED


def test_a_submitted_activity_is_locked_for_its_editor(personas):
    activity = _draft(personas)
    services.activity_submit(user=personas.editor_a, activity=activity)
    activity.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.activity_update(
            user=personas.editor_a, activity=activity, fields={"title_it": "X"}, expected_version=activity.version
        )


def test_it_refuses_transitions_out_of_order(personas):
    activity = _draft(personas)
    with pytest.raises(ValidationError):
        services.activity_accept(user=personas.coordinator, activity=activity)
    with pytest.raises(PermissionDenied):
        services.activity_submit(user=personas.editor_b, activity=activity)
