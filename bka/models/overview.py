"""Pre-aggregated counts behind the administrators' overview.

One row per grain (see bka.domain.tallies.GRAINS), combination of the overview's dimensions
(organisation, year, decision area, status) and metric key; bka.domain.tallies keeps the rows in
step with the analyses, so the overview sums a few hundred rows instead of scanning every
analysis, impact and review.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from bka.extensions import db
from bka.models.base import UTCDateTime


class OverviewTally(db.Model):
    __tablename__ = "overview_tally"
    __table_args__ = (
        UniqueConstraint(
            "grain",
            "organisation",
            "year",
            "decision_area",
            "status",
            "reviewer_id",
            "metric",
            "key",
        ),
        # Filters that do not lead with the organisation find the full grain's rows through
        # the year (then area and status) or the area (then status); a single-dimension grain
        # through the unique index, its other dimensions being ANY.
        Index(
            "ix_overview_tally_year",
            "grain",
            "year",
            "decision_area",
            "status",
            "metric",
            "key",
            "n",
        ),
        Index(
            "ix_overview_tally_area",
            "grain",
            "decision_area",
            "status",
            "organisation",
            "metric",
            "key",
            "n",
        ),
        # Partial indexes: only the rows each is read for, so that a rebuild indexes a tenth of
        # the rows rather than all of them again. (A query names the grain or metric as a
        # value, which both databases match against these conditions.)
        # A reviewer's follow-up dates.
        Index(
            "ix_overview_tally_reviewer",
            "grain",
            "reviewer_id",
            "organisation",
            "year",
            "decision_area",
            "status",
            "metric",
            "key",
            "n",
            sqlite_where=text("grain = 'dated_reviewer_full'"),
            postgresql_where=text("grain = 'dated_reviewer_full'"),
        ),
        # Follow-up reads date-keyed rows by date range, per organisation.
        Index(
            "ix_overview_tally_dated",
            "grain",
            "metric",
            "key",
            "organisation",
            "n",
            sqlite_where=text("grain = 'dated_organisation'"),
            postgresql_where=text("grain = 'dated_organisation'"),
        ),
        # The breakdown by dimension reads the "analyses" rows.
        Index(
            "ix_overview_tally_metric",
            "grain",
            "metric",
            "organisation",
            "year",
            "decision_area",
            "status",
            "n",
            sqlite_where=text("metric = 'analyses'"),
            postgresql_where=text("metric = 'analyses'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    grain: Mapped[str] = mapped_column(String(24))
    organisation: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(Integer)
    decision_area: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(20))
    reviewer_id: Mapped[int] = mapped_column(Integer)  # a user id; no foreign key: only a count
    metric: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(64))
    n: Mapped[int] = mapped_column(Integer)


class OverviewState(db.Model):
    """At most one row (id 1): the tally version (bka.domain.tallies.TALLY_VERSION) that
    computed the rows in `overview_tally`, written by `bka overview rebuild`."""

    __tablename__ = "overview_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tally_version: Mapped[int] = mapped_column(Integer)
    # When `bka overview rebuild` last ran; empty when the version was recorded for a database
    # without analyses, whose empty tallies are current at any version.
    rebuilt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
