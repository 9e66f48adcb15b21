"""Follow-up after the decision: what actually happened, recorded as it happens.

Checkpoints with conclusions, readings of the step-11 indicators, the status of each measure
over time, observed effects per impact-matrix row, dated events, the feedback given to children,
the triggers that were met and the reminders already sent. Every row hangs off one analysis;
the kinds and their rules are in bka.domain.follow_up.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bka.extensions import db
from bka.models.base import UTCDateTime, utcnow
from bka.models.entries import Impact, Indicator, Measure
from bka.models.user import User


class FollowUpRecord:
    """Who recorded the row and when, on every kind of follow-up record."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    analysis_id: Mapped[int] = mapped_column(
        ForeignKey("analysis.id", ondelete="CASCADE"), index=True
    )
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Checkpoint(FollowUpRecord, db.Model):
    """A dated point to stop and look: did children fare as predicted, and what changes now.
    Open until closed with a conclusion; the final one closes the follow-up."""

    __tablename__ = "checkpoint"

    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date, index=True)
    closed_on: Mapped[date | None] = mapped_column(Date)
    fared: Mapped[str | None] = mapped_column(String(16))  # bka.domain.follow_up.FARED
    conclusion: Mapped[str] = mapped_column(Text, default="")
    changes: Mapped[str] = mapped_column(Text, default="")
    final: Mapped[bool] = mapped_column(Boolean, default=False)

    recorded_by: Mapped[User] = relationship()


class Reading(FollowUpRecord, db.Model):
    """One measured value of an indicator (mätvärde)."""

    __tablename__ = "reading"
    __table_args__ = (Index("ix_reading_indicator_measured", "indicator_id", "measured_on"),)

    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    value: Mapped[float] = mapped_column(Float)
    measured_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(300), default="")
    comment: Mapped[str] = mapped_column(Text, default="")

    indicator: Mapped[Indicator] = relationship()
    recorded_by: Mapped[User] = relationship()


class MeasureUpdate(FollowUpRecord, db.Model):
    """The status of a measure from a date on, with the evidence for it."""

    __tablename__ = "measure_update"

    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measure.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(12))  # bka.domain.follow_up.MEASURE_PROGRESS
    updated_on: Mapped[date] = mapped_column(Date)
    evidence: Mapped[str] = mapped_column(Text, default="")

    measure: Mapped[Measure] = relationship()
    recorded_by: Mapped[User] = relationship()


class ObservedEffect(FollowUpRecord, db.Model):
    """What was observed for one row of the impact matrix, against what was predicted."""

    __tablename__ = "observed_effect"

    impact_id: Mapped[int] = mapped_column(ForeignKey("impact.id", ondelete="CASCADE"), index=True)
    observation: Mapped[str] = mapped_column(String(16))  # bka.domain.follow_up.OBSERVATIONS
    observed_on: Mapped[date] = mapped_column(Date)
    evidence: Mapped[str] = mapped_column(Text, default="")

    impact: Mapped[Impact] = relationship()
    recorded_by: Mapped[User] = relationship()


class FollowUpEvent(FollowUpRecord, db.Model):
    """Something that happened after the decision: go-live, an incident, a pause, ..."""

    __tablename__ = "follow_up_event"

    kind: Mapped[str] = mapped_column(String(24))  # bka.domain.follow_up.EVENT_KINDS
    occurred_on: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    recorded_by: Mapped[User] = relationship()


class ChildFeedback(FollowUpRecord, db.Model):
    """What children were told about the follow-up, in a form they can follow, and how."""

    __tablename__ = "child_feedback"

    given_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    # The consultation of step 6 whose children were told, if the feedback was to them: it
    # records that feedback reached those children (bka.domain.participation).
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation.id", ondelete="SET NULL"), index=True
    )

    recorded_by: Mapped[User] = relationship()


class Trigger(db.Model):
    """A structured signal from step 11 that calls for a pause or re-assessment: a condition on
    an indicator's readings, or an event of a given kind. An entry of the follow-up step."""

    __tablename__ = "reassessment_trigger"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    analysis_id: Mapped[int] = mapped_column(
        ForeignKey("analysis.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str] = mapped_column(String(300))
    condition: Mapped[str] = mapped_column(String(16))  # bka.domain.follow_up.CONDITIONS
    indicator_id: Mapped[int | None] = mapped_column(
        ForeignKey("indicator.id", ondelete="CASCADE"), index=True
    )
    threshold: Mapped[float | None] = mapped_column(Float)
    event_kind: Mapped[str | None] = mapped_column(String(24))

    indicator: Mapped[Indicator | None] = relationship()


class TriggerHit(db.Model):
    """A reading or event that met a trigger. It flags the analysis until a re-assessment is
    opened for it or someone records why none is needed."""

    __tablename__ = "trigger_hit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    analysis_id: Mapped[int] = mapped_column(
        ForeignKey("analysis.id", ondelete="CASCADE"), index=True
    )
    trigger_id: Mapped[int] = mapped_column(
        ForeignKey("reassessment_trigger.id", ondelete="CASCADE")
    )
    reading_id: Mapped[int | None] = mapped_column(ForeignKey("reading.id", ondelete="CASCADE"))
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("follow_up_event.id", ondelete="CASCADE")
    )
    hit_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Settled by a re-assessment opened for it (a VersionLink naming this hit), or by someone
    # recording why none is needed.
    dismissed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dismissed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    dismissal_reason: Mapped[str] = mapped_column(Text, default="")

    trigger: Mapped[Trigger] = relationship()
    reading: Mapped[Reading | None] = relationship()
    event: Mapped[FollowUpEvent | None] = relationship()


class ReminderSent(db.Model):
    """A reminder already sent, so `bka remind` sends each one once per item and period."""

    __tablename__ = "reminder_sent"
    __table_args__ = (UniqueConstraint("item_type", "item_id", "period", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    analysis_id: Mapped[int] = mapped_column(
        ForeignKey("analysis.id", ondelete="CASCADE"), index=True
    )
    item_type: Mapped[str] = mapped_column(String(16))  # checkpoint | measure | reading
    item_id: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(32))  # e.g. "before:2027-02-12", "overdue:2027-03"
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
