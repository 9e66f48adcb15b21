"""Reminders of follow-up that is due, for `bka remind`, which a scheduler runs daily.

On a given day (the installation's date) the team of every decided analysis or one in
follow-up (its active owners and editors) is reminded of:

- an open checkpoint: once in the days before its date (`REMINDER_DAYS_BEFORE`), once on the
  date, then once a month while it stays open, counted from its date;
- a measure past its due date whose status (its latest update, else step 8's) is neither done
  nor dropped: once a month while it stays so, from the day after its date;
- an indicator whose next reading is due (`follow_up.next_reading_due`): once per due date.

A run that did not happen on a day catches up on the next: each reminder covers a period
(the days before a date, the date itself until the monthly overdue ones start, a month), and
is sent once per item, period and recipient. The `ReminderSent` row and the notification are
written together, and the row's unique constraint decides between two runs at once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bka.domain import follow_up
from bka.domain.permissions import FOLLOW_UP_STATUSES
from bka.extensions import db
from bka.models import (
    Analysis,
    Checkpoint,
    Indicator,
    Measure,
    MeasureUpdate,
    Membership,
    Notification,
    Reading,
    ReminderSent,
    User,
)
from bka.models.analysis import MEMBER_EDITOR, MEMBER_OWNER

KIND = "reminder"  # Notification.kind
DEFAULT_DAYS_BEFORE = 14

CHECKPOINT, MEASURE, READING = "checkpoint", "measure", "reading"
# How the item's date stands to the day the reminder is sent.
BEFORE, DUE, OVERDUE = "before", "due", "overdue"

# What a reminder says, in the app and as the e-mail's text; %(item)s is the checkpoint's
# title, the measure or the indicator, %(title)s the analysis, %(date)s the item's date.
TEXTS = {
    (CHECKPOINT, BEFORE): _l("The checkpoint “%(item)s” of “%(title)s” is due on %(date)s."),
    (CHECKPOINT, DUE): _l("The checkpoint “%(item)s” of “%(title)s” is due today, %(date)s."),
    (CHECKPOINT, OVERDUE): _l(
        "The checkpoint “%(item)s” of “%(title)s” was due on %(date)s and is still open."
    ),
    (MEASURE, OVERDUE): _l(
        "The measure “%(item)s” of “%(title)s” was due on %(date)s and is not done."
    ),
    (READING, DUE): _l(
        "A reading of the indicator “%(item)s” of “%(title)s” is due today, %(date)s."
    ),
    (READING, OVERDUE): _l(
        "A reading of the indicator “%(item)s” of “%(title)s” was due on %(date)s."
    ),
}
SUBJECTS = {
    (CHECKPOINT, BEFORE): _l("Checkpoint coming up: %(title)s"),
    (CHECKPOINT, DUE): _l("Checkpoint today: %(title)s"),
    (CHECKPOINT, OVERDUE): _l("Checkpoint overdue: %(title)s"),
    (MEASURE, OVERDUE): _l("Measure overdue: %(title)s"),
    (READING, DUE): _l("Reading due: %(title)s"),
    (READING, OVERDUE): _l("Reading overdue: %(title)s"),
}
# A measure is named by its description, which may be long.
NAME_LENGTH = 120


@dataclass(frozen=True)
class DueItem:
    """A checkpoint, measure or indicator that calls for a reminder today, and its period."""

    analysis_id: int
    item_type: str
    item_id: int
    name: str
    due_on: date
    stands: str  # BEFORE, DUE or OVERDUE
    period: str  # "before:2027-02-12", "due:2027-02-12", "overdue:2027-03"


@dataclass(frozen=True)
class Reminder:
    """One reminder not sent yet: an item for one recipient."""

    item: DueItem
    analysis_title: str
    user_id: int
    user_email: str

    def details(self) -> dict[str, Any]:
        """What the notification keeps, so its text can be written in any language later."""
        return {
            "item_type": self.item.item_type,
            "item_id": self.item.item_id,
            "name": self.item.name,
            "date": self.item.due_on.isoformat(),
            "period": self.item.stands,
        }


def months_since(start: date, day: date) -> int:
    """Whole months from `start` to `day` (0 within the first month), as add_months counts."""
    months = (day.year - start.year) * 12 + day.month - start.month
    if follow_up.add_months(start, months) > day:
        months -= 1
    return months


def _overdue_period(due_on: date, today: date) -> str:
    """The month of overdue reminders `today` falls in, named by the month it starts in."""
    return f"{OVERDUE}:{follow_up.add_months(due_on, months_since(due_on, today)):%Y-%m}"


def _shortened(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= NAME_LENGTH else text[: NAME_LENGTH - 1].rstrip() + "…"


def _in_follow_up():
    return select(Analysis.id).where(Analysis.status.in_(FOLLOW_UP_STATUSES))


def checkpoint_item(checkpoint: Checkpoint, today: date, days_before: int) -> DueItem | None:
    """The reminder an open checkpoint calls for today: in the days before its date, on it (or
    late, until a month has passed), then once a month from its date on."""
    due_on = checkpoint.due_on
    if today < due_on - timedelta(days=days_before):
        return None
    if today < due_on:
        stands, period = BEFORE, f"{BEFORE}:{due_on}"
    elif months_since(due_on, today) == 0:
        stands, period = (DUE if today == due_on else OVERDUE), f"{DUE}:{due_on}"
    else:
        stands, period = OVERDUE, _overdue_period(due_on, today)
    return DueItem(
        checkpoint.analysis_id, CHECKPOINT, checkpoint.id, checkpoint.title, due_on, stands, period
    )


def _checkpoints(today: date, days_before: int) -> list[DueItem]:
    checkpoints = db.session.scalars(
        select(Checkpoint).where(
            Checkpoint.analysis_id.in_(_in_follow_up()),
            Checkpoint.closed_on.is_(None),
            Checkpoint.due_on <= today + timedelta(days=days_before),
        )
    )
    items = (checkpoint_item(checkpoint, today, days_before) for checkpoint in checkpoints)
    return [item for item in items if item is not None]


def _measures(today: date) -> list[DueItem]:
    overdue = select(Measure).where(
        Measure.analysis_id.in_(_in_follow_up()), Measure.due_date < today
    )
    updates = defaultdict(list)
    for update in db.session.scalars(
        select(MeasureUpdate).where(
            MeasureUpdate.measure_id.in_(overdue.with_only_columns(Measure.id))
        )
    ):
        updates[update.measure_id].append(update)
    return [
        DueItem(
            measure.analysis_id,
            MEASURE,
            measure.id,
            _shortened(measure.description),
            measure.due_date,
            OVERDUE,
            _overdue_period(measure.due_date, today),
        )
        for measure in db.session.scalars(overdue)
        if follow_up.measure_status(measure, updates[measure.id]) not in follow_up.MEASURE_FINISHED
    ]


def _readings(today: date) -> list[DueItem]:
    measured = select(Indicator).where(
        Indicator.analysis_id.in_(_in_follow_up()), Indicator.measure_on <= today
    )
    readings = defaultdict(list)
    for reading in db.session.scalars(
        select(Reading).where(Reading.indicator_id.in_(measured.with_only_columns(Indicator.id)))
    ):
        readings[reading.indicator_id].append(reading)
    items = []
    for indicator in db.session.scalars(measured):
        due_on = follow_up.next_reading_due(indicator, readings[indicator.id])
        if due_on is not None and due_on <= today:
            stands = DUE if due_on == today else OVERDUE
            items.append(
                DueItem(
                    indicator.analysis_id,
                    READING,
                    indicator.id,
                    _shortened(indicator.name),
                    due_on,
                    stands,
                    f"{DUE}:{due_on}",
                )
            )
    return items


def pending(today: date, days_before: int = DEFAULT_DAYS_BEFORE) -> list[Reminder]:
    """Every reminder `today` calls for that has not been sent yet, in a stable order."""
    items = [*_checkpoints(today, days_before), *_measures(today), *_readings(today)]
    if not items:
        return []
    analysis_ids = {item.analysis_id for item in items}
    titles = dict(
        db.session.execute(
            select(Analysis.id, Analysis.title).where(Analysis.id.in_(analysis_ids))
        ).all()
    )
    team = defaultdict(list)
    for analysis_id, user_id, email in db.session.execute(
        select(Membership.analysis_id, User.id, User.email)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.analysis_id.in_(analysis_ids),
            Membership.role.in_((MEMBER_OWNER, MEMBER_EDITOR)),
            User.active.is_(True),
        )
        .order_by(User.id)
    ):
        team[analysis_id].append((user_id, email))
    sent = {
        tuple(row)
        for row in db.session.execute(
            select(
                ReminderSent.item_type,
                ReminderSent.item_id,
                ReminderSent.period,
                ReminderSent.user_id,
            ).where(
                ReminderSent.analysis_id.in_(analysis_ids),
                ReminderSent.period.in_(sorted({item.period for item in items})),
            )
        )
    }
    items.sort(key=lambda item: (item.analysis_id, item.due_on, item.item_type, item.item_id))
    return [
        Reminder(item, titles[item.analysis_id], user_id, email)
        for item in items
        for user_id, email in team[item.analysis_id]
        if (item.item_type, item.item_id, item.period, user_id) not in sent
    ]


def record(reminder: Reminder, now: datetime) -> bool:
    """Write the reminder (its `ReminderSent` row and a notification the outbox e-mails), or
    nothing when it was sent already: by an earlier run, or by one running at the same time,
    whose row the unique constraint refuses to repeat. The caller commits."""
    item = reminder.item
    try:
        with db.session.begin_nested():
            db.session.add(
                ReminderSent(
                    analysis_id=item.analysis_id,
                    item_type=item.item_type,
                    item_id=item.item_id,
                    period=item.period,
                    user_id=reminder.user_id,
                    sent_at=now,
                )
            )
    except IntegrityError:
        return False
    db.session.add(
        Notification(
            user_id=reminder.user_id,
            analysis_id=item.analysis_id,
            kind=KIND,
            actor_id=None,
            created_at=now,
            mail_due_at=now,
            details=reminder.details(),
        )
    )
    db.session.flush()
    return True
