"""The follow-up core: who records, the checkpoints a decision offers, records logged and
audited, and the rules that read them (measure status, readings due, on target)."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from bka.domain import follow_up
from bka.domain.errors import FieldError
from bka.domain.permissions import RECORD_FOLLOW_UP, can
from bka.extensions import db
from bka.models import Analysis, AuditEvent, EditLog, Indicator, User
from tests import factories


@pytest.fixture
def decided(app, make_user, add_member):
    """A decided analysis and its owner, reviewer, editor and viewer (ids)."""
    owner = make_user(name="Tove Ägare")
    reviewer = make_user(role="reviewer", name="Gustav Granskare")
    editor = make_user(name="Eda Redaktör")
    viewer = make_user(name="Vera Läsare")
    with app.test_request_context():
        analysis = factories.complete_analysis(db.session.get(User, owner.id))
        factories.drive_to(analysis, "decided", reviewer)
        db.session.commit()
        analysis_id = analysis.id
    add_member(analysis_id, editor, "editor")
    add_member(analysis_id, viewer, "viewer")
    return SimpleNamespace(
        id=analysis_id, owner=owner.id, reviewer=reviewer.id, editor=editor.id, viewer=viewer.id
    )


def test_a_decision_offers_checkpoints_after_three_months_one_and_three_years(app, decided):
    with app.test_request_context():
        analysis = db.session.get(Analysis, decided.id)
        dates = [checkpoint.due_on for checkpoint in follow_up.checkpoints_of(analysis)]
    # factories.decide decides on 18 June 2024.
    assert dates == [date(2024, 9, 18), date(2025, 6, 18), date(2027, 6, 18)]


def test_only_the_team_records_follow_up_and_only_after_the_decision(app, decided):
    with app.test_request_context():
        analysis = db.session.get(Analysis, decided.id)

        def may(user_id):
            return can(db.session.get(User, user_id), RECORD_FOLLOW_UP, analysis)

        assert may(decided.owner) and may(decided.editor)
        assert not may(decided.viewer) and not may(decided.reviewer)
        analysis.status = "approved"
        assert not may(decided.owner)
        analysis.status = "follow_up"
        assert may(decided.owner)
        analysis.status = "closed"
        assert not may(decided.owner)


def test_a_reading_is_in_the_edit_log_and_the_audit_log(app, decided):
    with app.test_request_context():
        analysis = db.session.get(Analysis, decided.id)
        owner = db.session.get(User, decided.owner)
        indicator = db.session.scalar(select(Indicator).where(Indicator.analysis_id == analysis.id))
        reading = follow_up.save_record(
            analysis,
            follow_up.FOLLOW_UP_KINDS["readings"],
            {"indicator_id": indicator.id, "value": 41.5, "measured_on": date(2024, 11, 30)},
            owner,
        )
        db.session.commit()
        logged = db.session.scalars(
            select(EditLog.field).where(EditLog.area == "readings", EditLog.entry_id == reading.id)
        ).all()
        event = db.session.scalar(
            select(AuditEvent)
            .where(AuditEvent.action == "follow_up_recorded")
            .order_by(AuditEvent.id.desc())
            .limit(1)
        )
    assert {"indicator_id", "value", "measured_on"} <= set(logged)
    assert event.details["kind"] == "readings" and event.object_id == decided.id


def test_a_record_cannot_point_at_another_analysis_s_indicator(app, decided, make_user):
    with app.test_request_context():
        other = factories.complete_analysis(db.session.get(User, make_user().id))
        foreign = db.session.scalar(select(Indicator).where(Indicator.analysis_id == other.id))
        analysis = db.session.get(Analysis, decided.id)
        with pytest.raises(FieldError) as refused:
            follow_up.save_record(
                analysis,
                follow_up.FOLLOW_UP_KINDS["readings"],
                {"indicator_id": foreign.id, "value": 1.0, "measured_on": date(2024, 11, 30)},
                db.session.get(User, decided.owner),
            )
    assert refused.value.field == "indicator_id"


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 11, 30), 3, date(2025, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 12, 15), 1, date(2025, 1, 15)),
        (date(2024, 6, 18), 36, date(2027, 6, 18)),
    ],
)
def test_months_are_added_to_the_month_s_last_day_at_most(start, months, expected):
    assert follow_up.add_months(start, months) == expected


def test_a_reading_is_due_on_the_first_date_then_every_interval_after_the_latest():
    indicator = SimpleNamespace(measure_on=date(2025, 1, 1), reading_every_months=6)
    early = SimpleNamespace(measured_on=date(2024, 12, 1))
    assert follow_up.next_reading_due(indicator, []) == date(2025, 1, 1)
    assert follow_up.next_reading_due(indicator, [early]) == date(2025, 1, 1)
    later = SimpleNamespace(measured_on=date(2025, 1, 10))
    assert follow_up.next_reading_due(indicator, [early, later]) == date(2025, 7, 10)
    once = SimpleNamespace(measure_on=date(2025, 1, 1), reading_every_months=None)
    assert follow_up.next_reading_due(once, [later]) is None


def test_on_target_reads_the_direction_from_baseline_and_target():
    higher = SimpleNamespace(baseline_value=60.0, target_value=80.0)
    lower = SimpleNamespace(baseline_value=12.0, target_value=5.0)
    assert follow_up.on_target(higher, 80.0) is True
    assert follow_up.on_target(higher, 79.9) is False
    assert follow_up.on_target(lower, 5.0) is True
    assert follow_up.on_target(lower, 6.0) is False
    assert follow_up.on_target(SimpleNamespace(baseline_value=None, target_value=5.0), 1) is None


def test_the_measure_status_is_the_latest_update_s():
    measure = SimpleNamespace(status="planned")
    updates = [
        SimpleNamespace(updated_on=date(2025, 1, 1), id=1, status="in_progress"),
        SimpleNamespace(updated_on=date(2025, 3, 1), id=2, status="late"),
        SimpleNamespace(updated_on=date(2025, 2, 1), id=3, status="done"),
    ]
    assert follow_up.measure_status(measure, updates) == "late"
    assert follow_up.measure_status(measure, []) == "planned"
