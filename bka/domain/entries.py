"""The structured entries each step holds, and the choice keys their fields take.

Labels for these keys live in bka/domain/labels.py, shared by forms, templates and reports.
"""

from __future__ import annotations

from dataclasses import dataclass

from bka.domain.contract import (
    STEP_ALTERNATIVES,
    STEP_CHILDREN,
    STEP_EVIDENCE,
    STEP_FOLLOW_UP,
    STEP_IMPACTS,
    STEP_PARTICIPATION,
)
from bka.models import (
    Alternative,
    ChildGroup,
    Consultation,
    EvidenceSource,
    Impact,
    Indicator,
    Measure,
    Trigger,
)

AGE_BANDS = ("0-1", "1-5", "6-12", "13-15", "16-17", "0-17")
RELATIONS = ("user", "relative", "indirect")
VULNERABLE_SITUATIONS = (
    "disability_chronic_illness",
    "protected_identity",
    "violence_oppression",
    "in_care",
    "migrant",
    "minority",
    "other_language",
    "poverty",
    "lgbtq",
    "young_carer",
    "rural",
    "guardian_conflict",
)
EVIDENCE_KINDS = (
    "statistics",
    "research",
    "professional",
    "complaints",
    "earlier_assessment",
    "stakeholders",
    "other",
)
CONSULTATION_METHODS = (
    "interview",
    "focus_group",
    "survey",
    "youth_council",
    "user_testing",
    "walk_along",
    "digital_panel",
    "representatives",
    "other",
)
# General Comment 12 (2009), para. 134: the nine basic requirements for all processes in which
# children are heard and participate. A consultation records which of them held.
PARTICIPATION_REQUIREMENTS = (
    "transparent",
    "voluntary",
    "respectful",
    "relevant",
    "child_friendly",
    "inclusive",
    "training",
    "safe",
    "accountable",
)
DIRECTIONS = ("strengthens", "weakens", "neutral", "unknown")
TERMS = ("short", "long", "both")
SEVERITIES = ("low", "medium", "high")
LIKELIHOODS = ("unlikely", "possible", "likely")
MEASURE_STATUSES = ("planned", "in_progress", "done")


@dataclass(frozen=True)
class EntryKind:
    """A kind of repeatable entry: its table, the step it belongs to and its editable fields."""

    name: str
    model: type
    step: str
    fields: tuple[str, ...]
    text_fields: tuple[str, ...]  # free text checked for personnummer


ENTRY_KINDS = {
    kind.name: kind
    for kind in (
        EntryKind(
            "child_groups",
            ChildGroup,
            STEP_CHILDREN,
            (
                "label",
                "age_band",
                "relation",
                "vulnerable_situations",
                "estimated_number",
                "number_source",
            ),
            ("label", "number_source"),
        ),
        EntryKind(
            "evidence_sources",
            EvidenceSource,
            STEP_EVIDENCE,
            ("kind", "title", "reference", "findings"),
            ("title", "reference", "findings"),
        ),
        EntryKind(
            "consultations",
            Consultation,
            STEP_PARTICIPATION,
            (
                "method",
                "children_count",
                "age_from",
                "age_to",
                "held_on",
                "adaptations",
                "views",
                "influence",
                "requirements_met",
                "requirements_note",
                "not_reached",
                "consent",
                "feedback_given_on",
                "feedback_how",
            ),
            (
                "adaptations",
                "views",
                "influence",
                "requirements_note",
                "not_reached",
                "consent",
                "feedback_how",
            ),
        ),
        EntryKind(
            "impacts",
            Impact,
            STEP_IMPACTS,
            (
                "article",
                "child_group_id",
                "direction",
                "term",
                "severity",
                "likelihood",
                "explanation",
            ),
            ("explanation",),
        ),
        EntryKind(
            "alternatives",
            Alternative,
            STEP_ALTERNATIVES,
            (
                "title",
                "description",
                "child_rights_assessment",
                "conflicts_of_interest",
                "is_preferred",
                "is_zero_option",
                "is_recommended",
                "article_effects",
            ),
            ("title", "description", "child_rights_assessment", "conflicts_of_interest"),
        ),
        EntryKind(
            "measures",
            Measure,
            STEP_ALTERNATIVES,
            ("description", "owner", "due_date", "status"),
            ("description", "owner"),
        ),
        EntryKind(
            "indicators",
            Indicator,
            STEP_FOLLOW_UP,
            (
                "name",
                "baseline",
                "target",
                "source",
                "responsible",
                "measure_on",
                "unit",
                "baseline_value",
                "target_value",
                "reading_every_months",
            ),
            ("name", "baseline", "target", "source", "responsible", "unit"),
        ),
        # After the indicators: a trigger on readings names one (bka.domain.versions copies
        # entries in this order). Checked after the decision by bka.domain.reassessment.
        EntryKind(
            "triggers",
            Trigger,
            STEP_FOLLOW_UP,
            ("description", "condition", "indicator_id", "threshold", "event_kind"),
            ("description",),
        ),
    )
}


def kinds_for_step(step_key: str) -> tuple[EntryKind, ...]:
    return tuple(kind for kind in ENTRY_KINDS.values() if kind.step == step_key)
