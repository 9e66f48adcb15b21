"""History of an analysis: snapshots at each transition and a field-level edit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bka.extensions import db
from bka.models.base import UTCDateTime, utcnow
from bka.models.user import User


class Revision(db.Model):
    """The whole analysis as canonical JSON at one moment, with the SHA-256 of that JSON."""

    __tablename__ = "revision"
    __table_args__ = (UniqueConstraint("analysis_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    analysis_id: Mapped[int] = mapped_column(ForeignKey("analysis.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    analysis_version: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    sha256: Mapped[str] = mapped_column(String(64))

    actor: Mapped[User] = relationship()


class EditLog(db.Model):
    """One changed field: who changed it, when, from what to what."""

    __tablename__ = "edit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    analysis_id: Mapped[int] = mapped_column(
        ForeignKey("analysis.id", ondelete="CASCADE"), index=True
    )
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    area: Mapped[str] = mapped_column(String(32))  # a step key, an entry kind or "details"
    entry_id: Mapped[int | None] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(80))
    old_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    new_value: Mapped[Any] = mapped_column(JSON, nullable=True)

    actor: Mapped[User] = relationship()


class RevisionRedaction(db.Model):
    """An administrator removed text from a stored snapshot (a child's personal identity
    number, say). The snapshot's `sha256` stays what was signed; this row records the hash of
    the content after redaction so verification can tell a redaction from tampering."""

    __tablename__ = "revision_redaction"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision_id: Mapped[int] = mapped_column(
        ForeignKey("revision.id", ondelete="CASCADE"), index=True
    )
    original_sha256: Mapped[str] = mapped_column(String(64))  # the revision's sha256 as signed
    redacted_sha256: Mapped[str] = mapped_column(String(64))  # of the content after this one
    audit_event_id: Mapped[int] = mapped_column(ForeignKey("audit_event.id"))
    redacted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
