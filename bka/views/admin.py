"""The administrators' area: the overview across all analyses, the list, exports, the yearly
barnbokslut, users, organisations and checklist versions."""

from __future__ import annotations

import re
from datetime import date

from flask import (
    Blueprint,
    Response,
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
from sqlalchemy import func, or_, select
from wtforms.fields.choices import SelectChoice

from bka.domain import audit, labels, overview, overview_tables, reporting
from bka.domain.accounts import (
    create_organisation,
    create_user,
    password_hasher,
    update_user,
)
from bka.domain.checklists import content_hash
from bka.domain.errors import FieldError
from bka.domain.permissions import ADMINISTER, can
from bka.domain.workflow import STATUS_LABELS
from bka.extensions import db
from bka.forms.admin import (
    BarnbokslutForm,
    FilterForm,
    NewUserForm,
    OrganisationForm,
    UserForm,
)
from bka.models import Analysis, ChecklistRevision, Organisation, OverviewTally, User
from bka.models.user import ROLE_REVIEWER
from bka.views.helpers import library
from bka.web.exports import csv_bytes, xlsx_bytes
from bka.web.i18n import current_language
from bka.web.security import form_checks_csrf

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def administrators_only():
    if not can(current_user, ADMINISTER):
        db.session.rollback()
        audit.record(
            "access_denied",
            actor=current_user,
            object_type="admin",
            outcome=audit.DENIED,
            details={"path": request.path, "status": 403},
        )
        db.session.commit()
        abort(403)
    return None


# --- filters ------------------------------------------------------------------------------------


def _organisation_names() -> list[str]:
    """Organisations with analyses, and those in the list of organisations."""
    names = set(
        db.session.scalars(
            select(OverviewTally.organisation).where(
                OverviewTally.grain == "organisation", OverviewTally.metric == "analyses"
            )
        )
    )
    names.update(db.session.scalars(select(Organisation.name)))
    return sorted(names, key=str.casefold)


def _filter_form() -> FilterForm:
    form = FilterForm(request.args)
    reviewers = db.session.execute(
        select(User.id, User.name).where(User.role == ROLE_REVIEWER).order_by(User.name)
    ).all()
    form.set_options(_organisation_names(), dict(reviewers))
    return form


def _filters(form: FilterForm) -> overview.Filters:
    """The valid filters only: an invalid one is shown with its error and otherwise ignored."""
    form.validate()

    def valid(field):
        return field.data if field.data not in (None, "") and not field.errors else None

    reviewer = valid(form.reviewer)
    return overview.Filters(
        organisation=valid(form.organisation),
        year=valid(form.year),
        decision_area=valid(form.decision_area),
        status=valid(form.status),
        reviewer_id=int(reviewer) if reviewer and reviewer.isdigit() else None,
        search=valid(form.q),
    )


def _filter_args(filters: overview.Filters) -> dict:
    """The filters as query-string arguments, for links that keep them."""
    return {
        key: value
        for key, value in {
            "organisation": filters.organisation,
            "year": filters.year,
            "decision_area": filters.decision_area,
            "status": filters.status,
            "reviewer": filters.reviewer_id,
            "q": filters.search,
        }.items()
        if value not in (None, "")
    }


# --- overview and list --------------------------------------------------------------------------


@bp.route("/")
def index():
    form = _filter_form()
    filters = _filters(form)
    result = overview.build(db.session, filters, date.today())
    status = 400 if form.has_errors else 200
    locale = current_language()
    convention = library().convention
    return render_template(
        "admin/overview.html",
        form=form,
        filters=filters,
        filter_args=_filter_args(filters),
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
    filters = _filters(form)
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
        filter_args=_filter_args(filters),
        page=page,
        heard_labels=labels.HEARD,
    )


# --- exports ------------------------------------------------------------------------------------

EXPORT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def _list_sheet() -> tuple[str, list[str], object]:
    filters = _filters(_filter_form())
    headers = [
        str(_l("Id")),
        str(_l("Title")),
        str(_l("Case number")),
        str(_l("Organisation")),
        str(_l("Decision area")),
        str(_l("Status")),
        str(_l("Year")),
        str(_l("Screening outcome")),
        str(_l("Were children heard?")),
        str(_l("Last changed")),
    ]
    rows = (
        (
            row.id,
            row.title,
            row.diarienummer or "",
            row.organisation,
            str(labels.AREA.get(row.decision_area, row.decision_area)),
            str(STATUS_LABELS.get(row.status, row.status)),
            row.year or "",
            str(labels.SCREENING_RESULT.get(row.screening_level or "unset", "")),
            str(labels.HEARD.get(row.children_heard or "unanswered", row.children_heard)),
            row.updated_at.date().isoformat(),
        )
        for row in overview.all_rows(db.session, filters)
    )
    return str(_l("Analyses")), headers, rows


def _aggregate_tables() -> list[overview_tables.Table]:
    filters = _filters(_filter_form())
    result = overview.build(db.session, filters, date.today())
    return overview_tables.tables(result, library().convention, current_language())


@bp.route("/export/<what>.<fmt>")
def export(what: str, fmt: str):
    if what not in ("analyses", "aggregates") or fmt not in EXPORT_FORMATS:
        abort(404)
    if what == "analyses":
        name, headers, rows = _list_sheet()
        sheets = [(name, headers, rows)]
    else:
        sheets = [(table.title, table.headers, table.rows) for table in _aggregate_tables()]
    if fmt == "csv":
        if what == "analyses":
            body = csv_bytes(headers, rows)
        else:  # one CSV: a section column names the table each row belongs to
            section = str(_l("Table"))
            body = csv_bytes(
                [section, str(_l("Label")), str(_l("Values"))],
                (
                    (title, row[0], *row[1:])
                    for title, _headers, table_rows in sheets
                    for row in table_rows
                ),
            )
    else:
        body = xlsx_bytes(sheets)
    audit.record(
        "export",
        actor=current_user,
        object_type="admin",
        details={"what": what, "format": fmt, "filters": request.args.to_dict()},
    )
    db.session.commit()
    filename = f"bka-{what}-{date.today().isoformat()}.{fmt}"
    return Response(
        body,
        mimetype=EXPORT_FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# --- barnbokslut --------------------------------------------------------------------------------


def _barnbokslut_form(filters: overview.Filters | None = None, formdata=None) -> BarnbokslutForm:
    form = BarnbokslutForm(
        formdata,
        year=(filters.year if filters else None) or date.today().year,
        organisation=filters.organisation if filters else "",
        lang=current_language(),
    )
    form.organisation.choices = [
        SelectChoice("", _l("All organisations")),
        *(SelectChoice(name, name) for name in _organisation_names()),
    ]
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
        result, library().convention, form.lang.data, date.today(), organisation, form.year.data
    )
    audit.record(
        "export",
        actor=current_user,
        object_type="admin",
        details={"what": "barnbokslut", "year": form.year.data, "organisation": organisation},
    )
    db.session.commit()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", organisation or "alla").strip("-")[:40]
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": (
                f'attachment; filename="barnbokslut-{form.year.data}-{slug}-{form.lang.data}.pdf"'
            )
        },
    )


# --- users and organisations --------------------------------------------------------------------


def _organisation_choices() -> dict[int, str]:
    return dict(
        db.session.execute(
            select(Organisation.id, Organisation.name).order_by(Organisation.name)
        ).all()
    )


def _organisation(form: UserForm) -> Organisation | None:
    return db.session.get(Organisation, form.organisation.data) if form.organisation.data else None


@bp.route("/users")
def users():
    search = request.args.get("q", "").strip()[:200]
    query = select(User).order_by(func.lower(User.name))
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(
            or_(func.lower(User.name).like(pattern), func.lower(User.email).like(pattern))
        )
    return render_template("admin/users.html", users=db.session.scalars(query).all(), search=search)


@bp.route("/users/new", methods=["GET", "POST"])
@form_checks_csrf
def new_user():
    form = NewUserForm()
    form.set_organisations(_organisation_choices())
    if form.validate_on_submit():
        try:
            user = create_user(
                password_hasher(current_app.config),
                email=form.email.data,
                name=form.name.data,
                password=form.password.data,
                role=form.role.data,
                actor=current_user,
                organisation=_organisation(form),
                active=form.active.data,
            )
        except FieldError as error:
            form.add_domain_error(error)
        else:
            db.session.commit()
            flash(_l("The user %(name)s was created.", name=user.name), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user.html", form=form, user=None), 400 if form.has_errors else 200


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@form_checks_csrf
def edit_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = UserForm(
        data={
            "name": user.name,
            "email": user.email,
            "role": user.role,
            "organisation": user.organisation_id or 0,
            "active": user.active,
        }
    )
    form.set_organisations(_organisation_choices())
    if form.validate_on_submit():
        try:
            update_user(
                user,
                current_user,
                name=form.name.data,
                email=form.email.data,
                role=form.role.data,
                organisation=_organisation(form),
                active=form.active.data,
                new_password=form.new_password.data or None,
                hasher=password_hasher(current_app.config),
                turn_off_totp=form.turn_off_totp.data,
            )
        except FieldError as error:
            form.add_domain_error(error)
        else:
            db.session.commit()
            flash(_l("The changes to %(name)s were saved.", name=user.name), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user.html", form=form, user=user), 400 if form.has_errors else 200


@bp.route("/organisations", methods=["GET", "POST"])
@form_checks_csrf
def organisations():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = create_organisation(form.name.data, current_user)
        except FieldError as error:
            form.add_domain_error(error)
        else:
            db.session.commit()
            flash(_l("%(name)s was added.", name=organisation.name), "success")
            return redirect(url_for("admin.organisations"))
    user_counts = dict(
        db.session.execute(
            select(User.organisation_id, func.count()).group_by(User.organisation_id)
        ).all()
    )
    analysis_counts = dict(
        db.session.execute(
            select(OverviewTally.organisation, OverviewTally.n).where(
                OverviewTally.grain == "organisation", OverviewTally.metric == "analyses"
            )
        ).all()
    )
    listed = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    unlisted = sorted(set(analysis_counts) - {item.name for item in listed}, key=str.casefold)
    return render_template(
        "admin/organisations.html",
        form=form,
        organisations=listed,
        unlisted=unlisted,
        user_counts=user_counts,
        analysis_counts=analysis_counts,
    ), 400 if form.has_errors else 200


# --- checklists ---------------------------------------------------------------------------------


@bp.route("/checklists")
def checklists():
    """Every stored checklist version and how many analyses were made with it."""
    usage: dict[int, int] = {}
    for column in (
        Analysis.method_revision_id,
        Analysis.convention_revision_id,
        Analysis.pack_revision_id,
    ):
        for revision_id, count in db.session.execute(select(column, func.count()).group_by(column)):
            usage[revision_id] = usage.get(revision_id, 0) + count
    revisions = db.session.execute(
        select(
            ChecklistRevision.id,
            ChecklistRevision.checklist_id,
            ChecklistRevision.version,
            ChecklistRevision.content_hash,
            ChecklistRevision.loaded_at,
        ).order_by(ChecklistRevision.checklist_id, ChecklistRevision.version.desc())
    ).all()
    loaded = {checklist_id: raw.get("version") for checklist_id, raw in library().raw.items()}
    loaded_hashes = {checklist_id: content_hash(raw) for checklist_id, raw in library().raw.items()}
    return render_template(
        "admin/checklists.html",
        revisions=revisions,
        usage=usage,
        loaded=loaded,
        loaded_hashes=loaded_hashes,
    )
