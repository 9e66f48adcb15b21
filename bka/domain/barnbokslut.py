"""The yearly barnbokslut's account per decision body (beslutsinstans), after Region Kronoberg's
model: the year's decisions with a child impact assessment behind them, in how many children were
heard, in how many the analysis changed the proposal, the outcomes, and what follow-up found.

Counted live on the decisions, consultations and checkpoints of one year (a few rows per
analysis), for one organisation or all.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from bka.domain import labels
from bka.domain.contract import YES
from bka.domain.follow_up import FARED
from bka.domain.lifecycle import ADOPTED_WITH_CHANGES, POSTPONED
from bka.models import Analysis, Checkpoint, Consultation, DecisionRecord
from reports.data import TableData

# The outcomes that decide, in the order the tables show them (a postponement decides nothing).
OUTCOMES = tuple(key for key in labels.DECISION_OUTCOME if key != POSTPONED)
# The decision follows the analysis's conclusion fully or partly.
FOLLOWS = ("yes", "partly")


@dataclass
class BodyRow:
    """One decision body's year."""

    body: str
    decisions: int = 0
    children_heard: int = 0
    changed_by_analysis: int = 0
    outcomes: Counter = field(default_factory=Counter)
    checkpoints_closed: int = 0
    fared: Counter = field(default_factory=Counter)


def _key(body: str) -> str:
    """Decision bodies as typed: "Regionstyrelsen" and "regionstyrelsen " are one body."""
    return " ".join(body.split()).casefold()


def _organisation(query, organisation: str | None):
    return query.where(Analysis.organisation == organisation) if organisation else query


def by_decision_body(session: Session, organisation: str | None, year: int) -> list[BodyRow]:
    """The year's decisions and the checkpoints closed in the year, per decision body, the body
    with the most decisions first."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    rows: dict[str, BodyRow] = {}

    def row_for(body: str) -> BodyRow:
        key = _key(body)
        found = rows.get(key)
        if found is None:
            found = rows[key] = BodyRow(" ".join(body.split()))
        return found

    decisions = session.execute(
        _organisation(
            select(
                DecisionRecord.analysis_id,
                DecisionRecord.decision_body,
                DecisionRecord.outcome,
                DecisionRecord.follows_conclusion,
                Analysis.children_heard,
            )
            .join(Analysis, Analysis.id == DecisionRecord.analysis_id)
            .where(
                DecisionRecord.outcome != POSTPONED,
                DecisionRecord.decided_on.between(first, last),
            )
            .order_by(DecisionRecord.id),
            organisation,
        )
    ).all()
    influenced = set(
        session.scalars(
            select(Consultation.analysis_id).where(
                Consultation.analysis_id.in_(sorted({d.analysis_id for d in decisions})),
                Consultation.influence != "",
            )
        )
    )
    for decision in decisions:
        row = row_for(decision.decision_body)
        row.decisions += 1
        row.outcomes[decision.outcome] += 1
        row.children_heard += decision.children_heard == YES
        row.changed_by_analysis += decision.analysis_id in influenced or (
            decision.outcome == ADOPTED_WITH_CHANGES and decision.follows_conclusion in FOLLOWS
        )
    closed = session.execute(
        _organisation(
            select(Checkpoint.analysis_id, Checkpoint.fared)
            .join(Analysis, Analysis.id == Checkpoint.analysis_id)
            .where(Checkpoint.closed_on.between(first, last)),
            organisation,
        )
    ).all()
    # A checkpoint counts under the body whose decision it follows up: the latest that decided.
    body_of = dict(
        session.execute(
            select(DecisionRecord.analysis_id, DecisionRecord.decision_body)
            .where(
                DecisionRecord.analysis_id.in_(sorted({c.analysis_id for c in closed})),
                DecisionRecord.outcome != POSTPONED,
            )
            .order_by(DecisionRecord.id)
        ).all()
    )
    for checkpoint in closed:
        body = body_of.get(checkpoint.analysis_id)
        if body is None:
            continue
        row = row_for(body)
        row.checkpoints_closed += 1
        row.fared[checkpoint.fared or "unknown"] += 1
    return sorted(rows.values(), key=lambda row: (-row.decisions, row.body.casefold()))


def _with_total(rows: list[tuple], total_label: str) -> tuple[tuple, ...]:
    """The rows, and below them their sum when there is more than one."""
    if len(rows) < 2:
        return tuple(rows)
    sums = [sum(column) for column in zip(*(row[1:] for row in rows), strict=True)]
    return (*rows, (total_label, *sums))


def tables(rows: list[BodyRow], locale: str, year: int) -> list[TableData]:
    """The per-body tables of the barnbokslut, labelled in `locale`."""
    with force_locale(locale):
        body, total = _("Decision body"), _("All decision bodies")
        return [
            TableData(
                _("Decisions with a child impact assessment, per decision body"),
                (body, _("Decisions"), _("Children heard"), _("The analysis changed the proposal")),
                _with_total(
                    [(r.body, r.decisions, r.children_heard, r.changed_by_analysis) for r in rows],
                    total,
                ),
            ),
            TableData(
                _("Outcomes of the decisions, per decision body"),
                (body, *(str(labels.DECISION_OUTCOME[key]) for key in OUTCOMES)),
                _with_total(
                    [(r.body, *(r.outcomes[key] for key in OUTCOMES)) for r in rows if r.decisions],
                    total,
                ),
            ),
            TableData(
                _("Follow-up in %(year)d: checkpoints closed and how children fared", year=year),
                (body, _("Checkpoints closed"), *(str(labels.FARED[key]) for key in FARED)),
                _with_total(
                    [
                        (r.body, r.checkpoints_closed, *(r.fared[key] for key in FARED))
                        for r in rows
                        if r.checkpoints_closed
                    ],
                    total,
                ),
            ),
        ]


def notes(locale: str, year: int) -> tuple[str, ...]:
    """How the per-body figures were counted, where the method does not say."""
    with force_locale(locale):
        return (
            _(
                "Decisions are those recorded in bka with a date in %(year)d, under the decision "
                "body as recorded. A postponement (bordlagt) decides nothing and is not counted.",
                year=year,
            ),
            _("Children heard: the analysis answers yes to whether children were heard."),
            _(
                "The method has no question on whether the analysis changed the proposal. A "
                "decision is counted as changed by the analysis when a consultation with "
                "children records how it changed the proposal, or when the proposal was adopted "
                "with changes and the decision follows the analysis's conclusion fully or partly."
            ),
            _(
                "Follow-up counts the checkpoints closed in %(year)d, under the body whose "
                "decision they follow up, by how children fared according to each checkpoint's "
                "conclusion.",
                year=year,
            ),
        )
