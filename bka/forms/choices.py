"""Translated labels for the choice keys the domain defines."""

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from bka.domain import entries
from bka.domain.checklists import AREAS

AREA = {
    "health_care": _l("Health care"),
    "digital": _l("Digital services and IT systems"),
    "education": _l("Education"),
    "social_services": _l("Social services"),
    "planning": _l("Urban planning and transport"),
}
AGE_BAND = {
    "0-1": _l("0–1 years"),
    "1-5": _l("1–5 years"),
    "6-12": _l("6–12 years"),
    "13-15": _l("13–15 years"),
    "16-17": _l("16–17 years"),
    "0-17": _l("All ages (0–17)"),
}
RELATION = {
    "user": _l("As users (patients, pupils, clients)"),
    "relative": _l("As relatives"),
    "indirect": _l("Indirectly affected"),
}
VULNERABLE = {
    "disability_chronic_illness": _l("Disability or chronic illness"),
    "protected_identity": _l("Protected identity"),
    "violence_oppression": _l("Exposed to violence or honour-related oppression"),
    "in_care": _l("Placed in care"),
    "migrant": _l("Unaccompanied, asylum-seeking or undocumented"),
    "minority": _l("National minorities and Sami children"),
    "other_language": _l("First language other than Swedish"),
    "poverty": _l("Economic hardship"),
    "lgbtq": _l("LGBTQ+ young people"),
    "young_carer": _l("Young carers"),
    "rural": _l("Rural areas with poor connectivity"),
    "guardian_conflict": _l("Separated or conflicting guardians"),
}
EVIDENCE_KIND = {
    "statistics": _l("Statistics"),
    "research": _l("Research"),
    "professional": _l("Professionals' experience"),
    "complaints": _l("Complaints, incidents and supervision"),
    "earlier_assessment": _l("Earlier child impact assessments"),
    "stakeholders": _l("Guardians, organisations and other stakeholders"),
    "other": _l("Other"),
}
CONSULTATION_METHOD = {
    "interview": _l("Interviews"),
    "focus_group": _l("Focus group"),
    "survey": _l("Survey"),
    "youth_council": _l("Youth council"),
    "user_testing": _l("User testing"),
    "walk_along": _l("Walk-along"),
    "digital_panel": _l("Digital panel"),
    "representatives": _l("Through representatives"),
    "other": _l("Other"),
}
DIRECTION = {
    "strengthens": _l("Strengthens"),
    "weakens": _l("Weakens"),
    "neutral": _l("Neutral"),
    "unknown": _l("Unknown"),
}
TERM = {"short": _l("Short term"), "long": _l("Long term"), "both": _l("Short and long term")}
SEVERITY = {"low": _l("Low"), "medium": _l("Medium"), "high": _l("High")}
LIKELIHOOD = {"unlikely": _l("Unlikely"), "possible": _l("Possible"), "likely": _l("Likely")}
MEASURE_STATUS = {
    "planned": _l("Planned"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
}
MEMBER_ROLE = {
    "owner": _l("Owner"),
    "editor": _l("Editor"),
    "viewer": _l("Viewer"),
    "reviewer": _l("Reviewer"),
}
GLOBAL_ROLE = {
    "member": _l("Team member"),
    "reviewer": _l("Reviewer"),
    "admin": _l("Administrator"),
}
STEP_STATUS = {
    "not_started": _l("Not started"),
    "in_progress": _l("In progress"),
    "completed": _l("Completed"),
    "needs_changes": _l("Needs changes"),
}
SCREENING_LEVEL = {
    "none": _l("No BKA needed"),
    "simplified": _l("Simplified assessment"),
    "in_depth": _l("In-depth assessment"),
}
LANGUAGE = {"sv": "Svenska", "en": "English"}

LABELS = {
    "area": AREA,
    "age_band": AGE_BAND,
    "relation": RELATION,
    "vulnerable": VULNERABLE,
    "evidence_kind": EVIDENCE_KIND,
    "consultation_method": CONSULTATION_METHOD,
    "direction": DIRECTION,
    "term": TERM,
    "severity": SEVERITY,
    "likelihood": LIKELIHOOD,
    "measure_status": MEASURE_STATUS,
    "member_role": MEMBER_ROLE,
    "global_role": GLOBAL_ROLE,
    "step_status": STEP_STATUS,
    "screening_level": SCREENING_LEVEL,
    "language": LANGUAGE,
}

# Every domain key has a label, checked once at import.
assert set(AREA) == set(AREAS)
assert set(AGE_BAND) == set(entries.AGE_BANDS)
assert set(RELATION) == set(entries.RELATIONS)
assert set(VULNERABLE) == set(entries.VULNERABLE_SITUATIONS)
assert set(EVIDENCE_KIND) == set(entries.EVIDENCE_KINDS)
assert set(CONSULTATION_METHOD) == set(entries.CONSULTATION_METHODS)
assert set(DIRECTION) == set(entries.DIRECTIONS)
assert set(TERM) == set(entries.TERMS)
assert set(SEVERITY) == set(entries.SEVERITIES)
assert set(LIKELIHOOD) == set(entries.LIKELIHOODS)
assert set(MEASURE_STATUS) == set(entries.MEASURE_STATUSES)


def options(mapping: dict) -> list[SelectChoice]:
    """WTForms choices from a key -> label mapping."""
    return [SelectChoice(key, label) for key, label in mapping.items()]


ENTRY_KIND = {
    "child_groups": _l("Child groups"),
    "evidence_sources": _l("Sources"),
    "consultations": _l("Consultations with children"),
    "impacts": _l("Impact matrix"),
    "alternatives": _l("Alternatives"),
    "measures": _l("Measures"),
    "indicators": _l("Follow-up indicators"),
}
ENTRY_ADD = {
    "child_groups": _l("Add a child group"),
    "evidence_sources": _l("Add a source"),
    "consultations": _l("Add a consultation"),
    "impacts": _l("Add an assessment"),
    "alternatives": _l("Add an alternative"),
    "measures": _l("Add a measure"),
    "indicators": _l("Add an indicator"),
}
LABELS["entry_kind"] = ENTRY_KIND
LABELS["entry_add"] = ENTRY_ADD

REVIEW_OUTCOME = {
    "open": _l("In review"),
    "returned": _l("Sent back for changes"),
    "signed": _l("Signed off"),
}
