"""The reporting round: opening, the completeness page, reminders to late
departments (button and `manage.py send_round_reminders`), closing."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from relint.activities.models import ReportingRound, RoundState
from tests.activity_helpers import make_activity

pytestmark = pytest.mark.django_db


def _open(client, personas, year="2025", deadline="2025-12-31"):
    client.force_login(personas.coordinator)
    return client.post(reverse("rounds:list"), {"year": year, "deadline": deadline})


def test_the_coordinator_opens_and_closes_a_round(client, personas):
    response = _open(client, personas)
    reporting_round = ReportingRound.objects.get()
    assert response.status_code == 302
    assert reporting_round.state == RoundState.OPEN and reporting_round.opened_at
    # A second open round is refused with a clear error.
    response = _open(client, personas, year="2026", deadline="2026-12-31")
    assert response.status_code == 400
    assert ReportingRound.objects.count() == 1
    client.post(reverse("rounds:close", args=[reporting_round.pk]))
    reporting_round.refresh_from_db()
    assert reporting_round.state == RoundState.CLOSED and reporting_round.closed_at


def test_bad_round_input_is_refused(client, personas):
    for year, deadline in [("1800", "2025-12-31"), ("2025", "2025-02-30"), ("", "")]:
        assert _open(client, personas, year=year, deadline=deadline).status_code == 400
    assert not ReportingRound.objects.exists()


def test_the_completeness_page_shows_each_department(client, personas):
    _open(client, personas)
    make_activity(personas, state="submitted")
    make_activity(personas, department=personas.department_b, description_it="")
    response = client.get(reverse("rounds:detail", args=[ReportingRound.objects.get().pk]))
    assert response.status_code == 200
    assert personas.department_a.name_it in response.text
    assert personas.department_b.name_it in response.text


def test_reminders_go_to_the_editors_of_late_departments(client, personas):
    _open(client, personas)
    make_activity(personas, state="submitted")  # department A is done
    make_activity(personas, department=personas.department_b)  # B has a draft
    mail.outbox.clear()
    response = client.post(reverse("rounds:remind", args=[ReportingRound.objects.get().pk]))
    assert response.status_code == 302
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert "editor_b@comune.example" in recipients
    assert "editor_a@comune.example" not in recipients
    assert "2025" in mail.outbox[0].subject


def test_the_command_sends_the_same_reminders(client, personas, capsys):
    _open(client, personas, deadline=str(datetime.date.today()))
    make_activity(personas, department=personas.department_b)
    mail.outbox.clear()
    call_command("send_round_reminders")
    assert "editor_b@comune.example" in [address for message in mail.outbox for address in message.to]
    assert "reminders sent" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("send_round_reminders", "--year", "1999")
