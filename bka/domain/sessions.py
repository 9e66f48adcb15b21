"""Login sessions kept on the server, so that logging out really ends them.

The browser's (signed, readable) Flask session holds only a random 256-bit token; the
`user_session` row holds its SHA-256 and decides whether the token still opens a session. A
session ends when it is revoked (logout, `end_sessions`), after `idle` without a request, at its
absolute `lifetime`, when the user is disabled, or when the user's `session_version` is raised.

For other features: to end a user's sessions (a password change, a suspected compromise) call
`end_sessions(user, except_current=...)` and commit; pass the current request's record
(`bka.web.sessions.current_record()`) as `except_current` to keep the person who made the
change signed in. Raising `user.session_version` still ends every session of the user,
including the current one; calling `login_user(user)` afterwards (in the request) starts a new
session for this browser under the new version.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import joinedload

from bka.extensions import db
from bka.models import User, UserSession
from bka.models.base import utcnow

# last_seen_at is written at most this often, so a busy session does not write on every request.
TOUCH_INTERVAL = timedelta(minutes=1)
TOKEN_BYTES = 32  # 256 bits
USER_AGENT_LENGTH = 200
ADDRESS_LENGTH = 64


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta
    lifetime: timedelta

    @classmethod
    def from_config(cls, config) -> SessionPolicy:
        return cls(
            idle=timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
            lifetime=timedelta(hours=config["SESSION_LIFETIME_HOURS"]),
        )


def new_token() -> str:
    """A random browser token (256 bits); sessions and kept step text both use them."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def looks_like_token(value: object) -> bool:
    """A string of the shape `new_token` makes (anything else is not looked up)."""
    return (
        isinstance(value, str)
        and 40 <= len(value) <= 64
        and all(c.isalnum() or c in "-_" for c in value)
    )


def start(
    user: User,
    policy: SessionPolicy,
    *,
    user_agent: str | None = None,
    source_address: str | None = None,
    now: datetime | None = None,
) -> tuple[UserSession, str]:
    """A new session for `user`: the record (added, not committed) and the token for the
    browser. Only the token's hash is stored."""
    now = now or utcnow()
    token = new_token()
    record = UserSession(
        token_hash=hash_token(token),
        user_id=user.id,
        session_version=user.session_version,
        created_at=now,
        last_seen_at=now,
        expires_at=now + policy.lifetime,
        user_agent=(user_agent or "")[:USER_AGENT_LENGTH] or None,
        source_address=(source_address or "")[:ADDRESS_LENGTH] or None,
    )
    db.session.add(record)
    db.session.flush()
    return record, token


def _live(record: UserSession, user: User, policy: SessionPolicy, now: datetime) -> bool:
    return (
        record.revoked_at is None
        and now < record.expires_at
        and now < record.last_seen_at + policy.idle
        and user.active
        and record.session_version == user.session_version
    )


# Built once: every request looks its session up, and building the statement cost about as much
# as running it from SQLAlchemy's cache.
_BY_TOKEN_HASH = (
    select(UserSession)
    .options(joinedload(UserSession.user))
    .where(UserSession.token_hash == bindparam("token_hash"))
)


def find_live(
    token: object, policy: SessionPolicy, now: datetime | None = None
) -> UserSession | None:
    """The session this token opens, or None (unknown, revoked, idle too long, past its
    lifetime, user disabled or session version raised)."""
    if not looks_like_token(token):
        return None
    now = now or utcnow()
    record = db.session.scalar(_BY_TOKEN_HASH, {"token_hash": hash_token(token)})
    if record is None or not _live(record, record.user, policy, now):
        return None
    return record


def owner_id(token: object) -> int | None:
    """The id of the user whose session (live or ended) the token belonged to, if still known."""
    if not looks_like_token(token):
        return None
    return db.session.scalar(
        select(UserSession.user_id).where(UserSession.token_hash == hash_token(token))
    )


def touch(record: UserSession, now: datetime | None = None) -> bool:
    """Note activity on the session, at most once per TOUCH_INTERVAL. True if written (the
    caller commits)."""
    now = now or utcnow()
    if now - record.last_seen_at < TOUCH_INTERVAL:
        return False
    db.session.execute(
        update(UserSession)
        .where(UserSession.id == record.id, UserSession.last_seen_at < now - TOUCH_INTERVAL)
        .values(last_seen_at=now)
        .execution_options(synchronize_session=False)
    )
    record.last_seen_at = now
    return True


def end_session(record: UserSession, now: datetime | None = None) -> None:
    """Revoke one session (logout). The caller commits."""
    if record.revoked_at is None:
        record.revoked_at = now or utcnow()
    db.session.flush()


def end_sessions(
    user: User, except_current: UserSession | None = None, now: datetime | None = None
) -> int:
    """Revoke every session of `user` at once, except `except_current` if given. Returns how many
    records it revoked (including some that had already expired). The caller audits and
    commits."""
    statement = update(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None)
    )
    if except_current is not None:
        statement = statement.where(UserSession.id != except_current.id)
    result = db.session.execute(
        statement.values(revoked_at=now or utcnow()).execution_options(synchronize_session="fetch")
    )
    return result.rowcount


def open_sessions(user: User, policy: SessionPolicy, now: datetime | None = None) -> int:
    """How many sessions of `user` would still be let in now."""
    if not user.active:
        return 0
    now = now or utcnow()
    return db.session.scalar(
        select(func.count(UserSession.id)).where(*_live_clause(user, policy, now))
    )


def _live_clause(user: User, policy: SessionPolicy, now: datetime):
    return (
        UserSession.user_id == user.id,
        UserSession.revoked_at.is_(None),
        UserSession.session_version == user.session_version,
        UserSession.expires_at > now,
        UserSession.last_seen_at > now - policy.idle,
    )


def live_sessions(
    user: User, policy: SessionPolicy, now: datetime | None = None
) -> list[UserSession]:
    """The sessions of `user` that would still be let in now, most recently used first: what
    the account page lists so the user can spot and end one they do not recognise."""
    if not user.active:
        return []
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(UserSession)
            .where(*_live_clause(user, policy, now))
            .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
        )
    )


def end_own_session(user: User, session_id: int, now: datetime | None = None) -> bool:
    """Revoke one of the user's own sessions by its id; False when `session_id` is not a
    session of `user` still open (someone else's session is never touched). The caller audits
    and commits."""
    record = db.session.get(UserSession, session_id)
    if record is None or record.user_id != user.id or record.revoked_at is not None:
        return False
    end_session(record, now)
    return True


_BROWSERS = (
    ("Edg/", "Edge"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Windows", "Windows"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("Android", "Android"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def browser_of(user_agent: str | None) -> tuple[str | None, str | None]:
    """The browser and system a user agent names, as far as the common ones go (None where
    unknown): enough for a person to recognise their own devices in the list."""
    agent = user_agent or ""
    browser = next((name for marker, name in _BROWSERS if marker in agent), None)
    system = next((name for marker, name in _SYSTEMS if marker in agent), None)
    return browser, system
