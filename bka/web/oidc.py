"""Flask glue for single sign-on with OpenID Connect (Authlib's Flask client).

Off unless OIDC_ISSUER is set. The provider's endpoints and keys come from its discovery
document (OIDC_ISSUER + /.well-known/openid-configuration), fetched at the first login and
kept. The authorization code flow runs with PKCE (S256), state and nonce (kept in the signed
session until the callback); Authlib checks the ID token's signature, iss, aud, exp and nonce.
What the claims mean for bka is decided in bka/domain/sso.py.

The browser's session records how its login was made (LOGIN_METHOD): a login through the
provider skips bka's own two-factor and password steps (the provider does them), and its
logout also ends the provider's session where the provider offers an end_session_endpoint.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import requests
from authlib.common.urls import add_params_to_uri
from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, session, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from joserfc.errors import JoseError

from bka.domain.sso import ClaimMapping
from bka.web.mail import external_url

EXTENSION = "bka_oidc"
DISCOVERY_PATH = "/.well-known/openid-configuration"
# Session keys: how this browser logged in, the ID token for the provider's logout, and where
# to go after the callback.
LOGIN_METHOD = "login_method"
METHOD = "oidc"
ID_TOKEN = "oidc_id_token"  # noqa: S105 - a session key
NEXT = "oidc_next"
# An ID token longer than this (an Entra ID token with many groups) is not kept in the session
# cookie; the provider's logout is then asked with the client id instead.
MAX_KEPT_ID_TOKEN = 2500

# What a failed exchange with the provider can raise: a protocol error (state, an error from
# the provider, a bad response), a token that does not validate, or a provider out of reach.
PROTOCOL_ERRORS = (OAuthError, JoseError, ValueError, KeyError, TypeError, RuntimeError)
NETWORK_ERRORS = (requests.RequestException,)


class MissingSsoSettings(RuntimeError):
    pass


def init_app(app: Flask) -> None:
    config = app.config
    if not config["OIDC_ISSUER"]:
        if not config["LOCAL_LOGIN"]:
            raise MissingSsoSettings(
                "BKA_LOCAL_LOGIN=off needs single sign-on: set BKA_OIDC_ISSUER, "
                "BKA_OIDC_CLIENT_ID and BKA_OIDC_CLIENT_SECRET (docs/sso.md), or nobody can log in."
            )
        return
    missing = [
        name
        for name, key in (
            ("BKA_OIDC_CLIENT_ID", "OIDC_CLIENT_ID"),
            ("BKA_OIDC_CLIENT_SECRET", "OIDC_CLIENT_SECRET"),
        )
        if not config[key]
    ]
    if missing:
        raise MissingSsoSettings(f"BKA_OIDC_ISSUER is set, so set {' and '.join(missing)} too.")
    if "openid" not in config["OIDC_SCOPES"].split():
        raise MissingSsoSettings("BKA_OIDC_SCOPES must include openid.")
    oauth = OAuth()
    oauth.init_app(app)
    app.extensions[EXTENSION] = oauth.register(
        "bka",
        client_id=config["OIDC_CLIENT_ID"],
        client_secret=config["OIDC_CLIENT_SECRET"],
        server_metadata_url=config["OIDC_ISSUER"].rstrip("/") + DISCOVERY_PATH,
        client_kwargs={
            "scope": config["OIDC_SCOPES"],
            "code_challenge_method": "S256",
            "default_timeout": config["OIDC_TIMEOUT_SECONDS"],
        },
    )


def enabled() -> bool:
    return EXTENSION in current_app.extensions


def client():
    return current_app.extensions[EXTENSION]


def mapping() -> ClaimMapping:
    return ClaimMapping.from_config(current_app.config)


def provider_name():
    """What the login button calls the provider."""
    return current_app.config["OIDC_PROVIDER_NAME"] or _l("single sign-on")


def issuer_origin(issuer: str) -> str:
    parts = urlsplit(issuer)
    return f"{parts.scheme}://{parts.netloc}"


def absolute_url(endpoint: str, **values) -> str:
    """An address of bka for the provider (registered there): from BASE_URL where set."""
    if current_app.config["BASE_URL"]:
        return external_url(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def signed_in_through_provider() -> bool:
    return session.get(LOGIN_METHOD) == METHOD


def remember_login(id_token: str | None) -> None:
    """After login_user: this browser's session came through the provider."""
    session[LOGIN_METHOD] = METHOD
    if id_token and len(id_token) <= MAX_KEPT_ID_TOKEN:
        session[ID_TOKEN] = id_token


def logout_url() -> str | None:
    """Where to send the browser to end the provider's session too (RP-initiated logout), or
    None: not a login through the provider, or the provider has no end_session_endpoint (or
    does not answer). Read before the bka session is cleared."""
    if not enabled() or not signed_in_through_provider():
        return None
    try:
        endpoint = client().load_server_metadata().get("end_session_endpoint")
    except NETWORK_ERRORS + PROTOCOL_ERRORS:
        current_app.logger.warning("oidc: no provider logout, the metadata could not be read")
        return None
    if not endpoint:
        return None
    params = {
        "client_id": current_app.config["OIDC_CLIENT_ID"],
        "post_logout_redirect_uri": absolute_url("auth.login"),
        "ui_locales": str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]),
    }
    hint = session.get(ID_TOKEN)
    if hint:
        params["id_token_hint"] = hint
    return add_params_to_uri(endpoint, params)
