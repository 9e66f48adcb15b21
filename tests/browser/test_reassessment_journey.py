"""Issue 13's journey in a real browser: a team writes an analysis with an indicator and a
trigger in step 11, a reviewer signs it off, the team records the decision, then records a
reading in follow-up that meets the trigger, is told so in the app, and opens a re-assessment:
a new linked version in the team's hands. axe checks the flagged follow-up page."""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import REVIEWER, STEP_KEYS, TEAM, fill_form, fill_step, login
from tests.browser.test_accessibility import FLOOR, describe, run_axe
from tests.browser.test_journeys import create_analysis

pytestmark = pytest.mark.browser

TITLE = "Digital tidbokning för ungdomsmottagningar"


def test_a_reading_that_meets_a_trigger_is_notified_and_opens_a_re_assessment(new_context):
    team = new_context().new_page()
    login(team, TEAM, "sv")
    hub = create_analysis(team, TITLE)
    team.locator("ol.task-list a").first.click()
    for _key in STEP_KEYS:
        fill_step(team, "sv")  # step 11 gets an indicator (12,5) and a trigger: above 12,5
    team.locator("#reviewer").select_option(label="Gustav Granskare")
    team.get_by_role("button", name="Skicka på granskning").click()

    reviewer = new_context().new_page()
    login(reviewer, REVIEWER, "sv")
    reviewer.goto(hub + "/review")
    for statement in reviewer.locator("input[name=statements]").all():
        statement.check()
    reviewer.locator("input[name=title]").fill("Barnrättsstrateg")
    reviewer.get_by_role("button", name="Godkänn", exact=True).click()
    reviewer.wait_for_url(re.compile(r"/analyses/\d+$"))

    # The decision: adopted, following the conclusion (the first choice of each group).
    team.goto(hub)
    team.get_by_role("link", name="Registrera beslutet").click()
    team.wait_for_url(re.compile(r"/decision$"))
    fill_form(team.locator("main form"), "sv")
    team.locator("main form button[type=submit]").click()
    team.wait_for_url(re.compile(r"/analyses/\d+$"))
    assert team.url.split("#")[0] == hub

    # Follow-up: a reading of 40 is above the trigger's 12,5.
    team.goto(hub + "/follow-up")
    assert team.locator("#reassessment-flag").count() == 0
    team.locator("a[href*='/follow-up/readings/new']").first.click()
    team.wait_for_url(re.compile(r"/readings/new"))
    team.locator("#value").fill("40")
    team.locator("#measured_on").fill("2025-03-01")
    team.locator("main form button[type=submit]").click()
    team.wait_for_url(re.compile(r"/follow-up#readings$"))
    flag = team.locator("#reassessment-flag")
    assert flag.count() == 1
    failing = [v for v in run_axe(team) if FLOOR & set(v["tags"])]
    assert not failing, describe(failing)

    # Every owner and editor is told, in the app, the one who recorded it too.
    team.goto("/notifications")
    assert f"En signal för omprövning har utlösts i ”{TITLE}”" in team.locator("main").inner_text()

    # From the flag: open the re-assessment, a new version linked to this one.
    team.goto(hub + "/follow-up")
    team.locator("#reassessment-flag").get_by_role(
        "button", name=re.compile("^Öppna en omprövning")
    ).click()
    team.wait_for_url(re.compile(r"/analyses/\d+$"))
    new_version = team.url.split("#")[0]
    assert new_version != hub
    main = team.locator("main").inner_text()
    assert "Omprövningen öppnades på grund av:" in main and "Utkast" in main
    # The original stays in follow-up, its flag settled by the re-assessment.
    team.goto(hub)
    assert team.locator("#reassessment-flag .button").count() == 0
