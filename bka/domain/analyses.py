"""Operations on analyses: create, save a step, manage entries and members, screen out.

Every operation flushes and leaves the commit to the caller (one commit per request).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, or_, select

from bka.domain import audit, four_eyes, history, workflow
from bka.domain.checklists import (
    GENERAL_PRINCIPLES,
    STEP_KEYS,
    Checklists,
    Library,
    Method,
    cached_checklists,
    cached_method,
    content_hash,
    parse_method_snapshot,
    parse_snapshot,
)
from bka.domain.contract import STEP_SCREENING
from bka.domain.entries import DIRECTIONS, PARTICIPATION_REQUIREMENTS, EntryKind
from bka.domain.errors import DomainError, FieldError
from bka.domain.progress import AnalysisState, Missing, load_state, missing_for_step
from bka.domain.screening import screening_result
from bka.domain.search import LIKE_ESCAPE, like_pattern
from bka.extensions import db
from bka.models import (
    Analysis,
    ChecklistRevision,
    ChildGroup,
    EditLog,
    Impact,
    Membership,
    StepAnswer,
    Trigger,
    User,
)
from bka.models.analysis import MEMBER_EDITOR, MEMBER_OWNER, MEMBER_VIEWER
from bka.models.base import utcnow


class SaveConflict(DomainError):
    """Someone else saved the step after this user loaded it; nothing was written."""

    def __init__(self, current: StepAnswer):
        super().__init__("save conflict")
        self.current = current


class StepIncomplete(DomainError):
    """The step was saved as a draft but cannot be marked completed yet."""

    def __init__(self, missing: list[Missing]):
        super().__init__("step incomplete")
        self.missing = missing


# --- checklists ---------------------------------------------------------------------------------


def _revision_for(checklist_id: str, raw: dict[str, Any]) -> ChecklistRevision:
    digest = content_hash(raw)
    revision = db.session.scalar(
        select(ChecklistRevision).where(
            ChecklistRevision.checklist_id == checklist_id,
            ChecklistRevision.version == raw["version"],
            ChecklistRevision.content_hash == digest,
        )
    )
    if revision is None:
        revision = ChecklistRevision(
            checklist_id=checklist_id, version=raw["version"], content_hash=digest, content=raw
        )
        db.session.add(revision)
        db.session.flush()
    return revision


_REVISION_HASHES = select(ChecklistRevision.id, ChecklistRevision.content_hash).where(
    ChecklistRevision.id.in_(bindparam("ids", expanding=True))
)


def checklists_for(analysis: Analysis) -> Checklists:
    """The checklist content `analysis` was started with, parsed once per process."""
    ids = (analysis.method_revision_id, analysis.convention_revision_id, analysis.pack_revision_id)
    rows = dict(db.session.execute(_REVISION_HASHES, {"ids": list(ids)}).all())
    hashes = tuple(rows[revision_id] for revision_id in ids)
    parsed = cached_checklists(hashes)
    if parsed is None:
        parsed = parse_snapshot(
            hashes,
            analysis.method_revision.content,
            analysis.convention_revision.content,
            analysis.pack_revision.content,
        )
    return parsed


_METHOD_HASHES = (
    select(Analysis.id, ChecklistRevision.id, ChecklistRevision.content_hash)
    .join(ChecklistRevision, ChecklistRevision.id == Analysis.method_revision_id)
    .where(Analysis.id.in_(bindparam("ids", expanding=True)))
)


def methods_of(analyses: Iterable[Analysis]) -> dict[int, Method]:
    """The method each of `analyses` was started with, by analysis id: for lists, one query
    and each snapshot parsed once per process."""
    ids = [analysis.id for analysis in analyses]
    if not ids:
        return {}
    rows = db.session.execute(_METHOD_HASHES, {"ids": ids}).all()
    methods = {}
    for analysis_id, revision_id, digest in rows:
        method = cached_method(digest)
        if method is None:
            content = db.session.get(ChecklistRevision, revision_id).content
            method = parse_method_snapshot(digest, content)
        methods[analysis_id] = method
    return methods


# --- analyses -----------------------------------------------------------------------------------


def touch(analysis: Analysis, user: User) -> None:
    analysis.updated_at = utcnow()
    analysis.updated_by = user


def create_analysis(
    library: Library,
    user: User,
    *,
    title: str,
    organisation: str,
    decision_area: str,
    diarienummer: str | None = None,
    planned_decision_date: date | None = None,
) -> Analysis:
    """Start an analysis owned by `user`, pinned to the current checklist content."""
    if decision_area not in library.packs:
        raise FieldError("decision_area", _l("Choose a decision area from the list."))
    raw = library.raw_for_area(decision_area)
    analysis = Analysis(
        title=title,
        organisation=organisation,
        decision_area=decision_area,
        diarienummer=diarienummer or None,
        planned_decision_date=planned_decision_date,
        status=workflow.DRAFT,
        method_revision=_revision_for(raw["method"]["id"], raw["method"]),
        convention_revision=_revision_for(raw["convention"]["id"], raw["convention"]),
        pack_revision=_revision_for(raw["pack"]["id"], raw["pack"]),
        created_by=user,
        updated_by=user,
    )
    analysis.memberships.append(Membership(user=user, role=MEMBER_OWNER))
    four_eyes.record_author(analysis, user, MEMBER_OWNER)
    db.session.add(analysis)
    db.session.flush()
    return analysis


def update_details(
    analysis: Analysis,
    user: User,
    *,
    title: str,
    organisation: str,
    diarienummer: str | None,
    planned_decision_date: date | None,
) -> None:
    """Change the analysis's details; the decision area is fixed when the analysis starts."""
    before = history.details_of(analysis)
    analysis.title = title
    analysis.organisation = organisation
    analysis.diarienummer = diarienummer or None
    analysis.planned_decision_date = planned_decision_date
    history.log_changes(analysis, user, "details", before, history.details_of(analysis))
    touch(analysis, user)
    db.session.flush()


def _json_safe(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return [_json_safe(item) for item in value]
    return value


def normalise_answers(checklists: Checklists, step_key: str, values: dict[str, Any]) -> dict:
    """Keep the step's known keys, drop blanks, make dates JSON-safe, pin articles 2/3/6/12."""
    step = checklists.method.step(step_key)
    known = {question.key: question for question in step.questions}
    prompt_keys = {f"prompt__{prompt.key}" for prompt in checklists.pack.prompts_for(step_key)}
    answers: dict[str, Any] = {}
    for key, value in values.items():
        if key not in known and key not in prompt_keys:
            continue
        question = known.get(key)
        if question is not None and question.kind == "articles":
            value = sorted(set(GENERAL_PRINCIPLES) | {int(number) for number in value or []})
        if value is None or value == "" or value == []:
            continue
        answers[key] = _json_safe(value)
    return answers


def refuse_procedural_articles(
    checklists: Checklists, key: str, chosen: Any, engaged_before: Any
) -> None:
    """Refuse (FieldError on `key`) articles 43-54 among `chosen` that were not engaged before:
    they are procedural, not rights to assess. An analysis that engaged one before this rule
    keeps it until the team unticks it."""
    before = {int(number) for number in engaged_before or []}
    refused = sorted(
        number
        for number in {int(number) for number in chosen or []}
        if checklists.convention.is_procedural(number) and number not in before
    )
    if refused:
        raise FieldError(
            key,
            _l(
                "Articles 43–54 cannot be engaged: they are about how the Convention is monitored "
                "and comes into force, not rights of the child to assess. Untick %(articles)s.",
                articles=", ".join(str(number) for number in refused),
            ),
        )


def save_step(
    analysis: Analysis,
    checklists: Checklists,
    step_key: str,
    values: dict[str, Any],
    user: User,
    *,
    mark_completed: bool = False,
    base_version: int | None = None,
) -> StepAnswer:
    """Store the step's answers as a draft; if asked, mark it completed when nothing is missing.

    The draft is saved even when completion is refused (StepIncomplete), so nothing is lost.
    `base_version` is the lock version the user's form was loaded with (0: no saved answers);
    if the step has changed since, SaveConflict is raised and nothing is written.
    """
    # The analysis's row lock first: concurrent saves of one analysis (several workers or
    # instances on PostgreSQL) then queue, instead of locking the step's row and the analysis's
    # in opposite orders and deadlocking (tests/test_instances.py). SQLite locks the database.
    db.session.execute(select(Analysis.id).where(Analysis.id == analysis.id).with_for_update())
    row = db.session.scalar(
        select(StepAnswer).where(
            StepAnswer.analysis_id == analysis.id, StepAnswer.step_key == step_key
        )
    )
    if base_version is not None and row is not None and row.lock_version != base_version:
        raise SaveConflict(row)
    stored = (row.answers or {}) if row is not None else {}
    for question in checklists.method.step(step_key).questions:
        if question.kind == "articles":
            refuse_procedural_articles(
                checklists, question.key, values.get(question.key), stored.get(question.key)
            )
    if row is None:
        row = StepAnswer(analysis=analysis, step_key=step_key, updated_by=user, answers={})
        db.session.add(row)
    previous = dict(row.answers or {})
    row.answers = normalise_answers(checklists, step_key, values)
    history.log_changes(analysis, user, step_key, previous, row.answers)
    row.updated_at = utcnow()
    row.updated_by = user
    row.completed = False
    if step_key == STEP_SCREENING:
        result = screening_result(row.answers)
        analysis.screening_level = result.level if result else None
    touch(analysis, user)
    db.session.flush()
    if mark_completed:
        missing = missing_for_step(load_state(analysis, checklists), step_key)
        if missing:
            raise StepIncomplete(missing)
        row.completed = True
        db.session.flush()
    return row


# --- structured entries -------------------------------------------------------------------------


def _check_entry(state: AnalysisState, kind: EntryKind, values: dict, entry=None) -> dict:
    """Rules across entries: impacts point at engaged articles and this analysis's groups,
    triggers at this analysis's indicators. Returns the values to store."""
    if kind.name == "triggers":
        # Imported here: bka.domain.reassessment builds on follow_up, which builds on this module.
        from bka.domain.reassessment import check_trigger

        return check_trigger(state.analysis, values)
    if kind.name == "alternatives":
        return {**values, "article_effects": _article_effects(state, values, entry)}
    if kind.name == "impacts":
        if values["article"] not in state.engaged_articles():
            raise FieldError("article", _l("Choose one of the articles engaged in step 4."))
        if state.checklists.convention.is_procedural(values["article"]) and (
            entry is None or entry.article != values["article"]
        ):
            raise FieldError(
                "article",
                _l("Articles 43–54 are procedural and are not assessed; choose another article."),
            )
        group = db.session.get(ChildGroup, values["child_group_id"])
        if group is None or group.analysis_id != state.analysis.id:
            raise FieldError("child_group_id", _l("Choose one of this analysis's child groups."))
        duplicate = db.session.scalar(
            select(Impact.id).where(
                Impact.analysis_id == state.analysis.id,
                Impact.article == values["article"],
                Impact.child_group_id == values["child_group_id"],
            )
        )
        if duplicate is not None and (entry is None or duplicate != entry.id):
            raise FieldError(
                "child_group_id",
                _l("This article and child group are already assessed; edit that entry instead."),
            )
    if kind.name == "consultations":
        return _check_consultation(values)
    return values


def _check_consultation(values: dict) -> dict:
    """Ages in order; the requirements met are known keys, kept in the method's order; feedback
    is recorded as a date and a way together, and not before the consultation."""
    if values["age_from"] > values["age_to"]:
        raise FieldError("age_to", _l("The upper age cannot be lower than the lower age."))
    if "requirements_met" in values:
        chosen = values["requirements_met"]
        if chosen is not None:
            if any(key not in PARTICIPATION_REQUIREMENTS for key in chosen):
                raise FieldError("requirements_met", _l("Choose only requirements from the list."))
            values["requirements_met"] = [
                key for key in PARTICIPATION_REQUIREMENTS if key in set(chosen)
            ]
    given_on, how = values.get("feedback_given_on"), (values.get("feedback_how") or "").strip()
    if given_on is not None and not how:
        raise FieldError("feedback_how", _l("Say how the feedback reached the children."))
    if how and given_on is None:
        raise FieldError(
            "feedback_given_on", _l("Enter the date the children were given feedback.")
        )
    held_on = values.get("held_on")
    if given_on is not None and held_on is not None and given_on < held_on:
        raise FieldError(
            "feedback_given_on",
            _l("The feedback cannot be given before the consultation was held."),
        )
    return values


# Steps whose completeness depends on another step's entries.
_DEPENDENT_STEPS = {"child_groups": ("impacts",), "impacts": ("alternatives",)}


def _article_effects(state: AnalysisState, values: dict, entry) -> dict[str, str]:
    """An alternative's effects, by article number as text: only engaged articles, only the
    four effects. Effects on articles no longer engaged are kept (they show again if the
    article is engaged again); the proposal's effects are the impact matrix, so it has none."""
    given = values.get("article_effects")
    if given is None:
        return dict(entry.article_effects or {}) if entry is not None else {}
    if not isinstance(given, dict):
        raise FieldError("article_effects", _l("Choose an effect for each article."))
    engaged = {str(number) for number in state.engaged_articles()}
    before = (entry.article_effects or {}) if entry is not None else {}
    effects = {key: effect for key, effect in before.items() if key not in engaged}
    for key, effect in given.items():
        if str(key) not in engaged:
            raise FieldError(
                "article_effects", _l("Assess the alternative only against engaged articles.")
            )
        if effect not in DIRECTIONS:
            raise FieldError("article_effects", _l("Choose an effect for each article."))
        effects[str(key)] = effect
    return {} if values.get("is_preferred") else effects


def _mark_steps_open(analysis: Analysis, kind: EntryKind) -> None:
    """A changed entry re-opens its step (and steps that depend on it) for confirmation."""
    step_keys = (kind.step, *_DEPENDENT_STEPS.get(kind.name, ()))
    rows = db.session.scalars(
        select(StepAnswer).where(
            StepAnswer.analysis_id == analysis.id, StepAnswer.step_key.in_(step_keys)
        )
    )
    for row in rows:
        row.completed = False


def save_entry(
    state: AnalysisState, kind: EntryKind, values: dict[str, Any], user: User, entry=None
):
    """Add an entry of `kind` (entry None) or change `entry`; returns the entry."""
    values = {name: values[name] for name in kind.fields if name in values}
    values = _check_entry(state, kind, values, entry)
    previous = {} if entry is None else history.entry_values(kind.name, entry)
    if entry is None:
        entry = kind.model(analysis_id=state.analysis.id)
        db.session.add(entry)
    for name, value in values.items():
        setattr(entry, name, value)
    db.session.flush()
    history.log_changes(
        state.analysis,
        user,
        kind.name,
        previous,
        history.entry_values(kind.name, entry),
        entry_id=entry.id,
    )
    if kind.name == "alternatives":
        # One proposal and one recommendation: marking another moves the mark.
        for flag in ("is_preferred", "is_recommended"):
            if values.get(flag):
                for other in state.entries["alternatives"]:
                    if other is not entry:
                        setattr(other, flag, False)
    _mark_steps_open(state.analysis, kind)
    touch(state.analysis, user)
    db.session.flush()
    return entry


def delete_entry(state: AnalysisState, kind: EntryKind, entry, user: User) -> None:
    """Remove `entry`; an indicator takes the triggers on its readings with it."""
    doomed = [(kind.name, entry)]
    if kind.name == "indicators":
        doomed += [
            ("triggers", trigger)
            for trigger in db.session.scalars(
                select(Trigger).where(Trigger.indicator_id == entry.id)
            )
        ]
    for name, row in doomed:
        history.log_changes(
            state.analysis, user, name, history.entry_values(name, row), {}, entry_id=row.id
        )
        db.session.delete(row)
    _mark_steps_open(state.analysis, kind)
    touch(state.analysis, user)
    db.session.flush()


def get_entry(analysis: Analysis, kind: EntryKind, entry_id: int):
    """The entry of `kind` with `entry_id` if it belongs to `analysis`, else None."""
    entry = db.session.get(kind.model, entry_id)
    if entry is None or entry.analysis_id != analysis.id:
        return None
    return entry


def restore_answer(analysis: Analysis, checklists: Checklists, edit: EditLog, user: User) -> None:
    """Put back the value a step question had before `edit` (itself logged as a change)."""
    if edit.analysis_id != analysis.id or edit.area not in STEP_KEYS or edit.entry_id is not None:
        raise DomainError(_l("Only answers to a step's questions can be restored."))
    current = dict(
        db.session.scalar(
            select(StepAnswer.answers).where(
                StepAnswer.analysis_id == analysis.id, StepAnswer.step_key == edit.area
            )
        )
        or {}
    )
    current[edit.field] = edit.old_value
    save_step(analysis, checklists, edit.area, current, user)


# --- members --------------------------------------------------------------------------------------


def add_member(analysis: Analysis, email: str, role: str, actor: User) -> Membership:
    if role not in (MEMBER_EDITOR, MEMBER_VIEWER):
        raise FieldError("role", _l("Choose editor or viewer."))
    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or not user.active:
        raise FieldError("email", _l("There is no active user with that e-mail address."))
    if any(membership.user_id == user.id for membership in analysis.memberships):
        raise FieldError("email", _l("That user is already a member of this analysis."))
    membership = Membership(user=user, role=role)
    analysis.memberships.append(membership)
    four_eyes.record_author(analysis, user, role)
    touch(analysis, actor)
    audit.record(
        "member_added",
        actor=actor,
        object_type="analysis",
        object_id=analysis.id,
        details={"user": user.email, "role": role},
    )
    db.session.flush()
    return membership


def remove_member(analysis: Analysis, membership: Membership, actor: User) -> None:
    if membership.role == MEMBER_OWNER:
        raise DomainError(_l("The owner cannot be removed from the analysis."))
    audit.record(
        "member_removed",
        actor=actor,
        object_type="analysis",
        object_id=analysis.id,
        details={"user": membership.user.email, "role": membership.role},
    )
    analysis.memberships.remove(membership)
    db.session.delete(membership)
    touch(analysis, actor)
    db.session.flush()


# --- queries ------------------------------------------------------------------------------------


def analyses_for(user: User, search: str | None = None):
    """A select of the analyses `user` is a member of, newest change first, optionally searched."""
    query = (
        select(Analysis)
        .join(Membership, Membership.analysis_id == Analysis.id)
        .where(Membership.user_id == user.id)
        .order_by(Analysis.updated_at.desc(), Analysis.id.desc())
    )
    if search:
        pattern = like_pattern(search)
        query = query.where(
            or_(
                Analysis.title.ilike(pattern, escape=LIKE_ESCAPE),
                Analysis.diarienummer.ilike(pattern, escape=LIKE_ESCAPE),
            )
        )
    return query
