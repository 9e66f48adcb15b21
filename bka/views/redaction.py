"""Administrators remove a value (a child's personal identity number) from an analysis and its
history; the rules are in bka.domain.redaction."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from bka.domain import redaction
from bka.domain.errors import FieldError
from bka.extensions import db
from bka.forms.redaction import RedactionForm
from bka.models import Analysis, AuditEvent
from bka.views.admin import administrators_only
from bka.web.security import database_int, form_checks_csrf

bp = Blueprint("redaction", __name__, url_prefix="/admin/redaction")
bp.before_request(administrators_only)


@bp.route("/", methods=["GET", "POST"])
@form_checks_csrf
def index():
    form = RedactionForm(analysis_id=request.args.get("analysis", type=database_int))
    if form.validate_on_submit():
        analysis = db.session.get(Analysis, form.analysis_id.data)
        if analysis is None:
            form.analysis_id.errors = [_l("There is no analysis with this number.")]
        else:
            try:
                result = redaction.redact(analysis, form.text.data, current_user, form.reason.data)
            except FieldError as error:
                db.session.rollback()
                form.add_domain_error(error)
            else:
                db.session.commit()
                flash(_l("The text is removed."), "success")
                return redirect(url_for("redaction.show", event_id=result.audit_event_id))
    return render_template(
        "admin/redaction.html",
        form=form,
        redactions=redaction.recent_redactions(),
        confirmations=redaction.confirmed_numbers(),
    )


@bp.route("/<int:event_id>")
def show(event_id: int):
    event = db.session.get(AuditEvent, event_id)
    if event is None or event.action != "redaction":
        abort(404)
    return render_template("admin/redaction_event.html", event=event)
