"""What every benchmark needs: a migrated app on a throwaway SQLite file, and percentiles."""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from flask_migrate import upgrade

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bka import create_app  # noqa: E402


def migrated_app(folder: str):
    """The app on an empty, migrated SQLite database in `folder`."""
    app = create_app(
        {
            "BKA_CONFIG_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
        }
    )
    with app.app_context():
        upgrade()
    return app


def percentiles(samples: list[float]) -> tuple[float, float]:
    """(p50, p95) of the samples."""
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]
