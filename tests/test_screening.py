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


def test_indirect_effect_is_simplified_even_with_triggers(app):
    with app.test_request_context():
        result = screening_result({**CALM, "children_affected": "indirectly", "magnitude": "major"})
    assert result.level == LEVEL_SIMPLIFIED
    assert any("major" in text for text in reasons(result))


def test_reasons_are_translated(app):
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        result = screening_result({"children_affected": "not_affected"})
        text = str(result.reasons[0])
    assert text != "The team judges that no children are affected, directly or indirectly."
