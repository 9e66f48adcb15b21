"""Linked versions: when the decision-maker refers an analysis back (återremiss), or a follow-up
trigger calls for a re-assessment (omprövning), the work goes on in a new analysis that
continues it.

The earlier analysis is left as it was, with its sign-off and archived PDF (a re-assessed one
stays in follow-up). The new version is a draft in the team's hands, pre-filled with the same
answers and entries, pinned to the same checklist content, and linked to the analysis it
continues by a `VersionLink` that names its reason: the referral back, or the trigger hit.
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
    TriggerHit,
    User,
    VersionLink,
)
from bka.models.analysis import MEMBER_REVIEWER

REFERRED_BACK = workflow.LINK_REFERRED_BACK
REASSESSMENT = workflow.LINK_REASSESSMENT


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


def _link_from(analysis: Analysis) -> VersionLink | None:
    return db.session.scalar(
        select(VersionLink)
        .where(VersionLink.previous_analysis_id == analysis.id)
        .order_by(VersionLink.next_analysis_id)
        .limit(1)
    )


def _trigger_hit(link: VersionLink | None) -> TriggerHit | None:
    if link is None or link.reason != REASSESSMENT or link.trigger_hit_id is None:
        return None
    return db.session.get(TriggerHit, link.trigger_hit_id)


def links(analysis: Analysis) -> dict:
    """What the analysis page shows of the linked versions: the one this continues and why (the
    referral back, or the trigger hit of a re-assessment), and the one that continues this."""
    link = _link_to(analysis)
    onward = _link_from(analysis)
    return {
        "previous_version": db.session.get(Analysis, link.previous_analysis_id) if link else None,
        "referral": link.decision if link else None,
        "reassessment": _trigger_hit(link),
        "next_version": db.session.get(Analysis, onward.next_analysis_id) if onward else None,
        "next_reassessment": _trigger_hit(onward),
    }


def open_linked_version(
    previous: Analysis,
    checklists: Checklists,
    user: User,
    *,
    referral: DecisionRecord | None = None,
    trigger_hit: TriggerHit | None = None,
) -> Analysis:
    """A draft that continues `previous`: its details, team, answers and entries, copied, and
    linked to it with its reason: the referral back (`referral`, the decision that referred it)
    or a re-assessment (`trigger_hit`, the reading or event that met a trigger)."""
    if (referral is None) == (trigger_hit is None):
        raise ValueError("a linked version has one reason: a referral back or a trigger hit")
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
            previous_analysis_id=previous.id,
            next_analysis_id=analysis.id,
            decision_id=referral.id if referral else None,
            reason=REFERRED_BACK if referral else REASSESSMENT,
            trigger_hit_id=trigger_hit.id if trigger_hit else None,
        )
    )
    _copy_entries(previous, analysis)
    revision = history.write_revision(
        analysis,
        checklists,
        user,
        workflow.OPENED_AFTER_REFERRAL if referral else workflow.OPENED_FOR_REASSESSMENT,
    )
    details = {
        "previous": previous.id,
        "version": analysis.version,
        "revision": revision.number,
        "sha256": revision.sha256,
    }
    if trigger_hit is not None:
        details |= {"reason": REASSESSMENT, "trigger_hit": trigger_hit.id}
    audit.record(
        "new_linked_version",
        actor=user,
        object_type="analysis",
        object_id=analysis.id,
        details=details,
    )
    return analysis


# The entry fields that point at another entry, and the kind of entry they point at.
_PARENTS = {"child_group_id": "child_groups", "indicator_id": "indicators"}


def _copy_entries(source: Analysis, target: Analysis) -> None:
    """Copy every entry in ENTRY_KINDS order; impacts follow their child group to its copy and
    triggers their indicator, as those kinds come first."""
    copied: dict[str, dict[int, int]] = {name: {} for name in _PARENTS.values()}
    for kind in ENTRY_KINDS.values():
        rows = db.session.scalars(
            select(kind.model).where(kind.model.analysis_id == source.id).order_by(kind.model.id)
        ).all()
        for row in rows:
            values = {name: getattr(row, name) for name in kind.fields}
            for field_name, parent_kind in _PARENTS.items():
                if values.get(field_name) is not None:
                    values[field_name] = copied[parent_kind][values[field_name]]
            if isinstance(values.get("vulnerable_situations"), list):
                values["vulnerable_situations"] = list(values["vulnerable_situations"])
            copy = kind.model(analysis_id=target.id, **values)
            db.session.add(copy)
            if kind.name in copied:
                db.session.flush()
                copied[kind.name][row.id] = copy.id
    db.session.flush()
