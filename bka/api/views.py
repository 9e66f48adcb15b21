"""The JSON API's endpoints: thin views over the same domain operations and forms as the pages.

Each loads the analysis with the same `can()` (404 for a non-member), validates the JSON with
the page's form, calls one domain operation, commits once and answers with JSON."""

from __future__ import annotations

import base64
import binascii
import re
from contextlib import contextmanager

from flask import current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import Forbidden, HTTPException

from bka.api import openapi
from bka.api.auth import require_write
from bka.api.blueprint import bp
from bka.api.errors import ApiError
from bka.api.inputs import (
    NO_CSRF,
    formdata,
    invalid,
    json_body,
    refused,
    refused_personnummer,
)
from bka.api.serialize import (
    analysis_full,
    analysis_summary,
    entry,
    record,
    records_of,
    step,
    transitions_for,
)
from bka.domain import analyses as ops
from bka.domain import lifecycle, personnummer, reporting
from bka.domain.checklists import STEP_KEYS
from bka.domain.entries import ENTRY_KINDS
from bka.domain.errors import DomainError, FieldError
from bka.domain.follow_up import FOLLOW_UP_KINDS, get_record, save_record
from bka.domain.permissions import EDIT, RECORD_FOLLOW_UP, REVIEW
from bka.domain.progress import load_state
from bka.domain.search import LIKE_ESCAPE, like_pattern
from bka.domain.workflow import STATUSES
from bka.extensions import db
from bka.forms.analysis import NewAnalysisForm
from bka.forms.entries import ENTRY_FORMS, AlternativeForm, alternative_form
from bka.forms.follow_up import FOLLOW_UP_FORMS, CloseForm, set_parents
from bka.forms.review import (
    DecisionForm,
    SubmitForm,
    build_review_form,
    review_texts,
    review_values,
)
from bka.forms.step import build_step_form, question_fields
from bka.models import Analysis, Membership, StepAnswer, User
from bka.models.base import DB_INT_MAX
from bka.views import entries as entry_views
from bka.views import follow_up as follow_up_views
from bka.views.helpers import load_analysis
from bka.web.i18n import current_language

DEFAULT_LIMIT, MAX_LIMIT = 25, 100


@contextmanager
def domain_rules():
    """A domain refusal as 422 (nothing written); the caller commits after the block."""
    try:
        yield
    except personnummer.PersonnummerFound as error:
        db.session.rollback()
        raise refused_personnummer(error) from None
    except FieldError as error:
        db.session.rollback()
        raise refused(error) from None
    except ops.StepIncomplete as error:
        db.session.rollback()
        raise ApiError(
            422,
            _("Something is missing before this can be done."),
            missing=[str(item.describe(current_language())) for item in error.missing],
        ) from None
    except ops.SaveConflict:
        raise
    except DomainError as error:
        db.session.rollback()
        raise ApiError(422, str(error.message)) from None


def _confirmation(form) -> dict:
    return form.confirmation


# --- the description ----------------------------------------------------------------------------


@bp.route("/openapi.json")
def openapi_document():
    return jsonify(openapi.document())


@bp.route("/docs")
def docs():
    return render_template("api/docs.html", doc=openapi.document(), endpoints=openapi.endpoints())


@bp.route("/", defaults={"rest": ""}, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@bp.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def not_found(rest: str):
    """No endpoint here: 405 if the path has endpoints for other methods, else 404."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = []
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        try:
            endpoint, _values = adapter.match(method=method)
        except HTTPException:
            continue
        if endpoint != "api.not_found":
            allowed.append(method)
    if allowed:
        raise ApiError(405, headers={"Allow": ", ".join(allowed)})
    raise ApiError(404)


# --- analyses -----------------------------------------------------------------------------------


_DIGITS = re.compile(r"[0-9]{1,12}")


def _cursor(analysis_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{analysis_id}".encode()).decode().rstrip("=")


def _after(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        digits = text.removeprefix("id:")
        number = int(digits) if text.startswith("id:") and _DIGITS.fullmatch(digits) else None
    except (binascii.Error, UnicodeDecodeError, ValueError):
        number = None
    if number is None or not 0 < number <= DB_INT_MAX:
        raise ApiError(400, _("The cursor is not one this API gave."))
    return number


def _int_arg(name: str, low: int, high: int, default: int | None = None) -> int | None:
    text = request.args.get(name)
    if text is None or text == "":
        return default
    # Only ASCII digits: int() would also take "1_0", "+5", " 5" and other scripts' digits.
    number = int(text) if _DIGITS.fullmatch(text) else None
    if number is None or not low <= number <= high:
        raise ApiError(
            400,
            _(
                "“%(name)s” must be a whole number from %(low)d to %(high)d.",
                name=name,
                low=low,
                high=high,
            ),
        )
    return number


def _text_arg(name: str) -> str | None:
    value = (request.args.get(name) or "").replace("\x00", "").strip()
    return value[:200] or None


def visible_analyses(user: User):
    """What the user may see (can(VIEW)): every analysis for an administrator, else those the
    user is a member of."""
    query = select(Analysis)
    if not user.is_admin:
        query = query.where(
            Analysis.id.in_(select(Membership.analysis_id).where(Membership.user_id == user.id))
        )
    return query


@bp.route("/analyses", methods=["GET"])
def list_analyses():
    limit = _int_arg("limit", 1, MAX_LIMIT, DEFAULT_LIMIT)
    query = visible_analyses(current_user)
    status = _text_arg("status")
    if status is not None:
        if status not in STATUSES:
            raise ApiError(400, _("Unknown status."))
        query = query.where(Analysis.status == status)
    for name in ("decision_area", "organisation"):
        value = _text_arg(name)
        if value is not None:
            query = query.where(getattr(Analysis, name) == value)
    year = _int_arg("year", 1900, 9999)
    if year is not None:
        query = query.where(Analysis.year == year)
    search = _text_arg("q")
    if search:
        pattern = like_pattern(search)
        query = query.where(
            or_(
                Analysis.title.ilike(pattern, escape=LIKE_ESCAPE),
                Analysis.diarienummer.ilike(pattern, escape=LIKE_ESCAPE),
            )
        )
    cursor = request.args.get("after")
    if cursor:
        query = query.where(Analysis.id < _after(cursor))
    rows = list(db.session.scalars(query.order_by(Analysis.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    following = _cursor(rows[-1].id) if more else None
    next_url = None
    if following:
        args = {key: value for key, value in request.args.items() if key != "after"}
        next_url = url_for("api.list_analyses", **args, after=following)
    return jsonify(
        {
            "items": [analysis_summary(row) for row in rows],
            "next_cursor": following,
            "next": next_url,
        }
    )


@bp.route("/analyses", methods=["POST"])
def create_analysis():
    require_write()
    form = NewAnalysisForm(formdata=formdata(json_body()), meta=NO_CSRF)
    if not form.validate():
        raise invalid(form)
    texts = {name: form[name].data for name in ("title", "organisation", "diarienummer")}
    with domain_rules():
        personnummer.require_confirmation(
            None, current_user, "details", texts, **_confirmation(form)
        )
        analysis = ops.create_analysis(
            current_app.extensions["bka_library"],
            current_user,
            title=form.title.data,
            organisation=form.organisation.data,
            decision_area=form.decision_area.data,
            diarienummer=form.diarienummer.data,
            planned_decision_date=form.planned_decision_date.data,
        )
    db.session.commit()
    response = jsonify(_full(analysis))
    response.status_code = 201
    response.headers["Location"] = url_for("api.analysis", analysis_id=analysis.id)
    return response


def _full(analysis: Analysis) -> dict:
    return analysis_full(analysis, load_state(analysis, ops.checklists_for(analysis)), current_user)


@bp.route("/analyses/<int:analysis_id>", methods=["GET"])
def analysis(analysis_id: int):
    return jsonify(_full(load_analysis(analysis_id)))


# --- step answers -------------------------------------------------------------------------------


def _step_row(analysis: Analysis, step_key: str) -> StepAnswer | None:
    return db.session.scalar(
        select(StepAnswer).where(
            StepAnswer.analysis_id == analysis.id, StepAnswer.step_key == step_key
        )
    )


def _conflict(analysis: Analysis, step_key: str) -> ApiError:
    db.session.rollback()
    row = _step_row(analysis, step_key)
    return ApiError(
        409,
        _("Someone else saved this step after your lock_version: nothing was saved."),
        current={
            "answers": row.answers if row is not None else {},
            "lock_version": row.lock_version if row is not None else 0,
            "completed": row.completed if row is not None else False,
        },
    )


@bp.route("/analyses/<int:analysis_id>/steps/<step_key>", methods=["GET"])
def get_step(analysis_id: int, step_key: str):
    analysis = load_analysis(analysis_id)
    if step_key not in STEP_KEYS:
        raise ApiError(404)
    return jsonify(step(load_state(analysis, ops.checklists_for(analysis)), step_key))


@bp.route("/analyses/<int:analysis_id>/steps/<step_key>", methods=["PUT"])
def put_step(analysis_id: int, step_key: str):
    """Replace the step's answers; `lock_version` is the version they were read at."""
    require_write()
    analysis = load_analysis(analysis_id, EDIT)
    if step_key not in STEP_KEYS:
        raise ApiError(404)
    body = json_body()
    answers = body.get("answers")
    lock_version = body.get("lock_version")
    if not isinstance(answers, dict):
        raise ApiError(422, errors={"answers": [_("Give the answers as a JSON object.")]})
    if (
        not isinstance(lock_version, int)
        or isinstance(lock_version, bool)
        or not (0 <= lock_version <= DB_INT_MAX)
    ):
        raise ApiError(
            422,
            errors={"lock_version": [_("Give the lock_version you read (0 for a new step).")]},
        )
    mark_completed = body.get("mark_completed", False) is True
    checklists = ops.checklists_for(analysis)
    data = formdata({key: value for key, value in answers.items() if key not in _STEP_CONTROLS})
    for name in ("not_a_child_number", "not_a_child_reason"):
        if body.get(name):
            data.add(name, "y" if body[name] is True else str(body[name]))
    form = build_step_form(checklists, step_key, current_language(), formdata=data, meta=NO_CSRF)
    if not form.validate():
        raise invalid(form)
    values = question_fields(form)
    row = _step_row(analysis, step_key)
    missing: list[str] = []
    try:
        with domain_rules():
            personnummer.require_confirmation(
                analysis.id,
                current_user,
                step_key,
                values,
                previous=row.answers if row is not None else None,
                **_confirmation(form),
            )
            try:
                ops.save_step(
                    analysis,
                    checklists,
                    step_key,
                    values,
                    current_user,
                    mark_completed=mark_completed,
                    base_version=lock_version,
                )
            except ops.StepIncomplete as incomplete:  # the answers are kept, not completed
                missing = [str(item.describe(current_language())) for item in incomplete.missing]
        db.session.commit()
    except ops.SaveConflict:
        raise _conflict(analysis, step_key) from None
    except (StaleDataError, IntegrityError):  # a concurrent save won the race
        raise _conflict(analysis, step_key) from None
    result = step(load_state(analysis, checklists), step_key)
    result["missing"] = missing
    return jsonify(result)


# Keys of the step form that are not answers.
_STEP_CONTROLS = frozenset(
    {"base_version", "mark_completed", "save_continue", "save_later", "csrf_token"}
)


# --- entries ------------------------------------------------------------------------------------


def _entry_kind(kind_name: str):
    kind = ENTRY_KINDS.get(kind_name)
    if kind is None:
        raise ApiError(404)
    return kind


@bp.route("/analyses/<int:analysis_id>/entries/<kind_name>", methods=["GET"])
def list_entries(analysis_id: int, kind_name: str):
    analysis = load_analysis(analysis_id)
    kind = _entry_kind(kind_name)
    state = load_state(analysis, ops.checklists_for(analysis))
    return jsonify({"items": [entry(kind, row) for row in state.entries[kind.name]]})


def _checked_save(analysis, kind, form, checked: dict, row, save):
    """An entry's or a record's text checked for personal identity numbers (as on its page,
    against what it said before), then `save()`; committed, or a 422 that writes nothing."""
    with domain_rules():
        personnummer.require_confirmation(
            analysis.id,
            current_user,
            kind.name,
            {name: checked[name] for name in kind.text_fields},
            previous={name: getattr(row, name) for name in kind.text_fields}
            if row is not None
            else None,
            **_confirmation(form),
        )
        saved = save()
    db.session.commit()
    return saved


def _saved_response(body: dict, created: bool, endpoint: str, analysis, kind, **ids):
    """200 with what was saved, or 201 with its address when it was created."""
    response = jsonify(body)
    if created:
        response.status_code = 201
        response.headers["Location"] = url_for(
            endpoint, analysis_id=analysis.id, kind_name=kind.name, **ids
        )
    return response


def _check_article_effects(effects, engaged) -> None:
    """`article_effects` names only the engaged articles (the form would ignore the others,
    and the client would think them saved)."""
    if effects is None:
        return
    if not isinstance(effects, dict):
        message = _("Give the effects as an object: article number → effect.")
        raise ApiError(422, errors={"article_effects": [message]})
    allowed = {str(number) for number in engaged}
    unknown = sorted(str(key) for key in effects if str(key) not in allowed)
    if unknown:
        message = _(
            "Not an article this analysis engages: %(articles)s. Engaged: %(engaged)s.",
            articles=", ".join(unknown),
            engaged=", ".join(str(number) for number in engaged) or "–",
        )
        raise ApiError(422, errors={"article_effects": [message]})


def _save_entry(analysis_id: int, kind_name: str, entry_id: int | None):
    require_write()
    analysis = load_analysis(analysis_id, EDIT)
    kind = _entry_kind(kind_name)
    state = load_state(analysis, ops.checklists_for(analysis))
    row = None
    values = json_body()
    sent_effects = values.get("article_effects")  # checked as sent, not as merged below
    if entry_id is not None:  # a change: what is not sent stays as it is
        row = ops.get_entry(analysis, kind, entry_id)
        if row is None:
            raise ApiError(404)
        values = {**entry(kind, row), **values}
        values.pop("id", None)
    data = formdata(values)
    if kind.name == "alternatives":
        convention, locale = state.checklists.convention, current_language()
        engaged = state.assessable_articles()
        _check_article_effects(sent_effects, engaged)
        form_class = alternative_form(
            {
                number: f"{number}. {convention.article(number).title.get(locale)}"
                for number in engaged
            }
        )
        form = form_class(formdata=data, meta=NO_CSRF)
    else:
        form = ENTRY_FORMS[kind.name](formdata=data, meta=NO_CSRF)
    entry_views.prepare_entry_form(form, state, row)
    if not form.validate():
        raise invalid(form)
    checked = {name: form[name].data for name in kind.fields if name in form}
    if isinstance(form, AlternativeForm):
        checked["article_effects"] = form.article_effects()
    saved = _checked_save(
        analysis,
        kind,
        form,
        checked,
        row,
        lambda: ops.save_entry(state, kind, checked, current_user, row),
    )
    return _saved_response(
        entry(kind, saved), row is None, "api.entry_item", analysis, kind, entry_id=saved.id
    )


@bp.route("/analyses/<int:analysis_id>/entries/<kind_name>", methods=["POST"])
def create_entry(analysis_id: int, kind_name: str):
    return _save_entry(analysis_id, kind_name, None)


@bp.route("/analyses/<int:analysis_id>/entries/<kind_name>/<int:entry_id>", methods=["GET"])
def entry_item(analysis_id: int, kind_name: str, entry_id: int):
    analysis = load_analysis(analysis_id)
    kind = _entry_kind(kind_name)
    row = ops.get_entry(analysis, kind, entry_id)
    if row is None:
        raise ApiError(404)
    return jsonify(entry(kind, row))


@bp.route("/analyses/<int:analysis_id>/entries/<kind_name>/<int:entry_id>", methods=["PATCH"])
def update_entry(analysis_id: int, kind_name: str, entry_id: int):
    return _save_entry(analysis_id, kind_name, entry_id)


@bp.route("/analyses/<int:analysis_id>/entries/<kind_name>/<int:entry_id>", methods=["DELETE"])
def delete_entry(analysis_id: int, kind_name: str, entry_id: int):
    require_write()
    analysis = load_analysis(analysis_id, EDIT)
    kind = _entry_kind(kind_name)
    row = ops.get_entry(analysis, kind, entry_id)
    if row is None:
        raise ApiError(404)
    ops.delete_entry(load_state(analysis, ops.checklists_for(analysis)), kind, row, current_user)
    db.session.commit()
    return "", 204


# --- lifecycle ----------------------------------------------------------------------------------

# The moves the API makes: the team's, the reviewer's and the decision's.
API_TRANSITIONS = openapi.API_TRANSITIONS


@bp.route("/analyses/<int:analysis_id>/transitions", methods=["POST"])
def transition(analysis_id: int):
    require_write()
    body = json_body()
    name = body.get("transition")
    if name not in API_TRANSITIONS:
        raise ApiError(
            422,
            errors={
                "transition": [_("Choose one of: %(names)s.", names=", ".join(API_TRANSITIONS))]
            },
        )
    reviewing = name in openapi.REVIEW_TRANSITIONS
    try:  # 404 to those who may not see it, 403 (audited) to those who may not make the move
        analysis = load_analysis(analysis_id, REVIEW if reviewing else f"transition:{name}")
    except Forbidden:  # said with what this user may do now instead
        seen = db.session.get(Analysis, analysis_id)
        raise ApiError(
            403,
            _(
                "%(transition)s is not possible for you while the analysis is “%(status)s”. "
                "Yours now: %(yours)s.",
                transition=name,
                status=seen.status,
                yours=", ".join(transitions_for(current_user, seen)) or "–",
            ),
        ) from None
    checklists = ops.checklists_for(analysis)
    data = formdata({key: value for key, value in body.items() if key != "transition"})
    with domain_rules():
        if name == "submit":
            form = SubmitForm(formdata=data, meta=NO_CSRF)
            form.set_reviewers(
                {user.id: user.name for user in lifecycle.eligible_reviewers(analysis)}
            )
            if not form.validate():
                raise invalid(form)
            lifecycle.submit_for_review(
                analysis, checklists, current_user, db.session.get(User, form.reviewer.data)
            )
        elif reviewing:
            _review(analysis, checklists, data, sign=name == "sign_off")
        elif name == "new_version":
            lifecycle.open_new_version(analysis, checklists, current_user)
        elif name == "start_follow_up":
            lifecycle.transition(analysis, checklists, name, current_user)
        elif name == "record_decision":
            _record_decision(analysis, checklists, data)
        else:
            _close(analysis, checklists, data)
    db.session.commit()
    return jsonify(_full(analysis))


def _review(analysis, checklists, data, *, sign: bool) -> None:
    """The round's review: sent back to the team, or signed off with the signed version's
    reports archived, as on the review page."""
    target = "screened_out" if lifecycle.is_no_bka(analysis) else "approved"
    form = build_review_form(checklists, current_language(), target, formdata=data, meta=NO_CSRF)
    if not form.validate():
        raise invalid(form)
    personnummer.require_confirmation(
        analysis.id, current_user, "review", review_texts(form), **_confirmation(form)
    )
    values = review_values(form)
    if not sign:
        lifecycle.return_for_changes(analysis, checklists, current_user, **values)
        return
    reporting.sign_off_and_archive(
        analysis,
        checklists,
        current_user,
        **values,
        title=form.title.data or "",
        statements=form.statements.data,
        locale=current_language(),
    )


def _record_decision(analysis, checklists, data) -> None:
    form = DecisionForm(formdata=data, meta=NO_CSRF)
    if not form.validate():
        raise invalid(form)
    personnummer.require_confirmation(
        analysis.id,
        current_user,
        "decision",
        form.texts(),
        previous={"diarienummer": analysis.diarienummer or ""},
        **_confirmation(form),
    )
    lifecycle.record_decision(analysis, checklists, current_user, **form.decision())


def _close(analysis, checklists, data) -> None:
    form = CloseForm(formdata=data, meta=NO_CSRF)
    if not form.validate():
        raise invalid(form)
    values = {
        "closed_on": form.closed_on.data,
        "fared": form.fared.data,
        "conclusion": form.conclusion.data,
        "learnt": form.learnt.data or "",
    }
    personnummer.require_confirmation(
        analysis.id,
        current_user,
        "checkpoints",
        {"conclusion": values["conclusion"], "learnt": values["learnt"]},
        **_confirmation(form),
    )
    lifecycle.close(analysis, checklists, current_user, **values)


# --- follow-up ----------------------------------------------------------------------------------


def _follow_up_kind(kind_name: str):
    kind = FOLLOW_UP_KINDS.get(kind_name)
    if kind is None:
        raise ApiError(404)
    return kind


@bp.route("/analyses/<int:analysis_id>/follow-up/<kind_name>", methods=["GET"])
def list_records(analysis_id: int, kind_name: str):
    analysis = load_analysis(analysis_id)
    kind = _follow_up_kind(kind_name)
    return jsonify({"items": [record(kind, row) for row in records_of(analysis, kind)]})


def _save_record(analysis_id: int, kind_name: str, record_id: int | None):
    require_write()
    analysis = load_analysis(analysis_id, RECORD_FOLLOW_UP)
    kind = _follow_up_kind(kind_name)
    row = None
    values = json_body()
    if record_id is not None:
        row = get_record(analysis, kind, record_id)
        if row is None:
            raise ApiError(404)
        values = {**record(kind, row), **values}
        values.pop("id", None)
    form = FOLLOW_UP_FORMS[kind.name](formdata=formdata(values), meta=NO_CSRF)
    if kind.parent_field:
        set_parents(form, follow_up_views.parent_choices(analysis, kind))
    if kind.name == "child_feedback":
        form.set_consultations(follow_up_views.consultation_names(analysis))
    if not form.validate():
        raise invalid(form)
    checked = {name: form[name].data for name in kind.fields}
    saved = _checked_save(
        analysis,
        kind,
        form,
        checked,
        row,
        lambda: save_record(analysis, kind, checked, current_user, row),
    )
    return _saved_response(
        record(kind, saved), row is None, "api.record_item", analysis, kind, record_id=saved.id
    )


@bp.route("/analyses/<int:analysis_id>/follow-up/<kind_name>", methods=["POST"])
def create_record(analysis_id: int, kind_name: str):
    return _save_record(analysis_id, kind_name, None)


@bp.route("/analyses/<int:analysis_id>/follow-up/<kind_name>/<int:record_id>", methods=["GET"])
def record_item(analysis_id: int, kind_name: str, record_id: int):
    analysis = load_analysis(analysis_id)
    kind = _follow_up_kind(kind_name)
    row = get_record(analysis, kind, record_id)
    if row is None:
        raise ApiError(404)
    return jsonify(record(kind, row))


@bp.route("/analyses/<int:analysis_id>/follow-up/<kind_name>/<int:record_id>", methods=["PATCH"])
def update_record(analysis_id: int, kind_name: str, record_id: int):
    return _save_record(analysis_id, kind_name, record_id)
