"""iCalendar (RFC 5545) output of table meetings: one meeting's .ics file,
and the feed of all meetings that staff subscribe to."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from icalendar import Calendar, Event

from relint.coordination.models import AgendaItem, Meeting, MeetingState

PRODID = "-//Città di Torino//relint coordination table//IT"


def meeting_uid(meeting: Meeting) -> str:
    # Stable across edits, so calendar programs update the event in place.
    return f"relint-meeting-{meeting.pk}@relint.comune.torino.it"


def meeting_event(meeting: Meeting, agenda: Iterable[AgendaItem] = (), url: str = "") -> Event:
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("last-modified", meeting.updated_at)
    event.add("summary", meeting.title)
    if meeting.place:
        event.add("location", meeting.place)
    lines = [f"{position}. {item.title}" for position, item in enumerate(agenda, start=1)]
    if meeting.online_url:
        lines.append(meeting.online_url)
    if lines:
        event.add("description", "\n".join(lines))
    if url:
        event.add("url", url)
    event.add("status", "CANCELLED" if meeting.state == MeetingState.CANCELLED else "CONFIRMED")
    return event


def meetings_calendar(
    meetings: Iterable[Meeting],
    *,
    agenda_of: dict[int, list[AgendaItem]] | None = None,
    url_of=None,
    name: str = "",
) -> bytes:
    """The calendar, as bytes, of the given meetings. `agenda_of` maps a
    meeting's pk to its approved agenda; `url_of(meeting)` gives its page."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if name:
        calendar.add("x-wr-calname", name)
    for meeting in meetings:
        agenda = (agenda_of or {}).get(meeting.pk, [])
        calendar.add_component(meeting_event(meeting, agenda, url_of(meeting) if url_of else ""))
    return calendar.to_ical()
