"""A team member and a reviewer use bka in a real browser, as people would."""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import (
    ADMIN,
    REVIEWER,
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
        "done": "Alla steg är markerade som klara och alla obligatoriska frågor är besvarade",
        "check": "Kontrollera dina svar",
        "completed": "Klar",
    },
    "en": {
        "new": "Start a new analysis",
        "done": "Every step is marked as completed and every required item is answered",
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
    page.wait_for_url(hub)
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


def test_reviewer_sends_back_team_fixes_reviewer_signs_off_and_downloads_the_pdf(
    new_context, artifacts
):
    team = new_context().new_page()
    login(team, TEAM, "sv")
    hub = create_analysis(team, "Digitala vårdmöten för barn")
    team.locator("ol.task-list a").first.click()
    for _key in STEP_KEYS:
        fill_step(team, "sv")
    # Check your answers: send it to the reviewer.
    team.locator("#reviewer").select_option(label="Gustav Granskare")
    team.get_by_role("button", name="Skicka på granskning").click()
    assert team.url.split("#")[0] == hub
    assert "Under granskning" in team.locator("main").inner_text()

    # The reviewer reads, marks step 6 as needing changes with a comment, and sends it back.
    reviewer = new_context().new_page()
    login(reviewer, REVIEWER, "sv")
    reviewer.goto(hub)
    reviewer.get_by_role("link", name="Granska analysen").click()
    screenshot(reviewer, "review-sv")
    reviewer.locator("input[name=verdict__participation][value=changes]").check()
    reviewer.locator("textarea[name=comment__participation]").fill(
        "Redovisa vad barnen med tolk sa."
    )
    reviewer.locator("textarea[name=reasons]").fill("Steg 6 behöver kompletteras.")
    reviewer.get_by_role("button", name="Skicka tillbaka för ändringar").click()
    reviewer.wait_for_url(re.compile(r"/analyses/\d+$"))

    # The team sees the request, fixes step 6 and sends the analysis again.
    team.goto(hub)
    assert "Ändringar begärda" in team.locator("main").inner_text()
    assert "Steg 6 behöver kompletteras." in team.locator("main").inner_text()
    assert team.locator("#status-participation").inner_text() == "Behöver ändras"
    team.locator("a[href$='/steps/participation']").click()
    assert "Redovisa vad barnen med tolk sa." in team.locator("main").inner_text()
    team.locator("textarea").first.fill("Samtal med tolk har lagts till för barn med annat språk.")
    team.locator("input[name=mark_completed]").check()
    team.locator("button[name=save_later]").click()
    team.goto(hub + "/check")
    team.locator("#reviewer").select_option(label="Gustav Granskare")
    team.get_by_role("button", name="Skicka på granskning").click()

    # The reviewer signs off; everyone can download the PDF for the decision file.
    reviewer.goto(hub + "/review")
    for statement in reviewer.locator("input[name=statements]").all():
        statement.check()
    reviewer.locator("input[name=title]").fill("Barnrättsstrateg")
    reviewer.get_by_role("button", name="Godkänn", exact=True).click()
    reviewer.wait_for_url(re.compile(r"/analyses/\d+$"))
    assert "Godkänd av Gustav Granskare" in reviewer.locator("main").inner_text()
    with team.expect_download() as download:
        team.goto(hub)
        team.get_by_role("button", name="Ladda ner PDF").click()
    path = artifacts / "report-sv.pdf"
    download.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("language", ["sv", "en"])
def test_administrator_filters_the_overview_lists_and_exports(new_context, artifacts, language):
    text = {
        "sv": ("Administration", "Översikt över alla analyser", "Alla analyser", "Filtrera"),
        "en": ("Administration", "Overview of all analyses", "All analyses", "Apply filters"),
    }[language]
    admin = new_context().new_page()
    login(admin, ADMIN, language)
    admin.get_by_role("link", name=text[0]).click()
    admin.wait_for_url(re.compile(r"/admin/?$"))
    assert admin.locator("h1").inner_text() == text[1]
    total = int(re.sub(r"\D", "", admin.locator(".key-figures dd").first.inner_text()))
    assert total >= 20  # the demo's analyses across organisations, years and states
    assert admin.locator("svg[role=img]").count() >= 5
    # Filter by a year: the figures and the list narrow to it.
    admin.locator("#year").fill("2024")
    admin.get_by_role("button", name=text[3]).click()
    assert "year=2024" in admin.url
    filtered = int(re.sub(r"\D", "", admin.locator(".key-figures dd").first.inner_text()))
    assert 0 < filtered < total
    screenshot(admin, f"admin-overview-2024-{language}")
    admin.locator(".admin-nav").get_by_role("link", name=text[2]).click()
    assert admin.locator("#year").input_value() == ""  # the list starts unfiltered
    assert admin.locator("main table tbody tr").count() >= 20
    with admin.expect_download() as download:
        admin.locator("a[href*='/admin/export/analyses.csv']").click()
    path = artifacts / f"analyses-{language}.csv"
    download.value.save_as(path)
    assert path.read_bytes().startswith("\ufeff".encode())
