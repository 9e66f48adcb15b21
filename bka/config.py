"""Configuration classes. Environment variables override the defaults, never code."""

from __future__ import annotations

import os
from datetime import timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class Config:
    """Settings shared by every environment."""

    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None
    # hide_parameters: a database error's text (in the log) never carries what was typed.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True, "hide_parameters": True}
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
    # Logins are server-side records (bka/domain/sessions.py): a session ends after this long
    # without a request, and at the latest this long after logging in. Generous, because people
    # write in one step for a long time before saving.
    SESSION_IDLE_MINUTES = 120
    SESSION_LIFETIME_HOURS = 12
    # Remember-me cookies are never issued (login_user(remember=False)); these only matter for
    # clearing one. A "__Host-" name is used only with Secure cookies (bka/web/security.py).
    REMEMBER_COOKIE_DURATION = timedelta(days=1)

    # The audit chain's HMAC key (kept outside the database). None: derived from SECRET_KEY, so
    # set it explicitly before ever rotating SECRET_KEY, and keep it as long as the log.
    AUDIT_KEY: str | None = None

    # argon2id cost: at or above OWASP's floor (t=2, m=19 MiB, p=1). Only TestingConfig goes
    # below it; hashes made with other parameters are upgraded at the next login.
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_COST_KIB = 19 * 1024
    ARGON2_PARALLELISM = 1

    # Sign-in throttling (bka/domain/throttle.py): after N failures within the window, a lock
    # of LOCK seconds, doubling with every further lock up to the maximum.
    LOGIN_THROTTLE_ACCOUNT_FAILURES = 5
    LOGIN_THROTTLE_ADDRESS_FAILURES = 30
    LOGIN_THROTTLE_WINDOW_SECONDS = 15 * 60
    LOGIN_THROTTLE_LOCK_SECONDS = 60
    LOGIN_THROTTLE_ACCOUNT_MAX_LOCK_SECONDS = 15 * 60
    LOGIN_THROTTLE_ADDRESS_MAX_LOCK_SECONDS = 60 * 60

    # Global roles that must use two-factor authentication (TOTP), e.g. ("admin", "reviewer").
    REQUIRE_TOTP_FOR: tuple[str, ...] = ()

    # Directory holding the checklist TOML files; None means the repository's checklists/.
    CHECKLIST_DIR: str | None = None

    # The address people use to reach bka, e.g. "https://bka.region.se" (with any path prefix).
    # Links in e-mail are built from it, never from the request's Host header. Required in
    # production when e-mail is on.
    BASE_URL: str | None = None
    # Host names bka answers to (Flask rejects any other Host header with 400); None accepts all.
    TRUSTED_HOSTS: list[str] | None = None
    # Reverse proxies in front of bka whose X-Forwarded-For/-Proto headers are believed (0: none).
    PROXY_HOPS = 0

    # Notification e-mail: off unless MAIL_SERVER is set.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_SENDER = "bka@localhost"

    # `bka remind` reminds the team of a checkpoint this many days before its date.
    REMINDER_DAYS_BEFORE = 14

    # The accessibility statement (/tillganglighet): who runs the service and how to reach them.
    ORGANISATION_NAME: str | None = None
    ACCESSIBILITY_CONTACT: str | None = None
    ACCESSIBILITY_RESPONSE_DAYS = 10
    ACCESSIBILITY_ASSESSED_ON = "2026-12-02"
    ACCESSIBILITY_REVIEWED_ON = "2026-12-02"

    # The largest request body accepted (413 above it): far above any real form, and small
    # enough that a hostile upload cannot swell a worker.
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024

    # The folder of the PostgreSQL client programs `bka backup` and `bka restore` run (pg_dump,
    # pg_restore); None: Debian's /usr/lib/postgresql/<server version>/bin, else the PATH.
    PG_BIN: str | None = None

    # The application's log (bka/web/logs.py): "text" lines or "json" objects, one per line.
    LOG_FORMAT = "text"

    PAGE_SIZE = 25
    TESTING = False
    REQUIRE_SECRET_KEY = False


class DevelopmentConfig(Config):
    """Local work: a random secret key kept in the instance folder."""

    BASE_URL = "http://127.0.0.1:5000"


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "test-only-secret-key"  # noqa: S105 - fixed so tests are reproducible
    SESSION_COOKIE_SECURE = False
    BASE_URL = "http://bka.test"
    # Still argon2id, at the cheapest parameters argon2 accepts: the suite hashes thousands of
    # passwords (every user of the route × role matrix), and one production-cost hash takes tens
    # of milliseconds.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST_KIB = 8
    ARGON2_PARALLELISM = 1


class ProductionConfig(Config):
    REQUIRE_SECRET_KEY = True
    SESSION_COOKIE_SECURE = True
    # "__Host-": the browser keeps the cookie only if Secure, Path=/ and without Domain, so no
    # other host or path can set or shadow it (needs HTTPS; without Secure the prefix is dropped).
    SESSION_COOKIE_NAME = "__Host-bka-session"
    REMEMBER_COOKIE_NAME = "__Host-bka-remember"
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def _time_zone(value: str) -> str:
    """An IANA time zone name such as Europe/Stockholm; a typo stops the start."""
    try:
        ZoneInfo(value)
    except (ValueError, ZoneInfoNotFoundError) as error:
        raise RuntimeError(f"BKA_TIME_ZONE: unknown time zone {value!r}") from error
    return value


# Environment variables read on top of the chosen class: name -> (config key, converter).
ENV_OVERRIDES = {
    "SECRET_KEY": ("SECRET_KEY", str),
    "DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", str),
    "BKA_AUDIT_KEY": ("AUDIT_KEY", str),
    "BKA_CHECKLIST_DIR": ("CHECKLIST_DIR", str),
    "BKA_SESSION_COOKIE_SECURE": (
        "SESSION_COOKIE_SECURE",
        lambda v: v.lower() in {"1", "true", "yes"},
    ),
    "BKA_SESSION_IDLE_MINUTES": ("SESSION_IDLE_MINUTES", int),
    "BKA_SESSION_LIFETIME_HOURS": ("SESSION_LIFETIME_HOURS", int),
    "BKA_DEFAULT_LOCALE": ("BABEL_DEFAULT_LOCALE", str),
    "BKA_TIME_ZONE": ("BABEL_DEFAULT_TIMEZONE", _time_zone),
    "BKA_MAX_CONTENT_LENGTH": ("MAX_CONTENT_LENGTH", int),
    "BKA_BASE_URL": ("BASE_URL", str),
    "BKA_TRUSTED_HOSTS": (
        "TRUSTED_HOSTS",
        lambda v: [host.strip() for host in v.split(",") if host.strip()],
    ),
    "BKA_PROXY_HOPS": ("PROXY_HOPS", int),
    "BKA_ARGON2_TIME_COST": ("ARGON2_TIME_COST", int),
    "BKA_ARGON2_MEMORY_COST_KIB": ("ARGON2_MEMORY_COST_KIB", int),
    "BKA_ARGON2_PARALLELISM": ("ARGON2_PARALLELISM", int),
    "BKA_MAIL_SERVER": ("MAIL_SERVER", str),
    "BKA_MAIL_PORT": ("MAIL_PORT", int),
    "BKA_MAIL_USE_TLS": ("MAIL_USE_TLS", lambda v: v.lower() in {"1", "true", "yes"}),
    "BKA_MAIL_USERNAME": ("MAIL_USERNAME", str),
    "BKA_MAIL_PASSWORD": ("MAIL_PASSWORD", str),
    "BKA_MAIL_SENDER": ("MAIL_SENDER", str),
    "BKA_REMINDER_DAYS_BEFORE": ("REMINDER_DAYS_BEFORE", int),
    "BKA_ORGANISATION_NAME": ("ORGANISATION_NAME", str),
    "BKA_ACCESSIBILITY_CONTACT": ("ACCESSIBILITY_CONTACT", str),
    "BKA_ACCESSIBILITY_RESPONSE_DAYS": ("ACCESSIBILITY_RESPONSE_DAYS", int),
    "BKA_ACCESSIBILITY_ASSESSED_ON": ("ACCESSIBILITY_ASSESSED_ON", str),
    "BKA_ACCESSIBILITY_REVIEWED_ON": ("ACCESSIBILITY_REVIEWED_ON", str),
    "BKA_LOGIN_THROTTLE_ACCOUNT_FAILURES": ("LOGIN_THROTTLE_ACCOUNT_FAILURES", int),
    "BKA_LOGIN_THROTTLE_ADDRESS_FAILURES": ("LOGIN_THROTTLE_ADDRESS_FAILURES", int),
    "BKA_LOGIN_THROTTLE_WINDOW_SECONDS": ("LOGIN_THROTTLE_WINDOW_SECONDS", int),
    "BKA_LOGIN_THROTTLE_LOCK_SECONDS": ("LOGIN_THROTTLE_LOCK_SECONDS", int),
    "BKA_LOGIN_THROTTLE_ACCOUNT_MAX_LOCK_SECONDS": ("LOGIN_THROTTLE_ACCOUNT_MAX_LOCK_SECONDS", int),
    "BKA_LOGIN_THROTTLE_ADDRESS_MAX_LOCK_SECONDS": ("LOGIN_THROTTLE_ADDRESS_MAX_LOCK_SECONDS", int),
    "BKA_LOG_FORMAT": ("LOG_FORMAT", lambda v: v.strip().lower()),
    "BKA_PG_BIN": ("PG_BIN", str),
    "BKA_REQUIRE_TOTP_FOR": (
        "REQUIRE_TOTP_FOR",
        lambda v: tuple(role.strip() for role in v.split(",") if role.strip()),
    ),
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
