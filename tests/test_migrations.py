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


def test_0017_keeps_every_row_and_reads_old_postponements_as_bordlagt(tmp_path):
    """No row is lost (on SQLite, rebuilding the analysis table would delete every answer,
    entry and decision that cascades from it), and an analysis left "decided" by a decision
    recorded as "postponed" goes back to waiting for its decision."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from bka import create_app

    app = create_app(
        {
            "BKA_CONFIG_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite3'}",
        }
    )
    now = "2024-06-01 10:00:00.000000"
    with app.app_context():
        upgrade(revision="0016")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO user_account (id, email, name, password_hash, role, active, "
                    "created_at) VALUES (1, 'a@example.se', 'A', 'x', 'member', 1, :now)"
                ),
                {"now": now},
            )
            connection.execute(
                text(
                    "INSERT INTO checklist_revision (id, checklist_id, version, content_hash, "
                    "content, loaded_at) VALUES (1, 'method', 1, 'h', '{}', :now)"
                ),
                {"now": now},
            )
            for analysis_id, outcome in ((1, "postponed"), (2, "adopted")):
                connection.execute(
                    text(
                        "INSERT INTO analysis (id, title, organisation, decision_area, status, "
                        "version, method_revision_id, convention_revision_id, pack_revision_id, "
                        "created_at, created_by_id, updated_at, updated_by_id, search_text) "
                        "VALUES (:id, 'T', 'O', 'digital', 'decided', 1, 1, 1, 1, :now, 1, :now,"
                        " 1, '')"
                    ),
                    {"id": analysis_id, "now": now},
                )
                connection.execute(
                    text(
                        "INSERT INTO step_answer (analysis_id, step_key, answers, completed, "
                        "updated_at, updated_by_id, lock_version) "
                        "VALUES (:id, 'decision', '{}', 1, :now, 1, 1)"
                    ),
                    {"id": analysis_id, "now": now},
                )
                connection.execute(
                    text(
                        "INSERT INTO decision_record (analysis_id, analysis_version, "
                        "decision_body, decided_on, reference, diarienummer, outcome, "
                        "best_interests_weighing, recorded_by_id, recorded_at) VALUES (:id, 1, "
                        "'Nämnden', '2024-06-01', '§ 1', '', :outcome, 'Vägt.', 1, :now)"
                    ),
                    {"id": analysis_id, "outcome": outcome, "now": now},
                )
        upgrade()
        with db.engine.connect() as connection:
            statuses = dict(connection.execute(text("SELECT id, status FROM analysis")).all())
            decisions = connection.execute(
                text(
                    "SELECT analysis_id, outcome, follows_conclusion, follows_conclusion_reason "
                    "FROM decision_record ORDER BY analysis_id"
                )
            ).all()
            answers = connection.execute(text("SELECT count(*) FROM step_answer")).scalar()
        db.engine.dispose()
    assert statuses == {1: "approved", 2: "decided"}
    assert [tuple(row) for row in decisions] == [
        (1, "postponed", None, ""),
        (2, "adopted", None, ""),
    ]
    assert answers == 2
