"""Screening: does the decision need a BKA, and how deep? An explained, rule-based result."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

LEVEL_NONE = "none"
LEVEL_SIMPLIFIED = "simplified"
LEVEL_IN_DEPTH = "in_depth"
LEVELS = (LEVEL_NONE, LEVEL_SIMPLIFIED, LEVEL_IN_DEPTH)


@dataclass(frozen=True)
class ScreeningResult:
    level: str
    reasons: tuple[str, ...]


def screening_result(answers: dict) -> ScreeningResult | None:
    """The level the answers call for, with the reasons behind it; None until answered."""
    affected = answers.get("children_affected")
    if not affected:
        return None
    if affected == "not_affected":
        return ScreeningResult(
            LEVEL_NONE,
            (_l("The team judges that no children are affected, directly or indirectly."),),
        )

    triggers = []
    if answers.get("magnitude") == "major":
        triggers.append(_l("The effect on children is judged to be major."))
    if answers.get("vulnerable_affected") == "yes":
        triggers.append(_l("Children in vulnerable situations may be affected."))
    elif answers.get("vulnerable_affected") == "unsure":
        triggers.append(
            _l("It is not yet known whether children in vulnerable situations are affected.")
        )
    if answers.get("child_numbers") == "very_many":
        triggers.append(_l("More than 10,000 children are affected."))
    if answers.get("reversibility") == "irreversible":
        triggers.append(_l("The change cannot be reversed."))

    if affected == "directly" and triggers:
        return ScreeningResult(LEVEL_IN_DEPTH, (_l("Children are directly affected."), *triggers))

    reasons = []
    if affected == "directly":
        reasons.append(
            _l(
                "Children are directly affected, but the effect is limited, reversible and does "
                "not reach children in vulnerable situations."
            )
        )
    elif affected == "indirectly":
        reasons.append(_l("Children are affected only indirectly."))
    else:
        reasons.append(
            _l("It is unclear whether children are affected; a simplified assessment finds out.")
        )
    return ScreeningResult(LEVEL_SIMPLIFIED, tuple(reasons + triggers))
