"""Creating a personal access token for the JSON API on the account page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField, SubmitField
from wtforms.validators import Optional

from bka.domain.api_tokens import MAX_EXPIRY_DAYS, NAME_LENGTH
from bka.forms.base import BaseForm, Between, IntegerField, MaxLength, options, required

SCOPE_LABELS = {
    "read": _l("Read: see analyses"),
    "write": _l("Write: also start and change analyses"),
}


class ApiTokenForm(BaseForm):
    name = StringField(
        _l("Name"),
        validators=[required(_l("Enter a name for the token.")), MaxLength(NAME_LENGTH)],
        description=_l("What the token is for, for example “Statistics export”."),
    )
    scope = RadioField(
        _l("Access"),
        choices=options(SCOPE_LABELS),
        default="read",
        validators=[required(_l("Choose read or write."))],
    )
    expires_days = IntegerField(
        _l("Valid for (days)"),
        validators=[Optional(), Between(1, MAX_EXPIRY_DAYS)],
        default=90,
        description=_l("Leave empty for a token that does not expire."),
    )
    submit = SubmitField(_l("Create token"))
