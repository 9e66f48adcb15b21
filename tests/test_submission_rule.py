"""One rule for sending for review (every step marked completed, everything required answered)
and steps sent back by a reviewer: shown as needing changes, linked and not counted as done."""

from __future__ import annotations

import re

import pytest

from bka.domain import analyses as ops
from bka.domain import lifecycle
from bka.domain.checklists import STEP_KEYS
from bka.extensions import db
from bka.models import Analysis, Comment, StepAnswer, User
from tests import factories
from tests.factories import ANSWERS

NOT_COMPLETED = "Steget är inte markerat som klart."
READY = "Alla steg är markerade som klara och alla obligatoriska frågor är besvarade"


def status(app, analysis_id):
    with app.app_context():
        return db.session.get(Analysis, analysis_id).status


def unmark(app, analysis_id, steps=STEP_KEYS):
    """Take back "I have completed this step" on `steps`, keeping every answer."""
    with app.app_context():
        for row in db.session.scalars(
            db.select(StepAnswer).where(
                StepAnswer.analysis_id == analysis_id, StepAnswer.step_key.in_(steps)
            )
        ):
            row.completed = False
        db.session.commit()


def test_no_step_marked_completed_lists_every_step_and_refuses_to_submit(app, review_team):
    analysis_id, b, reviewer = review_team
    unmark(app, analysis_id)
    base = f"/analyses/{analysis_id}"
    assert "0 av 11 steg klara" in b["owner"].get(base).get_data(as_text=True)

    check = b["owner"].get(f"{base}/check").get_data(as_text=True)
    assert READY not in check and "Alla obligatoriska frågor är besvarade" not in check
    assert "Det här återstår innan analysen kan skickas för granskning" in check
    assert check.count(NOT_COMPLETED) == len(STEP_KEYS)
    for key in STEP_KEYS:
        assert f"{base}/steps/{key}#mark_completed-field" in check
    assert f'action="{base}/submit"' not in check

    page = b["owner"].post(f"{base}/submit", {"reviewer": str(reviewer.id)})
    assert page.status_code == 200
    assert "Analysen kan inte skickas för granskning än" in page.get_data(as_text=True)
    assert status(app, analysis_id) == "draft"


def test_one_step_not_marked_completed_is_named_and_blocks_the_domain(app, review_team):
    analysis_id, b, reviewer = review_team
    unmark(app, analysis_id, ["evidence"])
    check = b["owner"].get(f"/analyses/{analysis_id}/check").get_data(as_text=True)
    assert check.count(NOT_COMPLETED) == 1
    assert f"/analyses/{analysis_id}/steps/evidence#mark_completed-field" in check
    with app.app_context():
        analysis = db.session.get(Analysis, analysis_id)
        with pytest.raises(ops.StepIncomplete) as refused:
            lifecycle.submit_for_review(
                analysis,
                ops.checklists_for(analysis),
                db.session.get(User, analysis.memberships[0].user_id),
                db.session.get(User, reviewer.id),
            )
        assert [(item.step, item.target) for item in refused.value.missing] == [
            ("evidence", "mark_completed")
        ]


def test_every_step_completed_can_be_submitted(app, review_team):
    analysis_id, b, reviewer = review_team
    base = f"/analyses/{analysis_id}"
    assert "11 av 11 steg klara" in b["owner"].get(base).get_data(as_text=True)
    check = b["owner"].get(f"{base}/check").get_data(as_text=True)
    assert READY in check and NOT_COMPLETED not in check
    assert b["owner"].post(f"{base}/submit", {"reviewer": str(reviewer.id)}).status_code == 302
    assert status(app, analysis_id) == "in_review"


def test_the_step_page_states_the_rule(app, review_team):
    analysis_id, b, _reviewer = review_team
    page = b["owner"].get(f"/analyses/{analysis_id}/steps/evidence").get_data(as_text=True)
    rule = page.index("Analysen kan skickas för granskning när alla steg är markerade som klara.")
    assert rule < page.index('id="mark_completed"')
    b["owner"].post("/language", {"language": "en", "next": "/"})
    english = b["owner"].get(f"/analyses/{analysis_id}/steps/evidence").get_data(as_text=True)
    assert "The analysis can be sent for review when every step is marked as completed." in (
        english
    )


def send_back_with_comments(app, analysis_id, reviewer):
    """Participation marked "needs changes"; a comment (verdict OK) on the evidence step."""
    with app.test_request_context():
        analysis = db.session.get(Analysis, analysis_id)
        factories.submit(analysis, reviewer)
        factories.send_back(
            analysis,
            reviewer,
            verdicts={"participation": "changes", "evidence": "ok"},
            comments={
                "participation": "Redovisa vad barnen med tolk sa.",
                "evidence": "Ange årtal för källorna.",
            },
        )
        db.session.commit()


def test_steps_sent_back_are_linked_marked_and_not_counted(app, review_team):
    analysis_id, b, reviewer = review_team
    send_back_with_comments(app, analysis_id, reviewer)
    base = f"/analyses/{analysis_id}"
    hub = b["owner"].get(base).get_data(as_text=True)
    banner = hub[hub.index("Ändringar begärda") : hub.index('class="task-list"')]
    assert f'href="{base}/steps/participation#comments-participation"' in banner
    assert f'href="{base}/steps/evidence#comments-evidence"' in banner
    assert "9 av 11 steg klara" in hub
    for key in ("participation", "evidence"):
        assert f'class="tag tag-needs_changes" id="status-{key}"' in hub

    step = b["owner"].get(f"{base}/steps/evidence").get_data(as_text=True)
    caption = re.search(r'<p class="caption">.*?</p>', step, re.S).group(0)
    assert "Behöver ändras" in caption and "Klar" not in caption
    jump = step.index('href="#comments-evidence"')
    assert jump < step.index('class="step-form"') < step.index('id="comments-evidence"')
    assert "Ange årtal för källorna." in step

    check = b["owner"].get(f"{base}/check").get_data(as_text=True)
    assert f"{base}/steps/participation#comments-participation" in check
    page = b["owner"].post(f"{base}/submit", {"reviewer": str(reviewer.id)})
    assert page.status_code == 200 and status(app, analysis_id) == "changes_requested"

    # Resolving the evidence comment and saving participation again clear both.
    with app.app_context():
        thread_id = db.session.scalar(
            db.select(Comment.id).where(Comment.step_key == "evidence", Comment.parent_id.is_(None))
        )
    b["owner"].post(f"{base}/comments/{thread_id}/resolve")
    answers = {**ANSWERS["participation"], "mark_completed": "y", "save_later": "1"}
    with app.app_context():
        analysis = db.session.get(Analysis, analysis_id)
        prompts = factories.prompt_answers(analysis, "participation")
    saved = b["owner"].post(f"{base}/steps/participation", {**answers, **prompts})
    assert saved.status_code == 302
    hub = b["owner"].get(base).get_data(as_text=True)
    assert "tag-needs_changes" not in hub and "11 av 11 steg klara" in hub
    assert b["owner"].post(f"{base}/submit", {"reviewer": str(reviewer.id)}).status_code == 302
    assert status(app, analysis_id) == "in_review"
