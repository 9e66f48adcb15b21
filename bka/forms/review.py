"""Forms for submitting, reviewing, signing off, recording the decision and commenting."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

from bka.domain import labels
from bka.domain.checklists import STEP_KEYS, Checklists
from bka.domain.lifecycle import ATTESTATIONS, RUBRIC_ITEMS
from bka.forms.base import (
    BaseForm,
    ChildTextForm,
    DateField,
    MaxLength,
    MultiCheckboxField,
    options,
    required,
)
from bka.forms.step import TEXTAREA_MAX
from bka.models.base import DB_INT_MAX


class SubmitForm(BaseForm):
    reviewer = SelectField(
        _l("Reviewer"),
        coerce=int,
        validators=[required(_l("Choose a reviewer."))],
        description=_l("The reviewer examines the analysis and signs it off or sends it back."),
    )
    submit = SubmitField(_l("Send for review"))

    def set_reviewers(self, people: dict[int, str]) -> None:
        self.reviewer.choices = options(people)


def build_review_form(checklists: Checklists, locale: str, target_status: str, **kwargs):
    """One field pair (verdict, comment) per step, the rubric, and the sign-off part."""
    fields = {}
    for step in checklists.method.steps:
        fields[f"verdict__{step.key}"] = RadioField(
            f"{step.number}. {step.title.get(locale)}",
            choices=options(labels.VERDICT),
            default="ok",
            validators=[Optional()],
        )
        fields[f"comment__{step.key}"] = TextAreaField(
            _l("Comment on this step"), validators=[Optional(), MaxLength(TEXTAREA_MAX)]
        )
    for key, label in labels.RUBRIC.items():
        fields[f"rubric__{key}"] = RadioField(
            label, choices=options(labels.RUBRIC_ANSWER), validators=[Optional()]
        )
    fields["reasons"] = TextAreaField(
        _l("Summary for the team"),
        validators=[Optional(), MaxLength(TEXTAREA_MAX)],
        description=_l("Required when you send the analysis back: what must change, and why."),
    )
    fields["statements"] = MultiCheckboxField(
        _l("Attestation"),
        choices=[SelectChoice(key, labels.ATTESTATION[key]) for key in ATTESTATIONS[target_status]],
        validators=[Optional()],
    )
    fields["title"] = StringField(
        _l("Your role or title"),
        validators=[Optional(), MaxLength(200)],
        description=_l("For example “Barnrättsstrateg, Koncernkontoret”."),
    )
    fields["send_back"] = SubmitField(_l("Send back for changes"))
    fields["sign"] = SubmitField(_l("Sign off"))
    return type("ReviewForm", (ChildTextForm,), fields)(**kwargs)


def review_values(form) -> dict:
    """A review form's verdicts, rubric, reasons and comments, as the domain takes them."""
    return {
        "verdicts": {key: form[f"verdict__{key}"].data for key in STEP_KEYS},
        "rubric": {key: form[f"rubric__{key}"].data for key in RUBRIC_ITEMS},
        "reasons": form.reasons.data or "",
        "comments": {key: form[f"comment__{key}"].data or "" for key in STEP_KEYS},
    }


def review_texts(form) -> dict:
    """The review's free text by field name, so a refusal is shown next to its field."""
    names = ["reasons", "title", *(f"comment__{key}" for key in STEP_KEYS)]
    return {name: form[name].data or "" for name in names}


class DecisionForm(ChildTextForm):
    decision_body = StringField(
        _l("Decision body"),
        validators=[required(_l("Enter the decision body.")), MaxLength(200)],
        description=_l("For example “Regionstyrelsen” or a delegate."),
    )
    decided_on = DateField(
        _l("Date of the decision"), validators=[required(_l("Enter the date of the decision."))]
    )
    reference = StringField(
        _l("Paragraph or protocol reference"),
        validators=[required(_l("Enter the paragraph or protocol reference.")), MaxLength(200)],
        description=_l("For example “§ 142, protokoll 2024-06-18”."),
    )
    diarienummer = StringField(
        _l("Case number (diarienummer)"), validators=[Optional(), MaxLength(64)]
    )
    outcome = RadioField(
        _l("Outcome"),
        choices=options(labels.DECISION_OUTCOME),
        validators=[required(_l("Choose the outcome of the decision."))],
    )
    # Required unless the decision is postponed: the domain says so, next to the field.
    follows_conclusion = RadioField(
        _l("Does the decision follow the analysis's conclusion?"),
        choices=options(labels.FOLLOWS_CONCLUSION),
        validators=[Optional()],
        description=_l("Not needed when the decision is postponed."),
    )
    follows_conclusion_reason = TextAreaField(
        _l("Why not, or not fully?"),
        validators=[Optional(), MaxLength(TEXTAREA_MAX)],
        description=_l(
            "Required when the answer is “partly” or “no”: what the decision-maker weighed "
            "differently, and what that means for children."
        ),
    )
    best_interests_weighing = TextAreaField(
        _l("How the child's best interests were weighed in the decision"),
        validators=[
            required(_l("Describe how the child's best interests were weighed.")),
            MaxLength(TEXTAREA_MAX),
        ],
    )
    submit = SubmitField(_l("Record the decision"))

    def decision(self) -> dict:
        """The recorded decision, as lifecycle.record_decision takes it."""
        fields = (
            self.decision_body,
            self.decided_on,
            self.reference,
            self.diarienummer,
            self.best_interests_weighing,
            self.outcome,
        )
        return {
            **{field.name: field.data for field in fields},
            "follows_conclusion": self.follows_conclusion.data or None,
            "follows_conclusion_reason": self.follows_conclusion_reason.data or "",
        }

    def texts(self) -> dict[str, str]:
        """The decision's free text, where a personal identity number must not hide."""
        return {
            field.name: field.data
            for field in (
                self.decision_body,
                self.reference,
                self.diarienummer,
                self.follows_conclusion_reason,
                self.best_interests_weighing,
            )
        }


class CommentForm(ChildTextForm):
    step_key = HiddenField(validators=[required(_l("Choose the step the comment is about."))])
    parent_id = IntegerField(validators=[Optional(), NumberRange(1, DB_INT_MAX)])
    body = TextAreaField(
        _l("Comment"), validators=[required(_l("Write a comment.")), MaxLength(TEXTAREA_MAX)]
    )
    submit = SubmitField(_l("Add comment"))
