"""Removing a value (a child's personal identity number, say) from an analysis and its history.

An administrator names the analysis and the exact text. Every occurrence is replaced by
MARKER in the current answers, entries, details, comments, review rounds, the decision, the
field-level edit log and the stored snapshots (revisions). A snapshot keeps the SHA-256 it was
signed with; a RevisionRedaction row records the hash of its content after redaction, so
`history.verify_revision` tells a redaction from tampering. One audit event explains it all:
who, why, which fields, which revisions with their original and new hashes, and the archived
PDFs of signed versions, which are stored bytes with a recorded SHA-256 and are NOT altered
(re-archive them if they must go). The text itself is never written to the audit log, only a
keyed hash of it.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from bka.domain import audit, history
from bka.domain.entries import ENTRY_KINDS
from bka.domain.errors import FieldError
from bka.extensions import db
from bka.models import (
    Analysis,
    ArchivedReport,
    AuditEvent,
    Comment,
    DecisionRecord,
    EditLog,
    ReviewRound,
    RevisionRedaction,
    SignOff,
    StepAnswer,
    User,
)

MARKER = "[borttaget]"
MIN_LENGTH = 6
ANALYSIS_TEXTS = ("title", "organisation", "diarienummer")  # search_text: the tallies redo it
DECISION_TEXTS = tuple(
    column.key
    for column in (
        DecisionRecord.decision_body,
        DecisionRecord.reference,
        DecisionRecord.diarienummer,
        DecisionRecord.best_interests_weighing,
    )
)


def replace_in(value: Any, text: str) -> tuple[Any, int]:
    """`value` (JSON-like) with every `text` in its strings replaced; and how many."""
    if isinstance(value, str):
        count = value.count(text)
        return (value.replace(text, MARKER), count) if count else (value, 0)
    if isinstance(value, list):
        items = [replace_in(item, text) for item in value]
        return [item for item, _ in items], sum(count for _, count in items)
    if isinstance(value, dict):
        items = {key: replace_in(item, text) for key, item in value.items()}
        return {key: item for key, (item, _) in items.items()}, sum(
            count for _, count in items.values()
        )
    return value, 0


@dataclass
class RedactionResult:
    places: list[str] = field(default_factory=list)  # "step:decision.proposal", "comment:5"...
    revisions: list[dict] = field(default_factory=list)
    archived_reports: list[dict] = field(default_factory=list)
    occurrences: int = 0
    audit_event_id: int | None = None


def _redact_attributes(obj, names, text: str, place: str, result: RedactionResult) -> None:
    for name in names:
        value = getattr(obj, name)
        new, count = replace_in(value, text)
        if count:
            setattr(obj, name, new)
            result.places.append(f"{place}.{name}")
            result.occurrences += count


def text_digest(text: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def redact(analysis: Analysis, text: str, actor: User, reason: str) -> RedactionResult:
    """Replace every occurrence of `text` in the analysis and its history; audit it."""
    text = text or ""
    if len(text.strip()) < MIN_LENGTH:
        raise FieldError(
            "text",
            _l(
                "Enter at least %(count)d characters: the exact text to remove.",
                count=MIN_LENGTH,
            ),
        )
    result = RedactionResult()
    aid = analysis.id
    _redact_attributes(analysis, ANALYSIS_TEXTS, text, "details", result)
    for row in db.session.scalars(select(StepAnswer).where(StepAnswer.analysis_id == aid)):
        new, count = replace_in(row.answers or {}, text)
        if count:
            row.answers = new
            result.places.append(f"step:{row.step_key}")
            result.occurrences += count
    for kind in ENTRY_KINDS.values():
        for entry in db.session.scalars(select(kind.model).where(kind.model.analysis_id == aid)):
            _redact_attributes(entry, kind.text_fields, text, f"{kind.name}:{entry.id}", result)
    for comment in db.session.scalars(select(Comment).where(Comment.analysis_id == aid)):
        _redact_attributes(comment, ("body",), text, f"comment:{comment.id}", result)
    for round_ in db.session.scalars(select(ReviewRound).where(ReviewRound.analysis_id == aid)):
        _redact_attributes(round_, ("reasons",), text, f"review_round:{round_.id}", result)
    for record in db.session.scalars(
        select(DecisionRecord).where(DecisionRecord.analysis_id == aid)
    ):
        _redact_attributes(record, DECISION_TEXTS, text, f"decision:{record.id}", result)
    for sign_off in db.session.scalars(select(SignOff).where(SignOff.analysis_id == aid)):
        _redact_attributes(sign_off, ("signer_title",), text, f"sign_off:{sign_off.id}", result)
    for edit in db.session.scalars(select(EditLog).where(EditLog.analysis_id == aid)):
        _redact_attributes(edit, ("old_value", "new_value"), text, f"edit_log:{edit.id}", result)
    redacted_revisions = []
    for revision in history.revisions_of(analysis):
        new, count = replace_in(revision.content, text)
        if not count:
            continue
        before = history.current_sha256(revision)
        revision.content = new
        result.occurrences += count
        result.places.append(f"revision:{revision.id}")
        after = history.sha256_of(new)
        redacted_revisions.append((revision, after))
        result.revisions.append(
            {
                "id": revision.id,
                "number": revision.number,
                "original_sha256": revision.sha256,
                "sha256_before": before,
                "redacted_sha256": after,
            }
        )
    if not result.occurrences:
        raise FieldError("text", _l("The text does not occur in this analysis or its history."))
    redacted_ids = {revision.id for revision, _ in redacted_revisions}
    for archived, sign_off in db.session.execute(
        select(ArchivedReport, SignOff)
        .join(SignOff, SignOff.id == ArchivedReport.sign_off_id)
        .where(ArchivedReport.analysis_id == aid)
        .order_by(ArchivedReport.id)
    ):
        if sign_off.revision_id in redacted_ids:
            result.archived_reports.append(
                {
                    "id": archived.id,
                    "sign_off_id": sign_off.id,
                    "locale": archived.locale,
                    "sha256": archived.sha256,
                }
            )
    event = audit.record(
        "redaction",
        actor=actor,
        object_type="analysis",
        object_id=aid,
        details={
            "reason": reason,
            "text_hash": text_digest(text),
            "text_length": len(text),
            "marker": MARKER,
            "occurrences": result.occurrences,
            "places": result.places,
            "revisions": result.revisions,
            "archived_reports_not_altered": result.archived_reports,
            "note": "Revision sha256 values are the originals; verification accepts the "
            "redacted content's hash recorded in revision_redaction. Archived PDFs are "
            "stored bytes and were not altered: re-archive them to remove the text there.",
        },
    )
    for revision, after in redacted_revisions:
        db.session.add(
            RevisionRedaction(
                revision_id=revision.id,
                original_sha256=revision.sha256,
                redacted_sha256=after,
                audit_event_id=event.id,
            )
        )
    result.audit_event_id = event.id
    db.session.flush()
    return result


def recent_redactions(limit: int = 50) -> list:
    """The latest redaction audit events, newest first."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "redaction")
            .order_by(AuditEvent.id.desc())
            .limit(limit)
        )
    )


def confirmed_numbers(limit: int = 100) -> list:
    """The latest confirmations that a number in text about children is not a child's."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "personnummer_confirmed")
            .order_by(AuditEvent.id.desc())
            .limit(limit)
        )
    )
