"""Every key the domain defines has exactly one label, and every label belongs to a key.

These checks used to be import-time asserts in the forms, which vanish under `python -O`.
"""

import pytest

from bka.config import Config
from bka.domain import entries, follow_up, labels, lifecycle, progress, screening, workflow
from bka.domain.checklists import AREAS
from bka.domain.history import DETAIL_FIELDS
from bka.models.analysis import MEMBER_ROLES
from bka.models.user import GLOBAL_ROLES

PAIRS = {
    "area": (labels.AREA, AREAS),
    "age_band": (labels.AGE_BAND, entries.AGE_BANDS),
    "relation": (labels.RELATION, entries.RELATIONS),
    "vulnerable": (labels.VULNERABLE, entries.VULNERABLE_SITUATIONS),
    "evidence_kind": (labels.EVIDENCE_KIND, entries.EVIDENCE_KINDS),
    "consultation_method": (labels.CONSULTATION_METHOD, entries.CONSULTATION_METHODS),
    "participation_requirement": (
        labels.PARTICIPATION_REQUIREMENT,
        entries.PARTICIPATION_REQUIREMENTS,
    ),
    "participation_requirement_hint": (
        labels.PARTICIPATION_REQUIREMENT_HINT,
        entries.PARTICIPATION_REQUIREMENTS,
    ),
    "direction": (labels.DIRECTION, entries.DIRECTIONS),
    "term": (labels.TERM, entries.TERMS),
    "severity": (labels.SEVERITY, entries.SEVERITIES),
    "likelihood": (labels.LIKELIHOOD, entries.LIKELIHOODS),
    "measure_status": (labels.MEASURE_STATUS, entries.MEASURE_STATUSES),
    "member_role": (labels.MEMBER_ROLE, MEMBER_ROLES),
    "global_role": (labels.GLOBAL_ROLE, GLOBAL_ROLES),
    "step_status": (
        labels.STEP_STATUS,
        progress.STEP_STATUSES,
    ),
    "screening_level": (labels.SCREENING_LEVEL, screening.LEVELS),
    "language": (labels.LANGUAGE, Config.LANGUAGES),
    "entry_kind": (labels.ENTRY_KIND, entries.ENTRY_KINDS),
    "entry_add": (labels.ENTRY_ADD, entries.ENTRY_KINDS),
    "review_outcome": (labels.REVIEW_OUTCOME, ("open", *lifecycle.REVIEW_OUTCOMES)),
    "verdict": (labels.VERDICT, lifecycle.VERDICTS),
    "rubric": (labels.RUBRIC, lifecycle.RUBRIC_ITEMS),
    "rubric_answer": (labels.RUBRIC_ANSWER, lifecycle.RUBRIC_ANSWERS),
    "attestation": (
        labels.ATTESTATION,
        {key for keys in lifecycle.ATTESTATIONS.values() for key in keys},
    ),
    "decision_outcome": (labels.DECISION_OUTCOME, lifecycle.DECISION_OUTCOMES),
    "decision_outcome_hint": (labels.DECISION_OUTCOME_HINT, lifecycle.DECISION_OUTCOMES),
    "follows_conclusion": (labels.FOLLOWS_CONCLUSION, lifecycle.FOLLOWS_CONCLUSION),
    "status": (workflow.STATUS_LABELS, workflow.STATUSES),
    "fared": (labels.FARED, follow_up.FARED),
    "measure_progress": (labels.MEASURE_PROGRESS, follow_up.MEASURE_PROGRESS),
    "observation": (labels.OBSERVATION, follow_up.OBSERVATIONS),
    "event_kind": (labels.EVENT_KIND, follow_up.EVENT_KINDS),
    "condition": (labels.CONDITION, follow_up.CONDITIONS),
    "follow_up_kind": (labels.FOLLOW_UP_KIND, follow_up.FOLLOW_UP_KINDS),
    "follow_up_add": (labels.FOLLOW_UP_ADD, follow_up.FOLLOW_UP_KINDS),
}


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_every_key_has_one_label(name):
    mapping, keys = PAIRS[name]
    assert set(mapping) == set(keys)
    assert all(str(label).strip() for label in mapping.values())


def test_field_labels_cover_every_entry_field_and_detail():
    assert set(labels.FIELD_LABELS) == {
        "details",
        *entries.ENTRY_KINDS,
        *follow_up.FOLLOW_UP_KINDS,
    }
    for name, kind in (*entries.ENTRY_KINDS.items(), *follow_up.FOLLOW_UP_KINDS.items()):
        assert set(labels.FIELD_LABELS[name]) == set(kind.fields), name
    assert set(DETAIL_FIELDS) <= set(labels.FIELD_LABELS["details"])


def test_the_templates_label_tables_are_the_domain_ones():
    for name, mapping in labels.LABELS.items():
        assert mapping is getattr(labels, name.upper()), name


def test_forms_take_their_labels_from_the_domain(app):
    from bka.forms.analysis import NewAnalysisForm
    from bka.forms.entries import ENTRY_FORMS

    with app.test_request_context():
        for name, form_class in ENTRY_FORMS.items():
            form = form_class(meta={"csrf": False})
            for field, label in labels.FIELD_LABELS[name].items():
                if (name, field) == ("alternatives", "article_effects"):
                    # One question per engaged article, built for each analysis; the label
                    # names the effects together in the history.
                    assert "effect_3" not in form
                    continue
                assert form[field].label.text == str(label), (name, field)
        form = NewAnalysisForm(meta={"csrf": False})
        for field in (*DETAIL_FIELDS, "decision_area"):
            assert form[field].label.text == str(labels.FIELD_LABELS["details"][field])
