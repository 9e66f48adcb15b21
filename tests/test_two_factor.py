"""Two-factor authentication (issue 11, item 9): TOTP set up on the account page with recovery
codes, asked for as a second login step, throttled, never accepted twice, and enforceable for
administrators and reviewers."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pyotp
import time_machine
from sqlalchemy import select

from bka.extensions import db
from bka.models import AuditEvent, RecoveryCode, User
from tests.conftest import PASSWORD

SECRET = re.compile(r'<code id="totp-secret">([A-Z2-7 ]+)</code>')
TOKEN = re.compile(r'name="secret_token" type="hidden" value="([^"]+)"')
CODES = re.compile(r"<li><code>([a-z2-9-]{29})</code></li>")


def set_up(browser) -> tuple[str, list[str]]:
    """Turn TOTP on from the account page; returns the secret and the recovery codes."""
    page = browser.get("/account/two-factor").get_data(as_text=True)
    secret = SECRET.search(page).group(1).replace(" ", "")
    token = html.unescape(TOKEN.search(page).group(1))
    response = browser.post(
        "/account/two-factor", {"secret_token": token, "code": pyotp.TOTP(secret).now()}
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    codes = CODES.findall(response.get_data(as_text=True))
    return secret, codes


def password_step(browser, user, password=PASSWORD):
    return browser.post("/login", {"email": user.email, "password": password})


def code_step(browser, code):
    return browser.post("/login/code", {"code": code})


def test_set_up_shows_a_qr_code_the_key_and_ten_recovery_codes(app, browser, make_user):
    user = make_user()
    browser.login(user)
    page = browser.get("/account/two-factor").get_data(as_text=True)
    assert "<svg" in page and 'role="img"' in page
    assert "otpauth://totp/bka:" in page
    secret, codes = set_up(browser)
    assert len(codes) == len(set(codes)) == 10
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert stored.totp_secret == secret
        hashes = db.session.scalars(select(RecoveryCode.code_hash)).all()
        assert len(hashes) == 10 and not set(codes) & set(hashes)  # only hashes are stored
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "totp_enabled"))
    assert "Oanvända reservkoder: 10" in browser.get("/account").get_data(as_text=True)


def test_a_wrong_confirmation_code_does_not_turn_it_on(app, browser, make_user):
    user = make_user()
    browser.login(user)
    page = browser.get("/account/two-factor").get_data(as_text=True)
    token = html.unescape(TOKEN.search(page).group(1))
    secret = SECRET.search(page).group(1)
    response = browser.post("/account/two-factor", {"secret_token": token, "code": "000000"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="code-error"' in page and "Koden är fel." in page
    assert secret in page  # the same key, to try again
    forged = browser.post("/account/two-factor", {"secret_token": "forged", "code": "123456"})
    assert forged.status_code == 400
    with app.app_context():
        assert db.session.get(User, user.id).totp_secret is None


def test_login_asks_for_the_code_as_a_second_step(app, make_browser, make_user):
    user = make_user()
    browser = make_browser()
    browser.login(user)
    secret, _codes = set_up(browser)
    browser.logout()
    response = password_step(browser, user)
    assert response.status_code == 302 and response.location.endswith("/login/code")
    assert not browser.logged_in()
    assert browser.get("/account").status_code == 302  # not signed in yet
    wrong = code_step(browser, "000000")
    assert wrong.status_code == 400 and not browser.logged_in()
    # The code accepted at set-up is spent; the next time step's code works.
    later = datetime.now(UTC) + timedelta(seconds=30)
    with time_machine.travel(later, tick=False):
        response = code_step(browser, pyotp.TOTP(secret).at(later))
        assert response.status_code == 302
        assert browser.logged_in()
        assert browser.get("/account").status_code == 200
        # The same code once more, in another login: refused (no replay).
        other = make_browser()
        password_step(other, user)
        replay = code_step(other, pyotp.TOTP(secret).at(later))
        assert replay.status_code == 400 and not other.logged_in()


def test_the_code_step_needs_the_password_step_first(app, browser, make_user):
    response = code_step(browser, "123456")
    assert response.status_code == 302 and response.location.endswith("/login")


def test_a_recovery_code_works_once(app, make_browser, make_user):
    user = make_user()
    browser = make_browser()
    browser.login(user)
    _secret, codes = set_up(browser)
    browser.logout()
    password_step(browser, user)
    assert code_step(browser, codes[3].upper()).status_code == 302
    assert browser.logged_in()
    other = make_browser()
    password_step(other, user)
    assert code_step(other, codes[3]).status_code == 400
    with app.app_context():
        assert db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "recovery_code_used")
        )


def test_wrong_codes_are_throttled_like_passwords(app, make_browser, make_user):
    user = make_user()
    browser = make_browser()
    browser.login(user)
    secret, _codes = set_up(browser)
    browser.logout()
    password_step(browser, user)
    for _ in range(5):
        code_step(browser, "000000")
    later = datetime.now(UTC) + timedelta(seconds=30)
    with time_machine.travel(later, tick=False):
        response = code_step(browser, pyotp.TOTP(secret).at(later))
        assert response.status_code == 429
        assert "För många försök." in response.get_data(as_text=True)
        assert not browser.logged_in()
    with app.app_context():
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login_throttled"))


def test_turning_it_off_needs_the_password_and_a_code(app, browser, make_user):
    user = make_user()
    browser.login(user)
    _secret, codes = set_up(browser)
    response = browser.post(
        "/account/two-factor/disable", {"password": "fel lösenord", "code": codes[0]}
    )
    assert response.status_code == 400 and 'id="password-error"' in response.get_data(as_text=True)
    response = browser.post("/account/two-factor/disable", {"password": PASSWORD, "code": "1"})
    assert response.status_code == 400 and 'id="code-error"' in response.get_data(as_text=True)
    response = browser.post("/account/two-factor/disable", {"password": PASSWORD, "code": codes[0]})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, user.id).totp_secret is None
        assert db.session.scalars(select(RecoveryCode)).all() == []
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "totp_disabled"))


def test_required_roles_must_set_it_up_first(app, monkeypatch, browser, make_user):
    monkeypatch.setitem(app.config, "REQUIRE_TOTP_FOR", ("admin", "reviewer"))
    admin = make_user(role="admin")
    browser.login(admin)
    for url in ("/", "/admin/", "/account", "/account/password"):
        response = browser.get(url)
        assert response.status_code == 302 and response.location.endswith("/account/two-factor")
    page = browser.get("/account/two-factor").get_data(as_text=True)
    assert "Din roll kräver tvåstegsverifiering." in page
    _secret, codes = set_up(browser)
    assert browser.get("/admin/").status_code == 200
    assert "/account/two-factor/disable" not in browser.get("/account").get_data(as_text=True)
    response = browser.post("/account/two-factor/disable", {"password": PASSWORD, "code": codes[0]})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(User, admin.id).totp_secret is not None


def test_members_are_not_required_to_set_it_up(app, monkeypatch, browser, make_user):
    monkeypatch.setitem(app.config, "REQUIRE_TOTP_FOR", ("admin", "reviewer"))
    browser.login(make_user())
    assert browser.get("/").status_code == 200


def test_guessing_to_turn_it_off_is_throttled(app, browser, make_user):
    user = make_user()
    browser.login(user)
    _secret, codes = set_up(browser)
    for _ in range(5):
        browser.post("/account/two-factor/disable", {"password": "gissning", "code": codes[0]})
    response = browser.post("/account/two-factor/disable", {"password": PASSWORD, "code": codes[0]})
    assert response.status_code == 429
    with app.app_context():
        assert db.session.get(User, user.id).totp_secret is not None


def test_an_administrator_can_turn_it_off_for_a_user_who_lost_everything(
    app, make_browser, make_user
):
    admin, user = make_user(role="admin"), make_user()
    user_browser, admin_browser = make_browser(), make_browser()
    user_browser.login(user)
    set_up(user_browser)
    admin_browser.login(admin)
    page = admin_browser.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert 'name="turn_off_totp"' in page
    response = admin_browser.post(
        f"/admin/users/{user.id}",
        {
            "name": user.name,
            "email": user.email,
            "role": user.role,
            "active": "y",
            "turn_off_totp": "y",
        },
    )
    assert response.status_code == 302
    assert user_browser.get("/account").status_code == 302  # the user's sessions have ended
    with app.app_context():
        assert db.session.get(User, user.id).totp_secret is None
        assert db.session.scalars(select(RecoveryCode)).all() == []
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user_updated"))
        assert event.details["totp"] == "turned off"
    user_browser.login(user)  # the password alone again


def test_recovery_codes_carry_at_least_112_bits(app, make_user):
    """ASVS 6.5.2: lookup secrets of 112 bits or more may be stored with a plain hash."""
    import math

    from bka.domain import two_factor

    with app.test_request_context():
        user = db.session.get(User, make_user().id)
        codes = two_factor._new_recovery_codes(user)
        db.session.rollback()
    assert len(codes) == two_factor.RECOVERY_CODES == len(set(codes))
    for code in codes:
        letters = code.replace("-", "")
        assert set(letters) <= set(two_factor._RECOVERY_ALPHABET)
        assert len(letters) * math.log2(len(two_factor._RECOVERY_ALPHABET)) >= 112
