"""An organisation's profile, kept by administrators and shown on the screening step: the kinds
of case that always or never need a BKA, local policies and guidance, and the competences its
working groups need."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bka.extensions import db
from bka.models.base import UTCDateTime, utcnow
from bka.models.user import Organisation, User


class OrganisationProfile(db.Model):
    """One per listed organisation (bka.domain.organisation_profiles keeps the rules)."""

    __tablename__ = "organisation_profile"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), unique=True
    )
    # Short lines, one per kind of case.
    always_needed: Mapped[list[str]] = mapped_column(JSON, default=list)
    never_needed: Mapped[list[str]] = mapped_column(JSON, default=list)
    # [{"title": ..., "url": ...}], in the administrator's order.
    policies: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    # Keys of the method's team_competences scale, and anything else in words.
    competences: Mapped[list[str]] = mapped_column(JSON, default=list)
    competences_note: Mapped[str] = mapped_column(Text, default="")
    # Retention (gallring): analyses are removed this many years after closing, by `bka
    # retention --apply`, which exports each first (docs/retention.md). None: kept.
    retention_years: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))

    organisation: Mapped[Organisation] = relationship()
    updated_by: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<OrganisationProfile {self.organisation_id}>"
