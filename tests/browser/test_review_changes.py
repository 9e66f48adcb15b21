"""The review page of a second round in a real browser: the changed step is open with what
changed, the others are folded away and open without JavaScript, and axe finds nothing in
Swedish or English, folded or unfolded."""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import REVIEWER, TEAM, login, screenshot, set_language
from tests.browser.test_accessibility import FLOOR, LANGUAGES, describe, run_axe

pytestmark = pytest.mark.browser

# The demo's analysis that the reviewer sent back, asking for changes to the participation step.
SENT_BACK = "Införande av vårdinformationssystemet Millennium, våg 3: Fyrbodal"
ADDED_SENTENCE = "Ungdomsrådet ville ha egen inloggning och det har vi ändrat efter samtalet."
SUMMARY = {
    "sv": "1 av 11 steg har ändrats sedan granskningsomgång 1 avslutades",
    "en": "1 of 11 steps changed since review round 1 ended",
}


@pytest.fixture(scope="module")
def second_round(chromium, live_server) -> str:
    """The team adds a sentence to the participation step's first answer and sends the
    analysis again; returns the URL of its review page."""
    context = chromium.new_context(base_url=live_server.url)
    page = context.new_page()
    login(page, TEAM, "sv")
    page.get_by_role("link", name=SENT_BACK, exact=True).click()
    page.wait_for_url(re.compile(r"/analyses/\d+$"))
    hub = page.url
    page.goto(hub + "/steps/participation")
    first = page.locator("form.step-form textarea").first
    first.fill(f"{first.input_value()} {ADDED_SENTENCE}")
    page.locator("input[name=mark_completed]").check()
    with page.expect_navigation():  # the page the post leads to
        page.locator("button[name=save_later]").click()
    page.goto(hub + "/check")
    page.locator("#reviewer").select_option(label="Gustav Granskare")
    page.locator("#submit button[type=submit]").click()
    page.wait_for_url(re.compile(r"/analyses/\d+$"))
    context.close()
    return hub + "/review"


def assert_no_violations(page, state: str) -> None:
    failing = [v for v in run_axe(page) if FLOOR & set(v["tags"])]
    assert not failing, f"review of a second round, {state}\n{describe(failing)}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_second_round_review_shows_what_changed(pages, second_round, language):
    page = pages(REVIEWER, language)
    page.goto(second_round)
    set_language(page, language)
    summary = page.locator("#round-changes")
    assert SUMMARY[language] in summary.inner_text()
    assert summary.locator("a").evaluate_all("links => links.map(a => a.hash)") == [
        "#step-participation"
    ]
    open_steps = page.locator("section.check-step:has(> details[open])")
    assert open_steps.evaluate_all("sections => sections.map(s => s.id)") == ["step-participation"]
    assert page.locator("#step-participation ins").inner_text().strip().endswith(ADDED_SENTENCE)
    screenshot(page, f"review-second-round-{language}")
    assert_no_violations(page, f"folded ({language})")

    # A folded step opens with its summary, no script needed.
    screening = page.locator("#step-screening details")
    assert not page.locator("#step-screening .summary-list").is_visible()
    screening.locator("summary").click()
    assert page.locator("#step-screening .summary-list").is_visible()
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    assert_no_violations(page, f"unfolded ({language})")
