"""Every route for every role: members see, editors change, owners manage, others get 404.

The table mirrors docs/access.md. A route missing from it fails test_every_route_is_covered.
"""

from __future__ import annotations

from datetime import date

import pytest

from bka.domain import accounts, follow_up, lifecycle, redaction
from bka.domain import analyses as ops
from bka.extensions import db
from bka.models import Analysis, EditLog, Membership, User
from tests import factories

ROLES = ("anonymous", "other", "reviewer", "viewer", "editor", "owner", "admin")
OK, FORBIDDEN, HIDDEN, LOGIN = "ok", 403, 404, "login"

VIEWERS = {"viewer": OK, "editor": OK, "owner": OK, "admin": OK}
EDITORS = {"viewer": FORBIDDEN, "editor": OK, "owner": OK, "admin": FORBIDDEN}
MANAGERS = {"viewer": FORBIDDEN, "editor": FORBIDDEN, "owner": OK, "admin": OK}
# Lifecycle moves that a draft does not allow anyone (tested in their states in test_lifecycle).
NOBODY_NOW = {"viewer": FORBIDDEN, "editor": FORBIDDEN, "owner": FORBIDDEN, "admin": FORBIDDEN}


def analysis_rule(expected):
    """Anonymous users are sent to log in; users outside the analysis never learn it exists."""
    return {"anonymous": LOGIN, "other": HIDDEN, "reviewer": HIDDEN, **expected}


ADMINS = {
    "anonymous": LOGIN,
    **{role: FORBIDDEN for role in ROLES if role not in ("anonymous", "admin")},
    "admin": OK,
}
USER_DATA = {"name": "Ny Användare", "email": "ny@example.se", "role": "member", "active": "y"}
NEW_PASSWORD = {
    "current_password": "correct horse battery staple",
    "new_password": "blåbärssylt och pelargoner i april",
    "confirm": "blåbärssylt och pelargoner i april",
}
SIGNED_IN = {"anonymous": LOGIN, **{role: OK for role in ROLES if role != "anonymous"}}
EVERYONE = dict.fromkeys(ROLES, OK)

STEP = "/analyses/{a}/steps/decision"
ENTRY = "/analyses/{a}/entries/child_groups"
GROUP_DATA = {"label": "Nya gruppen", "age_band": "6-12", "relation": "user"}
REASSESSMENT = "/analyses/{a}/reassessment/hits/1"

# (method, url, form data, expected outcome per role)
CASES = [
    ("GET", "/login", {}, EVERYONE),
    ("POST", "/login", {"email": "x@example.se", "password": "wrong"}, EVERYONE),
    ("POST", "/logout", {}, EVERYONE),
    ("POST", "/language", {"language": "en"}, EVERYONE),
    ("GET", "/tillganglighet", {}, EVERYONE),
    # Probes for a load balancer or Kubernetes: open to everyone (tests/test_operations.py).
    ("GET", "/healthz", {}, EVERYONE),
    ("GET", "/readyz", {}, EVERYONE),
    ("GET", "/login/code", {}, EVERYONE),  # no password step pending: back to the login
    ("POST", "/login/code", {"code": "123456"}, EVERYONE),
    # Single sign-on is off in this suite: 404 for everyone (tests/test_sso.py tests it on).
    ("GET", "/login/sso", {}, dict.fromkeys(ROLES, HIDDEN)),
    ("GET", "/login/sso/callback", {}, dict.fromkeys(ROLES, HIDDEN)),
    ("GET", "/account", {}, SIGNED_IN),
    ("POST", "/account", {"locale": "en"}, SIGNED_IN),
    ("GET", "/account/password", {}, SIGNED_IN),
    ("POST", "/account/password", NEW_PASSWORD, SIGNED_IN),
    ("GET", "/account/two-factor", {}, SIGNED_IN),
    ("POST", "/account/two-factor", {"code": "123456"}, SIGNED_IN),
    ("GET", "/account/two-factor/disable", {}, SIGNED_IN),  # without TOTP: to the account
    ("POST", "/account/two-factor/disable", {"password": "x", "code": "1"}, SIGNED_IN),
    # Only one's own sessions: any other number is unknown to the user.
    (
        "POST",
        "/account/sessions/{s}/end",
        {},
        {"anonymous": LOGIN, **{role: HIDDEN for role in ROLES if role != "anonymous"}},
    ),
    ("POST", "/account/sessions/end-others", {}, SIGNED_IN),
    ("GET", "/account/tokens/new", {}, SIGNED_IN),
    ("POST", "/account/tokens/new", {"name": "Export", "scope": "read"}, SIGNED_IN),
    # Only one's own tokens: any other number is unknown to the user.
    (
        "POST",
        "/account/tokens/{s}/revoke",
        {},
        {"anonymous": LOGIN, **{role: HIDDEN for role in ROLES if role != "anonymous"}},
    ),
    ("GET", "/", {}, SIGNED_IN),
    ("GET", "/notifications", {}, SIGNED_IN),
    ("POST", "/notifications/read", {}, SIGNED_IN),
    ("GET", "/analyses/new", {}, SIGNED_IN),
    (
        "POST",
        "/analyses/new",
        {"title": "Ny", "organisation": "Org", "decision_area": "planning"},
        SIGNED_IN,
    ),
    ("GET", "/analyses/{a}", {}, analysis_rule(VIEWERS)),
    ("GET", "/analyses/{a}/check", {}, analysis_rule(VIEWERS)),
    ("GET", "/analyses/{a}/details", {}, analysis_rule(EDITORS)),
    # Start a new analysis from this one: anyone who may see it (tests/test_reuse.py).
    ("GET", "/analyses/{a}/start-from", {}, analysis_rule(VIEWERS)),
    (
        "POST",
        "/analyses/{a}/start-from",
        {"title": "Nästa våg", "organisation": "Org"},
        analysis_rule(VIEWERS),
    ),
    (
        "POST",
        "/analyses/{a}/details",
        {"title": "Ändrad", "organisation": "Org"},
        analysis_rule(EDITORS),
    ),
    ("GET", STEP, {}, analysis_rule(VIEWERS)),
    ("POST", STEP, {"proposal": "Förslag", "save_later": "1"}, analysis_rule(EDITORS)),
    ("POST", STEP + "/unsaved/discard", {}, analysis_rule(VIEWERS)),
    ("GET", ENTRY + "/new", {}, analysis_rule(EDITORS)),
    ("POST", ENTRY + "/new", GROUP_DATA, analysis_rule(EDITORS)),
    ("GET", ENTRY + "/{g}", {}, analysis_rule(EDITORS)),
    ("POST", ENTRY + "/{g}", GROUP_DATA, analysis_rule(EDITORS)),
    ("GET", ENTRY + "/{g}/delete", {}, analysis_rule(EDITORS)),
    ("POST", ENTRY + "/{g}/delete", {}, analysis_rule(EDITORS)),
    ("GET", "/analyses/{a}/members", {}, analysis_rule(VIEWERS)),
    (
        "POST",
        "/analyses/{a}/members",
        {"email": "ny@example.se", "role": "viewer"},
        analysis_rule(MANAGERS),
    ),
    ("POST", "/analyses/{a}/members/{m}/remove", {}, analysis_rule(MANAGERS)),
    ("GET", "/analyses/{a}/history", {}, analysis_rule(VIEWERS)),
    ("GET", "/analyses/{a}/report", {}, analysis_rule(VIEWERS)),
    ("GET", "/analyses/{a}/report/package", {}, analysis_rule(MANAGERS)),
    ("POST", "/analyses/{a}/history/edits/{e}/restore", {}, analysis_rule(EDITORS)),
    ("POST", "/analyses/{a}/submit", {"reviewer": "1"}, analysis_rule(EDITORS)),
    ("GET", "/analyses/{a}/review", {}, analysis_rule(NOBODY_NOW)),
    ("POST", "/analyses/{a}/review", {"send_back": "1"}, analysis_rule(NOBODY_NOW)),
    ("POST", "/analyses/{a}/new-version", {}, analysis_rule(NOBODY_NOW)),
    ("GET", "/analyses/{a}/decision", {}, analysis_rule(NOBODY_NOW)),
    ("POST", "/analyses/{a}/decision", {}, analysis_rule(NOBODY_NOW)),
    ("POST", "/analyses/{a}/transition/start_follow_up", {}, analysis_rule(NOBODY_NOW)),
    # Acting on a met trigger needs follow-up (tested in its states in test_reassessment).
    ("POST", REASSESSMENT + "/open", {}, analysis_rule(NOBODY_NOW)),
    ("POST", REASSESSMENT + "/dismiss", {"reason": "Inget behov."}, analysis_rule(NOBODY_NOW)),
    (
        "POST",
        "/analyses/{a}/comments",
        {"step_key": "decision", "body": "Bra"},
        analysis_rule(EDITORS),
    ),
    ("POST", "/analyses/{a}/comments/{c}/resolve", {}, analysis_rule(EDITORS)),
    ("GET", "/admin/", {}, ADMINS),
    ("GET", "/admin/analyses", {}, ADMINS),
    ("GET", "/admin/export/analyses.csv", {}, ADMINS),
    ("GET", "/admin/barnbokslut?year=2025&lang=sv", {}, ADMINS),
    ("GET", "/admin/users", {}, ADMINS),
    ("GET", "/admin/users/new", {}, ADMINS),
    (
        "POST",
        "/admin/users/new",
        {**USER_DATA, "email": "ny2@example.se", "password": "ett långt lösenord"},
        ADMINS,
    ),
    ("GET", "/admin/users/{u}", {}, ADMINS),
    ("POST", "/admin/users/{u}", USER_DATA, ADMINS),
    ("POST", "/admin/users/{u}/sessions/end", {}, ADMINS),
    ("GET", "/admin/organisations", {}, ADMINS),
    ("POST", "/admin/organisations", {"name": "Region Test"}, ADMINS),
    ("GET", "/admin/organisations/{o}/profile", {}, ADMINS),
    ("POST", "/admin/organisations/{o}/profile", {"always_needed": "Skolnedläggning"}, ADMINS),
    ("GET", "/admin/checklists", {}, ADMINS),
    ("GET", "/admin/redaction/", {}, ADMINS),
    (
        "POST",
        "/admin/redaction/",
        {"analysis_id": "{a}", "text": "Första förslaget", "reason": "Test", "confirm": "y"},
        ADMINS,
    ),
    ("GET", "/admin/redaction/{r}", {}, ADMINS),
]

FOLLOW_UP = "/analyses/{a}/follow-up"
EVENT_DATA = {"kind": "incident", "occurred_on": "2024-11-14", "title": "Avvikelse"}
CLOSE_DATA = {"closed_on": "2025-06-18", "fared": "as_predicted", "conclusion": "Som förutsett."}
# On an analysis in follow-up: members see it, the team records it and closes the analysis.
FOLLOW_UP_CASES = [
    ("GET", FOLLOW_UP, {}, analysis_rule(VIEWERS)),
    ("GET", FOLLOW_UP + "/observed-effects", {}, analysis_rule(VIEWERS)),
    ("GET", FOLLOW_UP + "/events/new", {}, analysis_rule(EDITORS)),
    ("POST", FOLLOW_UP + "/events/new", EVENT_DATA, analysis_rule(EDITORS)),
    ("GET", FOLLOW_UP + "/events/{v}", {}, analysis_rule(EDITORS)),
    ("POST", FOLLOW_UP + "/events/{v}", EVENT_DATA, analysis_rule(EDITORS)),
    ("GET", FOLLOW_UP + "/events/{v}/delete", {}, analysis_rule(EDITORS)),
    ("POST", FOLLOW_UP + "/events/{v}/delete", {}, analysis_rule(EDITORS)),
    ("GET", FOLLOW_UP + "/close", {}, analysis_rule(EDITORS)),
    ("POST", FOLLOW_UP + "/close", CLOSE_DATA, analysis_rule(EDITORS)),
]


@pytest.fixture
def setting(app, make_user, make_analysis, add_member):
    users = {
        role: make_user(role={"reviewer": "reviewer", "admin": "admin"}.get(role, "member"))
        for role in ROLES
        if role != "anonymous"
    }
    listed_user = make_user(email="ny@example.se")
    with app.test_request_context():
        organisation_id = accounts.create_organisation(
            "Region Profil", db.session.get(User, users["admin"].id)
        ).id
        db.session.commit()
    analysis_id = make_analysis(users["owner"])
    add_member(analysis_id, users["editor"], "editor")
    add_member(analysis_id, users["viewer"], "viewer")
    with app.test_request_context():
        group_id = factories.child_group(analysis_id).id
        db.session.commit()
        viewer_membership = db.session.scalar(
            db.select(Membership.id).where(
                Membership.analysis_id == analysis_id, Membership.user_id == users["viewer"].id
            )
        )
    with app.test_request_context():
        analysis = db.session.get(Analysis, analysis_id)
        ops.save_step(
            analysis,
            ops.checklists_for(analysis),
            "decision",
            {"proposal": "Första förslaget"},
            db.session.get(User, users["owner"].id),
        )
        db.session.commit()
        edit_id = db.session.scalar(db.select(EditLog.id).where(EditLog.area == "decision"))
        comment_id = lifecycle.add_comment(
            analysis_id,
            db.session.get(User, users["owner"].id),
            "decision",
            "Kolla nollalternativet.",
        ).id
        db.session.commit()
        redaction_id = redaction.redact(
            db.session.get(Analysis, analysis_id),
            "nollalternativet",
            db.session.get(User, users["admin"].id),
            "Test",
        ).audit_event_id
        db.session.commit()
    return users, {
        "r": redaction_id,
        "c": comment_id,
        "a": analysis_id,
        "g": group_id,
        "m": viewer_membership,
        "e": edit_id,
        "u": listed_user.id,
        "o": organisation_id,
    }


def outcome(response) -> object:
    if response.status_code in (403, 404):
        return response.status_code
    if (
        response.status_code == 302
        and "/login" in response.location
        and ("next=" in response.location)
    ):
        return LOGIN
    # 400: the view let the user in and refused the input (a wrong TOTP code, for example).
    assert response.status_code in (200, 302, 400), response.status_code
    return OK


def check_access(make_browser, users, ids, role, method, url, data, expected):
    browser = make_browser()
    if role != "anonymous":
        browser.login(users[role])
    target = url.format(s=999_999, **ids)
    data = {
        key: value.format(**ids) if isinstance(value, str) else value for key, value in data.items()
    }
    response = browser.get(target) if method == "GET" else browser.post(target, data)
    assert outcome(response) == expected[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "url", "data", "expected"), CASES, ids=[f"{c[0]} {c[1]}" for c in CASES]
)
def test_route_access(setting, make_browser, role, method, url, data, expected):
    users, ids = setting
    check_access(make_browser, users, ids, role, method, url, data, expected)


@pytest.fixture
def followed_up(app, make_user, make_analysis, add_member):
    """An analysis in follow-up (set directly: access depends on the status and the role only),
    with one event recorded."""
    users = {
        role: make_user(role={"reviewer": "reviewer", "admin": "admin"}.get(role, "member"))
        for role in ROLES
        if role != "anonymous"
    }
    analysis_id = make_analysis(users["owner"])
    add_member(analysis_id, users["editor"], "editor")
    add_member(analysis_id, users["viewer"], "viewer")
    with app.test_request_context():
        analysis = db.session.get(Analysis, analysis_id)
        analysis.status = "follow_up"
        event = follow_up.save_record(
            analysis,
            follow_up.FOLLOW_UP_KINDS["events"],
            {"kind": "incident", "occurred_on": date(2024, 11, 14), "title": "Larm"},
            db.session.get(User, users["owner"].id),
        )
        db.session.commit()
        return users, {"a": analysis_id, "v": event.id}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "url", "data", "expected"),
    FOLLOW_UP_CASES,
    ids=[f"{c[0]} {c[1]}" for c in FOLLOW_UP_CASES],
)
def test_follow_up_route_access(followed_up, make_browser, role, method, url, data, expected):
    users, ids = followed_up
    check_access(make_browser, users, ids, role, method, url, data, expected)


def test_every_route_is_covered(app):
    covered = {
        (method, url.replace("{a}", "<int:analysis_id>"))
        for method, url, *_ in [*CASES, *FOLLOW_UP_CASES]
    }
    normalised = set()
    for method, url in covered:
        url = (
            url.replace("/entries/child_groups", "/entries/<kind_name>")
            .replace("/follow-up/events", "/follow-up/<kind_name>")
            .replace("{v}", "<int:record_id>")
            .replace("{g}", "<int:entry_id>")
            .replace("{m}", "<int:membership_id>")
            .replace("{e}", "<int:edit_id>")
            .replace("{c}", "<int:comment_id>")
            .replace("/transition/start_follow_up", "/transition/<name>")
            .replace("/steps/decision", "/steps/<step_key>")
            .replace("{u}", "<int:user_id>")
            .replace("{o}", "<int:organisation_id>")
            .replace("{r}", "<int:event_id>")
            .replace("/sessions/{s}", "/sessions/<int:session_id>")
            .replace("/tokens/{s}", "/tokens/<int:token_id>")
            .replace("/hits/1/", "/hits/<int:hit_id>/")
            .replace("/export/analyses.csv", "/export/<what>.<fmt>")
            .split("?")[0]
        )
        normalised.add((method, url))
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.startswith("api."):
            continue  # the JSON API's routes: tests/test_api.py (test_every_api_route_is_covered)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (method, rule.rule) in normalised, f"{method} {rule.rule} is not in CASES"


def test_the_owner_cannot_be_removed(setting, make_browser, app):
    users, ids = setting
    browser = make_browser()
    browser.login(users["owner"])
    with app.app_context():
        owner_membership = db.session.scalar(
            db.select(Membership.id).where(
                Membership.analysis_id == ids["a"], Membership.role == "owner"
            )
        )
    browser.post(f"/analyses/{ids['a']}/members/{owner_membership}/remove")
    with app.app_context():
        assert db.session.get(Membership, owner_membership) is not None


def test_unknown_step_and_entry_kind_are_404(setting, make_browser):
    users, ids = setting
    browser = make_browser()
    browser.login(users["owner"])
    assert browser.get(f"/analyses/{ids['a']}/steps/nonsense").status_code == 404
    assert browser.get(f"/analyses/{ids['a']}/entries/nonsense/new").status_code == 404
    assert browser.get(f"/analyses/{ids['a']}/entries/impacts/{ids['g']}").status_code == 404
    assert browser.get("/analyses/999999").status_code == 404
