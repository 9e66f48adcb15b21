"""In-app notifications: what awaits a user (reviews assigned, analyses returned, sign-offs)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bka.extensions import db
from bka.models.analysis import Analysis
from bka.models.base import UTCDateTime, utcnow
from bka.models.user import User


class Notification(db.Model):
    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    analysis_id: Mapped[int] = mapped_column(ForeignKey("analysis.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    # None for reminders, which `bka remind` sends on nobody's behalf.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The outbox: written with the notification, in the same transaction; `bka mail send`
    # sends what is due and, after a failure, tries again later (NULL: nothing left to send).
    mail_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    mail_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    mail_error: Mapped[str | None] = mapped_column(String(200))
    # What a reminder or trigger is about (the checkpoint's title and date, say).
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    analysis: Mapped[Analysis] = relationship()
