"""Shared view plumbing: loading an analysis with its access check, and domain errors on forms."""

from __future__ import annotations

from flask import abort, current_app, flash
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from bka.domain import audit, lifecycle
from bka.domain.analyses import checklists_for
from bka.domain.checklists import Library
from bka.domain.contract import STEP_SCREENING
from bka.domain.permissions import VIEW, can
from bka.domain.personnummer import fields_with_personnummer
from bka.domain.progress import load_state
from bka.domain.screening import screening_result
from bka.extensions import db
from bka.forms.review import SubmitForm
from bka.models import Analysis
from bka.web.i18n import current_language


def library() -> Library:
    return current_app.extensions["bka_library"]


def load_analysis(analysis_id: int, action: str = VIEW) -> Analysis:
    """The analysis if the current user may `action` it: 404 when they may not even see it."""
    analysis = db.session.get(Analysis, analysis_id)
    if analysis is None or not can(current_user, VIEW, analysis):
        _deny(analysis_id, action, 404)
    if action != VIEW and not can(current_user, action, analysis):
        _deny(analysis_id, action, 403)
    return analysis


def _deny(analysis_id: int, action: str, status: int):
    """Record the refusal in the audit log, then answer with `status`."""
    db.session.rollback()
    audit.record_denied(
        "access_denied",
        actor=current_user if current_user.is_authenticated else None,
        object_type="analysis",
        object_id=analysis_id,
        details={"action": action, "status": status},
    )
    db.session.commit()
    abort(status)


def warn_about_personnummer(values: dict, form) -> None:
    """Flash a warning naming each field whose text looks like a personal identity number."""
    for name in fields_with_personnummer(values):
        field = getattr(form, name, None)
        label = field.label.text if field is not None else name
        flash(
            _l(
                "“%(field)s” seems to contain a personal identity number. Children must not be "
                "identifiable: please remove it.",
                field=label,
            ),
            "warning",
        )


def submit_form(analysis: Analysis) -> SubmitForm:
    """The send-for-review form, offering the reviewers who may review this analysis."""
    form = SubmitForm()
    form.set_reviewers({user.id: user.name for user in lifecycle.eligible_reviewers(analysis)})
    return form


def check_page_context(analysis: Analysis, form: SubmitForm | None = None) -> dict:
    """What check-your-answers shows: every answer, what is missing, and the submit form."""
    checklists = checklists_for(analysis)
    state = load_state(analysis, checklists)
    return {
        "analysis": analysis,
        "checklists": checklists,
        "state": state,
        "missing": lifecycle.submission_missing(analysis, checklists),
        "statuses": lifecycle.step_statuses(analysis, state),
        "screening": screening_result(state.step_answers(STEP_SCREENING)),
        "locale": current_language(),
        "submit_form": form or submit_form(analysis),
        "form": form,
    }
