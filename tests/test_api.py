"""The JSON API /api/v1: tokens, access per role, validation, conflicts, pages, rate limit,
and personal access tokens from the CLI and the account page."""

from __future__ import annotations

import base64
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from bka.domain import analyses as ops
from bka.domain import api_tokens, follow_up
from bka.domain.progress import load_state
from bka.extensions import db
from bka.models import (
    Alternative,
    Analysis,
    ApiToken,
    ArchivedReport,
    AuditEvent,
    SignOff,
    StepAnswer,
    User,
)
from bka.models.base import utcnow
from tests import factories


@pytest.fixture
def make_token(app):
    """A token for `user`; returns the secret."""

    def factory(user, scope="write", expires_days=None):
        with app.app_context():
            _token, secret = api_tokens.create_token(
                db.session.get(User, user.id), name="test", scope=scope, expires_days=expires_days
            )
            db.session.commit()
        return secret

    return factory


class Api:
    def __init__(self, client, secret):
        self.client = client
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    def __getattr__(self, method):
        call = getattr(self.client, method)
        return lambda url, **kwargs: call(url, headers=self.headers, **kwargs)


@pytest.fixture
def api(app, make_token):
    def factory(user, scope="write", **kwargs):
        return Api(app.test_client(), make_token(user, scope, **kwargs))

    return factory


def _count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


# --- authentication -----------------------------------------------------------------------------


def test_without_a_token_the_api_answers_401_as_json(app):
    response = app.test_client().get("/api/v1/analyses")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["status"] == 401


def test_the_session_cookie_is_not_enough(make_user, browser, make_analysis):
    user = make_user()
    make_analysis(user)
    browser.login(user)
    assert browser.get("/api/v1/analyses").status_code == 401
    # ...and a state change with the cookie alone is refused as well, without a CSRF page.
    response = browser.client.post("/api/v1/analyses", json={"title": "x"})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("case", ["unknown", "revoked", "expired", "inactive"])
def test_refused_tokens(app, make_user, make_token, case):
    user = make_user()
    secret = make_token(user)
    with app.app_context():
        token = db.session.scalar(select(ApiToken))
        if case == "unknown":
            secret = secret[:-4] + "AAAA"
        elif case == "revoked":
            api_tokens.revoke_token(token, token.user)
        elif case == "expired":
            token.expires_at = utcnow() - timedelta(seconds=1)
        else:
            token.user.active = False
        db.session.commit()
    response = app.test_client().get(
        "/api/v1/analyses", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 401


def test_a_token_that_has_not_expired_works(app, make_user, api):
    client = api(make_user(), expires_days=1)
    assert client.get("/api/v1/analyses").status_code == 200
    with app.app_context():
        assert db.session.scalar(select(ApiToken.last_used_at)) is not None


def test_only_the_hash_of_a_token_is_stored(app, make_user, make_token):
    secret = make_token(make_user())
    with app.app_context():
        token = db.session.scalar(select(ApiToken))
        assert secret.startswith("bka_") and secret.startswith(token.prefix)
        assert token.token_hash == api_tokens.token_hash(secret) != secret
        actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "api_token_created" in actions


# --- reading ------------------------------------------------------------------------------------


def test_list_shows_only_what_the_user_may_see(make_user, make_analysis, api):
    owner, other, admin = make_user(), make_user(), make_user(role="admin")
    mine = make_analysis(owner, title="Min analys")
    theirs = make_analysis(other, title="Deras analys")
    ids = lambda client: [item["id"] for item in client.get("/api/v1/analyses").get_json()["items"]]  # noqa: E731
    assert ids(api(owner)) == [mine]
    assert ids(api(other)) == [theirs]
    assert ids(api(admin)) == [theirs, mine]


def test_list_filters_and_keyset_pages(make_user, make_analysis, api):
    owner = make_user()
    made = [make_analysis(owner, title=f"Analys {n}", organisation="Region Öst") for n in range(5)]
    make_analysis(owner, title="Annat", organisation="Region Väst")
    client = api(owner, scope="read")
    seen, url = [], "/api/v1/analyses?organisation=Region%20%C3%96st&limit=2"
    while url:
        body = client.get(url).get_json()
        assert len(body["items"]) <= 2
        seen += [item["id"] for item in body["items"]]
        url = body["next"]
    assert seen == sorted(made, reverse=True)
    found = client.get("/api/v1/analyses?q=Annat&status=draft").get_json()["items"]
    assert [item["title"] for item in found] == ["Annat"]
    assert client.get("/api/v1/analyses?status=closed").get_json()["items"] == []
    assert client.get("/api/v1/analyses?after=nonsense").status_code == 400
    assert client.get("/api/v1/analyses?limit=0").status_code == 400
    assert client.get("/api/v1/analyses?status=bogus").status_code == 400
    # Whole numbers are ASCII digits only, as the document says: not what int() also reads.
    for odd in ("1_0", "+5", " 5", "\uff11", "\u0661", "5.0"):
        assert client.get("/api/v1/analyses", query_string={"limit": odd}).status_code == 400
    for cursor in ("id: 5", "id:1_0", "id:+5"):
        encoded = base64.urlsafe_b64encode(cursor.encode()).decode().rstrip("=")
        assert client.get(f"/api/v1/analyses?after={encoded}").status_code == 400


def test_one_analysis_with_its_content_member_admin_and_non_member(app, make_user, api, add_member):
    owner, viewer, stranger, admin = (
        make_user(),
        make_user(),
        make_user(),
        make_user(role="admin"),
    )
    with app.test_request_context():
        analysis_id = factories.complete_analysis(db.session.get(User, owner.id)).id
        db.session.commit()
    add_member(analysis_id, viewer, "viewer")
    url = f"/api/v1/analyses/{analysis_id}"
    body = api(viewer, scope="read").get(url).get_json()
    assert body["your_role"] == "viewer" and body["transitions"] == []
    assert [step["key"] for step in body["steps"]][0] == "screening"
    assert all(step["completed"] for step in body["steps"])
    assert body["entries"]["child_groups"] and body["entries"]["impacts"]
    assert api(admin).get(url).status_code == 200
    refused = api(stranger).get(url)
    assert refused.status_code == 404 and refused.mimetype == "application/problem+json"
    assert api(owner).get("/api/v1/analyses/2147483647").status_code == 404
    assert api(owner).get("/api/v1/analyses/99999999999").status_code == 404


# --- writing ------------------------------------------------------------------------------------


def test_create_an_analysis(app, make_user, api):
    user = make_user()
    response = api(user).post(
        "/api/v1/analyses",
        json={
            "title": "Nytt journalsystem",
            "organisation": "Region Öst",
            "decision_area": "digital",
            "planned_decision_date": "2025-05-01",
        },
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/analyses/{body['id']}")
    assert body["status"] == "draft" and body["your_role"] == "owner"
    assert body["planned_decision_date"] == "2025-05-01"


def test_create_refuses_bad_input_and_read_tokens(app, make_user, api):
    user = make_user()
    invalid = api(user).post("/api/v1/analyses", json={"organisation": "Region Öst"})
    assert invalid.status_code == 422
    errors = invalid.get_json()["errors"]
    assert "title" in errors and "decision_area" in errors
    assert api(user).post("/api/v1/analyses", data="nej").status_code == 400
    read = api(user, scope="read").post(
        "/api/v1/analyses",
        json={"title": "T", "organisation": "O", "decision_area": "digital"},
    )
    assert read.status_code == 403
    assert _count(app, Analysis) == 0


def test_a_personnummer_is_refused_unless_confirmed(app, make_user, api):
    client = api(make_user())
    values = {"title": "Om 19121212-1212", "organisation": "O", "decision_area": "digital"}
    refused = client.post("/api/v1/analyses", json=values)
    assert refused.status_code == 422 and "title" in refused.get_json()["errors"]
    confirmed = client.post(
        "/api/v1/analyses",
        json={**values, "not_a_child_number": True, "not_a_child_reason": "Ett testnummer"},
    )
    assert confirmed.status_code == 201


def test_step_answers_with_the_lock_version(app, make_user, make_analysis, api, add_member):
    owner, viewer, stranger = make_user(), make_user(), make_user()
    analysis_id = make_analysis(owner)
    add_member(analysis_id, viewer, "viewer")
    url = f"/api/v1/analyses/{analysis_id}/steps/decision"
    client = api(owner)
    assert client.get(url).get_json()["lock_version"] == 0
    first = client.put(url, json={"answers": {"proposal": "Ett nytt system"}, "lock_version": 0})
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["answers"]["proposal"] == "Ett nytt system"
    version = first.get_json()["lock_version"]
    assert version == 1
    # Someone else's copy, read before the first save: refused, and nothing is lost.
    stale = client.put(url, json={"answers": {"proposal": "Något annat"}, "lock_version": 0})
    assert stale.status_code == 409
    assert stale.get_json()["current"]["answers"]["proposal"] == "Ett nytt system"
    assert client.get(url).get_json()["answers"]["proposal"] == "Ett nytt system"
    again = client.put(url, json={"answers": {"proposal": "Andra"}, "lock_version": version})
    assert again.status_code == 200 and again.get_json()["lock_version"] == version + 1
    assert client.put(url, json={"answers": {}}).status_code == 422
    assert client.put(url, json={"answers": [], "lock_version": 2}).status_code == 422
    body = {"answers": {"proposal": "x"}, "lock_version": 2}
    assert api(viewer).put(url, json=body).status_code == 403
    assert api(stranger).put(url, json=body).status_code == 404
    assert api(owner, scope="read").put(url, json=body).status_code == 403
    assert client.put(f"/api/v1/analyses/{analysis_id}/steps/nope", json=body).status_code == 404


def test_a_step_marked_completed_too_early_keeps_its_answers(make_user, make_analysis, api):
    owner = make_user()
    analysis_id = make_analysis(owner)
    url = f"/api/v1/analyses/{analysis_id}/steps/decision"
    response = api(owner).put(
        url, json={"answers": {"proposal": "Ett"}, "lock_version": 0, "mark_completed": True}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["completed"] is False and body["missing"]
    assert body["answers"] == {"proposal": "Ett"}


def test_step_input_is_validated_by_the_step_form(make_user, make_analysis, api):
    owner = make_user()
    analysis_id = make_analysis(owner)
    url = f"/api/v1/analyses/{analysis_id}/steps/screening"
    response = api(owner).put(
        url, json={"answers": {"children_affected": "maybe-not-a-choice"}, "lock_version": 0}
    )
    assert response.status_code == 422
    assert "children_affected" in response.get_json()["errors"]
    nested = api(owner).put(url, json={"answers": {"x": {"y": 1}}, "lock_version": 0})
    assert nested.status_code == 422


def test_entries(app, make_user, make_analysis, api):
    owner = make_user()
    analysis_id = make_analysis(owner)
    base = f"/api/v1/analyses/{analysis_id}/entries/child_groups"
    client = api(owner)
    created = client.post(
        base,
        json={
            "label": "Barn 6–12",
            "age_band": "6-12",
            "relation": "user",
            "vulnerable_situations": [],
        },
    )
    assert created.status_code == 201, created.get_json()
    entry_id = created.get_json()["id"]
    assert client.get(base).get_json()["items"][0]["label"] == "Barn 6–12"
    changed = client.patch(f"{base}/{entry_id}", json={"estimated_number": 1200})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["estimated_number"] == 1200
    assert changed.get_json()["label"] == "Barn 6–12"
    invalid = client.post(base, json={"label": "X", "age_band": "99", "relation": "user"})
    assert invalid.status_code == 422 and "age_band" in invalid.get_json()["errors"]
    assert client.get(f"/api/v1/analyses/{analysis_id}/entries/nope").status_code == 404
    assert client.delete(f"{base}/{entry_id}").status_code == 204
    assert client.get(f"{base}/{entry_id}").status_code == 404


def test_transitions_follow_the_table_and_can(app, make_user, api):
    owner = make_user()
    reviewer = make_user(role="reviewer")
    with app.test_request_context():
        analysis_id = factories.complete_analysis(db.session.get(User, owner.id)).id
        db.session.commit()
    url = f"/api/v1/analyses/{analysis_id}/transitions"
    client = api(owner)
    early = client.post(url, json={"transition": "start_follow_up"})
    assert early.status_code == 403
    # Why, and what this user may do instead (in Swedish, the token's language here).
    detail = early.get_json()["detail"]
    assert detail.startswith("start_follow_up är inte möjlig för dig medan analysen är ”draft”")
    assert detail.endswith("Dina just nu: submit.")
    assert client.post(url, json={"transition": "sign_off"}).status_code == 403  # not the reviewer
    assert client.post(url, json={"transition": "approve"}).status_code == 422
    assert client.post(url, json={"transition": "submit"}).status_code == 422
    response = client.post(url, json={"transition": "submit", "reviewer": reviewer.id})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "in_review"
    assert api(reviewer).get(f"/api/v1/analyses/{analysis_id}").status_code == 200


def test_the_reviewer_sends_back_and_signs_off_through_the_api(app, make_user, api):
    owner = make_user()
    reviewer = make_user(role="reviewer")
    with app.test_request_context():
        analysis = factories.complete_analysis(db.session.get(User, owner.id))
        factories.submit(analysis, db.session.get(User, reviewer.id))
        db.session.commit()
        analysis_id = analysis.id
    url = f"/api/v1/analyses/{analysis_id}/transitions"
    # Only the reviewer of the round reviews: the owner is refused, and nothing changes.
    refused = api(owner).post(url, json={"transition": "sign_off"})
    assert refused.status_code == 403
    client = api(reviewer)
    # What the analysis offers is what may be posted, by the API's names.
    offered = client.get(f"/api/v1/analyses/{analysis_id}").get_json()["transitions"]
    assert offered == ["send_back", "sign_off"]
    assert api(owner).get(f"/api/v1/analyses/{analysis_id}").get_json()["transitions"] == []
    # Sending back needs the reasons, as on the review page.
    missing = client.post(url, json={"transition": "send_back", "verdict__impacts": "changes"})
    assert missing.status_code == 422, missing.get_json()
    sent = client.post(
        url,
        json={
            "transition": "send_back",
            "verdict__impacts": "changes",
            "comment__impacts": "Bedöm de yngsta barnen också.",
            "reasons": "Konsekvenserna för de yngsta saknas.",
        },
    )
    assert sent.status_code == 200, sent.get_json()
    assert sent.get_json()["status"] == "changes_requested"
    # The team saves the step the reviewer flagged again, then sends it back for review.
    step_url = f"/api/v1/analyses/{analysis_id}/steps/impacts"
    impacts = api(owner).get(step_url).get_json()
    saved = api(owner).put(
        step_url,
        json={
            "answers": impacts["answers"],
            "lock_version": impacts["lock_version"],
            "mark_completed": True,
        },
    )
    assert saved.status_code == 200, saved.get_json()
    resubmitted = api(owner).post(url, json={"transition": "submit", "reviewer": reviewer.id})
    assert resubmitted.status_code == 200, resubmitted.get_json()
    assert resubmitted.get_json()["status"] == "in_review"
    # Signing needs every statement and the signer's title; then the reports are archived.
    partly = client.post(url, json={"transition": "sign_off", "statements": ["read_whole"]})
    assert partly.status_code == 422
    assert "statements" in partly.get_json()["errors"]
    signed = client.post(
        url,
        json={
            "transition": "sign_off",
            "statements": factories.SIGN_STATEMENTS,
            "title": "Barnrättsstrateg",
        },
    )
    assert signed.status_code == 200, signed.get_json()
    assert signed.get_json()["status"] == "approved"
    # The decision's outcomes (referral back, postponement included) are one transition.
    assert signed.get_json()["transitions"] == []  # the reviewer's part is done
    offered = api(owner).get(f"/api/v1/analyses/{analysis_id}").get_json()["transitions"]
    assert offered == ["new_version", "record_decision"]
    with app.app_context():
        sign_off = db.session.scalar(select(SignOff).where(SignOff.analysis_id == analysis_id))
        assert sign_off.signer_id == reviewer.id and sign_off.signer_title == "Barnrättsstrateg"
        archived = _count(app, ArchivedReport, ArchivedReport.analysis_id == analysis_id)
        assert archived == len(app.config["LANGUAGES"])


def test_follow_up_records(app, make_user, api):
    owner, reviewer = make_user(), make_user(role="reviewer")
    with app.test_request_context():
        analysis = factories.complete_analysis(db.session.get(User, owner.id))
        factories.drive_to(analysis, "decided", db.session.get(User, reviewer.id))
        analysis_id = analysis.id
        db.session.commit()
    base = f"/api/v1/analyses/{analysis_id}/follow-up/events"
    client = api(owner)
    created = client.post(
        base,
        json={
            "kind": "complaint",
            "occurred_on": "2025-01-10",
            "title": "Klagomål",
            "description": "Ett klagomål från en förälder.",
        },
    )
    assert created.status_code == 201, created.get_json()
    record_id = created.get_json()["id"]
    assert client.get(base).get_json()["items"][0]["title"] == "Klagomål"
    changed = client.patch(f"{base}/{record_id}", json={"title": "Klagomål om väntetid"})
    assert changed.status_code == 200 and changed.get_json()["kind"] == "complaint"
    assert client.post(base, json={"kind": "nope"}).status_code == 422
    started = client.post(
        f"/api/v1/analyses/{analysis_id}/transitions", json={"transition": "start_follow_up"}
    )
    assert started.status_code == 200 and started.get_json()["status"] == "follow_up"
    decision = started.get_json()["decisions"][0]
    assert decision["decision_body"] == "Regionstyrelsen" and decision["decided_on"] == "2024-06-18"


def test_follow_up_needs_a_decision(make_user, make_analysis, api):
    owner = make_user()
    analysis_id = make_analysis(owner)
    response = api(owner).post(
        f"/api/v1/analyses/{analysis_id}/follow-up/events", json={"title": "x"}
    )
    assert response.status_code == 403


# --- the rest of the surface --------------------------------------------------------------------


def test_unknown_paths_and_methods_answer_json(make_user, api):
    client = api(make_user())
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    wrong = client.delete("/api/v1/analyses")
    assert wrong.status_code == 405 and "GET" in wrong.headers["Allow"]


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/api/v1/analyses/{big}"),
        ("put", "/api/v1/analyses/{big}/steps/screening"),
        ("post", "/api/v1/analyses/{big}/entries/child_groups"),
        ("patch", "/api/v1/analyses/{small}/entries/child_groups/{big}"),
        ("post", "/api/v1/analyses/{big}/transitions"),
    ],
)
@pytest.mark.parametrize("big", [2**31, 10**20])
def test_an_id_beyond_the_database_range_is_not_found_whatever_the_method(
    make_user, api, method, path, big
):
    # A sibling route with the same path for GET must not turn this into 405.
    response = getattr(api(make_user()), method)(path.format(big=big, small=1), json={})
    assert response.status_code == 404 and response.mimetype == "application/problem+json"


def test_the_rate_limit(app, make_user, api):
    client = api(make_user())
    app.config["API_RATE_LIMIT"] = 3
    try:
        codes = [client.get("/api/v1/analyses").status_code for _ in range(4)]
        refused = client.get("/api/v1/analyses")
    finally:
        app.config["API_RATE_LIMIT"] = 120
    assert codes == [200, 200, 200, 429]
    assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 60


def test_openapi_document_and_docs_page(app):
    client = app.test_client()
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    assert "/analyses/{analysis_id}/steps/{step_key}" in document["paths"]
    page = client.get("/api/v1/docs", headers={"Accept-Language": "sv"})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "API-dokumentation" in text and "/api/v1/analyses/{analysis_id}" in text
    assert "”Authorization: Bearer &lt;token&gt;”" in text  # shown, never read as a tag


# --- tokens from the CLI and the account page ---------------------------------------------------


def test_cli_token_create_prints_a_working_token_last(app, make_user, make_analysis):
    user = make_user()
    make_analysis(user)
    result = app.test_cli_runner().invoke(
        args=["token", "create", "--user", user.email.upper(), "--scope", "read", "--expires", "7"]
    )
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    response = app.test_client().get(
        "/api/v1/analyses", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 200 and len(response.get_json()["items"]) == 1
    refused = app.test_cli_runner().invoke(args=["token", "create", "--user", "nobody@x.se"])
    assert refused.exit_code != 0
    # A name longer than the account page allows is refused, not cut short.
    long_name = app.test_cli_runner().invoke(
        args=["token", "create", "--user", user.email, "--name", "x" * 101]
    )
    assert long_name.exit_code == 2 and "100" in long_name.output
    with app.app_context():
        assert db.session.scalar(select(func.count(ApiToken.id))) == 1


def test_account_page_creates_lists_and_revokes_tokens(app, make_user, browser):
    user = make_user()
    browser.login(user)
    invalid = browser.post("/account/tokens/new", {"name": "", "scope": "write"})
    assert invalid.status_code == 200 and "Fel:" in invalid.get_data(as_text=True)
    assert "<title>Fel: Skapa en API-token –" in invalid.get_data(as_text=True)  # said once
    created = browser.post(
        "/account/tokens/new", {"name": "Statistik", "scope": "write", "expires_days": "30"}
    )
    page = created.get_data(as_text=True)
    secret = page.split('id="api-token-secret"')[1].split('value="')[1].split('"')[0]
    assert secret.startswith("bka_")
    headers = {"Authorization": f"Bearer {secret}"}
    assert app.test_client().get("/api/v1/analyses", headers=headers).status_code == 200
    account = browser.get("/account").get_data(as_text=True)
    assert "Statistik" in account and secret not in account and secret[:12] in account
    with app.app_context():
        token_id = db.session.scalar(select(ApiToken.id))
    # Only with the CSRF token, and only one's own.
    assert browser.post(f"/account/tokens/{token_id}/revoke", csrf=False).status_code == 400
    other = make_user()
    with app.app_context():
        foreign, _secret = api_tokens.create_token(db.session.get(User, other.id), name="x")
        db.session.commit()
        foreign_id = foreign.id
    assert browser.post(f"/account/tokens/{foreign_id}/revoke").status_code == 404
    assert browser.post(f"/account/tokens/{token_id}/revoke").status_code == 302
    assert app.test_client().get("/api/v1/analyses", headers=headers).status_code == 401
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("api_token_created") == 2 and "api_token_revoked" in actions


def test_steps_saved_through_the_api_are_the_pages_answers(app, make_user, make_analysis, api):
    owner = make_user()
    analysis_id = make_analysis(owner)
    api(owner).put(
        f"/api/v1/analyses/{analysis_id}/steps/decision",
        json={"answers": {"proposal": "Samma data"}, "lock_version": 0},
    )
    with app.app_context():
        row = db.session.scalar(select(StepAnswer).where(StepAnswer.analysis_id == analysis_id))
        assert row.answers == {"proposal": "Samma data"}


# --- every API route for every role -------------------------------------------------------------

API_ROLES = ("other", "reviewer", "viewer", "editor", "owner", "admin")
OK, FORBIDDEN, HIDDEN = "ok", 403, 404
EVERY_USER = dict.fromkeys(API_ROLES, OK)


def _on_analysis(expected: dict) -> dict:
    """Users outside the analysis never learn it exists."""
    return {"other": HIDDEN, "reviewer": HIDDEN, **expected}


SEE = _on_analysis({"viewer": OK, "editor": OK, "owner": OK, "admin": OK})
CHANGE = _on_analysis({"viewer": FORBIDDEN, "editor": OK, "owner": OK, "admin": FORBIDDEN})
NOBODY = _on_analysis(dict.fromkeys(("viewer", "editor", "owner", "admin"), FORBIDDEN))
A = "/api/v1/analyses/{a}"
GROUP = {"label": "Nya gruppen", "age_band": "6-12", "relation": "user"}
EVENT = {"kind": "incident", "occurred_on": "2024-11-14", "title": "Avvikelse"}

# On a draft: (method, url, JSON body, expected outcome per role)
API_CASES = [
    ("GET", "/api/v1/analyses", None, EVERY_USER),
    (
        "POST",
        "/api/v1/analyses",
        {"title": "Ny", "organisation": "O", "decision_area": "planning"},
        EVERY_USER,
    ),
    ("GET", A, None, SEE),
    ("GET", A + "/steps/decision", None, SEE),
    ("PUT", A + "/steps/decision", {"answers": {"proposal": "Nytt"}, "lock_version": 1}, CHANGE),
    ("GET", A + "/entries/child_groups", None, SEE),
    ("POST", A + "/entries/child_groups", GROUP, CHANGE),
    ("GET", A + "/entries/child_groups/{g}", None, SEE),
    ("PATCH", A + "/entries/child_groups/{g}", {"label": "Ändrad"}, CHANGE),
    ("DELETE", A + "/entries/child_groups/{g}", None, CHANGE),
    ("POST", A + "/transitions", {"transition": "start_follow_up"}, NOBODY),
    ("GET", A + "/follow-up/events", None, SEE),
    ("POST", A + "/follow-up/events", EVENT, NOBODY),
]
# In follow-up: the team records it (and closes the analysis: refused here without its
# conclusion, 422, after the access check let them in).
API_FOLLOW_UP_CASES = [
    ("GET", A + "/follow-up/events/{v}", None, SEE),
    ("POST", A + "/follow-up/events", EVENT, CHANGE),
    ("PATCH", A + "/follow-up/events/{v}", {"title": "Ändrad"}, CHANGE),
    ("POST", A + "/transitions", {"transition": "close"}, CHANGE),
    ("PUT", A + "/steps/decision", {"answers": {}, "lock_version": 0}, NOBODY),
]


@pytest.fixture
def api_setting(app, make_user, make_analysis, add_member, make_token):
    users = {
        role: make_user(role={"reviewer": "reviewer", "admin": "admin"}.get(role, "member"))
        for role in API_ROLES
    }
    analysis_id = make_analysis(users["owner"])
    add_member(analysis_id, users["editor"], "editor")
    add_member(analysis_id, users["viewer"], "viewer")
    with app.test_request_context():
        group_id = factories.child_group(analysis_id).id
        analysis = db.session.get(Analysis, analysis_id)
        factories.answer(analysis, "decision", {"proposal": "Första"})
        db.session.commit()
    tokens = {role: make_token(user) for role, user in users.items()}
    return users, tokens, {"a": analysis_id, "g": group_id}


def _api_outcome(response):
    if response.status_code in (403, 404):
        return response.status_code
    # 409/422: the access check let the user in and the input was refused.
    assert response.status_code in (200, 201, 204, 409, 422), response.get_data(as_text=True)
    return OK


def _call(app, token, method, url, body):
    return app.test_client().open(
        url, method=method, json=body, headers={"Authorization": f"Bearer {token}"}
    )


@pytest.mark.parametrize("role", API_ROLES)
@pytest.mark.parametrize(
    ("method", "url", "body", "expected"), API_CASES, ids=[f"{c[0]} {c[1]}" for c in API_CASES]
)
def test_api_route_access(app, api_setting, role, method, url, body, expected):
    _users, tokens, ids = api_setting
    response = _call(app, tokens[role], method, url.format(**ids), body)
    assert _api_outcome(response) == expected[role]


@pytest.mark.parametrize("role", API_ROLES)
@pytest.mark.parametrize(
    ("method", "url", "body", "expected"),
    API_FOLLOW_UP_CASES,
    ids=[f"{c[0]} {c[1]}" for c in API_FOLLOW_UP_CASES],
)
def test_api_follow_up_route_access(app, api_setting, role, method, url, body, expected):
    users, tokens, ids = api_setting
    with app.test_request_context():
        analysis = db.session.get(Analysis, ids["a"])
        analysis.status = "follow_up"
        event = follow_up.save_record(
            analysis,
            follow_up.FOLLOW_UP_KINDS["events"],
            {**EVENT, "occurred_on": date(2024, 11, 14)},
            db.session.get(User, users["owner"].id),
        )
        db.session.commit()
        ids = {**ids, "v": event.id}
    response = _call(app, tokens[role], method, url.format(**ids), body)
    assert _api_outcome(response) == expected[role]


def test_every_api_route_is_covered(app):
    covered = set()
    for method, url, *_ in [*API_CASES, *API_FOLLOW_UP_CASES]:
        covered.add(
            (
                method,
                url.replace("{a}", "<int:analysis_id>")
                .replace("/entries/child_groups", "/entries/<kind_name>")
                .replace("/follow-up/events", "/follow-up/<kind_name>")
                .replace("/steps/decision", "/steps/<step_key>")
                .replace("{g}", "<int:entry_id>")
                .replace("{v}", "<int:record_id>"),
            )
        )
    # Open to everyone: the description, and the JSON 404/405 for paths without an endpoint.
    open_rules = {"/api/v1/openapi.json", "/api/v1/docs", "/api/v1/", "/api/v1/<path:rest>"}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1") or rule.rule in open_rules:
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (method, rule.rule) in covered, f"{method} {rule.rule} is not in API_CASES"


def test_messages_follow_the_language(app, make_user, make_token):
    secret = make_token(make_user())
    client = app.test_client()
    answers = {
        language: client.post(
            "/api/v1/analyses",
            json={},
            headers={"Authorization": f"Bearer {secret}", "Accept-Language": language},
        ).get_json()
        for language in ("sv", "en")
    }
    assert answers["sv"]["title"] == "Ogiltiga uppgifter"
    assert answers["en"]["title"] == "Invalid input"
    assert answers["sv"]["errors"]["title"] != answers["en"]["errors"]["title"]


@pytest.mark.parametrize(
    "body",
    [
        '{"title": "a\\ud800b", "organisation": "Region Öst"}',  # a lone surrogate
        '{"title": "Analys", "organisation": "Region Öst", "x": {"\\udfff": 1}}',  # in a key
        "[" * 5000 + "]" * 5000,
        '{"a":' * 3000 + "1" + "}" * 3000,
    ],
)
def test_json_no_database_or_page_can_hold_is_refused_with_400(make_user, api, body):
    client = api(make_user())
    response = client.post("/api/v1/analyses", data=body, content_type="application/json")
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert response.get_json()["detail"]


def test_a_lone_surrogate_in_a_step_answer_is_refused_and_nothing_is_saved(
    make_user, make_analysis, api
):
    owner = make_user()
    analysis_id = make_analysis(owner)
    client = api(owner)
    url = f"/api/v1/analyses/{analysis_id}/steps/screening"
    body = '{"answers": {"affected_how": "a\\ud800b"}, "lock_version": 0}'
    response = client.put(url, data=body, content_type="application/json")
    assert response.status_code == 400
    # The step and its page still work: nothing was stored.
    assert client.get(url).status_code == 200


def test_an_alternatives_effects_name_only_engaged_articles(app, make_user, api):
    owner = make_user()
    with app.test_request_context():
        analysis = factories.complete_analysis(db.session.get(User, owner.id))
        engaged = load_state(analysis, ops.checklists_for(analysis)).assessable_articles()
        db.session.commit()
        analysis_id = analysis.id
    assert engaged and 999 not in engaged
    before = _count(app, Alternative)
    client = api(owner)
    url = f"/api/v1/analyses/{analysis_id}/entries/alternatives"
    for effects in ({"999": "strengthens", "abc": "weakens"}, ["3"], "3"):
        refused = client.post(url, json={"title": "Nollalternativ", "article_effects": effects})
        assert refused.status_code == 422, effects
        assert list(refused.get_json()["errors"]) == ["article_effects"]
    assert _count(app, Alternative) == before  # nothing saved
    article = str(engaged[0])
    made = client.post(
        url, json={"title": "Nollalternativ", "article_effects": {article: "weakens"}}
    )
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["article_effects"] == {article: "weakens"}
    # A change that does not send the effects keeps them.
    changed = client.patch(made.headers["Location"], json={"title": "Inget byte"})
    assert changed.status_code == 200 and changed.get_json()["article_effects"] == {
        article: "weakens"
    }
