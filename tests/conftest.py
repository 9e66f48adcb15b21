"""Shared fixtures: one migrated database per run (SQLite, or PostgreSQL via TEST_DATABASE_URL),
emptied after every test, a test client that handles CSRF tokens like a browser, and users."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask_migrate import upgrade
from sqlalchemy import text

from bka import create_app
from bka.domain import analyses as ops
from bka.domain.accounts import create_user, password_hasher
from bka.extensions import db

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "bka" / "translations"
PASSWORD = "correct horse battery staple"
CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def compile_catalogs() -> None:
    """Compile .po to .mo, as the build does: compiled catalogs are never committed."""
    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
        with po_path.with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog)


def _reset_schema(app) -> None:
    """Drop everything so `upgrade` runs from an empty database (PostgreSQL runs are reused)."""
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    return os.environ.get("TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'bka-test.sqlite3'}"
    )


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    compile_catalogs()
    application = create_app(
        {
            "BKA_CONFIG_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": database_url,
        }
    )
    application.instance_path = str(tmp_path_factory.mktemp("instance"))
    _reset_schema(application)
    with application.app_context():
        upgrade()
    yield application
    # Close the pooled connections: psycopg warns (an error here) about any left to the collector.
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Empty every table after each test that used the app."""
    yield
    if "app" not in request.fixturenames:
        return
    application = request.getfixturevalue("app")
    with application.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())


def add_child_group(analysis_id: int):
    """Insert a minimal child group directly (inside an app context) and commit it."""
    from bka.models import ChildGroup

    group = ChildGroup(
        analysis_id=analysis_id,
        label="Barn",
        age_band="0-17",
        relation="user",
        vulnerable_situations=[],
        number_source="",
    )
    db.session.add(group)
    db.session.commit()
    return group


class Browser:
    """A test client that sends the page's CSRF token with every POST, like a browser."""

    def __init__(self, client):
        self.client = client

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def token(self) -> str:
        page = self.client.get("/login" if not self.logged_in() else "/account")
        match = CSRF_PATTERN.search(page.get_data(as_text=True))
        assert match, "no CSRF token on the page"
        return match.group(1)

    def logged_in(self) -> bool:
        with self.client.session_transaction() as session:
            return "_user_id" in session

    def post(self, url, data=None, *, csrf=True, **kwargs):
        data = dict(data or {})
        if csrf and "csrf_token" not in data:
            data["csrf_token"] = self.token()
        return self.client.post(url, data=data, **kwargs)

    def login(self, user, password=PASSWORD):
        response = self.post("/login", {"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    def logout(self):
        return self.post("/logout")


@pytest.fixture
def browser(app):
    return Browser(app.test_client())


@pytest.fixture
def make_browser(app):
    def factory():
        return Browser(app.test_client())

    return factory


@pytest.fixture
def make_user(app):
    counter = iter(range(1, 10_000))

    def factory(role="member", name=None, locale=None, email=None):
        number = next(counter)
        with app.app_context():
            user = create_user(
                password_hasher(app.config),
                email=email or f"user{number}@example.se",
                name=name or f"Användare {number}",
                password=PASSWORD,
                role=role,
                locale=locale,
            )
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
        return user

    return factory


@pytest.fixture
def make_analysis(app):
    def factory(owner, area="digital", title="Införande av journalsystem", **details):
        with app.app_context():
            analysis = ops.create_analysis(
                app.extensions["bka_library"],
                db.session.merge(owner),
                title=title,
                organisation=details.pop("organisation", "Region Exempel"),
                decision_area=area,
                **details,
            )
            db.session.commit()
            return analysis.id

    return factory


@pytest.fixture
def add_member(app):
    def factory(analysis_id, user, role):
        from bka.models import Analysis, Membership

        with app.app_context():
            analysis = db.session.get(Analysis, analysis_id)
            analysis.memberships.append(Membership(user_id=user.id, role=role))
            db.session.commit()

    return factory
