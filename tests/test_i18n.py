"""Swedish is complete and current; the locale follows the user; Swedish really renders."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "bka" / "translations"

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def swedish_catalog():
    with (TRANSLATIONS / "sv" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)


def forms(text: str | tuple[str, ...]) -> tuple[str, ...]:
    """The forms of a msgid or msgstr: one, or several for a plural message."""
    return text if isinstance(text, tuple) else (text,)


def test_every_message_has_a_swedish_translation_and_none_is_fuzzy():
    catalog = swedish_catalog()
    messages = [message for message in catalog if message.id]
    assert len(messages) > 250
    untranslated = [m.id for m in messages if not all(forms(m.string))]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert untranslated == []
    assert fuzzy == []


def test_placeholders_survive_translation():
    for message in swedish_catalog():
        if message.id:
            # A plural message: each form keeps the placeholders of its msgid (singular first).
            for msgid, msgstr in zip(forms(message.id), forms(message.string), strict=False):
                assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(msgstr)), (
                    message.id
                )


def test_catalog_is_not_stale(tmp_path):
    """Extract the source again: every msgid must be in the catalog, and nothing extra."""
    pot = tmp_path / "fresh.pot"
    subprocess.run(  # noqa: S603 - a fixed argument list
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "--no-location",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(pot),
            str(ROOT / "bka"),
            str(ROOT / "reports"),
        ],
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        fresh = {message.id for message in read_po(handle) if message.id}
    current = {message.id for message in swedish_catalog() if message.id}
    assert fresh - current == set(), "run `make extract-messages` and translate"
    assert current - fresh == set(), "obsolete messages: run `make extract-messages`"


def test_swedish_is_the_default(browser):
    page = browser.get("/login").get_data(as_text=True)
    assert '<html lang="sv">' in page
    assert "Logga in" in page
    assert "Hoppa till huvudinnehållet" in page


def test_browser_language_is_respected_before_login(browser):
    page = browser.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(
        as_text=True
    )
    assert '<html lang="en">' in page
    assert "Log in" in page


def test_language_switch_is_a_post_and_sticks_to_the_user(browser, make_user, app):
    user = make_user()
    browser.login(user)
    assert browser.get("/language?language=en").status_code == 405  # never a GET
    response = browser.post("/language", {"language": "en", "next": "/account"})
    assert response.status_code == 302 and response.location.endswith("/account")
    page = browser.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page and "My analyses" in page
    browser.logout()
    other = browser.__class__(app.test_client())
    other.login(user)  # the preference is stored on the user
    assert '<html lang="en">' in other.get("/").get_data(as_text=True)


def test_language_switch_ignores_foreign_redirects_and_unknown_languages(browser):
    response = browser.post("/language", {"language": "xx", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert "evil" not in response.location
    assert '<html lang="sv">' in browser.get("/login").get_data(as_text=True)


def test_wtforms_messages_are_swedish(browser, make_user):
    browser.login(make_user())
    page = browser.post(
        "/analyses/new",
        {
            "title": "",
            "organisation": "X",
            "decision_area": "digital",
            "planned_decision_date": "31/31/2024",
        },
    )
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<title>Fel:" in text
    assert "Skriv beslutets titel." in text  # our messages name their field, translated
    assert "Skriv ”Planerat datum för beslut” som ett riktigt datum" in text
    long_title = browser.post(
        "/analyses/new", {"title": "x" * 300, "organisation": "X", "decision_area": "bogus"}
    ).get_data(as_text=True)
    assert "”Beslutets titel” får innehålla högst 200 tecken." in long_title
    assert "Välj ett av alternativen för ”Beslutsområde”." in long_title
    assert 'value="' + "x" * 300 + '"' in long_title  # the input is kept


def test_dates_are_formatted_for_the_locale(browser, make_user, make_analysis):
    from datetime import date

    user = make_user()
    analysis_id = make_analysis(user, planned_decision_date=date(2024, 6, 18))
    browser.login(user)
    assert "18 juni 2024" in browser.get(f"/analyses/{analysis_id}").get_data(as_text=True)
    browser.post("/language", {"language": "en"})
    assert "18 June 2024" in browser.get(f"/analyses/{analysis_id}").get_data(as_text=True)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_fast_number_filter_matches_babel(app, language):
    from flask_babel import force_locale, format_decimal

    from bka.web.formats import format_number

    with app.test_request_context(), force_locale(language):
        for value in (0, 7, 1248, -12345, 1234567, 2.5, 1 / 3):
            assert format_number(value) == format_decimal(value)


def test_login_prompt_is_translated(browser):
    page = browser.get("/analyses/new", follow_redirects=True).get_data(as_text=True)
    assert "Logga in för att se sidan." in page
    assert "Please log in" not in page
