"""One page per method step: guidance, questions, pack prompts and the step's entries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf.form import SUBMIT_METHODS
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import MultiDict

from bka.domain import analyses as ops
from bka.domain import lifecycle, organisation_profiles, participation, personnummer
from bka.domain.checklists import GENERAL_PRINCIPLES, STEP_KEYS, Checklists
from bka.domain.contract import STEP_CONCLUSION, STEP_DECISION, STEP_FEEDBACK, STEP_SCREENING
from bka.domain.entries import ENTRY_KINDS, kinds_for_step
from bka.domain.errors import FieldError
from bka.domain.permissions import COMMENT, EDIT, RESOLVE_COMMENTS, can
from bka.domain.progress import NEEDS_CHANGES, load_state, required_questions
from bka.domain.screening import screening_result
from bka.extensions import db
from bka.forms.review import CommentForm
from bka.forms.step import build_step_form, question_fields
from bka.models import StepAnswer
from bka.views import lifecycle as lifecycle_views
from bka.views.helpers import library, load_analysis, refuse_personnummer
from bka.web import unsaved
from bka.web.i18n import current_language
from bka.web.security import database_int, form_checks_csrf

bp = Blueprint("steps", __name__, url_prefix="/analyses/<int:analysis_id>/steps")


def _form_data(
    checklists: Checklists, step_key: str, answers: dict, completed: bool, lock_version: int
) -> dict:
    """Stored answers as form data: ISO dates back to dates; on a new analysis only the general
    principles ticked (the area's suggested articles are shown as suggestions, not ticked)."""
    data = dict(answers)
    for question in checklists.method.step(step_key).questions:
        value = data.get(question.key)
        if question.kind == "date" and isinstance(value, str):
            try:
                data[question.key] = date.fromisoformat(value)
            except ValueError:
                data.pop(question.key)
        if question.kind == "articles" and value is None:
            data[question.key] = list(GENERAL_PRINCIPLES)
    data["mark_completed"] = completed
    data["base_version"] = lock_version
    return data


def _next_step(step_key: str) -> str | None:
    index = STEP_KEYS.index(step_key)
    return STEP_KEYS[index + 1] if index + 1 < len(STEP_KEYS) else None


def _save(analysis, checklists, step_key: str, form, locale: str, then: Callable | None):
    """Save the step. Returns a redirect when saved, None when kept as an incomplete draft
    (errors are on the form), or the newer StepAnswer when someone else saved in between.
    With `then` (a button other than save), a saved draft goes on to what `then` answers."""
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
    except FieldError as error:  # a rule refused a value before anything was written
        form.add_domain_error(error)
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
        return then() if then is not None else None
    flash(_l("Your answers are saved."), "success")
    if then is not None:
        return then()
    following = _next_step(step_key)
    if form.save_continue.data and following:
        return redirect(url_for("steps.step", analysis_id=analysis.id, step_key=following))
    if form.save_continue.data:
        return redirect(url_for("analyses.check", analysis_id=analysis.id))
    return redirect(url_for("analyses.hub", analysis_id=analysis.id))


def _then(analysis, step_key: str) -> Callable | None:
    """What a button on the step page other than save does once the step's answers are saved:
    open an entry page (`go`), or reply to, resolve or add a comment. These buttons belong to
    the step form so that nothing typed is lost on the way, also without JavaScript. The
    permission to comment or resolve is checked here, before anything is saved."""
    form = request.form
    if "go" in form:
        target = _entry_page(analysis.id, form["go"])
        return lambda: redirect(target)
    if "resolve" in form:
        thread_id = _id(form["resolve"])
        load_analysis(analysis.id, RESOLVE_COMMENTS)
        return lambda: lifecycle_views.resolve_thread(analysis, thread_id)
    if "reply_to" in form or "add_comment" in form:
        thread_id = _id(form["reply_to"]) if "reply_to" in form else None
        body_field = f"reply-{thread_id}" if thread_id else "new_comment"
        load_analysis(analysis.id, COMMENT)
        values = {"body": form.get(body_field, ""), "step_key": step_key}
        if thread_id:
            values["parent_id"] = str(thread_id)
        comment = CommentForm(formdata=MultiDict(values), meta={"csrf": False})
        return lambda: lifecycle_views.add_comment(analysis, comment)
    return None


def _id(value: str) -> int:
    try:
        return database_int(value)
    except ValueError:
        abort(400)


def _entry_page(analysis_id: int, value: str) -> str:
    """The entry page a `go` button names: "new/<kind>", "new/impacts/<article>/<group id>",
    "edit/<kind>/<id>" or "delete/<kind>/<id>". Anything else is a bad request."""
    parts = value.split("/")
    if not 2 <= len(parts) <= 4 or parts[1] not in ENTRY_KINDS:
        abort(400)
    action, kind_name = parts[:2]
    ids = [_id(part) for part in parts[2:]]
    if action == "new" and not ids:
        return url_for("entries.new", analysis_id=analysis_id, kind_name=kind_name)
    if action == "new" and kind_name == "impacts" and len(ids) == 2:
        return url_for(
            "entries.new",
            analysis_id=analysis_id,
            kind_name=kind_name,
            article=ids[0],
            child_group_id=ids[1],
        )
    if action in ("edit", "delete") and len(ids) == 1:
        endpoint = "entries.edit" if action == "edit" else "entries.delete"
        return url_for(endpoint, analysis_id=analysis_id, kind_name=kind_name, entry_id=ids[0])
    abort(400)


def _unchanged(form, checklists, step_key: str, state) -> bool:
    """Whether the posted answers and completion are what is stored (then nothing is saved)."""
    completed = state.completed_flags.get(step_key, False)
    stored = _form_data(checklists, step_key, state.step_answers(step_key), completed, 0)
    return bool(form.mark_completed.data) == completed and ops.normalise_answers(
        checklists, step_key, question_fields(form)
    ) == ops.normalise_answers(checklists, step_key, stored)


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
@unsaved.keeps_typed_text
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
    # Text typed before the session ended, offered back (not saved) to its writer.
    kept = (
        unsaved.offered(analysis.id, step_key)
        if editable and request.method not in SUBMIT_METHODS
        else None
    )
    kept_data = MultiDict(kept.fields if kept is not None else [])
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
            **({"formdata": kept_data} if kept is not None else {}),
        )
        if editable
        else None
    )
    conflict = None
    if form is not None and form.is_submitted() and form.validate():
        then = _then(analysis, step_key)
        if unsaved.forget(analysis.id, step_key):  # the text is here again: saved or shown
            db.session.commit()
        if then is not None and _unchanged(form, checklists, step_key, state):
            return then()  # nothing to save
        outcome = _save(analysis, checklists, step_key, form, locale, then)
        if not isinstance(outcome, StepAnswer | None):
            return outcome  # saved: redirect
        conflict = outcome
        if conflict is not None:  # saving again now deliberately replaces their version
            _set_base_version(form, conflict.lock_version)
        state = load_state(analysis, checklists)
    step_def = checklists.method.step(step_key)
    status = lifecycle.status_of_step(analysis, state, step_key)
    level = checklists.method.levels.get(analysis.screening_level or "")
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
        required_keys=required_questions(checklists.method, analysis.screening_level, step_key),
        # A step the analysis's level does not require says so, with what the level covers.
        optional_step=level.description if level and step_key not in level.steps else None,
        prompts=checklists.pack.prompts_for(step_key),
        screening=screening_result(state.step_answers(STEP_SCREENING))
        if step_key == STEP_SCREENING
        else None,
        locale=locale,
        organisation_guidance=organisation_profiles.guidance_for(
            analysis,
            state.step_answers(STEP_SCREENING),
            locale,
            (checklists.method, library().method),
        )
        if step_key == STEP_SCREENING
        else None,
        threads=lifecycle.comments_by_step(analysis),
        decisions=lifecycle.decisions_of(analysis) if step_key in DECISION_STEPS else [],
        # Step 10 shows whether feedback reached the children of each consultation.
        consultation_feedback=participation.consultation_feedback(
            analysis, state.entries["consultations"]
        )
        if step_key == STEP_FEEDBACK
        else [],
        needs_changes=status == NEEDS_CHANGES,
        conflict=conflict,
        yours=ops.normalise_answers(checklists, step_key, question_fields(form))
        if conflict
        else None,
        kept=kept,
        # What the comment boxes that belong to the step form show again.
        posted=request.form if form is not None and form.is_submitted() else kept_data,
    ), 409 if conflict else 200


@bp.route("/<step_key>/unsaved/discard", methods=["POST"])
@login_required
def discard_unsaved(analysis_id: int, step_key: str):
    """Throw away the text kept from before the session ended; the saved answers stay."""
    analysis = load_analysis(analysis_id)
    if step_key not in STEP_KEYS:
        abort(404)
    if unsaved.forget(analysis.id, step_key):
        db.session.commit()
        flash(_l("The text that was not saved is discarded."), "success")
    return redirect(url_for("steps.step", analysis_id=analysis.id, step_key=step_key))
