"""The standard questions added in method v3 (issue 14, item 5): the working group's competences
and roles, the children's network, time as children experience it, economic consequences and
the CRWIA wellbeing indicators. Each is on its step page in both languages, is saved, and is shown
in check your answers, the review and the PDF report; none is required, so analyses that do not
answer them stay complete."""

from __future__ import annotations

import io
from datetime import date

import pytest
from markupsafe import escape
from pypdf import PdfReader

from bka.domain import analyses as ops
from bka.domain import lifecycle, reporting
from bka.domain.progress import load_state
from bka.extensions import db
from bka.models import Analysis, User
from tests import factories
from tests.test_reports import flat

# step -> question keys added in method v3
NEW_QUESTIONS = {
    "screening": ("team_competences", "team_roles"),
    "children": ("child_network",),
    "impacts": (
        "time_perception",
        "economic_consequences",
        "wellbeing_dimensions",
        "wellbeing_effects",
    ),
}
PRINTED = date(2024, 6, 20)
SHANARRI = (
    "safe",
    "healthy",
    "achieving",
    "nurtured",
    "active",
    "respected",
    "responsible",
    "included",
)


def _library(app):
    return app.extensions["bka_library"]


def _html(text: str) -> str:
    return str(escape(text))


def _flat(text: str) -> str:
    return flat(text)


def test_the_new_questions_are_in_their_steps_optional_and_bilingual(app):
    method = _library(app).method
    assert method.version >= 3
    for step_key, keys in NEW_QUESTIONS.items():
        in_step = [q.key for q in method.step(step_key).questions]
        for key in keys:
            assert key in in_step, (step_key, key)
            question = method.question(key)
            assert question.required is False, key
            assert (
                question.label.sv and question.label.en and question.label.sv != question.label.en
            )
            assert question.guidance.sv and question.guidance.en
    wellbeing = method.question("wellbeing_dimensions")
    assert wellbeing.kind == "multichoice"
    assert tuple(choice.key for choice in wellbeing.scale.choices) == SHANARRI
    competences = method.question("team_competences")
    assert competences.kind == "multichoice"
    assert {"child_rights", "frontline", "legal", "finance"} <= {
        choice.key for choice in competences.scale.choices
    }
    # No names: the group is described by competence and role.
    assert "namn" in competences.guidance.sv and "names" in competences.guidance.en


@pytest.mark.parametrize("language", ["sv", "en"])
def test_each_new_question_is_on_its_step_page(
    app, make_user, make_analysis, make_browser, language
):
    owner = make_user()
    analysis_id = make_analysis(owner)
    browser = make_browser()
    browser.login(owner)
    browser.post("/language", {"language": language})
    method = _library(app).method
    for step_key, keys in NEW_QUESTIONS.items():
        page = browser.get(f"/analyses/{analysis_id}/steps/{step_key}").get_data(as_text=True)
        for key in keys:
            question = method.question(key)
            assert f'name="{key}"' in page, key
            assert _html(question.label.get(language)) in page, key
            assert _html(question.guidance.get(language)) in page, key
            for choice in question.scale.choices if question.scale else ():
                assert _html(choice.label.get(language)) in page, (key, choice.key)


def _posted_answers(step_key: str) -> dict:
    """The step's full answers from the factories, the new ones among them, as a form posts them."""
    answers = factories.ANSWERS[step_key]
    for key in NEW_QUESTIONS[step_key]:
        assert answers.get(key), f"factories.ANSWERS[{step_key!r}] lacks {key}"
    return {**answers, "save_later": "1"}


def test_answers_are_saved_and_shown_in_check_your_answers_review_and_report(
    app, make_user, make_analysis, make_browser
):
    owner = make_user(name="Tove Ägare")
    analysis_id = make_analysis(owner)
    browser = make_browser()
    browser.login(owner)
    base = f"/analyses/{analysis_id}"
    for step_key in NEW_QUESTIONS:
        response = browser.post(f"{base}/steps/{step_key}", _posted_answers(step_key))
        assert response.status_code == 302, step_key
    method = _library(app).method
    with app.test_request_context():
        analysis = db.session.get(Analysis, analysis_id)
        state = load_state(analysis, ops.checklists_for(analysis))
    for step_key, keys in NEW_QUESTIONS.items():
        for key in keys:
            assert state.step_answers(step_key)[key] == factories.ANSWERS[step_key][key], key

    def expected(key: str, language: str) -> list[str]:
        question = method.question(key)
        value = next(factories.ANSWERS[s][key] for s in NEW_QUESTIONS if key in NEW_QUESTIONS[s])
        if question.scale is None:
            return [value]
        return [question.scale.label_for(choice, language) for choice in value]

    for language in ("sv", "en"):
        browser.post("/language", {"language": language})
        check = browser.get(f"{base}/check").get_data(as_text=True)
        for keys in NEW_QUESTIONS.values():
            for key in keys:
                assert _html(method.question(key).label.get(language)) in check, key
                for text in expected(key, language):
                    assert _html(text) in check, (key, text)
        with app.test_request_context():
            analysis = db.session.get(Analysis, analysis_id)
            pdf = reporting.render(
                "analysis", analysis, ops.checklists_for(analysis), language, PRINTED
            )
        text = _flat("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
        for keys in NEW_QUESTIONS.values():
            for key in keys:
                assert _flat(method.question(key).label.get(language)) in text, (language, key)
                for answer in expected(key, language):
                    assert _flat(answer) in text, (language, key, answer)


def test_the_review_shows_the_new_answers(app, review_team):
    analysis_id, browsers, reviewer = review_team
    base = f"/analyses/{analysis_id}"
    assert (
        browsers["owner"].post(f"{base}/submit", {"reviewer": str(reviewer.id)}).status_code == 302
    )
    page = browsers["reviewer"].get(f"{base}/review").get_data(as_text=True)
    method = _library(app).method
    for keys in NEW_QUESTIONS.values():
        for key in keys:
            assert _html(method.question(key).label.sv) in page, key
    assert _html(factories.ANSWERS["children"]["child_network"]) in page
    assert _html(method.question("wellbeing_dimensions").scale.label_for("safe", "sv")) in page


def test_an_analysis_that_leaves_the_new_questions_unanswered_is_still_complete(
    app, make_user, monkeypatch
):
    """The new questions are optional: an analysis completed without them, as every analysis
    made before method v3 was, can still be sent for review."""
    owner = make_user()
    without = {
        step_key: {k: v for k, v in answers.items() if k not in NEW_QUESTIONS.get(step_key, ())}
        for step_key, answers in factories.ANSWERS.items()
    }
    monkeypatch.setattr(factories, "ANSWERS", without)
    with app.test_request_context():
        analysis = factories.complete_analysis(db.session.get(User, owner.id))
        db.session.commit()
        state = load_state(analysis, ops.checklists_for(analysis))
        for step_key, keys in NEW_QUESTIONS.items():
            assert not set(keys) & set(state.step_answers(step_key)), step_key
            assert state.completed_flags[step_key], step_key
        assert lifecycle.submission_missing(analysis, ops.checklists_for(analysis)) == []
