"""Everything recorded in an analysis's follow-up, read at once and put together per step-entry:
each indicator with its readings, each measure with its status over time, each row of the impact
matrix with what was observed, and the checkpoints, events and feedback to children.

One query per table, whatever the number of records; the follow-up page reads this, and the
page of observed effects per row of the impact matrix reads those on their own. The step
entries are the analysis's objects; the follow-up records are read-only rows of their columns
(a record's attributes, and `recorded_by`: the name of who recorded it).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Row, bindparam, func, select
from sqlalchemy.orm import joinedload

from bka.domain import follow_up
from bka.extensions import db
from bka.models import (
    Analysis,
    Checkpoint,
    ChildFeedback,
    FollowUpEvent,
    Impact,
    Indicator,
    Measure,
    MeasureUpdate,
    ObservedEffect,
    Reading,
    User,
)


@dataclass
class IndicatorFollowUp:
    indicator: Indicator
    readings: list[Row]  # Reading rows, oldest first
    next_due: date | None

    @property
    def latest(self) -> Row | None:
        return self.readings[-1] if self.readings else None

    @property
    def on_target(self) -> bool | None:
        """Whether the latest reading reaches the target; None when it cannot be told."""
        latest = self.latest
        return None if latest is None else follow_up.on_target(self.indicator, latest.value)


@dataclass
class MeasureFollowUp:
    measure: Measure
    updates: list[Row]  # MeasureUpdate rows, oldest first
    status: str
    overdue: bool  # past its due date and neither done nor dropped


@dataclass
class ImpactFollowUp:
    impact: Impact
    effects: list[Row]  # ObservedEffect rows, oldest first

    @property
    def latest(self) -> Row | None:
        return self.effects[-1] if self.effects else None


@dataclass
class FollowUpState:
    analysis: Analysis
    checkpoints: list[Row] = field(default_factory=list)
    indicators: list[IndicatorFollowUp] = field(default_factory=list)
    measures: list[MeasureFollowUp] = field(default_factory=list)
    # The observed effects in brief (they have a page of their own, per row of the matrix):
    # how many rows the impact matrix has, and how many rows' latest observation is of each kind.
    impact_rows: int = 0
    latest_observations: dict[str, int] = field(default_factory=dict)
    events: list[Row] = field(default_factory=list)  # by date, the timeline
    child_feedback: list[Row] = field(default_factory=list)

    @property
    def open_checkpoints(self) -> list[Row]:
        return [checkpoint for checkpoint in self.checkpoints if checkpoint.closed_on is None]


# Built once: constructing a statement costs more than running it from SQLAlchemy's cache.
def _records_statement(model, *order):
    """A kind's records of one analysis as rows of their columns (the page only reads them:
    rows cost a fraction of ORM objects), each with the name of who recorded it as
    `recorded_by`."""
    table, users = model.__table__, User.__table__
    return (
        select(*table.c, users.c.name.label("recorded_by"))
        .join(users, users.c.id == table.c.recorded_by_id)
        .where(table.c.analysis_id == bindparam("analysis_id"))
        .order_by(*order, table.c.id)
    )


def _entries_statement(model, *options):
    return (
        select(model)
        .where(model.analysis_id == bindparam("analysis_id"))
        .options(*options)
        .order_by(model.id)
    )


_READINGS = _records_statement(Reading, Reading.measured_on)
_MEASURE_UPDATES = _records_statement(MeasureUpdate, MeasureUpdate.updated_on)
_OBSERVED_EFFECTS = _records_statement(ObservedEffect, ObservedEffect.observed_on)
_CHECKPOINTS = _records_statement(Checkpoint, Checkpoint.due_on)
_EVENTS = _records_statement(FollowUpEvent, FollowUpEvent.occurred_on)
_CHILD_FEEDBACK = _records_statement(ChildFeedback, ChildFeedback.given_on)
_PARENTS = {
    Indicator: _entries_statement(Indicator),
    Measure: _entries_statement(Measure),
    Impact: _entries_statement(Impact, joinedload(Impact.child_group)),
}


_IMPACT_ROWS = select(func.count(Impact.id)).where(Impact.analysis_id == bindparam("analysis_id"))


def _all(statement, analysis: Analysis) -> list:
    return list(db.session.scalars(statement, {"analysis_id": analysis.id}))


def _rows(statement, analysis: Analysis) -> list:
    return db.session.execute(statement, {"analysis_id": analysis.id}).all()


def _grouped(records, key: str) -> dict[int, list]:
    groups: dict[int, list] = defaultdict(list)
    for record in records:
        groups[getattr(record, key)].append(record)
    return groups


def parents_of(analysis: Analysis, kind: follow_up.FollowUpKind) -> list:
    """The step entries a record of `kind` may belong to (indicators, measures, impact rows)."""
    return _all(_PARENTS[kind.parent_model], analysis)


def load_follow_up(analysis: Analysis, today: date) -> FollowUpState:
    """The analysis's follow-up as it stands on `today` (the installation's date)."""
    readings = _grouped(_rows(_READINGS, analysis), "indicator_id")
    updates = _grouped(_rows(_MEASURE_UPDATES, analysis), "measure_id")
    effects = _grouped(_rows(_OBSERVED_EFFECTS, analysis), "impact_id")
    measures = []
    for measure in _all(_PARENTS[Measure], analysis):
        history = updates.get(measure.id, [])
        status = follow_up.measure_status(measure, history)
        overdue = (
            measure.due_date is not None
            and measure.due_date < today
            and status not in follow_up.MEASURE_FINISHED
        )
        measures.append(MeasureFollowUp(measure, history, status, overdue))
    latest = Counter(rows[-1].observation for rows in effects.values())
    return FollowUpState(
        analysis=analysis,
        checkpoints=_rows(_CHECKPOINTS, analysis),
        indicators=[
            IndicatorFollowUp(
                indicator,
                readings.get(indicator.id, []),
                follow_up.next_reading_due(indicator, readings.get(indicator.id, [])),
            )
            for indicator in _all(_PARENTS[Indicator], analysis)
        ],
        measures=measures,
        impact_rows=db.session.scalar(_IMPACT_ROWS, {"analysis_id": analysis.id}),
        latest_observations={
            observation: latest[observation]
            for observation in follow_up.OBSERVATIONS
            if latest[observation]
        },
        events=_rows(_EVENTS, analysis),
        child_feedback=_rows(_CHILD_FEEDBACK, analysis),
    )


def load_observed_effects(analysis: Analysis) -> list[ImpactFollowUp]:
    """Every row of the impact matrix with what was observed of it, oldest observation first."""
    effects = _grouped(_rows(_OBSERVED_EFFECTS, analysis), "impact_id")
    return [
        ImpactFollowUp(impact, effects.get(impact.id, []))
        for impact in _all(_PARENTS[Impact], analysis)
    ]
