"""Issue 16, item 4, in a real browser: from a signed-off analysis, the team starts a new one
for the next wave; a mistake in the form is shown and nothing typed is lost; the new analysis
says where it started from and the earlier one where it was used. axe checks both pages."""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import TEAM, login
from tests.browser.test_accessibility import FLOOR, describe, run_axe

pytestmark = pytest.mark.browser

TITLE = "Millennium, våg 6: utgår från våg 4"


def test_the_team_starts_the_next_wave_from_a_signed_off_analysis(new_context, analyses):
    page = new_context().new_page()
    login(page, TEAM, "sv")
    earlier = f"/analyses/{analyses['approved']}"
    page.goto(earlier)
    earlier_title = page.locator("h1").first.inner_text()
    page.get_by_role("link", name="Starta en ny analys utifrån denna").click()
    page.wait_for_url(re.compile(r"/start-from$"))
    failing = [v for v in run_axe(page) if FLOOR & set(v["tags"])]
    assert not failing, describe(failing)

    # The title forgotten: the error is shown and the rest is kept.
    page.locator("#diarienummer").fill("RS 2026-00123")
    page.locator("#planned_decision_date").fill("2026-06-30")
    # The form comes back at the same address: wait for that page, not just any load state.
    with page.expect_navigation():
        page.get_by_role("button", name="Starta den nya analysen").click()
    assert page.title().startswith("Fel:")
    assert page.locator("#diarienummer").input_value() == "RS 2026-00123"
    assert page.locator("#planned_decision_date").input_value() == "2026-06-30"
    page.locator("#title").fill(TITLE)
    page.get_by_role("button", name="Starta den nya analysen").click()
    page.wait_for_url(re.compile(r"/analyses/\d+$"))
    new = page.url
    assert new.rsplit("/", 1)[1] != str(analyses["approved"])

    panel = page.locator("#started-from")
    assert "Utgår från:" in panel.inner_text()
    assert page.locator(".tag-completed").count() == 0  # every step is checked again
    failing = [v for v in run_axe(page) if FLOOR & set(v["tags"])]
    assert not failing, describe(failing)
    panel.get_by_role("link", name="Gå till den tidigare analysen").click()
    page.wait_for_url(re.compile(rf"{earlier}$"))
    used = page.locator("#used-as-starting-point")
    assert TITLE in used.inner_text()
    assert page.locator("h1").first.inner_text() == earlier_title
