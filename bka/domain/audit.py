"""Recording and verifying the audit log.

Every row carries the SHA-256 of its own content and of the row before it, so altering,
inserting or deleting a row breaks the chain from there on; `bka audit verify` finds the first
broken link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC
from typing import Any

from sqlalchemy import select, text

from bka.domain.canonical import sha256_hex
from bka.extensions import db
from bka.models.audit import AuditEvent
from bka.models.base import utcnow

GENESIS = "0" * 64
SUCCESS, FAILURE, DENIED = "success", "failure", "denied"


def _digest(event: AuditEvent) -> str:
    content = {
        "occurred_at": event.occurred_at.astimezone(UTC).isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "outcome": event.outcome,
        "details": event.details,
        "prev_hash": event.prev_hash,
    }
    return sha256_hex(content)


def _lock_chain() -> None:
    """Serialise writers so two events never claim the same predecessor."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("LOCK TABLE audit_event IN SHARE ROW EXCLUSIVE MODE"))


def record(
    action: str,
    *,
    actor=None,
    actor_label: str | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
    outcome: str = SUCCESS,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event in the current transaction (the caller commits)."""
    _lock_chain()
    previous = db.session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    event = AuditEvent(
        occurred_at=utcnow(),
        actor_id=getattr(actor, "id", None),
        actor_label=actor_label if actor_label is not None else getattr(actor, "email", ""),
        action=action,
        object_type=object_type,
        object_id=object_id,
        outcome=outcome,
        details=details or {},
        prev_hash=previous or GENESIS,
    )
    event.hash = _digest(event)
    db.session.add(event)
    db.session.flush()
    return event


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None
    reason: str | None = None


def verify_chain() -> ChainReport:
    """Walk the log in order; report the first row whose hash or link does not hold."""
    expected_prev = GENESIS
    checked = 0
    for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).yield_per(1000):
        if event.prev_hash != expected_prev:
            return ChainReport(checked, event.id, "does not link to the previous row")
        if _digest(event) != event.hash:
            return ChainReport(checked, event.id, "content does not match its hash")
        expected_prev = event.hash
        checked += 1
    return ChainReport(checked, None)
