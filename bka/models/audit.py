"""The append-only audit log: security and workflow events, each chained to the previous."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bka.extensions import db
from bka.models.base import UTCDateTime, utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    actor_label: Mapped[str] = mapped_column(String(254), default="")
    action: Mapped[str] = mapped_column(String(40), index=True)
    object_type: Mapped[str | None] = mapped_column(String(20))
    object_id: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(10))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    source_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(200))
    # 0: plain SHA-256 (events from before the keyed chain); 1: HMAC-SHA-256 with the audit key.
    scheme: Mapped[int] = mapped_column(Integer, default=1, server_default="0")


class AuditHead(db.Model):
    """The end of the chain, signed with the audit key: deleting the newest events, or
    rewriting the chain without the key, no longer matches it. One row (id 1); appending takes
    its row lock first, so events are chained one at a time on every backend."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    last_id: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))


class AuditDenial(db.Model):
    """Repeated refusals of one user or address within a window: counted here, not chained one
    by one, so probing cannot flood the log. The window's first refusal is the chained event."""

    __tablename__ = "audit_denial"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_key: Mapped[str] = mapped_column(String(80), unique=True)  # "user:7" or "addr:1.2.3.4"
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime)
    count: Mapped[int] = mapped_column(Integer)
    event_id: Mapped[int] = mapped_column(Integer)
