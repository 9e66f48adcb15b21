"""Secure defaults: the secret key, CSRF on every state change, strict response headers."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask, Response, has_request_context, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from bka.api.errors import is_api_request
from bka.domain import audit
from bka.domain.two_factor import required
from bka.extensions import csrf, login_manager
from bka.models.base import DB_INT_MAX
from bka.web import oidc, sessions, unsaved
from bka.web.logs import known_request_id

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# What a user who must first change the password or set up TOTP may still reach.
ALWAYS_OPEN = frozenset({"static", "auth.logout", "auth.language"})


def content_security_policy(form_targets: str = "") -> str:
    """The policy; `form_targets` are origins a form's answer may redirect to besides bka (the
    single sign-on provider, for the logout that ends its session too)."""
    return "; ".join(
        [
            "default-src 'self'",
            "img-src 'self' data:",
            "style-src 'self'",
            "script-src 'self'",
            f"form-action 'self'{' ' + form_targets if form_targets else ''}",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        ]
    )


CONTENT_SECURITY_POLICY = content_security_policy()


class MissingSecretKey(RuntimeError):
    pass


class MissingBaseUrl(RuntimeError):
    pass


def decimal_at_most(limit: int) -> str:
    """A regular expression for the whole numbers 0..`limit` (leading zeros allowed)."""
    text = str(limit)
    lower_at = [
        f"{text[:i]}[0-{int(digit) - 1}]\\d{{{len(text) - i - 1}}}"
        for i, digit in enumerate(text)
        if digit != "0"
    ]
    shorter = [f"\\d{{1,{len(text) - 1}}}"] if len(text) > 1 else []
    return "0*(?:" + "|".join([*lower_at, text, *shorter]) + ")"


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` in every route: ids beyond the database's integer range give 404, not 500.

    They must not match the route's pattern at all: a value the converter refused after
    matching would make Werkzeug answer 405 when a sibling route has the same path for another
    method (GET and PUT of an API resource)."""

    regex = decimal_at_most(DB_INT_MAX)

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(url_map, *args, **kwargs)


def database_int(value: str) -> int:
    """A query-string integer within the database's range (for `request.args.get(type=...)`)."""
    number = int(value)
    if not -DB_INT_MAX <= number <= DB_INT_MAX:
        raise ValueError("out of the database's integer range")
    return number


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


def init_audit(app: Flask) -> None:
    """The audit chain's key, kept outside the database: BKA_AUDIT_KEY, else derived from
    SECRET_KEY. Also tells the audit log each request's source address, user agent and id."""
    configured = app.config.get("AUDIT_KEY")
    app.extensions["bka_audit_key"] = (
        configured.encode("utf-8") if configured else audit.derive_key(app.config["SECRET_KEY"])
    )
    audit.set_source_provider(_request_source)


def _request_source() -> audit.RequestSource:
    if not has_request_context():
        return audit.RequestSource()
    return audit.RequestSource(request.remote_addr, request.user_agent.string, known_request_id())


def form_checks_csrf(view):
    """Mark a view whose BaseForm validates the CSRF token itself (to keep input on expiry)."""
    view.checks_csrf_in_form = True
    return view


def init_app(app: Flask) -> None:
    # Before any blueprint is registered, so that every route's <int:...> uses it.
    app.url_map.converters["int"] = DatabaseIdConverter
    if app.config["MAIL_SERVER"] and not app.config["BASE_URL"]:
        raise MissingBaseUrl(
            "BKA_BASE_URL is not set. With e-mail on, bka needs the address people use to "
            "reach it (for example https://bka.region.se) to build the links in e-mail."
        )
    hops = app.config["PROXY_HOPS"]
    if hops:
        # Only the configured number of proxies is believed about the client and the scheme;
        # the Host header is never taken from them (links come from BASE_URL).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    # The session id is a server-side session's token (bka/web/sessions.py): logout, disabling,
    # a raised session version, idle and lifetime limits end the session at once.
    login_manager.user_loader(sessions.load_user)
    sessions.init_app(app)
    unsaved.init_app(app)
    _cookie_names(app)

    login_manager.login_view = "auth.login"
    # Flask-Login's own message is English only; this one is in the catalogs.
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @app.before_request
    def protect_state_changes():
        if request.method not in STATE_CHANGING or is_api_request():
            return  # the API takes Bearer tokens only, never the cookie (bka/api/auth.py)
        view = app.view_functions.get(request.endpoint)
        if view is None or not getattr(view, "checks_csrf_in_form", False):
            csrf.protect()

    # Chromium checks a form's redirects against form-action too: the logout of a single
    # sign-on session goes on to the provider.
    policy = CONTENT_SECURITY_POLICY
    if app.config["OIDC_ISSUER"]:
        policy = content_security_policy(oidc.issuer_origin(app.config["OIDC_ISSUER"]))

    @app.before_request
    def account_steps_first():
        """A password reset by an administrator must be replaced, and a role that requires TOTP
        must set it up, before anything else (bka/views/auth.py shows why). Not after a login
        through single sign-on: the provider owns the password and the second factor."""
        if request.endpoint in ALWAYS_OPEN or not current_user.is_authenticated:
            return None
        if oidc.signed_in_through_provider():
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
        headers.setdefault("Content-Security-Policy", policy)
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
    app.register_error_handler(SecurityError, _untrusted_host)


def _cookie_names(app: Flask) -> None:
    """Browsers refuse a "__Host-" cookie that is not Secure: over plain HTTP (development, or
    production with BKA_SESSION_COOKIE_SECURE=false on localhost) the prefix is dropped."""
    if app.config["SESSION_COOKIE_SECURE"]:
        return
    for key in ("SESSION_COOKIE_NAME", "REMEMBER_COOKIE_NAME"):
        name = app.config.get(key)
        if name and name.startswith("__Host-"):
            app.config[key] = name.removeprefix("__Host-")


def _untrusted_host(_error):
    """A Host header outside TRUSTED_HOSTS: no page can be built for it, so a plain answer."""
    return Response("Bad Request: unknown host\n", 400, mimetype="text/plain")


def _csrf_error(_error):
    """A friendly page instead of a bare 400; form views keep their input (BaseForm)."""
    return render_template("errors/csrf.html"), 400
