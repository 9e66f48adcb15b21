"""Who is told what when the lifecycle moves or a follow-up trigger is met. Each notification is
also an outbox entry (bka/domain/outbox.py) that `bka mail send` e-mails later, never inside the
request."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, func, select, update

from bka.extensions import db
from bka.models import Analysis, Notification, User
from bka.models.analysis import MEMBER_EDITOR, MEMBER_OWNER
from bka.models.base import utcnow

REVIEW_ASSIGNED = "review_assigned"
RETURNED = "returned"
SIGNED_OFF = "signed_off"
TRIGGER_MET = "trigger_met"
KINDS = (REVIEW_ASSIGNED, RETURNED, SIGNED_OFF, TRIGGER_MET)


def _team(analysis: Analysis) -> list[User]:
    return [m.user for m in analysis.memberships if m.role in (MEMBER_OWNER, MEMBER_EDITOR)]


def notify(
    kind: str, analysis: Analysis, actor: User, reviewer: User | None = None
) -> list[Notification]:
    """Create the notifications for one lifecycle event; the actor is never told of their own."""
    recipients = [reviewer] if kind == REVIEW_ASSIGNED else _team(analysis)
    created = [
        Notification(
            user_id=user.id,
            analysis_id=analysis.id,
            kind=kind,
            actor_id=actor.id,
            mail_due_at=utcnow(),
        )
        for user in recipients
        if user is not None and user.id != actor.id and user.active
    ]
    db.session.add_all(created)
    db.session.flush()
    return created


def notify_trigger_met(
    analysis: Analysis, actor: User, details: dict[str, Any]
) -> list[Notification]:
    """Tell every active owner and editor that a reading or event met a trigger (`details`: the
    trigger's description and what met it).

    Unlike the lifecycle's notifications, the actor is told too: who records a reading types a
    number, and the application is what sees that it crosses a threshold the team set months
    earlier, perhaps someone else; the e-mail is also the record that the team was told."""
    created = [
        Notification(
            user_id=user.id,
            analysis_id=analysis.id,
            kind=TRIGGER_MET,
            actor_id=actor.id,
            details=details,
            mail_due_at=utcnow(),
        )
        for user in _team(analysis)
        if user.active
    ]
    db.session.add_all(created)
    db.session.flush()
    return created


def for_user(user: User, limit: int = 100) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Notification.id.desc())
            .limit(limit)
        )
    )


# Built once: the header of every page asks.
_UNREAD = select(func.count(Notification.id)).where(
    Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None)
)


def unread_count(user: User) -> int:
    return db.session.scalar(_UNREAD, {"user_id": user.id}) or 0


def mark_all_read(user: User) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
