"""Forms to start an analysis, change its details and manage its members."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField, SubmitField
from wtforms.validators import Email, Optional

from bka.domain import labels
from bka.forms.base import BaseForm, ChildTextForm, DateField, MaxLength, options, required

DETAILS = labels.FIELD_LABELS["details"]


class DetailsForm(ChildTextForm):
    title = StringField(
        DETAILS["title"],
        validators=[required(_l("Enter the title of the decision.")), MaxLength(200)],
        description=_l("For example “Införande av vårdinformationssystemet Millennium”."),
    )
    organisation = StringField(
        DETAILS["organisation"],
        validators=[required(_l("Enter the organisation or administration.")), MaxLength(200)],
    )
    diarienummer = StringField(
        DETAILS["diarienummer"],
        validators=[Optional(), MaxLength(64)],
        description=_l("Optional. Add it when the case is registered."),
    )
    planned_decision_date = DateField(DETAILS["planned_decision_date"], validators=[Optional()])
    submit = SubmitField(_l("Save"))


class NewAnalysisForm(DetailsForm):
    decision_area = RadioField(
        DETAILS["decision_area"],
        choices=options(labels.AREA),
        validators=[required(_l("Choose the decision area."))],
        description=_l("Selects the checklist of prompts for this kind of decision."),
    )
    submit = SubmitField(_l("Start the analysis"))


class AddMemberForm(BaseForm):
    email = StringField(
        _l("E-mail address"),
        validators=[
            required(_l("Enter the e-mail address of the new member.")),
            MaxLength(254),
            Email(
                _l(
                    "Enter the new member's e-mail address in the correct format, "
                    "like name@example.org."
                )
            ),
        ],
    )
    role = RadioField(
        _l("Role"),
        choices=options({key: labels.MEMBER_ROLE[key] for key in ("editor", "viewer")}),
        default="editor",
        validators=[required(_l("Choose the new member's role."))],
    )
    submit = SubmitField(_l("Add member"))


class ConfirmForm(BaseForm):
    """A bare POST form for confirmations (delete, remove, screen out): CSRF only."""

    submit = SubmitField(_l("Confirm"))


class StartFromForm(DetailsForm):
    """A new analysis started from an earlier one: its own details; the decision area is the
    earlier one's."""

    submit = SubmitField(_l("Start the new analysis"))
