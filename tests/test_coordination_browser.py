"""The coordination table in a real Chromium: a whole meeting, from its
creation to an action item done, by the coordinator and a delegate working
in two browsers, with axe-core's audit of every page on the way."""

import datetime

import pytest
from django.utils import timezone

from relint.coordination.models import ActionItem, ActionStatus, Attendance, Meeting, MinutesState
from relint.core.testing import PASSWORD
from tests.conftest import axe_violations

pytestmark = pytest.mark.browser


def _sign_in(page, username: str, language: str) -> None:
    page.goto(f"/{language}/account/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/{language}/workspace/")


def _clean(page) -> None:
    assert axe_violations(page) == [], page.url


@pytest.mark.parametrize("language", ["it", "en"])
def test_it_runs_a_meeting_from_creation_to_an_action_done(live_personas, new_page, language):
    personas = live_personas
    coordinator = new_page()
    delegate = new_page()
    _sign_in(coordinator, "coordinator", language)
    _sign_in(delegate, "editor_a", language)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    # 1. The coordinator creates a meeting.
    coordinator.goto(f"/{language}/workspace/table/")
    _clean(coordinator)
    coordinator.goto(f"/{language}/workspace/table/meetings/new/")
    _clean(coordinator)
    coordinator.fill("#id_title", "Tavolo di dicembre")
    coordinator.fill("#id_starts_at", f"{yesterday:%Y-%m-%d}T10:00")
    coordinator.fill("#id_ends_at", f"{yesterday:%Y-%m-%d}T09:00")  # wrong on purpose
    coordinator.fill("#id_place", "Palazzo Civico")
    coordinator.select_option("#id_invited_departments", [str(personas.department_a.pk), str(personas.department_b.pk)])
    coordinator.locator("main form button[type=submit]").click()
    assert coordinator.locator("#id_ends_at_error").is_visible()
    _clean(coordinator)
    coordinator.fill("#id_ends_at", f"{yesterday:%Y-%m-%d}T12:00")
    coordinator.locator("main form button[type=submit]").click()
    coordinator.wait_for_url("**/workspace/table/meetings/*/")
    meeting = Meeting.objects.get(title="Tavolo di dicembre")
    meeting_url = f"/{language}/workspace/table/meetings/{meeting.pk}/"
    _clean(coordinator)

    # 2. A delegate proposes an item.
    delegate.goto(meeting_url)
    _clean(delegate)
    delegate.goto(f"{meeting_url}agenda/propose/")
    _clean(delegate)
    delegate.fill("#id_title", "Bando Interreg")
    delegate.fill("#id_description", "Proposta della Divisione Ambiente.")
    delegate.locator("main form button[type=submit]").click()
    delegate.wait_for_url(f"**{meeting_url}#agenda")
    assert "Bando Interreg" in delegate.locator("#agenda").locator("..").inner_text()

    # 3. The coordinator approves the agenda...
    coordinator.goto(meeting_url)
    item = meeting.agenda_items.get()
    coordinator.select_option(f"#id_r{item.pk}-state", "approved")
    coordinator.fill(f"#id_r{item.pk}-position", "1")
    coordinator.locator(f"form[action$='/agenda/{item.pk}/review/'] button").click()
    coordinator.wait_for_url(f"**{meeting_url}#agenda")
    _clean(coordinator)

    # ...records attendance (a department not invited is refused first)...
    coordinator.goto(f"{meeting_url}attendance/")
    _clean(coordinator)
    other = meeting.invited_departments.model.objects.exclude(
        pk__in=[personas.department_a.pk, personas.department_b.pk]
    ).first()
    coordinator.select_option("#id_department", str(other.pk))
    coordinator.fill("#id_person_name", "Mario Rossi")
    coordinator.select_option("#id_status", "present")
    coordinator.locator("main form[novalidate] button[type=submit]").click()
    assert coordinator.locator("#id_department_error").is_visible()
    _clean(coordinator)
    coordinator.select_option("#id_department", str(personas.department_a.pk))
    coordinator.select_option("#id_person", str(personas.editor_a.pk))
    coordinator.fill("#id_person_name", "")
    coordinator.locator("main form[novalidate] button[type=submit]").click()
    coordinator.wait_for_url(f"**{meeting_url}attendance/")
    coordinator.select_option("#id_department", str(personas.department_b.pk))
    coordinator.fill("#id_person_name", "Bruno Cultura")
    coordinator.select_option("#id_status", "excused")
    coordinator.locator("main form[novalidate] button[type=submit]").click()
    coordinator.wait_for_url(f"**{meeting_url}attendance/")
    assert Attendance.objects.filter(meeting=meeting).count() == 2

    # ...the minutes...
    coordinator.goto(f"{meeting_url}minutes/")
    _clean(coordinator)
    coordinator.fill("#id_summary", "Riunione ordinaria.")
    coordinator.fill(f"#id_item_{item.pk}", "Il tavolo sostiene la candidatura.")
    coordinator.locator("main form button[type=submit]").click()
    coordinator.wait_for_url(f"**{meeting_url}#minutes")

    # ...and two action items.
    for title, department in (
        ("Preparare la candidatura", personas.department_a),
        ("Cercare partner", personas.department_b),
    ):
        coordinator.goto(f"{meeting_url}actions/new/")
        _clean(coordinator)
        coordinator.fill("#id_title", title)
        coordinator.select_option("#id_owner_department", str(department.pk))
        coordinator.fill("#id_due_on", f"{timezone.localdate() + datetime.timedelta(days=30):%Y-%m-%d}")
        coordinator.locator("main form button[type=submit]").click()
        coordinator.wait_for_url(f"**{meeting_url}#actions")
    _clean(coordinator)

    # The delegate sees nothing of the draft minutes; the coordinator approves them.
    delegate.goto(meeting_url)
    assert "Preparare la candidatura" not in delegate.content()
    coordinator.locator(f"form[action$='/meetings/{meeting.pk}/minutes/approve/'] button").click()
    coordinator.wait_for_url(f"**{meeting_url}#minutes")
    meeting.refresh_from_db()
    assert meeting.minutes_state == MinutesState.APPROVED
    _clean(coordinator)

    # 4. The owner marks an action done, from their own dashboard's list
    # through the meeting page.
    delegate.goto(f"/{language}/workspace/")
    assert "Preparare la candidatura" in delegate.content()
    assert "Cercare partner" not in delegate.content()
    _clean(delegate)
    delegate.goto(meeting_url)
    _clean(delegate)
    action = ActionItem.objects.get(title="Preparare la candidatura")
    assert delegate.locator(f"#id_a{ActionItem.objects.get(title='Cercare partner').pk}-status").count() == 0
    delegate.select_option(f"#id_a{action.pk}-status", "done")
    delegate.locator(f"form[action$='/actions/{action.pk}/status/'] button").click()
    delegate.wait_for_url(f"**{meeting_url}#actions")
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    delegate.goto(f"/{language}/workspace/table/actions/")
    _clean(delegate)
    for path in ("membership/", "calendar/"):
        coordinator.goto(f"/{language}/workspace/table/{path}")
        _clean(coordinator)
