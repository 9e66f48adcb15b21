"""Configuration classes. Environment variables override the defaults, never code."""

from __future__ import annotations

import os
from datetime import timedelta


class Config:
    """Settings shared by every environment."""

    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SQLITE_BUSY_TIMEOUT_MS = 5000

    LANGUAGES = ("sv", "en")
    BABEL_DEFAULT_LOCALE = "sv"
    BABEL_DEFAULT_TIMEZONE = "Europe/Stockholm"

    # CSRF tokens live for a working day: a team may keep a step open for hours.
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    # Views built on BaseForm check the token themselves so an expired token re-renders the form
    # with the input kept; everything else is checked by a before_request hook
    # (bka/web/security.py).
    WTF_CSRF_CHECK_DEFAULT = False

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
    REMEMBER_COOKIE_DURATION = timedelta(days=1)

    # argon2id cost: at or above OWASP's floor (t=2, m=19 MiB, p=1).
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_COST_KIB = 19 * 1024
    ARGON2_PARALLELISM = 1

    # Directory holding the checklist TOML files; None means the repository's checklists/.
    CHECKLIST_DIR: str | None = None

    # Notification e-mail: off unless MAIL_SERVER is set.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_SENDER = "bka@localhost"

    # The accessibility statement (/tillganglighet): who runs the service and how to reach them.
    ORGANISATION_NAME: str | None = None
    ACCESSIBILITY_CONTACT: str | None = None
    ACCESSIBILITY_RESPONSE_DAYS = 10
    ACCESSIBILITY_ASSESSED_ON = "2026-11-27"
    ACCESSIBILITY_REVIEWED_ON = "2026-11-27"

    PAGE_SIZE = 25
    TESTING = False
    REQUIRE_SECRET_KEY = False


class DevelopmentConfig(Config):
    """Local work: a random secret key kept in the instance folder."""


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "test-only-secret-key"  # noqa: S105 - fixed so tests are reproducible
    SESSION_COOKIE_SECURE = False


class ProductionConfig(Config):
    REQUIRE_SECRET_KEY = True
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}

# Environment variables read on top of the chosen class: name -> (config key, converter).
ENV_OVERRIDES = {
    "SECRET_KEY": ("SECRET_KEY", str),
    "DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", str),
    "BKA_CHECKLIST_DIR": ("CHECKLIST_DIR", str),
    "BKA_SESSION_COOKIE_SECURE": (
        "SESSION_COOKIE_SECURE",
        lambda v: v.lower() in {"1", "true", "yes"},
    ),
    "BKA_DEFAULT_LOCALE": ("BABEL_DEFAULT_LOCALE", str),
    "BKA_MAIL_SERVER": ("MAIL_SERVER", str),
    "BKA_MAIL_PORT": ("MAIL_PORT", int),
    "BKA_MAIL_USE_TLS": ("MAIL_USE_TLS", lambda v: v.lower() in {"1", "true", "yes"}),
    "BKA_MAIL_USERNAME": ("MAIL_USERNAME", str),
    "BKA_MAIL_PASSWORD": ("MAIL_PASSWORD", str),
    "BKA_MAIL_SENDER": ("MAIL_SENDER", str),
    "BKA_ORGANISATION_NAME": ("ORGANISATION_NAME", str),
    "BKA_ACCESSIBILITY_CONTACT": ("ACCESSIBILITY_CONTACT", str),
    "BKA_ACCESSIBILITY_RESPONSE_DAYS": ("ACCESSIBILITY_RESPONSE_DAYS", int),
    "BKA_ACCESSIBILITY_ASSESSED_ON": ("ACCESSIBILITY_ASSESSED_ON", str),
    "BKA_ACCESSIBILITY_REVIEWED_ON": ("ACCESSIBILITY_REVIEWED_ON", str),
}


def config_from_environment(name: str | None) -> dict:
    """Return the settings for config `name` (or $BKA_CONFIG) with environment overrides."""
    name = name or os.environ.get("BKA_CONFIG", "development")
    if name not in CONFIGS:
        raise RuntimeError(f"Unknown BKA_CONFIG {name!r}; choose one of {', '.join(CONFIGS)}.")
    cls = CONFIGS[name]
    settings = {key: getattr(cls, key) for key in dir(cls) if key.isupper()}
    settings["BKA_CONFIG_NAME"] = name
    for env_name, (key, convert) in ENV_OVERRIDES.items():
        value = os.environ.get(env_name)
        if value:
            settings[key] = convert(value)
    if settings["SQLALCHEMY_DATABASE_URI"] and settings["SQLALCHEMY_DATABASE_URI"].startswith(
        "postgres://"
    ):
        # Heroku-style URLs; SQLAlchemy 2 only knows the postgresql scheme.
        settings["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + settings[
            "SQLALCHEMY_DATABASE_URI"
        ].removeprefix("postgres://")
    return settings
