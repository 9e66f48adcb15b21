"""Forms for the follow-up records (one per kind in follow_up.FOLLOW_UP_KINDS) and for closing
the analysis with its final conclusion."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from bka.domain import labels
from bka.domain.follow_up import missing_to_close
from bka.domain.labels import FIELD_LABELS as LABEL
from bka.forms.base import (
    ChildTextForm,
    DateField,
    MaxLength,
    NumberField,
    optional_id,
    options,
    required,
)
from bka.forms.step import TEXTAREA_MAX


class RecordForm(ChildTextForm):
    submit = SubmitField(_l("Save"))


def _evidence(kind: str):
    return TextAreaField(LABEL[kind]["evidence"], validators=[Optional(), MaxLength(TEXTAREA_MAX)])


class CheckpointForm(RecordForm):
    title = StringField(
        LABEL["checkpoints"]["title"],
        validators=[required(_l("Enter a name for the checkpoint.")), MaxLength(200)],
    )
    due_on = DateField(
        LABEL["checkpoints"]["due_on"],
        validators=[required(_l("Enter the date of the checkpoint."))],
    )
    closed_on = DateField(
        LABEL["checkpoints"]["closed_on"],
        validators=[Optional()],
        description=_l(
            "To close the checkpoint, enter the date, how children fared and the conclusion."
        ),
    )
    fared = RadioField(
        LABEL["checkpoints"]["fared"], choices=options(labels.FARED), validators=[Optional()]
    )
    conclusion = TextAreaField(
        LABEL["checkpoints"]["conclusion"], validators=[Optional(), MaxLength(TEXTAREA_MAX)]
    )
    changes = TextAreaField(
        LABEL["checkpoints"]["changes"], validators=[Optional(), MaxLength(TEXTAREA_MAX)]
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        values = {name: self[name].data for name in ("closed_on", "fared", "conclusion")}
        for name, message in missing_to_close(values).items():
            if not self[name].errors:
                self[name].errors = [*self[name].errors, message]
                valid = False
        return valid


class ReadingForm(RecordForm):
    indicator_id = SelectField(
        LABEL["readings"]["indicator_id"],
        coerce=int,
        validators=[required(_l("Choose the indicator."))],
    )
    value = NumberField(
        LABEL["readings"]["value"],
        validators=[required(_l("Enter the value that was measured."))],
        description=_l("A number, with a decimal comma or point: for example 12,5."),
    )
    measured_on = DateField(
        LABEL["readings"]["measured_on"],
        validators=[required(_l("Enter the date of the measurement."))],
    )
    source = StringField(LABEL["readings"]["source"], validators=[Optional(), MaxLength(300)])
    comment = TextAreaField(
        LABEL["readings"]["comment"], validators=[Optional(), MaxLength(TEXTAREA_MAX)]
    )


class MeasureUpdateForm(RecordForm):
    measure_id = SelectField(
        LABEL["measure_updates"]["measure_id"],
        coerce=int,
        validators=[required(_l("Choose the measure."))],
    )
    status = RadioField(
        LABEL["measure_updates"]["status"],
        choices=options(labels.MEASURE_PROGRESS),
        validators=[required(_l("Choose the status of the measure."))],
    )
    updated_on = DateField(
        LABEL["measure_updates"]["updated_on"],
        validators=[required(_l("Enter the date from which the status holds."))],
    )
    evidence = _evidence("measure_updates")


class ObservedEffectForm(RecordForm):
    impact_id = SelectField(
        LABEL["observed_effects"]["impact_id"],
        coerce=int,
        validators=[required(_l("Choose the predicted effect."))],
        description=_l("A row of the impact matrix: article, child group and predicted effect."),
    )
    observation = RadioField(
        LABEL["observed_effects"]["observation"],
        choices=options(labels.OBSERVATION),
        validators=[required(_l("Choose what was observed."))],
    )
    observed_on = DateField(
        LABEL["observed_effects"]["observed_on"],
        validators=[required(_l("Enter the date of the observation."))],
    )
    evidence = _evidence("observed_effects")


class EventForm(RecordForm):
    kind = RadioField(
        LABEL["events"]["kind"],
        choices=options(labels.EVENT_KIND),
        validators=[required(_l("Choose the kind of event."))],
    )
    occurred_on = DateField(
        LABEL["events"]["occurred_on"],
        validators=[required(_l("Enter the date of the event."))],
    )
    title = StringField(
        LABEL["events"]["title"],
        validators=[required(_l("Say in a few words what happened.")), MaxLength(200)],
    )
    description = TextAreaField(
        LABEL["events"]["description"], validators=[Optional(), MaxLength(TEXTAREA_MAX)]
    )


NO_CONSULTATION = _l("Not to the children of one consultation")


class ChildFeedbackForm(RecordForm):
    given_on = DateField(
        LABEL["child_feedback"]["given_on"],
        validators=[required(_l("Enter the date children were told."))],
    )
    channel = StringField(
        LABEL["child_feedback"]["channel"],
        validators=[required(_l("Enter how children were told.")), MaxLength(200)],
        description=_l("For example “a letter to the youth council and a meeting”."),
    )
    message = TextAreaField(
        LABEL["child_feedback"]["message"],
        validators=[required(_l("Write what children were told.")), MaxLength(TEXTAREA_MAX)],
        description=_l("In words children can follow: what happened and what changes now."),
    )
    consultation_id = SelectField(
        LABEL["child_feedback"]["consultation_id"],
        choices=[SelectChoice("", NO_CONSULTATION)],
        coerce=optional_id,
        validators=[Optional()],
        description=_l(
            "If this feedback went to the children who took part in one of the consultations "
            "of step 6, choose it: the follow-up page then shows that their feedback is given."
        ),
    )

    def set_consultations(self, names: dict[int, str]) -> None:
        """Offer this analysis's consultations (named by the view), or none."""
        self.consultation_id.choices = [
            SelectChoice("", NO_CONSULTATION),
            *options(names),
        ]


FOLLOW_UP_FORMS = {
    "checkpoints": CheckpointForm,
    "readings": ReadingForm,
    "measure_updates": MeasureUpdateForm,
    "observed_effects": ObservedEffectForm,
    "events": EventForm,
    "child_feedback": ChildFeedbackForm,
}


def set_parents(form, choices: dict[int, str]) -> None:
    """Offer this analysis's indicators, measures or impact rows as the record's parent."""
    for name in ("indicator_id", "measure_id", "impact_id"):
        if name in form:
            form[name].choices = options(choices)


class CloseForm(ChildTextForm):
    """Closing the analysis: the final conclusion of its follow-up."""

    closed_on = DateField(
        LABEL["checkpoints"]["closed_on"],
        validators=[required(_l("Enter the date the follow-up is closed."))],
    )
    fared = RadioField(
        LABEL["checkpoints"]["fared"],
        choices=options(labels.FARED),
        validators=[required(_l("Choose how children fared against the prediction."))],
    )
    conclusion = TextAreaField(
        _l("Final conclusion"),
        validators=[
            required(_l("Write the final conclusion of the follow-up.")),
            MaxLength(TEXTAREA_MAX),
        ],
        description=_l("What the decision meant for children, judged from the whole follow-up."),
    )
    learnt = TextAreaField(
        _l("What was learnt"),
        validators=[Optional(), MaxLength(TEXTAREA_MAX)],
        description=_l("For the next analysis: what to do again, and what to do differently."),
    )
    submit = SubmitField(_l("Close the analysis"))
