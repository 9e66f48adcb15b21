"""Sign-in, language and account forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField, RadioField, StringField, SubmitField
from wtforms.validators import EqualTo, InputRequired

from bka.domain import labels
from bka.domain.accounts import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from bka.forms.base import BaseForm, MaxLength, options


class LoginForm(BaseForm):
    email = StringField(
        _l("E-mail address"),
        validators=[InputRequired(message=_l("Enter your e-mail address.")), MaxLength(254)],
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(message=_l("Enter your password.")), MaxLength(1024)],
    )
    next = HiddenField()
    submit = SubmitField(_l("Log in"))


class LanguageForm(BaseForm):
    language = HiddenField(validators=[InputRequired()])
    next = HiddenField()


class AccountForm(BaseForm):
    locale = RadioField(
        _l("Language"),
        choices=options(labels.LANGUAGE),
        validators=[InputRequired(message=_l("Choose a language."))],
    )
    submit = SubmitField(_l("Save"))


CODE_HINT = _l("The 6 digits your authenticator app shows now, or one of your recovery codes.")


class SecondFactorForm(BaseForm):
    code = StringField(
        _l("Code"),
        validators=[InputRequired(message=_l("Enter the code.")), MaxLength(40)],
        description=CODE_HINT,
    )
    submit = SubmitField(_l("Continue"))


def new_password_hint():
    return _l(
        "At least %(count)d characters, not a common password and not your name or e-mail "
        "address. A passphrase of three or four uncommon words is easy to remember.",
        count=MIN_PASSWORD_LENGTH,
    )


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[
            InputRequired(message=_l("Enter your current password.")),
            MaxLength(1024),
        ],
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[
            InputRequired(message=_l("Enter a new password.")),
            MaxLength(MAX_PASSWORD_LENGTH),
        ],
        description=new_password_hint(),
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            InputRequired(message=_l("Enter the new password again.")),
            EqualTo("new_password", message=_l("The two new passwords are not the same.")),
        ],
    )
    submit = SubmitField(_l("Change password"))


class TotpSetupForm(BaseForm):
    secret_token = HiddenField()
    code = StringField(
        _l("Code from the app"),
        validators=[InputRequired(message=_l("Enter the code.")), MaxLength(40)],
        description=_l("The 6 digits your authenticator app shows now."),
    )
    submit = SubmitField(_l("Turn on two-factor authentication"))


class TotpDisableForm(BaseForm):
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(message=_l("Enter your password.")), MaxLength(1024)],
    )
    code = StringField(
        _l("Code"),
        validators=[InputRequired(message=_l("Enter the code.")), MaxLength(40)],
        description=CODE_HINT,
    )
    submit = SubmitField(_l("Turn off two-factor authentication"))
