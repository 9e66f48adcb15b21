"""Follow-up after the decision, as work: the kinds of record, who may write them and when,
and the rules that read them (a measure's status today, when a reading is due, on target).

The team (owners and editors) records follow-up while the analysis is decided or in follow-up;
members and administrators see it (`permissions.RECORD_FOLLOW_UP`, one rule in `can()`).
Every record goes through `save_record` / `delete_record`, which write the field-level edit log
and an audit event, as step answers and entries do.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from bka.domain import audit, history
from bka.domain.analyses import touch
from bka.domain.errors import FieldError
from bka.extensions import db
from bka.models import (
    Analysis,
    Checkpoint,
    ChildFeedback,
    Consultation,
    FollowUpEvent,
    Impact,
    Indicator,
    Measure,
    MeasureUpdate,
    ObservedEffect,
    Reading,
    User,
)

# Did children fare as the analysis predicted (a checkpoint's conclusion).
FARED = ("as_predicted", "better", "worse", "mixed", "unknown")
# A measure's status over time; "planned", "in_progress" and "done" are step 8's own.
MEASURE_PROGRESS = ("planned", "in_progress", "done", "late", "dropped")
MEASURE_FINISHED = frozenset({"done", "dropped"})
# What was observed for a row of the impact matrix, against the prediction.
OBSERVATIONS = ("as_predicted", "better", "worse", "not_yet_known")
EVENT_KINDS = (
    "go_live",
    "incident",
    "pause",
    "resumed",
    "new_information",
    "complaint",
    "decision_changed",
)
# When a trigger is met: a reading above or below the threshold, a reading that differs from
# the indicator's baseline by at least the threshold in per cent, or an event of a kind.
ABOVE, BELOW, CHANGES_BY, EVENT = "above", "below", "changes_by", "event"
CONDITIONS = (ABOVE, BELOW, CHANGES_BY, EVENT)

# The checkpoints offered when a decision is taken, in months after it; the team edits them.
# One year and three years follow the region's practice; CRWIA evaluates after 1, 3 and 5.
OFFERED_CHECKPOINTS = (
    (3, _l("First check, three months after the decision")),
    (12, _l("Evaluation one year after the decision")),
    (36, _l("Evaluation three years after the decision")),
)

# The title of the checkpoint that closes the follow-up (lifecycle.close).
FINAL_CHECKPOINT_TITLE = _l("Final conclusion")


@dataclass(frozen=True)
class FollowUpKind:
    """A kind of follow-up record: its table, its editable fields, the free text among them
    (checked for personnummer), and the step entry it belongs to, if any."""

    name: str
    model: type
    fields: tuple[str, ...]
    text_fields: tuple[str, ...]
    parent_field: str | None = None
    parent_model: type | None = None


FOLLOW_UP_KINDS = {
    kind.name: kind
    for kind in (
        FollowUpKind(
            "checkpoints",
            Checkpoint,
            ("title", "due_on", "closed_on", "fared", "conclusion", "changes"),
            ("title", "conclusion", "changes"),
        ),
        FollowUpKind(
            "readings",
            Reading,
            ("indicator_id", "value", "measured_on", "source", "comment"),
            ("source", "comment"),
            "indicator_id",
            Indicator,
        ),
        FollowUpKind(
            "measure_updates",
            MeasureUpdate,
            ("measure_id", "status", "updated_on", "evidence"),
            ("evidence",),
            "measure_id",
            Measure,
        ),
        FollowUpKind(
            "observed_effects",
            ObservedEffect,
            ("impact_id", "observation", "observed_on", "evidence"),
            ("evidence",),
            "impact_id",
            Impact,
        ),
        FollowUpKind(
            "events",
            FollowUpEvent,
            ("kind", "occurred_on", "title", "description"),
            ("title", "description"),
        ),
        FollowUpKind(
            "child_feedback",
            ChildFeedback,
            ("given_on", "channel", "message", "consultation_id"),
            ("channel", "message"),
        ),
    )
}


def record_values(kind: FollowUpKind, record) -> dict[str, Any]:
    return {name: history.json_value(getattr(record, name)) for name in kind.fields}


def get_record(analysis: Analysis, kind: FollowUpKind, record_id: int):
    """The record of `kind` with `record_id` if it belongs to `analysis`, else None."""
    record = db.session.get(kind.model, record_id)
    if record is None or record.analysis_id != analysis.id:
        return None
    return record


def _check_parent(analysis: Analysis, kind: FollowUpKind, values: dict[str, Any]) -> None:
    if kind.parent_field is None:
        return
    parent = db.session.get(kind.parent_model, values.get(kind.parent_field) or 0)
    if parent is None or parent.analysis_id != analysis.id:
        raise FieldError(kind.parent_field, _l("Choose one from the list."))


def _check_consultation(analysis: Analysis, values: dict[str, Any]) -> None:
    """Feedback to children may name one of this analysis's consultations (or none); it
    cannot be given before that consultation was held."""
    consultation_id = values.get("consultation_id")
    if consultation_id is None:
        return
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None or consultation.analysis_id != analysis.id:
        raise FieldError("consultation_id", _l("Choose one from the list."))
    given_on = values.get("given_on")
    if given_on is not None and consultation.held_on and given_on < consultation.held_on:
        raise FieldError(
            "given_on", _l("The feedback cannot be given before the consultation was held.")
        )


# A checkpoint is closed by its date, how children fared and the conclusion, all three together.
CLOSING_FIELDS = {
    "closed_on": _l("Enter the date the checkpoint was closed."),
    "fared": _l("Choose how children fared against the prediction."),
    "conclusion": _l("Write the conclusion of the checkpoint."),
}


def missing_to_close(values: dict[str, Any]) -> dict[str, Any]:
    """The closing fields a checkpoint still lacks, with their messages, once any is given."""
    if not any(values.get(name) for name in CLOSING_FIELDS):
        return {}
    return {name: message for name, message in CLOSING_FIELDS.items() if not values.get(name)}


def _check_closing(values: dict[str, Any]) -> None:
    for name, message in missing_to_close(values).items():
        raise FieldError(name, message)
    if values.get("fared") and values["fared"] not in FARED:
        raise FieldError("fared", CLOSING_FIELDS["fared"])


def save_record(
    analysis: Analysis, kind: FollowUpKind, values: dict[str, Any], user: User, record=None
):
    """Add a record of `kind` (record None) or change `record`; logged and audited."""
    values = {name: values[name] for name in kind.fields if name in values}
    _check_parent(analysis, kind, values)
    if kind.name == "child_feedback":
        _check_consultation(analysis, values)
    if kind.name == "checkpoints":
        _check_closing(values)
    previous = {} if record is None else record_values(kind, record)
    if record is None:
        record = kind.model(analysis_id=analysis.id, recorded_by_id=user.id)
        db.session.add(record)
    for name, value in values.items():
        setattr(record, name, value)
    db.session.flush()
    _log(analysis, kind, user, previous, record_values(kind, record), record.id)
    if kind.name in ("readings", "events"):
        # Imported here: bka.domain.reassessment builds on this module's constants.
        from bka.domain import reassessment

        reassessment.check_record(analysis, record, user)
    return record


def delete_record(analysis: Analysis, kind: FollowUpKind, record, user: User) -> None:
    _log(analysis, kind, user, record_values(kind, record), {}, record.id)
    db.session.delete(record)
    db.session.flush()


def _log(analysis, kind, user, old: dict, new: dict, record_id: int) -> None:
    changed = history.log_changes(analysis, user, kind.name, old, new, entry_id=record_id)
    if not changed:
        return
    audit.record(
        "follow_up_recorded" if new else "follow_up_removed",
        actor=user,
        object_type="analysis",
        object_id=analysis.id,
        details={"kind": kind.name, "record": record_id, "fields": sorted(set(old) | set(new))},
    )
    touch(analysis, user)


# --- checkpoints -------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def offer_checkpoints(analysis: Analysis, decided_on: date, user: User) -> list[Checkpoint]:
    """The checkpoints every decided analysis starts with (3 months, 1 and 3 years after the
    decision), unless it already has some: a second decision keeps what the team set up."""
    existing = db.session.scalar(select(Checkpoint.id).where(Checkpoint.analysis_id == analysis.id))
    if existing is not None:
        return []
    kind = FOLLOW_UP_KINDS["checkpoints"]
    return [
        save_record(
            analysis,
            kind,
            {"title": str(title), "due_on": add_months(decided_on, months)},
            user,
        )
        for months, title in OFFERED_CHECKPOINTS
    ]


def checkpoints_of(analysis: Analysis) -> list[Checkpoint]:
    return list(
        db.session.scalars(
            select(Checkpoint)
            .where(Checkpoint.analysis_id == analysis.id)
            .order_by(Checkpoint.due_on, Checkpoint.id)
        )
    )


def final_conclusion(analysis: Analysis) -> Checkpoint | None:
    return db.session.scalar(
        select(Checkpoint).where(
            Checkpoint.analysis_id == analysis.id,
            Checkpoint.final.is_(True),
            Checkpoint.closed_on.is_not(None),
        )
    )


# --- measures, readings ------------------------------------------------------------------------


def measure_status(measure: Measure, updates: Iterable[MeasureUpdate]) -> str:
    """The measure's status now: its latest update's, else what step 8 planned."""
    latest = max(updates, key=lambda update: (update.updated_on, update.id), default=None)
    return latest.status if latest is not None else measure.status


def next_reading_due(indicator: Indicator, readings: Iterable[Reading]) -> date | None:
    """When the next reading of `indicator` is due: its first date of measurement until a
    reading is made on or after it, then every `reading_every_months` after the latest one."""
    first = indicator.measure_on
    if first is None:
        return None
    dates = [reading.measured_on for reading in readings]
    latest = max(dates, default=None)
    if latest is None or latest < first:
        return first
    if not indicator.reading_every_months:
        return None
    return add_months(latest, indicator.reading_every_months)


def on_target(indicator: Indicator, value: float) -> bool | None:
    """Whether `value` reaches the indicator's target. Higher is better when the target is above
    the baseline, lower when below; without both numbers (or when equal) it cannot be told."""
    target, baseline = indicator.target_value, indicator.baseline_value
    if target is None or baseline is None or target == baseline:
        return None
    return value >= target if target > baseline else value <= target
