"""Locale selection: the user's preference, then the session, then the browser, then Swedish."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

from reports.data import format_locale as format_locale  # one mapping for pages, e-mail, PDFs


def supported() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def select_locale() -> str:
    if not has_request_context():  # CLI commands and background work use the default
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in supported():
        return current_user.locale
    if session.get("locale") in supported():
        return session["locale"]
    return (
        request.accept_languages.best_match(supported())
        or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def local_time_zone() -> ZoneInfo:
    """The installation's time zone (BKA_TIME_ZONE): every time is shown in it."""
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_today() -> date:
    """Today in the installation's time zone, whatever zone the server's clock is set to."""
    return datetime.now(local_time_zone()).date()


def current_language() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def current_format_locale() -> str:
    """The Babel locale for dates, times and numbers in the active language ("en" -> "en_GB")."""
    return format_locale(current_language())
