"""A team member and a reviewer use bka in a real browser, as people would."""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import (
    STEP_KEYS,
    TEAM,
    fill_step,
    login,
    logout,
    screenshot,
)

pytestmark = pytest.mark.browser

TEXT = {
    "sv": {
        "new": "Starta en ny analys",
        "done": "Alla obligatoriska frågor är besvarade",
        "check": "Kontrollera dina svar",
        "completed": "Klar",
    },
    "en": {
        "new": "Start a new analysis",
        "done": "Every required item is answered",
        "check": "Check your answers",
        "completed": "Completed",
    },
}


def create_analysis(page, title: str) -> str:
    """From 'My analyses': start a new analysis; returns the hub URL."""
    page.goto("/")
    page.locator("main a[href$='/analyses/new']").first.click()
    page.locator("#title").fill(title)
    page.locator("#organisation").fill("Region Västra Götaland")
    page.locator("input[name=decision_area]").first.check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/analyses/\d+$"))
    return page.url


@pytest.mark.parametrize("language", ["sv", "en"])
def test_team_member_fills_every_step_leaves_and_comes_back(page, language):
    text = TEXT[language]
    login(page, TEAM, language)
    hub = create_analysis(page, f"Nytt journalsystem ({language})")
    # The first half of the steps, then "save and come back later" and log out.
    page.locator("ol.task-list a").first.click()
    for key in STEP_KEYS[:5]:
        assert f"/steps/{key}" in page.url
        fill_step(page, language, later=key == STEP_KEYS[4])
    assert page.url.split("#")[0] == hub
    assert page.locator(".task .tag-completed").count() == 5
    logout(page)

    # Back the next day: log in, find the analysis, carry on where we left off.
    login(page, TEAM, language)
    page.get_by_role("link", name=f"Nytt journalsystem ({language})").click()
    assert page.url.split("#")[0] == hub
    assert page.locator("#status-evidence").inner_text() == text["completed"]
    page.locator(f"a[href$='/steps/{STEP_KEYS[5]}']").click()
    for key in STEP_KEYS[5:]:
        assert f"/steps/{key}" in page.url, page.url
        fill_step(page, language)
    # "Save and continue" on the last step leads to check your answers.
    assert page.url.split("#")[0] == hub + "/check"
    assert page.locator("h1").inner_text() == text["check"]
    assert text["done"] in page.locator("main").inner_text()
    screenshot(page, f"check-complete-{language}")
    page.goto(hub)
    assert page.locator(".task .tag-completed").count() == len(STEP_KEYS)
    screenshot(page, f"hub-filled-{language}")
