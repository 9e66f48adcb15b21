"""What each step still needs, and the status of every step: derived, never stored twice."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.orm.attributes import instance_dict, set_committed_value

from bka.domain import labels
from bka.domain.alternatives import AlternativeFacts, Comparison, compare, unassessed
from bka.domain.checklists import Article, Checklists, Method, Text
from bka.domain.contract import (
    CHILDREN_HEARD,
    ENGAGED_ARTICLES,
    LEVEL_OVERRIDE_REASON,
    NO,
    NOT_HEARD_REASON,
    SCREENING_JUSTIFICATION,
    STEP_ALTERNATIVES,
    STEP_CHILDREN,
    STEP_CONCLUSION,
    STEP_EVIDENCE,
    STEP_FOLLOW_UP,
    STEP_IMPACTS,
    STEP_KEYS,
    STEP_PARTICIPATION,
    STEP_SCREENING,
    UNSURE,
    YES,
)
from bka.domain.entries import ENTRY_KINDS, kinds_for_step
from bka.domain.screening import LEVEL_NONE, LEVEL_SIMPLIFIED, screening_result
from bka.extensions import db
from bka.models import Analysis, ChildGroup, Impact, StepAnswer

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETED = "completed"
# Not computed from the answers: a reviewer flagged the step in the last returned round.
NEEDS_CHANGES = "needs_changes"
STEP_STATUSES = (NOT_STARTED, IN_PROGRESS, COMPLETED, NEEDS_CHANGES)


@dataclass(frozen=True)
class Missing:
    """One required item still missing; `target` is the form field or entry list to fix."""

    step: str
    target: str
    message: Any
    question: Text | None = None
    # Where on the step page to go, when it is not the target's own field or entry list.
    anchor: str | None = None

    def describe(self, locale: str) -> str:
        if self.question is not None:
            return str(self.message) % {"question": self.question.get(locale)}
        return str(self.message)


@dataclass(frozen=True)
class MatrixRow:
    """One engaged article of the impact matrix and its assessment of each child group, in the
    groups' order (None where it is not assessed yet)."""

    article: Article
    cells: list[tuple[ChildGroup, Impact | None]]


@dataclass
class AnalysisState:
    """Everything typed into one analysis, loaded once: answers per step and entries per kind."""

    analysis: Analysis
    checklists: Checklists
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    completed_flags: dict[str, bool] = field(default_factory=dict)
    lock_versions: dict[str, int] = field(default_factory=dict)
    step_updated: dict[str, tuple[datetime, Any]] = field(default_factory=dict)
    entries: Mapping[str, list] = field(default_factory=dict)

    def step_answers(self, step_key: str) -> dict[str, Any]:
        return self.answers.get(step_key, {})

    def engaged_articles(self) -> list[int]:
        return list(self.step_answers(ENGAGED_ARTICLES.step).get(ENGAGED_ARTICLES.key, []))

    def assessable_articles(self) -> list[int]:
        """The engaged articles a new assessment may be made on: not the procedural articles
        43-54, which an analysis may still have engaged from before they were refused."""
        convention = self.checklists.convention
        return [
            number for number in self.engaged_articles() if not convention.is_procedural(number)
        ]

    def alternatives_compared(self) -> Comparison:
        """Every alternative's effect on each assessable engaged article, beside the
        proposal's impact matrix summed up per article."""
        articles = self.assessable_articles()
        return compare(
            articles,
            [AlternativeFacts.of(entry) for entry in self.entries["alternatives"]],
            [(impact.article, impact.direction) for impact in self.entries["impacts"]],
        )

    def impact_matrix(self) -> list[MatrixRow]:
        """The impact matrix laid out in Python, so that a page only walks it: looking every
        cell up in the template costs many times more."""
        groups = [(group, group.id) for group in self.entries["child_groups"]]
        assessed = {
            (impact.article, impact.child_group_id): impact for impact in self.entries["impacts"]
        }
        convention = self.checklists.convention
        return [
            MatrixRow(
                convention.article(number),
                [(group, assessed.get((number, group_id))) for group, group_id in groups],
            )
            for number in self.engaged_articles()
        ]


# Built once: constructing a statement costs more than running it from SQLAlchemy's cache.
_ANSWERS = select(StepAnswer).where(StepAnswer.analysis_id == bindparam("analysis_id"))
_ENTRIES = {
    name: select(kind.model)
    .where(kind.model.analysis_id == bindparam("analysis_id"))
    .order_by(kind.model.id)
    for name, kind in ENTRY_KINDS.items()
}


class LazyEntries(Mapping):
    """The entries of one analysis per kind, each kind queried the first time it is read: a
    step page needs one or two of the seven lists, check-your-answers all of them."""

    def __init__(self, analysis_id: int):
        self._analysis_id = analysis_id
        self._loaded: dict[str, list] = {}

    def __getitem__(self, name: str) -> list:
        try:
            return self._loaded[name]
        except KeyError:
            rows = list(db.session.scalars(_ENTRIES[name], {"analysis_id": self._analysis_id}))
            self._loaded[name] = rows
            if name == "impacts" and "child_groups" in self._loaded:
                self._link_groups(rows, self._loaded["child_groups"])
            return rows

    @staticmethod
    def _link_groups(impacts: list, groups: list) -> None:
        """Give each impact its already loaded child group: what the lazy load of
        impact.child_group would find in the session, without its per-access machinery."""
        by_id = {group.id: group for group in groups}
        for impact in impacts:
            group = by_id.get(impact.child_group_id)
            # Not loaded yet: not in the instance's dict (InstanceState.unloaded says the same,
            # but works out every unloaded attribute to say it).
            if group is not None and "child_group" not in instance_dict(impact):
                set_committed_value(impact, "child_group", group)

    def __iter__(self) -> Iterator[str]:
        return iter(ENTRY_KINDS)

    def __len__(self) -> int:
        return len(ENTRY_KINDS)


def load_state(analysis: Analysis, checklists: Checklists) -> AnalysisState:
    state = AnalysisState(analysis, checklists)
    for row in db.session.scalars(_ANSWERS, {"analysis_id": analysis.id}):
        state.answers[row.step_key] = row.answers or {}
        state.completed_flags[row.step_key] = row.completed
        state.lock_versions[row.step_key] = row.lock_version
        state.step_updated[row.step_key] = (row.updated_at, row.updated_by)
    state.entries = LazyEntries(analysis.id)
    return state


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def required_steps(method: Method | None, level: str | None) -> tuple[str, ...]:
    """The steps an analysis at `level` must complete: the screening alone when no BKA is
    needed, the steps its method declares for a simplified assessment, else all of them.
    Only a simplified level needs the analysis's `method` to tell."""
    if level == LEVEL_NONE:
        return (STEP_SCREENING,)
    declared = method.levels.get(level) if method is not None and level else None
    return declared.steps if declared else STEP_KEYS


def required_questions(method: Method, level: str | None, step_key: str) -> frozenset[str]:
    """The questions of `step_key` an analysis at `level` must answer to mark it completed. A
    step the level does not require keeps its own rules: the team need not complete it, but
    "completed" means the same on every step."""
    declared = method.levels.get(level) if level else None
    if declared is not None and step_key not in declared.steps:
        declared = None
    return frozenset(
        question.key
        for question in method.step(step_key).questions
        if question.required and (declared is None or question.key in declared.questions)
    )


def missing_for_step(state: AnalysisState, step_key: str) -> list[Missing]:
    """The required items `step_key` still lacks before it can be marked completed, from its
    checklist, the analysis's level and the method's rules."""
    method = state.checklists.method
    level = state.analysis.screening_level
    answers = state.step_answers(step_key)
    required = required_questions(method, level, step_key)
    missing = [
        Missing(step_key, question.key, _l("Answer “%(question)s”."), question.label)
        for question in method.step(step_key).questions
        if question.key in required and _blank(answers.get(question.key))
    ]
    entries = state.entries

    if step_key == STEP_SCREENING:
        result = screening_result(answers)
        justification = SCREENING_JUSTIFICATION.key
        if result and result.level == LEVEL_NONE and _blank(answers.get(justification)):
            missing.append(
                Missing(
                    step_key,
                    justification,
                    _l("Explain why no child impact assessment is needed."),
                )
            )
        if result and result.overridden and not result.override_reason:
            missing.append(
                Missing(
                    step_key,
                    LEVEL_OVERRIDE_REASON.key,
                    _l("Explain why you chose a different level from the screening's suggestion."),
                )
            )
    elif step_key == STEP_CHILDREN and not entries["child_groups"]:
        missing.append(Missing(step_key, "child_groups", _l("Add at least one group of children.")))
    elif step_key == STEP_EVIDENCE and not entries["evidence_sources"]:
        missing.append(Missing(step_key, "evidence_sources", _l("Add at least one source.")))
    elif step_key == STEP_PARTICIPATION:
        heard = answers.get(CHILDREN_HEARD.key)
        if heard == YES and not entries["consultations"]:
            missing.append(
                Missing(
                    step_key,
                    "consultations",
                    _l("Describe at least one consultation with children."),
                )
            )
        # Every consultation says which of General Comment 12's nine requirements held, or
        # why none did. One recorded before the checklist existed (None: never asked) is not
        # held to it, so older analyses keep their completed step; once changed, it is.
        for number, consultation in enumerate(entries["consultations"], start=1):
            if consultation.requirements_met == [] and _blank(
                (consultation.requirements_note or "").strip()
            ):
                missing.append(
                    Missing(
                        step_key,
                        "consultations",
                        _l(
                            "Consultation %(number)d (%(method)s): tick which of the nine "
                            "requirements for participation held, or say why none did.",
                            number=number,
                            method=labels.CONSULTATION_METHOD.get(
                                consultation.method, consultation.method
                            ),
                        ),
                    )
                )
        if heard in (NO, UNSURE) and _blank(answers.get(NOT_HEARD_REASON.key)):
            missing.append(
                Missing(
                    step_key, NOT_HEARD_REASON.key, _l("Explain why children have not been heard.")
                )
            )
    elif step_key == STEP_IMPACTS:
        if not entries["child_groups"]:
            missing.append(
                Missing(
                    STEP_CHILDREN,
                    "child_groups",
                    _l("Add the groups of children before assessing the impacts."),
                )
            )
        # The rule the step states: every child group is assessed against at least one of the
        # articles engaged in step 4 (the matrix's rows). Further cells are assessed where the
        # decision affects that right for that group; an assessment of an article no longer
        # engaged is not in the matrix and does not count.
        engaged = set(state.engaged_articles())
        assessed_groups = {
            impact.child_group_id for impact in entries["impacts"] if impact.article in engaged
        }
        for group in entries["child_groups"]:
            if group.id not in assessed_groups:
                missing.append(
                    Missing(
                        step_key,
                        "impacts",
                        _l(
                            "Assess the impact on “%(group)s” against at least one engaged "
                            "article.",
                            group=group.label,
                        ),
                    )
                )
    elif step_key == STEP_ALTERNATIVES:
        if not entries["alternatives"]:
            missing.append(
                Missing(step_key, "alternatives", _l("Describe at least one alternative."))
            )
        elif method.version >= ALTERNATIVES_COMPARED_SINCE:
            missing.extend(_comparison_missing(state))
        missing.extend(_measure_missing(entries))
    elif step_key == STEP_CONCLUSION and level == LEVEL_SIMPLIFIED:
        # A simplified assessment need not weigh alternatives, but a right it finds weakened
        # still needs a measure (step 8) before the conclusion stands.
        missing.extend(_measure_missing(entries))
    elif step_key == STEP_FOLLOW_UP and not entries["indicators"]:
        missing.append(Missing(step_key, "indicators", _l("Add at least one follow-up indicator.")))
    return missing


def _measure_missing(entries: Mapping[str, list]) -> list[Missing]:
    """A right found weakened needs at least one measure that mitigates or compensates."""
    weakened = any(impact.direction == "weakens" for impact in entries["impacts"])
    if not weakened or entries["measures"]:
        return []
    return [
        Missing(
            STEP_ALTERNATIVES,
            "measures",
            _l("Some rights are weakened: add at least one measure that mitigates or compensates."),
        )
    ]


# The method version from which every alternative is compared article by article, the zero
# option is one of them and one is recommended; analyses started earlier keep the old rule.
ALTERNATIVES_COMPARED_SINCE = 6


def _comparison_missing(state: AnalysisState) -> list[Missing]:
    facts = [AlternativeFacts.of(entry) for entry in state.entries["alternatives"]]
    articles = state.assessable_articles()
    missing = []
    if not any(alternative.is_zero_option for alternative in facts):
        missing.append(
            Missing(
                STEP_ALTERNATIVES,
                "alternatives",
                _l(
                    "Add the zero option – things staying as they are – as one of the alternatives."
                ),
            )
        )
    for alternative in facts:
        left = unassessed(alternative, articles)
        if left:
            missing.append(
                Missing(
                    STEP_ALTERNATIVES,
                    "alternatives",
                    _l(
                        "Say how “%(title)s” affects every engaged article (%(count)d not "
                        "assessed yet).",
                        title=alternative.title,
                        count=len(left),
                    ),
                )
            )
    if not any(alternative.is_recommended for alternative in facts):
        missing.append(
            Missing(
                STEP_ALTERNATIVES, "alternatives", _l("Mark the alternative the team recommends.")
            )
        )
    return missing


def step_status(state: AnalysisState, step_key: str) -> str:
    if state.completed_flags.get(step_key) and not missing_for_step(state, step_key):
        return COMPLETED
    answers = state.step_answers(step_key)
    has_entries = any(state.entries[kind.name] for kind in kinds_for_step(step_key))
    if has_entries or any(not _blank(value) for value in answers.values()):
        return IN_PROGRESS
    return NOT_STARTED


def all_missing(state: AnalysisState) -> list[Missing]:
    """Every missing required item, in step order, for check-your-answers and submission."""
    items: list[Missing] = []
    for step_key in required_steps(state.checklists.method, state.analysis.screening_level):
        items.extend(missing_for_step(state, step_key))
    return items
