"""Issue 12: day-month-year and 24-hour time in both languages, every time in the installation's
time zone (never "UTC"), the language switch's storage, and the overview's year hint."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
import time_machine
from pypdf import PdfReader

from bka.config import config_from_environment
from bka.extensions import db
from bka.models import Analysis, ArchivedReport, User
from tests import factories

# 23:15:25 UTC on 1 December is 00:15:25 on 2 December in Stockholm (CET, UTC+1).
LATE_EVENING_UTC = datetime(2026, 12, 1, 23, 15, 25, tzinfo=UTC)


def _updated_late(app, analysis_id):
    with app.app_context():
        analysis = db.session.get(Analysis, analysis_id)
        analysis.updated_at = LATE_EVENING_UTC
        db.session.commit()


@pytest.mark.parametrize(
    ("language", "expected_date", "expected_time"),
    [("en", "2 December 2026", "02/12/2026, 00:15"), ("sv", "2 december 2026", "2026-12-02 00:15")],
)
def test_pages_show_day_month_year_24_hour_time_in_the_installation_zone(
    app, browser, make_user, make_analysis, language, expected_date, expected_time
):
    user = make_user(locale=language)
    analysis_id = make_analysis(user, planned_decision_date=date(2026, 12, 2))
    _updated_late(app, analysis_id)
    browser.login(user)
    page = browser.get(f"/analyses/{analysis_id}").get_data(as_text=True)
    assert f'<html lang="{language}">' in page  # the messages' language, not en_GB
    assert expected_date in page  # the planned decision date
    assert expected_time in page  # "Last changed": the next day in Stockholm
    assert "December 2, 2026" not in page and "12/2/26" not in page
    assert " AM" not in page and " PM" not in page and "UTC" not in page
    assert "23:15" not in page


def test_the_signed_pdf_shows_stockholm_time_and_never_utc(app, make_user):
    owner = make_user(name="Tove Ägare")
    reviewer = make_user(role="reviewer", name="Gustav Granskare")
    with app.test_request_context():
        analysis = factories.complete_analysis(db.session.get(User, owner.id))
        factories.submit(analysis, reviewer)
        with time_machine.travel(LATE_EVENING_UTC, tick=False):
            factories.sign(analysis, reviewer, locale="en")
        db.session.commit()
        pdfs = {row.locale: row.pdf for row in db.session.scalars(db.select(ArchivedReport))}
    text = {
        locale: " ".join(
            "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split()
        )
        for locale, pdf in pdfs.items()
    }
    # The signature and the review round: the long date the reports use, and hours:minutes.
    for locale, month in (("en", "December"), ("sv", "december")):
        assert (
            f"Barnrättsstrateg, {'on ' if locale == 'en' else ''}2 {month} 2026 00:15."
            in (text[locale])
        )
        assert f"Gustav Granskare 2 {month} 2026 00:15" in text[locale]
    for locale_text in text.values():
        assert "UTC" not in locale_text
        assert "23:15" not in locale_text
        assert " AM" not in locale_text and " PM" not in locale_text
        assert "1 December" not in locale_text and "1 december" not in locale_text  # printed on


def test_the_time_zone_is_configurable(app, browser, make_user, make_analysis, monkeypatch):
    monkeypatch.setenv("BKA_TIME_ZONE", "America/New_York")
    assert config_from_environment("testing")["BABEL_DEFAULT_TIMEZONE"] == "America/New_York"
    monkeypatch.setenv("BKA_TIME_ZONE", "Europe/Stockhom")
    with pytest.raises(RuntimeError, match="BKA_TIME_ZONE"):
        config_from_environment("testing")
    user = make_user(locale="en")
    analysis_id = make_analysis(user)
    _updated_late(app, analysis_id)
    browser.login(user)
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_TIMEZONE", "America/New_York")
    page = browser.get(f"/analyses/{analysis_id}").get_data(as_text=True)
    assert "01/12/2026, 18:15" in page


def test_language_switch_stores_on_the_account_when_logged_in_and_in_the_session_otherwise(
    app, make_browser, make_user
):
    anonymous = make_browser()
    anonymous.post("/language", {"language": "en"})
    assert '<html lang="en">' in anonymous.get("/login").get_data(as_text=True)
    stranger = make_browser()  # another session is not affected
    assert '<html lang="sv">' in stranger.get("/login").get_data(as_text=True)

    user = make_user()  # no saved preference
    anonymous.login(user)  # the session's choice carries on after login...
    assert '<html lang="en">' in anonymous.get("/").get_data(as_text=True)
    with app.app_context():  # ...but was not stored on the account
        assert db.session.get(User, user.id).locale is None
    elsewhere = make_browser()
    elsewhere.login(user)
    assert '<html lang="sv">' in elsewhere.get("/").get_data(as_text=True)

    elsewhere.post("/language", {"language": "en"})  # logged in: stored on the account
    with app.app_context():
        assert db.session.get(User, user.id).locale == "en"
    third = make_browser()
    third.login(user)
    assert '<html lang="en">' in third.get("/").get_data(as_text=True)

    swedish = make_user(locale="sv")  # a saved preference wins over the session's choice
    anonymous.logout()
    anonymous.post("/language", {"language": "en"})
    anonymous.login(swedish)
    assert '<html lang="sv">' in anonymous.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("language", "hint"),
    [
        ("en", "The year of the decision once it is made, otherwise the year of the planned"),
        ("sv", "Beslutsåret när beslutet är fattat, annars året för det planerade beslutet"),
    ],
)
def test_the_overview_explains_its_year_filter(make_browser, make_user, language, hint):
    browser = make_browser()
    browser.login(make_user(role="admin", locale=language))
    for path in ("/admin/", "/admin/analyses"):
        page = browser.get(path).get_data(as_text=True)
        assert hint in page
        assert 'aria-describedby="year-hint"' in page


def test_a_report_printed_late_in_the_evening_utc_carries_the_local_date(
    browser, make_user, make_analysis
):
    user = make_user(locale="en")
    analysis_id = make_analysis(user)
    with time_machine.travel(LATE_EVENING_UTC, tick=False):
        browser.login(user)
        response = browser.get(f"/analyses/{analysis_id}/report?kind=analysis&lang=en")
    assert response.status_code == 200
    pages = PdfReader(io.BytesIO(response.data)).pages
    text = " ".join("\n".join(page.extract_text() for page in pages).split())
    assert "Printed: 2 December 2026" in text
    assert "1 December 2026" not in text


def test_the_analyses_export_gives_the_local_day_of_the_last_change(
    app, make_browser, make_user, make_analysis
):
    analysis_id = make_analysis(make_user())
    _updated_late(app, analysis_id)
    browser = make_browser()
    browser.login(make_user(role="admin"))
    body = browser.get("/admin/export/analyses.csv").data.decode("utf-8-sig")
    assert "2026-12-02" in body and "2026-12-01" not in body
