"""Accounts and secure defaults: argon2id, login and logout, headers, secrets."""

from __future__ import annotations

import pytest
from argon2 import extract_parameters
from argon2.low_level import Type
from click.testing import CliRunner
from sqlalchemy import inspect

from bka import create_app
from bka.cli import main
from bka.config import Config, DevelopmentConfig, ProductionConfig, config_from_environment
from bka.database import MIGRATIONS_DIR
from bka.domain.accounts import password_hasher
from bka.extensions import db
from bka.models import User
from bka.web.security import MissingSecretKey
from tests.conftest import PASSWORD


@pytest.mark.parametrize("config", [Config, DevelopmentConfig, ProductionConfig])
def test_real_configs_hash_with_argon2id_at_or_above_the_owasp_floor(config):
    settings = {key: getattr(config, key) for key in dir(config) if key.startswith("ARGON2_")}
    parameters = extract_parameters(password_hasher(settings).hash(PASSWORD))
    assert parameters.type is Type.ID
    assert parameters.time_cost >= 2
    assert parameters.memory_cost >= 19 * 1024
    assert parameters.parallelism >= 1
    # The production defaults, unchanged.
    assert (parameters.time_cost, parameters.memory_cost, parameters.parallelism) == (2, 19456, 1)


def test_the_test_suite_hashes_with_cheap_argon2id(app, make_user):
    """Only TestingConfig goes below the floor, and users are hashed with the app's config."""
    user = make_user()
    with app.app_context():
        stored = db.session.get(User, user.id).password_hash
    parameters = extract_parameters(stored)
    assert parameters.type is Type.ID
    assert (parameters.time_cost, parameters.memory_cost, parameters.parallelism) == (1, 8, 1)


def test_argon2_parameters_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("BKA_ARGON2_TIME_COST", "3")
    monkeypatch.setenv("BKA_ARGON2_MEMORY_COST_KIB", "65536")
    monkeypatch.setenv("BKA_ARGON2_PARALLELISM", "2")
    hasher = password_hasher(config_from_environment("production"))
    assert (hasher.time_cost, hasher.memory_cost, hasher.parallelism) == (3, 65536, 2)
    assert hasher.type is Type.ID


def test_a_cheap_hash_is_upgraded_at_the_next_login(app, make_user, browser):
    """A hash made with other parameters (the test suite's) is redone with the current ones."""
    user = make_user()
    app.config.update(ARGON2_TIME_COST=2, ARGON2_MEMORY_COST_KIB=19 * 1024)
    try:
        browser.login(user)
    finally:
        app.config.update(ARGON2_TIME_COST=1, ARGON2_MEMORY_COST_KIB=8)
    with app.app_context():
        parameters = extract_parameters(db.session.get(User, user.id).password_hash)
    assert (parameters.time_cost, parameters.memory_cost) == (2, 19 * 1024)


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(MissingSecretKey, match="SECRET_KEY is not set"):
        create_app(
            {
                "BKA_CONFIG_NAME": "production",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite3",
            }
        )


def test_production_starts_with_a_secret_key_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "a" * 64)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    application = create_app("production")
    assert application.config["SECRET_KEY"] == "a" * 64
    assert application.config["SESSION_COOKIE_SECURE"] is True
    assert application.config["SQLALCHEMY_DATABASE_URI"].endswith("x.sqlite3")


def test_login_failure_is_generic_and_keeps_the_email(browser, make_user):
    user = make_user()
    for email in (user.email, "nobody@example.se"):
        page = browser.post("/login", {"email": email, "password": "wrong password"})
        text = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "E-postadressen eller lösenordet är fel." in text
        assert f'value="{email}"' in text
        assert "wrong password" not in text  # passwords are never echoed


def test_disabled_users_cannot_log_in(browser, make_user, app):
    user = make_user()
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    page = browser.post("/login", {"email": user.email, "password": "correct horse battery staple"})
    assert page.status_code == 200
    assert browser.get("/").status_code == 302


def test_login_redirects_only_to_local_paths(browser, make_user):
    user = make_user()
    response = browser.post(
        "/login",
        {
            "email": user.email,
            "password": "correct horse battery staple",
            "next": "//evil.example/steal",
        },
    )
    assert response.location == "/"


def test_login_follows_a_local_next(browser, make_user):
    user = make_user()
    response = browser.post(
        "/login",
        {"email": user.email, "password": "correct horse battery staple", "next": "/account"},
    )
    assert response.location == "/account"


def test_logout_is_post_only(browser, make_user):
    browser.login(make_user())
    assert browser.get("/logout").status_code == 405
    assert browser.get("/").status_code == 200
    browser.logout()
    assert browser.get("/").status_code == 302


def test_security_headers_and_cookie_flags(browser, make_user):
    response = browser.get("/login")
    headers = response.headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"
    login = browser.login(make_user())
    cookie = login.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_development_secret_is_generated_once_and_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("BKA_INSTANCE_PATH", str(tmp_path / "instance"))
    settings = {
        "BKA_CONFIG_NAME": "development",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite3",
    }

    def build():
        application = create_app(settings)
        return application

    first = build()
    key_file = tmp_path / "instance" / "secret_key"
    assert key_file.read_text().strip() == first.config["SECRET_KEY"]
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert build().config["SECRET_KEY"] == first.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 64


def test_no_default_accounts_exist(tmp_path, monkeypatch):
    """A real installation has no account until someone runs `bka create-user`: neither the
    migrations (`bka db upgrade` on a new database) nor starting the app create one."""
    table = User.__table__.name
    for path in MIGRATIONS_DIR.glob("versions/*.py"):
        for line in path.read_text().lower().splitlines():
            assert not ("insert" in line and table in line), f"{path.name}: {line.strip()}"

    monkeypatch.setenv("BKA_CONFIG", "testing")
    monkeypatch.setenv("BKA_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'new.sqlite3'}")
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    started = create_app()  # a start on the migrated database, as `bka serve` does
    with started.app_context():
        assert table in inspect(db.engine).get_table_names()
        assert db.session.scalar(db.select(db.func.count(User.id))) == 0
        db.session.remove()
        db.engine.dispose()


def test_create_user_command(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "create-user",
            "--email",
            "Ny@Example.se",
            "--name",
            "Ny Person",
            "--role",
            "reviewer",
            "--password",
            "a-very-long-password",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "ny@example.se"))
        assert user.role == "reviewer" and user.locale == "sv"
    short = runner.invoke(
        args=["create-user", "--email", "b@example.se", "--name", "B", "--password", "short"]
    )
    assert short.exit_code != 0
    assert "12" in short.output
