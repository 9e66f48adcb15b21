"""Personal access tokens for the JSON API: create (the secret is shown once), authenticate,
revoke. Only the SHA-256 of a token is stored; creating and revoking are audited."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from bka.domain import audit
from bka.domain.errors import FieldError
from bka.extensions import db
from bka.models import ApiToken, User
from bka.models.api_token import SCOPE_READ, SCOPE_WRITE, SCOPES
from bka.models.base import utcnow

TOKEN_PREFIX = "bka_"  # noqa: S105 - the public prefix of every token, not a secret
# The part of the token shown in lists: "bka_" and 8 characters of the secret.
SHOWN_LENGTH = len(TOKEN_PREFIX) + 8
MAX_EXPIRY_DAYS = 3650
# The longest name a token may have (ApiToken.name).
NAME_LENGTH = 100
LAST_USED_EVERY = timedelta(minutes=1)

__all__ = ["SCOPES", "SCOPE_READ", "SCOPE_WRITE", "create_token", "authenticate", "revoke_token"]


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(
    user: User,
    *,
    name: str,
    scope: str = SCOPE_READ,
    expires_days: int | None = None,
    actor: User | None = None,
    now: datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the row and the secret (shown once, never stored)."""
    now = now or utcnow()
    name = (name or "").strip()
    if not name:
        raise FieldError("name", _l("Enter a name for the token."))
    if len(name) > NAME_LENGTH:  # refused, not cut: the form's limit, for the CLI too
        raise FieldError("name", _l("The name can be at most %(max)d characters.", max=NAME_LENGTH))
    if scope not in SCOPES:
        raise FieldError("scope", _l("Choose read or write."))
    if expires_days is not None and not 1 <= expires_days <= MAX_EXPIRY_DAYS:
        raise FieldError(
            "expires_days",
            _l("The token can be valid for 1 to %(max)d days.", max=MAX_EXPIRY_DAYS),
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=token_hash(secret),
        prefix=secret[:SHOWN_LENGTH],
        scope=scope,
        created_at=now,
        expires_at=now + timedelta(days=expires_days) if expires_days else None,
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        "api_token_created",
        actor=actor or user,
        object_type="api_token",
        object_id=token.id,
        details={
            "user_id": user.id,
            "prefix": token.prefix,
            "scope": scope,
            "expires_at": token.expires_at.isoformat() if token.expires_at else None,
        },
    )
    return token, secret


def revoke_token(token: ApiToken, actor: User, now: datetime | None = None) -> None:
    """Refuse the token from now on (revoking a revoked token changes nothing)."""
    if token.revoked_at is not None:
        return
    token.revoked_at = now or utcnow()
    audit.record(
        "api_token_revoked",
        actor=actor,
        object_type="api_token",
        object_id=token.id,
        details={"user_id": token.user_id, "prefix": token.prefix},
    )
    db.session.flush()


def is_usable(token: ApiToken, now: datetime) -> bool:
    return (
        token.revoked_at is None
        and (token.expires_at is None or token.expires_at > now)
        and token.user is not None
        and token.user.active
    )


def authenticate(secret: str, now: datetime | None = None) -> ApiToken | None:
    """The token whose secret this is, if it is neither revoked nor expired and its user is
    active; None otherwise. Notes the use at most once a minute."""
    now = now or utcnow()
    if not secret or not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(secret)))
    if token is None or not is_usable(token, now):
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
        token.last_used_at = now
        db.session.flush()
    return token


def tokens_of(user: User) -> list[ApiToken]:
    """The user's tokens, newest first (revoked and expired ones too, marked as such)."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def token_of(user: User, token_id: int) -> ApiToken | None:
    token = db.session.get(ApiToken, token_id)
    return token if token is not None and token.user_id == user.id else None
