"""Readiness: whether this process can serve requests (GET /readyz).

Three checks, each "ok" or "failed": the database answers a trivial query, its Alembic revision
is the head of the migrations shipped in this package (bka/migrations), and the checklists are
loaded. What went wrong is logged for the operator (the kind of error, never its text); the
probe's answer says only which check failed.
"""

from __future__ import annotations

import logging
from functools import cache

from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from bka.database import MIGRATIONS_DIR

OK, FAILED = "ok", "failed"
CHECKS = ("database", "migrations", "checklists")

_log = logging.getLogger(__name__)


@cache
def migration_heads(directory: str = str(MIGRATIONS_DIR)) -> frozenset[str]:
    """The head revision(s) of the shipped migrations (read once: they never change while the
    process runs)."""
    config = Config()
    config.set_main_option("script_location", directory)
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def checklists_loaded(library) -> bool:
    return bool(
        library is not None
        and library.method.steps
        and library.convention.articles
        and library.packs
    )


def readiness(engine: Engine, library) -> dict[str, str]:
    """Each check's result, "ok" or "failed"."""
    checks = dict.fromkeys(CHECKS, FAILED)
    if checklists_loaded(library):
        checks["checklists"] = OK
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            checks["database"] = OK
            current = frozenset(MigrationContext.configure(connection).get_current_heads())
            connection.rollback()
    except Exception as error:  # noqa: BLE001 - any failure means "not ready", never a 500
        _log.warning("readiness: the database check failed (%s)", type(error).__name__)
        return checks
    if current == migration_heads():
        checks["migrations"] = OK
    else:
        _log.warning(
            "readiness: the database is at revision %s, the code needs %s: run `bka db upgrade`",
            ", ".join(sorted(current)) or "none",
            ", ".join(sorted(migration_heads())),
        )
    return checks


def ready(checks: dict[str, str]) -> bool:
    return all(result == OK for result in checks.values())
