"""Fictional examples: the analyses that `bka demo` loaded, and the versions that continue them.

The demo's names, case numbers, paragraphs and figures are invented, so the analysis page and
every PDF of such an analysis say so. The Millennium rollout is built around a few public facts
and says that; the demo's other analyses are invented throughout, the decision included, and
only the organisation's name is real, which their notice says. Where an analysis came from is
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
INVENTED = _l("Fictional example: the organisation is real, the decision and its content invented")
# The audit event's detail that says the example is built around public facts.
PUBLIC = "based_on_public_information"


def mark_fictional(analysis: Analysis, *, based_on_public_information: bool = False) -> None:
    """Record that the demo loader created `analysis` (called before it is signed, so that the
    archived PDFs carry the notice too), and whether it is built around public facts."""
    audit.record(
        LOADED,
        actor_label="bka demo",
        object_type="analysis",
        object_id=analysis.id,
        details={PUBLIC: based_on_public_information},
    )


def _loaded(analysis: Analysis) -> AuditEvent | None:
    """The event that says the demo loaded `analysis`, or the first version it continues."""
    first = analysis
    while (previous := versions.previous_version(first)) is not None:
        first = previous
    return db.session.scalar(
        select(AuditEvent)
        .where(
            AuditEvent.action == LOADED,
            AuditEvent.object_type == "analysis",
            AuditEvent.object_id == first.id,
        )
        .limit(1)
    )


def is_fictional(analysis: Analysis) -> bool:
    """Whether `analysis`, or the first version it continues, was loaded by the demo."""
    return _loaded(analysis) is not None


def notice(analysis: Analysis):
    """The notice to show on the analysis's page and reports, or None."""
    event = _loaded(analysis)
    if event is None:
        return None
    # Loaded before the detail existed: the one notice there was.
    return NOTICE if (event.details or {}).get(PUBLIC, True) else INVENTED
