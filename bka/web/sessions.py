"""Flask glue for the server-side sessions (bka/domain/sessions.py).

Flask-Login's user id in the signed session cookie is a session token, never the user's id.
Every `login_user(user)` (the login form, or another feature signing someone in again) starts a
`user_session` record and stores its token; the user loader lets the token in only while its
record is live; `logout_user()` revokes the record at once, so a copy of the cookie opens
nothing. Both happen in Flask-Login's signals, so views keep calling Flask-Login as usual. Both
commit (with whatever the caller has pending: call them last, as the login view does), so a
`login_user` after the caller's own commit (e.g. after a password change) still keeps its
session.

Remember-me cookies are not issued (`login_user` is never called with remember=True). One
presented anyway carries a session token too and passes the same check.
"""

from __future__ import annotations

from flask import Flask, current_app, g, request, session
from flask_login import current_user, user_logged_in, user_logged_out

from bka.domain import sessions
from bka.extensions import db
from bka.models import User, UserSession

# Flask-Login's keys for a signed-in user (its "_id" stays: session protection compares it).
_LOGIN_KEYS = ("_user_id", "_fresh")
# Set when this browser's login session has ended (the user's id when still known, else 0),
# until the next login: text posted after the end is then kept (bka/web/unsaved.py).
ENDED_LOGIN = "ended_login"


def policy() -> sessions.SessionPolicy:
    return sessions.SessionPolicy.from_config(current_app.config)


def current_record() -> UserSession | None:
    """The record of the current request's session, if signed in."""
    if current_user.is_authenticated:
        return g.get("bka_session")
    return None


def load_user(token: str) -> User | None:
    """Flask-Login's user loader: the user whose live session the token opens, or None (the
    browser then counts as logged out, exactly as after logging out)."""
    record = sessions.find_live(token, policy())
    if record is None:
        for key in _LOGIN_KEYS:
            session.pop(key, None)
        session[ENDED_LOGIN] = sessions.owner_id(token) or 0
        return None
    if sessions.touch(record):
        db.session.commit()
    g.bka_session = record
    return record.user


def _started(app: Flask, user: User, **_extra) -> None:
    """After `login_user`: a new record; the session holds its token instead of the user's id.
    A session this browser had before (signing in again) is revoked."""
    previous = g.pop("bka_session", None)
    if previous is not None:
        sessions.end_session(previous)
    record, token = sessions.start(
        user,
        policy(),
        user_agent=request.user_agent.string,
        source_address=request.remote_addr,
    )
    db.session.commit()
    session["_user_id"] = token
    g.bka_session = record


def _ended(app: Flask, user, **_extra) -> None:
    """After `logout_user`: the record is revoked and committed at once."""
    record = g.pop("bka_session", None)
    if record is not None:
        sessions.end_session(record)
        db.session.commit()


def init_app(app: Flask) -> None:
    user_logged_in.connect(_started, sender=app)
    user_logged_out.connect(_ended, sender=app)

    @app.before_request
    def load_user_first():
        """Look the session up before the view runs, so the once-a-minute commit in load_user
        never carries a view's unfinished changes."""
        if request.endpoint != "static" and "_user_id" in session:
            _ = current_user.is_authenticated
