"""Screening: does the decision need a BKA, and how deep? An explained, rule-based result."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from bka.domain.contract import (
    CHILD_NUMBERS,
    CHILDREN_AFFECTED,
    DIRECTLY,
    IN_DEPTH,
    INDIRECTLY,
    IRREVERSIBLE,
    LEVEL_OVERRIDE,
    LEVEL_OVERRIDE_REASON,
    MAGNITUDE,
    MAJOR,
    NOT_AFFECTED,
    REVERSIBILITY,
    SIMPLIFIED,
    UNSURE,
    VERY_MANY,
    VULNERABLE_AFFECTED,
    YES,
)

LEVEL_NONE = "none"
LEVEL_SIMPLIFIED = SIMPLIFIED
LEVEL_IN_DEPTH = IN_DEPTH
LEVELS = (LEVEL_NONE, LEVEL_SIMPLIFIED, LEVEL_IN_DEPTH)


@dataclass(frozen=True)
class ScreeningResult:
    """The level the analysis works at, with the rules' reasons for the level they suggest.

    `suggested` is the rules' level; `level` the one in force: the team's choice where it chose
    another (`overridden`, with its `override_reason` for the reviewer), else the suggestion.
    """

    level: str
    reasons: tuple[str, ...]
    suggested: str = ""
    override_reason: str = ""

    @property
    def overridden(self) -> bool:
        return self.level != self.suggested


def screening_result(answers: dict) -> ScreeningResult | None:
    """The level the screening step's answers call for, with the reasons; None until answered.

    The question keys and choice values are fixed by the checklist contract (contract.py).
    """
    suggested = suggested_level(answers)
    if suggested is None:
        return None
    level, reasons = suggested
    chosen = answers.get(LEVEL_OVERRIDE.key)
    if level == LEVEL_NONE or chosen not in (LEVEL_SIMPLIFIED, LEVEL_IN_DEPTH):
        # Whether children are affected is a finding, not a choice: no override reaches "none",
        # and none leads away from it.
        return ScreeningResult(level, reasons, level)
    reason = str(answers.get(LEVEL_OVERRIDE_REASON.key) or "").strip()
    return ScreeningResult(chosen, reasons, level, reason if chosen != level else "")


def suggested_level(answers: dict) -> tuple[str, tuple] | None:
    """The level the rules give the screening answers, with the reasons."""
    affected = answers.get(CHILDREN_AFFECTED.key)
    if not affected:
        return None
    if affected == NOT_AFFECTED:
        return (
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
        return LEVEL_IN_DEPTH, (_l("Children are directly affected."), *triggers)
    if affected == INDIRECTLY and answers.get(MAGNITUDE.key) == MAJOR:
        # A major effect weighs as much when it reaches children through their parents, staff,
        # money or data: the depth follows the effect, not the channel.
        return LEVEL_IN_DEPTH, (
            _l("Children are affected indirectly, but the effect is major."),
            *triggers,
        )

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
    return LEVEL_SIMPLIFIED, tuple(reasons + triggers)
