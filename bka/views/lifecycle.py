"""Submitting, reviewing, signing off, new versions, the decision, follow-up and comments."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from bka.domain import analyses as ops
from bka.domain import labels, lifecycle, personnummer, reporting, round_changes, versions
from bka.domain.checklists import STEP_KEYS
from bka.domain.contract import STEP_SCREENING
from bka.domain.errors import DomainError, FieldError
from bka.domain.permissions import COMMENT, RESOLVE_COMMENTS, REVIEW
from bka.domain.progress import all_missing, load_state
from bka.extensions import db
from bka.forms.review import (
    CommentForm,
    DecisionForm,
    build_review_form,
    review_texts,
    review_values,
)
from bka.models import Comment, User
from bka.views.helpers import (
    check_page_context,
    load_analysis,
    refuse_personnummer,
    submit_form,
)
from bka.web.i18n import current_language
from bka.web.security import form_checks_csrf

bp = Blueprint("lifecycle", __name__, url_prefix="/analyses/<int:analysis_id>")


def _hub(analysis_id: int):
    return redirect(url_for("analyses.hub", analysis_id=analysis_id))


@bp.route("/submit", methods=["POST"])
@login_required
@form_checks_csrf
def submit(analysis_id: int):
    analysis = load_analysis(analysis_id, "transition:submit")
    checklists = ops.checklists_for(analysis)
    form = submit_form(analysis)
    if form.validate():
        try:
            lifecycle.submit_for_review(
                analysis, checklists, current_user, db.session.get(User, form.reviewer.data)
            )
        except ops.StepIncomplete:
            flash(
                _l("The analysis cannot be sent for review yet: what is left is listed below."),
                "error",
            )
        except FieldError as error:
            form.add_domain_error(error)
        else:
            db.session.commit()
            flash(_l("The analysis is sent for review."), "success")
            return _hub(analysis.id)
    return render_template("analyses/check.html", **check_page_context(analysis, form))


@bp.route("/review", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def review(analysis_id: int):
    analysis = load_analysis(analysis_id, REVIEW)
    checklists = ops.checklists_for(analysis)
    target = "screened_out" if lifecycle.is_no_bka(analysis) else "approved"
    form = build_review_form(checklists, current_language(), target)
    if form.validate_on_submit():
        values = review_values(form)
        try:
            personnummer.require_confirmation(
                analysis.id, current_user, "review", review_texts(form), **form.confirmation
            )
            if form.send_back.data:
                lifecycle.return_for_changes(analysis, checklists, current_user, **values)
                message = _l("The analysis is sent back to the team.")
            else:
                reporting.sign_off_and_archive(
                    analysis,
                    checklists,
                    current_user,
                    **values,
                    title=form.title.data or "",
                    statements=form.statements.data,
                    locale=current_language(),
                )
                message = _l("You have signed off the analysis.")
        except personnummer.PersonnummerFound as error:
            refuse_personnummer(form, error)
        except FieldError as error:
            form.add_domain_error(error)
        except DomainError as error:  # nothing of this review is kept; the form still is
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(message, "success")
            return _hub(analysis.id)
    state = load_state(analysis, checklists)
    rounds = lifecycle.rounds_of(analysis)
    return render_template(
        "lifecycle/review.html",
        analysis=analysis,
        checklists=checklists,
        state=state,
        form=form,
        rounds=rounds,
        comparison=round_changes.since_previous_round(state, rounds),
        threads=lifecycle.comments_by_step(analysis),
        missing=all_missing(state),
        locale=current_language(),
        no_bka=target == "screened_out",
    )


@bp.route("/new-version", methods=["POST"])
@login_required
def new_version(analysis_id: int):
    analysis = load_analysis(analysis_id, "transition:new_version")
    lifecycle.open_new_version(analysis, ops.checklists_for(analysis), current_user)
    db.session.commit()
    flash(_l("A new version is open for editing. The earlier sign-off is superseded."), "success")
    return _hub(analysis.id)


# What the team is told after recording each outcome, and where it goes next.
DECISION_MESSAGES = {
    lifecycle.ADOPTED: _l("The decision is recorded."),
    lifecycle.ADOPTED_WITH_CHANGES: _l("The decision is recorded."),
    lifecycle.REJECTED: _l("The decision is recorded."),
    lifecycle.REFERRED_BACK: _l(
        "The referral back is recorded. This is the new version: it has the answers of the "
        "referred version, and the team can work on it now."
    ),
    lifecycle.POSTPONED: _l(
        "The postponement is recorded. The analysis stays signed off: record the decision when "
        "it is taken."
    ),
}


@bp.route("/decision", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def decision(analysis_id: int):
    analysis = load_analysis(analysis_id, "transition:record_decision")
    form = DecisionForm(diarienummer=analysis.diarienummer or "")
    if form.validate_on_submit():
        try:
            personnummer.require_confirmation(
                analysis.id,
                current_user,
                "decision",
                form.texts(),
                previous={"diarienummer": analysis.diarienummer or ""},
                **form.confirmation,
            )
            record = lifecycle.record_decision(
                analysis, ops.checklists_for(analysis), current_user, **form.decision()
            )
        except personnummer.PersonnummerFound as error:
            refuse_personnummer(form, error)
        except FieldError as error:
            form.add_domain_error(error)
        else:
            db.session.commit()
            flash(DECISION_MESSAGES[record.outcome], "success")
            following = versions.next_version(analysis)
            return _hub(following.id if following is not None else analysis.id)
    return render_template(
        "lifecycle/decision.html",
        analysis=analysis,
        form=form,
        decisions=lifecycle.decisions_of(analysis),
        outcome_hints=labels.DECISION_OUTCOME_HINT,
    )


@bp.route("/transition/<name>", methods=["POST"])
@login_required
def simple_transition(analysis_id: int, name: str):
    """The move that needs no form: starting follow-up (closing asks for a final conclusion:
    views/follow_up.close)."""
    if name != "start_follow_up":
        abort(404)
    analysis = load_analysis(analysis_id, f"transition:{name}")
    lifecycle.transition(analysis, ops.checklists_for(analysis), name, current_user)
    db.session.commit()
    flash(_l("The status is changed."), "success")
    return _hub(analysis.id)


@bp.route("/comments", methods=["POST"])
@login_required
@form_checks_csrf
def comment(analysis_id: int):
    analysis = load_analysis(analysis_id, COMMENT)
    return add_comment(analysis, CommentForm(), back=request.form.get("back") == "review")


def add_comment(analysis, form: CommentForm, *, back: bool = False):
    """Add the comment or reply in `form` (the caller has checked COMMENT and the CSRF token),
    then go back to the step's comments; text that cannot be added yet is shown again."""
    step_key = form.step_key.data if form.step_key.data in STEP_KEYS else STEP_SCREENING
    if form.validate():
        parent = None
        if form.parent_id.data:
            parent = db.session.get(Comment, form.parent_id.data)
            if parent is None or parent.analysis_id != analysis.id:
                abort(404)
        try:
            personnummer.require_confirmation(
                analysis.id,
                current_user,
                "comment",
                {"body": form.body.data},
                **form.confirmation,
            )
            lifecycle.add_comment(
                analysis.id, current_user, step_key, form.body.data, parent=parent
            )
        except personnummer.PersonnummerFound as error:  # shown again with the text kept
            refuse_personnummer(form, error)
            return _comment_page(analysis, form, step_key, back)
        except DomainError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_l("Your comment is added."), "success")
    elif form.body.data:  # typed text is never lost: show the form again with its errors
        return _comment_page(analysis, form, step_key, back)
    else:
        flash(_l("Write a comment before you send it."), "error")
    if back:
        return redirect(
            url_for("lifecycle.review", analysis_id=analysis.id) + f"#comments-{step_key}"
        )
    return redirect(
        url_for("steps.step", analysis_id=analysis.id, step_key=step_key) + f"#comments-{step_key}"
    )


def _comment_page(analysis, form, step_key: str, back: bool):
    return render_template(
        "lifecycle/comment.html",
        analysis=analysis,
        form=form,
        step=ops.checklists_for(analysis).method.step(step_key),
        back="review" if back else "",
    )


@bp.route("/comments/<int:comment_id>/resolve", methods=["POST"])
@login_required
def resolve(analysis_id: int, comment_id: int):
    analysis = load_analysis(analysis_id, RESOLVE_COMMENTS)
    return resolve_thread(analysis, comment_id)


def resolve_thread(analysis, comment_id: int):
    """Mark a thread resolved (the caller has checked RESOLVE_COMMENTS and the CSRF token)."""
    thread = db.session.get(Comment, comment_id)
    if thread is None or thread.analysis_id != analysis.id or thread.parent_id is not None:
        abort(404)
    lifecycle.resolve_comment(thread, current_user)
    db.session.commit()
    flash(_l("The comment is marked as resolved."), "success")
    return redirect(
        url_for("steps.step", analysis_id=analysis.id, step_key=thread.step_key)
        + f"#comments-{thread.step_key}"
    )
