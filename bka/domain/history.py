"""Snapshots, the field-level edit log, diffs between versions and restoring an answer.

A snapshot is the whole analysis as canonical JSON (sorted keys, no whitespace, UTF-8); its
SHA-256 identifies exactly what was signed. The edit log records every changed field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from bka.domain import labels, participation
from bka.domain.canonical import sha256_hex
from bka.domain.checklists import STEP_KEYS, Checklists
from bka.domain.entries import ENTRY_KINDS
from bka.domain.progress import AnalysisState, load_state
from bka.extensions import db
from bka.models import (
    Analysis,
    ChildGroup,
    Consultation,
    EditLog,
    Indicator,
    Measure,
    Revision,
    RevisionRedaction,
    User,
)

DETAIL_FIELDS = ("title", "organisation", "diarienummer", "planned_decision_date")


def json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [json_value(item) for item in value]
    return value


def details_of(analysis: Analysis) -> dict[str, Any]:
    return {name: json_value(getattr(analysis, name)) for name in DETAIL_FIELDS}


def entry_values(kind_name: str, entry) -> dict[str, Any]:
    return {name: json_value(getattr(entry, name)) for name in ENTRY_KINDS[kind_name].fields}


def snapshot(state: AnalysisState) -> dict[str, Any]:
    """Everything the analysis says, as plain JSON-safe data."""
    analysis = state.analysis
    checklists = state.checklists
    return {
        "analysis": {
            "id": analysis.id,
            "decision_area": analysis.decision_area,
            "status": analysis.status,
            "version": analysis.version,
            "screening_level": analysis.screening_level,
            **details_of(analysis),
        },
        "checklists": {
            checklists.method.id: checklists.method.version,
            checklists.convention.id: checklists.convention.version,
            checklists.pack.id: checklists.pack.version,
        },
        "answers": {key: state.answers[key] for key in STEP_KEYS if state.answers.get(key)},
        "entries": {
            name: [{"id": entry.id, **entry_values(name, entry)} for entry in entries]
            for name, entries in state.entries.items()
        },
    }


def sha256_of(content: dict[str, Any]) -> str:
    """The SHA-256 of a snapshot's canonical JSON: what a sign-off signs."""
    return sha256_hex(content)


def write_revision(analysis: Analysis, checklists: Checklists, user: User, reason: str) -> Revision:
    """Store a snapshot of the analysis as it is now (called at every transition)."""
    db.session.flush()
    number = (
        db.session.scalar(
            select(func.max(Revision.number)).where(Revision.analysis_id == analysis.id)
        )
        or 0
    ) + 1
    content = snapshot(load_state(analysis, checklists))
    revision = Revision(
        analysis_id=analysis.id,
        number=number,
        analysis_version=analysis.version,
        reason=reason,
        actor_id=user.id,
        content=content,
        sha256=sha256_of(content),
    )
    db.session.add(revision)
    db.session.flush()
    return revision


INTACT, REDACTED, BROKEN = "intact", "redacted", "broken"


def latest_redaction(revision: Revision) -> RevisionRedaction | None:
    return db.session.scalar(
        select(RevisionRedaction)
        .where(RevisionRedaction.revision_id == revision.id)
        .order_by(RevisionRedaction.id.desc())
        .limit(1)
    )


def current_sha256(revision: Revision) -> str:
    """The hash the revision's content should have now: as signed, or after its last
    redaction (bka.domain.redaction)."""
    redaction = latest_redaction(revision)
    return redaction.redacted_sha256 if redaction is not None else revision.sha256


def verify_revision(revision: Revision) -> str:
    """INTACT: the content is what was hashed (and signed); REDACTED: an administrator removed
    text, and the content matches the hash recorded then (revision.sha256 stays the original,
    which is what the sign-off shows); BROKEN: the content changed in any other way."""
    actual = sha256_of(revision.content)
    if actual == revision.sha256:
        return INTACT
    redaction = latest_redaction(revision)
    if (
        redaction is not None
        and redaction.original_sha256 == revision.sha256
        and redaction.redacted_sha256 == actual
    ):
        return REDACTED
    return BROKEN


def log_changes(
    analysis: Analysis,
    user: User,
    area: str,
    old: dict[str, Any],
    new: dict[str, Any],
    entry_id: int | None = None,
) -> int:
    """Add one edit-log row per field whose value differs; returns how many."""
    changed = 0
    for field_name in sorted(set(old) | set(new)):
        before, after = json_value(old.get(field_name)), json_value(new.get(field_name))
        if before != after:
            db.session.add(
                EditLog(
                    analysis_id=analysis.id,
                    actor_id=user.id,
                    area=area,
                    entry_id=entry_id,
                    field=field_name,
                    old_value=before,
                    new_value=after,
                )
            )
            changed += 1
    return changed


@dataclass(frozen=True)
class Change:
    """One difference between two snapshots."""

    area: str  # "details", a step key or an entry kind
    field: str
    entry_id: int | None
    old: Any
    new: Any


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """The differences from snapshot `old` to snapshot `new`, in method order."""
    changes: list[Change] = []
    old_details, new_details = old.get("analysis", {}), new.get("analysis", {})
    for name in ("status", "version", *DETAIL_FIELDS):
        if old_details.get(name) != new_details.get(name):
            changes.append(
                Change("details", name, None, old_details.get(name), new_details.get(name))
            )
    for step_key in STEP_KEYS:
        before = old.get("answers", {}).get(step_key, {})
        after = new.get("answers", {}).get(step_key, {})
        for key in sorted(set(before) | set(after)):
            if before.get(key) != after.get(key):
                changes.append(Change(step_key, key, None, before.get(key), after.get(key)))
    for kind_name in ENTRY_KINDS:
        before = {e["id"]: e for e in old.get("entries", {}).get(kind_name, [])}
        after = {e["id"]: e for e in new.get("entries", {}).get(kind_name, [])}
        for entry_id in sorted(set(before) | set(after)):
            old_entry, new_entry = before.get(entry_id, {}), after.get(entry_id, {})
            for name in ENTRY_KINDS[kind_name].fields:
                # Blank and missing are the same: a snapshot stored before a field was added
                # to its kind (the indicators' numbers, say) has no key for it.
                if old_entry.get(name) != new_entry.get(name) and not (
                    old_entry.get(name) in (None, "") and new_entry.get(name) in (None, "")
                ):
                    changes.append(
                        Change(kind_name, name, entry_id, old_entry.get(name), new_entry.get(name))
                    )
    return changes


def revisions_of(analysis: Analysis) -> list[Revision]:
    return list(
        db.session.scalars(
            select(Revision).where(Revision.analysis_id == analysis.id).order_by(Revision.number)
        )
    )


def edits_of(analysis: Analysis, limit: int = 300) -> list[EditLog]:
    return list(
        db.session.scalars(
            select(EditLog)
            .where(EditLog.analysis_id == analysis.id)
            .order_by(EditLog.id.desc())
            .limit(limit)
        )
    )


def entries_named(analysis: Analysis) -> dict[str, dict[int, str]]:
    """What the edit log's references to step entries stand for, by field ("indicator_id",
    "measure_id", "child_group_id", "consultation_id"), so the history names them instead of
    giving a number. An entry removed since is not here; the history then shows its number."""
    indicators = db.session.execute(
        select(Indicator.id, Indicator.name).where(Indicator.analysis_id == analysis.id)
    )
    measures = db.session.execute(
        select(Measure.id, Measure.description).where(Measure.analysis_id == analysis.id)
    )
    groups = db.session.execute(
        select(ChildGroup.id, ChildGroup.label).where(ChildGroup.analysis_id == analysis.id)
    )
    consultations = db.session.scalars(
        select(Consultation)
        .where(Consultation.analysis_id == analysis.id)
        .order_by(Consultation.id)
    )
    return {
        "indicator_id": dict(indicators.all()),
        "measure_id": dict(measures.all()),
        "child_group_id": dict(groups.all()),
        # Feedback to children in follow-up names the consultation whose children were told.
        "consultation_id": participation.consultation_names(
            list(consultations), labels.CONSULTATION_METHOD, date.isoformat
        ),
    }
