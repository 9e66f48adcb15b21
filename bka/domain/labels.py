"""Translated labels for every key the domain defines: one place for forms, templates, reports
and the overview.

The domain knows keys (``bka.domain.entries.AGE_BANDS``, ``lifecycle.DECISION_OUTCOMES``...);
this module names them. ``tests/test_labels.py`` checks that every key has a label and every
label a key.
"""

from flask_babel import lazy_gettext as _l

from bka.domain.contract import NO, UNSURE, YES

AREA = {
    "health_care": _l("Health care"),
    "digital": _l("Digital services and IT systems"),
    "education": _l("Education"),
    "social_services": _l("Social services"),
    "planning": _l("Urban planning and transport"),
    "budget": _l("Budgets, finance and policy documents"),
    "culture_leisure": _l("Culture and leisure"),
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
# General Comment 12, para. 134: short names, as the checklist, history and reports show them,
# and what each means in a consultation, as the form explains it.
PARTICIPATION_REQUIREMENT = {
    "transparent": _l("Transparent and informative"),
    "voluntary": _l("Voluntary"),
    "respectful": _l("Respectful"),
    "relevant": _l("Relevant"),
    "child_friendly": _l("Child-friendly"),
    "inclusive": _l("Inclusive"),
    "training": _l("Supported by training"),
    "safe": _l("Safe and sensitive to risk"),
    "accountable": _l("Accountable"),
}
PARTICIPATION_REQUIREMENT_HINT = {
    "transparent": _l(
        "The children knew what it was about, what their views could change and how they "
        "would be used."
    ),
    "voluntary": _l("The children knew they could say no or stop at any time."),
    "respectful": _l("Their views were taken seriously and their circumstances respected."),
    "relevant": _l("The questions were about the children's own lives and drew on what they know."),
    "child_friendly": _l("Time, place, form and language suited their ages and abilities."),
    "inclusive": _l("Children who are seldom heard also had the chance to take part."),
    "training": _l("The adults leading it had the knowledge and support to do it well."),
    "safe": _l(
        "Risks to the children were assessed, and there was a plan if something sensitive came up."
    ),
    "accountable": _l("The children are told how their views were used and what was decided."),
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

ENTRY_KIND = {
    "child_groups": _l("Child groups"),
    "evidence_sources": _l("Sources"),
    "consultations": _l("Consultations with children"),
    "impacts": _l("Impact matrix"),
    "alternatives": _l("Alternatives"),
    "measures": _l("Measures"),
    "indicators": _l("Follow-up indicators"),
    "triggers": _l("Triggers for re-assessment"),
}
ENTRY_ADD = {
    "child_groups": _l("Add a child group"),
    "evidence_sources": _l("Add a source"),
    "consultations": _l("Add a consultation"),
    "impacts": _l("Add an assessment"),
    "alternatives": _l("Add an alternative"),
    "measures": _l("Add a measure"),
    "indicators": _l("Add an indicator"),
    "triggers": _l("Add a trigger"),
}
REVIEW_OUTCOME = {
    "open": _l("In review"),
    "returned": _l("Sent back for changes"),
    "signed": _l("Signed off"),
}
VERDICT = {"ok": _l("OK"), "changes": _l("Needs changes")}
RUBRIC = {
    "evidence_cited": _l("Is the evidence cited?"),
    "children_heard": _l("Were children heard, or is a reason given why not?"),
    "alternatives_analysed": _l("Are the alternatives analysed?"),
    "conflicts_explicit": _l("Are conflicts of interest made explicit?"),
    "measures_owned": _l("Do the measures have an owner and a due date?"),
    "indicators_measurable": _l("Are the follow-up indicators measurable?"),
}
RUBRIC_ANSWER = {"yes": _l("Yes"), "partly": _l("Partly"), "no": _l("No")}
ATTESTATION = {
    "read_whole": _l("I have read the whole analysis in this version."),
    "rights_and_children": _l(
        "The affected children, their rights and their views are identified and taken into account."
    ),
    "reasoning_sound": _l(
        "The weighing of the child's best interests against other interests is reasoned and "
        "documented."
    ),
    "no_children_affected": _l(
        "I agree that the decision does not affect children and that the justification holds."
    ),
    "this_version": _l("I sign exactly this version; any later change needs a new sign-off."),
}
DECISION_OUTCOME = {
    "adopted": _l("Adopted as proposed"),
    "adopted_with_changes": _l("Adopted with changes"),
    "rejected": _l("Rejected"),
    "referred_back": _l("Referred back (återremiss)"),
    "postponed": _l("Postponed (bordlagt)"),
}
# What each outcome does to the analysis, shown with the choices on the decision form.
DECISION_OUTCOME_HINT = {
    "adopted": _l("The analysis is decided and can be followed up."),
    "adopted_with_changes": _l(
        "The analysis is decided and can be followed up. Describe the changes in the weighing."
    ),
    "rejected": _l("The analysis is decided; the proposal is not carried out."),
    "referred_back": _l(
        "The decision-maker wants more work done: the analysis goes back to the team as a new "
        "version, linked to this one and filled in with its answers. This version and its "
        "signed PDF are kept as they are."
    ),
    "postponed": _l(
        "The decision is put off to a later meeting: the analysis stays signed off, and you "
        "record the decision when it is taken."
    ),
}
FOLLOWS_CONCLUSION = {
    "yes": _l("Yes"),
    "partly": _l("Partly"),
    "no": _l("No"),
}
# --- follow-up after the decision (bka.domain.follow_up) ---
FARED = {
    "as_predicted": _l("As predicted"),
    "better": _l("Better than predicted"),
    "worse": _l("Worse than predicted"),
    "mixed": _l("Better for some, worse for others"),
    "unknown": _l("Cannot be told yet"),
}
MEASURE_PROGRESS = {
    **MEASURE_STATUS,
    "late": _l("Late"),
    "dropped": _l("Dropped"),
}
OBSERVATION = {
    "as_predicted": _l("As predicted"),
    "better": _l("Better than predicted"),
    "worse": _l("Worse than predicted"),
    "not_yet_known": _l("Not yet known"),
}
EVENT_KIND = {
    "go_live": _l("Go-live"),
    "incident": _l("Incident"),
    "pause": _l("Paused"),
    "resumed": _l("Resumed"),
    "new_information": _l("New information"),
    "complaint": _l("Complaint"),
    "decision_changed": _l("Decision changed"),
}
CONDITION = {
    "above": _l("A reading above the value"),
    "below": _l("A reading below the value"),
    "changes_by": _l("A reading that differs from the baseline by at least this many per cent"),
    "event": _l("An event of this kind"),
}
FOLLOW_UP_KIND = {
    "checkpoints": _l("Checkpoints"),
    "readings": _l("Readings"),
    "measure_updates": _l("Status of the measures"),
    "observed_effects": _l("Observed effects"),
    "events": _l("Events"),
    "child_feedback": _l("Feedback to children"),
}
FOLLOW_UP_ADD = {
    "checkpoints": _l("Add a checkpoint"),
    "readings": _l("Add a reading"),
    "measure_updates": _l("Update the status"),
    "observed_effects": _l("Record an observed effect"),
    "events": _l("Add an event"),
    "child_feedback": _l("Record feedback to children"),
}

# Keyed by the choices of the question whether children were heard (contract.CHILDREN_HEARD),
# plus the overview's own "unanswered" and "not applicable".
HEARD = {
    YES: _l("Yes, children were heard"),
    NO: _l("No, children were not heard"),
    UNSURE: _l("Unsure"),
    "unanswered": _l("Not answered yet"),
    "not_applicable": _l("Not applicable (no BKA needed)"),
}
SCREENING_RESULT = {**SCREENING_LEVEL, "unset": _l("Screening not done yet")}

# The labels of the fields that forms ask for and that history and reports name, by area:
# "details" for the analysis itself, otherwise an entry kind (bka.domain.entries.ENTRY_KINDS).
FIELD_LABELS = {
    "details": {
        "title": _l("Title of the decision"),
        "organisation": _l("Organisation or administration (förvaltning)"),
        "diarienummer": _l("Case number (diarienummer)"),
        "planned_decision_date": _l("Planned decision date"),
        "decision_area": _l("Decision area"),
        "status": _l("Status"),
        "version": _l("Version"),
    },
    "child_groups": {
        "label": _l("Name of the group"),
        "age_band": _l("Age band"),
        "relation": _l("How are these children affected?"),
        "vulnerable_situations": _l("Vulnerable situations in this group"),
        "estimated_number": _l("Estimated number of children"),
        "number_source": _l("Source of the estimate"),
    },
    "evidence_sources": {
        "kind": _l("Kind of source"),
        "title": _l("Title"),
        "reference": _l("Reference or link"),
        "findings": _l("What the source shows"),
    },
    "consultations": {
        "method": _l("Method"),
        "children_count": _l("Number of children"),
        "age_from": _l("Youngest age"),
        "age_to": _l("Oldest age"),
        "held_on": _l("Date"),
        "adaptations": _l("Adaptations"),
        "views": _l("What the children said"),
        "influence": _l("How it changed the proposal"),
        "requirements_met": _l("Requirements for participation that held"),
        "requirements_note": _l("How the requirements were met, and which were not and why"),
        "not_reached": _l("Who was not reached, and why"),
        "consent": _l("How consent was obtained"),
        "feedback_given_on": _l("Feedback given on"),
        "feedback_how": _l("How the feedback reached the children"),
    },
    "impacts": {
        "article": _l("Convention article"),
        "child_group_id": _l("Child group"),
        "direction": _l("Effect on the right"),
        "term": _l("Time frame"),
        "severity": _l("Severity"),
        "likelihood": _l("Likelihood"),
        "explanation": _l("Explanation"),
    },
    "alternatives": {
        "title": _l("Alternative"),
        "description": _l("Description"),
        "child_rights_assessment": _l("Consequences for children's rights"),
        "conflicts_of_interest": _l("Conflicts of interest"),
        "is_preferred": _l("This is the proposed alternative"),
        "is_zero_option": _l("This is the zero option: things stay as they are"),
        "is_recommended": _l("The team recommends this alternative"),
        "article_effects": _l("Effects on the engaged articles"),
    },
    "measures": {
        "description": _l("Measure"),
        "owner": _l("Owner"),
        "due_date": _l("Due date"),
        "status": _l("Status"),
    },
    "indicators": {
        "name": _l("Indicator"),
        "baseline": _l("Baseline"),
        "target": _l("Target"),
        "source": _l("Data source"),
        "responsible": _l("Responsible"),
        "measure_on": _l("Date of measurement"),
        "unit": _l("Unit"),
        "baseline_value": _l("Baseline value"),
        "target_value": _l("Target value"),
        "reading_every_months": _l("Months between readings"),
    },
    "triggers": {
        "description": _l("Signal"),
        "condition": _l("When is the trigger met?"),
        "indicator_id": _l("Indicator"),
        "threshold": _l("Value or per cent"),
        "event_kind": _l("Kind of event"),
    },
    "checkpoints": {
        "title": _l("Checkpoint"),
        "due_on": _l("Date"),
        "closed_on": _l("Closed on"),
        "fared": _l("Did children fare as predicted?"),
        "conclusion": _l("Conclusion"),
        "changes": _l("What changes now"),
    },
    "readings": {
        "indicator_id": _l("Indicator"),
        "value": _l("Value"),
        "measured_on": _l("Date of measurement"),
        "source": _l("Source"),
        "comment": _l("Comment"),
    },
    "measure_updates": {
        "measure_id": _l("Measure"),
        "status": _l("Status"),
        "updated_on": _l("Date"),
        "evidence": _l("Evidence"),
    },
    "observed_effects": {
        "impact_id": _l("Predicted effect"),
        "observation": _l("What was observed"),
        "observed_on": _l("Date"),
        "evidence": _l("Evidence"),
    },
    "events": {
        "kind": _l("Kind of event"),
        "occurred_on": _l("Date"),
        "title": _l("What happened"),
        "description": _l("Description"),
    },
    "child_feedback": {
        "given_on": _l("Date"),
        "channel": _l("How children were told"),
        "message": _l("What children were told"),
        "consultation_id": _l("Consultation whose children were told"),
    },
}

# Every label table a template or report looks up by name.
LABELS = {
    "area": AREA,
    "age_band": AGE_BAND,
    "relation": RELATION,
    "vulnerable": VULNERABLE,
    "evidence_kind": EVIDENCE_KIND,
    "consultation_method": CONSULTATION_METHOD,
    "participation_requirement": PARTICIPATION_REQUIREMENT,
    "direction": DIRECTION,
    "term": TERM,
    "severity": SEVERITY,
    "likelihood": LIKELIHOOD,
    "measure_status": MEASURE_STATUS,
    "member_role": MEMBER_ROLE,
    "global_role": GLOBAL_ROLE,
    "step_status": STEP_STATUS,
    "screening_level": SCREENING_LEVEL,
    "follows_conclusion": FOLLOWS_CONCLUSION,
    "language": LANGUAGE,
    "entry_kind": ENTRY_KIND,
    "entry_add": ENTRY_ADD,
    "fared": FARED,
    "measure_progress": MEASURE_PROGRESS,
    "observation": OBSERVATION,
    "event_kind": EVENT_KIND,
    "condition": CONDITION,
    "follow_up_kind": FOLLOW_UP_KIND,
    "follow_up_add": FOLLOW_UP_ADD,
}
