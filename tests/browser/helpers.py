"""What a person does in the browser: log in, switch language, fill forms, take screenshots."""

from __future__ import annotations

import os
import re
from pathlib import Path

ARTIFACTS = Path(os.environ.get("BKA_ARTIFACTS") or Path(__file__).parent / "artifacts")

# The demo logins that `bka demo` creates (README).
TEAM = ("team@example.se", "demo-team-2024")
REVIEWER = ("granskare@example.se", "demo-granskare-2024")
ADMIN = ("admin@example.se", "demo-admin-2024")

STEP_KEYS = (
    "screening",
    "decision",
    "children",
    "rights",
    "evidence",
    "participation",
    "impacts",
    "alternatives",
    "conclusion",
    "feedback",
    "follow_up",
)

# Text a team would type, in each language (no digits: the personnummer warning stays quiet).
ANSWER = {
    "sv": "Arbetsgruppen har gått igenom frågan och beskriver här vad som gäller för barnen.",
    "en": "The team has looked into this and describes here what it means for children.",
}


def login(page, user: tuple[str, str], language: str | None = None) -> None:
    page.goto("/login")
    if language:
        set_language(page, language)
    page.get_by_label(re.compile("E-post|E-mail", re.I)).fill(user[0])
    page.get_by_label(re.compile("Lösenord|Password", re.I)).fill(user[1])
    page.locator("main button[type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))
    if language:
        set_language(page, language)


def logout(page) -> None:
    page.locator("header form[action$='/logout'] button").click()
    page.wait_for_url(re.compile(r"/login"))


def set_language(page, language: str) -> None:
    """Use the language switch in the header (a POST form) unless the page already is in it."""
    if page.locator("html").get_attribute("lang") == language:
        return
    with page.expect_navigation():  # the page the post leads to
        page.locator(f"header button[name=language][value={language}]").click()
    assert page.locator("html").get_attribute("lang") == language


def fill_form(form, language: str) -> None:
    """Answer every empty field of `form` as a team member would (first choice of each group)."""
    # The lists below are snapshots that do not wait: under load a page whose navigation has
    # begun may still be parsing, and its later fields would be left empty.
    form.page.wait_for_load_state()
    text = ANSWER[language]
    for field in form.locator("textarea:visible").all():
        if not field.input_value():
            field.fill(text)
    for field in form.locator("input[inputmode=decimal]:visible").all():  # NumberField
        if not field.input_value():
            field.fill("12,5" if language == "sv" else "12.5")
    for field in form.locator("input[type=text]:visible, input:not([type]):visible").all():
        if not field.input_value():
            field.fill(text[:60])
    for field in form.locator("input[type=number]:visible").all():
        if not field.input_value():
            field.fill("12")
    for field in form.locator("input[type=date]:visible").all():
        if not field.input_value():
            field.fill("2025-03-14")
    for field in form.locator("select:visible").all():
        if not field.input_value():
            values = field.locator("option").evaluate_all("os => os.map(o => o.value)")
            field.select_option(next(v for v in values if v))
    for kind in ("radio", "checkbox"):
        names = form.locator(f"input[type={kind}]:enabled").evaluate_all(
            "inputs => [...new Set(inputs.map(i => i.name))]"
        )
        for name in names:
            if name == "mark_completed":
                continue
            group = form.locator(f"input[type={kind}][name='{name}']:enabled")
            if not group.evaluate_all("inputs => inputs.some(i => i.checked)"):
                group.first.check()


def fill_step(page, language: str, *, complete: bool = True, later: bool = False) -> None:
    """On a step page: add the entries, answer every question, tick completed, save."""
    added: set[str] = set()
    kinds = page.locator("section.entries").count()
    if kinds:
        for _ in range(6):  # entries, then the matrix cells they unlock
            # The add buttons belong to the step form: they save it, then open the entry form.
            links = [
                value
                for value in page.locator(
                    "section.entries button[name=go], table.matrix td button[name=go]"
                ).evaluate_all("buttons => buttons.map(b => b.value)")
                if value.startswith("new/") and value not in added
            ]
            if not links:
                break
            step_url = page.url.split("#")[0]
            page.locator(f"button[name=go][value='{links[0]}']").first.click()
            # The entry page must be there before its form is filled: under load the step page
            # is still shown for a moment, and its fields would be filled instead.
            page.wait_for_url(lambda url: "/entries/" in url)
            fill_form(page.locator("main form"), language)
            page.locator("main form button[type=submit]").first.click()
            page.wait_for_url(lambda url, step_url=step_url: url.split("#")[0] == step_url)
            added.add(links[0])
    form = page.locator("form.step-form")
    fill_form(form, language)
    if complete:
        form.locator("input[name=mark_completed]").check()
    button = "save_later" if later else "save_continue"
    # Wait for the page the save leads to (the next step, the hub, or this step again with its
    # errors): waiting only for a load state can return before the navigation has begun.
    with page.expect_navigation():
        form.locator(f"button[name={button}]").click()


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=full_page)
    return path
