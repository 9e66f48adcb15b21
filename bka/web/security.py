"""Secure defaults: the secret key, CSRF on every state change, strict response headers."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from bka.domain.two_factor import required
from bka.extensions import csrf, db, login_manager

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# What a user who must first change the password or set up TOTP may still reach.
ALWAYS_OPEN = frozenset({"static", "auth.logout", "auth.language"})

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


class MissingSecretKey(RuntimeError):
    pass


def init_secret_key(app: Flask) -> None:
    """Production needs SECRET_KEY from the environment; development keeps a random one on disk."""
    if app.config.get("SECRET_KEY"):
        return
    if app.config["REQUIRE_SECRET_KEY"]:
        raise MissingSecretKey(
            "SECRET_KEY is not set. In production bka needs a long random secret in the "
            "SECRET_KEY environment variable, for example from: "
            'python -c "import secrets; print(secrets.token_hex(32))"'
        )
    os.makedirs(app.instance_path, exist_ok=True)
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    app.config["SECRET_KEY"] = key_file.read_text().strip()


def form_checks_csrf(view):
    """Mark a view whose BaseForm validates the CSRF token itself (to keep input on expiry)."""
    view.checks_csrf_in_form = True
    return view


def init_app(app: Flask) -> None:
    @login_manager.user_loader
    def load_user(session_id: str):
        """The session names the user and their session version: disabling raises the version,
        so sessions started before it no longer load anyone."""
        from bka.models import User

        user_id, _, version = session_id.partition(":")
        if not (user_id.isdigit() and version.isdigit()):
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not user.active or user.session_version != int(version):
            return None
        return user

    login_manager.login_view = "auth.login"
    # Flask-Login's own message is English only; this one is in the catalogs.
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @app.before_request
    def protect_state_changes():
        if request.method not in STATE_CHANGING:
            return
        view = app.view_functions.get(request.endpoint)
        if view is None or not getattr(view, "checks_csrf_in_form", False):
            csrf.protect()

    @app.before_request
    def account_steps_first():
        """A password reset by an administrator must be replaced, and a role that requires TOTP
        must set it up, before anything else (bka/views/auth.py shows why)."""
        if request.endpoint in ALWAYS_OPEN or not current_user.is_authenticated:
            return None
        if current_user.must_change_password:
            if request.endpoint != "auth.change_password":
                return redirect(url_for("auth.change_password"))
            return None
        if (
            not current_user.has_totp
            and required(current_user, app.config["REQUIRE_TOTP_FOR"])
            and request.endpoint != "auth.totp_setup"
        ):
            return redirect(url_for("auth.totp_setup"))
        return None

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config["SESSION_COOKIE_SECURE"]:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.endpoint != "static":
            headers.setdefault("Cache-Control", "no-store")
        return response

    app.register_error_handler(CSRFError, _csrf_error)


def _csrf_error(_error):
    """A friendly page instead of a bare 400; form views keep their input (BaseForm)."""
    return render_template("errors/csrf.html"), 400
