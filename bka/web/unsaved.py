"""Flask glue for keeping step text posted after the login session ended (bka/domain/unsaved.py).

A save that arrives after the session has ended (idle or lifetime limit, ended by an
administrator) used to be answered with the login page, and the text was gone. Now the posted
fields are kept on the server, bound to a random token in an HttpOnly, SameSite cookie of this
browser, and the login page leads back to the step, which shows the text again as not saved yet.

Only a POST that proves it comes from our own page (its CSRF token matches this browser's
session) and only a browser whose login has just ended (web.sessions.ENDED_LOGIN) can leave text
here, so no one can plant text for someone else or fill the table without ever having signed in.
"""

from __future__ import annotations

from functools import wraps

from flask import (
    Flask,
    after_this_request,
    current_app,
    flash,
    redirect,
    request,
    session,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_url, user_logged_in
from flask_wtf.csrf import ValidationError, validate_csrf

from bka.domain import audit, unsaved
from bka.domain.checklists import STEP_KEYS
from bka.domain.sessions import looks_like_token, new_token
from bka.extensions import db
from bka.models import UnsavedStep, User
from bka.web.sessions import ENDED_LOGIN

# A page left open overnight still proves where it came from: the token's age does not matter
# here, only that it matches this browser's session.
CSRF_AGE_SECONDS = int(unsaved.KEEP_FOR.total_seconds())


def cookie_name() -> str:
    secure = current_app.config["SESSION_COOKIE_SECURE"]
    return "__Host-bka-unsaved" if secure else "bka-unsaved"


def _browser_token() -> str | None:
    token = request.cookies.get(cookie_name())
    return token if looks_like_token(token) else None


def keeps_typed_text(view):
    """Put above `login_required` on the step view: a save posted after the login session ended
    is kept and the browser sent to log in, instead of the text being dropped."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if (
            request.method == "POST"
            and ENDED_LOGIN in session
            and not current_user.is_authenticated
        ):
            response = _keep(kwargs["analysis_id"], kwargs["step_key"])
            if response is not None:
                return response
        return view(*args, **kwargs)

    return wrapped


def _keep(analysis_id: int, step_key: str):
    if step_key not in STEP_KEYS:
        return None
    try:
        validate_csrf(request.form.get("csrf_token"), time_limit=CSRF_AGE_SECONDS)
    except ValidationError:
        return None
    token = _browser_token() or new_token()
    owner_id = session.get(ENDED_LOGIN) or None
    owner = db.session.get(User, owner_id) if isinstance(owner_id, int) else None
    fields = [
        (name, value.replace("\x00", ""))
        for name, value in request.form.items(multi=True)
        if name != "csrf_token"
    ]
    if unsaved.keep(token, analysis_id, step_key, fields, owner) is None:
        db.session.rollback()
        return None
    audit.record(
        "unsaved_text_kept",
        actor=owner,
        object_type="analysis",
        object_id=analysis_id,
        details={"step": step_key, "user_known": owner is not None},
    )
    db.session.commit()
    flash(
        _l(
            "Your session had ended, so what you wrote is not saved yet. Log in and it is shown "
            "again for you to check and save."
        ),
        "warning",
    )
    response = redirect(login_url("auth.login", next_url=request.url))
    response.set_cookie(
        cookie_name(),
        token,
        max_age=CSRF_AGE_SECONDS,
        path="/",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


def offered(analysis_id: int, step_key: str) -> UnsavedStep | None:
    """The current user's kept text for this step in this browser (the view checks that they
    may still edit the step)."""
    token = _browser_token()
    if token is None or not current_user.is_authenticated:
        return None
    return unsaved.find(token, current_user, analysis_id, step_key)


def forget(analysis_id: int, step_key: str) -> bool:
    """Drop the current user's kept text for this step (saved, or discarded); the cookie goes
    with the last of it. True if there was any. The caller commits."""
    token = _browser_token()
    if token is None or not unsaved.discard(token, current_user, analysis_id, step_key):
        return False
    if not unsaved.remaining(token):

        @after_this_request
        def drop_cookie(response):
            response.delete_cookie(
                cookie_name(),
                path="/",
                secure=current_app.config["SESSION_COOKIE_SECURE"],
                httponly=True,
                samesite="Lax",
            )
            return response

    return True


def _claim(app: Flask, user: User, **_extra) -> None:
    """At login: text this browser kept without knowing whose it was becomes this user's."""
    token = _browser_token()
    if token is None:
        return
    claimed = unsaved.claim(token, user)
    if claimed:
        audit.record("unsaved_text_claimed", actor=user, details={"count": claimed})
    db.session.commit()


def init_app(app: Flask) -> None:
    user_logged_in.connect(_claim, sender=app)
