"""Add, change and remove a step's structured entries; plain forms, no JavaScript needed."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from bka.domain import analyses as ops
from bka.domain import personnummer
from bka.domain.entries import ENTRY_KINDS, EntryKind
from bka.domain.errors import FieldError
from bka.domain.permissions import EDIT
from bka.domain.progress import AnalysisState, load_state
from bka.extensions import db
from bka.forms.analysis import ConfirmForm
from bka.forms.entries import (
    EFFECT_PREFIX,
    ENTRY_FORMS,
    AlternativeForm,
    ImpactForm,
    TriggerForm,
    alternative_form,
)
from bka.views.helpers import confirm_free_text, load_analysis, refuse_personnummer
from bka.web.i18n import current_language
from bka.web.security import database_int, form_checks_csrf

bp = Blueprint("entries", __name__, url_prefix="/analyses/<int:analysis_id>/entries/<kind_name>")


def _load(analysis_id: int, kind_name: str, action: str = EDIT):
    analysis = load_analysis(analysis_id, action)
    kind = ENTRY_KINDS.get(kind_name)
    if kind is None:
        abort(404)
    return analysis, kind, load_state(analysis, ops.checklists_for(analysis))


def prepare_entry_form(form, state: AnalysisState, entry=None) -> None:
    """Give the impact form its choices (the engaged articles that may be assessed, and the
    entry's own article; this analysis's groups) and the trigger form its own (this analysis's
    indicators)."""
    if isinstance(form, TriggerForm):
        form.set_options(state.entries["indicators"])
    if isinstance(form, ImpactForm):
        locale = current_language()
        convention = state.checklists.convention
        offered = state.assessable_articles()
        if entry is not None and entry.article in state.engaged_articles():
            offered = sorted({*offered, entry.article})
        form.set_options(
            {
                number: f"{number}. {convention.article(number).title.get(locale)}"
                for number in offered
            },
            {group.id: group.label for group in state.entries["child_groups"]},
        )


def _back(analysis_id: int, kind: EntryKind) -> str:
    return url_for("steps.step", analysis_id=analysis_id, step_key=kind.step) + f"#{kind.name}"


def _alternative_form(state: AnalysisState, entry):
    """The alternative form asks for the effect on every engaged article that can be assessed."""
    locale = current_language()
    convention = state.checklists.convention
    form_class = alternative_form(
        {
            number: f"{number}. {convention.article(number).title.get(locale)}"
            for number in state.assessable_articles()
        }
    )
    if entry is None:
        return form_class()
    effects = {f"{EFFECT_PREFIX}{key}": value for key, value in entry.article_effects.items()}
    return form_class(obj=entry, data=effects)


def _edit(analysis, kind: EntryKind, state: AnalysisState, entry=None):
    form_class = ENTRY_FORMS[kind.name]
    if kind.name == "alternatives":
        form = _alternative_form(state, entry)
    elif entry is None:
        prefill = {
            name: request.args.get(name, type=database_int)
            for name in ("article", "child_group_id")
        }
        form = form_class(data={k: v for k, v in prefill.items() if v is not None})
    else:
        form = form_class(obj=entry)
    prepare_entry_form(form, state, entry)
    if form.validate_on_submit():
        values = {name: form[name].data for name in kind.fields if name in form}
        if isinstance(form, AlternativeForm):
            values["article_effects"] = form.article_effects()
        try:
            confirm_free_text(analysis, kind, form, values, entry)
            ops.save_entry(state, kind, values, current_user, entry)
        except personnummer.PersonnummerFound as error:
            refuse_personnummer(form, error)
        except FieldError as error:
            form.add_domain_error(error)
        else:
            db.session.commit()
            flash(_l("Saved."), "success")
            return redirect(_back(analysis.id, kind))
    return render_template(
        "entries/edit.html",
        analysis=analysis,
        kind=kind,
        form=form,
        entry=entry,
        step=state.checklists.method.step(kind.step),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def new(analysis_id: int, kind_name: str):
    analysis, kind, state = _load(analysis_id, kind_name)
    return _edit(analysis, kind, state)


@bp.route("/<int:entry_id>", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def edit(analysis_id: int, kind_name: str, entry_id: int):
    analysis, kind, state = _load(analysis_id, kind_name)
    entry = ops.get_entry(analysis, kind, entry_id) or abort(404)
    return _edit(analysis, kind, state, entry)


@bp.route("/<int:entry_id>/delete", methods=["GET", "POST"])
@login_required
def delete(analysis_id: int, kind_name: str, entry_id: int):
    analysis, kind, state = _load(analysis_id, kind_name)
    entry = ops.get_entry(analysis, kind, entry_id) or abort(404)
    form = ConfirmForm()
    if request.method == "POST":
        ops.delete_entry(state, kind, entry, current_user)
        db.session.commit()
        flash(_l("Removed."), "success")
        return redirect(_back(analysis.id, kind))
    return render_template(
        "entries/delete.html",
        analysis=analysis,
        kind=kind,
        entry=entry,
        form=form,
        checklists=state.checklists,
    )
