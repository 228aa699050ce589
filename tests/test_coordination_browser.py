"""The coordination table in a real Chromium: a whole meeting, from its
creation to an action item done, by the coordinator and a delegate working
in two browsers, with axe-core's audit of every page on the way."""

import datetime

import pytest
from django.utils import timezone

from relint.coordination import services
from relint.coordination.models import (
    ActionItem,
    ActionStatus,
    Attendance,
    Meeting,
    MeetingAttachment,
    MinutesState,
)
from relint.core.testing import PASSWORD
from relint.departments.models import TableMembership
from tests.conftest import axe_violations
from tests.coordination_helpers import make_full, make_meeting, pdf_upload

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


@pytest.fixture
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_every_table_page_passes_axe_and_single_records_change_without_script(
    live_personas, new_page, browser, live_server, _media
):
    personas = live_personas
    data = make_full(personas, make_meeting(personas))
    meeting, decision, action = data["meeting"], data["decision"], data["action"]
    attachment = services.attachment_add(
        user=personas.coordinator, meeting=meeting, title="Ordine del giorno", upload=pdf_upload()
    )
    membership = TableMembership.objects.first()
    base = f"/en/workspace/table/meetings/{meeting.pk}/"
    coordinator = new_page("en-GB")
    _sign_in(coordinator, "coordinator", "en")
    for path in (
        base,
        f"{base}edit/",
        f"{base}agenda/propose/",
        f"{base}attendance/",
        f"{base}minutes/",
        f"{base}decisions/new/",
        f"{base}decisions/{decision.pk}/edit/",
        f"{base}decisions/{decision.pk}/delete/",
        f"{base}actions/new/",
        f"{base}actions/{action.pk}/edit/",
        f"{base}actions/{action.pk}/delete/",
        f"{base}attachments/new/",
        f"{base}attachments/{attachment.pk}/edit/",
        f"{base}attachments/{attachment.pk}/delete/",
        "/en/workspace/table/",
        "/en/workspace/table/actions/",
        "/en/workspace/table/membership/",
        "/en/workspace/table/membership/new/",
        f"/en/workspace/table/membership/{membership.pk}/edit/",
        "/en/workspace/table/calendar/",
    ):
        response = coordinator.goto(path)
        assert response.status == 200, path
        _clean(coordinator)

    # Without JavaScript: an edit refused for bad input, then saved; a delete
    # confirmed on its own page.
    context = browser.new_context(base_url=live_server.url, locale="en-GB", java_script_enabled=False)
    plain = context.new_page()
    _sign_in(plain, "coordinator", "en")
    plain.goto(f"{base}decisions/{decision.pk}/edit/")
    plain.fill("#id_text_it", "")
    plain.locator("main form button[type=submit]").click()
    assert plain.locator("#id_text_it_error").is_visible()
    plain.fill("#id_text_it", "Il tavolo partecipa al bando.")
    plain.locator("main form button[type=submit]").click()
    plain.wait_for_url(f"**{base}#decisions")
    assert "Il tavolo partecipa al bando." in plain.locator("#decisions").locator("..").inner_text()
    plain.goto(f"{base}attachments/{attachment.pk}/delete/")
    plain.locator("main form button[type=submit]").click()
    plain.wait_for_url(f"**{base}#attachments")
    assert not MeetingAttachment.objects.filter(pk=attachment.pk).exists()
    decision.refresh_from_db()
    assert decision.text_it == "Il tavolo partecipa al bando."

    # Approved: the page offers the PDF and no longer any edit.
    plain.locator(f"form[action$='/meetings/{meeting.pk}/minutes/approve/'] button").click()
    plain.wait_for_url(f"**{base}#minutes")
    context.close()
    coordinator.goto(base)
    _clean(coordinator)
    assert coordinator.locator(f"a[href$='{base}minutes.pdf']").count() == 1
    assert coordinator.locator("a[href*='/edit/'], a[href*='/delete/']").count() == 0
    assert len(Meeting.objects.get(pk=meeting.pk).minutes_pdf_sha256) == 64
