"""Keyboard only (Tab, Space, Enter) with visible focus, and the GOV.UK error pattern."""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import ANSWER, TEAM, login, screenshot, set_language

pytestmark = pytest.mark.browser

FOCUS_STYLE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  return {
    tag: el.tagName, id: el.id, name: el.getAttribute('name') || '',
    text: (el.innerText || el.value || '').slice(0, 40),
    visible: outline || style.boxShadow !== 'none',
  };
}"""


class Keyboard:
    """Moves with Tab only and records every element that receives focus."""

    def __init__(self, page):
        self.page = page
        self.reached: list[dict] = []

    def tab_to(self, selector: str, limit: int = 80) -> None:
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            focused = self.page.evaluate(FOCUS_STYLE)
            self.reached.append({**focused, "url": self.page.url})
            if self.page.evaluate("s => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"Tab never reached {selector} on {self.page.url}")

    def type_into(self, selector: str, text: str) -> None:
        self.tab_to(selector)
        self.page.keyboard.type(text)

    def press_on(self, selector: str, key: str) -> None:
        self.tab_to(selector)
        if key == "Enter":  # follows a link or submits a form
            with self.page.expect_navigation():
                self.page.keyboard.press(key)
        else:
            self.page.keyboard.press(key)

    def no_invisible_focus(self) -> None:
        # Tabbing past the last element leaves the page (the body is focused): not a defect.
        invisible = [r for r in self.reached if not r["visible"] and r["tag"] != "BODY"]
        assert not invisible, f"focus not visible on: {invisible[:5]}"


def test_team_journey_with_the_keyboard_only(page):
    page.goto("/login")
    set_language(page, "sv")
    keys = Keyboard(page)
    keys.type_into("#email", TEAM[0])
    keys.type_into("#password", TEAM[1])
    keys.press_on("main button[type=submit]", "Enter")
    page.wait_for_url(re.compile(r"/$"))

    keys.press_on("main a[href$='/analyses/new']", "Enter")
    page.wait_for_url(re.compile(r"/analyses/new$"))
    keys.type_into("#title", "Tangentbordsanalys")
    keys.type_into("#organisation", "Region Västra Götaland")
    keys.press_on("input[name=decision_area]", "Space")
    keys.press_on("main form button[type=submit]", "Enter")
    page.wait_for_url(re.compile(r"/analyses/\d+$"))
    hub = page.url

    # Step 1, screening: radio groups with Space, text with the keyboard, save and continue.
    keys.press_on("ol.task-list a[href$='/steps/screening']", "Enter")
    page.wait_for_url(re.compile(r"/steps/screening$"))
    keys.press_on("input[name=children_affected]", "Space")
    keys.type_into("textarea[name=affected_how]", ANSWER["sv"])
    for name in ("magnitude", "child_numbers", "vulnerable_affected", "reversibility"):
        keys.press_on(f"input[name={name}]", "Space")
    keys.press_on("input[name=mark_completed]", "Space")
    keys.press_on("button[name=save_continue]", "Enter")
    page.wait_for_url(re.compile(r"/steps/decision$"))

    # Step 2: every required text field, then "save and come back later".
    for name in ("proposal", "objectives", "zero_option"):
        keys.type_into(f"textarea[name={name}]", ANSWER["sv"])
    keys.type_into("input[name=decision_body]", "Regionstyrelsen")
    keys.press_on("input[name=mark_completed]", "Space")
    keys.press_on("button[name=save_later]", "Enter")
    page.wait_for_url(hub)
    assert page.locator(".task .tag-completed").count() == 2

    # Step 3: add a group of children through the entry form.
    keys.press_on("ol.task-list a[href$='/steps/children']", "Enter")
    keys.press_on("section.entries button[name=go]", "Enter")
    page.wait_for_url(re.compile(r"/entries/child_groups/new$"))
    keys.type_into("#label", "Barn i förskoleåldern")
    keys.press_on("input[name=age_band]", "Space")
    keys.press_on("input[name=relation]", "Space")
    keys.press_on("main form button[type=submit]", "Enter")
    page.wait_for_url(re.compile(r"/steps/children"))
    assert "Barn i förskoleåldern" in page.locator("#child_groups").inner_text()
    screenshot(page, "keyboard-children-sv")
    keys.no_invisible_focus()
    assert len(keys.reached) > 20


@pytest.mark.parametrize(("language", "prefix"), [("sv", "Fel:"), ("en", "Error:")])
def test_error_summary_pattern(page, language, prefix):
    login(page, TEAM, language)
    page.goto("/analyses/new")
    page.locator("#organisation").fill("Region Västra Götaland")
    with page.expect_navigation():  # the form comes back at the same address
        page.locator("main form button[type=submit]").click()
    assert page.title().startswith(prefix)
    assert page.evaluate("() => document.activeElement.id") == "error-summary"
    focus = page.evaluate(FOCUS_STYLE)
    assert focus["visible"], focus
    links = page.locator("#error-summary a")
    assert links.count() >= 2  # the title and the decision area
    for index in range(links.count()):
        link = links.nth(index)
        target = link.get_attribute("href").removeprefix("#")
        link.click()
        assert page.evaluate("() => document.activeElement.id") == target
        # The field shows its own message and is marked invalid for assistive technology.
        field = page.locator(f"#{target}")
        assert (
            field.get_attribute("aria-invalid") == "true"
            or page.locator(f"#{target.rsplit('-', 1)[0]}-error").is_visible()
        )
    # Input is never lost.
    assert page.locator("#organisation").input_value() == "Region Västra Götaland"
    screenshot(page, f"error-summary-{language}")
