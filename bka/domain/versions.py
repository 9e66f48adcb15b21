"""Linked versions: when the decision-maker refers an analysis back (återremiss), the work goes on
in a new analysis that continues it.

The decided analysis is left as it was, with its sign-off and archived PDF. The new version is
a draft in the team's hands, pre-filled with the same answers and entries, pinned to the same
checklist content, and linked to the analysis it continues by a `VersionLink` that names the
referral back as its reason.
"""

from __future__ import annotations

from sqlalchemy import select

from bka.domain import audit, history, workflow
from bka.domain.checklists import Checklists
from bka.domain.entries import ENTRY_KINDS
from bka.extensions import db
from bka.models import (
    Analysis,
    AnalysisAuthor,
    DecisionRecord,
    Membership,
    StepAnswer,
    User,
    VersionLink,
)
from bka.models.analysis import MEMBER_REVIEWER


def _link_to(analysis: Analysis) -> VersionLink | None:
    return db.session.scalar(select(VersionLink).where(VersionLink.next_analysis_id == analysis.id))


def previous_version(analysis: Analysis) -> Analysis | None:
    link = _link_to(analysis)
    return db.session.get(Analysis, link.previous_analysis_id) if link is not None else None


def next_version(analysis: Analysis) -> Analysis | None:
    return db.session.scalar(
        select(Analysis)
        .join(VersionLink, VersionLink.next_analysis_id == Analysis.id)
        .where(VersionLink.previous_analysis_id == analysis.id)
        .order_by(Analysis.id)
        .limit(1)
    )


def links(analysis: Analysis) -> dict:
    """What the analysis page shows of the linked versions: the one this continues and the
    referral back that opened it, and the one that continues this."""
    link = _link_to(analysis)
    return {
        "previous_version": db.session.get(Analysis, link.previous_analysis_id) if link else None,
        "referral": link.decision if link else None,
        "next_version": next_version(analysis),
    }


def open_linked_version(
    previous: Analysis, checklists: Checklists, user: User, referral: DecisionRecord
) -> Analysis:
    """A draft that continues `previous`: its details, team, answers and entries, copied, and
    linked to it with the referral back as the reason."""
    analysis = Analysis(
        title=previous.title,
        organisation=previous.organisation,
        decision_area=previous.decision_area,
        diarienummer=previous.diarienummer,
        planned_decision_date=previous.planned_decision_date,
        status=workflow.DRAFT,
        version=previous.version + 1,
        screening_level=previous.screening_level,
        method_revision_id=previous.method_revision_id,
        convention_revision_id=previous.convention_revision_id,
        pack_revision_id=previous.pack_revision_id,
        created_by=user,
        updated_by=user,
    )
    # The team carries on; the reviewer joins again when the new version is sent for review.
    for membership in previous.memberships:
        if membership.role != MEMBER_REVIEWER:
            analysis.memberships.append(
                Membership(user_id=membership.user_id, role=membership.role)
            )
    # Four eyes: whoever wrote the earlier version wrote this one too.
    for author in previous.authors:
        analysis.authors.append(AnalysisAuthor(user_id=author.user_id, role=author.role))
    for row in previous.step_answers:
        analysis.step_answers.append(
            StepAnswer(
                step_key=row.step_key,
                answers=dict(row.answers or {}),
                completed=row.completed,
                updated_by=user,
            )
        )
    db.session.add(analysis)
    db.session.flush()
    db.session.add(
        VersionLink(
            previous_analysis_id=previous.id, next_analysis_id=analysis.id, decision_id=referral.id
        )
    )
    _copy_entries(previous, analysis)
    revision = history.write_revision(analysis, checklists, user, workflow.OPENED_AFTER_REFERRAL)
    audit.record(
        "new_linked_version",
        actor=user,
        object_type="analysis",
        object_id=analysis.id,
        details={
            "previous": previous.id,
            "version": analysis.version,
            "revision": revision.number,
            "sha256": revision.sha256,
        },
    )
    return analysis


def _copy_entries(source: Analysis, target: Analysis) -> None:
    """Copy every entry in ENTRY_KINDS order; impacts follow their child group to its copy."""
    group_ids: dict[int, int] = {}
    for kind in ENTRY_KINDS.values():
        rows = db.session.scalars(
            select(kind.model).where(kind.model.analysis_id == source.id).order_by(kind.model.id)
        ).all()
        for row in rows:
            values = {name: getattr(row, name) for name in kind.fields}
            if "child_group_id" in values:
                values["child_group_id"] = group_ids[values["child_group_id"]]
            if isinstance(values.get("vulnerable_situations"), list):
                values["vulnerable_situations"] = list(values["vulnerable_situations"])
            copy = kind.model(analysis_id=target.id, **values)
            db.session.add(copy)
            if kind.name == "child_groups":
                db.session.flush()
                group_ids[row.id] = copy.id
    db.session.flush()
