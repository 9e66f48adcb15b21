"""Sign-in throttling (issue 11, item 6): per account and per address, in the database, with
exponential backoff, an audit event when a lock starts and one message for every account."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import time_machine
from flask_migrate import upgrade
from sqlalchemy import func, select

from bka import create_app
from bka.domain import accounts
from bka.domain.accounts import password_hasher
from bka.extensions import db
from bka.models import AuditEvent, LoginThrottle
from tests.conftest import PASSWORD, Browser

WRONG = "not the password at all"
SUMMARY = re.compile(r'<div class="error-summary".*?</div>', re.S)


def attempt(browser, email, password=WRONG, **kwargs):
    return browser.post("/login", {"email": email, "password": password}, **kwargs)


def error_summary(response) -> str:
    match = SUMMARY.search(response.get_data(as_text=True))
    return match.group(0) if match else ""


def test_fifty_wrong_passwords_then_the_right_one_is_refused(app, browser, make_user):
    user = make_user()
    for _ in range(50):
        attempt(browser, user.email)
    response = attempt(browser, user.email, PASSWORD)
    assert response.status_code == 429
    assert "För många försök. Vänta en minut och försök igen." in response.get_data(as_text=True)
    assert not browser.logged_in()
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "login_throttled")
        ).all()
        assert len(events) == 1  # when the lock starts, not for every refusal
        assert events[0].details["kind"] == "account"
        assert events[0].details["key"] == user.email
        row = db.session.scalar(select(LoginThrottle).where(LoginThrottle.kind == "account"))
        assert row.refused == 46  # the 45 wrong ones after the lock started, and the right one


def test_after_the_lock_the_right_password_works(app, browser, make_user):
    user = make_user()
    for _ in range(5):
        attempt(browser, user.email)
    assert attempt(browser, user.email, PASSWORD).status_code == 429
    with time_machine.travel(datetime.now(UTC) + timedelta(seconds=61), tick=False):
        response = attempt(browser, user.email, PASSWORD)
        assert response.status_code == 302
        assert browser.logged_in()


def test_the_lock_is_shown_in_english_with_minutes(app, browser, make_user):
    user = make_user(locale="en")
    browser.post("/language", {"language": "en"})
    for _ in range(5):
        attempt(browser, user.email)
    with app.app_context():
        row = db.session.scalar(select(LoginThrottle).where(LoginThrottle.kind == "account"))
        row.locked_until = datetime.now(UTC) + timedelta(seconds=170)
        db.session.commit()
    response = attempt(browser, user.email, PASSWORD)
    assert "Too many attempts. Wait 3 minutes and try again." in response.get_data(as_text=True)


def test_unknown_and_known_accounts_get_the_same_message(app, make_browser, make_user):
    user = make_user()
    known, unknown = make_browser(), make_browser()
    for _ in range(6):
        known_response = attempt(known, user.email)
        unknown_response = attempt(unknown, "nobody@example.se")
    assert known_response.status_code == unknown_response.status_code == 429
    assert error_summary(known_response) == error_summary(unknown_response) != ""
    assert attempt(known, user.email, PASSWORD).status_code == 429


def test_a_successful_login_resets_the_account_counter(app, make_browser, make_user):
    user = make_user()
    for _ in range(2):
        browser = make_browser()
        for _ in range(4):
            attempt(browser, user.email)
        assert attempt(browser, user.email, PASSWORD).status_code == 302


def test_many_accounts_from_one_address_lock_that_address(app, make_browser, make_user):
    user = make_user()
    browser = make_browser()
    for number in range(app.config["LOGIN_THROTTLE_ADDRESS_FAILURES"]):
        attempt(browser, f"guess{number}@example.se")
    # Each of those accounts had one failure only; the address has had enough.
    assert attempt(browser, user.email, PASSWORD).status_code == 429
    elsewhere = make_browser()
    response = attempt(elsewhere, user.email, PASSWORD, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert response.status_code == 302


def test_the_backoff_doubles_up_to_the_maximum(app, make_user):
    user = make_user()
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    waits = []
    with app.test_request_context():
        hasher = password_hasher(app.config)
        for lock in range(6):
            for number in range(5):
                result = accounts.sign_in(
                    hasher, app.config, user.email, WRONG, f"10.0.{lock}.{number}", now
                )
            waits.append(result.wait)
            # Locked: even the right password is refused, and says how long to wait.
            refused = accounts.sign_in(hasher, app.config, user.email, PASSWORD, "10.9.9.9", now)
            assert refused.user is None and refused.wait == result.wait
            now += timedelta(seconds=result.wait + 1)
        db.session.commit()
        assert waits == [60, 120, 240, 480, 900, 900]
        # A quiet window after the last lock starts the backoff over.
        now += timedelta(minutes=16)
        for number in range(5):
            result = accounts.sign_in(
                hasher, app.config, user.email, WRONG, f"10.1.0.{number}", now
            )
        assert result.wait == 60
        assert accounts.sign_in(hasher, app.config, user.email, PASSWORD, "10.9.9.8", now).wait
        # The right password after the lock signs in and clears the account's counter.
        now += timedelta(seconds=61)
        assert accounts.sign_in(hasher, app.config, user.email, PASSWORD, "10.9.9.8", now).user
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(LoginThrottle)
                .where(LoginThrottle.key == user.email)
            )
            == 0
        )


def test_old_rows_are_pruned(app, make_user):
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    with app.test_request_context():
        hasher = password_hasher(app.config)
        accounts.sign_in(hasher, app.config, "old@example.se", WRONG, "10.0.0.1", now)
        later = now + timedelta(hours=3)
        accounts.sign_in(hasher, app.config, "new@example.se", WRONG, "10.0.0.2", later)
        db.session.commit()
        keys = set(db.session.scalars(select(LoginThrottle.key)))
        assert keys == {"new@example.se", "10.0.0.2"}


def test_the_throttle_is_shared_by_two_app_instances_on_one_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    first, second = (
        create_app({"BKA_CONFIG_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url}) for _ in range(2)
    )
    for number, application in enumerate((first, second)):
        application.instance_path = str(tmp_path / f"instance{number}")
    with first.app_context():
        upgrade()
        accounts.create_user(
            password_hasher(first.config), email="delad@example.se", name="Delad", password=PASSWORD
        )
        db.session.commit()
    browser_one, browser_two = Browser(first.test_client()), Browser(second.test_client())
    for _ in range(5):
        attempt(browser_one, "delad@example.se")
    assert attempt(browser_two, "delad@example.se", PASSWORD).status_code == 429
    with second.app_context():
        db.engine.dispose()
    with first.app_context():
        db.engine.dispose()
