"""The workspace in a real Chromium: signing in with the keyboard, and
axe-core's WCAG 2.1 AA audit of the pages a member of staff first sees."""

import pytest

from relint.core.testing import PASSWORD
from tests.conftest import axe_violations

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["it", "en"])
def test_it_signs_in_an_editor_with_the_keyboard(live_personas, new_page, language):
    page = new_page()
    page.goto(f"/{language}/account/login/")
    assert axe_violations(page) == []
    page.keyboard.press("Tab")  # the skip link comes first
    page.get_by_label("Username" if language == "en" else "Nome utente").fill("editor_a")
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/{language}/workspace/")
    heading = "Your dashboard" if language == "en" else "Il tuo cruscotto"
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert axe_violations(page) == []
