"""Acting on a met trigger: open a re-assessment (a new linked version) or record why none is
needed. The flag that offers both is the partial reassessment/_flag.html."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from bka.domain import analyses as ops
from bka.domain import personnummer, reassessment
from bka.domain.errors import DomainError, FieldError
from bka.domain.permissions import RECORD_FOLLOW_UP
from bka.extensions import db
from bka.forms.reassessment import DismissForm
from bka.views.helpers import load_analysis, refuse_personnummer
from bka.web.security import form_checks_csrf

bp = Blueprint("reassessment", __name__, url_prefix="/analyses/<int:analysis_id>/reassessment")
# The flag reads its open hits itself, so every page that shows an analysis can include it.
bp.add_app_template_global(reassessment.flag, "reassessment_flag")


def _load(analysis_id: int, hit_id: int):
    analysis = load_analysis(analysis_id, RECORD_FOLLOW_UP)
    hit = reassessment.get_hit(analysis, hit_id) or abort(404)
    return analysis, hit


def _hub(analysis_id: int):
    return redirect(url_for("analyses.hub", analysis_id=analysis_id))


@bp.route("/hits/<int:hit_id>/open", methods=["POST"])
@login_required
def open_version(analysis_id: int, hit_id: int):
    analysis, hit = _load(analysis_id, hit_id)
    try:
        following = reassessment.open_reassessment(
            analysis, ops.checklists_for(analysis), hit, current_user
        )
    except DomainError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _hub(analysis_id)
    db.session.commit()
    flash(
        _l(
            "The re-assessment is open. This is the new version, filled in with the answers of "
            "version %(version)d; it goes through review and sign-off again.",
            version=analysis.version,
        ),
        "success",
    )
    return _hub(following.id)


@bp.route("/hits/<int:hit_id>/dismiss", methods=["POST"])
@login_required
@form_checks_csrf
def dismiss(analysis_id: int, hit_id: int):
    analysis, hit = _load(analysis_id, hit_id)
    form = DismissForm()
    if form.validate_on_submit():
        try:
            personnummer.require_confirmation(
                analysis.id,
                current_user,
                "trigger_hits",
                {"reason": form.reason.data},
                **form.confirmation,
            )
            reassessment.dismiss(analysis, hit, current_user, form.reason.data)
        except personnummer.PersonnummerFound as error:
            refuse_personnummer(form, error)
        except FieldError as error:
            form.add_domain_error(error)
        except DomainError as error:
            db.session.rollback()
            flash(str(error), "error")
            return _hub(analysis_id)
        else:
            db.session.commit()
            flash(_l("Recorded: this trigger needs no re-assessment."), "success")
            return _hub(analysis_id)
    return render_template("reassessment/dismiss.html", analysis=analysis, hit=hit, form=form)
