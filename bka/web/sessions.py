"""Flask glue for the server-side sessions (bka/domain/sessions.py).

Flask-Login's user id in the signed session cookie is the session token, never the user's id:
`log_in` starts a record and stores its token, the user loader lets the token in only while its
record is live, and `log_out` revokes the record so that a copy of the cookie opens nothing.
Remember-me cookies are not issued (`login_user` is never called with remember=True); one
presented anyway carries a token too and passes the same check.
"""

from __future__ import annotations

from flask import Flask, current_app, g, request, session
from flask_login import current_user, login_user, logout_user

from bka.domain import sessions
from bka.extensions import db
from bka.models import User, UserSession

# Flask-Login's keys for a signed-in user (its "_id" stays: session protection compares it).
_LOGIN_KEYS = ("_user_id", "_fresh")


def policy() -> sessions.SessionPolicy:
    return sessions.SessionPolicy.from_config(current_app.config)


def log_in(user: User) -> UserSession:
    """Start a server-side session for `user` (authenticated already) and sign the browser in.
    The caller commits."""
    record, token = sessions.start(
        user,
        policy(),
        user_agent=request.user_agent.string,
        source_address=request.remote_addr,
    )
    login_user(user)
    session["_user_id"] = token  # Flask-Login's id: the token, not the user's id
    g.bka_session = record
    return record


def log_out() -> None:
    """Revoke the current session's record at once, commit, and sign the browser out."""
    if sessions.revoke(session.get("_user_id")):
        db.session.commit()
    logout_user()
    g.pop("bka_session", None)


def current_record() -> UserSession | None:
    """The record of the current request's session, if signed in."""
    return g.get("bka_session")


def load_user(token: str) -> User | None:
    """Flask-Login's user loader: the user whose live session the token opens, or None (the
    browser then counts as logged out, exactly as after logging out)."""
    record = sessions.find_live(token, policy())
    if record is None:
        for key in _LOGIN_KEYS:
            session.pop(key, None)
        return None
    if sessions.touch(record):
        db.session.commit()
    g.bka_session = record
    return record.user


def init_app(app: Flask) -> None:
    @app.before_request
    def load_user_first():
        """Look the session up before the view runs, so the once-a-minute commit in load_user
        never carries a view's unfinished changes."""
        if request.endpoint != "static" and "_user_id" in session:
            _ = current_user.is_authenticated
