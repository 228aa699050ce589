"""The minutes of a meeting as a tagged PDF, with the annual report's Typst
machinery (`relint.reports.render`): the same bundled fonts, PDF/UA-1, and
data passed to the template as JSON only, so that no text typed by staff is
ever read as Typst markup.

`minutes_data` assembles everything the minutes record; `render_minutes`
typesets it. The PDF is made once, when the coordinator approves the minutes
(`services.minutes_approve`), and stored with its checksum.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from relint.coordination.models import AgendaItemState, Meeting
from relint.reports.render import check_glyphs, compile_pdf
from relint.reports.selectors import clean_text, format_date, paragraphs

TEMPLATE = Path(__file__).resolve().parent / "typst" / "minutes.typ"
# The minutes are the city's record, kept in Italian (the language the table
# works in); the decisions' English texts are for the portal.
LANGUAGE = "it"


def _person(user) -> str:
    return clean_text(user.get_full_name() or user.get_username()) if user else ""


def _labels() -> dict[str, str]:
    return {
        "city": _("City of Turin"),
        "minutes_of": _("Minutes of the coordination table"),
        "when": _("When"),
        "place": _("Place"),
        "online": _("Online meeting link"),
        "invited": _("Invited departments"),
        "attendance": _("Attendance"),
        "department": _("Department"),
        "person": _("Person"),
        "status": _("Status"),
        "no_attendance": _("No attendance recorded."),
        "summary": _("General summary"),
        "agenda": _("Agenda and minutes"),
        "proposed_by": _("Proposed by"),
        "no_agenda": _("No item was on the agenda."),
        "no_minutes": _("No minutes for this item."),
        "decisions": _("Decisions"),
        "strategic": _("strategic"),
        "public": _("public"),
        "on_item": _("On item"),
        "no_decisions": _("No decision recorded."),
        "actions": _("Action items"),
        "action": _("Action"),
        "owner": _("Owner department"),
        "due": _("Due on"),
        "no_actions": _("No action item recorded."),
        "approved": _("Minutes approved on %(date)s by %(name)s."),
        "page": _("Page"),
    }


def minutes_data(meeting: Meeting) -> dict:
    """Everything the approved minutes record, as plain JSON-ready data in
    the minutes' language (a fixed number of queries)."""
    with translation.override(LANGUAGE):
        starts = timezone.localtime(meeting.starts_at)
        ends = timezone.localtime(meeting.ends_at)
        items = list(
            meeting.agenda_items.filter(state=AgendaItemState.APPROVED).select_related("proposed_by_department")
        )
        number_of = {item.pk: position for position, item in enumerate(items, start=1)}
        decisions = list(meeting.decisions.order_by("pk"))
        decision_number = {decision.pk: position for position, decision in enumerate(decisions, start=1)}
        approved_at = timezone.localtime(meeting.minutes_approved_at or timezone.now())
        labels = _labels()
        labels["approved"] = labels["approved"] % {
            "date": format_date(approved_at.date()),
            "name": _person(meeting.minutes_approved_by),
        }
        return {
            "language": LANGUAGE,
            "labels": labels,
            "title": f"{labels['minutes_of']}: {clean_text(meeting.title)}",
            "meeting": {
                "title": clean_text(meeting.title),
                "when": f"{format_date(starts.date())}, {formats.time_format(starts.time(), 'H:i')}–"
                f"{formats.time_format(ends.time(), 'H:i')}"
                + ("" if ends.date() == starts.date() else f" ({format_date(ends.date())})"),
                "place": clean_text(meeting.place),
                "online_url": clean_text(meeting.online_url),
            },
            "invited": [clean_text(d.name_it) for d in meeting.invited_departments.order_by("table_order", "name_it")],
            "attendance": [
                {
                    "department": clean_text(record.department.name_it),
                    "person": _person(record.person) or clean_text(record.person_name),
                    "status": str(record.get_status_display()),
                }
                for record in meeting.attendances.select_related("department", "person").order_by(
                    "department__table_order", "department__name_it", "status", "pk"
                )
            ],
            "summary": paragraphs(meeting.minutes_summary),
            "items": [
                {
                    "number": number_of[item.pk],
                    "title": clean_text(item.title),
                    "proposed_by": clean_text(item.proposed_by_department.name_it)
                    if item.proposed_by_department
                    else "",
                    "minutes": paragraphs(item.minutes),
                }
                for item in items
            ],
            "decisions": [
                {
                    "number": decision_number[decision.pk],
                    "text": paragraphs(decision.text_it),
                    "strategic": decision.is_strategic,
                    "public": decision.is_public,
                    "item": str(number_of.get(decision.agenda_item_id, "")),
                }
                for decision in decisions
            ],
            "actions": [
                {
                    "title": clean_text(action.title),
                    "description": paragraphs(action.description),
                    "owner": clean_text(action.owner_department.name_it),
                    "due": format_date(action.due_on),
                    "status": str(action.get_status_display()),
                    "decision": str(decision_number.get(action.decision_id, "")),
                }
                for action in meeting.action_items.select_related("owner_department").order_by("due_on", "pk")
            ],
            "built": _date_parts(approved_at.date()),
        }


def _date_parts(day: datetime.date) -> dict[str, int]:
    return {"year": day.year, "month": day.month, "day": day.day}


def render_minutes(data: dict) -> bytes:
    """The tagged PDF of `minutes_data`. Raises `ReportRenderError` with a
    readable reason (a character no bundled font draws, a Typst error)."""
    check_glyphs(data)
    return compile_pdf(json.dumps(data, ensure_ascii=False, separators=(",", ":")), template=TEMPLATE)
