"""The base form: input cleaning, friendly CSRF expiry, domain errors mapped onto fields."""

from __future__ import annotations

import math
import re
from functools import lru_cache

import wtforms
from babel import numbers, support
from flask import current_app, has_request_context
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.i18n import messages_path
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from bka.domain.errors import FieldError
from bka.domain.personnummer import looks_like_personnummer
from bka.web.i18n import current_format_locale, current_language

SESSION_EXPIRED = _l(
    "Your session had expired, so nothing was saved. Your input is kept below: "
    "check it and save again."
)


class Required(InputRequired):
    """InputRequired that also refuses text that is empty once cleaned: a title of spaces
    only is no title (`clean_text` strips it after InputRequired has seen the raw input)."""

    def __call__(self, form, field):
        super().__call__(form, field)
        if isinstance(field.data, str) and not field.data:
            field.errors[:] = []
            raise StopValidation(self.message)


def required(message):
    """Required with a message that names its field, GOV.UK style: "Enter the title of
    the decision.", "Choose the decision area." (never a bare "This field is required.")."""
    return Required(message=message)


class MaxLength(Length):
    """Length(max=...) whose message names the field by its label."""

    def __init__(self, limit: int):
        super().__init__(max=limit)

    def __call__(self, form, field):
        if field.data and len(field.data) > self.max:
            raise ValidationError(
                _l(
                    "“%(field)s” must be %(max)d characters or fewer.",
                    field=field.label.text,
                    max=self.max,
                )
            )


class Between(NumberRange):
    """NumberRange(min, max) whose message names the field by its label."""

    def __init__(self, minimum: int, maximum: int, message=None):
        super().__init__(min=minimum, max=maximum, message=message)

    def __call__(self, form, field):
        data = field.data  # None when absent or not a number: other messages cover that
        if data is not None and not (self.min <= data <= self.max):
            raise ValidationError(
                self.message
                or _l(
                    "“%(field)s” must be a number from %(min)d to %(max)d.",
                    field=field.label.text,
                    min=self.min,
                    max=self.max,
                )
            )


class IntegerField(wtforms.IntegerField):
    """An integer field whose "not a number" message names the field."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(
                _l("Enter “%(field)s” as a whole number.", field=self.label.text)
            ) from None


class DateField(wtforms.DateField):
    """A date field whose "not a date" message names the field."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(
                _l(
                    "Enter “%(field)s” as a real date, for example 2025-03-01.",
                    field=self.label.text,
                )
            ) from None


_DECIMAL = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")
# Far beyond any count, share or amount a region measures; keeps the value a plain float.
NUMBER_LIMIT = 1e15


class NumberField(wtforms.Field):
    """A decimal number typed as Swedes write it ("12,5", "1 234,5") or with a point ("12.5");
    `data` is a float, or None when left empty. Shown back in the page's language. Not a
    StringField: it holds no free text (nothing to check for personnummer)."""

    widget = TextInput()

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "") or ""
        # Spaces (also no-break and thin ones) group thousands; "−" is a typographic minus.
        text = "".join(text.split()).replace("\u2212", "-")
        if not text:
            return
        if not _DECIMAL.fullmatch(text):  # also refuses "1.234,5": which is the decimal mark?
            raise ValueError(self._message())
        number = float(text.replace(",", "."))
        if not math.isfinite(number) or abs(number) > NUMBER_LIMIT:
            raise ValueError(self._message())
        self.data = number

    def _message(self):
        return _l("Enter “%(field)s” as a number, for example 12,5.", field=self.label.text)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return numbers.format_decimal(
            self.data, format="0.##########", locale=current_format_locale()
        )


def options(mapping: dict) -> list[SelectChoice]:
    """WTForms choices from a key -> label mapping (labels from bka.domain.labels)."""
    return [SelectChoice(key, label) for key, label in mapping.items()]


def optional_id(value):
    """A chosen entry's id, or None for the empty choice (and anything that is not a number)."""
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def single_line(value):
    """One-line fields (titles, names, references) never carry line breaks into headers."""
    if isinstance(value, str):
        return " ".join(value.splitlines())
    return value


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
            if issubclass(unbound_field.field_class, PasswordField):
                # A password is checked exactly as typed: no stripping, no joined lines.
                return unbound_field.bind(form=form, **options)
            filters = [clean_text, *unbound_field.kwargs.get("filters", [])]
            if issubclass(unbound_field.field_class, StringField) and not issubclass(
                unbound_field.field_class, TextAreaField
            ):
                filters.insert(0, single_line)
            field = unbound_field.bind(form=form, filters=filters, **options)
            if isinstance(field, wtforms.SelectFieldBase) and not getattr(
                field, "invalid_choice_message", None
            ):
                field.invalid_choice_message = _l(
                    "Choose one of the options for “%(field)s”.", field=field.label.text
                )
            return field

        def get_translations(self, form):
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return WTFORMS_TRANSLATIONS

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:  # "Invalid Choice: could not coerce." names nothing
            if isinstance(field, wtforms.SelectFieldBase) and field.process_errors:
                field.errors = [
                    field.invalid_choice_message if error in field.process_errors else error
                    for error in field.errors
                ]
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


class ChildTextForm(BaseForm):
    """A form whose free text is about children: a personal identity number in it is refused
    unless the user ticks that it is not a child's and says why (bka.domain.personnummer)."""

    not_a_child_number = BooleanField(_l("This is not a child's personal identity number"))
    not_a_child_reason = StringField(
        _l("Why the number may stay"),
        validators=[MaxLength(300)],  # no Optional(): it would skip the check below
        description=_l(
            "Required when you tick the box. For example: “a reference number in another "
            "system, not a person's”."
        ),
    )
    # Set by the view when the save was refused, so the confirmation is shown.
    personnummer_found = False

    def validate_not_a_child_reason(self, field) -> None:
        if self.not_a_child_number.data and not field.data:
            raise ValidationError(_l("Say why the number may stay, or remove it from the text."))
        if looks_like_personnummer(field.data or ""):  # the reason is audited: no numbers
            raise ValidationError(_l("Do not write the number itself in the reason."))

    @property
    def confirmation(self) -> dict:
        """The confirmation as keyword arguments for require_confirmation."""
        return {
            "confirmed": bool(self.not_a_child_number.data),
            "reason": self.not_a_child_reason.data or "",
        }
