"""The administrators' form for an organisation's profile: kinds of case, policies and guidance,
and the competences working groups need. It validates only; bka.domain.organisation_profiles
saves (and checks the same rules again)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField, TextAreaField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

from bka.domain import organisation_profiles as profiles
from bka.domain.checklists import Scale
from bka.forms.base import BaseForm, Between, IntegerField, MaxLength, MultiCheckboxField
from bka.models import OrganisationProfile

# Empty rows offered after the policies already there (saving offers new ones).
SPARE_POLICY_ROWS = 3
_POLICY_FIELD = re.compile(r"policy_(?:title|url)_(\d{1,3})")


class KindLines:
    """One kind of case per line: not too many lines, none too long."""

    def __call__(self, form, field):
        problem = profiles.kinds_problem(profiles.split_lines(field.data))
        if problem is not None:
            raise ValidationError(problem)


class OrganisationProfileForm(BaseForm):
    always_needed = TextAreaField(
        _l("Kinds of case that always need a BKA"),
        validators=[KindLines()],
        description=_l(
            "One kind per line, for example “Closing or merging a school” or “Changes to the "
            "opening hours of youth clinics”."
        ),
    )
    never_needed = TextAreaField(
        _l("Kinds of case that never need a BKA"),
        validators=[KindLines()],
        description=_l(
            "One kind per line, for example “Routine procurement of office supplies”. The team "
            "still writes down why its decision is one of them."
        ),
    )
    competences = MultiCheckboxField(
        _l("Competences the working group needs"),
        description=_l(
            "The screening step shows these to the team, and marks those it has not ticked "
            "among the competences in its group."
        ),
    )
    competences_note = TextAreaField(
        _l("Other competences the working group needs (optional)"),
        validators=[MaxLength(profiles.MAX_NOTE_LENGTH)],
        description=_l("For example when an interpreter or a youth council should take part."),
    )
    retention_years = IntegerField(
        _l("Years after closing before analyses are removed (optional)"),
        validators=[
            Optional(),
            Between(
                1,
                profiles.MAX_RETENTION_YEARS,
                message=_l(
                    "Enter a whole number of years from 1 to %(max)d, or leave it empty to keep "
                    "the analyses.",
                    max=profiles.MAX_RETENTION_YEARS,
                ),
            ),
        ],
        description=_l(
            "As your records management plan (dokumenthanteringsplan) says. Empty: keep them. "
            "`bka retention --apply` exports each analysis that is due, then removes it."
        ),
    )
    submit = SubmitField(_l("Save the profile"))

    policy_rows = 0  # set by `build`: the number of policy_title_<n>/policy_url_<n> pairs

    @classmethod
    def build(
        cls,
        profile: OrganisationProfile | None,
        scale: Scale,
        locale: str,
        formdata: Mapping | None = None,
    ) -> OrganisationProfileForm:
        """The form with a row per policy of `profile` (or per row posted) and a few empty
        ones, filled in with `profile`; posted input wins."""
        existing = len(profile.policies) if profile is not None else 0
        posted = [
            int(match.group(1))
            for match in map(_POLICY_FIELD.fullmatch, formdata or ())
            if match is not None
        ]
        rows = min(profiles.MAX_POLICIES, max([existing, *posted]) + SPARE_POLICY_ROWS)
        fields = {}
        for number in range(1, rows + 1):
            fields[f"policy_title_{number}"] = StringField(_l("Title"))
            fields[f"policy_url_{number}"] = URLField(
                _l("Address"), description=_l("Starts with https:// or http://.")
            )
        form_class = type(cls.__name__, (cls,), {**fields, "policy_rows": rows})
        form = form_class(data=cls._data_of(profile))
        form.competences.choices = [
            SelectChoice(choice.key, choice.label.get(locale)) for choice in scale.choices
        ]
        return form

    @staticmethod
    def _data_of(profile: OrganisationProfile | None) -> dict:
        if profile is None:
            return {}
        data = {
            "always_needed": "\n".join(profile.always_needed),
            "never_needed": "\n".join(profile.never_needed),
            "competences": list(profile.competences),
            "competences_note": profile.competences_note,
            "retention_years": profile.retention_years,
        }
        for number, policy in enumerate(profile.policies, start=1):
            data[f"policy_title_{number}"] = policy["title"]
            data[f"policy_url_{number}"] = policy["url"]
        return data

    def policy_fields(self) -> list[tuple[int, StringField, StringField]]:
        return [
            (number, self[f"policy_title_{number}"], self[f"policy_url_{number}"])
            for number in range(1, self.policy_rows + 1)
        ]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for number, title, url in self.policy_fields():
            title.data, url.data = title.data or "", url.data or ""
            if url.data and not title.data:
                title.errors.append(_l("Enter the title of policy %(number)d.", number=number))
            elif len(title.data) > profiles.MAX_POLICY_TITLE_LENGTH:
                title.errors.append(
                    _l(
                        "The title of policy %(number)d must be %(max)d characters or fewer.",
                        number=number,
                        max=profiles.MAX_POLICY_TITLE_LENGTH,
                    )
                )
            if title.data and not url.data:
                url.errors.append(_l("Enter the address of policy %(number)d.", number=number))
            elif url.data:
                problem = profiles.url_problem(url.data)
                if problem is not None:
                    url.errors.append(
                        _l("Policy %(number)d: %(problem)s", number=number, problem=problem)
                    )
            valid = valid and not (title.errors or url.errors)
        return valid

    def profile(self) -> dict:
        """The input as keyword arguments of organisation_profiles.save_profile."""
        return {
            "always_needed": profiles.split_lines(self.always_needed.data),
            "never_needed": profiles.split_lines(self.never_needed.data),
            "policies": [
                profiles.Policy(title.data, url.data)
                for _number, title, url in self.policy_fields()
                if title.data or url.data
            ],
            "competences": list(self.competences.data or []),
            "competences_note": self.competences_note.data or "",
            "retention_years": self.retention_years.data,
        }
