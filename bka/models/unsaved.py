"""Step text posted after the login session had ended, kept so it can be offered back after
login (bka/domain/unsaved.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bka.extensions import db
from bka.models.base import UTCDateTime, utcnow


class UnsavedStep(db.Model):
    __tablename__ = "unsaved_step"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # SHA-256 (hex) of the random token in the browser's cookie; the token itself is not stored.
    token_hash: Mapped[str] = mapped_column(String(64), index=True)
    # The user whose ended session posted it, or who logged in first in that browser; only they
    # are offered the text.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    analysis_id: Mapped[int] = mapped_column(ForeignKey("analysis.id", ondelete="CASCADE"))
    step_key: Mapped[str] = mapped_column(String(32))
    # The posted form fields as [name, value] pairs (a name may repeat: ticked checkboxes).
    fields: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    def __repr__(self) -> str:
        return f"<UnsavedStep {self.id} of analysis {self.analysis_id} step {self.step_key}>"
