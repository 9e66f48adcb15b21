"""Sign in (password, then a TOTP code where the user has one) and out, the language switch,
the account page, the password change and two-factor set-up."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import qrcode
import qrcode.image.svg
from flask import (
    Blueprint,
    abort,
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
from itsdangerous import BadData, URLSafeTimedSerializer
from markupsafe import Markup

from bka.domain import accounts, api_tokens, audit, two_factor
from bka.domain import sessions as login_sessions
from bka.domain.accounts import password_hasher
from bka.domain.errors import DomainError, FieldError, Throttled
from bka.domain.sso import NO_PASSWORD
from bka.extensions import db
from bka.forms.auth import (
    AccountForm,
    ChangePasswordForm,
    LanguageForm,
    LoginForm,
    SecondFactorForm,
    TotpDisableForm,
    TotpSetupForm,
)
from bka.models import User
from bka.models.base import utcnow
from bka.web import oidc
from bka.web.security import form_checks_csrf
from bka.web.sessions import current_record
from bka.web.sessions import policy as session_policy

# Between a right password and the TOTP code: who, which session version, where to, since when.
PENDING = "pending_second_factor"
PENDING_SECONDS = 10 * 60
SETUP_SECONDS = 60 * 60

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str | None:
    """Only local paths are followed after login or a language switch (no open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def wait_message(seconds: int):
    """The throttle's message: the same whether or not the account exists."""
    minutes = max(1, -(-seconds // 60))
    if minutes == 1:
        return _l("Too many attempts. Wait a minute and try again.")
    return _l("Too many attempts. Wait %(minutes)s minutes and try again.", minutes=minutes)


def fresh_session() -> None:
    """A fresh session on login: no fixation. The language choice survives."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale


@bp.route("/login", methods=["GET", "POST"])
@form_checks_csrf
def login():
    if current_user.is_authenticated:
        return redirect(url_for("analyses.index"))
    form = LoginForm(next=request.args.get("next", ""))
    status = 200
    local_login = current_app.config["LOCAL_LOGIN"]
    if not local_login and request.method == "POST":
        # Passwords are turned off: nothing posted here is checked.
        form.form_errors.append(
            _l(
                "Logging in with a password is turned off. Log in with %(provider)s.",
                provider=oidc.provider_name(),
            )
        )
        status = 403
    elif form.validate_on_submit():
        result = accounts.sign_in(
            password_hasher(current_app.config),
            current_app.config,
            form.email.data,
            form.password.data,
            request.remote_addr,
        )
        db.session.commit()
        if result.wait:
            form.form_errors.append(wait_message(result.wait))
            status = 429
        elif result.user is None:
            form.form_errors.append(_l("The e-mail address or password is incorrect."))
        elif result.second_factor:
            fresh_session()
            session[PENDING] = {
                "user": result.user.id,
                "version": result.user.session_version,
                "next": safe_next(form.next.data) or "",
                "at": int(time.time()),
            }
            return redirect(url_for("auth.second_factor"))
        else:
            fresh_session()
            login_user(result.user)
            return redirect(safe_next(form.next.data) or url_for("analyses.index"))
    return render_template(
        "auth/login.html",
        form=form,
        local_login=local_login,
        sso_name=oidc.provider_name() if oidc.enabled() else None,
    ), status


def _pending_user() -> User | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending.get("user") or 0)
    if (
        user is None
        or not user.active
        or not user.has_totp
        or user.session_version != pending.get("version")
    ):
        return None
    return user


@bp.route("/login/code", methods=["GET", "POST"])
@form_checks_csrf
def second_factor():
    """The second step of signing in: the password was right, the code is still to come."""
    if current_user.is_authenticated:
        return redirect(url_for("analyses.index"))
    user = _pending_user() if current_app.config["LOCAL_LOGIN"] else None
    if user is None:
        session.pop(PENDING, None)
        if request.method == "POST":
            flash(_l("Your login took too long. Please log in again."), "info")
        return redirect(url_for("auth.login"))
    form = SecondFactorForm()
    status = 200
    if form.validate_on_submit():
        result = accounts.sign_in_second_factor(
            current_app.config, user, form.code.data, request.remote_addr
        )
        db.session.commit()
        if result.wait:
            form.form_errors.append(wait_message(result.wait))
            status = 429
        elif result.user is None:
            form.code.errors = [_l("The code is not right or has already been used.")]
            status = 400
        else:
            target = session[PENDING].get("next") or url_for("analyses.index")
            fresh_session()
            login_user(result.user)
            return redirect(safe_next(target) or url_for("analyses.index"))
    elif form.has_errors:
        status = 400
    return render_template("auth/second_factor.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    # A login through single sign-on also ends the provider's session, where it offers that.
    provider_logout = oidc.logout_url() if current_user.is_authenticated else None
    if current_user.is_authenticated:
        audit.record("logout", actor=current_user)
        db.session.commit()
    logout_user()
    session.clear()
    flash(_l("You have been logged out."), "success")
    return redirect(provider_logout or url_for("auth.login"))


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
    return render_template(
        "auth/account.html",
        form=form,
        recovery_codes_left=two_factor.recovery_codes_left(current_user),
        totp_required=two_factor.required(current_user, current_app.config["REQUIRE_TOTP_FOR"]),
        sessions=[
            (record, *login_sessions.browser_of(record.user_agent))
            for record in login_sessions.live_sessions(current_user, session_policy())
        ],
        this_session=current_record(),
        # An account made by single sign-on has no password of its own in bka.
        sso_only=current_user.password_hash == NO_PASSWORD,
        sso_name=oidc.provider_name() if oidc.enabled() else None,
        api_tokens=api_tokens.tokens_of(current_user),
        now=utcnow(),
    )


@bp.route("/account/sessions/<int:session_id>/end", methods=["POST"])
@login_required
def end_own_session(session_id: int):
    """Sign out one of your own sessions elsewhere (a browser you do not recognise)."""
    if session_id == current_record().id:  # this browser signs out with "Log out"
        abort(400)
    if not login_sessions.end_own_session(current_user, session_id):
        abort(404)
    audit.record(
        "session_ended",
        actor=current_user,
        object_type="user",
        object_id=current_user.id,
        details={"session": session_id},
    )
    db.session.commit()
    flash(_l("That session has ended."), "success")
    return redirect(url_for("auth.account") + "#sessions")


@bp.route("/account/sessions/end-others", methods=["POST"])
@login_required
def end_other_sessions():
    """Sign out everywhere but here."""
    ended = login_sessions.end_sessions(current_user, except_current=current_record())
    audit.record(
        "sessions_ended",
        actor=current_user,
        object_type="user",
        object_id=current_user.id,
        details={"sessions": ended},
    )
    db.session.commit()
    flash(_l("Your other sessions have ended."), "success")
    return redirect(url_for("auth.account") + "#sessions")


def _guarded_change(form, change) -> int | None:
    """Make an account change that asks for a password or code, which sign-in throttling
    guards: None when it is done (committed); otherwise the status to show the form with.
    A refused attempt is committed too, since the throttle counts it."""
    try:
        change()
    except Throttled as refusal:
        db.session.commit()
        form.form_errors.append(wait_message(refusal.wait))
        return 429
    except FieldError as error:
        db.session.commit()
        form.add_domain_error(error)
        return 400
    except DomainError as error:
        db.session.rollback()
        form.form_errors.append(error.message)
        return 400
    db.session.commit()
    return None


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def change_password():
    user = current_user._get_current_object()
    if user.password_hash == NO_PASSWORD:  # made by single sign-on: no password to change
        return redirect(url_for("auth.account"))
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        status = _guarded_change(
            form,
            lambda: accounts.change_password(
                password_hasher(current_app.config),
                current_app.config,
                user,
                current=form.current_password.data,
                new=form.new_password.data,
                address=request.remote_addr,
            ),
        )
        if status is None:
            login_user(user)  # the session version was raised: this session goes on
            flash(
                _l("Your password has been changed. Any other sessions of yours have ended."),
                "success",
            )
            return redirect(url_for("auth.account"))
    elif form.has_errors:
        status = 400
    return render_template("auth/password.html", form=form), status


def _setup_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="bka-totp-setup")


def qr_svg(uri: str) -> Markup:
    """The otpauth URI as an inline SVG QR code (no images, no Pillow)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return Markup(image.to_string(encoding="unicode"))  # noqa: S704 - our own SVG, no user text


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def totp_setup():
    """Switch TOTP on: the secret travels signed in the form (nothing is stored before the user
    shows a code from it), then the recovery codes are shown once."""
    user = current_user._get_current_object()
    if user.has_totp or user.password_hash == NO_PASSWORD:  # SSO only: the provider does MFA
        return redirect(url_for("auth.account"))
    form = TotpSetupForm()
    serializer = _setup_serializer()
    secret = None
    if form.is_submitted() and form.secret_token.data:
        try:
            data = serializer.loads(form.secret_token.data, max_age=SETUP_SECONDS)
        except BadData:
            data = None
        if isinstance(data, dict) and data.get("user") == user.id:
            secret = data.get("secret")
    if form.validate_on_submit():
        if secret is None:
            form.code.errors = [
                _l("The set-up took too long. Add the new key below to your app and try again.")
            ]
        else:
            try:
                codes = two_factor.enable(user, secret, form.code.data, utcnow())
            except FieldError as error:
                form.add_domain_error(error)
            except DomainError as error:
                form.form_errors.append(str(error))
            else:
                db.session.commit()
                return render_template("auth/recovery_codes.html", codes=codes)
    secret = secret or two_factor.new_secret()
    form.secret_token.data = serializer.dumps({"user": user.id, "secret": secret})
    uri = two_factor.provisioning_uri(secret, user.email)
    return render_template(
        "auth/totp_setup.html",
        form=form,
        secret=two_factor.grouped(secret),
        uri=uri,
        qr=qr_svg(uri),
        required=two_factor.required(user, current_app.config["REQUIRE_TOTP_FOR"]),
    ), (400 if form.has_errors else 200)


@bp.route("/account/two-factor/disable", methods=["GET", "POST"])
@login_required
@form_checks_csrf
def totp_disable():
    user = current_user._get_current_object()
    if not user.has_totp:
        return redirect(url_for("auth.account"))
    form = TotpDisableForm()
    status = 200
    if form.validate_on_submit():
        status = _guarded_change(
            form,
            lambda: two_factor.disable(
                password_hasher(current_app.config),
                current_app.config,
                user,
                password=form.password.data,
                code=form.code.data,
                address=request.remote_addr,
                now=utcnow(),
            ),
        )
        if status is None:
            flash(_l("Two-factor authentication is off."), "success")
            return redirect(url_for("auth.account"))
    elif form.has_errors:
        status = 400
    return render_template("auth/totp_disable.html", form=form), status
