"""The history of an analysis: snapshots, a readable diff between versions, the edit log."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from bka.domain import analyses as ops
from bka.domain import history
from bka.domain.errors import DomainError
from bka.domain.permissions import EDIT
from bka.domain.progress import load_state
from bka.extensions import db
from bka.forms.analysis import ConfirmForm
from bka.models import EditLog
from bka.views.helpers import load_analysis
from bka.web.security import database_int

bp = Blueprint("history", __name__, url_prefix="/analyses/<int:analysis_id>/history")

CURRENT = 0  # "the analysis as it is now" in the version pickers


@bp.route("")
@login_required
def index(analysis_id: int):
    analysis = load_analysis(analysis_id)
    checklists = ops.checklists_for(analysis)
    revisions = history.revisions_of(analysis)
    by_number = {revision.number: revision for revision in revisions}
    current = history.snapshot(load_state(analysis, checklists))
    default_from = revisions[-1].number if revisions else CURRENT
    chosen_from = request.args.get("from", default_from, type=database_int)
    chosen_to = request.args.get("to", CURRENT, type=database_int)
    if chosen_from not in by_number and chosen_from != CURRENT:
        chosen_from = default_from
    if chosen_to not in by_number and chosen_to != CURRENT:
        chosen_to = CURRENT

    def content(number: int):
        return current if number == CURRENT else by_number[number].content

    return render_template(
        "history/index.html",
        analysis=analysis,
        checklists=checklists,
        revisions=revisions,
        integrity={revision.id: history.verify_revision(revision) for revision in revisions},
        chosen_from=chosen_from,
        chosen_to=chosen_to,
        changes=history.diff(content(chosen_from), content(chosen_to)),
        edits=history.edits_of(analysis),
        entries_named=history.entries_named(analysis),
        confirm_form=ConfirmForm(),
        step_keys=set(history.STEP_KEYS),
    )


@bp.route("/edits/<int:edit_id>/restore", methods=["POST"])
@login_required
def restore(analysis_id: int, edit_id: int):
    analysis = load_analysis(analysis_id, EDIT)
    edit = db.session.get(EditLog, edit_id)
    if edit is None or edit.analysis_id != analysis.id:
        abort(404)
    try:
        ops.restore_answer(analysis, ops.checklists_for(analysis), edit, current_user)
    except DomainError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_l("The earlier answer is restored."), "success")
    return redirect(url_for("history.index", analysis_id=analysis.id))
