"""Single sign-on with OpenID Connect, against a real provider (oidc-provider on Node, started by
tests/oidc_peer.py): bka redirects to it, the person logs in through the provider's own form,
and the provider's answer comes back to bka's callback. The token exchange, discovery, keys and
userinfo are real HTTP between bka (Authlib) and the provider."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from bka import create_app
from bka.config import config_from_environment
from bka.domain import sso
from bka.extensions import db
from bka.models import AuditEvent, Organisation, User
from bka.web.oidc import MissingSsoSettings
from tests.conftest import PASSWORD, Browser
from tests.oidc_peer import ProviderLogin, local_path

BKA = "http://bka.test"


@pytest.fixture
def make_sso_app(app, database_url, oidc_provider, tmp_path):
    """A bka with single sign-on through the test provider, on the suite's database."""

    made = []

    def factory(**extra):
        application = create_app(
            {
                "BKA_CONFIG_NAME": "testing",
                "SQLALCHEMY_DATABASE_URI": database_url,
                **oidc_provider.settings(**extra),
            }
        )
        application.instance_path = str(tmp_path)
        made.append(application)
        return application

    yield factory
    for application in made:  # psycopg warns (an error here) about connections left open
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def sso_app(make_sso_app):
    return make_sso_app()


@pytest.fixture
def person(oidc_provider):
    """Anna's account at the provider, a reviewer by her group."""
    oidc_provider.set_account(
        "anna",
        sub="anna-0001",
        email="Anna.Andersson@region.se",
        email_verified=True,
        name="Anna Andersson",
        groups=["alla-anstallda", "bka-granskare"],
        organisation="Region Testland",
    )
    return oidc_provider


@pytest.fixture
def logins():
    opened = []

    def factory():
        login = ProviderLogin(BKA)
        opened.append(login)
        return login

    yield factory
    for login in opened:
        login.close()


def sso_login(application, at_provider: ProviderLogin, login="anna", client=None, next_=None):
    """Log in through the provider; returns (bka client, bka's answer to the callback)."""
    client = client or application.test_client()
    start = client.get("/login/sso" + (f"?next={next_}" if next_ else ""))
    assert start.status_code == 302, start.get_data(as_text=True)[:300]
    callback = at_provider.authorize(start.headers["Location"], login)
    return client, client.get(local_path(callback))


def users(application):
    with application.app_context():
        return list(db.session.scalars(select(User).order_by(User.id)))


def one_user(application, email="anna.andersson@region.se"):
    with application.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        assert user is not None
        return user, (user.organisation.name if user.organisation else None)


def events(application, action):
    with application.app_context():
        return list(
            db.session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        )


def test_the_login_page_offers_the_provider_and_the_start_goes_there_with_pkce_state_nonce(
    sso_app, oidc_provider
):
    client = sso_app.test_client()
    page = client.get("/login", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert "Logga in med Testregionen" in page
    assert 'name="password"' in page  # local login stays on by default
    start = client.get("/login/sso?next=/analyses/new")
    location = urlsplit(start.headers["Location"])
    query = parse_qs(location.query)
    assert f"{location.scheme}://{location.netloc}" == oidc_provider.issuer
    assert query["response_type"] == ["code"]
    assert query["client_id"] == ["bka-test"]
    assert query["redirect_uri"] == [BKA + "/login/sso/callback"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["state"] and query["nonce"] and query["code_challenge"]
    assert set(query["scope"][0].split()) >= {"openid", "email", "groups", "organisation"}


def test_first_login_creates_the_user_with_the_mapped_role_and_organisation(
    sso_app, person, logins
):
    client, answer = sso_login(sso_app, logins(), next_="/analyses/new")
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/analyses/new"
    [user] = users(sso_app)
    user, organisation = one_user(sso_app)
    assert (user.name, user.role, organisation) == ("Anna Andersson", "reviewer", "Region Testland")
    assert (user.oidc_issuer, user.oidc_subject) == (person.issuer, "anna-0001")
    assert user.password_hash == sso.NO_PASSWORD
    home = client.get("/", headers={"Accept-Language": "sv"})
    assert home.status_code == 200
    assert "Logga ut" in home.get_data(as_text=True)
    [created] = events(sso_app, "user_created")
    assert created.actor_label == "sso" and created.details["role"] == "reviewer"
    [login] = events(sso_app, "login")
    assert login.actor_id == user.id and login.details["method"] == "oidc"
    account = client.get("/account", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert "Du loggar in med Testregionen" in account
    assert "/account/password" not in account and "/account/two-factor" not in account
    # Nor can it be reached: nothing to change there, and nothing counted as a failed login.
    for path in ("/account/password", "/account/two-factor"):
        assert client.get(path).headers["Location"] == "/account"
    browser = Browser(client)
    form = {"current_password": "x", "new_password": "blåbär i april x", "confirm": "x"}
    assert browser.post("/account/password", form).headers["Location"] == "/account"
    # No usable password: the local form does not let anyone in as this user.
    local = Browser(sso_app.test_client())
    response = local.post("/login", {"email": user.email, "password": sso.NO_PASSWORD})
    assert response.status_code == 200 and not local.logged_in()


def test_the_next_login_finds_the_user_by_subject_and_follows_group_and_organisation_changes(
    sso_app, person, logins
):
    sso_login(sso_app, logins())
    [first] = users(sso_app)
    # The provider now has another address, other groups and another organisation for her.
    person.set_account(
        "anna",
        sub="anna-0001",
        email="anna.a@nyregion.se",
        email_verified=True,
        name="Anna A",
        groups=["bka-admins", "bka-granskare"],
        organisation="Nya regionen",
    )
    _client, answer = sso_login(sso_app, logins())
    assert answer.status_code == 302
    [again] = users(sso_app)
    assert again.id == first.id
    user, organisation = one_user(sso_app)
    assert (user.role, organisation) == ("admin", "Nya regionen")
    [changed] = events(sso_app, "user_updated")
    assert changed.details["role"] == ["reviewer", "admin"]
    assert changed.details["organisation"] == ["Region Testland", "Nya regionen"]
    # Out of every mapped group: a member again.
    person.set_account("anna", sub="anna-0001", email="anna.a@nyregion.se", groups=[])
    sso_login(sso_app, logins())
    assert one_user(sso_app)[0].role == "member"


def test_a_first_login_links_the_local_account_with_the_verified_address(
    sso_app, person, logins, make_user
):
    local = make_user(email="anna.andersson@region.se", name="Anna (lokal)")
    _client, answer = sso_login(sso_app, logins())
    assert answer.status_code == 302
    [user] = users(sso_app)
    assert user.id == local.id and user.oidc_subject == "anna-0001"
    assert user.name == "Anna (lokal)"  # the name stays as the administrator wrote it
    # The local password still works while local login is on.
    Browser(sso_app.test_client()).login(local, PASSWORD)


def test_an_unverified_address_does_not_take_over_a_local_account(
    sso_app, person, logins, make_user
):
    local = make_user(email="anna.andersson@region.se")
    person.set_account(
        "anna", sub="anna-0001", email="anna.andersson@region.se", email_verified=False
    )
    client, answer = sso_login(sso_app, logins())
    assert answer.status_code == 403
    assert "har inte bekräftat att adressen är din" in answer.get_data(as_text=True)
    [user] = users(sso_app)
    assert user.id == local.id and user.oidc_subject is None
    assert client.get("/").status_code == 302  # not logged in
    [refused] = events(sso_app, "login")
    assert refused.outcome == "failure" and refused.details["reason"] == "email_not_verified"


def test_an_address_the_provider_does_not_verify_links_when_trusted(
    make_sso_app, person, logins, make_user
):
    """Entra ID sends no email_verified: OIDC_TRUST_EMAIL links by the address anyway."""
    application = make_sso_app(OIDC_TRUST_EMAIL=True)
    local = make_user(email="anna.andersson@region.se")
    person.set_account("anna", sub="anna-0001", email="anna.andersson@region.se")
    _client, answer = sso_login(application, logins())
    assert answer.status_code == 302
    assert users(application)[0].id == local.id


def test_a_disabled_user_stays_refused(sso_app, person, logins):
    sso_login(sso_app, logins())
    with sso_app.app_context():
        db.session.scalar(select(User)).active = False
        db.session.commit()
    client, answer = sso_login(sso_app, logins())
    assert answer.status_code == 403
    page = answer.get_data(as_text=True)
    assert "Ditt konto i bka är avstängt" in page and "Tillbaka till inloggningssidan" in page
    assert client.get("/").status_code == 302
    refused = events(sso_app, "login")[-1]
    assert refused.outcome == "failure" and refused.details["reason"] == "inactive"


def test_a_tampered_state_is_refused_with_a_clear_page(sso_app, person, logins):
    client = sso_app.test_client()
    start = client.get("/login/sso")
    callback = logins().authorize(start.headers["Location"], "anna")
    tampered = callback.replace("state=", "state=x")
    answer = client.get(local_path(tampered), headers={"Accept-Language": "sv"})
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert "Inloggningen lyckades inte" in page
    assert "Börja om från inloggningssidan" in page
    assert users(sso_app) == []
    assert client.get("/").status_code == 302
    assert events(sso_app, "login")[-1].details["reason"] == "mismatching_state"


def test_a_wrong_nonce_is_refused(sso_app, person, logins):
    """The ID token carries the nonce of the request bka made: one it did not make is refused."""
    client = sso_app.test_client()
    start = client.get("/login/sso")
    with client.session_transaction() as session:
        [key] = [key for key in session if key.startswith("_state_")]
        state = session[key]
        state["data"]["nonce"] = "a-nonce-bka-never-sent"
        session[key] = state
    callback = logins().authorize(start.headers["Location"], "anna")
    answer = client.get(local_path(callback))
    assert answer.status_code == 400
    assert "Inloggningen kunde inte slutföras" in answer.get_data(as_text=True)
    assert users(sso_app) == []
    refused = events(sso_app, "login")[-1]
    assert refused.outcome == "denied" and refused.details["reason"] == "invalid_claim"


def test_refusals_of_the_callback_are_counted_not_chained_one_by_one(sso_app, oidc_provider):
    """Anyone can call the callback: a flood of bad answers from one address writes one event."""
    client = sso_app.test_client()
    for _ in range(5):
        assert client.get("/login/sso/callback?code=x&state=forged").status_code == 400
    [refused] = events(sso_app, "login")
    assert refused.outcome == "denied" and refused.details["reason"] == "mismatching_state"


def test_a_replayed_callback_is_refused(sso_app, person, logins):
    """The state is used once: the same answer again, in the same browser after logging out or
    in another one, signs nobody in."""
    client = sso_app.test_client()
    start = client.get("/login/sso")
    callback = local_path(logins().authorize(start.headers["Location"], "anna"))
    assert client.get(callback).status_code == 302
    Browser(client).logout()
    assert client.get(callback).status_code == 400
    other = sso_app.test_client()
    assert other.get(callback).status_code == 400
    assert other.get("/").status_code == 302


def test_cancelling_at_the_provider_is_said_plainly(sso_app, oidc_provider):
    client = sso_app.test_client()
    client.get("/login/sso")
    answer = client.get(
        "/login/sso/callback?error=access_denied&error_description=aborted&iss="
        + oidc_provider.issuer
    )
    assert answer.status_code == 400
    assert "Inloggningen avbröts" in answer.get_data(as_text=True)


def test_an_answer_naming_another_issuer_is_refused(sso_app, person, logins):
    client = sso_app.test_client()
    start = client.get("/login/sso")
    callback = logins().authorize(start.headers["Location"], "anna")
    parts = urlsplit(callback)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query["iss"] = "https://elsewhere.example"
    answer = client.get(parts.path, query_string=query)
    assert answer.status_code == 400
    assert users(sso_app) == []


def test_with_local_login_off_the_password_form_is_gone_and_its_posts_refused(
    make_sso_app, make_user, person, logins
):
    application = make_sso_app(LOCAL_LOGIN=False)
    local = make_user(email="lokal@region.se")
    browser = Browser(application.test_client())
    page = browser.get("/login", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert 'name="password"' not in page
    assert "Logga in med Testregionen" in page
    # Even the right password is refused, before anything is checked.
    response = browser.post("/login", {"email": local.email, "password": PASSWORD})
    assert response.status_code == 403
    assert "Inloggning med lösenord är avstängd" in response.get_data(as_text=True)
    assert not browser.logged_in()
    assert events(application, "login") == []
    # Single sign-on still works.
    _client, answer = sso_login(application, logins())
    assert answer.status_code == 302


def test_logout_ends_the_bka_session_and_then_the_providers(sso_app, person, logins):
    at_provider = logins()
    client, _answer = sso_login(sso_app, at_provider)
    browser = Browser(client)
    response = browser.logout()
    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    query = parse_qs(target.query)
    assert f"{target.scheme}://{target.netloc}{target.path}" == person.issuer + "/session/end"
    assert query["post_logout_redirect_uri"] == [BKA + "/login"]
    assert query["client_id"] == ["bka-test"]
    assert query["id_token_hint"][0].count(".") == 2  # a JWT
    # The bka session is over at once, whatever happens at the provider.
    assert client.get("/").status_code == 302
    assert events(sso_app, "logout")
    # The provider asks, ends its own session and sends the browser back to bka's login page.
    back = at_provider.end_session(response.headers["Location"])
    assert back == BKA + "/login"
    # Its session is over: the next login asks for the provider's form again.
    client, answer = sso_login(sso_app, at_provider)
    assert answer.status_code == 302


def test_a_local_login_logs_out_locally_only(sso_app, make_user):
    user = make_user()
    browser = Browser(sso_app.test_client())
    browser.login(user)
    response = browser.logout()
    assert response.headers["Location"] == "/login"


def test_the_provider_does_the_second_factor_for_its_logins(make_sso_app, person, logins):
    """REQUIRE_TOTP_FOR does not send someone who logged in through the provider to bka's own
    TOTP set-up (the provider does MFA)."""
    person.set_account("anna", sub="anna-0001", email="anna@region.se", groups=["bka-admins"])
    application = make_sso_app(REQUIRE_TOTP_FOR=("admin",))
    client, answer = sso_login(application, logins())
    assert answer.headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_the_policy_lets_the_logout_form_continue_to_the_provider(sso_app, oidc_provider):
    policy = sso_app.test_client().get("/login").headers["Content-Security-Policy"]
    assert f"form-action 'self' {oidc_provider.issuer};" in policy


def test_without_single_sign_on_nothing_changes(app, browser):
    assert browser.get("/login/sso").status_code == 404
    assert browser.get("/login/sso/callback?code=x&state=y").status_code == 404
    page = browser.get("/login").get_data(as_text=True)
    assert "sso-login" not in page and 'name="password"' in page
    assert "form-action 'self';" in browser.get("/login").headers["Content-Security-Policy"]


def test_local_login_off_needs_single_sign_on(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'refused.sqlite3'}"
    with pytest.raises(MissingSsoSettings, match="BKA_LOCAL_LOGIN=off"):
        create_app(
            {
                "BKA_CONFIG_NAME": "testing",
                "SQLALCHEMY_DATABASE_URI": database_url,
                "LOCAL_LOGIN": False,
            }
        )
    with pytest.raises(MissingSsoSettings, match="BKA_OIDC_CLIENT_SECRET"):
        create_app(
            {
                "BKA_CONFIG_NAME": "testing",
                "SQLALCHEMY_DATABASE_URI": database_url,
                "OIDC_ISSUER": "https://idp.example",
                "OIDC_CLIENT_ID": "bka",
            }
        )


def test_the_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("BKA_OIDC_ISSUER", "https://login.example/tenant/v2.0/")
    monkeypatch.setenv("BKA_OIDC_SCOPES", "openid, email profile")
    monkeypatch.setenv("BKA_OIDC_GROUP_ROLES", "7f1c-admins=admin, granskare=reviewer\nalla=member")
    monkeypatch.setenv("BKA_LOCAL_LOGIN", "off")
    settings = config_from_environment("testing")
    assert settings["OIDC_ISSUER"] == "https://login.example/tenant/v2.0"
    assert settings["OIDC_SCOPES"] == "openid email profile"
    assert settings["OIDC_GROUP_ROLES"] == {
        "7f1c-admins": "admin",
        "granskare": "reviewer",
        "alla": "member",
    }
    assert settings["LOCAL_LOGIN"] is False
    monkeypatch.setenv("BKA_OIDC_GROUP_ROLES", "admins=superuser")
    with pytest.raises(RuntimeError, match="BKA_OIDC_GROUP_ROLES"):
        config_from_environment("testing")
    monkeypatch.setenv("BKA_OIDC_GROUP_ROLES", "")
    monkeypatch.setenv("BKA_LOCAL_LOGIN", "maybe")
    with pytest.raises(RuntimeError, match="BKA_LOCAL_LOGIN"):
        config_from_environment("testing")


@pytest.mark.parametrize(
    ("groups", "role"),
    [
        (["bka-granskare", "bka-admins"], "admin"),
        (["bka-granskare"], "reviewer"),
        (["others"], "member"),
        ([], "member"),
    ],
)
def test_the_highest_mapped_role_wins(groups, role):
    mapping = sso.ClaimMapping(
        issuer="https://idp.example",
        group_roles={"bka-admins": "admin", "bka-granskare": "reviewer"},
    )
    assert sso.role_for(groups, mapping) == role


def test_without_a_group_mapping_roles_are_left_to_administrators():
    assert sso.role_for(["bka-admins"], sso.ClaimMapping(issuer="https://idp.example")) is None


def test_organisations_from_the_claim_are_matched_without_regard_to_case(sso_app, person, logins):
    with sso_app.app_context():
        db.session.add(Organisation(name="REGION TESTLAND"))
        db.session.commit()
    sso_login(sso_app, logins())
    sso_login(sso_app, logins())
    _user, organisation = one_user(sso_app)
    assert organisation == "REGION TESTLAND"
    with sso_app.app_context():
        assert db.session.scalar(select(func.count(Organisation.id))) == 1
    assert events(sso_app, "user_updated") == []


# Entra ID's "overage": more groups than a token holds, and a source to fetch them from instead.
GROUPS_ELSEWHERE = {
    "_claim_names": {"groups": "src1"},
    "_claim_sources": {
        "src1": {"endpoint": "https://graph.microsoft.com/v1.0/users/anna-0001/getMemberObjects"}
    },
}


def test_a_token_that_leaves_the_groups_out_is_refused_not_read_as_no_group(
    sso_app, person, logins
):
    mapped = sso_app  # roles follow the groups
    sso_login(mapped, logins())
    assert one_user(mapped)[0].role == "reviewer"
    # The real provider sends the distributed claim in place of the list.
    person.set_account(
        "anna", sub="anna-0001", email="Anna.Andersson@region.se", **GROUPS_ELSEWHERE
    )
    client, answer = sso_login(mapped, logins())
    assert answer.status_code == 403
    page = answer.get_data(as_text=True)
    assert "listade inte dina grupper" in page and "Tillbaka till inloggningssidan" in page
    assert client.get("/").status_code == 302
    assert one_user(mapped)[0].role == "reviewer"  # not made a member by a missing list
    refused = events(mapped, "login")[-1]
    assert refused.outcome == "failure" and refused.details["reason"] == "groups_left_out"


def test_without_a_group_mapping_a_token_without_groups_logs_in(make_sso_app, person, logins):
    unmapped = make_sso_app(OIDC_GROUP_ROLES={})
    person.set_account(
        "anna", sub="anna-0001", email="Anna.Andersson@region.se", **GROUPS_ELSEWHERE
    )
    _client, answer = sso_login(unmapped, logins())
    assert answer.status_code == 302


@pytest.mark.parametrize(
    ("claims", "left_out"),
    [
        (GROUPS_ELSEWHERE, True),
        ({"hasgroups": True}, True),
        ({"groups": [], **GROUPS_ELSEWHERE}, False),  # a list, even empty, is the answer
        ({"_claim_names": {"roles": "src1"}}, False),
        ({"_claim_names": "groups"}, False),
        ({}, False),
    ],
)
def test_which_tokens_leave_the_groups_out(claims, left_out):
    mapping = sso.ClaimMapping(issuer="https://idp.example", group_roles={"bka-admins": "admin"})
    assert sso.groups_left_out(claims, mapping) is left_out
