"""Every error message names its field: each form reachable in the app, sent empty or with
invalid values, gets an error summary where no two messages are the same and none is generic."""

from __future__ import annotations

import html
import re

import pytest

from bka.domain.entries import ENTRY_KINDS
from bka.extensions import db
from bka.models import Analysis, User
from tests import factories

# WTForms' and our old messages that name nothing, in both languages.
GENERIC = (
    "This field is required",
    "Fältet är obligatoriskt",
    "Not a valid",
    "Inte ett giltigt",
    "Invalid Choice",
    "Ogiltigt val",
    "Field must be",
    "Fältet får inte",
    "Fältet måste",
    "Number must be",
    "Invalid email",
    "Ogiltig e-post",
)


def summary(page) -> list[str]:
    """The messages of the error summary (which must be there)."""
    text = page.get_data(as_text=True)
    match = re.search(r'<div class="error-summary".*?</ul>', text, re.S)
    assert match, text[:3000]
    items = re.findall(r"<li>(.*?)</li>", match.group(0), re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in items]


def assert_named(page, expected: int | None = None) -> list[str]:
    messages = summary(page)
    assert messages
    assert len(messages) == len(set(messages)), messages
    for message in messages:
        assert not any(generic.lower() in message.lower() for generic in GENERIC), message
    if expected is not None:
        assert len(messages) == expected, messages
    return messages


@pytest.fixture
def owner_browser(app, make_user, make_browser):
    """A complete analysis (child groups and engaged articles for impacts) and its owner."""
    owner = make_user(name="Tove Ägare")
    with app.test_request_context():
        analysis_id = factories.complete_analysis(db.session.get(User, owner.id)).id
        db.session.commit()
    browser = make_browser()
    browser.login(owner)
    return browser, analysis_id


def test_new_analysis_empty_and_invalid(browser, make_user):
    browser.login(make_user())
    messages = assert_named(browser.post("/analyses/new", {}), expected=3)
    assert messages == ["Skriv beslutets titel.", "Skriv organisationen eller förvaltningen.",
                        "Välj beslutsområde."]  # fmt: skip
    invalid = {
        "title": "x" * 201,
        "organisation": "y" * 201,
        "decision_area": "bogus",
        "diarienummer": "z" * 65,
        "planned_decision_date": "31/31/2024",
    }
    assert_named(browser.post("/analyses/new", invalid), expected=5)
    browser.post("/language", {"language": "en", "next": "/"})
    messages = assert_named(browser.post("/analyses/new", invalid), expected=5)
    assert "“Title of the decision” must be 200 characters or fewer." in messages
    assert "Choose one of the options for “Decision area”." in messages
    assert "Enter “Planned decision date” as a real date, for example 2025-03-01." in messages


def test_text_of_spaces_only_is_no_answer(browser, make_user):
    browser.login(make_user())
    page = browser.post(
        "/analyses/new", {"title": "   ", "organisation": " \t ", "decision_area": "health_care"}
    )
    assert assert_named(page, expected=2) == [
        "Skriv beslutets titel.",
        "Skriv organisationen eller förvaltningen.",
    ]
    assert '<input checked id="decision_area-0"' in page.get_data(as_text=True)  # kept


def test_details_and_members(owner_browser):
    browser, analysis_id = owner_browser
    base = f"/analyses/{analysis_id}"
    assert_named(browser.post(f"{base}/details", {}), expected=2)
    assert_named(browser.post(f"{base}/members", {}), expected=2)
    invalid = {"email": "not-an-address", "role": "editor"}
    assert_named(browser.post(f"{base}/members", invalid), expected=1)


@pytest.mark.parametrize("kind_name", sorted(ENTRY_KINDS))
def test_every_entry_form(owner_browser, kind_name):
    browser, analysis_id = owner_browser
    url = f"/analyses/{analysis_id}/entries/{kind_name}/new"
    assert_named(browser.post(url, {}))
    invalid = {
        "label": "x" * 201,
        "title": "x" * 301,
        "name": "x" * 301,
        "owner": "x" * 201,
        "estimated_number": "många",
        "children_count": "0",
        "age_from": "99",
        "age_to": "tolv",
        "held_on": "igår",
        "due_date": "2025-13-45",
        "measure_on": "snart",
        "method": "bogus",
        "kind": "bogus",
        "article": "abc",
        "child_group_id": "999999",
    }
    assert_named(browser.post(url, invalid))


def test_comments_name_what_is_missing(owner_browser):
    browser, analysis_id = owner_browser
    response = browser.post(f"/analyses/{analysis_id}/comments", {"step_key": "evidence"})
    page = browser.get(response.location).get_data(as_text=True)
    assert "Skriv en kommentar innan du skickar den." in page


def test_review_send_back_and_sign_and_decision(app, owner_browser, make_user, make_browser):
    browser, analysis_id = owner_browser
    reviewer = make_user(role="reviewer", name="Gustav Granskare")
    with app.test_request_context():
        factories.submit(db.session.get(Analysis, analysis_id), reviewer)
        db.session.commit()
    review = make_browser()
    review.login(reviewer)
    base = f"/analyses/{analysis_id}"
    assert_named(review.post(f"{base}/review", {"send_back": "1"}), expected=1)
    assert_named(review.post(f"{base}/review", {"sign": "1"}))
    too_long = {"sign": "1", "title": "x" * 201, "reasons": "x" * 20_001}
    assert_named(review.post(f"{base}/review", too_long))
    with app.test_request_context():
        factories.sign(db.session.get(Analysis, analysis_id), reviewer)
        db.session.commit()
    assert_named(browser.post(f"{base}/decision", {}), expected=5)
    invalid = {"decided_on": "31/31/2024", "outcome": "bogus", "decision_body": "x" * 201}
    assert_named(browser.post(f"{base}/decision", invalid))


def test_login_and_account_forms(browser, make_user):
    assert_named(browser.post("/login", {}), expected=2)
    user = make_user()
    browser.login(user)
    assert_named(browser.post("/account/password", {}), expected=3)
    assert_named(browser.post("/account/two-factor", {}))


def test_admin_user_and_organisation_forms(browser, make_user):
    admin = make_user(role="admin")
    browser.login(admin)
    assert_named(browser.post("/admin/users/new", {}), expected=4)
    bad = {"name": "x" * 121, "email": "nope", "role": "bogus", "password": "kort"}
    assert_named(browser.post("/admin/users/new", bad), expected=4)
    assert_named(browser.post(f"/admin/users/{admin.id}", {"name": "", "email": "nope"}))
    assert_named(browser.post("/admin/organisations", {}), expected=1)
    assert_named(browser.get("/admin/barnbokslut?year=abc&lang=xx"), expected=2)
    assert_named(browser.get("/admin/?year=1800"), expected=1)
