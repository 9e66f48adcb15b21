"""Hostile requests get a plain answer, never a 500: oversized bodies, ids beyond the database's
integer range, line breaks in one-line fields, and a forged Host header."""

from __future__ import annotations

import base64
import random
import re

import pytest

from bka import create_app
from bka.extensions import db
from bka.models import Analysis
from bka.web.security import MissingBaseUrl, decimal_at_most

HUGE = str(10**20)  # beyond SQLite's 64-bit and PostgreSQL's 32-bit integers


def test_an_oversized_anonymous_post_is_refused_unread(browser):
    body = b"email=" + b"a" * (40 * 1024 * 1024)
    response = browser.client.post(
        "/login", data=body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    text = response.get_data(as_text=True)
    assert "För mycket text på en gång" in text and "2 MB" in text
    assert len(text) < 20_000  # nothing of the body is echoed back


def test_the_size_limit_is_configurable(app, browser):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        response = browser.client.post("/login", data={"email": "x" * 2000, "password": "y"})
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    assert response.status_code == 413


@pytest.mark.parametrize(
    "path",
    [
        f"/analyses/{HUGE}",
        f"/analyses/{HUGE}/steps/decision",
        f"/analyses/{HUGE}/history",
        f"/analyses/{2**31}",
        f"/analyses/{HUGE}/report",
    ],
)
def test_ids_beyond_the_integer_range_are_not_found(path, make_user, make_browser):
    member = make_browser()
    member.login(make_user())
    assert member.get(path).status_code == 404


@pytest.mark.parametrize("limit", [2**31 - 1, 2**63 - 1, 100, 9, 7, 10])
def test_the_id_pattern_matches_exactly_the_numbers_up_to_the_limit(limit):
    pattern = re.compile(rf"(?:{decimal_at_most(limit)})\Z")
    around = [n for k in range(len(str(limit)) + 2) for n in (10**k - 1, 10**k, 10**k + 1)]
    numbers = [0, limit - 1, limit, limit + 1, *around]
    draw = random.Random(limit)
    numbers += [draw.randint(0, limit * 20) for _ in range(2000)]
    for number in numbers:
        assert bool(pattern.match(str(number))) == (number <= limit), number
    assert pattern.match(f"00{limit}") and not pattern.match(f"00{limit + 1}")
    assert not pattern.match("") and not pattern.match("-1") and not pattern.match("1a")


def test_query_and_form_integers_beyond_the_range_do_not_fail(app, make_user, make_browser):
    owner_user = make_user()
    owner = make_browser()
    owner.login(owner_user)
    created = owner.post(
        "/analyses/new",
        {
            "title": "Skolskjuts",
            "organisation": "Kommunen",
            "decision_area": "education",
        },
    )
    assert created.status_code == 302
    with app.app_context():
        analysis_id = db.session.scalar(db.select(Analysis.id))
    base = f"/analyses/{analysis_id}"
    assert owner.get(f"{base}/history?from={HUGE}&to=-{HUGE}").status_code == 200
    assert owner.get(f"{base}/entries/impacts/new?article={HUGE}").status_code == 200
    comment = owner.post(
        f"{base}/comments", {"step_key": "decision", "parent_id": HUGE, "body": "Hej"}
    )
    assert comment.status_code in (200, 302, 400)
    saved = owner.post(f"{base}/steps/decision", {"base_version": HUGE, "save_later": "1"})
    assert saved.status_code in (200, 302, 409)

    admin = make_browser()
    admin.login(make_user(role="admin"))
    cursor = base64.urlsafe_b64encode(f"2026-01-01T00:00:00+00:00|{HUGE}".encode()).decode()
    assert admin.get(f"/admin/analyses?after={cursor}").status_code == 200


def test_line_breaks_in_a_title_become_spaces(app, make_user, make_browser):
    owner = make_browser()
    owner.login(make_user())
    owner.post(
        "/analyses/new",
        {
            "title": "Skolskjuts\r\nBcc: evil@example.com",
            "organisation": "Kommunen\nNorr",
            "decision_area": "education",
        },
    )
    with app.app_context():
        analysis = db.session.scalar(db.select(Analysis))
        assert analysis.title == "Skolskjuts Bcc: evil@example.com"
        assert analysis.organisation == "Kommunen Norr"


def test_production_with_mail_needs_a_base_url(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "a" * 64)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    monkeypatch.setenv("BKA_MAIL_SERVER", "127.0.0.1")
    monkeypatch.delenv("BKA_BASE_URL", raising=False)
    with pytest.raises(MissingBaseUrl, match="BKA_BASE_URL"):
        create_app("production")
    monkeypatch.setenv("BKA_BASE_URL", "https://bka.region.example")
    assert create_app("production").config["BASE_URL"] == "https://bka.region.example"


def test_untrusted_host_headers_are_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "a" * 64)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    monkeypatch.setenv("BKA_TRUSTED_HOSTS", "bka.region.example, localhost")
    application = create_app("production")
    client = application.test_client()
    assert client.get("/tillganglighet", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/tillganglighet", headers={"Host": "bka.region.example"}).status_code == 200
