"""What the step-page speed-ups must not change: translations follow the locale in force, and
WTForms' own messages are still translated (benchmarks/step_pages.py measures the speed)."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale, gettext, lazy_gettext, refresh

from bka.web.i18n import current_language, translations


def test_translations_memo_follows_force_locale_and_refresh(app):
    label = lazy_gettext("Change")
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        assert str(label) == "Ändra" == gettext("Change")
        assert render_template_string("{{ _('Change') }}") == "Ändra"
        assert current_language() == "sv"
        with force_locale("en"):
            assert str(label) == "Change" == gettext("Change")
            assert render_template_string("{{ _('Change') }}") == "Change"
            assert current_language() == "en"
            assert translations().ugettext("Change") == "Change"
        assert str(label) == "Ändra"
        assert current_language() == "sv"
        refresh()
        assert render_template_string("{{ _('Change') }}") == "Ändra"


def test_translations_outside_a_request_are_the_identity(app):
    assert str(lazy_gettext("Change")) == "Change"
    with app.app_context():
        assert translations().ugettext("Change") in ("Change", "Ändra")


def test_wtforms_catalog_follows_the_language(app):
    from bka.forms.base import WTFORMS_TRANSLATIONS

    with app.test_request_context(headers={"Accept-Language": "sv"}):
        assert WTFORMS_TRANSLATIONS.gettext("Not a valid date value.") != "Not a valid date value."
        with force_locale("en"):
            assert WTFORMS_TRANSLATIONS.gettext("Not a valid date value.") == (
                "Not a valid date value."
            )
