"""The tally version: recorded by `bka overview rebuild`, checked by `--check` and at start."""

from __future__ import annotations

import logging

from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, select, update

from bka import create_app
from bka.domain import tallies
from bka.extensions import db
from bka.models import OverviewState


def _check(app):
    return app.test_cli_runner().invoke(args=["overview", "rebuild", "--check"])


def _stored(app):
    with app.app_context():
        return db.session.execute(
            select(OverviewState.tally_version, OverviewState.rebuilt_at)
        ).all()


def _set_stored(app, version):
    with app.app_context():
        db.session.execute(update(OverviewState).values(tally_version=version))
        db.session.commit()


def test_without_analyses_the_tallies_are_current(app):
    result = _check(app)
    assert result.exit_code == 0, result.output
    assert "current" in result.output


def test_check_fails_until_a_rebuild_records_the_version(app, make_user, make_analysis):
    make_analysis(make_user())
    assert _stored(app) == []
    result = _check(app)
    assert result.exit_code == 1
    assert "no recorded tally version" in result.output
    assert "Run `bka overview rebuild`." in result.output

    result = app.test_cli_runner().invoke(args=["overview", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "from 1 analyses in" in result.output
    [(version, rebuilt_at)] = _stored(app)
    assert version == tallies.TALLY_VERSION and rebuilt_at is not None
    assert _check(app).exit_code == 0

    # The code's tally version moved on: a rebuild is needed again.
    _set_stored(app, tallies.TALLY_VERSION - 1)
    result = _check(app)
    assert result.exit_code == 1
    assert f"computed by tally version {tallies.TALLY_VERSION - 1}" in result.output
    assert "bka overview rebuild" in result.output
    assert app.test_cli_runner().invoke(args=["overview", "rebuild"]).exit_code == 0
    assert _check(app).exit_code == 0


def test_start_warns_about_stale_tallies_and_never_fails(app, make_user, make_analysis, caplog):
    logger = logging.getLogger("bka.test")
    with app.app_context(), caplog.at_level(logging.WARNING, logger="bka.test"):
        # No analyses: the empty tallies are current, and the code's version is recorded so
        # that the analyses created from now on count as current too.
        tallies.warn_if_stale(db.engine, logger)
        assert caplog.records == []
    assert _stored(app) == [(tallies.TALLY_VERSION, None)]
    make_analysis(make_user())
    with app.app_context(), caplog.at_level(logging.WARNING, logger="bka.test"):
        tallies.warn_if_stale(db.engine, logger)
        assert caplog.records == []
    assert _check(app).exit_code == 0

    _set_stored(app, tallies.TALLY_VERSION + 1)
    with app.app_context(), caplog.at_level(logging.WARNING, logger="bka.test"):
        tallies.warn_if_stale(db.engine, logger)
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert f"tally version {tallies.TALLY_VERSION + 1}" in record.getMessage()
    assert "Run `bka overview rebuild`." in record.getMessage()
    assert _stored(app)[0][0] == tallies.TALLY_VERSION + 1  # a warning only: nothing written


def test_an_unreachable_database_is_a_warning_at_start(caplog):
    engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2")
    with caplog.at_level(logging.WARNING, logger="bka.test"):
        tallies.warn_if_stale(engine, logging.getLogger("bka.test"))
    [record] = caplog.records
    assert "Could not check the overview tally version" in record.getMessage()


def test_start_before_and_after_the_first_upgrade(tmp_path, caplog):
    """create_app runs for `bka db upgrade` too: before it, the check must not touch the
    database; after it, an empty database is current."""
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    with caplog.at_level(logging.WARNING):
        app = create_app({"BKA_CONFIG_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url})
    assert [r for r in caplog.records if "tally" in r.getMessage()] == []
    with app.app_context():
        assert inspect(db.engine).get_table_names() == []
        result = _check(app)
        assert result.exit_code == 1
        assert "bka db upgrade" in result.output
        upgrade()
    assert _check(app).exit_code == 0
    with caplog.at_level(logging.WARNING):
        create_app({"BKA_CONFIG_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url})
    assert [r for r in caplog.records if "tally" in r.getMessage()] == []
    assert _stored(app) == [(tallies.TALLY_VERSION, None)]
