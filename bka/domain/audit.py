"""Recording and verifying the audit log.

Every event carries a MAC of its own content and of the event before it, keyed with the audit
key, which is kept outside the database (BKA_AUDIT_KEY, or derived from SECRET_KEY). The end of
the chain is kept in a signed head row. So altering, inserting or deleting an event, deleting
the newest ones, or rewriting the chain with recomputed hashes all show in `bka audit verify`,
unless the key was taken too. Appending takes the head's row lock before it reads the previous
hash, so concurrent requests never fork the chain, on SQLite as on PostgreSQL.

Events written before the keyed chain (scheme 0) stay verifiable by plain SHA-256; no such
event may follow a keyed one. `bka audit checkpoint` prints the signed head for safekeeping
outside the database; `bka audit verify --checkpoint` proves the log still contains it, which
also catches a head rolled back to an earlier copy.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from typing import Any, NamedTuple

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bka.domain.canonical import canonical_json
from bka.extensions import db
from bka.models.audit import AuditDenial, AuditEvent, AuditHead
from bka.models.base import utcnow

GENESIS = "0" * 64
SUCCESS, FAILURE, DENIED = "success", "failure", "denied"
LEGACY, KEYED = 0, 1
HEAD_ID = 1
# Refusals of one user or address within this window after the first are counted, not chained.
DENIAL_WINDOW = timedelta(minutes=10)
CHECKPOINT_PREFIX = "bka-audit-checkpoint-v1"


class RequestSource(NamedTuple):
    """Where the current request comes from, as the web layer tells it."""

    address: str | None = None
    user_agent: str | None = None
    # The request's id (X-Request-ID, also in the log and on error pages): kept in the event's
    # details as "request_id", so the chain's MAC covers it.
    request_id: str | None = None


# Set by the web layer: returns the current request's source, if any.
_source_provider: Callable[[], RequestSource] = RequestSource


def set_source_provider(provider: Callable[[], RequestSource]) -> None:
    """The web layer tells the audit log where requests come from (the domain never asks)."""
    global _source_provider
    _source_provider = provider


def derive_key(secret_key: str) -> bytes:
    """The audit key when none is configured: derived from SECRET_KEY, for this use only."""
    return hmac.new(secret_key.encode("utf-8"), b"bka audit chain v1", hashlib.sha256).digest()


def _key() -> bytes:
    return current_app.extensions["bka_audit_key"]


def _content(event: AuditEvent) -> bytes:
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
    if event.scheme != LEGACY:
        content["source_address"] = event.source_address
        content["user_agent"] = event.user_agent
    return canonical_json(content)


def _digest(event: AuditEvent, key: bytes) -> str:
    if event.scheme == LEGACY:
        return hashlib.sha256(_content(event)).hexdigest()
    return hmac.new(key, _content(event), hashlib.sha256).hexdigest()


def _head_mac(count: int, last_id: int, last_hash: str, key: bytes) -> str:
    message = f"{count}:{last_id}:{last_hash}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _lock_head() -> AuditHead:
    """Take the chain's write lock (the head row) before anything of the chain is read."""
    take_lock = update(AuditHead).where(AuditHead.id == HEAD_ID).values(count=AuditHead.count)
    if db.session.execute(take_lock).rowcount == 0:
        # A database whose head row is missing (made by create_all, or emptied): start the
        # head here. Several processes may try at once; the losers find it made and lock it.
        try:
            with db.session.begin_nested():
                db.session.add(AuditHead(id=HEAD_ID, count=0, last_id=0, last_hash=GENESIS, mac=""))
        except IntegrityError:
            db.session.execute(take_lock)
    return db.session.get(AuditHead, HEAD_ID, populate_existing=True)


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
    address, agent, request_id = _source_provider()
    details = dict(details or {})
    if request_id:
        details.setdefault("request_id", request_id)
    key = _key()
    head = _lock_head()
    event = AuditEvent(
        occurred_at=utcnow(),
        actor_id=getattr(actor, "id", None),
        actor_label=actor_label if actor_label is not None else getattr(actor, "email", ""),
        action=action,
        object_type=object_type,
        object_id=object_id,
        outcome=outcome,
        details=details,
        prev_hash=head.last_hash,
        source_address=(address or None) and address[:45],
        user_agent=(agent or None) and agent[:200],
        scheme=KEYED,
    )
    event.hash = _digest(event, key)
    db.session.add(event)
    db.session.flush()
    head.count += 1
    head.last_id = event.id
    head.last_hash = event.hash
    head.mac = _head_mac(head.count, head.last_id, head.last_hash, key)
    db.session.flush()
    return event


def record_denied(
    action: str,
    *,
    actor=None,
    object_type: str | None = None,
    object_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent | None:
    """A refusal: chained when it is the first of its user (or address) in the window, counted
    otherwise. The next chained refusal says how many were counted before it."""
    address = _source_provider().address
    actor_id = getattr(actor, "id", None)
    actor_key = f"user:{actor_id}" if actor_id is not None else f"addr:{address or '-'}"
    now = utcnow()
    _lock_head()  # one writer at a time, so two first refusals cannot both insert a counter
    counter = db.session.scalar(select(AuditDenial).where(AuditDenial.actor_key == actor_key))
    if counter is not None and now - counter.window_start < DENIAL_WINDOW:
        counter.count += 1
        counter.last_at = now
        db.session.flush()
        return None
    details = dict(details or {})
    if counter is not None and counter.count > 1:
        details["repeated_before"] = counter.count - 1
        details["repeated_since"] = counter.window_start.astimezone(UTC).isoformat()
    event = record(
        action,
        actor=actor if actor_id is not None else None,
        actor_label=None if actor_id is not None else "",
        object_type=object_type,
        object_id=object_id,
        outcome=DENIED,
        details=details,
    )
    if counter is None:
        db.session.add(
            AuditDenial(
                actor_key=actor_key, window_start=now, last_at=now, count=1, event_id=event.id
            )
        )
    else:
        counter.window_start, counter.last_at, counter.count = now, now, 1
        counter.event_id = event.id
    db.session.flush()
    return event


@dataclass(frozen=True)
class Problem:
    event_id: int | None
    reason: str


@dataclass
class ChainReport:
    checked: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def verify_chain(checkpoint: str | None = None) -> ChainReport:
    """Walk the whole log and report every link, content, ordering and head problem."""
    key = _key()
    report = ChainReport()
    expected_prev = GENESIS
    keyed_seen = False
    last_id = 0
    for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).yield_per(1000):
        if event.prev_hash != expected_prev:
            report.problems.append(Problem(event.id, "does not link to the previous event"))
        if event.scheme == LEGACY and keyed_seen:
            report.problems.append(Problem(event.id, "is unkeyed but follows keyed events"))
        if not hmac.compare_digest(_digest(event, key), event.hash):
            report.problems.append(Problem(event.id, "content does not match its hash"))
        keyed_seen = keyed_seen or event.scheme != LEGACY
        expected_prev = event.hash
        last_id = event.id
        report.checked += 1
    head = db.session.get(AuditHead, HEAD_ID)
    if head is None:
        if keyed_seen:
            report.problems.append(Problem(None, "the signed head of the chain is missing"))
    else:
        if head.mac or keyed_seen:
            signed = _head_mac(head.count, head.last_id, head.last_hash, key)
            if not hmac.compare_digest(signed, head.mac):
                report.problems.append(Problem(None, "the head's signature does not match"))
        if (head.count, head.last_id, head.last_hash) != (report.checked, last_id, expected_prev):
            report.problems.append(
                Problem(
                    None,
                    f"the chain ends at event {last_id} after {report.checked} events, but its "
                    f"head records event {head.last_id} after {head.count}: events were "
                    "deleted or added outside bka",
                )
            )
    if checkpoint is not None:
        report.problems.extend(_check_checkpoint(checkpoint, key))
    return report


def checkpoint() -> str:
    """The signed head as one line, to keep outside the database (syslog, a ticket, paper)."""
    head = db.session.get(AuditHead, HEAD_ID)
    if head is None:
        return f"{CHECKPOINT_PREFIX} count=0 last_id=0 last_hash={GENESIS} mac="
    return (
        f"{CHECKPOINT_PREFIX} count={head.count} last_id={head.last_id} "
        f"last_hash={head.last_hash} mac={head.mac}"
    )


def _check_checkpoint(line: str, key: bytes) -> list[Problem]:
    try:
        prefix, *pairs = line.split()
        values = dict(pair.split("=", 1) for pair in pairs)
        count, last_id = int(values["count"]), int(values["last_id"])
        last_hash, mac = values["last_hash"], values["mac"]
    except (ValueError, KeyError):
        return [Problem(None, "the checkpoint line cannot be read")]
    if prefix != CHECKPOINT_PREFIX:
        return [Problem(None, "the checkpoint line cannot be read")]
    if not hmac.compare_digest(_head_mac(count, last_id, last_hash, key), mac):
        return [Problem(None, "the checkpoint's signature does not match the audit key")]
    if last_id == 0:
        return []
    event = db.session.get(AuditEvent, last_id)
    position = db.session.scalar(
        select(db.func.count(AuditEvent.id)).where(AuditEvent.id <= last_id)
    )
    if event is None or event.hash != last_hash or position != count:
        return [
            Problem(
                last_id,
                "the log no longer contains the checkpoint: events up to it were removed or "
                "rewritten",
            )
        ]
    return []
