"""Retention (gallring): analyses past the time their organisation keeps them (docs/retention.md).

An organisation's profile holds the rule: keep (no rule, the default) or a number of years after
closing. The unit is the chain of linked versions (bka.domain.packages.chain_of): it is finished
when every version is closed, screened out ("no BKA needed") or referred back, and its newest
versions are closed or screened out. It ended on the latest of its closing dates: the date of
the final conclusion of a closed analysis, the day the "no BKA needed" outcome was signed. The
rule of the organisation of the newest version applies; the chain is due on the day that many
years after it ended.

`remove` deletes every row of the chain (what a package holds, and what only this installation
keeps about it: notifications, reminders, unsaved text) and subtracts it from the overview. The
audit log keeps its events (it is the installation's own chained record, and holds no answers);
one `retention_removed` event says what was removed, when it had ended, under which rule and
the SHA-256 of the package written before. Nothing is anonymised in place: see the docs for why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, or_, select

from bka.domain import audit, follow_up, packages, tallies, workflow
from bka.domain.organisation_profiles import profile_for_organisation
from bka.extensions import db
from bka.models import Analysis, Revision, RevisionRedaction, VersionLink

FINISHED = frozenset({workflow.CLOSED, workflow.SCREENED_OUT, workflow.REFERRED_BACK})
ENDED = frozenset({workflow.CLOSED, workflow.SCREENED_OUT})
AUDIT_ACTION = "retention_removed"


@dataclass(frozen=True)
class Due:
    analysis_ids: tuple[int, ...]  # the chain, oldest first
    newest_id: int
    title: str
    organisation: str
    ended_on: date
    years: int
    due_on: date


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a year without one
        return day.replace(year=day.year + years, day=28)


def ended_on(analysis: Analysis) -> date | None:
    """When a closed or screened-out analysis ended; None for any other status."""
    if analysis.status == workflow.CLOSED:
        final = follow_up.final_conclusion(analysis)
        if final is not None and final.closed_on is not None:
            return final.closed_on
        reason = "close"
    elif analysis.status == workflow.SCREENED_OUT:
        reason = "sign_off_screened_out"
    else:
        return None
    moved = db.session.scalar(
        select(Revision.created_at)
        .where(Revision.analysis_id == analysis.id, Revision.reason == reason)
        .order_by(Revision.number.desc())
        .limit(1)
    )
    return moved.date() if moved is not None else analysis.updated_at.date()


def _newest(chain: list[Analysis]) -> list[Analysis]:
    ids = [analysis.id for analysis in chain]
    continued = set(
        db.session.scalars(
            select(VersionLink.previous_analysis_id).where(
                VersionLink.previous_analysis_id.in_(ids)
            )
        )
    )
    return [analysis for analysis in chain if analysis.id not in continued]


def finished_chains() -> list[tuple[list[Analysis], date, int | None]]:
    """Every finished chain with the day it ended and its rule (years, or None: keep)."""
    seen: set[int] = set()
    found = []
    candidates = db.session.scalars(
        select(Analysis).where(Analysis.status.in_(ENDED)).order_by(Analysis.id)
    )
    for candidate in candidates:
        if candidate.id in seen:
            continue
        ids = packages.chain_of(candidate)
        seen.update(ids)
        chain = [db.session.get(Analysis, id_) for id_ in ids]
        if any(analysis.status not in FINISHED for analysis in chain):
            continue
        newest = _newest(chain)
        if not newest or any(analysis.status not in ENDED for analysis in newest):
            continue
        ends = [day for day in map(ended_on, chain) if day is not None]
        profile = profile_for_organisation(max(newest, key=lambda a: a.id).organisation)
        found.append((chain, max(ends), profile.retention_years if profile else None))
    return found


def due(today: date) -> list[Due]:
    """The finished chains whose organisation's rule says they are past their time on `today`.
    A chain under "keep" (no rule, or no profile) is never due."""
    result = []
    for chain, ended, years in finished_chains():
        if years is None:
            continue
        due_on = add_years(ended, years)
        if due_on <= today:
            newest = max(_newest(chain), key=lambda analysis: analysis.id)
            result.append(
                Due(
                    analysis_ids=tuple(analysis.id for analysis in chain),
                    newest_id=newest.id,
                    title=newest.title,
                    organisation=newest.organisation,
                    ended_on=ended,
                    years=years,
                    due_on=due_on,
                )
            )
    return result


def remove(item: Due, *, package_sha256: str, package_name: str, today: date) -> None:
    """Delete every row of the chain and audit it; flushes, the caller commits."""
    ids = list(item.analysis_ids)
    analyses = [db.session.get(Analysis, id_) for id_ in ids]
    if any(analysis is None or analysis.status not in FINISHED for analysis in analyses):
        raise ValueError("the chain changed since it was found due")
    spent = [analysis.tally for analysis in analyses if analysis.tally]
    titles = {analysis.id: analysis.title for analysis in analyses}
    db.session.flush()
    for analysis in analyses:
        db.session.expunge(analysis)
    revision_ids = select(Revision.id).where(Revision.analysis_id.in_(ids))
    # What only this installation keeps about the analyses (not in the package), then the
    # package's tables in reverse order: every row goes before the rows it refers to.
    in_package = set(packages.TABLE_NAMES)
    for table in reversed(db.metadata.sorted_tables):
        column = table.columns.get("analysis_id")
        if table.name not in in_package and column is not None and column.foreign_keys:
            db.session.execute(delete(table).where(column.in_(ids)))
    for model in reversed(packages.TABLES):
        if model is Analysis:
            where = Analysis.id.in_(ids)
        elif model is RevisionRedaction:
            where = RevisionRedaction.revision_id.in_(revision_ids)
        elif model is VersionLink:
            where = or_(
                VersionLink.previous_analysis_id.in_(ids), VersionLink.next_analysis_id.in_(ids)
            )
        else:
            where = model.analysis_id.in_(ids)
        db.session.execute(delete(model).where(where).execution_options(synchronize_session=False))
    tallies.forget(db.session, spent)
    audit.record(
        AUDIT_ACTION,
        actor_label="bka retention",
        object_type="analysis",
        object_id=item.newest_id,
        details={
            "analyses": ids,
            "titles": {str(id_): title for id_, title in titles.items()},
            "organisation": item.organisation,
            "ended_on": item.ended_on.isoformat(),
            "retention_years": item.years,
            "due_on": item.due_on.isoformat(),
            "applied_on": today.isoformat(),
            "package": package_name,
            "package_sha256": package_sha256,
        },
    )
