"""One page per method step: guidance, questions, pack prompts and the step's entries."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf.form import SUBMIT_METHODS
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from bka.domain import analyses as ops
from bka.domain import lifecycle, personnummer
from bka.domain.checklists import STEP_KEYS, Checklists
from bka.domain.contract import STEP_CONCLUSION, STEP_DECISION, STEP_SCREENING
from bka.domain.entries import kinds_for_step
from bka.domain.permissions import EDIT, can
from bka.domain.progress import NEEDS_CHANGES, load_state
from bka.domain.screening import screening_result
from bka.extensions import db
from bka.forms.step import build_step_form, question_fields
from bka.models import StepAnswer
from bka.views.helpers import load_analysis, refuse_personnummer
from bka.web.i18n import current_language
from bka.web.security import form_checks_csrf

bp = Blueprint("steps", __name__, url_prefix="/analyses/<int:analysis_id>/steps")


def _form_data(
    checklists: Checklists, step_key: str, answers: dict, completed: bool, lock_version: int
) -> dict:
    """Stored answers as form data: ISO dates back to dates, suggested articles pre-ticked."""
    data = dict(answers)
    for question in checklists.method.step(step_key).questions:
        value = data.get(question.key)
        if question.kind == "date" and isinstance(value, str):
            try:
                data[question.key] = date.fromisoformat(value)
            except ValueError:
                data.pop(question.key)
        if question.kind == "articles" and value is None:
            data[question.key] = list(checklists.suggested_articles())
    data["mark_completed"] = completed
    data["base_version"] = lock_version
    return data


def _next_step(step_key: str) -> str | None:
    index = STEP_KEYS.index(step_key)
    return STEP_KEYS[index + 1] if index + 1 < len(STEP_KEYS) else None


def _save(analysis, checklists, step_key: str, form, locale: str):
    """Save the step. Returns a redirect when saved, None when kept as an incomplete draft
    (errors are on the form), or the newer StepAnswer when someone else saved in between."""
    values = question_fields(form)
    row = _current_row(analysis, step_key)
    try:
        personnummer.require_confirmation(
            analysis.id,
            current_user,
            step_key,
            values,
            previous=row.answers if row is not None else None,
            **form.confirmation,
        )
        ops.save_step(
            analysis,
            checklists,
            step_key,
            values,
            current_user,
            mark_completed=form.mark_completed.data,
            base_version=form.base_version.data,
        )
        db.session.commit()
    except ops.SaveConflict:
        db.session.rollback()
        return _current_row(analysis, step_key)
    except personnummer.PersonnummerFound as error:  # nothing is saved; the text is kept
        refuse_personnummer(form, error)
        return None
    except (StaleDataError, IntegrityError):  # a concurrent save won the race
        db.session.rollback()
        return _current_row(analysis, step_key)
    except ops.StepIncomplete as incomplete:
        db.session.commit()  # the draft is kept even though the step is not complete
        for item in incomplete.missing:
            field = getattr(form, item.target, None)
            message = item.describe(locale)
            if field is not None:
                field.errors = [*field.errors, message]
            else:
                form.form_errors.append(message)
        form.mark_completed.data = False
        _set_base_version(form, _current_row(analysis, step_key).lock_version)
        flash(_l("Your answers are saved, but the step is not complete yet."), "warning")
        return None
    flash(_l("Your answers are saved."), "success")
    following = _next_step(step_key)
    if form.save_continue.data and following:
        return redirect(url_for("steps.step", analysis_id=analysis.id, step_key=following))
    if form.save_continue.data:
        return redirect(url_for("analyses.check", analysis_id=analysis.id))
    return redirect(url_for("analyses.hub", analysis_id=analysis.id))


def _set_base_version(form, version: int) -> None:
    """Point the re-rendered form at the newest saved version (raw_data wins when rendering)."""
    form.base_version.data = version
    form.base_version.raw_data = [str(version)]


def _current_row(analysis, step_key: str) -> StepAnswer | None:
    return db.session.scalar(
        select(StepAnswer).where(
            StepAnswer.analysis_id == analysis.id, StepAnswer.step_key == step_key
        )
    )


# The steps about the decision show, once it is taken, the decision as it was taken.
DECISION_STEPS = (STEP_DECISION, STEP_CONCLUSION)


@bp.route("/<step_key>", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def step(analysis_id: int, step_key: str):
    analysis = load_analysis(analysis_id)
    if step_key not in STEP_KEYS:
        abort(404)
    checklists = ops.checklists_for(analysis)
    state = load_state(analysis, checklists)
    locale = current_language()
    editable = can(current_user, EDIT, analysis)
    if request.method in SUBMIT_METHODS and not editable:
        abort(403)
    # Only those who may edit see the form; a read-only page never builds it.
    form = (
        build_step_form(
            checklists,
            step_key,
            locale,
            data=_form_data(
                checklists,
                step_key,
                state.step_answers(step_key),
                state.completed_flags.get(step_key, False),
                state.lock_versions.get(step_key, 0),
            ),
        )
        if editable
        else None
    )
    conflict = None
    if form is not None and form.is_submitted() and form.validate():
        outcome = _save(analysis, checklists, step_key, form, locale)
        if not isinstance(outcome, StepAnswer | None):
            return outcome  # saved: redirect
        conflict = outcome
        if conflict is not None:  # saving again now deliberately replaces their version
            _set_base_version(form, conflict.lock_version)
        state = load_state(analysis, checklists)
    step_def = checklists.method.step(step_key)
    status = lifecycle.status_of_step(analysis, state, step_key)
    return render_template(
        "steps/step.html",
        analysis=analysis,
        checklists=checklists,
        step=step_def,
        form=form,
        state=state,
        editable=editable,
        status=status,
        entry_kinds=kinds_for_step(step_key),
        prompts=checklists.pack.prompts_for(step_key),
        screening=screening_result(state.step_answers(STEP_SCREENING))
        if step_key == STEP_SCREENING
        else None,
        locale=locale,
        threads=lifecycle.comments_by_step(analysis),
        decisions=lifecycle.decisions_of(analysis) if step_key in DECISION_STEPS else [],
        needs_changes=status == NEEDS_CHANGES,
        conflict=conflict,
        yours=ops.normalise_answers(checklists, step_key, question_fields(form))
        if conflict
        else None,
    ), 409 if conflict else 200
