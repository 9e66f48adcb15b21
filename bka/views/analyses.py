"""My analyses, starting one, the task-list hub, details, check your answers, members, status."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from bka.domain import analyses as ops
from bka.domain import examples, lifecycle, personnummer, reuse, versions, work
from bka.domain.contract import STEP_SCREENING
from bka.domain.errors import DomainError, FieldError
from bka.domain.permissions import CREATE, EDIT, MANAGE_MEMBERS, can
from bka.domain.progress import NEEDS_CHANGES, load_state, required_steps
from bka.domain.screening import screening_result
from bka.extensions import db
from bka.forms.analysis import (
    AddMemberForm,
    ConfirmForm,
    DetailsForm,
    NewAnalysisForm,
    StartFromForm,
)
from bka.models import Membership
from bka.views.helpers import check_page_context, library, load_analysis, refuse_personnummer
from bka.web.i18n import current_language, local_today
from bka.web.security import form_checks_csrf

bp = Blueprint("analyses", __name__)

DETAIL_TEXTS = ("title", "organisation", "diarienummer")


def _detail_texts(form) -> dict:
    return {name: form[name].data for name in DETAIL_TEXTS}


@bp.route("/")
@login_required
def index():
    search = request.args.get("q", "").replace("\x00", "").strip()[:200]
    rows = db.session.scalars(ops.analyses_for(current_user, search).limit(500)).all()
    completed = lifecycle.completed_counts(rows)
    overview = [(analysis, completed[analysis.id]) for analysis in rows]
    return render_template(
        "analyses/index.html",
        # The home shows what waits for the user; a search shows only what it found.
        work=None if search else work.work_for(current_user, local_today()),
        steps={step.key: step for step in library().method.steps},
        overview=overview,
        search=search,
    )


@bp.route("/analyses/new", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def new():
    form = NewAnalysisForm()
    if form.validate_on_submit():
        try:
            personnummer.require_confirmation(
                None, current_user, "details", _detail_texts(form), **form.confirmation
            )
            analysis = ops.create_analysis(
                library(),
                current_user,
                title=form.title.data,
                organisation=form.organisation.data,
                decision_area=form.decision_area.data,
                diarienummer=form.diarienummer.data,
                planned_decision_date=form.planned_decision_date.data,
            )
        except personnummer.PersonnummerFound as error:
            refuse_personnummer(form, error)
        except FieldError as error:
            form.add_domain_error(error)
        else:
            db.session.commit()
            flash(_l("The analysis is started. Begin with the screening."), "success")
            return redirect(url_for("analyses.hub", analysis_id=analysis.id))
    return render_template("analyses/new.html", form=form)


@bp.route("/analyses/<int:analysis_id>")
@login_required
def hub(analysis_id: int):
    analysis = load_analysis(analysis_id)
    checklists = ops.checklists_for(analysis)
    state = load_state(analysis, checklists)
    statuses = lifecycle.step_statuses(analysis, state)
    steps = [(step, statuses[step.key]) for step in checklists.method.steps]
    return render_template(
        "analyses/hub.html",
        analysis=analysis,
        checklists=checklists,
        steps=steps,
        progress=lifecycle.step_progress(analysis, state),
        required_steps=required_steps(checklists.method, analysis.screening_level),
        level_description=getattr(
            checklists.method.levels.get(analysis.screening_level or ""), "description", None
        ),
        needs_changes=[step for step, status in steps if status == NEEDS_CHANGES],
        screening=screening_result(state.step_answers(STEP_SCREENING)),
        state=state,
        confirm_form=ConfirmForm(),
        rounds=lifecycle.rounds_of(analysis),
        open_round=lifecycle.current_round(analysis),
        sign_off=lifecycle.active_sign_off(analysis),
        decisions=lifecycle.decisions_of(analysis),
        fictional_notice=examples.notice(analysis),
        **reuse.links(analysis, current_user, current_language()),
        **versions.links(analysis),
    )


@bp.route("/analyses/<int:analysis_id>/start-from", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def start_from(analysis_id: int):
    """Start a new analysis filled in with this one's content (bka.domain.reuse)."""
    source = load_analysis(analysis_id, CREATE)
    form = StartFromForm()
    if not form.is_submitted():
        form.organisation.data = source.organisation
    if form.validate_on_submit():
        try:
            personnummer.require_confirmation(
                None, current_user, "details", _detail_texts(form), **form.confirmation
            )
            analysis = reuse.start_from(
                source,
                library(),
                current_user,
                title=form.title.data,
                organisation=form.organisation.data,
                diarienummer=form.diarienummer.data,
                planned_decision_date=form.planned_decision_date.data,
            )
        except personnummer.PersonnummerFound as error:
            refuse_personnummer(form, error)
        except FieldError as error:
            form.add_domain_error(error)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(
                _l(
                    "The new analysis is started from the earlier one. Check every step and "
                    "mark it completed when it is right for this decision."
                ),
                "success",
            )
            return redirect(url_for("analyses.hub", analysis_id=analysis.id))
    return render_template("analyses/start_from.html", source=source, form=form)


@bp.route("/analyses/<int:analysis_id>/details", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def details(analysis_id: int):
    analysis = load_analysis(analysis_id, EDIT)
    form = DetailsForm(obj=analysis)
    if form.validate_on_submit():
        try:
            personnummer.require_confirmation(
                analysis.id,
                current_user,
                "details",
                _detail_texts(form),
                previous={name: getattr(analysis, name) for name in DETAIL_TEXTS},
                **form.confirmation,
            )
        except personnummer.PersonnummerFound as error:
            refuse_personnummer(form, error)
        else:
            ops.update_details(
                analysis,
                current_user,
                title=form.title.data,
                organisation=form.organisation.data,
                diarienummer=form.diarienummer.data,
                planned_decision_date=form.planned_decision_date.data,
            )
            db.session.commit()
            flash(_l("The details are saved."), "success")
            return redirect(url_for("analyses.hub", analysis_id=analysis.id))
    return render_template("analyses/details.html", analysis=analysis, form=form)


@bp.route("/analyses/<int:analysis_id>/check")
@login_required
def check(analysis_id: int):
    analysis = load_analysis(analysis_id)
    return render_template("analyses/check.html", **check_page_context(analysis))


@bp.route("/analyses/<int:analysis_id>/members", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def members(analysis_id: int):
    analysis = load_analysis(analysis_id)
    form = AddMemberForm()
    if form.is_submitted():
        if not can(current_user, MANAGE_MEMBERS, analysis):
            abort(403)
        if form.validate():
            try:
                ops.add_member(analysis, form.email.data, form.role.data, current_user)
            except FieldError as error:
                form.add_domain_error(error)
            else:
                db.session.commit()
                flash(_l("The member is added."), "success")
                return redirect(url_for("analyses.members", analysis_id=analysis.id))
    return render_template(
        "analyses/members.html", analysis=analysis, form=form, confirm_form=ConfirmForm()
    )


@bp.route("/analyses/<int:analysis_id>/members/<int:membership_id>/remove", methods=["POST"])
@login_required
def remove_member(analysis_id: int, membership_id: int):
    analysis = load_analysis(analysis_id, MANAGE_MEMBERS)
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.analysis_id != analysis.id:
        abort(404)
    try:
        ops.remove_member(analysis, membership, current_user)
    except DomainError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_l("The member is removed."), "success")
    return redirect(url_for("analyses.members", analysis_id=analysis.id))
