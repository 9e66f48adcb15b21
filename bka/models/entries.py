"""Structured entries of an analysis: the repeatable rows the method needs.

Each table hangs off one analysis; the step it belongs to is declared in bka.domain.entries.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import false

from bka.extensions import db


class EntryMixin:
    id: Mapped[int] = mapped_column(Integer, primary_key=True)


def _analysis_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("analysis.id", ondelete="CASCADE"), index=True)


class ChildGroup(EntryMixin, db.Model):
    __tablename__ = "child_group"

    analysis_id: Mapped[int] = _analysis_fk()
    label: Mapped[str] = mapped_column(String(200))
    age_band: Mapped[str] = mapped_column(String(10))
    relation: Mapped[str] = mapped_column(String(12))
    vulnerable_situations: Mapped[list[str]] = mapped_column(JSON, default=list)
    estimated_number: Mapped[int | None] = mapped_column(Integer)
    number_source: Mapped[str] = mapped_column(Text, default="")

    impacts: Mapped[list[Impact]] = relationship(
        back_populates="child_group", cascade="all, delete-orphan"
    )


class EvidenceSource(EntryMixin, db.Model):
    __tablename__ = "evidence_source"

    analysis_id: Mapped[int] = _analysis_fk()
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(300))
    reference: Mapped[str] = mapped_column(String(500), default="")
    findings: Mapped[str] = mapped_column(Text, default="")


class Consultation(EntryMixin, db.Model):
    """A consultation with children. By design it has no field that could identify a child."""

    __tablename__ = "consultation"

    analysis_id: Mapped[int] = _analysis_fk()
    method: Mapped[str] = mapped_column(String(20))
    children_count: Mapped[int] = mapped_column(Integer)
    age_from: Mapped[int] = mapped_column(Integer)
    age_to: Mapped[int] = mapped_column(Integer)
    held_on: Mapped[date | None] = mapped_column(Date)
    adaptations: Mapped[str] = mapped_column(Text, default="")
    views: Mapped[str] = mapped_column(Text, default="")
    influence: Mapped[str] = mapped_column(Text, default="")
    # General Comment 12's nine basic requirements (bka.domain.entries.PARTICIPATION_REQUIREMENTS)
    # that the team says held. None: recorded before the checklist existed (never asked); a list,
    # even an empty one, once the consultation was saved with the checklist on the form.
    requirements_met: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True))
    requirements_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    not_reached: Mapped[str] = mapped_column(Text, default="", server_default="")
    consent: Mapped[str] = mapped_column(Text, default="", server_default="")
    # When and how the children who took part were told what came of their views.
    feedback_given_on: Mapped[date | None] = mapped_column(Date)
    feedback_how: Mapped[str] = mapped_column(Text, default="", server_default="")


class Impact(EntryMixin, db.Model):
    """One cell of the impact matrix: an engaged article for one child group."""

    __tablename__ = "impact"
    __table_args__ = (UniqueConstraint("analysis_id", "article", "child_group_id"),)

    analysis_id: Mapped[int] = _analysis_fk()
    article: Mapped[int] = mapped_column(Integer, index=True)
    child_group_id: Mapped[int] = mapped_column(
        ForeignKey("child_group.id", ondelete="CASCADE"), index=True
    )
    direction: Mapped[str] = mapped_column(String(12))
    term: Mapped[str] = mapped_column(String(8))
    severity: Mapped[str] = mapped_column(String(8))
    likelihood: Mapped[str] = mapped_column(String(10))
    explanation: Mapped[str] = mapped_column(Text, default="")

    child_group: Mapped[ChildGroup] = relationship(back_populates="impacts")


class Alternative(EntryMixin, db.Model):
    __tablename__ = "alternative"

    analysis_id: Mapped[int] = _analysis_fk()
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    child_rights_assessment: Mapped[str] = mapped_column(Text, default="")
    conflicts_of_interest: Mapped[str] = mapped_column(Text, default="")
    # The proposal put to the decision: its effects are the impact matrix of step 7.
    is_preferred: Mapped[bool] = mapped_column(Boolean, default=False)
    # Nollalternativet: things stay as they are.
    is_zero_option: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The alternative the team recommends (why: the step's "preferred_option" answer).
    is_recommended: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The alternative's effect on each engaged article, by article number as text:
    # strengthens, weakens, neutral or unknown (bka.domain.entries.DIRECTIONS).
    article_effects: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")


class Measure(EntryMixin, db.Model):
    """A compensatory or mitigating measure with an owner and a due date."""

    __tablename__ = "measure"

    analysis_id: Mapped[int] = _analysis_fk()
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(12), default="planned")


class Indicator(EntryMixin, db.Model):
    __tablename__ = "indicator"

    analysis_id: Mapped[int] = _analysis_fk()
    name: Mapped[str] = mapped_column(String(300))
    baseline: Mapped[str] = mapped_column(String(300), default="")
    target: Mapped[str] = mapped_column(String(300), default="")
    source: Mapped[str] = mapped_column(String(300), default="")
    responsible: Mapped[str] = mapped_column(String(200), default="")
    measure_on: Mapped[date | None] = mapped_column(Date)
    # Numbers for follow-up: readings are drawn against these, triggers compare with them.
    unit: Mapped[str] = mapped_column(String(40), default="")
    baseline_value: Mapped[float | None] = mapped_column(Float)
    target_value: Mapped[float | None] = mapped_column(Float)
    # A reading is due every so many months after the first date of measurement.
    reading_every_months: Mapped[int | None] = mapped_column(Integer)
