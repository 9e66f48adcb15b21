"""Database binding: the SQLite default in the instance folder and its connection pragmas."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from sqlalchemy import event

from bka.extensions import db, migrate
from bka.models.base import UTCDateTime

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _render_item(type_, obj, _autogen_context):
    """Write UTCDateTime as a plain DateTime so migrations never import application code."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def init_database(app: Flask) -> None:
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        os.makedirs(app.instance_path, exist_ok=True)
        path = Path(app.instance_path) / "bka.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(MIGRATIONS_DIR),
        render_as_batch=True,
        compare_type=True,
        render_item=_render_item,
    )
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            busy_ms = int(app.config["SQLITE_BUSY_TIMEOUT_MS"])
            memory = engine.url.database in (None, "", ":memory:")

            # Bound to this app's engine only, never to the global Engine class.
            @event.listens_for(engine, "connect")
            def _sqlite_pragmas(dbapi_connection, _record):
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA foreign_keys = ON")
                cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
                if not memory:
                    cursor.execute("PRAGMA journal_mode = WAL")
                    cursor.execute("PRAGMA synchronous = NORMAL")
                cursor.close()
