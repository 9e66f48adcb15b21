"""bka: barnkonsekvensanalys, the guided child-rights impact assessment toolkit."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from flask_sqlalchemy.session import Session as SqlaSession


def create_app(config: str | dict[str, Any] | None = None) -> Flask:
    """Build the application. `config` is a config name or a dict of settings to apply last."""
    from bka.cli import register_commands
    from bka.config import config_from_environment
    from bka.database import init_database
    from bka.domain.checklists import load_library
    from bka.domain.tallies import install as install_tallies
    from bka.domain.tallies import warn_if_stale
    from bka.extensions import babel, csrf, db, login_manager
    from bka.views import register_blueprints
    from bka.web import i18n, logs, oidc, security, templating

    overrides = dict(config) if isinstance(config, dict) else {}
    name = config if isinstance(config, str) else overrides.get("BKA_CONFIG_NAME")
    app = Flask(
        __name__,
        instance_path=os.environ.get("BKA_INSTANCE_PATH") or None,
        instance_relative_config=True,
    )
    app.config.update(config_from_environment(name))
    app.config.update(overrides)
    # First: the request id exists before any other hook runs, and every line is formatted.
    logs.init_app(app)

    security.init_secret_key(app)
    security.init_audit(app)
    init_database(app)
    # The administrators' overview reads tallies that every commit keeps current.
    install_tallies(SqlaSession)
    with app.app_context():
        # A warning, never a failed start: the overview is wrong until `bka overview rebuild`.
        warn_if_stale(db.engine, app.logger)
    babel.init_app(app, locale_selector=i18n.select_locale, timezone_selector=i18n.select_timezone)
    i18n.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    # A broken checklist file stops the start with every problem listed, never a 500 later.
    app.extensions["bka_library"] = load_library(app.config["CHECKLIST_DIR"])

    security.init_app(app)
    oidc.init_app(app)
    templating.init_app(app)
    register_blueprints(app)
    register_commands(app)
    return app
