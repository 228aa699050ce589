"""The report workspace in a real Chromium: the coordinator builds and
publishes a report, and axe-core's WCAG 2.1 AA audit of its pages and of
the HTML edition."""

import pytest

from relint.core.testing import PASSWORD
from relint.reports.models import AnnualReport, ReportState
from tests.conftest import axe_violations

pytestmark = pytest.mark.browser


def test_the_coordinator_builds_and_publishes_a_report(live_personas, new_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    page = new_page()
    page.goto("/it/account/login/")
    page.get_by_label("Nome utente").fill("coordinator")
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/it/workspace/")

    page.goto("/it/workspace/reports/2025/")
    assert page.get_by_role("heading", level=1).inner_text() == "Relazione 2025"
    assert axe_violations(page) == []
    page.get_by_label("Edizione").select_option("en")
    page.get_by_role("button", name="Genera la relazione").click()
    page.wait_for_url("**/it/workspace/reports/2025/")
    assert page.get_by_role("button", name="Pubblica").is_visible()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Pubblica").click()
    page.wait_for_url("**/it/workspace/reports/2025/")
    assert AnnualReport.objects.get().state == ReportState.PUBLISHED
    assert page.get_by_text("Versione pubblicata.").is_visible()

    page.get_by_role("link", name="HTML").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Report on internationalization 2025"
    assert axe_violations(page) == []
