"""The e-mail outbox: notifications waiting to be e-mailed, claimed, retried with backoff.

A notification is written with `mail_due_at` set, in the same transaction as the event it
reports, so nothing is e-mailed for a change that was rolled back and nothing is lost when the
mail server is down. `bka mail send` (bka/web/mail.py), run by a scheduler, sends what is due.
Several senders may run at once: each notification is claimed by one conditional UPDATE first.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from bka.extensions import db
from bka.models import Notification

# Seconds to wait after the n-th failed attempt: 5 min, 10, 20, ... at most 6 hours.
FIRST_RETRY = timedelta(minutes=5)
LONGEST_RETRY = timedelta(hours=6)
MAX_ATTEMPTS = 10
# A claimed notification whose sender died is tried again after this long.
LEASE = timedelta(minutes=10)
# Mail that could not go out within this time is dropped: it would only confuse by now.
MAX_AGE = timedelta(days=7)


def due(now: datetime, limit: int = 200) -> list[int]:
    """Ids of the notifications due to be e-mailed, oldest first."""
    return list(
        db.session.scalars(
            select(Notification.id)
            .where(Notification.mail_due_at.is_not(None), Notification.mail_due_at <= now)
            .order_by(Notification.mail_due_at, Notification.id)
            .limit(limit)
        )
    )


def claim(notification_id: int, now: datetime) -> bool:
    """Take one notification for sending; False if another sender took it first."""
    result = db.session.execute(
        update(Notification)
        .where(
            Notification.id == notification_id,
            Notification.mail_due_at.is_not(None),
            Notification.mail_due_at <= now,
        )
        .values(mail_due_at=now + LEASE)
    )
    return result.rowcount == 1


def expired(notification: Notification, now: datetime) -> bool:
    return notification.created_at < now - MAX_AGE


def sent(notification: Notification, now: datetime) -> None:
    notification.emailed_at = now
    notification.mail_due_at = None
    notification.mail_attempts += 1
    notification.mail_error = None


def failed(notification: Notification, now: datetime, error: str) -> None:
    """Record a failed attempt and when to try again (or give up after MAX_ATTEMPTS)."""
    notification.mail_attempts += 1
    notification.mail_error = error[:200]
    if notification.mail_attempts >= MAX_ATTEMPTS:
        notification.mail_due_at = None
        return
    delay = min(FIRST_RETRY * 2 ** (notification.mail_attempts - 1), LONGEST_RETRY)
    notification.mail_due_at = now + delay


def dropped(notification: Notification, reason: str) -> None:
    notification.mail_due_at = None
    notification.mail_error = reason[:200]
