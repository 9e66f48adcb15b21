"""Shared view plumbing: loading an analysis with its access check, and domain errors on forms."""

from __future__ import annotations

from flask import abort, current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload

from bka.domain import audit, lifecycle
from bka.domain.analyses import checklists_for
from bka.domain.checklists import Library
from bka.domain.contract import STEP_SCREENING
from bka.domain.permissions import VIEW, can
from bka.domain.personnummer import PersonnummerFound, require_confirmation
from bka.domain.progress import load_state, required_steps
from bka.domain.screening import screening_result
from bka.extensions import db
from bka.forms.review import SubmitForm
from bka.models import Analysis
from bka.web.i18n import current_language


def library() -> Library:
    return current_app.extensions["bka_library"]


_WITH_MEMBERS = (joinedload(Analysis.memberships),)


def load_analysis(analysis_id: int, action: str = VIEW) -> Analysis:
    """The analysis if the current user may `action` it: 404 when they may not even see it."""
    # The memberships come in the same query: the access check below reads them anyway.
    analysis = db.session.get(Analysis, analysis_id, options=_WITH_MEMBERS)
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


def refuse_personnummer(form, error: PersonnummerFound) -> None:
    """Show a refused personal identity number next to each field that holds one (masked),
    and offer the confirmation that it is not a child's."""
    db.session.rollback()
    for name, numbers in error.by_field().items():
        message = _l(
            "This looks like a personal identity number (%(numbers)s). Children must never be "
            "identifiable: remove it. If it is not a child's number, tick the box below and say "
            "why.",
            numbers=", ".join(numbers),
        )
        field = getattr(form, name, None)
        if field is None:
            form.form_errors.append(message)
        else:
            field.errors = [*field.errors, message]
    form.personnummer_found = True


def confirm_free_text(analysis: Analysis, kind, form, values: dict, record=None) -> None:
    """Refuse a new personal identity number in the free text of an entry or follow-up record
    of `kind` (raises PersonnummerFound) unless the form confirms it is not a child's."""
    require_confirmation(
        analysis.id,
        current_user,
        kind.name,
        {name: values[name] for name in kind.text_fields},
        previous={name: getattr(record, name) for name in kind.text_fields}
        if record is not None
        else None,
        **form.confirmation,
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
        "required_steps": required_steps(checklists.method, analysis.screening_level),
        "screening": screening_result(state.step_answers(STEP_SCREENING)),
        "locale": current_language(),
        "submit_form": form or submit_form(analysis),
        "form": form,
    }
