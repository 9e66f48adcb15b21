"""Forms of the administrators' area: overview filters, users and organisations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, Length, Optional

from bka.domain import labels, overview, workflow
from bka.domain.accounts import MIN_PASSWORD_LENGTH
from bka.forms.base import BaseForm, Between, IntegerField, MaxLength, options, required
from bka.models import User

ANY = SelectChoice("", _l("All"))


class FilterForm(BaseForm):
    """The overview's and the list's filters, read from the query string (GET: no CSRF)."""

    class Meta:
        csrf = False

    organisation = SelectField(_l("Organisation"), validators=[Optional()])
    year = IntegerField(
        _l("Year"),
        description=_l(
            "The year of the decision once it is made, otherwise the year of the planned decision; "
            "without a planned date, the year the analysis was started."
        ),
        validators=[
            Optional(),
            Between(1990, 2100, message=_l("Enter a year such as 2025.")),
        ],
    )
    decision_area = SelectField(
        _l("Decision area"), choices=[ANY, *options(labels.AREA)], validators=[Optional()]
    )
    status = SelectField(
        _l("Status"),
        choices=[ANY, *options(workflow.STATUS_LABELS)],
        validators=[Optional()],
    )
    reviewer = SelectField(_l("Reviewer"), validators=[Optional()])
    q = StringField(_l("Search by title or case number"), validators=[Optional(), MaxLength(200)])

    def set_options(self, organisations: list[str], reviewers: dict[int, str]) -> None:
        self.organisation.choices = [ANY, *(SelectChoice(name, name) for name in organisations)]
        self.reviewer.choices = [
            ANY,
            *(SelectChoice(str(user_id), name) for user_id, name in reviewers.items()),
        ]

    def filters(self) -> overview.Filters:
        """The valid filters only: an invalid one is shown with its error and otherwise ignored."""
        self.validate()

        def valid(field):
            return field.data if field.data not in (None, "") and not field.errors else None

        reviewer = valid(self.reviewer)
        return overview.Filters(
            organisation=valid(self.organisation),
            year=valid(self.year),
            decision_area=valid(self.decision_area),
            status=valid(self.status),
            reviewer_id=int(reviewer) if reviewer and reviewer.isdigit() else None,
            search=valid(self.q),
        )

    @staticmethod
    def query_args(filters: overview.Filters) -> dict:
        """The filters as query-string arguments, for links that keep them."""
        return {
            key: value
            for key, value in {
                "organisation": filters.organisation,
                "year": filters.year,
                "decision_area": filters.decision_area,
                "status": filters.status,
                "reviewer": filters.reviewer_id,
                "q": filters.search,
            }.items()
            if value not in (None, "")
        }


class UserForm(BaseForm):
    """An account as an administrator edits it; NewUserForm adds the initial password."""

    name = StringField(
        _l("Name"), validators=[required(_l("Enter the user's name.")), MaxLength(120)]
    )
    email = StringField(
        _l("E-mail address"),
        validators=[
            required(_l("Enter the user's e-mail address.")),
            MaxLength(254),
            Email(
                _l("Enter the user's e-mail address in the correct format, like name@example.org.")
            ),
        ],
    )
    role = RadioField(
        _l("Role"),
        choices=options(labels.GLOBAL_ROLE),
        default="member",
        validators=[required(_l("Choose the user's role."))],
    )
    organisation = SelectField(_l("Organisation"), coerce=int, validators=[Optional()])
    active = BooleanField(
        _l("Active: the user may log in"),
        default=True,
        description=_l("Disabling a user ends all of their sessions at once."),
    )
    new_password = PasswordField(
        _l("New password (optional)"),
        validators=[Optional(), MaxLength(200)],
        description=_l(
            "Only to reset a forgotten password. The user's sessions end, and they must choose "
            "a password of their own at the next login."
        ),
    )
    turn_off_totp = BooleanField(
        _l("Turn off two-factor authentication"),
        description=_l(
            "Only when the user has lost both the phone and the recovery codes. Their sessions "
            "end, and they can set it up again under Account."
        ),
    )
    submit = SubmitField(_l("Save"))

    def set_organisations(self, organisations: dict[int, str]) -> None:
        self.organisation.choices = [
            SelectChoice(0, _l("No organisation")),
            *(SelectChoice(key, name) for key, name in organisations.items()),
        ]

    @classmethod
    def for_user(cls, user: User) -> UserForm:
        """The form filled in with `user`'s account (the request's input wins on a POST)."""
        return cls(
            data={
                "name": user.name,
                "email": user.email,
                "role": user.role,
                "organisation": user.organisation_id or 0,
                "active": user.active,
            }
        )

    def account(self) -> dict:
        """The input as keyword arguments of bka.domain.accounts.save_account."""
        return {
            "name": self.name.data,
            "email": self.email.data,
            "role": self.role.data,
            "organisation_id": self.organisation.data or None,
            "active": self.active.data,
        } | (
            {}  # a new account has neither (NewUserForm)
            if self.new_password is None
            else {
                "new_password": self.new_password.data or None,
                "turn_off_totp": self.turn_off_totp.data,
            }
        )


class NewUserForm(UserForm):
    new_password = None
    turn_off_totp = None
    password = PasswordField(
        _l("Initial password"),
        validators=[
            required(_l("Enter an initial password.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=_l("The initial password must be %(min)d to %(max)d characters."),
            ),
        ],
        description=_l(
            "At least %(count)d characters. Give it to the user in a safe way; they can change "
            "it under Account.",
            count=MIN_PASSWORD_LENGTH,
        ),
    )
    submit = SubmitField(_l("Create user"))

    def account(self) -> dict:
        return {**super().account(), "password": self.password.data}


class OrganisationForm(BaseForm):
    name = StringField(
        _l("Name of the organisation"),
        validators=[required(_l("Enter the name of the organisation.")), MaxLength(200)],
    )
    submit = SubmitField(_l("Add organisation"))


class BarnbokslutForm(BaseForm):
    """Which yearly barnbokslut to render (GET: no CSRF)."""

    class Meta:
        csrf = False

    # Own ids: the form shares the overview page with the filters, which have the same names.
    year = IntegerField(
        _l("Year"),
        id="report-year",
        validators=[
            required(_l("Enter the year of the barnbokslut.")),
            Between(1990, 2100, message=_l("Enter the year of the barnbokslut, such as 2025.")),
        ],
    )
    organisation = SelectField(
        _l("Organisation"), id="report-organisation", validators=[Optional()]
    )
    lang = RadioField(
        _l("Language of the report"),
        id="report-lang",
        choices=options(labels.LANGUAGE),
        default="sv",
        validators=[required(_l("Choose the language of the report."))],
    )

    def set_organisations(self, names: list[str]) -> None:
        self.organisation.choices = [
            SelectChoice("", _l("All organisations")),
            *(SelectChoice(name, name) for name in names),
        ]
