"""Start from an earlier analysis (issue 16, item 4): a new analysis for another decision (the
next wave, a similar decision), filled in with the content of an earlier one and linked to it.

Not a new version (bka.domain.versions): the new analysis has its own title, organisation,
diarienummer and planned decision date, its own team (only the one who starts it, as owner)
and the *current* checklist content for the same decision area, not the earlier one's.

What is copied, and what is not (docs/architecture.md explains the choices to maintainers;
the page that starts the copy explains them to the team):

- The answers of every step, checked against the current checklists: an answer to a question
  the method or pack no longer asks, or a choice no longer offered, is left out and named on the
  new analysis (`AnalysisOrigin.not_copied`).
- Not the conclusion (step 9): the best-interests assessment and its weighing are made for one
  decision and must be made again for the new one.
- Not what belongs to the earlier decision's timetable or hearing: the screening's deadline for
  the assessment, and in step 6 whether children were heard, why not, how they were kept safe and
  how their views differed; in step 10 how their views influenced the decision.
- The entries: child groups, sources, impacts, alternatives, measures, indicators and triggers.
  Measures come back planned, without a due date, and indicators without their first date of
  measurement: the new decision has its own timetable.
- Not the consultations: the children were heard about the earlier decision, and copying them
  would say they were heard about this one. What they said is carried over as one source of
  knowledge (step 5, "earlier child impact assessments") that names the earlier analysis.
- Nothing of the earlier review, comments, sign-off, decision or follow-up, and no other members.

Every step starts again "in progress": the team checks and completes each one.

A copy of a fictional demo analysis is not itself a demo analysis (bka.domain.examples), but its
page and reports say that it started from one: until the team replaces it, the content is
invented.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from bka.domain import analyses, audit, examples, history, labels, permissions, workflow
from bka.domain.checklists import Checklists, Library
from bka.domain.contract import (
    CHILDREN_HEARD,
    NOT_HEARD_REASON,
    STEP_CONCLUSION,
    STEP_FEEDBACK,
    STEP_PARTICIPATION,
    STEP_SCREENING,
)
from bka.domain.entries import ENTRY_KINDS
from bka.domain.errors import DomainError
from bka.domain.screening import screening_result
from bka.extensions import db
from bka.models import Analysis, AnalysisOrigin, Consultation, EvidenceSource, StepAnswer, User

# Steps whose answers are never copied: they are made for one decision.
STEPS_NOT_COPIED = (STEP_CONCLUSION,)
# Answers that belong to the earlier decision's timetable or to the children heard about it.
ANSWERS_NOT_COPIED = {
    STEP_SCREENING: ("assessment_deadline",),
    STEP_PARTICIPATION: (
        CHILDREN_HEARD.key,
        NOT_HEARD_REASON.key,
        "participation_safety",
        "views_divergence",
    ),
    STEP_FEEDBACK: ("views_influence",),
}
# Entry kinds never copied as entries (consultations become one evidence source instead).
KINDS_NOT_COPIED = ("consultations",)
# Fields of copied entries that start empty (or as given) in the new analysis.
FIELDS_RESET = {
    "measures": {"due_date": None, "status": "planned"},
    "indicators": {"measure_on": None},
}
# The entry fields that point at another entry, and the kind of entry they point at.
_PARENTS = {"child_group_id": "child_groups", "indicator_id": "indicators"}


def start_from(
    source: Analysis,
    library: Library,
    user: User,
    *,
    title: str,
    organisation: str,
    diarienummer: str | None = None,
    planned_decision_date=None,
) -> Analysis:
    """A new draft owned by `user`, pinned to the current checklists of `source`'s decision
    area, filled in with `source`'s content (see the module's notes) and linked to it."""
    if source.decision_area not in library.packs:
        raise DomainError(
            _l(
                "The decision area of this analysis is no longer in the checklists, so a new "
                "analysis cannot be started from it. Start a new analysis instead."
            )
        )
    analysis = analyses.create_analysis(
        library,
        user,
        title=title,
        organisation=organisation,
        decision_area=source.decision_area,
        diarienummer=diarienummer,
        planned_decision_date=planned_decision_date,
    )
    checklists = analyses.checklists_for(analysis)
    not_copied = _copy_answers(source, analysis, checklists, user)
    _copy_entries(source, analysis)
    _carry_over_views(source, analysis)
    db.session.add(
        AnalysisOrigin(
            analysis_id=analysis.id,
            source_id=source.id,
            created_by_id=user.id,
            not_copied=not_copied,
        )
    )
    revision = history.write_revision(analysis, checklists, user, workflow.STARTED_FROM_EARLIER)
    audit.record(
        "analysis_started_from",
        actor=user,
        object_type="analysis",
        object_id=analysis.id,
        details={
            "source": source.id,
            "source_version": source.version,
            "revision": revision.number,
            "sha256": revision.sha256,
            "not_copied": not_copied,
        },
    )
    return analysis


def _copy_answers(
    source: Analysis, analysis: Analysis, checklists: Checklists, user: User
) -> list[str]:
    """Copy the answers the current checklists still ask for, every step in progress; returns
    what was left out because the checklists no longer ask it ("step.key", "step.key=choice")."""
    rows = db.session.scalars(
        select(StepAnswer).where(StepAnswer.analysis_id == source.id).order_by(StepAnswer.id)
    ).all()
    by_step = {row.step_key: dict(row.answers or {}) for row in rows}
    not_copied: list[str] = []
    for step in checklists.method.steps:
        given = by_step.pop(step.key, None)
        if not given or step.key in STEPS_NOT_COPIED:
            continue
        for key in ANSWERS_NOT_COPIED.get(step.key, ()):
            given.pop(key, None)
        given, refused = _offered_choices(checklists, step.key, given)
        answers = analyses.normalise_answers(checklists, step.key, given)
        not_copied += refused
        not_copied += [f"{step.key}.{key}" for key in given if key not in answers]
        if answers:
            analysis.step_answers.append(
                StepAnswer(step_key=step.key, answers=answers, completed=False, updated_by=user)
            )
        if step.key == STEP_SCREENING:
            result = screening_result(answers)
            analysis.screening_level = result.level if result else None
    for step_key, given in by_step.items():  # a step the method no longer has
        not_copied += [f"{step_key}.{key}" for key in given]
    db.session.flush()
    return sorted(not_copied)


def _offered_choices(
    checklists: Checklists, step_key: str, given: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """`given` without the choices its questions no longer offer, and those left out."""
    kept, refused = dict(given), []
    for question in checklists.method.step(step_key).questions:
        if question.scale is None or question.key not in kept:
            continue
        offered = {choice.key for choice in question.scale.choices}
        value = kept[question.key]
        if question.kind == "multichoice" and isinstance(value, list):
            refused += [f"{step_key}.{question.key}={v}" for v in value if v not in offered]
            kept[question.key] = [v for v in value if v in offered]
        elif question.kind == "choice" and value not in offered:
            refused.append(f"{step_key}.{question.key}={value}")
            del kept[question.key]
    return kept, refused


def _copy_entries(source: Analysis, target: Analysis) -> None:
    """Copy the entries in ENTRY_KINDS order (impacts follow their child group to its copy,
    triggers their indicator), except consultations, with the timetable's fields reset."""
    copied: dict[str, dict[int, int]] = {name: {} for name in _PARENTS.values()}
    for kind in ENTRY_KINDS.values():
        if kind.name in KINDS_NOT_COPIED:
            continue
        rows = db.session.scalars(
            select(kind.model).where(kind.model.analysis_id == source.id).order_by(kind.model.id)
        ).all()
        for row in rows:
            values = {name: getattr(row, name) for name in kind.fields}
            values |= FIELDS_RESET.get(kind.name, {})
            for field_name, parent_kind in _PARENTS.items():
                if values.get(field_name) is not None:
                    values[field_name] = copied[parent_kind][values[field_name]]
            for name, value in values.items():  # JSON lists and maps: the copy's own
                if isinstance(value, (list, dict)):
                    values[name] = type(value)(value)
            copy = kind.model(analysis_id=target.id, **values)
            db.session.add(copy)
            if kind.name in copied:
                db.session.flush()
                copied[kind.name][row.id] = copy.id
    db.session.flush()


def _carry_over_views(source: Analysis, target: Analysis) -> EvidenceSource | None:
    """The earlier consultations, as one source of knowledge of step 5 naming the analysis."""
    consultations = db.session.scalars(
        select(Consultation)
        .where(Consultation.analysis_id == source.id)
        .order_by(Consultation.held_on, Consultation.id)
    ).all()
    if not consultations:
        return None
    parts = []
    for consultation in consultations:
        heard = _(
            "%(method)s, %(count)d children aged %(youngest)d–%(oldest)d",
            method=labels.CONSULTATION_METHOD.get(consultation.method, consultation.method),
            count=consultation.children_count,
            youngest=consultation.age_from,
            oldest=consultation.age_to,
        )
        if consultation.held_on is not None:
            heard = f"{consultation.held_on.isoformat()}: {heard}"
        parts.append("\n".join(part for part in (heard, consultation.views.strip()) if part))
    entry = EvidenceSource(
        analysis_id=target.id,
        kind="earlier_assessment",
        title=_("Children's views heard for “%(title)s”", title=source.title)[:300],
        reference=(source.diarienummer or "")[:500],
        findings="\n\n".join(parts),
    )
    db.session.add(entry)
    db.session.flush()
    return entry


# --- the links, both ways -------------------------------------------------------------------------


def origin_of(analysis: Analysis) -> tuple[AnalysisOrigin, Analysis] | None:
    """Where `analysis` started from: the link and the earlier analysis, or None."""
    origin = db.session.scalar(
        select(AnalysisOrigin).where(AnalysisOrigin.analysis_id == analysis.id)
    )
    if origin is None:
        return None
    return origin, db.session.get(Analysis, origin.source_id)


def started_from(analysis: Analysis, user: User) -> list[Analysis]:
    """The analyses started from `analysis` that `user` may see, oldest first: the others are
    not named, not even by title."""
    later = db.session.scalars(
        select(Analysis)
        .join(AnalysisOrigin, AnalysisOrigin.analysis_id == Analysis.id)
        .where(AnalysisOrigin.source_id == analysis.id)
        .order_by(Analysis.id)
    )
    return [each for each in later if permissions.can(user, permissions.VIEW, each)]


def links(analysis: Analysis, user: User, locale: str) -> dict:
    """What the analysis page shows of the links: where it started from (`origin`: the link
    and the earlier analysis), the answers left out then in words (`not_copied`), and the
    analyses started from it that `user` may see (`started_from`)."""
    found = origin_of(analysis)
    not_copied = []
    if found is not None and found[0].not_copied:
        earlier_checklists = analyses.checklists_for(found[1])
        not_copied = describe_not_copied(found[0].not_copied, earlier_checklists, locale)
    return {
        "origin": found,
        "origin_fictional": found is not None and examples.is_fictional(found[1]),
        "not_copied": not_copied,
        "started_from": started_from(analysis, user),
    }


def origin_notice(analysis: Analysis) -> str:
    """The line the analysis's reports print about where it started from, or ""."""
    found = origin_of(analysis)
    if found is None:
        return ""
    earlier = found[1]
    title = earlier.title if len(earlier.title) <= 70 else earlier.title[:69] + "…"
    if examples.is_fictional(earlier):
        return _("Starts from a fictional example: %(title)s", title=title)
    return _("Starts from: %(title)s", title=title)


def describe_not_copied(keys: list[str], checklists: Checklists, locale: str) -> list[str]:
    """What `keys` (AnalysisOrigin.not_copied) were, in words of the earlier analysis's own
    checklists (`checklists`): "Step 2, The decision: <question> (<choice>)"."""
    described = []
    for key in keys:
        where, _sep, choice = key.partition("=")
        step_key, _sep, question_key = where.partition(".")
        try:
            step = checklists.method.step(step_key)
        except KeyError:
            described.append(key)
            continue
        label = None
        if question_key.startswith("prompt__"):
            prompt_key = question_key.removeprefix("prompt__")
            prompt = next(
                (p for p in checklists.pack.prompts_for(step_key) if p.key == prompt_key), None
            )
            label = prompt.text.get(locale) if prompt is not None else None
        else:
            question = next((q for q in step.questions if q.key == question_key), None)
            if question is not None:
                label = question.label.get(locale)
                if choice and question.scale is not None:
                    choice = question.scale.label_for(choice, locale)
        text = f"{step.number}. {step.title.get(locale)}: {label or question_key}"
        described.append(f"{text} ({choice})" if choice else text)
    return described
