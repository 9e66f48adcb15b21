"""Proportionality: a simplified analysis completes fewer steps and questions, as method.toml
declares, and the team's choice of another level than the screening's needs a reason."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from bka.domain import analyses as ops
from bka.domain import history, lifecycle
from bka.domain.analyses import StepIncomplete
from bka.domain.entries import ENTRY_KINDS
from bka.domain.progress import load_state, required_steps
from bka.extensions import db
from bka.models import Analysis
from tests import factories
from tests.factories import ANSWERS
from tests.test_reports import flat

# Directly affected, but a limited, reversible effect: the screening suggests simplified.
SIMPLIFIED_SCREENING = {
    "children_affected": "directly",
    "affected_how": "Skolans öppettider ändras med en halvtimme på fredagar.",
    "magnitude": "minor",
    "child_numbers": "few",
    "vulnerable_affected": "no",
    "reversibility": "reversible",
}
SIMPLIFIED_STEPS = (
    "screening",
    "decision",
    "children",
    "rights",
    "participation",
    "impacts",
    "conclusion",
)


def _simplified_draft(app, make_user):
    """A simplified draft with only what the simplified level asks for, every such step
    completed: the screening, the proposal, one group, the principles, heard via a reason,
    one assessment and the conclusion."""
    owner = make_user(name="Ägare")
    with app.app_context():
        analysis = factories.draft_analysis(owner, area="education")
        factories.answer(analysis, "screening", SIMPLIFIED_SCREENING, complete=True)
        factories.answer(
            analysis,
            "decision",
            {"proposal": "Kortare fredagar.", "decision_body": "Barn- och utbildningsnämnden"},
            complete=True,
        )
        group = factories.child_group(analysis)
        factories.answer(analysis, "children", {}, complete=True)
        factories.answer(analysis, "rights", {"engaged_articles": [2, 3, 6, 12]}, complete=True)
        factories.answer(
            analysis,
            "participation",
            {"children_heard": "no", "not_heard_reason": "Elevrådets enkät från i våras räcker."},
            complete=True,
        )
        factories.entry(
            analysis,
            "impacts",
            {
                "article": 3,
                "child_group_id": group.id,
                "direction": "neutral",
                "term": "short",
                "severity": "low",
                "likelihood": "likely",
                "explanation": "Fritidshemmet tar emot barnen den sista halvtimmen.",
            },
        )
        factories.answer(analysis, "impacts", {}, complete=True)
        factories.answer(
            analysis,
            "conclusion",
            {"best_interests": "Förenligt med barnets bästa."},
            complete=True,
        )
        db.session.commit()
        return analysis.id, owner


def test_a_simplified_analysis_is_ready_when_its_seven_steps_are(app, make_user):
    analysis_id, _owner = _simplified_draft(app, make_user)
    with app.app_context():
        analysis = db.session.get(Analysis, analysis_id)
        checklists = ops.checklists_for(analysis)
        assert analysis.screening_level == "simplified"
        assert required_steps(checklists.method, "simplified") == SIMPLIFIED_STEPS
        assert lifecycle.submission_missing(analysis, checklists) == []
        state = load_state(analysis, checklists)
        assert lifecycle.step_progress(analysis, state) == (7, 7)
        assert lifecycle.completed_counts([analysis])[analysis_id] == (7, 7)


def test_the_same_answers_are_not_enough_in_depth(app, make_user):
    analysis_id, owner = _simplified_draft(app, make_user)
    with app.app_context():
        analysis = db.session.get(Analysis, analysis_id)
        factories.answer(
            analysis,
            "screening",
            {**SIMPLIFIED_SCREENING, "level_override": "in_depth", "level_override_reason": "Oro."},
        )
        assert analysis.screening_level == "in_depth"
        missing = lifecycle.submission_missing(analysis, ops.checklists_for(analysis))
        steps = {item.step for item in missing}
        assert {"evidence", "alternatives", "feedback", "follow_up"} <= steps
        # The decision step now asks for its objectives and zero option as well.
        targets = {item.target for item in missing if item.step == "decision"}
        assert {"objectives", "zero_option"} <= targets


def test_a_simplified_analysis_with_a_weakened_right_needs_a_measure(app, make_user):
    analysis_id, _owner = _simplified_draft(app, make_user)
    with app.app_context():
        analysis = db.session.get(Analysis, analysis_id)
        state = load_state(analysis, ops.checklists_for(analysis))
        impact = state.entries["impacts"][0]
        ops.save_entry(
            state,
            ENTRY_KINDS["impacts"],
            {**history.entry_values("impacts", impact), "direction": "weakens"},
            factories._owner(analysis),
            impact,
        )
        with pytest.raises(StepIncomplete) as refused:
            factories.answer(analysis, "conclusion", ANSWERS["conclusion"], complete=True)
        assert [(m.step, m.target) for m in refused.value.missing] == [("alternatives", "measures")]
        factories.entry(analysis, "measures", factories.MEASURES[0])
        factories.answer(analysis, "conclusion", ANSWERS["conclusion"], complete=True)


def test_an_override_without_a_reason_cannot_be_completed(app, make_user):
    owner = make_user(name="Ägare")
    with app.app_context():
        analysis = factories.draft_analysis(owner)
        with pytest.raises(StepIncomplete) as refused:
            factories.answer(
                analysis,
                "screening",
                {**SIMPLIFIED_SCREENING, "level_override": "in_depth"},
                complete=True,
            )
        assert [m.target for m in refused.value.missing] == ["level_override_reason"]
        assert analysis.screening_level == "in_depth"


def test_a_snapshot_without_levels_requires_every_step(app, make_user):
    analysis_id, _owner = _simplified_draft(app, make_user)
    with app.app_context():
        analysis = db.session.get(Analysis, analysis_id)
        method = ops.checklists_for(analysis).method
        old = type(method)(
            method.id, method.version, method.title, method.steps, method.sources, {}
        )
        assert required_steps(old, "simplified") == tuple(step.key for step in method.steps)


def test_the_pages_show_what_the_level_requires(app, make_user, make_browser):
    analysis_id, owner = _simplified_draft(app, make_user)
    b = make_browser()
    b.login(owner)
    base = f"/analyses/{analysis_id}"
    hub = b.get(base).get_data(as_text=True)
    assert "7 av 7 steg klara" in hub
    assert (
        hub.count("Valfritt på den här nivån") == 4
    )  # evidence, alternatives, feedback, follow-up
    assert "En förenklad analys besvarar de viktigaste frågorna" in hub

    optional = b.get(f"{base}/steps/evidence").get_data(as_text=True)
    assert "Valfritt i en förenklad analys" in optional
    required_step = b.get(f"{base}/steps/decision").get_data(as_text=True)
    assert "Valfritt i en förenklad analys" not in required_step
    # Only the proposal and the decision body are required of a simplified assessment.
    assert required_step.count("(obligatorisk)") == 2

    check = b.get(f"{base}/check").get_data(as_text=True)
    assert "Alla steg är markerade som klara" in check
    assert check.count("Valfritt på den här nivån") == 4


def test_the_reviewer_and_the_report_see_the_teams_choice(app, make_user, make_browser):
    analysis_id, owner = _simplified_draft(app, make_user)
    reason = "Förslaget har väckt stark oro i elevråden."
    with app.app_context():
        analysis = db.session.get(Analysis, analysis_id)
        factories.answer(
            analysis,
            "screening",
            {**SIMPLIFIED_SCREENING, "level_override": "in_depth", "level_override_reason": reason},
        )
        db.session.commit()
    b = make_browser()
    b.login(owner)
    for page in ("", "/check", "/steps/screening"):
        text = b.get(f"/analyses/{analysis_id}{page}").get_data(as_text=True)
        if page != "/check":
            assert "Resultat av inledande prövning: Fördjupad analys" in text, page
        assert "screeningen föreslog: Förenklad analys" in text, page
        assert reason in text, page
    report = b.get(f"/analyses/{analysis_id}/report?kind=analysis&lang=sv")
    assert report.status_code == 200
    text = flat("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(report.data)).pages))
    assert "screeningen föreslog: Förenklad analys" in text
    assert "väckt stark oro" in text
