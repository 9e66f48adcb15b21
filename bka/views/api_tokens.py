"""Personal access tokens for the JSON API on the account page: create (shown once), revoke."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from bka.domain import api_tokens
from bka.domain.errors import FieldError
from bka.extensions import db
from bka.forms.api_tokens import ApiTokenForm
from bka.web.security import form_checks_csrf

bp = Blueprint("api_tokens", __name__, url_prefix="/account/tokens")


@bp.route("/new", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def new():
    form = ApiTokenForm()
    if form.validate_on_submit():
        try:
            token, secret = api_tokens.create_token(
                current_user,
                name=form.name.data,
                scope=form.scope.data,
                expires_days=form.expires_days.data,
            )
        except FieldError as error:
            form.add_domain_error(error)
        else:
            db.session.commit()
            # Shown once, on this answer only (never put in the session or a redirect).
            return render_template("auth/api_token_created.html", token=token, secret=secret)
    return render_template("auth/api_token_new.html", form=form)


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int):
    token = api_tokens.token_of(current_user, token_id)
    if token is None:
        abort(404)
    api_tokens.revoke_token(token, current_user)
    db.session.commit()
    flash(_l("The token is revoked: it no longer works."), "success")
    return redirect(url_for("auth.account") + "#api-tokens")
