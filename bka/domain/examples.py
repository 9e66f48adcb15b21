"""Fictional examples: the analyses that `bka demo` loaded, and the versions that continue them.

The demo's names, case numbers, paragraphs and figures are invented around a few public facts,
so the analysis page and every PDF of such an analysis say so. Where an analysis came from is
recorded once, when the demo loader creates it, as an event in the audit log: it needs no column
or setting, a demo analysis cannot lose the label, and an analysis a user makes can never get it.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from bka.domain import audit, versions
from bka.extensions import db
from bka.models import Analysis, AuditEvent

LOADED = "demo_analysis_loaded"
NOTICE = _l("Fictional example, based on public information")


def mark_fictional(analysis: Analysis) -> None:
    """Record that the demo loader created `analysis` (called before it is signed, so that the
    archived PDFs carry the notice too)."""
    audit.record(LOADED, actor_label="bka demo", object_type="analysis", object_id=analysis.id)


def is_fictional(analysis: Analysis) -> bool:
    """Whether `analysis`, or the first version it continues, was loaded by the demo."""
    first = analysis
    while (previous := versions.previous_version(first)) is not None:
        first = previous
    return (
        db.session.scalar(
            select(AuditEvent.id)
            .where(
                AuditEvent.action == LOADED,
                AuditEvent.object_type == "analysis",
                AuditEvent.object_id == first.id,
            )
            .limit(1)
        )
        is not None
    )


def notice(analysis: Analysis):
    """The notice to show on the analysis's page and reports, or None."""
    return NOTICE if is_fictional(analysis) else None
