"""What changed in each step since the previous review round ended.

A reviewer of a second round reads what the team changed and skips the rest: the snapshot
stored when the previous round was sent back (or signed, before a new version) is compared
with the analysis as it is now, step by step, answers and entries alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher
from typing import Any

from sqlalchemy import bindparam, select

from bka.domain import history
from bka.domain.checklists import STEP_KEYS, Checklists
from bka.domain.entries import ENTRY_KINDS
from bka.domain.lifecycle import VERDICT_CHANGES
from bka.domain.progress import AnalysisState
from bka.extensions import db
from bka.models import ReviewRound, Revision

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
SAME = "same"
# The transitions that end a review round; each stores a snapshot (lifecycle.transition).
ROUND_ENDS = ("return", "sign_off", "sign_off_screened_out")
TEXT_KINDS = ("text", "textarea")
_TOKENS = re.compile(r"\S+\s*|\s+")  # each word with the space after it


@dataclass(frozen=True)
class FieldChange:
    """One answer or entry field that differs; `words` is a word-level diff of free text."""

    field: str
    change: str  # ADDED (was empty), REMOVED (now empty) or CHANGED
    old: Any
    new: Any
    words: tuple[tuple[str, str], ...] = ()  # (SAME | REMOVED | ADDED, text)
    # For lists (articles, multiple choices): the items taken out and put in, in order.
    removed_items: tuple = ()
    added_items: tuple = ()


@dataclass(frozen=True)
class EntryChange:
    """An entry added, removed or changed; `values` as it is now, or as it was if removed."""

    kind_name: str
    entry_id: int
    change: str
    values: dict[str, Any]
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class StepChanges:
    step_key: str
    answers: tuple[FieldChange, ...] = ()
    entries: tuple[EntryChange, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.answers or self.entries)


@dataclass(frozen=True)
class RoundComparison:
    """The open round against the end of the one before; `previous` is None in round one."""

    number: int
    previous: ReviewRound | None
    since: datetime | None
    steps: dict[str, StepChanges]
    group_labels: dict[int, str]  # child groups of both snapshots, for the impacts' names

    def changed_steps(self, step_keys) -> list[str]:
        return [key for key in step_keys if self.steps[key].changed]

    def asked_for_changes(self, step_key: str) -> bool:
        """The previous round's reviewer marked the step "needs changes"."""
        return self.previous is not None and self.previous.verdicts.get(step_key) == VERDICT_CHANGES


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _differs(old: Any, new: Any) -> bool:
    return not (_blank(old) and _blank(new)) and old != new


def word_diff(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """`old` turned into `new` word by word: runs of SAME, REMOVED and ADDED text, which
    without the REMOVED runs read as `new`."""
    before, after = _TOKENS.findall(old), _TOKENS.findall(new)
    pieces: list[tuple[str, str]] = []

    def add(kind: str, tokens: list[str]) -> None:
        if not tokens:
            return
        if pieces and pieces[-1][0] == kind:
            pieces[-1] = (kind, pieces[-1][1] + "".join(tokens))
        else:
            pieces.append((kind, "".join(tokens)))

    # Words are matched without the space after them: a last word that gains a sentence after
    # it is the same word. Unchanged runs are written as they read now.
    words_before = [token.rstrip() for token in before]
    words_after = [token.rstrip() for token in after]
    matcher = SequenceMatcher(None, words_before, words_after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add(SAME, after[j1:j2])
        else:
            add(REMOVED, before[i1:i2])
            add(ADDED, after[j1:j2])
    return tuple(pieces)


def _field_change(name: str, old: Any, new: Any, text: bool) -> FieldChange:
    if _blank(old):
        return FieldChange(name, ADDED, old, new)
    if _blank(new):
        return FieldChange(name, REMOVED, old, new)
    if isinstance(old, list) and isinstance(new, list):
        removed = tuple(item for item in old if item not in new)
        added = tuple(item for item in new if item not in old)
        return FieldChange(name, CHANGED, old, new, removed_items=removed, added_items=added)
    words = word_diff(old, new) if text and isinstance(old, str) and isinstance(new, str) else ()
    return FieldChange(name, CHANGED, old, new, words)


def _answer_order(checklists: Checklists, step_key: str) -> dict[str, int]:
    keys = [question.key for question in checklists.method.step(step_key).questions]
    keys += [f"prompt__{prompt.key}" for prompt in checklists.pack.prompts_for(step_key)]
    return {key: index for index, key in enumerate(keys)}


def _answer_changes(
    checklists: Checklists, step_key: str, old: dict[str, Any], new: dict[str, Any]
) -> tuple[FieldChange, ...]:
    order = _answer_order(checklists, step_key)
    text_keys = {
        question.key
        for question in checklists.method.step(step_key).questions
        if question.kind in TEXT_KINDS
    }
    keys = sorted(set(old) | set(new), key=lambda key: (order.get(key, len(order)), key))
    return tuple(
        _field_change(
            key, old.get(key), new.get(key), key in text_keys or key.startswith("prompt__")
        )
        for key in keys
        if _differs(old.get(key), new.get(key))
    )


def _entry_changes(kind_name: str, old: list[dict], new: list[dict]) -> list[EntryChange]:
    kind = ENTRY_KINDS[kind_name]
    before = {entry["id"]: entry for entry in old}
    after = {entry["id"]: entry for entry in new}
    changes = []
    for entry_id in sorted(set(before) | set(after)):
        if entry_id not in after:
            changes.append(EntryChange(kind_name, entry_id, REMOVED, before[entry_id]))
        elif entry_id not in before:
            changes.append(EntryChange(kind_name, entry_id, ADDED, after[entry_id]))
        else:
            fields = tuple(
                _field_change(
                    name,
                    before[entry_id].get(name),
                    after[entry_id].get(name),
                    name in kind.text_fields,
                )
                for name in kind.fields
                if _differs(before[entry_id].get(name), after[entry_id].get(name))
            )
            if fields:
                changes.append(EntryChange(kind_name, entry_id, CHANGED, after[entry_id], fields))
    return changes


def compare(
    old: dict[str, Any], new: dict[str, Any], checklists: Checklists
) -> dict[str, StepChanges]:
    """Snapshot `old` against snapshot `new`, per step in method order (answers and the
    entries the step holds); blank and missing answers count as the same."""
    steps = {}
    for step_key in STEP_KEYS:
        answers = _answer_changes(
            checklists,
            step_key,
            old.get("answers", {}).get(step_key, {}),
            new.get("answers", {}).get(step_key, {}),
        )
        entries = [
            change
            for kind_name, kind in ENTRY_KINDS.items()
            if kind.step == step_key
            for change in _entry_changes(
                kind_name,
                old.get("entries", {}).get(kind_name, []),
                new.get("entries", {}).get(kind_name, []),
            )
        ]
        steps[step_key] = StepChanges(step_key, answers, tuple(entries))
    return steps


def _group_labels(*contents: dict[str, Any]) -> dict[int, str]:
    return {
        group["id"]: group.get("label") or ""
        for content in contents
        for group in content.get("entries", {}).get("child_groups", [])
    }


# Built once: constructing the statement costs more than running it from SQLAlchemy's cache.
_SUBMITTED_NUMBER = (
    select(Revision.number).where(Revision.id == bindparam("submitted_revision_id"))
).scalar_subquery()
_END_OF_ROUND_BEFORE = (
    select(Revision)
    .where(
        Revision.analysis_id == bindparam("analysis_id"),
        Revision.reason.in_(ROUND_ENDS),
        Revision.number < _SUBMITTED_NUMBER,
    )
    .order_by(Revision.number.desc())
    .limit(1)
)


def _end_of_round_before(current: ReviewRound) -> Revision | None:
    """The snapshot stored when the round before `current` ended: one query."""
    return db.session.scalar(
        _END_OF_ROUND_BEFORE,
        {
            "analysis_id": current.analysis_id,
            "submitted_revision_id": current.submitted_revision_id,
        },
    )


def since_previous_round(state: AnalysisState, rounds: list[ReviewRound]) -> RoundComparison:
    """Each step of the analysis now against the end of the round before the latest of
    `rounds` (lifecycle.rounds_of, oldest first). In the first round nothing counts as changed."""
    current = rounds[-1]
    if len(rounds) == 1:
        steps = {key: StepChanges(key) for key in STEP_KEYS}
        return RoundComparison(current.number, None, None, steps, {})
    previous = rounds[-2]
    # Every round ends with a snapshot; what was submitted to it is the next best thing.
    revision = _end_of_round_before(current) or previous.submitted_revision
    now = history.snapshot(state)
    return RoundComparison(
        current.number,
        previous,
        previous.completed_at,
        compare(revision.content, now, state.checklists),
        _group_labels(revision.content, now),
    )
