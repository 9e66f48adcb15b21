"""The base form: input cleaning, friendly CSRF expiry, domain errors mapped onto fields."""

from __future__ import annotations

from functools import lru_cache

from babel import support
from flask import current_app, has_request_context
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.i18n import messages_path
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

from bka.domain.errors import FieldError
from bka.web.i18n import current_language

SESSION_EXPIRED = _l(
    "Your session had expired, so nothing was saved. Your input is kept below: "
    "check it and save again."
)


def required():
    """InputRequired with the project's own wording (translated like every message)."""
    return InputRequired(message=_l("This field is required."))


def options(mapping: dict) -> list[SelectChoice]:
    """WTForms choices from a key -> label mapping (labels from bka.domain.labels)."""
    return [SelectChoice(key, label) for key, label in mapping.items()]


def clean_text(value):
    """Strip surrounding whitespace and NUL characters (which PostgreSQL cannot store)."""
    if isinstance(value, str):
        return value.replace("\x00", "").strip()
    return value


@lru_cache(maxsize=8)
def _wtforms_catalog(locale: str):
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class WTFormsTranslations:
    """WTForms' own messages in the request's language, as Flask-WTF provides them, but with
    the catalog read once per process and locale (Flask-WTF reads the .mo file in every
    request that builds a form with a default label or shows a WTForms message)."""

    def _catalog(self):
        if not has_request_context() or "babel" not in current_app.extensions:
            return None
        return _wtforms_catalog(current_language())

    def gettext(self, string):
        catalog = self._catalog()
        return string if catalog is None else catalog.ugettext(string)

    def ngettext(self, singular, plural, n):
        catalog = self._catalog()
        if catalog is None:
            return singular if n == 1 else plural
        return catalog.ungettext(singular, plural, n)


WTFORMS_TRANSLATIONS = WTFormsTranslations()


class BaseForm(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = [clean_text, *unbound_field.kwargs.get("filters", [])]
            return unbound_field.bind(form=form, filters=filters, **options)

        def get_translations(self, form):
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return WTFORMS_TRANSLATIONS

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        csrf_field = getattr(self, "csrf_token", None)
        if csrf_field is not None and csrf_field.errors:
            csrf_field.errors = []
            self.form_errors.append(SESSION_EXPIRED)
        return valid

    def add_domain_error(self, error: FieldError) -> None:
        field = getattr(self, error.field, None)
        if field is None:
            self.form_errors.append(error.message)
        else:
            field.errors = [*field.errors, error.message]

    @property
    def has_errors(self) -> bool:
        return bool(self.form_errors) or any(field.errors for field in self)


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes; rendered inside a fieldset by the field macro."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
