"""An analysis (one BKA for one decision), its members and its per-step answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bka.extensions import db
from bka.models.base import UTCDateTime, utcnow
from bka.models.user import User

MEMBER_OWNER = "owner"
MEMBER_EDITOR = "editor"
MEMBER_VIEWER = "viewer"
MEMBER_REVIEWER = "reviewer"  # joins when the analysis is sent to them for review
MEMBER_ROLES = (MEMBER_OWNER, MEMBER_EDITOR, MEMBER_VIEWER, MEMBER_REVIEWER)


class Analysis(db.Model):
    __tablename__ = "analysis"
    __table_args__ = (
        Index("ix_analysis_status_updated", "status", "updated_at"),
        Index("ix_analysis_diarienummer", "diarienummer"),
        # Keyset pagination of the administrators' list: newest first, per common filter.
        # With the search text in it, searching the list reads this index alone.
        Index("ix_analysis_updated", "updated_at", "id", "search_text"),
        Index("ix_analysis_organisation_updated", "organisation", "updated_at", "id"),
        Index("ix_analysis_year_updated", "year", "updated_at", "id"),
        Index("ix_analysis_area_updated", "decision_area", "updated_at", "id"),
        Index("ix_analysis_heard_updated", "children_heard", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200))
    decision_area: Mapped[str] = mapped_column(String(32))
    diarienummer: Mapped[str | None] = mapped_column(String(64))
    planned_decision_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    # Raised when an approved analysis is opened for editing; sign-offs name the version.
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Derived from the screening answers on every save; stored for lists and overviews.
    screening_level: Mapped[str | None] = mapped_column(String(12))
    # Kept current by bka.domain.overview on every commit, for the administrators' overview:
    # the year the analysis counts in, whether children were heard, lower-cased search text and
    # what the analysis last added to the overview tallies (so a change can be subtracted).
    year: Mapped[int | None] = mapped_column(Integer)
    children_heard: Mapped[str | None] = mapped_column(String(8))
    search_text: Mapped[str] = mapped_column(String(300), default="")
    tally: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The exact checklist content the analysis was started with (immutable snapshots).
    method_revision_id: Mapped[int] = mapped_column(ForeignKey("checklist_revision.id"))
    convention_revision_id: Mapped[int] = mapped_column(ForeignKey("checklist_revision.id"))
    pack_revision_id: Mapped[int] = mapped_column(ForeignKey("checklist_revision.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))

    method_revision: Mapped[ChecklistRevision] = relationship(foreign_keys=[method_revision_id])
    convention_revision: Mapped[ChecklistRevision] = relationship(
        foreign_keys=[convention_revision_id]
    )
    pack_revision: Mapped[ChecklistRevision] = relationship(foreign_keys=[pack_revision_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User] = relationship(foreign_keys=[updated_by_id])
    authors: Mapped[list[AnalysisAuthor]] = relationship(
        back_populates="analysis", cascade="all, delete-orphan"
    )
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="analysis", cascade="all, delete-orphan"
    )
    step_answers: Mapped[list[StepAnswer]] = relationship(
        back_populates="analysis", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Analysis {self.id} {self.title!r}>"


class ChecklistRevision(db.Model):
    """One version of one checklist file, stored once and shared by every analysis using it."""

    __tablename__ = "checklist_revision"
    __table_args__ = (UniqueConstraint("checklist_id", "version", "content_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    checklist_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Membership(db.Model):
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("analysis_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    analysis_id: Mapped[int] = mapped_column(ForeignKey("analysis.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    role: Mapped[str] = mapped_column(String(10))

    analysis: Mapped[Analysis] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()


class AnalysisAuthor(db.Model):
    """Someone who has been an owner or editor of the analysis, kept after they leave the team.

    Four eyes: an author can never review or sign the analysis (bka.domain.lifecycle).
    """

    __tablename__ = "analysis_author"
    __table_args__ = (UniqueConstraint("analysis_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    analysis_id: Mapped[int] = mapped_column(ForeignKey("analysis.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    role: Mapped[str] = mapped_column(String(10))  # the role they first wrote in
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    analysis: Mapped[Analysis] = relationship(back_populates="authors")


class StepAnswer(db.Model):
    """The free-form answers of one step, keyed by the checklist's question keys."""

    __tablename__ = "step_answer"
    __table_args__ = (UniqueConstraint("analysis_id", "step_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    analysis_id: Mapped[int] = mapped_column(ForeignKey("analysis.id", ondelete="CASCADE"))
    step_key: Mapped[str] = mapped_column(String(32))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    completed: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    # Optimistic locking: every save raises it; a save based on an older value is a conflict.
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    analysis: Mapped[Analysis] = relationship(back_populates="step_answers")
    updated_by: Mapped[User] = relationship()

    __mapper_args__ = {"version_id_col": lock_version}
