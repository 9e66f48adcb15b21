"""Server-side login sessions: the browser holds only a random token; this row says whether it
still opens a session (bka/domain/sessions.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bka.extensions import db
from bka.models.base import UTCDateTime, utcnow
from bka.models.user import User


class UserSession(db.Model):
    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # SHA-256 (hex) of the 256-bit random token in the browser's session; the token itself is
    # never stored, so a copy of the database opens no session.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    # The user's session_version when the session began: raising it ends the session.
    session_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Updated at most once a minute (no write per request); the idle timeout counts from it.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The absolute end, however active the session is.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user_agent: Mapped[str | None] = mapped_column(String(200))
    source_address: Mapped[str | None] = mapped_column(String(64))

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<UserSession {self.id} of user {self.user_id}>"
