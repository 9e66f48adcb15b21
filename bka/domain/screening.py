"""Screening: does the decision need a BKA, and how deep? An explained, rule-based result."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from bka.domain.contract import (
    CHILD_NUMBERS,
    CHILDREN_AFFECTED,
    DIRECTLY,
    INDIRECTLY,
    IRREVERSIBLE,
    MAGNITUDE,
    MAJOR,
    NOT_AFFECTED,
    REVERSIBILITY,
    UNSURE,
    VERY_MANY,
    VULNERABLE_AFFECTED,
    YES,
)

LEVEL_NONE = "none"
LEVEL_SIMPLIFIED = "simplified"
LEVEL_IN_DEPTH = "in_depth"
LEVELS = (LEVEL_NONE, LEVEL_SIMPLIFIED, LEVEL_IN_DEPTH)


@dataclass(frozen=True)
class ScreeningResult:
    level: str
    reasons: tuple[str, ...]


def screening_result(answers: dict) -> ScreeningResult | None:
    """The level the screening step's answers call for, with the reasons; None until answered.

    The question keys and choice values are fixed by the checklist contract (contract.py).
    """
    affected = answers.get(CHILDREN_AFFECTED.key)
    if not affected:
        return None
    if affected == NOT_AFFECTED:
        return ScreeningResult(
            LEVEL_NONE,
            (_l("The team judges that no children are affected, directly or indirectly."),),
        )

    triggers = []
    if answers.get(MAGNITUDE.key) == MAJOR:
        triggers.append(_l("The effect on children is judged to be major."))
    if answers.get(VULNERABLE_AFFECTED.key) == YES:
        triggers.append(_l("Children in vulnerable situations may be affected."))
    elif answers.get(VULNERABLE_AFFECTED.key) == UNSURE:
        triggers.append(
            _l("It is not yet known whether children in vulnerable situations are affected.")
        )
    if answers.get(CHILD_NUMBERS.key) == VERY_MANY:
        triggers.append(_l("More than 10,000 children are affected."))
    if answers.get(REVERSIBILITY.key) == IRREVERSIBLE:
        triggers.append(_l("The change cannot be reversed."))

    if affected == DIRECTLY and triggers:
        return ScreeningResult(LEVEL_IN_DEPTH, (_l("Children are directly affected."), *triggers))

    reasons = []
    if affected == DIRECTLY:
        reasons.append(
            _l(
                "Children are directly affected, but the effect is limited, reversible and does "
                "not reach children in vulnerable situations."
            )
        )
    elif affected == INDIRECTLY:
        reasons.append(_l("Children are affected only indirectly."))
    else:
        reasons.append(
            _l("It is unclear whether children are affected; a simplified assessment finds out.")
        )
    return ScreeningResult(LEVEL_SIMPLIFIED, tuple(reasons + triggers))
