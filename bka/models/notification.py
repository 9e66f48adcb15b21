"""In-app notifications: what awaits a user (reviews assigned, analyses returned, sign-offs)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
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
    actor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The outbox: written with the notification, in the same transaction; `bka mail send`
    # sends what is due and, after a failure, tries again later (NULL: nothing left to send).
    mail_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    mail_attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    mail_error: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    actor: Mapped[User] = relationship(foreign_keys=[actor_id])
    analysis: Mapped[Analysis] = relationship()
