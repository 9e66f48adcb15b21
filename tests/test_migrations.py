"""Migrations from an empty database give exactly the models' schema."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from bka.extensions import db


def test_upgrade_from_empty_matches_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_every_model_table_exists_with_alembic_version(app):
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
    assert set(db.metadata.tables) | {"alembic_version"} == tables


def test_migrations_import_no_application_code():
    from pathlib import Path

    versions = Path(__file__).resolve().parents[1] / "bka" / "migrations" / "versions"
    for path in versions.glob("*.py"):
        source = path.read_text()
        assert "import bka" not in source and "from bka" not in source and "bka." not in source
