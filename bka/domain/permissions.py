"""can(user, action, analysis): the single source of truth for who may do what.

Views call it to guard routes and templates call it to show or hide controls. The rules are
documented as a table in docs/access.md and tested route by route in tests/test_access.py.
"""

from __future__ import annotations

from bka.domain import workflow
from bka.models import Analysis, User
from bka.models.analysis import MEMBER_EDITOR, MEMBER_OWNER

VIEW = "view"
EDIT = "edit"
MANAGE_MEMBERS = "manage_members"
CREATE = "create"
ACTIONS = (VIEW, EDIT, MANAGE_MEMBERS, CREATE)


def member_role(user: User, analysis: Analysis) -> str | None:
    for membership in analysis.memberships:
        if membership.user_id == user.id:
            return membership.role
    return None


def can(user: User | None, action: str, analysis: Analysis | None = None) -> bool:
    """May `user` perform `action` (an ACTIONS entry or "transition:<name>") on `analysis`?"""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if action == CREATE:
        return True
    if analysis is None:
        raise ValueError(f"action {action!r} needs an analysis")
    role = member_role(user, analysis)
    if action == VIEW:
        return role is not None or user.is_admin
    if action == EDIT:
        return role in (MEMBER_OWNER, MEMBER_EDITOR) and (
            analysis.status in workflow.EDITABLE_STATUSES
        )
    if action == MANAGE_MEMBERS:
        return role == MEMBER_OWNER or user.is_admin
    if action.startswith("transition:"):
        move = workflow.transition(action.removeprefix("transition:"), analysis.status)
        return move is not None and role in move.member_roles
    raise ValueError(f"unknown action {action!r}")
