"""Four eyes: who wrote an analysis, and whether someone may review the current round.

Only the reviewer assigned to the open round reviews or signs it, and never someone who is or
was an owner or editor of the analysis or appears in its edit log. `permissions.can` and the
lifecycle operations both ask here, so the rule has one home.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_, select

from bka.extensions import db
from bka.models import Analysis, AnalysisAuthor, EditLog, Membership, ReviewRound, User
from bka.models.analysis import MEMBER_EDITOR, MEMBER_OWNER


def record_author(analysis: Analysis, user: User, role: str) -> None:
    """Remember that `user` held a writing role, so leaving the team does not clear them."""
    if role not in (MEMBER_OWNER, MEMBER_EDITOR):
        return
    if any(author.user_id == user.id for author in analysis.authors):
        return
    analysis.authors.append(AnalysisAuthor(user_id=user.id, role=role))


def author_ids(analysis: Analysis) -> set[int]:
    """Everyone who is or was an owner or editor, created it, or changed any of its text."""
    ids = {author.user_id for author in analysis.authors}
    ids |= {m.user_id for m in analysis.memberships if m.role in (MEMBER_OWNER, MEMBER_EDITOR)}
    if analysis.created_by_id is not None:
        ids.add(analysis.created_by_id)
    if analysis.id is not None:
        ids |= set(
            db.session.scalars(
                select(EditLog.actor_id).where(EditLog.analysis_id == analysis.id).distinct()
            )
        )
    return ids


def assigned_reviewer_id(analysis: Analysis) -> int | None:
    """The reviewer of the open round, if one is open."""
    if analysis.id is None:
        return None
    return db.session.scalar(
        select(ReviewRound.reviewer_id).where(
            ReviewRound.analysis_id == analysis.id, ReviewRound.outcome.is_(None)
        )
    )


def may_review(user: User, analysis: Analysis) -> bool:
    """The assigned reviewer of the open round, holding the reviewer role, not an author."""
    return (
        user.is_reviewer
        and assigned_reviewer_id(analysis) == user.id
        and user.id not in author_ids(analysis)
    )


def may_review_clause(user: User) -> ColumnElement[bool]:
    """may_review as a condition on Analysis rows, for lists: the same three tests (assigned to
    the open round, holding the reviewer role, no author in any of author_ids's senses)."""
    if not user.is_reviewer:
        return false()

    def on_the_analysis(*clauses) -> ColumnElement[bool]:
        # Correlated to the analysis only, whatever else the enclosing query joins.
        return select(1).where(*clauses).correlate(Analysis).exists()

    assigned = on_the_analysis(
        ReviewRound.analysis_id == Analysis.id,
        ReviewRound.outcome.is_(None),
        ReviewRound.reviewer_id == user.id,
    )
    authored = or_(
        Analysis.created_by_id == user.id,
        on_the_analysis(
            AnalysisAuthor.analysis_id == Analysis.id, AnalysisAuthor.user_id == user.id
        ),
        on_the_analysis(
            Membership.analysis_id == Analysis.id,
            Membership.user_id == user.id,
            Membership.role.in_((MEMBER_OWNER, MEMBER_EDITOR)),
        ),
        on_the_analysis(EditLog.analysis_id == Analysis.id, EditLog.actor_id == user.id),
    )
    return and_(assigned, ~authored)
