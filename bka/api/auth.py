"""Who an API request is: a personal access token in `Authorization: Bearer ...`, never the
session cookie (so no CSRF token is needed: a browser never sends the token by itself).

Runs as the blueprint's URL value preprocessor, which Flask calls before any before_request
hook: the token's user is in place before anything could load a user from the cookie."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, g, request
from flask_babel import gettext as _
from flask_login import AnonymousUserMixin

from bka.api.errors import ApiError
from bka.domain import api_rate, api_tokens
from bka.domain.two_factor import required as totp_required
from bka.extensions import db
from bka.models.api_token import SCOPE_WRITE
from bka.models.base import utcnow

# Reachable without a token: the API's description.
OPEN_ENDPOINTS = frozenset({"api.openapi_document", "api.docs", "api.not_found"})


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def _limit(key: str) -> None:
    """Count the request on `key`; 429 with Retry-After beyond the limit."""
    config = current_app.config
    window = timedelta(seconds=config["API_RATE_WINDOW_SECONDS"])
    now = utcnow()
    wait = api_rate.hit(key, config["API_RATE_LIMIT"], window, now)
    if wait == 0 and now.second == 0:
        api_rate.prune(window, now)
    db.session.commit()
    if wait:
        raise ApiError(
            429,
            _("Too many requests: try again in %(seconds)d seconds.", seconds=wait),
            headers={"Retry-After": str(wait)},
        )


def authenticate_request(endpoint: str | None, _values) -> None:
    g._login_user = AnonymousUserMixin()  # never the session cookie's user
    g.api_token = None
    if endpoint in OPEN_ENDPOINTS:
        return
    secret = _bearer()
    token = api_tokens.authenticate(secret) if secret else None
    if token is None:
        db.session.commit()
        _limit(f"address:{request.remote_addr or '-'}")
        raise ApiError(
            401,
            _(
                "Send a valid personal access token as “Authorization: Bearer <token>”. "
                "A revoked or expired token, or one of an inactive account, is refused."
            ),
        )
    _limit(f"token:{token.id}")
    user = token.user
    if user.must_change_password or (
        not user.has_totp and totp_required(user, current_app.config["REQUIRE_TOTP_FOR"])
    ):
        raise ApiError(
            403, _("Sign in to bka in a browser first: your account has a step to complete.")
        )
    g._login_user = user
    g.api_token = token


def require_write() -> None:
    """A read-only token may not change anything."""
    token = g.get("api_token")
    if token is None or token.scope != SCOPE_WRITE:
        raise ApiError(403, _("This token can only read. Create a token with the write scope."))
