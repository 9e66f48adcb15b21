"""Re-assessment (omprövning): step 11's structured triggers, checked against what follow-up
records, and what the team does when one is met.

A trigger is an entry of step 11: a condition on an indicator's readings (above or below a
value, or differing from the indicator's baseline by at least so many per cent) or an event of
a kind. When `follow_up.save_record` stores a reading or an event, `check_record` finds the
triggers it meets; each becomes a `TriggerHit`, is audited, and every owner and editor is told
in the app and by e-mail. An analysis with open hits is flagged until the team opens a
re-assessment (a new linked version, `versions.open_linked_version`) or records why none is
needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from bka.domain import audit, notifications, permissions, versions
from bka.domain.analyses import touch
from bka.domain.checklists import Checklists
from bka.domain.errors import DomainError, FieldError
from bka.domain.follow_up import ABOVE, BELOW, CHANGES_BY, CONDITIONS, EVENT, EVENT_KINDS
from bka.extensions import db
from bka.models import (
    Analysis,
    FollowUpEvent,
    Indicator,
    Reading,
    Trigger,
    TriggerHit,
    User,
    VersionLink,
)
from bka.models.base import utcnow

# --- the trigger as a step-11 entry --------------------------------------------------------------


def check_trigger(analysis: Analysis, values: dict[str, Any]) -> dict[str, Any]:
    """The rules across a trigger's fields (called by analyses.save_entry); returns the values
    to store, without the choices the condition does not use."""
    condition = values.get("condition")
    if condition not in CONDITIONS:
        raise FieldError("condition", _l("Choose when the trigger is met."))
    if condition == EVENT:
        if values.get("event_kind") not in EVENT_KINDS:
            raise FieldError("event_kind", _l("Choose the kind of event that meets the trigger."))
        return {**values, "indicator_id": None, "threshold": None}
    indicator = db.session.get(Indicator, values.get("indicator_id") or 0)
    if indicator is None or indicator.analysis_id != analysis.id:
        raise FieldError("indicator_id", _l("Choose the indicator whose readings are checked."))
    threshold = values.get("threshold")
    if condition == CHANGES_BY:
        if indicator.baseline_value is None or indicator.baseline_value == 0:
            raise FieldError(
                "indicator_id",
                _l(
                    "“%(name)s” has no baseline value other than 0, so a change in per cent "
                    "cannot be counted from it. Add its baseline value to the indicator, or "
                    "choose another condition.",
                    name=indicator.name,
                ),
            )
        if threshold is None or threshold <= 0:
            raise FieldError(
                "threshold",
                _l("Enter the change in per cent that meets the trigger, for example 20."),
            )
    elif threshold is None:
        raise FieldError("threshold", _l("Enter the value that meets the trigger."))
    return {**values, "event_kind": None}


# --- checking readings and events ----------------------------------------------------------------


def _exact(number: float) -> Decimal:
    """The number as it was typed: 1.21 − 1.1 is 0.10999… in floating point, not 0.11."""
    return Decimal(repr(number))


def is_met(trigger: Trigger, record: Reading | FollowUpEvent) -> bool:
    """Whether `record` meets `trigger`: a reading strictly above or below the threshold, or
    differing from the baseline by at least the threshold in per cent; an event of its kind."""
    if isinstance(record, FollowUpEvent):
        return trigger.condition == EVENT and trigger.event_kind == record.kind
    if (
        trigger.condition == EVENT
        or trigger.indicator_id != record.indicator_id
        or trigger.threshold is None
    ):
        return False
    value, threshold = _exact(record.value), _exact(trigger.threshold)
    if trigger.condition == ABOVE:
        return value > threshold
    if trigger.condition == BELOW:
        return value < threshold
    baseline = trigger.indicator.baseline_value
    if baseline is None or baseline == 0:
        return False
    baseline = _exact(baseline)
    return abs(value - baseline) * 100 >= threshold * abs(baseline)


def check_record(analysis: Analysis, record: Reading | FollowUpEvent, user: User) -> list:
    """Check a reading or event just saved against the analysis's triggers: a hit for each
    trigger it meets (once per trigger and record), audited and told to the team. A changed
    record that no longer meets a trigger withdraws its hit, unless the hit was settled."""
    is_event = isinstance(record, FollowUpEvent)
    triggers = db.session.scalars(
        select(Trigger)
        .where(
            Trigger.analysis_id == analysis.id,
            (Trigger.condition == EVENT) if is_event else (Trigger.condition != EVENT),
        )
        .order_by(Trigger.id)
    ).all()
    column = TriggerHit.event_id if is_event else TriggerHit.reading_id
    earlier = {
        hit.trigger_id: hit
        for hit in db.session.scalars(select(TriggerHit).where(column == record.id))
    }
    created = []
    for trigger in triggers:
        hit = earlier.get(trigger.id)
        if is_met(trigger, record):
            if hit is None:
                created.append(_hit(analysis, trigger, record, user))
        elif hit is not None and is_open(hit, _reassessments_opened(analysis)):
            audit.record(
                "trigger_hit_withdrawn",
                actor=user,
                object_type="analysis",
                object_id=analysis.id,
                details={"trigger": trigger.id, "hit": hit.id},
            )
            db.session.delete(hit)
    db.session.flush()
    return created


def _hit(analysis: Analysis, trigger: Trigger, record, user: User) -> TriggerHit:
    is_event = isinstance(record, FollowUpEvent)
    hit = TriggerHit(
        analysis_id=analysis.id,
        trigger_id=trigger.id,
        event_id=record.id if is_event else None,
        reading_id=None if is_event else record.id,
    )
    db.session.add(hit)
    db.session.flush()
    audit.record(
        "trigger_met",
        actor=user,
        object_type="analysis",
        object_id=analysis.id,
        details={
            "trigger": trigger.id,
            "hit": hit.id,
            ("event" if is_event else "reading"): record.id,
        },
    )
    notifications.notify_trigger_met(analysis, user, _details(trigger, record))
    return hit


def _details(trigger: Trigger, record) -> dict[str, Any]:
    """What the notification says: the trigger, and the reading or event that met it."""
    if isinstance(record, FollowUpEvent):
        return {
            "trigger": trigger.description,
            "event": record.title,
            "occurred_on": record.occurred_on.isoformat(),
        }
    return {
        "trigger": trigger.description,
        "indicator": trigger.indicator.name,
        "value": record.value,
        "unit": trigger.indicator.unit,
        "measured_on": record.measured_on.isoformat(),
    }


# --- the flag, and what the team does with it ---------------------------------------------------


# Built once: the flag is read on every analysis page.
_OPEN_HITS = (
    select(TriggerHit)
    .where(TriggerHit.analysis_id == bindparam("analysis_id"), TriggerHit.dismissed_at.is_(None))
    # The flag names each hit's trigger, and the reading (of which indicator) or event.
    .options(
        joinedload(TriggerHit.trigger),
        joinedload(TriggerHit.reading).joinedload(Reading.indicator),
        joinedload(TriggerHit.event),
    )
    .order_by(TriggerHit.id)
)
_ONWARD_LINKS = (
    select(VersionLink.created_at, VersionLink.reason, Analysis)
    .join(Analysis, Analysis.id == VersionLink.next_analysis_id)
    .where(VersionLink.previous_analysis_id == bindparam("analysis_id"))
    .order_by(Analysis.id)
)


def _onward_links(analysis: Analysis) -> list:
    """The links to the versions that continue `analysis`, first version first: when, why, and
    the version itself (read with its link: the flag names it)."""
    return db.session.execute(_ONWARD_LINKS, {"analysis_id": analysis.id}).all()


def _reassessments_opened(analysis: Analysis, links: list | None = None) -> list:
    """When each re-assessment of `analysis` was opened."""
    links = _onward_links(analysis) if links is None else links
    return [link.created_at for link in links if link.reason == versions.REASSESSMENT]


def is_open(hit: TriggerHit, reassessments_opened: list) -> bool:
    """Neither dismissed nor covered by a re-assessment: one opened at or after the hit takes
    up everything known then, whichever hit it names as its reason."""
    if hit.dismissed_at is not None:
        return False
    return not any(opened >= hit.hit_at for opened in reassessments_opened)


def _open_hits(analysis: Analysis) -> tuple[list[TriggerHit], list]:
    """The hits that flag `analysis`, oldest first, and the links onward read to tell."""
    hits = list(db.session.scalars(_OPEN_HITS, {"analysis_id": analysis.id}))
    if not hits:  # most analyses: no need to look for re-assessments
        return hits, []
    links = _onward_links(analysis)
    opened = _reassessments_opened(analysis, links)
    return [hit for hit in hits if is_open(hit, opened)], links


def open_hits(analysis: Analysis) -> list[TriggerHit]:
    """The hits that flag `analysis`, oldest first."""
    return _open_hits(analysis)[0]


@dataclass(frozen=True)
class Flag:
    """What the flag on the analysis shows: the open hits, and the version the work already
    continues in, if any (then no second re-assessment can be opened)."""

    hits: list[TriggerHit]
    continues_in: Analysis | None


def flag(analysis: Analysis) -> Flag | None:
    """The flag of `analysis`, or None when no trigger hit is open."""
    hits, links = _open_hits(analysis)
    if not hits:
        return None
    return Flag(hits, links[0].Analysis if links else None)


def get_hit(analysis: Analysis, hit_id: int) -> TriggerHit | None:
    hit = db.session.get(TriggerHit, hit_id)
    return hit if hit is not None and hit.analysis_id == analysis.id else None


def _check_settle(analysis: Analysis, hit: TriggerHit, user: User) -> None:
    if not permissions.can(user, permissions.RECORD_FOLLOW_UP, analysis):
        raise DomainError(_l("Only the team can act on a trigger, during follow-up."))
    if not is_open(hit, _reassessments_opened(analysis)):
        raise DomainError(_l("This trigger has already been dealt with."))


def open_reassessment(
    analysis: Analysis, checklists: Checklists, hit: TriggerHit, user: User
) -> Analysis:
    """Open a re-assessment for `hit`: a new draft version, pre-filled from `analysis` and
    linked both ways with the hit as its reason, which goes through review and sign-off again.
    `analysis` stays in follow-up; every hit open now is taken up by the re-assessment."""
    _check_settle(analysis, hit, user)
    following = versions.next_version(analysis)
    if following is not None:
        raise DomainError(
            _l(
                "The work already continues in version %(version)d. Record there why this "
                "trigger matters, and note here that it is dealt with there.",
                version=following.version,
            )
        )
    return versions.open_linked_version(analysis, checklists, user, trigger_hit=hit)


def dismiss(analysis: Analysis, hit: TriggerHit, user: User, reason: str) -> None:
    """Record that `hit` needs no re-assessment, and why."""
    _check_settle(analysis, hit, user)
    reason = (reason or "").strip()
    if not reason:
        raise FieldError("reason", _l("Say why no re-assessment is needed."))
    hit.dismissed_at = utcnow()
    hit.dismissed_by_id = user.id
    hit.dismissal_reason = reason
    audit.record(
        "trigger_hit_dismissed",
        actor=user,
        object_type="analysis",
        object_id=analysis.id,
        details={"trigger": hit.trigger_id, "hit": hit.id},
    )
    touch(analysis, user)
    db.session.flush()
