"""Sign in and out, the language switch and the account page."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from bka.domain import audit
from bka.domain.accounts import authenticate, password_hasher
from bka.extensions import db
from bka.forms.auth import AccountForm, LanguageForm, LoginForm
from bka.web.security import form_checks_csrf

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str | None:
    """Only local paths are followed after login or a language switch (no open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@form_checks_csrf
def login():
    if current_user.is_authenticated:
        return redirect(url_for("analyses.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = authenticate(
            password_hasher(current_app.config), form.email.data, form.password.data
        )
        if user is None:
            audit.record("login", actor_label=form.email.data[:254], outcome=audit.FAILURE)
            db.session.commit()
            form.form_errors.append(_l("The e-mail address or password is incorrect."))
        else:
            audit.record("login", actor=user)
            locale = session.get("locale")
            session.clear()  # a fresh session on login: no fixation
            if locale:
                session["locale"] = locale
            login_user(user)
            db.session.commit()
            return redirect(safe_next(form.next.data) or url_for("analyses.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        audit.record("logout", actor=current_user)
        db.session.commit()
    logout_user()
    session.clear()
    flash(_l("You have been logged out."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
def language():
    form = LanguageForm()
    choice = form.language.data
    if choice in current_app.config["LANGUAGES"]:
        session["locale"] = choice
        if current_user.is_authenticated:
            current_user.locale = choice
            db.session.commit()
    return redirect(safe_next(form.next.data) or url_for("analyses.index"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def account():
    form = AccountForm(locale=current_user.locale or current_app.config["BABEL_DEFAULT_LOCALE"])
    if form.validate_on_submit():
        current_user.locale = form.locale.data
        session["locale"] = form.locale.data
        db.session.commit()
        flash(_l("Your settings are saved."), "success")
        return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form)
