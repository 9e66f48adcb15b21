"""The administrators' form to remove a value from an analysis and its history."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import ValidationError

from bka.domain.personnummer import looks_like_personnummer
from bka.forms.base import BaseForm, Between, IntegerField, MaxLength, required
from bka.models.base import DB_INT_MAX


class RedactionForm(BaseForm):
    analysis_id = IntegerField(
        _l("Number of the analysis"),
        validators=[
            required(_l("Enter the number of the analysis.")),
            Between(1, DB_INT_MAX, message=_l("Enter the number of an existing analysis.")),
        ],
        description=_l("The number in the analysis's address, /analyses/NUMBER."),
    )
    text = StringField(
        _l("The exact text to remove"),
        validators=[required(_l("Enter the exact text to remove.")), MaxLength(300)],
        description=_l(
            "For example the personal identity number exactly as it was written. Every "
            "occurrence is replaced by “[borttaget]”."
        ),
    )
    reason = TextAreaField(
        _l("Why it is removed"),
        validators=[required(_l("Say why the text is removed.")), MaxLength(1000)],
    )
    confirm = BooleanField(
        _l("I understand that this changes the stored history and cannot be undone"),
        validators=[required(_l("Confirm that you understand the text is removed for good."))],
    )
    submit = SubmitField(_l("Remove the text"))

    def validate_reason(self, field) -> None:
        if looks_like_personnummer(field.data or ""):  # the reason is audited: no numbers
            raise ValidationError(_l("Do not write the number itself in the reason."))
