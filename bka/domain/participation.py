"""Whether feedback reached the children of each consultation (General Comment 12: participation
is accountable; the method's step 10 closes the loop).

Feedback is recorded in one of two places, never copied between them: on the consultation
itself while the analysis is being written (step 6: "feedback given on" and how), or, after the
decision, as a follow-up record of feedback to children that names the consultation
(bka.domain.follow_up, kind "child_feedback"). The feedback step and the follow-up page show,
per consultation, the latest of these, or that none is recorded yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from bka.extensions import db
from bka.models import Analysis, ChildFeedback, Consultation

ON_CONSULTATION, IN_FOLLOW_UP = "consultation", "follow_up"


@dataclass(frozen=True)
class ConsultationFeedback:
    """One consultation (numbered as step 6 lists them) and the latest feedback its children
    got: when, how and where it is recorded; all None when none is recorded yet."""

    number: int
    consultation: Consultation
    given_on: date | None = None
    how: str = ""
    recorded_in: str | None = None

    @property
    def given(self) -> bool:
        return self.given_on is not None


def consultation_feedback(
    analysis: Analysis, consultations: Sequence[Consultation]
) -> list[ConsultationFeedback]:
    """Per consultation of `analysis`, in their order, the latest feedback to its children."""
    if not consultations:
        return []
    latest: dict[int, tuple[date, int, str]] = {}
    rows = db.session.execute(
        select(
            ChildFeedback.consultation_id,
            ChildFeedback.given_on,
            ChildFeedback.id,
            ChildFeedback.channel,
        ).where(
            ChildFeedback.analysis_id == analysis.id,
            ChildFeedback.consultation_id.is_not(None),
        )
    )
    for consultation_id, given_on, record_id, channel in rows:
        if consultation_id not in latest or (given_on, record_id) > latest[consultation_id][:2]:
            latest[consultation_id] = (given_on, record_id, channel)
    result = []
    for number, consultation in enumerate(consultations, start=1):
        own = consultation.feedback_given_on
        later = latest.get(consultation.id)
        if later is not None and (own is None or later[0] >= own):
            result.append(
                ConsultationFeedback(number, consultation, later[0], later[2], IN_FOLLOW_UP)
            )
        elif own is not None:
            result.append(
                ConsultationFeedback(
                    number, consultation, own, consultation.feedback_how, ON_CONSULTATION
                )
            )
        else:
            result.append(ConsultationFeedback(number, consultation))
    return result


def consultation_names(consultations: Sequence[Consultation], method_labels, format_day) -> dict:
    """How a consultation is named in a list or the history: "2. Focus group, 20 March 2024"
    (its number in step 6, its method and its date, if any)."""
    names = {}
    for number, consultation in enumerate(consultations, start=1):
        method = str(method_labels.get(consultation.method, consultation.method))
        day = f", {format_day(consultation.held_on)}" if consultation.held_on else ""
        names[consultation.id] = f"{number}. {method}{day}"
    return names
