"""Screening gives an explained level from its answers."""

import pytest

from bka.domain.screening import LEVEL_IN_DEPTH, LEVEL_NONE, LEVEL_SIMPLIFIED, screening_result

CALM = {
    "magnitude": "minor",
    "vulnerable_affected": "no",
    "child_numbers": "few",
    "reversibility": "reversible",
}


def reasons(result):
    return [str(reason) for reason in result.reasons]


def test_unanswered_screening_has_no_result(app):
    with app.test_request_context():
        assert screening_result({}) is None


def test_children_not_affected_means_no_bka(app):
    with app.test_request_context():
        result = screening_result({"children_affected": "not_affected"})
    assert result.level == LEVEL_NONE
    assert "no children are affected" in reasons(result)[0]


@pytest.mark.parametrize(
    ("trigger", "value", "reason"),
    [
        ("magnitude", "major", "major"),
        ("vulnerable_affected", "yes", "vulnerable"),
        ("vulnerable_affected", "unsure", "not yet known"),
        ("child_numbers", "very_many", "10,000"),
        ("reversibility", "irreversible", "cannot be reversed"),
    ],
)
def test_direct_effect_with_any_trigger_needs_in_depth(app, trigger, value, reason):
    with app.test_request_context():
        result = screening_result({**CALM, "children_affected": "directly", trigger: value})
    assert result.level == LEVEL_IN_DEPTH
    assert any(reason in text for text in reasons(result))


def test_limited_direct_effect_is_simplified(app):
    with app.test_request_context():
        result = screening_result({**CALM, "children_affected": "directly"})
    assert result.level == LEVEL_SIMPLIFIED
    assert "limited" in reasons(result)[0]


def test_indirect_but_major_effect_needs_in_depth(app):
    with app.test_request_context():
        result = screening_result({**CALM, "children_affected": "indirectly", "magnitude": "major"})
    assert result.level == LEVEL_IN_DEPTH and not result.overridden
    assert "indirectly, but the effect is major" in reasons(result)[0]


@pytest.mark.parametrize(
    ("trigger", "value"),
    [("vulnerable_affected", "yes"), ("child_numbers", "very_many")],
)
def test_indirect_effect_with_other_triggers_stays_simplified(app, trigger, value):
    with app.test_request_context():
        result = screening_result({**CALM, "children_affected": "indirectly", trigger: value})
    assert result.level == LEVEL_SIMPLIFIED
    assert reasons(result)[0] == "Children are affected only indirectly."
    assert len(result.reasons) == 2


def test_the_team_may_choose_another_level_with_a_reason(app):
    answers = {
        **CALM,
        "children_affected": "directly",
        "level_override": "in_depth",
        "level_override_reason": "  Förslaget har väckt oro i elevråden.  ",
    }
    with app.test_request_context():
        result = screening_result(answers)
    assert (result.level, result.suggested) == (LEVEL_IN_DEPTH, LEVEL_SIMPLIFIED)
    assert result.overridden
    assert result.override_reason == "Förslaget har väckt oro i elevråden."
    assert "limited" in reasons(result)[0]  # the rules' reasons stay, for the reviewer


def test_choosing_the_suggested_level_is_no_override(app):
    answers = {**CALM, "children_affected": "directly", "level_override": "simplified"}
    with app.test_request_context():
        result = screening_result({**answers, "level_override_reason": "Ingen"})
    assert result.level == LEVEL_SIMPLIFIED and not result.overridden
    assert result.override_reason == ""


def test_no_override_leads_to_or_from_no_bka(app):
    with app.test_request_context():
        result = screening_result(
            {"children_affected": "not_affected", "level_override": "in_depth"}
        )
    assert result.level == LEVEL_NONE and not result.overridden


def test_reasons_are_translated(app):
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        result = screening_result({"children_affected": "not_affected"})
        text = str(result.reasons[0])
    assert text != "The team judges that no children are affected, directly or indirectly."
