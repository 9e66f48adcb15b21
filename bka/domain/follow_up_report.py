"""What has been recorded since the decision, as plain report data (reports.data.FollowUpData)
for the follow-up report and the child summary, in the report's language.

Follow-up hangs off the analysis itself, not off a signed version, so it is read from the
tables as they are now: the indicators, measures and impact rows of the analysis with their
readings, status updates and observations, the events, checkpoints, feedback to children, and
the re-assessments opened as new linked versions.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from babel.dates import get_timezone
from sqlalchemy import select

from bka.domain import follow_up, labels
from bka.domain.checklists import Convention
from bka.domain.workflow import LINK_REASSESSMENT, STATUS_LABELS
from bka.extensions import db
from bka.models import (
    Analysis,
    ChildFeedback,
    ChildGroup,
    FollowUpEvent,
    Impact,
    Indicator,
    Measure,
    MeasureUpdate,
    ObservedEffect,
    Reading,
    TriggerHit,
    VersionLink,
)
from reports.data import (
    CheckpointRow,
    ChildFeedbackRow,
    EffectFollowUp,
    EventRow,
    FollowUpData,
    IndicatorFollowUp,
    MeasureFollowUp,
    Observation,
    ReadingRow,
    ReassessmentRow,
    StatusChange,
)


def reassessments_of(analysis: Analysis) -> list[tuple[VersionLink, Analysis]]:
    """The re-assessments opened from `analysis`, oldest first: each link and its version."""
    return list(
        db.session.execute(
            select(VersionLink, Analysis)
            .join(Analysis, Analysis.id == VersionLink.next_analysis_id)
            .where(
                VersionLink.previous_analysis_id == analysis.id,
                VersionLink.reason == LINK_REASSESSMENT,
            )
            .order_by(VersionLink.created_at, VersionLink.id)
        )
    )


def _of(model, analysis: Analysis, *order) -> list:
    return list(
        db.session.scalars(select(model).where(model.analysis_id == analysis.id).order_by(*order))
    )


def _label(mapping: dict, key) -> str:
    return str(mapping.get(key, key))


def _number(value: float) -> str:
    """A number as typed: 12 rather than 12.0."""
    return f"{value:g}"


def _trigger_reason(hit: TriggerHit | None) -> str:
    """The trigger that opened a re-assessment and the reading or event that met it."""
    if hit is None:
        return ""
    met = ""
    if hit.reading is not None:
        unit = f" {hit.reading.indicator.unit}" if hit.reading.indicator.unit else ""
        met = f"{hit.reading.indicator.name}: {_number(hit.reading.value)}{unit}"
    elif hit.event is not None:
        met = f"{_label(labels.EVENT_KIND, hit.event.kind)}: {hit.event.title}"
    return f"{hit.trigger.description} ({met})" if met else hit.trigger.description


def follow_up_data(
    analysis: Analysis, convention: Convention, locale: str, time_zone: str
) -> FollowUpData:
    """Everything recorded since the decision. Call inside force_locale(locale)."""
    readings = defaultdict(list)
    for reading in _of(Reading, analysis, Reading.measured_on, Reading.id):
        readings[reading.indicator_id].append(reading)
    updates = defaultdict(list)
    for update in _of(MeasureUpdate, analysis, MeasureUpdate.updated_on, MeasureUpdate.id):
        updates[update.measure_id].append(update)
    observed = defaultdict(list)
    for effect in _of(ObservedEffect, analysis, ObservedEffect.observed_on, ObservedEffect.id):
        observed[effect.impact_id].append(effect)
    groups = {group.id: group.label for group in _of(ChildGroup, analysis, ChildGroup.id)}
    impacts = sorted(
        _of(Impact, analysis, Impact.id),
        key=lambda impact: (impact.article, groups.get(impact.child_group_id, "")),
    )
    zone = get_timezone(time_zone)
    return FollowUpData(
        checkpoints=tuple(
            CheckpointRow(
                c.title,
                c.due_on,
                c.closed_on,
                _label(labels.FARED, c.fared) if c.fared else "",
                c.conclusion or "",
                c.changes or "",
                bool(c.final),
            )
            for c in follow_up.checkpoints_of(analysis)
        ),
        indicators=tuple(
            IndicatorFollowUp(
                i.name,
                i.unit or "",
                i.baseline or "",
                i.target or "",
                i.baseline_value,
                i.target_value,
                tuple(
                    ReadingRow(
                        r.measured_on,
                        r.value,
                        r.source or "",
                        r.comment or "",
                        follow_up.on_target(i, r.value),
                    )
                    for r in readings[i.id]
                ),
            )
            for i in _of(Indicator, analysis, Indicator.id)
        ),
        measures=tuple(
            MeasureFollowUp(
                m.description,
                m.owner,
                m.due_date,
                _label(labels.MEASURE_PROGRESS, follow_up.measure_status(m, updates[m.id])),
                tuple(
                    StatusChange(
                        u.updated_on, _label(labels.MEASURE_PROGRESS, u.status), u.evidence or ""
                    )
                    for u in updates[m.id]
                ),
            )
            for m in _of(Measure, analysis, Measure.id)
        ),
        effects=tuple(
            EffectFollowUp(
                i.article,
                convention.article(i.article).title.get(locale),
                groups.get(i.child_group_id, ""),
                i.direction,
                _label(labels.DIRECTION, i.direction),
                tuple(
                    Observation(
                        o.observed_on,
                        o.observation,
                        _label(labels.OBSERVATION, o.observation),
                        o.evidence or "",
                    )
                    for o in observed[i.id]
                ),
            )
            for i in impacts
        ),
        events=tuple(
            EventRow(e.occurred_on, _label(labels.EVENT_KIND, e.kind), e.title, e.description or "")
            for e in _of(FollowUpEvent, analysis, FollowUpEvent.occurred_on, FollowUpEvent.id)
        ),
        reassessments=tuple(
            ReassessmentRow(
                _local_day(link.created_at, zone),
                version.version,
                version.title,
                _label(STATUS_LABELS, version.status),
                _trigger_reason(
                    db.session.get(TriggerHit, link.trigger_hit_id) if link.trigger_hit_id else None
                ),
            )
            for link, version in reassessments_of(analysis)
        ),
        child_feedback=tuple(
            ChildFeedbackRow(f.given_on, f.channel, f.message)
            for f in _of(ChildFeedback, analysis, ChildFeedback.given_on, ChildFeedback.id)
        ),
    )


def _local_day(moment: datetime, zone) -> date:
    return moment.astimezone(zone).date()
