"""Forms for the structured entries (child groups, sources, consultations, impacts, ...)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional

from bka.forms import choices
from bka.forms.base import BaseForm, MultiCheckboxField, required
from bka.forms.step import TEXTAREA_MAX

MAX_CHILDREN = 10_000_000


class EntryForm(BaseForm):
    submit = SubmitField(_l("Save"))


class ChildGroupForm(EntryForm):
    label = StringField(
        _l("Name of the group"),
        validators=[required(), Length(max=200)],
        description=_l(
            "For example “Children aged 13–15 with their own care "
            "contacts”. Never name individual children."
        ),
    )
    age_band = RadioField(
        _l("Age band"), choices=choices.options(choices.AGE_BAND), validators=[required()]
    )
    relation = RadioField(
        _l("How are these children affected?"),
        choices=choices.options(choices.RELATION),
        validators=[required()],
    )
    vulnerable_situations = MultiCheckboxField(
        _l("Vulnerable situations in this group"),
        choices=choices.options(choices.VULNERABLE),
        validators=[Optional()],
        description=_l("Select every situation that may make the effect different or stronger."),
    )
    estimated_number = IntegerField(
        _l("Estimated number of children"), validators=[Optional(), NumberRange(0, MAX_CHILDREN)]
    )
    number_source = TextAreaField(
        _l("Source of the estimate"), validators=[Optional(), Length(max=2000)]
    )


class EvidenceSourceForm(EntryForm):
    kind = RadioField(
        _l("Kind of source"),
        choices=choices.options(choices.EVIDENCE_KIND),
        validators=[required()],
    )
    title = StringField(_l("Title"), validators=[required(), Length(max=300)])
    reference = StringField(_l("Reference or link"), validators=[Optional(), Length(max=500)])
    findings = TextAreaField(
        _l("What the source shows"), validators=[Optional(), Length(max=TEXTAREA_MAX)]
    )


class ConsultationForm(EntryForm):
    method = RadioField(
        _l("Method"), choices=choices.options(choices.CONSULTATION_METHOD), validators=[required()]
    )
    children_count = IntegerField(
        _l("Number of children"), validators=[required(), NumberRange(1, 1_000_000)]
    )
    age_from = IntegerField(_l("Youngest age"), validators=[required(), NumberRange(0, 17)])
    age_to = IntegerField(_l("Oldest age"), validators=[required(), NumberRange(0, 17)])
    held_on = DateField(_l("Date"), validators=[Optional()])
    adaptations = TextAreaField(
        _l("Adaptations"),
        validators=[Optional(), Length(max=TEXTAREA_MAX)],
        description=_l("How the consultation was adapted to age, language and disability."),
    )
    views = TextAreaField(
        _l("What the children said"),
        validators=[Optional(), Length(max=TEXTAREA_MAX)],
        description=_l(
            "Summarise views; do not write names, personal identity numbers or "
            "anything else that identifies a child."
        ),
    )
    influence = TextAreaField(
        _l("How it changed the proposal"), validators=[Optional(), Length(max=TEXTAREA_MAX)]
    )


class ImpactForm(EntryForm):
    article = SelectField(_l("Convention article"), coerce=int, validators=[required()])
    child_group_id = SelectField(_l("Child group"), coerce=int, validators=[required()])
    direction = RadioField(
        _l("Effect on the right"),
        choices=choices.options(choices.DIRECTION),
        validators=[required()],
    )
    term = RadioField(
        _l("Time frame"), choices=choices.options(choices.TERM), validators=[required()]
    )
    severity = RadioField(
        _l("Severity"), choices=choices.options(choices.SEVERITY), validators=[required()]
    )
    likelihood = RadioField(
        _l("Likelihood"), choices=choices.options(choices.LIKELIHOOD), validators=[required()]
    )
    explanation = TextAreaField(
        _l("Explanation"),
        validators=[Optional(), Length(max=TEXTAREA_MAX)],
        description=_l("The effect chain: decision, change, effect on these children."),
    )

    def set_options(self, articles: dict[int, str], groups: dict[int, str]):
        """Offer the engaged articles and the analysis's child groups (given by the view)."""
        self.article.choices = choices.options(articles)
        self.child_group_id.choices = choices.options(groups)


class AlternativeForm(EntryForm):
    title = StringField(_l("Alternative"), validators=[required(), Length(max=200)])
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=TEXTAREA_MAX)]
    )
    child_rights_assessment = TextAreaField(
        _l("Consequences for children's rights"), validators=[Optional(), Length(max=TEXTAREA_MAX)]
    )
    conflicts_of_interest = TextAreaField(
        _l("Conflicts of interest"),
        validators=[Optional(), Length(max=TEXTAREA_MAX)],
        description=_l(
            "Between groups of children, between children and adults, or with other "
            "public interests."
        ),
    )
    is_preferred = BooleanField(_l("This is the proposed alternative"))


class MeasureForm(EntryForm):
    description = TextAreaField(_l("Measure"), validators=[required(), Length(max=TEXTAREA_MAX)])
    owner = StringField(
        _l("Owner"),
        validators=[required(), Length(max=200)],
        description=_l("A role or function, for example “Head of paediatrics”."),
    )
    due_date = DateField(_l("Due date"), validators=[Optional()])
    status = RadioField(
        _l("Status"),
        choices=choices.options(choices.MEASURE_STATUS),
        default="planned",
        validators=[required()],
    )


class IndicatorForm(EntryForm):
    name = StringField(_l("Indicator"), validators=[required(), Length(max=300)])
    baseline = StringField(_l("Baseline"), validators=[Optional(), Length(max=300)])
    target = StringField(_l("Target"), validators=[Optional(), Length(max=300)])
    source = StringField(_l("Data source"), validators=[Optional(), Length(max=300)])
    responsible = StringField(_l("Responsible"), validators=[Optional(), Length(max=200)])
    measure_on = DateField(_l("Date of measurement"), validators=[Optional()])


ENTRY_FORMS = {
    "child_groups": ChildGroupForm,
    "evidence_sources": EvidenceSourceForm,
    "consultations": ConsultationForm,
    "impacts": ImpactForm,
    "alternatives": AlternativeForm,
    "measures": MeasureForm,
    "indicators": IndicatorForm,
}
