"""The analysis lifecycle: submit, review, send back, sign off, new version, decide, follow up.

Every move goes through `transition()`, which checks the table in workflow.py and the user's
role, stores a snapshot and writes an audit event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from bka.domain import (
    audit,
    follow_up,
    four_eyes,
    history,
    notifications,
    permissions,
    versions,
    workflow,
)
from bka.domain.analyses import StepIncomplete, methods_of, touch
from bka.domain.checklists import STEP_KEYS, Checklists
from bka.domain.contract import STEP_SCREENING
from bka.domain.errors import DomainError, FieldError
from bka.domain.progress import (
    COMPLETED,
    NEEDS_CHANGES,
    AnalysisState,
    Missing,
    load_state,
    missing_for_step,
    required_steps,
    step_status,
)
from bka.domain.screening import LEVEL_NONE, LEVEL_SIMPLIFIED
from bka.extensions import db
from bka.models import (
    Analysis,
    Checkpoint,
    Comment,
    DecisionRecord,
    Membership,
    ReviewRound,
    Revision,
    SignOff,
    StepAnswer,
    User,
)
from bka.models.analysis import MEMBER_REVIEWER, MEMBER_VIEWER
from bka.models.base import utcnow

VERDICT_OK = "ok"
VERDICT_CHANGES = "changes"
VERDICTS = (VERDICT_OK, VERDICT_CHANGES)
OUTCOME_RETURNED = "returned"
OUTCOME_SIGNED = "signed"
REVIEW_OUTCOMES = (OUTCOME_RETURNED, OUTCOME_SIGNED)
RUBRIC_ITEMS = (
    "evidence_cited",
    "children_heard",
    "alternatives_analysed",
    "conflicts_explicit",
    "measures_owned",
    "indicators_measurable",
)
RUBRIC_ANSWERS = ("yes", "partly", "no")
# What the reviewer attests when signing; labels live with the forms.
ATTESTATIONS = {
    workflow.APPROVED: ("read_whole", "rights_and_children", "reasoning_sound", "this_version"),
    workflow.SCREENED_OUT: ("read_whole", "no_children_affected", "this_version"),
}
ADOPTED = "adopted"
ADOPTED_WITH_CHANGES = "adopted_with_changes"
REJECTED = "rejected"
REFERRED_BACK = "referred_back"  # återremiss: back to the team as a new, linked version
POSTPONED = "postponed"  # bordlagt: no decision yet, a later meeting takes it
DECISION_OUTCOMES = (ADOPTED, ADOPTED_WITH_CHANGES, REJECTED, REFERRED_BACK, POSTPONED)
# The move in workflow.TRANSITIONS that each outcome makes.
DECISION_TRANSITIONS = {
    ADOPTED: "record_decision",
    ADOPTED_WITH_CHANGES: "record_decision",
    REJECTED: "record_decision",
    REFERRED_BACK: "refer_back",
    POSTPONED: "postpone_decision",
}
# Does the decision follow the analysis's conclusion? Why, when not fully.
FOLLOWS_CONCLUSION = ("yes", "partly", "no")
FOLLOWS_NEEDS_REASON = frozenset({"partly", "no"})


def transition(analysis: Analysis, checklists: Checklists, name: str, user: User) -> Revision:
    """Make the move `name` if the table allows it for `user`; snapshot and audit it."""
    move = workflow.transition(name, analysis.status)
    if move is None or not permissions.can(user, f"transition:{name}", analysis):
        raise DomainError(_l("That change of status is not possible now."))
    if name == "close" and follow_up.final_conclusion(analysis) is None:
        raise DomainError(_l("An analysis is closed with a final conclusion: write it first."))
    source = analysis.status
    analysis.status = move.target
    touch(analysis, user)
    revision = history.write_revision(analysis, checklists, user, name)
    audit.record(
        "transition",
        actor=user,
        object_type="analysis",
        object_id=analysis.id,
        details={
            "transition": name,
            "from": source,
            "to": move.target,
            "revision": revision.number,
            "sha256": revision.sha256,
        },
    )
    return revision


def is_no_bka(analysis: Analysis) -> bool:
    return analysis.screening_level == LEVEL_NONE


def sign_off_transition(analysis: Analysis) -> str:
    return "sign_off_screened_out" if is_no_bka(analysis) else "sign_off"


def reviewers() -> list[User]:
    """Active users with the global reviewer role, by name."""
    return list(
        db.session.scalars(
            select(User).where(User.role == "reviewer", User.active.is_(True)).order_by(User.name)
        )
    )


def eligible_reviewers(analysis: Analysis) -> list[User]:
    """The reviewers who may be chosen: not authors (four eyes) and not its viewers."""
    excluded = four_eyes.author_ids(analysis) | {
        m.user_id for m in analysis.memberships if m.role == MEMBER_VIEWER
    }
    return [user for user in reviewers() if user.id not in excluded]


def _open_round_for(analysis: Analysis, reviewer: User) -> ReviewRound:
    """The open round, if `reviewer` is the one assigned to it and may review it."""
    review = current_round(analysis)
    if review is None:
        raise DomainError(_l("There is no open review."))
    if not four_eyes.may_review(reviewer, analysis):
        raise DomainError(_l("Only the reviewer assigned to this round can review or sign it."))
    return review


def current_round(analysis: Analysis) -> ReviewRound | None:
    return db.session.scalar(
        select(ReviewRound).where(
            ReviewRound.analysis_id == analysis.id, ReviewRound.outcome.is_(None)
        )
    )


def rounds_of(analysis: Analysis) -> list[ReviewRound]:
    return list(
        db.session.scalars(
            select(ReviewRound)
            .where(ReviewRound.analysis_id == analysis.id)
            .order_by(ReviewRound.number)
        )
    )


def last_returned_round(analysis: Analysis) -> ReviewRound | None:
    return db.session.scalar(
        select(ReviewRound)
        .where(ReviewRound.analysis_id == analysis.id, ReviewRound.outcome == OUTCOME_RETURNED)
        .order_by(ReviewRound.number.desc())
        .limit(1)
    )


def submission_missing(analysis: Analysis, checklists: Checklists) -> list[Missing]:
    """What must be done before the analysis can be sent for review: the one rule.

    Every step the analysis's level requires is marked completed by the team (a step can only
    be marked completed when its required items are answered), no such step still waits for the
    changes a reviewer asked for, and every required item is answered. "No BKA needed" has its
    own rule: the screening alone.
    """
    state = load_state(analysis, checklists)
    if is_no_bka(analysis):
        return missing_for_step(state, STEP_SCREENING)
    needs_changes = steps_needing_changes(analysis, state)
    items: list[Missing] = []
    for step in checklists.method.steps:
        if step.key not in required_steps(checklists.method, analysis.screening_level):
            continue  # a step the analysis's level does not require: done or not, it may go
        items.extend(missing_for_step(state, step.key))
        if step.key in needs_changes:
            items.append(
                Missing(
                    step.key,
                    "comments",
                    _l("The reviewer asked for changes: make them and save the step again."),
                    anchor=f"comments-{step.key}",
                )
            )
        elif not state.completed_flags.get(step.key):
            items.append(
                Missing(
                    step.key,
                    "mark_completed",
                    _l("The step is not marked as completed."),
                )
            )
    return items


def submit_for_review(
    analysis: Analysis, checklists: Checklists, user: User, reviewer: User
) -> ReviewRound:
    """Send the analysis to `reviewer`, who joins it with the reviewer role."""
    missing = submission_missing(analysis, checklists)
    if missing:
        raise StepIncomplete(missing)
    if reviewer is None or not reviewer.is_reviewer or not reviewer.active:
        raise FieldError("reviewer", _l("Choose a reviewer from the list."))
    if reviewer.id in four_eyes.author_ids(analysis):
        raise FieldError(
            "reviewer",
            _l(
                "%(name)s has written this analysis (as owner or editor, or in its history) and "
                "cannot review it. Choose another reviewer.",
                name=reviewer.name,
            ),
        )
    membership = next((m for m in analysis.memberships if m.user_id == reviewer.id), None)
    if membership is not None and membership.role == MEMBER_VIEWER:
        raise FieldError(
            "reviewer",
            _l(
                "%(name)s is a viewer of this analysis. Choose another reviewer, or ask the "
                "owner to remove %(name)s as a viewer first.",
                name=reviewer.name,
            ),
        )
    if membership is None:
        analysis.memberships.append(Membership(user=reviewer, role=MEMBER_REVIEWER))
    db.session.flush()
    revision = transition(analysis, checklists, "submit", user)
    number = (
        db.session.scalar(
            select(func.max(ReviewRound.number)).where(ReviewRound.analysis_id == analysis.id)
        )
        or 0
    ) + 1
    review = ReviewRound(
        analysis_id=analysis.id,
        number=number,
        reviewer=reviewer,
        submitted_by=user,
        submitted_revision=revision,
        verdicts={},
        rubric={},
    )
    db.session.add(review)
    db.session.flush()
    notifications.notify(notifications.REVIEW_ASSIGNED, analysis, user, reviewer=reviewer)
    return review


def _record_review(
    review: ReviewRound,
    verdicts: dict,
    rubric: dict,
    reasons: str,
    comments: dict[str, str],
    reviewer: User,
) -> None:
    review.verdicts = {
        key: value for key, value in verdicts.items() if key in STEP_KEYS and value in VERDICTS
    }
    review.rubric = {
        key: value
        for key, value in rubric.items()
        if key in RUBRIC_ITEMS and value in RUBRIC_ANSWERS
    }
    review.reasons = reasons
    review.completed_at = utcnow()
    for step_key, body in comments.items():
        if step_key in STEP_KEYS and body:
            add_comment(review.analysis_id, reviewer, step_key, body, round_id=review.id)


def return_for_changes(
    analysis: Analysis,
    checklists: Checklists,
    reviewer: User,
    *,
    verdicts: dict,
    rubric: dict,
    reasons: str,
    comments: dict[str, str],
) -> ReviewRound:
    """Send the analysis back to the team with reasons; the round stays visible."""
    review = _open_round_for(analysis, reviewer)
    if not reasons:
        raise FieldError("reasons", _l("Explain what the team needs to change."))
    # The move is checked while the round is still open: only its reviewer may make it.
    transition(analysis, checklists, "return", reviewer)
    _record_review(review, verdicts, rubric, reasons, comments, reviewer)
    review.outcome = OUTCOME_RETURNED
    notifications.notify(notifications.RETURNED, analysis, reviewer)
    return review


def sign_off(
    analysis: Analysis,
    checklists: Checklists,
    reviewer: User,
    *,
    verdicts: dict,
    rubric: dict,
    reasons: str,
    comments: dict[str, str],
    title: str,
    statements: list[str],
    locale: str,
) -> SignOff:
    """Sign this exact version: its snapshot's SHA-256 goes into the signature."""
    review = _open_round_for(analysis, reviewer)
    target = workflow.SCREENED_OUT if is_no_bka(analysis) else workflow.APPROVED
    required = ATTESTATIONS[target]
    if set(statements) != set(required):
        raise FieldError("statements", _l("Confirm every statement before you sign."))
    if not title:
        raise FieldError("title", _l("Enter your role or title."))
    if any(verdicts.get(step) == VERDICT_CHANGES for step in STEP_KEYS):
        raise FieldError(
            "verdicts", _l("A step is marked “needs changes”: send the analysis back instead.")
        )
    # The move is checked while the round is still open: only its reviewer may make it.
    revision = transition(analysis, checklists, sign_off_transition(analysis), reviewer)
    _record_review(review, verdicts, rubric, reasons, comments, reviewer)
    review.outcome = OUTCOME_SIGNED
    signature = SignOff(
        analysis_id=analysis.id,
        revision_id=revision.id,
        analysis_version=analysis.version,
        signer_id=reviewer.id,
        signer_name=reviewer.name,
        signer_title=title,
        sha256=revision.sha256,
        statements=list(required),
        locale=locale,
    )
    db.session.add(signature)
    audit.record(
        "sign_off",
        actor=reviewer,
        object_type="analysis",
        object_id=analysis.id,
        details={"version": analysis.version, "sha256": revision.sha256},
    )
    notifications.notify(notifications.SIGNED_OFF, analysis, reviewer)
    db.session.flush()
    return signature


def active_sign_off(analysis: Analysis) -> SignOff | None:
    return db.session.scalar(
        select(SignOff)
        .where(SignOff.analysis_id == analysis.id, SignOff.superseded_at.is_(None))
        .order_by(SignOff.id.desc())
        .limit(1)
    )


def sign_offs_of(analysis: Analysis) -> list[SignOff]:
    return list(
        db.session.scalars(
            select(SignOff).where(SignOff.analysis_id == analysis.id).order_by(SignOff.id)
        )
    )


def open_new_version(analysis: Analysis, checklists: Checklists, user: User) -> None:
    """Editing a signed analysis: the signature is superseded and the version goes up."""
    signature = active_sign_off(analysis)
    if signature is not None:
        signature.superseded_at = utcnow()
    analysis.version += 1
    transition(analysis, checklists, "new_version", user)


def record_decision(
    analysis: Analysis,
    checklists: Checklists,
    user: User,
    *,
    decision_body: str,
    decided_on: date,
    reference: str,
    diarienummer: str,
    outcome: str,
    best_interests_weighing: str,
    follows_conclusion: str | None = None,
    follows_conclusion_reason: str = "",
) -> DecisionRecord:
    """Record what the decision-maker did with the signed analysis.

    Adopted, adopted with changes or rejected: the analysis is decided. Referred back
    (återremiss): it is done, and a new linked version opens as a draft for the team.
    Postponed (bordlagt): it stays signed off until a later decision is recorded."""
    if outcome not in DECISION_OUTCOMES:
        raise FieldError("outcome", _l("Choose an outcome from the list."))
    if follows_conclusion not in (*FOLLOWS_CONCLUSION, None):
        raise FieldError("follows_conclusion", _l("Choose yes, partly or no."))
    if follows_conclusion is None and outcome != POSTPONED:
        raise FieldError(
            "follows_conclusion",
            _l("Answer whether the decision follows the conclusion of the analysis."),
        )
    reason = (follows_conclusion_reason or "").strip()
    if follows_conclusion in FOLLOWS_NEEDS_REASON and not reason:
        raise FieldError(
            "follows_conclusion_reason",
            _l("Explain why the decision does not fully follow the conclusion of the analysis."),
        )
    move = DECISION_TRANSITIONS[outcome]
    if not permissions.can(user, f"transition:{move}", analysis):
        raise DomainError(_l("That change of status is not possible now."))
    record = DecisionRecord(
        analysis_id=analysis.id,
        analysis_version=analysis.version,
        decision_body=decision_body,
        decided_on=decided_on,
        reference=reference,
        diarienummer=diarienummer or "",
        outcome=outcome,
        best_interests_weighing=best_interests_weighing,
        follows_conclusion=follows_conclusion,
        follows_conclusion_reason=reason if follows_conclusion else "",
        recorded_by_id=user.id,
    )
    db.session.add(record)
    if diarienummer and not analysis.diarienummer:
        analysis.diarienummer = diarienummer
    db.session.flush()
    transition(analysis, checklists, move, user)
    if analysis.status == workflow.DECIDED:
        follow_up.offer_checkpoints(analysis, decided_on, user)
    if outcome == REFERRED_BACK:
        versions.open_linked_version(analysis, checklists, user, referral=record)
    return record


def close(
    analysis: Analysis,
    checklists: Checklists,
    user: User,
    *,
    closed_on: date,
    fared: str,
    conclusion: str,
    learnt: str = "",
) -> Checkpoint:
    """Close the follow-up with its final conclusion: a final, closed checkpoint (how children
    fared, the conclusion, what was learnt), then the move to closed, which needs it."""
    if not permissions.can(user, "transition:close", analysis):
        raise DomainError(_l("That change of status is not possible now."))
    checkpoint = follow_up.save_record(
        analysis,
        follow_up.FOLLOW_UP_KINDS["checkpoints"],
        {
            "title": str(follow_up.FINAL_CHECKPOINT_TITLE),
            "due_on": closed_on,
            "closed_on": closed_on,
            "fared": fared,
            "conclusion": conclusion,
            "changes": learnt,
        },
        user,
    )
    checkpoint.final = True
    transition(analysis, checklists, "close", user)
    return checkpoint


def decisions_of(analysis: Analysis) -> list[DecisionRecord]:
    """Every decision recorded on the analysis, oldest first: postponements, then the one that
    decided."""
    return list(
        db.session.scalars(
            select(DecisionRecord)
            .where(DecisionRecord.analysis_id == analysis.id)
            .order_by(DecisionRecord.id)
        )
    )


# --- comments -------------------------------------------------------------------------------------


def add_comment(
    analysis_id: int,
    author: User,
    step_key: str,
    body: str,
    *,
    parent: Comment | None = None,
    round_id: int | None = None,
) -> Comment:
    if step_key not in STEP_KEYS:
        raise DomainError(_l("Unknown step."))
    if not body:
        raise FieldError("body", _l("Write a comment."))
    comment = Comment(
        analysis_id=analysis_id,
        step_key=step_key,
        author_id=author.id,
        body=body,
        parent_id=parent.id if parent else None,
        round_id=round_id if parent is None else parent.round_id,
    )
    db.session.add(comment)
    db.session.flush()
    return comment


def resolve_comment(comment: Comment, user: User) -> None:
    comment.resolved_at = utcnow()
    comment.resolved_by_id = user.id
    db.session.flush()


_COMMENTS = (
    select(Comment).where(Comment.analysis_id == bindparam("analysis_id")).order_by(Comment.id)
)


def comments_by_step(analysis: Analysis) -> dict[str, list[tuple[Comment, list[Comment]]]]:
    """Threads per step: each top-level comment with its replies, oldest first."""
    comments = list(db.session.scalars(_COMMENTS, {"analysis_id": analysis.id}))
    replies: dict[int, list[Comment]] = {}
    for comment in comments:
        if comment.parent_id is not None:
            replies.setdefault(comment.parent_id, []).append(comment)
    threads: dict[str, list[tuple[Comment, list[Comment]]]] = {}
    for comment in comments:
        if comment.parent_id is None:
            threads.setdefault(comment.step_key, []).append((comment, replies.get(comment.id, [])))
    return threads


def _flagged_steps(review: ReviewRound, open_comment_steps: Iterable[str]) -> set[str]:
    """What the returned round asked to revisit: the steps its reviewer marked "needs changes"
    and those with its review comments still open."""
    flagged = {step for step, verdict in review.verdicts.items() if verdict == VERDICT_CHANGES}
    return flagged | set(open_comment_steps)


def _not_saved_since(
    flagged: set[str], review: ReviewRound, saved_at: Mapping[str, datetime]
) -> set[str]:
    """The flagged steps not saved again since the round came back."""
    return {
        step for step in flagged if step not in saved_at or saved_at[step] <= review.completed_at
    }


def steps_needing_changes(analysis: Analysis, state: AnalysisState) -> set[str]:
    """Steps to revisit after the last returned round, not yet saved again since it came back:
    those its reviewer marked "needs changes" and those with its review comments still open."""
    if analysis.status != workflow.CHANGES_REQUESTED:
        return set()
    review = last_returned_round(analysis)
    if review is None:
        return set()
    open_comment_steps = db.session.scalars(
        select(Comment.step_key).where(
            Comment.round_id == review.id,
            Comment.parent_id.is_(None),
            Comment.resolved_at.is_(None),
        )
    )
    saved_at = {step: updated[0] for step, updated in state.step_updated.items()}
    return _not_saved_since(_flagged_steps(review, open_comment_steps), review, saved_at)


@dataclass(frozen=True)
class SentBack:
    """An analysis's last returned round and the steps still waiting for its changes."""

    review: ReviewRound
    steps: frozenset[str]


def sent_back(analyses: Iterable[Analysis]) -> dict[int, SentBack]:
    """steps_needing_changes for many analyses at once (lists), by analysis id: the analyses
    sent back for changes only, in three queries whatever their number."""
    ids = [analysis.id for analysis in analyses if analysis.status == workflow.CHANGES_REQUESTED]
    if not ids:
        return {}
    last = (
        select(ReviewRound.analysis_id, func.max(ReviewRound.number).label("number"))
        .where(ReviewRound.analysis_id.in_(ids), ReviewRound.outcome == OUTCOME_RETURNED)
        .group_by(ReviewRound.analysis_id)
        .subquery()
    )
    reviews = db.session.scalars(
        select(ReviewRound)
        .join(
            last,
            (ReviewRound.analysis_id == last.c.analysis_id) & (ReviewRound.number == last.c.number),
        )
        .options(joinedload(ReviewRound.reviewer))
    ).all()
    if not reviews:
        return {}
    open_comment_steps: dict[int, set[str]] = {}
    for round_id, step_key in db.session.execute(
        select(Comment.round_id, Comment.step_key).where(
            Comment.round_id.in_([review.id for review in reviews]),
            Comment.parent_id.is_(None),
            Comment.resolved_at.is_(None),
        )
    ):
        open_comment_steps.setdefault(round_id, set()).add(step_key)
    saved_at: dict[int, dict[str, datetime]] = {}
    for analysis_id, step_key, updated_at in db.session.execute(
        select(StepAnswer.analysis_id, StepAnswer.step_key, StepAnswer.updated_at).where(
            StepAnswer.analysis_id.in_(ids)
        )
    ):
        saved_at.setdefault(analysis_id, {})[step_key] = updated_at
    return {
        review.analysis_id: SentBack(
            review,
            frozenset(
                _not_saved_since(
                    _flagged_steps(review, open_comment_steps.get(review.id, ())),
                    review,
                    saved_at.get(review.analysis_id, {}),
                )
            ),
        )
        for review in reviews
    }


def step_statuses(analysis: Analysis, state: AnalysisState) -> dict[str, str]:
    """Each step's status in method order; a step waiting for a reviewer's changes is not
    completed, whatever its answers say."""
    needs_changes = steps_needing_changes(analysis, state)
    return {
        step.key: NEEDS_CHANGES if step.key in needs_changes else step_status(state, step.key)
        for step in state.checklists.method.steps
    }


def status_of_step(analysis: Analysis, state: AnalysisState, step_key: str) -> str:
    """One step's status as step_statuses gives it, reading only that step's entries."""
    if step_key in steps_needing_changes(analysis, state):
        return NEEDS_CHANGES
    return step_status(state, step_key)


class StepProgress(NamedTuple):
    """How many of the steps an analysis's level requires are completed, of how many."""

    done: int
    total: int


def step_progress(analysis: Analysis, state: AnalysisState) -> StepProgress:
    """The progress a hub shows: the required steps completed, of the required steps."""
    statuses = step_statuses(analysis, state)
    required = required_steps(state.checklists.method, analysis.screening_level)
    return StepProgress(sum(statuses[key] == COMPLETED for key in required), len(required))


def completed_counts(analyses: Iterable[Analysis]) -> dict[int, StepProgress]:
    """step_progress for many analyses (lists), by analysis id, in a few queries: the required
    steps marked completed, less those still waiting for a reviewer's changes.

    The mark stands for "nothing missing": saving a step clears it unless nothing is missing, and
    a changed entry clears it on its step and on the steps that depend on that entry."""
    analyses = list(analyses)
    if not analyses:
        return {}
    waiting = {analysis_id: back.steps for analysis_id, back in sent_back(analyses).items()}
    methods = methods_of(a for a in analyses if a.screening_level == LEVEL_SIMPLIFIED)
    required = {
        analysis.id: required_steps(methods.get(analysis.id), analysis.screening_level)
        for analysis in analyses
    }
    counts = dict.fromkeys((analysis.id for analysis in analyses), 0)
    for analysis_id, step_key in db.session.execute(
        select(StepAnswer.analysis_id, StepAnswer.step_key).where(
            StepAnswer.analysis_id.in_(list(counts)), StepAnswer.completed.is_(True)
        )
    ):
        if step_key in required[analysis_id] and step_key not in waiting.get(analysis_id, ()):
            counts[analysis_id] += 1
    return {
        analysis_id: StepProgress(done, len(required[analysis_id]))
        for analysis_id, done in counts.items()
    }
