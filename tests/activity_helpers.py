"""Helpers shared by the activity page tests: a POST body for the activity
form, and activities in each review state."""

from __future__ import annotations

import datetime

from relint.activities import services
from relint.activities.models import Activity


def form_data(activity: Activity | None = None, **fields) -> dict:
    """A complete, valid POST for the activity form, with empty formsets."""
    data = {
        "year": "2025",
        "kind": "exchange",
        "lead_department": "",
        "title_it": "Scambio con Lione",
        "title_en": "",
        "description_it": "Scambio di buone pratiche.",
        "description_en": "",
        "results_it": "",
        "results_en": "",
        "status": "ongoing",
        "start_date": "2025-03-01",
        "start_precision": "day",
        "end_date": "",
        "end_precision": "day",
        "programme": "",
        "dac_sector": "",
        "is_public": "on",
    }
    if activity is not None:
        data["version"] = str(activity.version)
        data["lead_department"] = str(activity.lead_department_id)
    for prefix in ("cities", "organisations", "funding", "links"):
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    data.update({k: str(v) if not isinstance(v, list) else v for k, v in fields.items()})
    return data


def rows(prefix: str, *items: dict) -> dict:
    """Formset rows for `form_data`."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(items)), f"{prefix}-INITIAL_FORMS": "0"}
    for index, item in enumerate(items):
        for name, value in item.items():
            data[f"{prefix}-{index}-{name}"] = value
    return data


def make_activity(personas, *, department=None, state="draft", **extra) -> Activity:
    """An activity of department A (or `department`) moved to `state`
    through the services."""
    department = department or personas.department_a
    editor = personas.editor_a if department == personas.department_a else personas.editor_b
    fields = {
        "year": 2025,
        "kind": "exchange",
        "title_it": "Scambio",
        "description_it": "Descrizione",
        "lead_department": department,
        "status": "ongoing",
        "start_date": datetime.date(2025, 3, 1),
    }
    fields.update(extra)
    activity = services.activity_create(user=editor, fields=fields)
    # Complete: a place too (see REQUIRED_FOR_SUBMISSION).
    activity.countries.add("FR")
    if state in {"submitted", "returned", "accepted"}:
        activity = services.activity_submit(user=editor, activity=activity)
    if state == "returned":
        activity = services.activity_return(user=personas.coordinator, activity=activity, comment="Da rivedere")
    if state == "accepted":
        activity = services.activity_accept(user=personas.coordinator, activity=activity)
    return activity
