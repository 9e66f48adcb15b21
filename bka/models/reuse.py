"""Where an analysis started from: an earlier analysis whose content it was filled in with.

Not a version link (bka.models.review.VersionLink): the new analysis is its own, for another
decision (the next wave, a similar decision), with its own title, diarienummer and team.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from bka.extensions import db
from bka.models.base import UTCDateTime, utcnow


class AnalysisOrigin(db.Model):
    """`analysis_id` was started from `source_id`'s content (bka.domain.reuse)."""

    __tablename__ = "analysis_origin"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    analysis_id: Mapped[int] = mapped_column(
        ForeignKey("analysis.id", ondelete="CASCADE"), unique=True
    )
    source_id: Mapped[int] = mapped_column(
        ForeignKey("analysis.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    # The source's answers the current checklists no longer ask for ("step.question" keys, and
    # "step.question=choice" for a choice no longer offered): not copied, shown on the new one.
    not_copied: Mapped[list[str]] = mapped_column(JSON, default=list)
