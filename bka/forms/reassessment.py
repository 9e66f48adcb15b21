"""The form for settling a met trigger without a re-assessment. The reason is text about
children: a personal identity number in it needs the confirmation that it is not a child's."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SubmitField, TextAreaField

from bka.forms.base import ChildTextForm, MaxLength, required
from bka.forms.step import TEXTAREA_MAX


class DismissForm(ChildTextForm):
    reason = TextAreaField(
        _l("Why is no re-assessment needed?"),
        validators=[required(_l("Say why no re-assessment is needed.")), MaxLength(TEXTAREA_MAX)],
        description=_l(
            "For example: the reading was a one-off, explained by a change in how it is counted."
        ),
    )
    submit = SubmitField(_l("Record: no re-assessment needed"))
