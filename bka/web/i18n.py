"""Locale selection: the user's preference, then the session, then the browser, then Swedish.

Also the request's catalog, found once per request and locale: Flask-Babel finds it again on
every gettext call (nine context-local look-ups each), and a step page translates hundreds of
labels. The memo lives in Flask-Babel's own per-request namespace and is checked against the
locale and domain in effect, so force_locale() and refresh() are honoured exactly.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, g, has_request_context, request, session
from flask_babel import Babel, Domain, get_domain, get_locale
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup
from werkzeug.utils import cached_property

from reports.data import format_locale as format_locale  # one mapping for pages, e-mail, PDFs


def supported() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def select_locale() -> str:
    if not has_request_context():  # CLI commands and background work use the default
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in supported():
        return current_user.locale
    if session.get("locale") in supported():
        return session["locale"]
    return (
        request.accept_languages.best_match(supported())
        or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def select_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def _babel_context():
    """Flask-Babel's per-request namespace (g._flask_babel), or None before it exists."""
    try:
        return g._get_current_object().__dict__.get("_flask_babel")
    except RuntimeError:  # no application context
        return None


def translations():
    """The active domain's catalog for the active locale; what flask_babel.get_translations()
    returns, without repeating its look-ups on every call."""
    ctx = _babel_context()
    if ctx is not None:
        memo = ctx.__dict__.get("bka_translations")
        locale = ctx.__dict__.get("babel_locale")
        if (
            memo is not None
            and locale is not None
            and memo[0] is locale
            and memo[1] is ctx.__dict__.get("babel_domain")
        ):
            return memo[2]
    domain = get_domain()
    found = Domain.get_translations(domain)
    ctx = _babel_context()
    if ctx is not None and ctx.__dict__.get("babel_locale") is not None:
        ctx.bka_translations = (ctx.babel_locale, domain, found)
    return found


def current_language() -> str:
    ctx = _babel_context()
    if ctx is not None:
        memo = ctx.__dict__.get("bka_language")
        locale = ctx.__dict__.get("babel_locale")
        if memo is not None and locale is not None and memo[0] is locale:
            return memo[1]
    language = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    ctx = _babel_context()
    if ctx is not None and ctx.__dict__.get("babel_locale") is not None:
        ctx.bka_language = (ctx.babel_locale, language)
    return language


class RequestDomain(Domain):
    """The default domain, answering lazy strings (lazy_gettext) from the request's memo."""

    def get_translations(self):
        ctx = _babel_context()
        if ctx is not None and ctx.__dict__.get("babel_domain") is self:
            return translations()
        return super().get_translations()


class RequestBabel(Babel):
    @cached_property
    def domain_instance(self):
        return RequestDomain(domain=self.domain)


@pass_eval_context
def template_gettext(eval_ctx, string: str, **variables) -> str:
    """`_()` and `gettext()` in templates: what Jinja's newstyle gettext returns, without its
    three layers of context passing per call and without formatting a translation that has
    nothing to format (`%` with no variables changes nothing then). A page calls it a hundred
    times; Jinja's own took about three times as long."""
    text = translations().ugettext(string)
    if eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 - our own catalog, as Jinja treats it; variables are escaped
    if variables or "%" in text:
        return text % variables
    return text


def init_app(app) -> None:
    """Templates translate through the memo too (after Flask-Babel installed its callables)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.globals.update(gettext=template_gettext, _=template_gettext)


def local_time_zone() -> ZoneInfo:
    """The installation's time zone (BKA_TIME_ZONE): every time is shown in it."""
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_today() -> date:
    """Today in the installation's time zone, whatever zone the server's clock is set to."""
    return datetime.now(local_time_zone()).date()


def current_format_locale() -> str:
    """The Babel locale for dates, times and numbers in the active language ("en" -> "en_GB")."""
    return format_locale(current_language())
