"""The import in a real Chromium: upload, dry run and commit, with
axe-core's WCAG 2.1 AA audit of each page (issue 6)."""

import pytest

from relint.activities.models import Activity
from relint.core.testing import PASSWORD
from tests.conftest import axe_violations
from tests.test_import import row, xlsx

pytestmark = pytest.mark.browser


def test_it_uploads_dry_runs_and_commits_a_workbook(live_personas, new_page, tmp_path):
    path = tmp_path / "attivita.xlsx"
    path.write_bytes(xlsx([row(title_it="Dal browser"), row(title_it="Seconda", end="31/12/2026")]))
    page = new_page()
    page.goto("/it/account/login/")
    page.get_by_label("Nome utente").fill("editor_a")
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/it/workspace/")
    page.get_by_role("link", name="Importa", exact=True).click()
    page.wait_for_url("**/it/workspace/import/")
    assert axe_violations(page) == []
    page.get_by_label("Cartella di lavoro o file CSV").set_input_files(str(path))
    page.get_by_role("button", name="Verifica il file (prova)").click()
    page.wait_for_selector("#count-new")
    assert page.locator("#count-new").inner_text() == "2"
    assert not Activity.objects.exists()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Importa queste modifiche").click()
    page.wait_for_selector(".alert-success")
    assert page.locator("#run-state").inner_text() == "Importato"
    assert sorted(Activity.objects.values_list("title_it", flat=True)) == ["Dal browser", "Seconda"]
    assert axe_violations(page) == []
