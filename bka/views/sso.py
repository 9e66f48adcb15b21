"""Single sign-on with OpenID Connect: start the login at the provider and take its answer.

Starting is a GET (a link on the login page): it changes nothing but this browser's session,
where the state, nonce and PKCE verifier wait for the callback. The callback is protected by
that state, so a login cannot be planted in someone else's browser.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user

from bka.domain import sso
from bka.extensions import db
from bka.views.auth import fresh_session, safe_next  # as a password login
from bka.web import oidc

bp = Blueprint("sso", __name__)


def _failed(message, status: int):
    return render_template("auth/sso_failed.html", message=message), status


@bp.route("/login/sso")
def start():
    if not oidc.enabled():
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("analyses.index"))
    session[oidc.NEXT] = safe_next(request.args.get("next")) or ""
    try:
        return oidc.client().authorize_redirect(oidc.absolute_url("sso.callback"))
    except oidc.NETWORK_ERRORS + oidc.PROTOCOL_ERRORS as error:
        current_app.logger.warning("oidc: the login could not start: %s", error)
        return _failed(_l("The sign-in service does not answer right now. Try again later."), 503)


@bp.route("/login/sso/callback")
def callback():
    if not oidc.enabled():
        abort(404)
    client = oidc.client()
    issuer = current_app.config["OIDC_ISSUER"]
    # RFC 9207: a provider that names itself in the answer must be ours (mix-up defence).
    answered_by = request.args.get("iss")
    try:
        if answered_by is not None and answered_by.rstrip("/") != issuer.rstrip("/"):
            raise sso.SsoRefused("wrong_issuer", "")
        token = client.authorize_access_token()
        claims = dict(token.get("userinfo") or {})
        if not claims.get("sub"):
            raise sso.SsoRefused("no_id_token", "")
        if client.load_server_metadata().get("userinfo_endpoint"):
            extra = client.userinfo()
            if extra.get("sub") != claims["sub"]:
                raise sso.SsoRefused("userinfo_subject", "")
            for key, value in extra.items():
                claims.setdefault(key, value)
    except oidc.NETWORK_ERRORS as error:
        current_app.logger.warning("oidc: the provider did not answer: %s", error)
        sso.record_protocol_failure("provider_unreachable")
        db.session.commit()
        return _failed(_l("The sign-in service does not answer right now. Try again later."), 503)
    except (sso.SsoRefused, *oidc.PROTOCOL_ERRORS) as error:
        reason = getattr(error, "reason", None) or getattr(error, "error", None)
        reason = reason or type(error).__name__
        current_app.logger.info("oidc: login refused: %s", reason)
        sso.record_protocol_failure(str(reason))
        db.session.commit()
        if reason == "access_denied":
            return _failed(_l("The login was cancelled at the sign-in service."), 400)
        return _failed(
            _l(
                "The login could not be completed: the answer from the sign-in service was "
                "not valid or came too late. Start again from the login page."
            ),
            400,
        )
    try:
        user = sso.sign_in(oidc.mapping(), claims)
    except sso.SsoRefused as refusal:
        db.session.commit()
        return _failed(refusal.message, 403)
    db.session.commit()
    target = session.get(oidc.NEXT) or ""
    fresh_session()
    login_user(user)
    oidc.remember_login(token.get("id_token"))
    return redirect(safe_next(target) or url_for("analyses.index"))
