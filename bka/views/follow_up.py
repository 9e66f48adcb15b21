"""The follow-up after the decision: the page that shows it, plain forms to add, change and
remove its records, and closing the analysis with a final conclusion. No JavaScript needed."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from bka.domain import analyses as ops
from bka.domain import labels, lifecycle, participation, personnummer
from bka.domain.errors import DomainError, FieldError
from bka.domain.follow_up import FOLLOW_UP_KINDS, FollowUpKind, get_record
from bka.domain.follow_up import delete_record as delete_follow_up_record
from bka.domain.follow_up import save_record as save_follow_up_record
from bka.domain.follow_up_state import load_follow_up, load_observed_effects, parents_of
from bka.domain.permissions import RECORD_FOLLOW_UP
from bka.domain.progress import load_state
from bka.extensions import db
from bka.forms.analysis import ConfirmForm
from bka.forms.follow_up import FOLLOW_UP_FORMS, CloseForm, set_parents
from bka.models import Analysis, Impact, Measure
from bka.views.helpers import confirm_free_text, load_analysis, refuse_personnummer
from bka.web.formats import format_date
from bka.web.i18n import current_language, local_today
from bka.web.security import database_int, form_checks_csrf

bp = Blueprint("follow_up", __name__, url_prefix="/analyses/<int:analysis_id>/follow-up")


@bp.route("")
@login_required
def index(analysis_id: int):
    analysis = load_analysis(analysis_id)
    today = local_today()
    checklists = ops.checklists_for(analysis)
    consultations = load_state(analysis, checklists).entries["consultations"]
    return render_template(
        "follow_up/index.html",
        analysis=analysis,
        checklists=checklists,
        follow_up=load_follow_up(analysis, today),
        consultation_feedback=participation.consultation_feedback(analysis, consultations),
        kinds=FOLLOW_UP_KINDS,
        today=today,
    )


def _load(analysis_id: int, kind_name: str) -> tuple[Analysis, FollowUpKind]:
    analysis = load_analysis(analysis_id, RECORD_FOLLOW_UP)
    kind = FOLLOW_UP_KINDS.get(kind_name)
    if kind is None:
        abort(404)
    return analysis, kind


@bp.route("/observed-effects")
@login_required
def observed_effects(analysis_id: int):
    """The observed effects per row of the impact matrix: a page of their own, as the matrix
    of a large analysis has dozens of rows."""
    analysis = load_analysis(analysis_id)
    return render_template(
        "follow_up/observed_effects.html",
        analysis=analysis,
        checklists=ops.checklists_for(analysis),
        impacts=load_observed_effects(analysis),
    )


def _back(analysis_id: int, kind: FollowUpKind) -> str:
    """Where a saved or removed record is seen: its section of the follow-up page, or the page
    of observed effects."""
    if kind.name == "observed_effects":
        return url_for("follow_up.observed_effects", analysis_id=analysis_id)
    return url_for("follow_up.index", analysis_id=analysis_id) + f"#{kind.name}"


def parent_choices(analysis: Analysis, kind: FollowUpKind) -> dict[int, str]:
    """How the parents are named in the form's list: the indicator, the measure, or the row of
    the impact matrix (article × child group: predicted effect)."""
    parents = parents_of(analysis, kind)
    if kind.parent_model is Impact:
        convention, locale = ops.checklists_for(analysis).convention, current_language()
        return {
            impact.id: f"{impact.article}. {convention.article(impact.article).title.get(locale)}"
            f" × {impact.child_group.label}: {labels.DIRECTION[impact.direction]}"
            for impact in parents
        }
    if kind.parent_model is Measure:
        return {measure.id: _shortened(measure.description) for measure in parents}
    return {indicator.id: indicator.name for indicator in parents}


def consultation_names(analysis: Analysis) -> dict[int, str]:
    consultations = load_state(analysis, ops.checklists_for(analysis)).entries["consultations"]
    return participation.consultation_names(consultations, labels.CONSULTATION_METHOD, format_date)


def _shortened(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _edit(analysis: Analysis, kind: FollowUpKind, record=None):
    form_class = FOLLOW_UP_FORMS[kind.name]
    if record is None:
        # The entry the record is about, from the "Add" link of its row (feedback to children
        # may name a consultation of step 6).
        field = kind.parent_field or ("consultation_id" if kind.name == "child_feedback" else "")
        parent = field and request.args.get(field, type=database_int)
        form = form_class(data={field: parent} if parent else None)
    else:
        form = form_class(obj=record)
    if kind.parent_field:
        set_parents(form, parent_choices(analysis, kind))
    if kind.name == "child_feedback":
        form.set_consultations(consultation_names(analysis))
    if form.validate_on_submit():
        values = {name: form[name].data for name in kind.fields}
        try:
            confirm_free_text(analysis, kind, form, values, record)
            save_follow_up_record(analysis, kind, values, current_user, record)
        except personnummer.PersonnummerFound as error:
            refuse_personnummer(form, error)
        except FieldError as error:
            db.session.rollback()
            form.add_domain_error(error)
        else:
            db.session.commit()
            flash(_l("Saved."), "success")
            return redirect(_back(analysis.id, kind))
    return render_template(
        "follow_up/edit.html",
        analysis=analysis,
        kind=kind,
        form=form,
        record=record,
        back=_back(analysis.id, kind),
    )


@bp.route("/<kind_name>/new", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def new(analysis_id: int, kind_name: str):
    analysis, kind = _load(analysis_id, kind_name)
    return _edit(analysis, kind)


@bp.route("/<kind_name>/<int:record_id>", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def edit(analysis_id: int, kind_name: str, record_id: int):
    analysis, kind = _load(analysis_id, kind_name)
    record = get_record(analysis, kind, record_id) or abort(404)
    if getattr(record, "final", False):  # the final conclusion is part of closing
        abort(404)
    return _edit(analysis, kind, record)


@bp.route("/<kind_name>/<int:record_id>/delete", methods=["GET", "POST"])
@login_required
def delete(analysis_id: int, kind_name: str, record_id: int):
    analysis, kind = _load(analysis_id, kind_name)
    record = get_record(analysis, kind, record_id) or abort(404)
    if getattr(record, "final", False):
        abort(404)
    if request.method == "POST":
        delete_follow_up_record(analysis, kind, record, current_user)
        db.session.commit()
        flash(_l("Removed."), "success")
        return redirect(_back(analysis.id, kind))
    return render_template(
        "follow_up/delete.html",
        analysis=analysis,
        kind=kind,
        record=record,
        back=_back(analysis.id, kind),
        form=ConfirmForm(),
        checklists=ops.checklists_for(analysis),
    )


@bp.route("/close", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def close(analysis_id: int):
    """Close the analysis: the final conclusion of its follow-up, then the status."""
    analysis = load_analysis(analysis_id, "transition:close")
    form = CloseForm(data={"closed_on": local_today()})
    if form.validate_on_submit():
        values = {
            "closed_on": form.closed_on.data,
            "fared": form.fared.data,
            "conclusion": form.conclusion.data,
            "learnt": form.learnt.data or "",
        }
        try:
            personnummer.require_confirmation(
                analysis.id,
                current_user,
                "checkpoints",
                {"conclusion": values["conclusion"], "learnt": values["learnt"]},
                **form.confirmation,
            )
            lifecycle.close(analysis, ops.checklists_for(analysis), current_user, **values)
        except personnummer.PersonnummerFound as error:
            refuse_personnummer(form, error)
        except FieldError as error:
            db.session.rollback()
            form.add_domain_error(error)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_l("The analysis is closed with its final conclusion."), "success")
            return redirect(url_for("analyses.hub", analysis_id=analysis.id))
    return render_template("follow_up/close.html", analysis=analysis, form=form)
