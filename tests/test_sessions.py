"""Server-side sessions: logout, disabling, an administrator and a raised session version end a
session at once; idle and absolute limits; the cookie holds only a token; `bka serve` runs the
production configuration with a __Host- cookie."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from click.testing import CliRunner
from flask_login.utils import encode_cookie
from sqlalchemy import select

from bka import cli, create_app
from bka.config import config_from_environment
from bka.domain import sessions
from bka.extensions import db
from bka.models import AuditEvent, StepAnswer, User, UserSession
from bka.models.base import utcnow
from tests.conftest import CSRF_PATTERN


def cookie_value(browser, app) -> str:
    return browser.client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value


def copy_of(browser, app, make_browser):
    """Another browser holding a copy of this browser's session cookie (as saved by a thief)."""
    thief = make_browser()
    thief.client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie_value(browser, app))
    return thief


def sent_to_login(response) -> bool:
    return response.status_code == 302 and "/login" in response.location


def the_record(app, user) -> UserSession:
    with app.app_context():
        return db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)).one()


def shift(app, record_id, **changes):
    with app.app_context():
        record = db.session.get(UserSession, record_id)
        for key, value in changes.items():
            setattr(record, key, value)
        db.session.commit()


def answers(app, analysis_id):
    with app.app_context():
        stored = db.session.scalar(
            select(StepAnswer).where(
                StepAnswer.analysis_id == analysis_id, StepAnswer.step_key == "decision"
            )
        )
        return stored.answers if stored else None


def test_a_cookie_copied_before_logout_opens_nothing_afterwards(
    app, browser, make_browser, make_user, make_analysis
):
    owner = make_user()
    analysis_id = make_analysis(owner)
    step = f"/analyses/{analysis_id}/steps/decision"
    browser.login(owner)
    assert browser.post(step, {"proposal": "Före", "save_later": "1"}).status_code == 302
    assert answers(app, analysis_id) == {"proposal": "Före"}
    saved = cookie_value(browser, app)
    browser.logout()

    thief = make_browser()
    thief.client.set_cookie(app.config["SESSION_COOKIE_NAME"], saved)
    assert sent_to_login(thief.get("/"))
    assert sent_to_login(thief.get(step))
    page = thief.get("/login").get_data(as_text=True)
    token = CSRF_PATTERN.search(page).group(1)
    response = thief.client.post(
        step, data={"proposal": "Efter", "save_later": "1", "csrf_token": token}
    )
    assert sent_to_login(response) and "next=" in response.location
    assert answers(app, analysis_id) == {"proposal": "Före"}
    assert the_record(app, owner).revoked_at is not None


def test_the_cookie_holds_a_token_and_the_database_only_its_hash(app, browser, make_user):
    user = make_user()
    browser.login(user)
    with browser.client.session_transaction() as session:
        token = session["_user_id"]
    assert str(user.id) not in token.split(":") and len(token) >= 43
    record = the_record(app, user)
    assert record.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in record.token_hash
    assert record.revoked_at is None and record.session_version == 1
    assert record.expires_at - record.created_at == timedelta(hours=12)
    assert record.user_agent is not None and record.source_address == "127.0.0.1"


def test_an_old_style_session_id_loads_no_one(app, browser, make_user):
    user = make_user()
    browser.login(user)
    with browser.client.session_transaction() as session:
        session["_user_id"] = f"{user.id}:1"  # what the signed cookie held before
    assert sent_to_login(browser.get("/"))


def test_each_login_is_its_own_session(app, make_browser, make_user):
    user = make_user()
    first, second = make_browser(), make_browser()
    first.login(user)
    second.login(user)
    first.logout()
    assert sent_to_login(first.get("/"))
    assert second.get("/").status_code == 200


def test_idle_timeout_ends_the_session_like_logging_out(app, browser, make_user, make_analysis):
    owner = make_user()
    analysis_id = make_analysis(owner)
    browser.login(owner)
    record = the_record(app, owner)
    shift(app, record.id, last_seen_at=utcnow() - timedelta(minutes=119))
    assert browser.get("/").status_code == 200  # still within 120 minutes: and noted as seen
    assert utcnow() - the_record(app, owner).last_seen_at < timedelta(minutes=1)

    shift(app, record.id, last_seen_at=utcnow() - timedelta(minutes=121))
    token = CSRF_PATTERN.search(
        browser.get(f"/analyses/{analysis_id}/steps/decision").get_data(as_text=True)
    )
    assert token is None  # the page is no longer shown
    with browser.client.session_transaction() as session:
        csrf = session.get("csrf_token")
    assert csrf  # the form's token is still in the session, as after a page left open
    response = browser.get("/")
    assert sent_to_login(response)
    login_page = browser.get(response.location).get_data(as_text=True)
    assert "Logga in för att se sidan." in login_page
    assert not browser.logged_in()


def test_expired_session_post_behaves_like_being_logged_out(app, browser, make_user, make_analysis):
    owner = make_user()
    analysis_id = make_analysis(owner)
    step = f"/analyses/{analysis_id}/steps/decision"
    browser.login(owner)
    token = CSRF_PATTERN.search(browser.get(step).get_data(as_text=True)).group(1)
    shift(app, the_record(app, owner).id, last_seen_at=utcnow() - timedelta(hours=3))
    response = browser.client.post(
        step, data={"proposal": "Skrivet länge", "save_later": "1", "csrf_token": token}
    )
    assert sent_to_login(response) and "next=" in response.location
    assert answers(app, analysis_id) is None


def test_absolute_lifetime_ends_an_active_session(app, browser, make_user):
    user = make_user()
    browser.login(user)
    record = the_record(app, user)
    shift(app, record.id, expires_at=utcnow() - timedelta(seconds=1))
    assert sent_to_login(browser.get("/"))


def test_last_seen_is_written_at_most_once_a_minute(app, browser, make_user):
    user = make_user()
    browser.login(user)
    record = the_record(app, user)
    earlier = utcnow() - timedelta(seconds=30)
    shift(app, record.id, last_seen_at=earlier)
    browser.get("/")
    assert the_record(app, user).last_seen_at == earlier
    shift(app, record.id, last_seen_at=earlier - timedelta(seconds=40))
    browser.get("/")
    assert the_record(app, user).last_seen_at > earlier


def test_limits_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("BKA_SESSION_IDLE_MINUTES", "30")
    monkeypatch.setenv("BKA_SESSION_LIFETIME_HOURS", "9")
    settings = config_from_environment("testing")
    policy = sessions.SessionPolicy.from_config(settings)
    assert policy == sessions.SessionPolicy(timedelta(minutes=30), timedelta(hours=9))


def test_raising_the_session_version_ends_every_session(app, make_browser, make_user):
    user = make_user()
    first, second = make_browser(), make_browser()
    first.login(user)
    second.login(user)
    with app.app_context():
        db.session.get(User, user.id).session_version += 1
        db.session.commit()
    assert sent_to_login(first.get("/"))
    assert sent_to_login(second.get("/"))


def test_disabling_ends_every_session_at_once(app, make_browser, make_user):
    user = make_user()
    first = make_browser()
    first.login(user)
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    assert sent_to_login(first.get("/"))


def test_end_sessions_can_keep_the_current_one(app, make_browser, make_user):
    user = make_user()
    kept, ended = make_browser(), make_browser()
    kept.login(user)
    ended.login(user)
    with app.app_context():
        records = db.session.scalars(
            select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.id)
        ).all()
        count = sessions.end_sessions(db.session.get(User, user.id), except_current=records[0])
        db.session.commit()
    assert count == 1
    assert kept.get("/").status_code == 200
    assert sent_to_login(ended.get("/"))


def test_an_administrator_ends_a_users_sessions(app, make_browser, make_user):
    admin = make_user(role="admin")
    member = make_user()
    administrator, phone, laptop = make_browser(), make_browser(), make_browser()
    administrator.login(admin)
    phone.login(member)
    laptop.login(member)
    page = administrator.get(f"/admin/users/{member.id}").get_data(as_text=True)
    assert "Öppna sessioner: 2." in page and "Avsluta användarens sessioner" in page
    assert administrator.get(f"/admin/users/{member.id}/sessions/end").status_code == 405
    refused = administrator.post(f"/admin/users/{member.id}/sessions/end", csrf=False)
    assert refused.status_code == 400  # CSRF
    assert phone.get("/").status_code == 200

    response = administrator.post(f"/admin/users/{member.id}/sessions/end")
    assert response.status_code == 302
    assert response.location.endswith(f"/admin/users/{member.id}")
    assert sent_to_login(phone.get("/")) and sent_to_login(laptop.get("/"))
    assert "Öppna sessioner: 0." in administrator.get(response.location).get_data(as_text=True)
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "sessions_ended")
        ).one()
        assert event.details.get("request_id")  # the request's (tests/test_operations.py)
        details = {key: value for key, value in event.details.items() if key != "request_id"}
        assert (event.actor_id, event.object_id, details) == (
            admin.id,
            member.id,
            {"sessions": 2},
        )


def test_an_administrator_ending_their_own_sessions_stays_signed_in(app, make_browser, make_user):
    admin = make_user(role="admin")
    here, elsewhere = make_browser(), make_browser()
    elsewhere.login(admin)
    here.login(admin)
    assert here.post(f"/admin/users/{admin.id}/sessions/end").status_code == 302
    assert here.get("/").status_code == 200
    assert sent_to_login(elsewhere.get("/"))


def test_no_remember_cookie_and_a_forged_one_is_bound_to_the_session(
    app, browser, make_browser, make_user
):
    user = make_user()
    response = browser.login(user)
    assert "remember_token" not in " ".join(response.headers.getlist("Set-Cookie"))
    with browser.client.session_transaction() as session:
        token = session["_user_id"]
    browser.logout()
    with app.test_request_context():
        remembered = encode_cookie(token)  # as if a remember cookie had been issued
    stranger = make_browser()
    stranger.client.set_cookie(app.config.get("REMEMBER_COOKIE_NAME", "remember_token"), remembered)
    assert sent_to_login(stranger.get("/"))


def production_app(tmp_path, monkeypatch, **overrides):
    monkeypatch.setenv("SECRET_KEY", "a" * 64)
    monkeypatch.delenv("BKA_SESSION_COOKIE_SECURE", raising=False)
    return create_app(
        {
            "BKA_CONFIG_NAME": "production",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/prod.sqlite3",
            **overrides,
        }
    )


def test_production_cookie_is_host_prefixed_and_secure(tmp_path, monkeypatch):
    application = production_app(tmp_path, monkeypatch)
    assert application.config["SESSION_COOKIE_NAME"] == "__Host-bka-session"
    response = application.test_client().get("/login", base_url="https://localhost")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-bka-session=")
    attributes = [part.strip() for part in cookie.split(";")]
    assert "Secure" in attributes and "Path=/" in attributes and "HttpOnly" in attributes
    assert not any(part.lower().startswith("domain=") for part in attributes)
    assert "Strict-Transport-Security" in response.headers


def test_without_secure_cookies_the_host_prefix_is_dropped(tmp_path, monkeypatch):
    application = production_app(tmp_path, monkeypatch, SESSION_COOKIE_SECURE=False)
    assert application.config["SESSION_COOKIE_NAME"] == "bka-session"


def test_development_and_testing_keep_a_plain_cookie_name(app):
    assert not app.config["SESSION_COOKIE_NAME"].startswith("__Host-")


def test_bka_serve_runs_production_unless_told_otherwise():
    assert cli.serve_environment({})["BKA_CONFIG"] == "production"
    assert cli.serve_environment({"BKA_CONFIG": ""})["BKA_CONFIG"] == "production"
    kept = cli.serve_environment({"BKA_CONFIG": "development", "PATH": "/bin"})
    assert kept == {"BKA_CONFIG": "development", "PATH": "/bin"}
    assert "SECRET_KEY is not set" in cli.serve_problem({"BKA_CONFIG": "production"})
    assert cli.serve_problem({"BKA_CONFIG": "production", "SECRET_KEY": "x" * 64}) is None
    assert cli.serve_problem({"BKA_CONFIG": "development"}) is None


def test_bka_serve_without_a_secret_key_says_so_and_starts_nothing(monkeypatch):
    started = []
    monkeypatch.setattr(cli.os, "execve", lambda *args: started.append(args))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("BKA_CONFIG", raising=False)
    result = CliRunner().invoke(cli.main, ["serve"])
    assert result.exit_code == 1
    assert "SECRET_KEY is not set" in result.output and "BKA_CONFIG=development" in result.output
    assert started == []

    monkeypatch.setenv("SECRET_KEY", "b" * 64)
    result = CliRunner().invoke(cli.main, ["serve", "--workers", "3"])
    assert result.exit_code == 0, result.output
    (executable, args, env) = started[0]
    assert env["BKA_CONFIG"] == "production" and args[-1] == "bka:create_app()"
    assert args[args.index("--workers") + 1] == "3"
    assert args[args.index("--config") + 1] == "python:bka.web.server"  # gc settings per worker


@pytest.mark.parametrize("token", ["", "x", "1:1", "a" * 500, None, "ä" * 43])
def test_malformed_tokens_are_not_looked_up(app, token):
    with app.app_context():
        assert sessions.find_live(token, sessions.SessionPolicy.from_config(app.config)) is None


def test_signing_in_again_after_a_version_raise_keeps_only_this_browser(
    app, make_browser, make_user
):
    """What a password change does: raise the version, commit, then login_user in the same
    request (with nothing committed after it)."""
    from flask import session
    from flask_login import login_user

    from bka.web.sessions import current_record

    user = make_user()
    other = make_browser()
    other.login(user)
    with app.test_request_context():
        stored = db.session.get(User, user.id)
        login_user(stored)
        first = current_record()
        stored.session_version += 1
        db.session.commit()
        login_user(stored)  # after the caller's own commit: the record is committed here
        second = current_record()
        db.session.rollback()
        assert first.revoked_at is not None
        assert second.revoked_at is None and second.session_version == 2
        assert sessions.hash_token(session["_user_id"]) == second.token_hash
        policy = sessions.SessionPolicy.from_config(app.config)
        assert sessions.find_live(session["_user_id"], policy) is second
    assert sent_to_login(other.get("/"))


def test_users_see_where_they_are_signed_in_and_end_one_session(app, make_browser, make_user):
    member = make_user()
    here, phone, laptop = make_browser(), make_browser(), make_browser()
    phone.login(member)
    laptop.login(member)
    here.login(member)
    page = here.get("/account").get_data(as_text=True)
    assert "Där du är inloggad" in page and page.count("Logga ut<span") == 2
    assert "Den här webbläsaren" in page
    with app.app_context():
        phone_session = db.session.scalars(
            select(UserSession).where(UserSession.user_id == member.id).order_by(UserSession.id)
        ).first()
    assert here.get(f"/account/sessions/{phone_session.id}/end").status_code == 405
    assert here.post(f"/account/sessions/{phone_session.id}/end", csrf=False).status_code == 400

    response = here.post(f"/account/sessions/{phone_session.id}/end")
    assert response.status_code == 302 and response.location.endswith("/account#sessions")
    assert sent_to_login(phone.get("/"))
    assert laptop.get("/").status_code == 200 and here.get("/").status_code == 200
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "session_ended")
        ).one()
        details = {key: value for key, value in event.details.items() if key != "request_id"}
        assert (event.actor_id, details) == (member.id, {"session": phone_session.id})


def test_no_one_ends_another_users_session_by_its_number(app, make_browser, make_user):
    owner, intruder = make_user(), make_user()
    victim_browser, intruder_browser = make_browser(), make_browser()
    victim_browser.login(owner)
    intruder_browser.login(intruder)
    record = the_record(app, owner)
    assert intruder_browser.post(f"/account/sessions/{record.id}/end").status_code == 404
    assert intruder_browser.post("/account/sessions/99999999999/end").status_code == 404
    assert victim_browser.get("/").status_code == 200


def test_sign_out_everywhere_else_keeps_this_browser(app, make_browser, make_user):
    member = make_user()
    here, phone = make_browser(), make_browser()
    phone.login(member)
    here.login(member)
    response = here.post("/account/sessions/end-others")
    assert response.status_code == 302
    assert sent_to_login(phone.get("/")) and here.get("/").status_code == 200
    page = here.get("/account").get_data(as_text=True)
    assert "Logga ut överallt annars" not in page and "Den här webbläsaren" in page


@pytest.mark.parametrize(
    ("agent", "expected"),
    [
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/120.0 Safari/537.36 Edg/120.0",
            ("Edge", "Windows"),
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
            ("Safari", "iOS"),
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
            ("Firefox", "Linux"),
        ),
        ("curl/8.5.0", (None, None)),
        (None, (None, None)),
    ],
)
def test_the_session_list_names_common_browsers(agent, expected):
    assert sessions.browser_of(agent) == expected
