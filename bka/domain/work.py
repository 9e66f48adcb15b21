"""What waits for one user, for their home page: the reviews assigned to them and, on the
analyses they write, what a reviewer sent back, comments to answer, follow-up that is due and
drafts not yet sent for review.

Read set-based, in a fixed number of queries whatever the number of analyses. Who may act is
decided by `permissions`: its set form of can(REVIEW) for reviews, can() itself for the team.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from bka.domain import lifecycle, permissions, workflow
from bka.domain.checklists import STEP_KEYS
from bka.domain.overview import RECENT_CHECKPOINT_DAYS
from bka.domain.tallies import OPEN_MEASURE_STATUSES
from bka.extensions import db
from bka.models import Analysis, Comment, Indicator, Measure, Membership, ReviewRound, User
from bka.models.analysis import MEMBER_EDITOR, MEMBER_OWNER

TEAM_ROLES = (MEMBER_OWNER, MEMBER_EDITOR)
# The team follows a decided analysis up until it closes it.
FOLLOW_UP_STATUSES = (workflow.DECIDED, workflow.FOLLOW_UP)


@dataclass(frozen=True)
class ReviewWaiting:
    analysis: Analysis
    review: ReviewRound  # the open round: who sent it, and when


@dataclass(frozen=True)
class StepComments:
    """Open comment threads on one step that someone else started."""

    step_key: str
    count: int


@dataclass(frozen=True)
class Dated:
    """How many dates have come, and the first of them."""

    count: int
    first: date


@dataclass(frozen=True)
class ActionNeeded:
    """One analysis the user writes, with every reason it waits for the team."""

    analysis: Analysis
    sent_back: lifecycle.SentBack | None = None
    comments: tuple[StepComments, ...] = ()
    measures_due: Dated | None = None  # open measures due today or earlier
    checkpoints_reached: Dated | None = None  # recent follow-up dates of indicators
    # A draft: its required steps completed, of how many, counted as the hub does.
    draft_completed: lifecycle.StepProgress | None = None


@dataclass(frozen=True)
class Work:
    reviews: list[ReviewWaiting]
    actions: list[ActionNeeded]


def work_for(user: User, today: date) -> Work:
    """Everything waiting for `user` on `today` (the installation's date)."""
    return Work(_reviews(user), _actions(user, today))


def _reviews(user: User) -> list[ReviewWaiting]:
    """Open rounds the user may review (assigned, reviewer, not an author), oldest first."""
    rows = db.session.execute(
        permissions.reviewable_by(user)
        .add_columns(ReviewRound)
        .join(
            ReviewRound,
            (ReviewRound.analysis_id == Analysis.id) & ReviewRound.outcome.is_(None),
        )
        .options(joinedload(ReviewRound.submitted_by))
        .order_by(ReviewRound.submitted_at, ReviewRound.id)
    )
    return [ReviewWaiting(analysis, review) for analysis, review in rows]


def _written_by(user: User, *clauses) -> Select:
    """A select of the analyses `user` writes (owner or editor), narrowed by `clauses`."""
    return (
        select(Analysis)
        .join(Membership, Membership.analysis_id == Analysis.id)
        .where(Membership.user_id == user.id, Membership.role.in_(TEAM_ROLES), *clauses)
    )


def _on_written(user: User, model, *clauses) -> ColumnElement[bool]:
    """`model`'s rows on the analyses `user` writes, narrowed by `clauses`: for counting."""
    return model.analysis_id.in_(_written_by(user, *clauses).with_only_columns(Analysis.id))


def _open_comments(user: User) -> dict[int, tuple[StepComments, ...]]:
    """Open threads started by someone else, per analysis and step (in method order), in
    analyses not closed."""
    rows = db.session.execute(
        select(Comment.analysis_id, Comment.step_key, func.count())
        .where(
            _on_written(user, Comment, Analysis.status != workflow.CLOSED),
            Comment.parent_id.is_(None),
            Comment.resolved_at.is_(None),
            Comment.author_id != user.id,
        )
        .group_by(Comment.analysis_id, Comment.step_key)
    )
    found: dict[int, list[StepComments]] = {}
    for analysis_id, step_key, count in rows:
        found.setdefault(analysis_id, []).append(StepComments(step_key, count))
    return {
        analysis_id: tuple(sorted(steps, key=lambda item: _step_order(item.step_key)))
        for analysis_id, steps in found.items()
    }


def _dated(rows: Iterable[tuple[int, int, date]]) -> dict[int, Dated]:
    return {analysis_id: Dated(count, first) for analysis_id, count, first in rows}


def _follow_up(user: User, today: date) -> tuple[dict[int, Dated], dict[int, Dated]]:
    """Per analysis in follow-up: open measures due by today, and indicator follow-up dates
    reached in the last RECENT_CHECKPOINT_DAYS (a date has no "done" mark: the overview's
    window)."""
    measures = db.session.execute(
        select(Measure.analysis_id, func.count(), func.min(Measure.due_date))
        .where(
            _on_written(user, Measure, Analysis.status.in_(FOLLOW_UP_STATUSES)),
            Measure.status.in_(OPEN_MEASURE_STATUSES),
            Measure.due_date <= today,
        )
        .group_by(Measure.analysis_id)
    )
    checkpoints = db.session.execute(
        select(Indicator.analysis_id, func.count(), func.min(Indicator.measure_on))
        .where(
            _on_written(user, Indicator, Analysis.status.in_(FOLLOW_UP_STATUSES)),
            Indicator.measure_on.between(today - timedelta(days=RECENT_CHECKPOINT_DAYS), today),
        )
        .group_by(Indicator.analysis_id)
    )
    return _dated(measures), _dated(checkpoints)


def _may_follow_up(user: User, analysis: Analysis) -> bool:
    return permissions.can(user, "transition:start_follow_up", analysis) or permissions.can(
        user, "transition:close", analysis
    )


def _actions(user: User, today: date) -> list[ActionNeeded]:
    """The user's analyses that wait for the team, most recently changed first."""
    # With their memberships: can() reads them.
    with_members = selectinload(Analysis.memberships)
    editable = db.session.scalars(
        _written_by(user, Analysis.status.in_(workflow.EDITABLE_STATUSES)).options(with_members)
    ).all()
    comments = _open_comments(user)
    measures, checkpoints = _follow_up(user, today)
    analyses = {analysis.id: analysis for analysis in editable}
    others = (set(comments) | set(measures) | set(checkpoints)) - set(analyses)
    if others:
        found = _written_by(user, Analysis.id.in_(others)).options(with_members)
        for analysis in db.session.scalars(found):
            analyses[analysis.id] = analysis
    returned = lifecycle.sent_back(editable)
    drafts = [analysis for analysis in editable if analysis.status == workflow.DRAFT]
    completed = lifecycle.completed_counts(drafts)
    actions = []
    for analysis in analyses.values():
        may_edit = permissions.can(user, permissions.EDIT, analysis)
        may_answer = permissions.can(user, permissions.RESOLVE_COMMENTS, analysis)
        follows_up = _may_follow_up(user, analysis)
        action = ActionNeeded(
            analysis,
            sent_back=returned.get(analysis.id) if may_edit else None,
            comments=comments.get(analysis.id, ()) if may_answer else (),
            measures_due=measures.get(analysis.id) if follows_up else None,
            checkpoints_reached=checkpoints.get(analysis.id) if follows_up else None,
            draft_completed=completed.get(analysis.id) if may_edit else None,
        )
        if _has_work(action):
            actions.append(action)
    actions.sort(key=lambda action: (action.analysis.updated_at, action.analysis.id), reverse=True)
    return actions


def _step_order(step_key: str) -> int:
    return STEP_KEYS.index(step_key) if step_key in STEP_KEYS else len(STEP_KEYS)


def _has_work(action: ActionNeeded) -> bool:
    return bool(
        action.sent_back
        or action.comments
        or action.measures_due
        or action.checkpoints_reached
        or action.draft_completed is not None
    )
