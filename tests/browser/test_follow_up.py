"""The follow-up in a real browser: the team records readings through the form (a decimal comma
too), sees them in the trend chart and its table, and axe finds nothing on the follow-up page,
the record form (empty and refused) or a closed analysis's follow-up, in Swedish or English."""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import TEAM, screenshot, set_language
from tests.browser.test_accessibility import FLOOR, LANGUAGES, describe, run_axe

pytestmark = pytest.mark.browser

# The demo's analyses in follow-up and closed.
FOLLOWED = "Införande av vårdinformationssystemet Millennium, våg 1: uppföljning i Södra Älvsborg"
CLOSED = "Införande av vårdinformationssystemet Millennium, pilot: Frölunda specialistsjukhus"
READINGS = {
    "sv": (("2024-11-30", "41,5"), ("2025-02-12", "57,25")),
    "en": (("2025-05-12", "63.5"),),
}


def assert_no_violations(page, state: str) -> None:
    failing = [v for v in run_axe(page) if FLOOR & set(v["tags"])]
    assert not failing, f"{state} {page.url}\n{describe(failing)}"


def follow_up_of(page, title: str, language: str) -> str:
    page.goto("/")
    set_language(page, language)  # the account keeps the last choice of any of its pages
    page.get_by_role("link", name=title, exact=True).click()
    page.locator(".action-links a[href$='/follow-up']").click()
    page.wait_for_url(re.compile(r"/follow-up$"))
    return page.url


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_team_records_readings_and_the_pages_pass_axe(pages, language):
    page = pages(TEAM, language)
    url = follow_up_of(page, FOLLOWED, language)
    first_indicator = page.locator("#readings section.entries").first
    for measured_on, value in READINGS[language]:
        first_indicator.locator("a[href*='/follow-up/readings/new']").click()
        page.wait_for_url(re.compile(r"/readings/new"))
        page.locator("#value").fill("tolv")
        with page.expect_navigation():  # the page the post leads to
            page.locator("main form button[type=submit]").click()
        assert page.locator("#value-error").count() == 1
        assert page.locator("#value").input_value() == "tolv"  # kept, shown with the message
        assert_no_violations(page, f"reading refused ({language})")
        page.locator("#value").fill(value)
        page.locator("#measured_on").fill(measured_on)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/follow-up#readings$"))
    first_indicator = page.locator("#readings section.entries").first
    assert (
        first_indicator.locator("svg circle").count()
        == first_indicator.locator("tbody tr").count()
        >= len(READINGS[language])
    )
    assert page.locator("html").get_attribute("lang") == language
    screenshot(page, f"follow-up-{language}")
    assert_no_violations(page, f"follow-up ({language})")

    page.goto(url + "/events/new")
    assert_no_violations(page, f"new event ({language})")
    page.goto(url + "/checkpoints/new")
    page.locator("#title").fill("Kontroll")
    page.locator("#due_on").fill("2025-06-01")
    page.locator("#closed_on").fill("2025-06-02")
    with page.expect_navigation():  # the page the post leads to
        page.locator("main form button[type=submit]").click()
    assert page.locator("#error-summary").count() == 1
    assert_no_violations(page, f"checkpoint refused ({language})")
    page.goto(url + "/close")
    assert_no_violations(page, f"close ({language})")

    follow_up_of(page, CLOSED, language)
    assert page.locator("#final-conclusion").count() == 1
    assert_no_violations(page, f"closed follow-up ({language})")
