"""The checklist ↔ code contract: the keys in checklists/method.toml that the code relies on.

The checklists are content, edited by people who know child rights, but a few of their keys are
read by the application's rules: the screening result, the completeness rules of some steps, the
administrators' overview and the reports. Those keys and the choice values compared against
are declared here, once, and the code uses these constants instead of string literals.
`load_library` (run at start and by `bka checklists validate`) checks the loaded method against
FIXED_QUESTIONS, so renaming or moving one of these questions, changing its kind or removing a
choice the code compares with fails validation with a message naming what relies on it, instead
of silently breaking screening or the overview. The packs have no fixed keys: nothing in the
code names a prompt. checklists/README.md documents the contract for the content's authors.

Stored snapshots are not checked: an analysis keeps the content it was started with.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bka.domain.checklists import Method

# --- the steps, in order (method.toml must have exactly these) ---------------------------------

STEP_SCREENING = "screening"
STEP_DECISION = "decision"
STEP_CHILDREN = "children"
STEP_RIGHTS = "rights"
STEP_EVIDENCE = "evidence"
STEP_PARTICIPATION = "participation"
STEP_IMPACTS = "impacts"
STEP_ALTERNATIVES = "alternatives"
STEP_CONCLUSION = "conclusion"
STEP_FEEDBACK = "feedback"
STEP_FOLLOW_UP = "follow_up"
STEP_KEYS = (
    STEP_SCREENING,
    STEP_DECISION,
    STEP_CHILDREN,
    STEP_RIGHTS,
    STEP_EVIDENCE,
    STEP_PARTICIPATION,
    STEP_IMPACTS,
    STEP_ALTERNATIVES,
    STEP_CONCLUSION,
    STEP_FEEDBACK,
    STEP_FOLLOW_UP,
)

# --- choice values (keys of a question's scale) the code compares answers with -----------------

YES = "yes"
NO = "no"
UNSURE = "unsure"
DIRECTLY = "directly"
INDIRECTLY = "indirectly"
NOT_AFFECTED = "not_affected"
MAJOR = "major"
VERY_MANY = "very_many"
IRREVERSIBLE = "irreversible"
SIMPLIFIED = "simplified"
IN_DEPTH = "in_depth"

FREE_TEXT = ("text", "textarea")


@dataclass(frozen=True)
class FixedQuestion:
    """A question the code reads: where it must be, what kind, which choices must exist."""

    key: str
    step: str
    kinds: tuple[str, ...]
    relied_on_by: str
    choices: tuple[str, ...] = ()


# Screening (step 1): the rule-based screening result and the analysis's screening level.
_SCREENING_RESULT = "the screening result (bka/domain/screening.py)"
CHILDREN_AFFECTED = FixedQuestion(
    "children_affected",
    STEP_SCREENING,
    ("choice",),
    _SCREENING_RESULT,
    (DIRECTLY, INDIRECTLY, NOT_AFFECTED, UNSURE),
)
MAGNITUDE = FixedQuestion("magnitude", STEP_SCREENING, ("choice",), _SCREENING_RESULT, (MAJOR,))
CHILD_NUMBERS = FixedQuestion(
    "child_numbers", STEP_SCREENING, ("choice",), _SCREENING_RESULT, (VERY_MANY,)
)
VULNERABLE_AFFECTED = FixedQuestion(
    "vulnerable_affected", STEP_SCREENING, ("choice",), _SCREENING_RESULT, (YES, UNSURE)
)
REVERSIBILITY = FixedQuestion(
    "reversibility", STEP_SCREENING, ("choice",), _SCREENING_RESULT, (IRREVERSIBLE,)
)
SCREENING_JUSTIFICATION = FixedQuestion(
    "screening_justification",
    STEP_SCREENING,
    FREE_TEXT,
    "the rule that a 'no BKA needed' screening is justified (bka/domain/progress.py)",
)
# The team may choose another level than the screening's, with a reason the reviewer sees.
LEVEL_OVERRIDE = FixedQuestion(
    "level_override",
    STEP_SCREENING,
    ("choice",),
    "the level of the analysis (bka/domain/screening.py)",
    (SIMPLIFIED, IN_DEPTH),
)
LEVEL_OVERRIDE_REASON = FixedQuestion(
    "level_override_reason",
    STEP_SCREENING,
    FREE_TEXT,
    "the rule that a level other than the screening's is justified (bka/domain/progress.py)",
)
# Screening (step 1): the competences the team ticks, compared with those the organisation's
# profile requires.
TEAM_COMPETENCES = FixedQuestion(
    "team_competences",
    STEP_SCREENING,
    ("multichoice",),
    "the competences an organisation's profile requires (bka/domain/organisation_profiles.py)",
)
# Step 2: the report names the decision body until the decision itself is recorded.
DECISION_BODY = FixedQuestion(
    "decision_body", STEP_DECISION, FREE_TEXT, "the report's title page (bka/domain/reporting.py)"
)
# Steps 2, 8 and 9: the analysis report's summary for the decision-maker (page 2).
_SUMMARY = "the report's summary for the decision-maker (bka/domain/reporting.py)"
PROPOSAL = FixedQuestion("proposal", STEP_DECISION, FREE_TEXT, _SUMMARY)
PREFERRED_OPTION = FixedQuestion("preferred_option", STEP_ALTERNATIVES, FREE_TEXT, _SUMMARY)
BEST_INTERESTS = FixedQuestion("best_interests", STEP_CONCLUSION, FREE_TEXT, _SUMMARY)
# Step 4: the one article picker; its articles span the impact matrix of step 7.
ENGAGED_ARTICLES = FixedQuestion(
    "engaged_articles",
    STEP_RIGHTS,
    ("articles",),
    "the impact matrix (bka/domain/progress.py) and the report's articles "
    "(bka/domain/reporting.py)",
)
# Step 6: whether children were heard, and why not.
CHILDREN_HEARD = FixedQuestion(
    "children_heard",
    STEP_PARTICIPATION,
    ("choice",),
    "the completeness rules of step 6 (bka/domain/progress.py) and the administrators' "
    "overview (bka/domain/tallies.py, bka/domain/overview.py)",
    (YES, NO, UNSURE),
)
NOT_HEARD_REASON = FixedQuestion(
    "not_heard_reason",
    STEP_PARTICIPATION,
    FREE_TEXT,
    "the completeness rules of step 6 (bka/domain/progress.py) and the overview's list of "
    "reasons (bka/domain/overview.py)",
)
# Step 10: the child-friendly summary report.
CHILD_FRIENDLY_SUMMARY = FixedQuestion(
    "child_friendly_summary",
    STEP_FEEDBACK,
    FREE_TEXT,
    "the child-friendly summary report (bka/domain/reporting.py)",
)
COMPLAINT_ROUTES = FixedQuestion(
    "complaint_routes",
    STEP_FEEDBACK,
    FREE_TEXT,
    "the child-friendly summary report (bka/domain/reporting.py)",
)

FIXED_QUESTIONS = (
    CHILDREN_AFFECTED,
    MAGNITUDE,
    CHILD_NUMBERS,
    VULNERABLE_AFFECTED,
    REVERSIBILITY,
    SCREENING_JUSTIFICATION,
    LEVEL_OVERRIDE,
    LEVEL_OVERRIDE_REASON,
    TEAM_COMPETENCES,
    DECISION_BODY,
    PROPOSAL,
    PREFERRED_OPTION,
    BEST_INTERESTS,
    ENGAGED_ARTICLES,
    CHILDREN_HEARD,
    NOT_HEARD_REASON,
    CHILD_FRIENDLY_SUMMARY,
    COMPLAINT_ROUTES,
)


def contract_problems(method: Method, source: str) -> list[str]:
    """Every way `method` breaks the contract, one line each, naming what relies on the key."""
    problems = []
    where_found = {q.key: (step, q) for step in method.steps for q in step.questions}
    for fixed in FIXED_QUESTIONS:
        where = f"{source}: steps.{fixed.step}.questions.{fixed.key}"
        relied = f"it is used by {fixed.relied_on_by} (see the contract in checklists/README.md)"
        if fixed.key not in where_found:
            problems.append(
                f"{source}: steps.{fixed.step}: the question {fixed.key!r} is missing; {relied}"
            )
            continue
        step, question = where_found[fixed.key]
        if step.key != fixed.step:
            problems.append(
                f"{where}: the question {fixed.key!r} must be in step {fixed.step!r}, "
                f"not {step.key!r}; {relied}"
            )
        if question.kind not in fixed.kinds:
            problems.append(
                f"{where}: the question {fixed.key!r} must be of kind "
                f"{' or '.join(repr(kind) for kind in fixed.kinds)}, not {question.kind!r}; "
                f"{relied}"
            )
            continue
        if fixed.choices and question.scale is not None:
            offered = {choice.key for choice in question.scale.choices}
            lacking = [value for value in fixed.choices if value not in offered]
            if lacking:
                problems.append(
                    f"{where}: the scale {question.scale.key!r} of {fixed.key!r} lacks the "
                    f"choice{'s' if len(lacking) > 1 else ''} "
                    f"{', '.join(repr(value) for value in lacking)}; {relied}"
                )
    return problems
