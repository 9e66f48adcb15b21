"""Shared fixtures: one migrated database per run (SQLite, or PostgreSQL via TEST_DATABASE_URL),
one per worker under pytest-xdist, emptied after every test, a test client that handles CSRF
tokens like a browser, users, analyses and a review team. The data itself is built by
tests/factories.py."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask_migrate import upgrade
from sqlalchemy import create_engine, make_url, text

from bka import create_app
from bka.extensions import db
from bka.models import User
from tests import factories

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "bka" / "translations"
PASSWORD = factories.PASSWORD
CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def compile_catalogs() -> None:
    """Compile .po to .mo, as the build does: compiled catalogs are never committed. Written
    aside and renamed: xdist workers compile at the same time and never read half a file."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    for po_path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
        partial = po_path.with_name(f"messages.{worker}.mo")  # ignored by git, as *.mo
        with partial.open("wb") as handle:
            write_mo(handle, catalog)
        partial.replace(po_path.with_suffix(".mo"))


def _reset_schema(app) -> None:
    """Drop everything so `upgrade` runs from an empty database (PostgreSQL runs are reused)."""
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))


def _worker_database(url: str, worker: str) -> str:
    """The xdist worker's own PostgreSQL database beside the given one (bka_test_gw0, ...),
    created on first use: workers would otherwise empty each other's tables."""
    given = make_url(url)
    own = given.set(database=f"{given.database}_{worker}")
    engine = create_engine(given, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            if not connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own.database}
            ):
                connection.execute(text(f'CREATE DATABASE "{own.database}"'))
    finally:
        engine.dispose()
    return own.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:  # tmp_path_factory is the worker's own under xdist
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'bka-test.sqlite3'}"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return _worker_database(url, worker) if worker else url


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


class Browser:
    """A test client that sends the page's CSRF token with every POST, like a browser."""

    def __init__(self, client):
        self.client = client

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def token(self) -> str:
        # Followed: an ended session, or a password or TOTP set-up still due, redirects.
        page = self.client.get(
            "/login" if not self.logged_in() else "/account", follow_redirects=True
        )
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
    """Users with the password PASSWORD, returned detached (log in with `Browser.login`)."""
    counter = iter(range(1, 10_000))

    def factory(role="member", name=None, locale=None, email=None):
        number = next(counter)
        with app.app_context():
            user = factories.new_user(
                email=email or f"user{number}@example.se",
                name=name or f"Användare {number}",
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
    """A new draft analysis owned by `owner`; returns its id."""

    def factory(owner, area="digital", title=factories.TITLE, **details):
        with app.app_context():
            analysis = factories.draft_analysis(
                owner,
                area=area,
                title=title,
                organisation=details.pop("organisation", factories.ORGANISATION),
                **details,
            )
            db.session.commit()
            return analysis.id

    return factory


@pytest.fixture
def add_member(app):
    """Add a user to an analysis as editor or viewer, as its owner does."""

    def factory(analysis_id, user, role):
        with app.app_context():
            factories.member(analysis_id, user, role)
            db.session.commit()

    return factory


@pytest.fixture
def review_team(app, make_user, make_browser, add_member):
    """A complete draft, ready to submit, with an owner and an editor logged in, and a
    reviewer (logged in too) who is not yet a member: (analysis id, browsers, reviewer)."""
    owner = make_user(name="Tove Ägare")
    editor = make_user(name="Erik Redigerare")
    reviewer = make_user(role="reviewer", name="Gustav Granskare")
    with app.test_request_context():
        analysis_id = factories.complete_analysis(db.session.get(User, owner.id)).id
        db.session.commit()
    add_member(analysis_id, editor, "editor")
    browsers = {}
    for key, user in (("owner", owner), ("editor", editor), ("reviewer", reviewer)):
        browsers[key] = make_browser()
        browsers[key].login(user)
    return analysis_id, browsers, reviewer


from tests.oidc_peer import oidc_provider  # noqa: E402, F401 - the single sign-on tests' provider
