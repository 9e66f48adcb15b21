"""Sign-in, language and account forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField, RadioField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from bka.domain import labels
from bka.forms.base import BaseForm, options


class LoginForm(BaseForm):
    email = StringField(
        _l("E-mail address"),
        validators=[InputRequired(message=_l("Enter your e-mail address.")), Length(max=254)],
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(message=_l("Enter your password.")), Length(max=1024)],
    )
    next = HiddenField()
    submit = SubmitField(_l("Log in"))


class LanguageForm(BaseForm):
    language = HiddenField(validators=[InputRequired()])
    next = HiddenField()


class AccountForm(BaseForm):
    locale = RadioField(
        _l("Language"), choices=options(labels.LANGUAGE), validators=[InputRequired()]
    )
    submit = SubmitField(_l("Save"))
