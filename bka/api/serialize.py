"""Analyses and their content as plain JSON data for the API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import url_for
from sqlalchemy import select

from bka.api.openapi import API_NAME_OF_MOVE
from bka.domain import lifecycle
from bka.domain.entries import ENTRY_KINDS, EntryKind
from bka.domain.follow_up import FOLLOW_UP_KINDS, FollowUpKind, record_values
from bka.domain.history import entry_values, json_value
from bka.domain.permissions import can, member_role
from bka.domain.progress import AnalysisState
from bka.domain.workflow import TRANSITIONS
from bka.extensions import db
from bka.models import Analysis, DecisionRecord

# A decision as the API shows it (named through the columns: "decision_body" is also the key of
# a checklist question, which code names only through bka/domain/contract.py).
DECISION_FIELDS = (
    DecisionRecord.id,
    DecisionRecord.outcome,
    DecisionRecord.decision_body,
    DecisionRecord.decided_on,
    DecisionRecord.reference,
    DecisionRecord.analysis_version,
)


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def analysis_summary(analysis: Analysis) -> dict[str, Any]:
    return {
        "id": analysis.id,
        "title": analysis.title,
        "organisation": analysis.organisation,
        "decision_area": analysis.decision_area,
        "diarienummer": analysis.diarienummer,
        "planned_decision_date": json_value(analysis.planned_decision_date),
        "status": analysis.status,
        "version": analysis.version,
        "screening_level": analysis.screening_level,
        "year": analysis.year,
        "created_at": _time(analysis.created_at),
        "updated_at": _time(analysis.updated_at),
        "url": url_for("api.analysis", analysis_id=analysis.id),
    }


def step(state: AnalysisState, step_key: str) -> dict[str, Any]:
    updated = state.step_updated.get(step_key)
    return {
        "key": step_key,
        "answers": state.step_answers(step_key),
        "completed": state.completed_flags.get(step_key, False),
        "lock_version": state.lock_versions.get(step_key, 0),
        "updated_at": _time(updated[0]) if updated else None,
    }


def entry(kind: EntryKind, row) -> dict[str, Any]:
    return {"id": row.id, **entry_values(kind.name, row)}


def record(kind: FollowUpKind, row) -> dict[str, Any]:
    return {"id": row.id, **record_values(kind, row)}


def records_of(analysis: Analysis, kind: FollowUpKind) -> list:
    return list(
        db.session.scalars(
            select(kind.model).where(kind.model.analysis_id == analysis.id).order_by(kind.model.id)
        )
    )


def transitions_for(user, analysis: Analysis) -> list[str]:
    """The transitions `user` may post now, by the API's names (`openapi.API_TRANSITIONS`)."""
    moves = {move.name for move in TRANSITIONS if move.source == analysis.status}
    allowed = {move for move in moves if can(user, f"transition:{move}", analysis)}
    return sorted({API_NAME_OF_MOVE.get(move, move) for move in allowed})


def analysis_full(analysis: Analysis, state: AnalysisState, user) -> dict[str, Any]:
    steps = [step(state, item.key) for item in state.checklists.method.steps]
    return {
        **analysis_summary(analysis),
        "your_role": member_role(user, analysis),
        "transitions": transitions_for(user, analysis),
        "steps": steps,
        "entries": {
            name: [entry(kind, row) for row in state.entries[name]]
            for name, kind in ENTRY_KINDS.items()
        },
        "follow_up": {
            name: [record(kind, row) for row in records_of(analysis, kind)]
            for name, kind in FOLLOW_UP_KINDS.items()
        },
        "decisions": [
            {column.key: json_value(getattr(decision, column.key)) for column in DECISION_FIELDS}
            for decision in lifecycle.decisions_of(analysis)
        ],
    }
