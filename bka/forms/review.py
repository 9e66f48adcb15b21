"""Forms for submitting, reviewing, signing off, recording the decision and commenting."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from bka.domain.checklists import Checklists
from bka.domain.lifecycle import ATTESTATIONS, RUBRIC_ITEMS
from bka.forms import choices
from bka.forms.base import BaseForm, MultiCheckboxField, required
from bka.forms.step import TEXTAREA_MAX

VERDICT = {"ok": _l("OK"), "changes": _l("Needs changes")}
RUBRIC = {
    "evidence_cited": _l("Is the evidence cited?"),
    "children_heard": _l("Were children heard, or is a reason given why not?"),
    "alternatives_analysed": _l("Are the alternatives analysed?"),
    "conflicts_explicit": _l("Are conflicts of interest made explicit?"),
    "measures_owned": _l("Do the measures have an owner and a due date?"),
    "indicators_measurable": _l("Are the follow-up indicators measurable?"),
}
RUBRIC_ANSWER = {"yes": _l("Yes"), "partly": _l("Partly"), "no": _l("No")}
ATTESTATION = {
    "read_whole": _l("I have read the whole analysis in this version."),
    "rights_and_children": _l(
        "The affected children, their rights and their views are identified and taken into account."
    ),
    "reasoning_sound": _l(
        "The weighing of the child's best interests against other interests is reasoned and "
        "documented."
    ),
    "no_children_affected": _l(
        "I agree that the decision does not affect children and that the justification holds."
    ),
    "this_version": _l("I sign exactly this version; any later change needs a new sign-off."),
}
DECISION_OUTCOME = {
    "adopted": _l("Adopted as proposed"),
    "adopted_with_changes": _l("Adopted with changes"),
    "rejected": _l("Rejected"),
    "postponed": _l("Postponed or sent back"),
}
assert set(RUBRIC) == set(RUBRIC_ITEMS)
assert {key for keys in ATTESTATIONS.values() for key in keys} == set(ATTESTATION)


class SubmitForm(BaseForm):
    reviewer = SelectField(
        _l("Reviewer"),
        coerce=int,
        validators=[required()],
        description=_l("The reviewer examines the analysis and signs it off or sends it back."),
    )
    submit = SubmitField(_l("Send for review"))

    def set_reviewers(self, people: dict[int, str]) -> None:
        self.reviewer.choices = choices.options(people)


def build_review_form(checklists: Checklists, locale: str, target_status: str, **kwargs):
    """One field pair (verdict, comment) per step, the rubric, and the sign-off part."""
    fields = {}
    for step in checklists.method.steps:
        fields[f"verdict__{step.key}"] = RadioField(
            f"{step.number}. {step.title.get(locale)}",
            choices=choices.options(VERDICT),
            default="ok",
            validators=[Optional()],
        )
        fields[f"comment__{step.key}"] = TextAreaField(
            _l("Comment on this step"), validators=[Optional(), Length(max=TEXTAREA_MAX)]
        )
    for key, label in RUBRIC.items():
        fields[f"rubric__{key}"] = RadioField(
            label, choices=choices.options(RUBRIC_ANSWER), validators=[Optional()]
        )
    fields["reasons"] = TextAreaField(
        _l("Summary for the team"),
        validators=[Optional(), Length(max=TEXTAREA_MAX)],
        description=_l("Required when you send the analysis back: what must change, and why."),
    )
    fields["statements"] = MultiCheckboxField(
        _l("Attestation"),
        choices=[SelectChoice(key, ATTESTATION[key]) for key in ATTESTATIONS[target_status]],
        validators=[Optional()],
    )
    fields["title"] = StringField(
        _l("Your role or title"),
        validators=[Optional(), Length(max=200)],
        description=_l("For example “Barnrättsstrateg, Koncernkontoret”."),
    )
    fields["send_back"] = SubmitField(_l("Send back for changes"))
    fields["sign"] = SubmitField(_l("Sign off"))
    return type("ReviewForm", (BaseForm,), fields)(**kwargs)


class DecisionForm(BaseForm):
    decision_body = StringField(
        _l("Decision body"),
        validators=[required(), Length(max=200)],
        description=_l("For example “Regionstyrelsen” or a delegate."),
    )
    decided_on = DateField(_l("Date of the decision"), validators=[required()])
    reference = StringField(
        _l("Paragraph or protocol reference"),
        validators=[required(), Length(max=200)],
        description=_l("For example “§ 142, protokoll 2024-06-18”."),
    )
    diarienummer = StringField(
        _l("Case number (diarienummer)"), validators=[Optional(), Length(max=64)]
    )
    outcome = RadioField(
        _l("Outcome"), choices=choices.options(DECISION_OUTCOME), validators=[required()]
    )
    best_interests_weighing = TextAreaField(
        _l("How the child's best interests were weighed in the decision"),
        validators=[required(), Length(max=TEXTAREA_MAX)],
    )
    submit = SubmitField(_l("Record the decision"))


class CommentForm(BaseForm):
    step_key = HiddenField(validators=[required()])
    parent_id = IntegerField(validators=[Optional()])
    body = TextAreaField(_l("Comment"), validators=[required(), Length(max=TEXTAREA_MAX)])
    submit = SubmitField(_l("Add comment"))
