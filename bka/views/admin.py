"""The administrators' area: the overview across all analyses, the list, exports, the yearly
barnbokslut, users, organisations and checklist versions."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from bka.domain import (
    accounts,
    administration,
    audit,
    labels,
    organisation_profiles,
    overview,
    overview_tables,
    reporting,
)
from bka.domain import sessions as login_sessions
from bka.domain.errors import FieldError
from bka.domain.permissions import ADMINISTER, EDIT_ORGANISATION_PROFILE, can
from bka.extensions import db
from bka.forms.admin import (
    BarnbokslutForm,
    FilterForm,
    NewUserForm,
    OrganisationForm,
    UserForm,
)
from bka.forms.organisation_profile import OrganisationProfileForm
from bka.models import Organisation, User
from bka.views.helpers import library
from bka.web.exports import attachment, csv_bytes, filename_part, xlsx_bytes
from bka.web.i18n import current_language, local_today
from bka.web.security import form_checks_csrf
from bka.web.sessions import current_record
from bka.web.sessions import policy as session_policy

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def administrators_only():
    if not can(current_user, ADMINISTER):
        db.session.rollback()
        audit.record_denied(
            "access_denied",
            actor=current_user,
            object_type="admin",
            details={"path": request.path, "status": 403},
        )
        db.session.commit()
        abort(403)
    return None


# --- filters ------------------------------------------------------------------------------------


def _filter_form() -> FilterForm:
    form = FilterForm(request.args)
    form.set_options(administration.organisation_names(), administration.reviewer_options())
    return form


# --- overview and list --------------------------------------------------------------------------


@bp.route("/")
def index():
    form = _filter_form()
    filters = form.filters()
    result = overview.build(db.session, filters, date.today())
    status = 400 if form.has_errors else 200
    locale = current_language()
    convention = library().convention
    return render_template(
        "admin/overview.html",
        form=form,
        filters=filters,
        filter_args=FilterForm.query_args(filters),
        overview=result,
        tables={table.key: table for table in overview_tables.tables(result, convention, locale)},
        key_figures=overview_tables.key_figures(result, format_decimal, locale),
        top_articles={
            direction: [
                (overview_tables.article_label(convention, number, locale), count)
                for number, count in result.top_articles(direction)
            ]
            for direction in ("weakens", "strengthens")
        },
        barnbokslut_form=_barnbokslut_form(filters),
    ), status


@bp.route("/analyses")
def analyses():
    form = _filter_form()
    filters = form.filters()
    page = overview.list_page(
        db.session,
        filters,
        after=overview.Cursor.decode(request.args.get("after")),
        before=overview.Cursor.decode(request.args.get("before")),
    )
    return render_template(
        "admin/analyses.html",
        form=form,
        filters=filters,
        filter_args=FilterForm.query_args(filters),
        page=page,
        heard_labels=labels.HEARD,
    )


# --- exports ------------------------------------------------------------------------------------

EXPORT_FORMATS = {
    "csv": "text/csv",  # Werkzeug adds "; charset=utf-8" to text types
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


@bp.route("/export/<what>.<fmt>")
def export(what: str, fmt: str):
    if what not in ("analyses", "aggregates") or fmt not in EXPORT_FORMATS:
        abort(404)
    filters = _filter_form().filters()
    if what == "analyses":
        name, headers, rows = overview_tables.analysis_list(overview.all_rows(db.session, filters))
        sheets = [(name, headers, rows)]
    else:
        result = overview.build(db.session, filters, date.today())
        tables = overview_tables.tables(result, library().convention, current_language())
        sheets = [(table.title, table.headers, table.rows) for table in tables]
        headers, rows = overview_tables.in_one_sheet(tables)  # the CSV: all tables in one
    body = xlsx_bytes(sheets) if fmt == "xlsx" else csv_bytes(headers, rows)
    audit.record(
        "export",
        actor=current_user,
        object_type="admin",
        details={"what": what, "format": fmt, "filters": request.args.to_dict()},
    )
    db.session.commit()
    organisation = filename_part(filters.organisation or "", 40, "")  # may hold å, ä, ö
    parts = ("bka", what, organisation, date.today().isoformat())
    filename = "-".join(part for part in parts if part) + f".{fmt}"
    return attachment(body, EXPORT_FORMATS[fmt], filename)


# --- barnbokslut --------------------------------------------------------------------------------


def _barnbokslut_form(filters: overview.Filters | None = None, formdata=None) -> BarnbokslutForm:
    form = BarnbokslutForm(
        formdata,
        year=(filters.year if filters else None) or date.today().year,
        organisation=filters.organisation if filters else "",
        lang=current_language(),
    )
    form.set_organisations(administration.organisation_names())
    return form


@bp.route("/barnbokslut")
def barnbokslut():
    form = _barnbokslut_form(formdata=request.args)
    if not form.validate():
        return render_template("admin/barnbokslut.html", form=form), 400
    organisation = form.organisation.data or None
    filters = overview.Filters(organisation=organisation, year=form.year.data)
    result = overview.build(db.session, filters, date.today())
    pdf = reporting.render_barnbokslut(
        result, library().convention, form.lang.data, local_today(), organisation, form.year.data
    )
    audit.record(
        "export",
        actor=current_user,
        object_type="admin",
        details={"what": "barnbokslut", "year": form.year.data, "organisation": organisation},
    )
    db.session.commit()
    slug = filename_part(organisation or "alla", 40, "alla")
    filename = f"barnbokslut-{form.year.data}-{slug}-{form.lang.data}.pdf"
    return attachment(pdf, "application/pdf", filename)


# --- users and organisations --------------------------------------------------------------------


@bp.route("/users")
def users():
    search = request.args.get("q", "").strip()[:200]
    return render_template("admin/users.html", users=accounts.search_users(search), search=search)


@bp.route("/users/new", methods=["GET", "POST"])
@form_checks_csrf
def new_user():
    return _account_page(None, NewUserForm())


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@form_checks_csrf
def edit_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    return _account_page(user, UserForm.for_user(user))


def _account_page(user: User | None, form: UserForm):
    """Creating (user None) and editing an account: one form, one domain operation."""
    form.set_organisations(administration.organisation_options())
    if form.validate_on_submit():
        try:
            saved = accounts.save_account(
                accounts.password_hasher(current_app.config), current_user, user, **form.account()
            )
        except FieldError as error:
            form.add_domain_error(error)
        else:
            db.session.commit()
            if user is None:
                flash(_l("The user %(name)s was created.", name=saved.name), "success")
            else:
                flash(_l("The changes to %(name)s were saved.", name=saved.name), "success")
            return redirect(url_for("admin.users"))
    return render_template(
        "admin/user.html",
        form=form,
        user=user,
        open_sessions=login_sessions.open_sessions(user, session_policy()) if user else 0,
    ), 400 if form.has_errors else 200


@bp.route("/users/<int:user_id>/sessions/end", methods=["POST"])
def end_user_sessions(user_id: int):
    """End every session of the user at once (an administrator's own: every other one)."""
    user = db.session.get(User, user_id) or abort(404)
    current = current_record() if user.id == current_user.id else None
    ended = login_sessions.end_sessions(user, except_current=current)
    audit.record(
        "sessions_ended",
        actor=current_user,
        object_type="user",
        object_id=user.id,
        details={"sessions": ended},
    )
    db.session.commit()
    flash(_l("The sessions of %(name)s were ended.", name=user.name), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/organisations", methods=["GET", "POST"])
@form_checks_csrf
def organisations():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = accounts.create_organisation(form.name.data, current_user)
        except FieldError as error:
            form.add_domain_error(error)
        else:
            db.session.commit()
            flash(_l("%(name)s was added.", name=organisation.name), "success")
            return redirect(url_for("admin.organisations"))
    listing = administration.organisation_list()
    return render_template(
        "admin/organisations.html",
        form=form,
        organisations=listing.listed,
        unlisted=listing.unlisted,
        user_counts=listing.user_counts,
        analysis_counts=listing.analysis_counts,
        profiles=listing.profiles,
    ), 400 if form.has_errors else 200


@bp.route("/organisations/<int:organisation_id>/profile", methods=["GET", "POST"])
@form_checks_csrf
def organisation_profile(organisation_id: int):
    """An organisation's profile: kinds of case, policies and competences (shown on screening)."""
    if not can(current_user, EDIT_ORGANISATION_PROFILE):
        abort(403)
    organisation = db.session.get(Organisation, organisation_id) or abort(404)
    profile = organisation_profiles.profile_of(organisation)
    method = library().method
    form = OrganisationProfileForm.build(
        profile,
        organisation_profiles.competence_scale(method),
        current_language(),
        formdata=request.form if request.method == "POST" else None,
    )
    if form.validate_on_submit():
        try:
            organisation_profiles.save_profile(organisation, current_user, method, **form.profile())
        except FieldError as error:
            form.add_domain_error(error)
        else:
            db.session.commit()
            flash(_l("The profile of %(name)s was saved.", name=organisation.name), "success")
            return redirect(url_for("admin.organisation_profile", organisation_id=organisation.id))
    return render_template(
        "admin/organisation_profile.html", form=form, organisation=organisation, profile=profile
    ), 400 if form.has_errors else 200


# --- checklists ---------------------------------------------------------------------------------


@bp.route("/checklists")
def checklists():
    """Every stored checklist version and how many analyses were made with it."""
    revisions = administration.checklist_revisions(library().raw)
    return render_template("admin/checklists.html", revisions=revisions)
