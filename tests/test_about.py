"""The accessibility statement: public, in both languages, with what DIGG asks for."""

from __future__ import annotations

import pytest


def test_statement_is_public_and_linked_from_every_page(browser):
    page = browser.get("/tillganglighet")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<title>Tillgänglighetsredogörelse" in html
    assert 'href="/tillganglighet"' in browser.get("/login").get_data(as_text=True)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "sv",
            [
                "delvis förenlig",
                "Innehåll som inte är tillgängligt",
                "Rapportera brister",
                "https://www.digg.se/tdosanmalan",
                "självskattning",
                "Senaste bedömningen gjordes 2 december 2026.",
                "uppdaterades senast 2 december 2026.",
                "Region Exempel",
                "mailto:tillganglighet@example.se",
                "inom 5 arbetsdagar",
                "taggad enligt PDF/UA-1",
            ],
        ),
        (
            "en",
            [
                "partially compliant",
                "Non-accessible content",
                "Reporting accessibility problems",
                "https://www.digg.se/tdosanmalan",
                "self-assessment",
                "The latest assessment was made on 2 December 2026.",
                "last reviewed on 2 December 2026.",
                "Region Exempel",
                "mailto:tillganglighet@example.se",
                "within 5 working days",
                "tagged as PDF/UA-1",
            ],
        ),
    ],
)
def test_statement_has_digg_fields_and_operator_values(app, browser, language, expected):
    app.config.update(
        ORGANISATION_NAME="Region Exempel",
        ACCESSIBILITY_CONTACT="tillganglighet@example.se",
        ACCESSIBILITY_RESPONSE_DAYS=5,
    )
    try:
        browser.post("/language", {"language": language})
        html = browser.get("/tillganglighet").get_data(as_text=True)
    finally:
        app.config.update(
            ORGANISATION_NAME=None, ACCESSIBILITY_CONTACT=None, ACCESSIBILITY_RESPONSE_DAYS=10
        )
    assert f'<html lang="{language}">' in html
    for text in expected:
        assert text in html, text


def test_statement_defaults_name_no_one(browser):
    html = browser.get("/tillganglighet").get_data(as_text=True)
    assert "Den organisation som driver tjänsten" in html
    assert "kontakta den som administrerar bka i din organisation" in html
