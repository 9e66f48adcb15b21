"""Nothing typed in a step is lost, in a real browser (issue 12, items 1–3): the comment and
add buttons save the step first, a save after the session ended is offered back after login,
and leaving a step with changes asks first."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import sqlite3
import zlib

import pytest

from tests.browser.helpers import TEAM, login, screenshot
from tests.browser.test_accessibility import FLOOR, describe, run_axe
from tests.browser.test_journeys import create_analysis

pytestmark = pytest.mark.browser

FIX = {
    "sv": "Nollalternativet är att behålla dagens öppettider.",
    "en": "The zero option is to keep today's opening hours.",
}


def assert_axe_clean(page, name: str) -> None:
    failing = [v for v in run_axe(page) if FLOOR & set(v["tags"])]
    screenshot(page, f"typed-text/{name}", full_page=False)
    assert not failing, f"{name} {page.url}\n{describe(failing)}"


def step_url(hub: str, key: str) -> str:
    return f"{hub}/steps/{key}"


def end_this_browsers_session(context, live_server) -> None:
    """End the login on the server, as the idle limit or an administrator would: delete this
    browser's session row (only this one: other tests' browsers stay signed in)."""
    for cookie in context.cookies():
        value = cookie["value"]
        payload = value.lstrip(".").split(".")[0]
        try:
            data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
            data = zlib.decompress(data) if value.startswith(".") else data
            token = json.loads(data).get("_user_id")
        except (ValueError, zlib.error, UnicodeDecodeError):
            continue
        if token:
            break
    else:
        raise AssertionError("this browser holds no login session")
    database = sqlite3.connect(live_server.instance / "browser.sqlite3")
    with database:
        deleted = database.execute(
            "DELETE FROM user_session WHERE token_hash = ?",
            (hashlib.sha256(token.encode()).hexdigest(),),
        ).rowcount
    database.close()
    assert deleted == 1


@pytest.mark.parametrize("language", ["sv", "en"])
def test_resolving_a_comment_keeps_the_fix_typed_in_the_step(page, language):
    login(page, TEAM, language)
    hub = create_analysis(page, f"Kommentarer och ändringar ({language})")
    page.goto(step_url(hub, "decision"))
    page.locator("#new-comment").fill("Beskriv nollalternativet.")
    page.locator("button[name=add_comment]").click()
    page.wait_for_url(re.compile(r"/steps/decision"))
    assert_axe_clean(page, f"step-with-comment-{language}")

    # The fix is typed in the step, then the thread resolved without saving first.
    page.locator("textarea[name=zero_option]").fill(FIX[language])
    page.locator("button[name=resolve]").click()
    page.wait_for_url(re.compile(r"/steps/decision#comments-decision$"))
    assert page.locator("textarea[name=zero_option]").input_value() == FIX[language]
    assert page.locator(".comment-resolved").count() == 1

    # A reply works the same way: the step is saved and the reply added.
    page.locator("textarea[name=objectives]").fill(FIX[language])
    page.locator("textarea[name^='reply-']").fill("Nu är det beskrivet.")
    page.locator("button[name=reply_to]").click()
    page.wait_for_url(re.compile(r"/steps/decision#comments-decision$"))
    assert page.locator("textarea[name=objectives]").input_value() == FIX[language]
    assert "Nu är det beskrivet." in page.locator(".comment-reply").inner_text()


def test_adding_a_child_group_keeps_the_text_typed_in_the_step(page):
    login(page, TEAM, "sv")
    hub = create_analysis(page, "Barngrupper och text")
    page.goto(step_url(hub, "children"))
    page.locator("textarea[name=age_thresholds]").fill(FIX["sv"])
    page.get_by_role("button", name="Lägg till en barngrupp").click()
    page.wait_for_url(re.compile(r"/entries/child_groups/new$"))
    page.locator("#label").fill("Barn i förskoleåldern")
    page.locator("input[name=age_band]").first.check()
    page.locator("input[name=relation]").first.check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/steps/children"))
    assert page.locator("textarea[name=age_thresholds]").input_value() == FIX["sv"]
    assert "Barn i förskoleåldern" in page.locator("#child_groups").inner_text()


def test_enter_in_a_field_still_saves_and_continues(page):
    """The entry buttons belong to the step form but come before it: Enter must not open them."""
    login(page, TEAM, "sv")
    hub = create_analysis(page, "Enter i ett fält")
    for key in ("children", "alternatives", "follow_up", "evidence", "participation"):
        page.goto(step_url(hub, key))
        field = page.locator("form.step-form input[type=text]")
        if page.locator("section.entries").count() and field.count():
            break
    else:
        pytest.skip("no step has both entries and a one-line field")
    name = field.first.get_attribute("name")
    field.first.fill("Regionens barnrättsstrateg")
    with page.expect_navigation():  # Enter submits the step form
        field.first.press("Enter")
    # Saved and on to the next step (or check your answers after the last), not an entry page.
    assert "/entries/" not in page.url and not page.url.endswith(f"/steps/{key}")
    page.goto(step_url(hub, key))
    assert page.locator(f"input[name={name}]").input_value() == "Regionens barnrättsstrateg"


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_save_after_the_session_ended_is_offered_back_after_login(
    new_context, live_server, language
):
    context = new_context()
    page = context.new_page()
    login(page, TEAM, language)
    hub = create_analysis(page, f"Utloggad mitt i arbetet ({language})")
    step = step_url(hub, "decision")
    page.goto(step)
    page.locator("textarea[name=proposal]").fill(FIX[language])
    end_this_browsers_session(context, live_server)

    page.locator("button[name=save_later]").click()
    page.wait_for_url(re.compile(r"/login\?next="))
    notice = {"sv": "inte sparat än", "en": "not saved yet"}[language]
    assert notice in page.locator("main").inner_text()
    assert_axe_clean(page, f"login-after-session-ended-{language}")

    page.get_by_label(re.compile("E-post|E-mail", re.I)).fill(TEAM[0])
    page.get_by_label(re.compile("Lösenord|Password", re.I)).fill(TEAM[1])
    page.locator("main button[type=submit]").click()
    page.wait_for_url(step)
    panel = page.locator("#unsaved-text")
    assert panel.count() == 1
    heading = {"sv": "Din text är inte sparad än", "en": "Your text is not saved yet"}
    assert heading[language] in panel.inner_text()
    assert page.locator("textarea[name=proposal]").input_value() == FIX[language]
    assert_axe_clean(page, f"step-unsaved-text-{language}")

    page.locator("button[name=save_later]").click()
    page.wait_for_url(hub)
    page.goto(step)
    assert page.locator("#unsaved-text").count() == 0
    assert page.locator("textarea[name=proposal]").input_value() == FIX[language]


def test_leaving_a_step_with_changes_asks_first(page):
    login(page, TEAM, "sv")
    hub = create_analysis(page, "Lämna sidan")
    step = step_url(hub, "decision")
    page.goto(step)
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    # Unchanged: leaving asks nothing.
    page.locator(f"a[href$='/analyses/{hub.rsplit('/', 1)[1]}']").first.click()
    page.wait_for_url(hub)
    assert dialogs == []

    page.goto(step)
    page.locator("textarea[name=proposal]").fill(FIX["sv"])
    page.locator(f"a[href$='/analyses/{hub.rsplit('/', 1)[1]}']").first.click()
    assert dialogs == ["beforeunload"]
    assert page.url == step  # stayed, with the text
    assert page.locator("textarea[name=proposal]").input_value() == FIX["sv"]

    # Saving is not leaving.
    page.locator("button[name=save_later]").click()
    page.wait_for_url(hub)
    assert dialogs == ["beforeunload"]
