"""Review rounds, threaded comments per step, sign-offs and the recorded decision."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bka.extensions import db
from bka.models.base import UTCDateTime, utcnow
from bka.models.history import Revision
from bka.models.user import User


class ReviewRound(db.Model):
    """One submission for review and what the reviewer made of it."""

    __tablename__ = "review_round"
    __table_args__ = (UniqueConstraint("analysis_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    analysis_id: Mapped[int] = mapped_column(
        ForeignKey("analysis.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    submitted_revision_id: Mapped[int] = mapped_column(ForeignKey("revision.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    verdicts: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # step -> ok|changes
    rubric: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # item -> yes|no|n/a
    reasons: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str | None] = mapped_column(String(12))  # returned | signed | None (open)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    reviewer: Mapped[User] = relationship(foreign_keys=[reviewer_id])
    submitted_by: Mapped[User] = relationship(foreign_keys=[submitted_by_id])
    submitted_revision: Mapped[Revision] = relationship()


class Comment(db.Model):
    """A comment on one step; replies point at their parent; the team marks threads resolved."""

    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    analysis_id: Mapped[int] = mapped_column(
        ForeignKey("analysis.id", ondelete="CASCADE"), index=True
    )
    round_id: Mapped[int | None] = mapped_column(ForeignKey("review_round.id"))
    step_key: Mapped[str] = mapped_column(String(32))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comment.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])


class SignOff(db.Model):
    """A reviewer's signature on one exact version, identified by the SHA-256 of its snapshot."""

    __tablename__ = "sign_off"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    analysis_id: Mapped[int] = mapped_column(
        ForeignKey("analysis.id", ondelete="CASCADE"), index=True
    )
    revision_id: Mapped[int] = mapped_column(ForeignKey("revision.id"))
    analysis_version: Mapped[int] = mapped_column(Integer)
    signer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    signer_name: Mapped[str] = mapped_column(String(120))
    signer_title: Mapped[str] = mapped_column(String(200))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sha256: Mapped[str] = mapped_column(String(64))
    statements: Mapped[list[str]] = mapped_column(JSON, default=list)
    locale: Mapped[str] = mapped_column(String(5))
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # SHA-256 of the archived PDF of the signed version, in the signer's language.
    report_sha256: Mapped[str | None] = mapped_column(String(64))

    revision: Mapped[Revision] = relationship()


class ArchivedReport(db.Model):
    """The analysis report of a signed version, rendered once at sign-off and kept as is."""

    __tablename__ = "archived_report"
    __table_args__ = (UniqueConstraint("sign_off_id", "locale"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sign_off_id: Mapped[int] = mapped_column(ForeignKey("sign_off.id", ondelete="CASCADE"))
    analysis_id: Mapped[int] = mapped_column(
        ForeignKey("analysis.id", ondelete="CASCADE"), index=True
    )
    locale: Mapped[str] = mapped_column(String(5))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DecisionRecord(db.Model):
    """The decision that was taken, and how the child's best interests were weighed in it."""

    __tablename__ = "decision_record"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    analysis_id: Mapped[int] = mapped_column(
        ForeignKey("analysis.id", ondelete="CASCADE"), index=True
    )
    analysis_version: Mapped[int] = mapped_column(Integer)
    decision_body: Mapped[str] = mapped_column(String(200))
    decided_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(200))
    diarienummer: Mapped[str] = mapped_column(String(64), default="")
    outcome: Mapped[str] = mapped_column(String(24))
    best_interests_weighing: Mapped[str] = mapped_column(Text)
    # Does the decision follow the analysis's conclusion: yes | partly | no, and why when it
    # does not fully. None for decisions recorded before the question was asked (0016) and
    # for postponements, which decide nothing yet.
    follows_conclusion: Mapped[str | None] = mapped_column(String(8))
    follows_conclusion_reason: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class VersionLink(db.Model):
    """An analysis that continues an earlier one as its next version, and why: the referral
    back (återremiss) that sent the earlier one back to the team, or a re-assessment
    (omprövning) opened during follow-up, for a trigger that was met."""

    __tablename__ = "version_link"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    previous_analysis_id: Mapped[int] = mapped_column(
        ForeignKey("analysis.id", ondelete="CASCADE"), index=True
    )
    next_analysis_id: Mapped[int] = mapped_column(
        ForeignKey("analysis.id", ondelete="CASCADE"), unique=True
    )
    decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("decision_record.id", ondelete="CASCADE")
    )
    reason: Mapped[str] = mapped_column(String(16), default="referred_back")
    trigger_hit_id: Mapped[int | None] = mapped_column(
        ForeignKey("trigger_hit.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    decision: Mapped[DecisionRecord | None] = relationship()
