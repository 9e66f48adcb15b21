"""Password rules, changing one's own password and the change forced after an administrator's
reset (issue 11, item 9)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bka.domain.accounts import check_password
from bka.domain.errors import FieldError
from bka.extensions import db
from bka.models import AuditEvent, User
from tests.conftest import PASSWORD

NEW = "blåbärssylt och pelargoner i april"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("kort", "at least 12 characters"),
        ("password1234", "too easy to guess: It is a very common password."),
        ("qwertyuiopasdf", "too easy to guess"),
        ("1234567890123", "too easy to guess"),
        ("abcabcabcabcabc", "too easy to guess"),
        ("ingrid.svensson-1974", "must not contain your name or your e-mail address"),
        ("Svensson rocks 2024!", "must not contain your name or your e-mail address"),
        ("x" * 201, "at most 200 characters"),
    ],
)
def test_weak_passwords_are_refused(app, password, message):
    with app.test_request_context(), pytest.raises(FieldError) as raised:
        check_password(password, email="ingrid.svensson@example.se", name="Ingrid Svensson")
    assert raised.value.field == "password"
    assert message in str(raised.value.message)


@pytest.mark.parametrize("password", [PASSWORD, NEW, "demo-granskare-2024", "Tre gröna äpplen!"])
def test_good_passwords_are_accepted(app, password):
    with app.test_request_context():
        check_password(password, email="ingrid.svensson@example.se", name="Ingrid Svensson")


def test_the_rules_are_in_swedish_next_to_the_field(app, browser, make_user):
    admin = make_user(role="admin")
    browser.login(admin)
    response = browser.post(
        "/admin/users/new",
        {
            "name": "Ny Person",
            "email": "ny.person@example.se",
            "role": "member",
            "password": "password1234",
        },
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Lösenordet är för lätt att gissa: Det är ett mycket vanligt lösenord." in page
    assert 'id="password-error"' in page
    assert 'value="ny.person@example.se"' in page  # nothing typed is lost


def change(browser, current=PASSWORD, new=NEW, confirm=None):
    return browser.post(
        "/account/password",
        {"current_password": current, "new_password": new, "confirm": confirm or new},
    )


def test_changing_ones_own_password(app, make_browser, make_user):
    user = make_user()
    here, elsewhere = make_browser(), make_browser()
    here.login(user)
    elsewhere.login(user)
    assert 'href="/account/password"' in here.get("/account").get_data(as_text=True)
    response = change(here)
    assert response.status_code == 302 and response.location.endswith("/account")
    assert here.get("/account").status_code == 200  # this session goes on
    assert elsewhere.get("/account").status_code == 302  # every other one has ended
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert stored.session_version == user.session_version + 1
        assert db.session.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "password_changed", AuditEvent.actor_id == user.id
            )
        )
    here.logout()
    here.login(user, NEW)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"current": "fel lösenord helt och hållet"}, "current_password", "nuvarande lösenordet"),
        ({"confirm": "något helt annat än det nya"}, "confirm", "inte likadana"),
        ({"new": "password1234"}, "new_password", "för lätt att gissa"),
        ({"new": PASSWORD}, "new_password", "skilja sig"),
        ({"new": ""}, "new_password", "Ange ett nytt lösenord."),
    ],
)
def test_a_refused_change_says_why_next_to_the_field(app, browser, make_user, data, field, message):
    user = make_user()
    browser.login(user)
    response = change(browser, **data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page and message in page
    with app.app_context():
        assert db.session.get(User, user.id).session_version == user.session_version


def reset_by_admin(browser, user, password=NEW):
    return browser.post(
        f"/admin/users/{user.id}",
        {
            "name": user.name,
            "email": user.email,
            "role": user.role,
            "active": "y",
            "new_password": password,
        },
    )


def test_an_administrators_reset_forces_a_change_at_the_next_login(app, make_browser, make_user):
    admin, user = make_user(role="admin"), make_user()
    admin_browser, user_browser = make_browser(), make_browser()
    admin_browser.login(admin)
    user_browser.login(user)
    assert reset_by_admin(admin_browser, user).status_code == 302
    assert user_browser.get("/account").status_code == 302  # the old session has ended
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert stored.must_change_password
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user_updated"))
        assert event.details["password"] == "reset"
    user_browser.login(user, NEW)
    for url in ("/", "/account", "/notifications", "/analyses/new"):
        response = user_browser.get(url)
        assert response.status_code == 302 and response.location.endswith("/account/password")
    page = user_browser.get("/account/password").get_data(as_text=True)
    assert "En administratör har gett ditt konto ett nytt lösenord." in page
    stylesheet = user_browser.get("/static/bka.css")
    stylesheet.close()  # a file response: closed, or warnings-as-errors reports the open file
    assert stylesheet.status_code == 200
    own = "en egen lösenfras med kanelbullar"
    assert change(user_browser, current=NEW, new=own).status_code == 302
    assert user_browser.get("/").status_code == 200
    with app.app_context():
        assert not db.session.get(User, user.id).must_change_password
    assert user_browser.logout().status_code == 302


def test_an_administrators_weak_reset_is_refused(app, browser, make_user):
    admin, user = make_user(role="admin"), make_user()
    browser.login(admin)
    response = reset_by_admin(browser, user, "password1234")
    assert response.status_code == 400
    assert 'id="new_password-error"' in response.get_data(as_text=True)
    with app.app_context():
        assert not db.session.get(User, user.id).must_change_password


def test_saving_a_user_without_a_new_password_keeps_it(app, browser, make_user):
    admin, user = make_user(role="admin"), make_user()
    browser.login(admin)
    assert reset_by_admin(browser, user, "").status_code == 302
    with app.app_context():
        stored = db.session.get(User, user.id)
        assert not stored.must_change_password
        assert stored.session_version == user.session_version


def test_guessing_the_current_password_is_throttled(app, browser, make_user):
    user = make_user()
    browser.login(user)
    for _ in range(4):
        assert change(browser, current="gissat lösenord nummer ett").status_code == 400
    response = change(browser, current="gissat lösenord nummer fem")
    assert response.status_code == 429
    assert change(browser).status_code == 429  # even the right one, while locked
    assert "För många försök." in change(browser).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user.id).session_version == user.session_version


def test_an_administrator_changes_their_own_password_under_account(app, browser, make_user):
    admin = make_user(role="admin")
    browser.login(admin)
    response = reset_by_admin(browser, admin)
    assert response.status_code == 400
    assert 'id="new_password-error"' in response.get_data(as_text=True)
    assert browser.get("/admin/").status_code == 200


def test_passwords_reach_the_rules_exactly_as_typed(app):
    """Form filters strip and join lines in text fields, never in a password."""
    from werkzeug.datastructures import MultiDict

    from bka.forms.auth import LoginForm

    with app.test_request_context():
        form = LoginForm(
            MultiDict({"email": " a@b.se ", "password": "  pass\nword  "}), meta={"csrf": False}
        )
        assert form.password.data == "  pass\nword  "
        assert form.email.data == "a@b.se"


def test_an_account_an_administrator_creates_must_change_its_password(app, make_user, make_browser):
    from bka.models import User

    admin = make_browser()
    admin.login(make_user(role="admin"))
    response = admin.post(
        "/admin/users/new",
        {
            "name": "Nora Ny",
            "email": "nora.ny@example.se",
            "role": "member",
            "organisation": "0",
            "active": "y",
            "password": "Fjällräv-Gryning-71-Äng",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    with app.app_context():
        assert db.session.scalar(
            db.select(User).filter_by(email="nora.ny@example.se")
        ).must_change_password
