"""can(user, action, analysis): the single source of truth for who may do what.

Views call it to guard routes and templates call it to show or hide controls. The rules are
documented as a table in docs/access.md and tested route by route in tests/test_access.py.
"""

from __future__ import annotations

from sqlalchemy import Select, false, select

from bka.domain import four_eyes, workflow
from bka.models import Analysis, Membership, User
from bka.models.analysis import MEMBER_EDITOR, MEMBER_OWNER, MEMBER_REVIEWER

VIEW = "view"
EDIT = "edit"
MANAGE_MEMBERS = "manage_members"
CREATE = "create"
COMMENT = "comment"
RESOLVE_COMMENTS = "resolve_comments"
REVIEW = "review"
ADMINISTER = "administer"  # the administrators' area: overview, exports, users, checklists
RECORD_FOLLOW_UP = "record_follow_up"  # readings, events, checkpoints... after the decision
# An organisation's profile (kinds of case, policies, competences): administrators only. Anyone
# who may see an analysis sees its organisation's profile on the screening step (VIEW).
EDIT_ORGANISATION_PROFILE = "edit_organisation_profile"
# Download the export package (every linked version, with names and e-mail addresses of the
# people who took part): the owner and administrators, in any status.
EXPORT = "export"
ACTIONS = (
    VIEW,
    EDIT,
    MANAGE_MEMBERS,
    CREATE,
    COMMENT,
    RESOLVE_COMMENTS,
    REVIEW,
    ADMINISTER,
    RECORD_FOLLOW_UP,
    EDIT_ORGANISATION_PROFILE,
    EXPORT,
)
# The team records follow-up once the decision is taken, until the follow-up is closed.
FOLLOW_UP_STATUSES = frozenset({workflow.DECIDED, workflow.FOLLOW_UP})


def member_role(user: User, analysis: Analysis) -> str | None:
    for membership in analysis.memberships:
        if membership.user_id == user.id:
            return membership.role
    return None


def _acting_reviewer(user: User, role: str | None, analysis: Analysis) -> bool:
    """The reviewer assigned to the open round, still a reviewer and never an author."""
    return role == MEMBER_REVIEWER and four_eyes.may_review(user, analysis)


def can(user: User | None, action: str, analysis: Analysis | None = None) -> bool:
    """May `user` perform `action` (an ACTIONS entry or "transition:<name>") on `analysis`?"""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if action == CREATE:
        return True
    if action in (ADMINISTER, EDIT_ORGANISATION_PROFILE):
        return user.is_admin
    if analysis is None:
        raise ValueError(f"action {action!r} needs an analysis")
    role = member_role(user, analysis)
    if action == VIEW:
        return role is not None or user.is_admin
    if action == EDIT:
        return role in (MEMBER_OWNER, MEMBER_EDITOR) and (
            analysis.status in workflow.EDITABLE_STATUSES
        )
    if action == EXPORT:
        return role == MEMBER_OWNER or user.is_admin
    if action == MANAGE_MEMBERS:
        return role == MEMBER_OWNER or user.is_admin
    if action == COMMENT:
        return role in (MEMBER_OWNER, MEMBER_EDITOR, MEMBER_REVIEWER)
    if action == RESOLVE_COMMENTS:
        return role in (MEMBER_OWNER, MEMBER_EDITOR)
    if action == RECORD_FOLLOW_UP:
        return role in (MEMBER_OWNER, MEMBER_EDITOR) and analysis.status in FOLLOW_UP_STATUSES
    if action == REVIEW:
        return analysis.status == workflow.IN_REVIEW and _acting_reviewer(user, role, analysis)
    if action.startswith("transition:"):
        move = workflow.transition(action.removeprefix("transition:"), analysis.status)
        if move is None or role not in move.member_roles:
            return False
        return role != MEMBER_REVIEWER or _acting_reviewer(user, role, analysis)
    raise ValueError(f"unknown action {action!r}")


def reviewable_by(user: User) -> Select:
    """The set form of can(user, REVIEW, ·) for lists: a select of the analyses `user` may review
    now, in one query where can() asks about one analysis at a time."""
    query = select(Analysis).join(
        Membership, (Membership.analysis_id == Analysis.id) & (Membership.user_id == user.id)
    )
    if not user.is_authenticated or not user.is_active:
        return query.where(false())
    return query.where(
        Analysis.status == workflow.IN_REVIEW,
        Membership.role == MEMBER_REVIEWER,
        four_eyes.may_review_clause(user),
    )
