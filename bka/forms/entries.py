"""Forms for the structured entries (child groups, sources, consultations, impacts, ...)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Optional

from bka.domain import labels
from bka.domain.labels import FIELD_LABELS as LABEL
from bka.forms.base import (
    Between,
    ChildTextForm,
    DateField,
    IntegerField,
    MaxLength,
    MultiCheckboxField,
    NumberField,
    optional_id,
    options,
    required,
)
from bka.forms.step import TEXTAREA_MAX

MAX_CHILDREN = 10_000_000


class EntryForm(ChildTextForm):
    submit = SubmitField(_l("Save"))


class ChildGroupForm(EntryForm):
    label = StringField(
        LABEL["child_groups"]["label"],
        validators=[required(_l("Enter a name for the group of children.")), MaxLength(200)],
        description=_l(
            "For example “Children aged 13–15 with their own care "
            "contacts”. Never name individual children."
        ),
    )
    age_band = RadioField(
        LABEL["child_groups"]["age_band"],
        choices=options(labels.AGE_BAND),
        validators=[required(_l("Choose the age band of the group."))],
    )
    relation = RadioField(
        LABEL["child_groups"]["relation"],
        choices=options(labels.RELATION),
        validators=[required(_l("Choose how these children are affected."))],
    )
    vulnerable_situations = MultiCheckboxField(
        LABEL["child_groups"]["vulnerable_situations"],
        choices=options(labels.VULNERABLE),
        validators=[Optional()],
        description=_l("Select every situation that may make the effect different or stronger."),
    )
    estimated_number = IntegerField(
        LABEL["child_groups"]["estimated_number"],
        validators=[Optional(), Between(0, MAX_CHILDREN)],
    )
    number_source = TextAreaField(
        LABEL["child_groups"]["number_source"], validators=[Optional(), MaxLength(2000)]
    )


class EvidenceSourceForm(EntryForm):
    kind = RadioField(
        LABEL["evidence_sources"]["kind"],
        choices=options(labels.EVIDENCE_KIND),
        validators=[required(_l("Choose the kind of source."))],
    )
    title = StringField(
        LABEL["evidence_sources"]["title"],
        validators=[required(_l("Enter the title of the source.")), MaxLength(300)],
    )
    reference = StringField(
        LABEL["evidence_sources"]["reference"], validators=[Optional(), MaxLength(500)]
    )
    findings = TextAreaField(
        LABEL["evidence_sources"]["findings"], validators=[Optional(), MaxLength(TEXTAREA_MAX)]
    )


class ConsultationForm(EntryForm):
    method = RadioField(
        LABEL["consultations"]["method"],
        choices=options(labels.CONSULTATION_METHOD),
        validators=[required(_l("Choose the method of the consultation."))],
    )
    children_count = IntegerField(
        LABEL["consultations"]["children_count"],
        validators=[required(_l("Enter how many children took part.")), Between(1, 1_000_000)],
    )
    age_from = IntegerField(
        LABEL["consultations"]["age_from"],
        validators=[required(_l("Enter the age of the youngest child.")), Between(0, 17)],
    )
    age_to = IntegerField(
        LABEL["consultations"]["age_to"],
        validators=[required(_l("Enter the age of the oldest child.")), Between(0, 17)],
    )
    held_on = DateField(LABEL["consultations"]["held_on"], validators=[Optional()])
    adaptations = TextAreaField(
        LABEL["consultations"]["adaptations"],
        validators=[Optional(), MaxLength(TEXTAREA_MAX)],
        description=_l("How the consultation was adapted to age, language and disability."),
    )
    views = TextAreaField(
        LABEL["consultations"]["views"],
        validators=[Optional(), MaxLength(TEXTAREA_MAX)],
        description=_l(
            "Summarise views; do not write names, personal identity numbers or "
            "anything else that identifies a child."
        ),
    )
    influence = TextAreaField(
        LABEL["consultations"]["influence"], validators=[Optional(), MaxLength(TEXTAREA_MAX)]
    )
    requirements_met = MultiCheckboxField(
        LABEL["consultations"]["requirements_met"],
        validators=[Optional()],
        description=_l(
            "The nine basic requirements of General Comment 12 on the right of the child to be "
            "heard. Tick each one that held for this consultation; leave unticked those that did "
            "not, and say why below."
        ),
    )
    requirements_note = TextAreaField(
        LABEL["consultations"]["requirements_note"],
        validators=[Optional(), MaxLength(TEXTAREA_MAX)],
        description=_l(
            "Briefly, how the requirements were met, and for each one not ticked, why it did not "
            "hold and what you did about it."
        ),
    )
    not_reached = TextAreaField(
        LABEL["consultations"]["not_reached"],
        validators=[Optional(), MaxLength(TEXTAREA_MAX)],
        description=_l(
            "Groups of children who did not take part although the decision affects them, for "
            "example younger children, children with disabilities, children placed in care or "
            "children of national minorities, and why. Authorities must especially promote "
            "minority children's chance to be consulted (lag (2009:724) om nationella minoriteter "
            "och minoritetsspråk, 5 §)."
        ),
    )
    consent = TextAreaField(
        LABEL["consultations"]["consent"],
        validators=[Optional(), MaxLength(TEXTAREA_MAX)],
        description=_l(
            "How the children agreed to take part and, where needed, how their guardians' "
            "consent was obtained. Describe the procedure only: no names, no personal identity "
            "numbers."
        ),
    )
    feedback_given_on = DateField(
        LABEL["consultations"]["feedback_given_on"],
        validators=[Optional()],
        description=_l(
            "The date the children who took part were told what came of their views. Leave "
            "empty until it has happened."
        ),
    )
    feedback_how = TextAreaField(
        LABEL["consultations"]["feedback_how"],
        validators=[Optional(), MaxLength(TEXTAREA_MAX)],
        description=_l(
            "For example “a letter to the class and a visit from the project lead”. Required "
            "with the date."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each requirement with what it means, put together in the request's language.
        self.requirements_met.choices = [
            (
                key,
                _(
                    "%(requirement)s. %(meaning)s",
                    requirement=labels.PARTICIPATION_REQUIREMENT[key],
                    meaning=labels.PARTICIPATION_REQUIREMENT_HINT[key],
                ),
            )
            for key in labels.PARTICIPATION_REQUIREMENT
        ]


class ImpactForm(EntryForm):
    article = SelectField(
        LABEL["impacts"]["article"],
        coerce=int,
        validators=[required(_l("Choose the convention article."))],
    )
    child_group_id = SelectField(
        LABEL["impacts"]["child_group_id"],
        coerce=int,
        validators=[required(_l("Choose the group of children."))],
    )
    direction = RadioField(
        LABEL["impacts"]["direction"],
        choices=options(labels.DIRECTION),
        validators=[required(_l("Choose the effect on the right."))],
    )
    term = RadioField(
        LABEL["impacts"]["term"],
        choices=options(labels.TERM),
        validators=[required(_l("Choose the time frame of the effect."))],
    )
    severity = RadioField(
        LABEL["impacts"]["severity"],
        choices=options(labels.SEVERITY),
        validators=[required(_l("Choose the severity of the effect."))],
    )
    likelihood = RadioField(
        LABEL["impacts"]["likelihood"],
        choices=options(labels.LIKELIHOOD),
        validators=[required(_l("Choose the likelihood of the effect."))],
    )
    explanation = TextAreaField(
        LABEL["impacts"]["explanation"],
        validators=[Optional(), MaxLength(TEXTAREA_MAX)],
        description=_l("The effect chain: decision, change, effect on these children."),
    )

    def set_options(self, articles: dict[int, str], groups: dict[int, str]):
        """Offer the engaged articles and the analysis's child groups (given by the view)."""
        self.article.choices = options(articles)
        self.child_group_id.choices = options(groups)


class AlternativeForm(EntryForm):
    title = StringField(
        LABEL["alternatives"]["title"],
        validators=[required(_l("Enter a short name for the alternative.")), MaxLength(200)],
    )
    description = TextAreaField(
        LABEL["alternatives"]["description"], validators=[Optional(), MaxLength(TEXTAREA_MAX)]
    )
    child_rights_assessment = TextAreaField(
        LABEL["alternatives"]["child_rights_assessment"],
        validators=[Optional(), MaxLength(TEXTAREA_MAX)],
    )
    conflicts_of_interest = TextAreaField(
        LABEL["alternatives"]["conflicts_of_interest"],
        validators=[Optional(), MaxLength(TEXTAREA_MAX)],
        description=_l(
            "Between groups of children, between children and adults, or with other "
            "public interests."
        ),
    )
    is_preferred = BooleanField(
        _l("This is the proposed alternative"),
        description=_l(
            "The proposal put to the decision. Its effects are assessed in the impact matrix of "
            "step 7, not below."
        ),
    )
    is_zero_option = BooleanField(_l("This is the zero option: things stay as they are"))
    is_recommended = BooleanField(
        _l("The team recommends this alternative"),
        description=_l(
            "Say why in the answer to “Which option is best for children, and why?” on the "
            "step page."
        ),
    )

    def article_effects(self) -> dict[str, str]:
        """The effects chosen, by article number as text (the article fields' suffix)."""
        return {
            name.removeprefix(EFFECT_PREFIX): field.data
            for name, field in self._fields.items()
            if name.startswith(EFFECT_PREFIX) and field.data
        }


EFFECT_PREFIX = "effect_"


def alternative_form(articles: dict[int, str]) -> type[AlternativeForm]:
    """The alternative form with one effect question per engaged article (label given by the
    view), so that every alternative is compared on the same rights as the proposal."""
    fields = {
        f"{EFFECT_PREFIX}{number}": RadioField(
            label, choices=options(labels.DIRECTION), validators=[Optional()]
        )
        for number, label in articles.items()
    }
    return type("AlternativeForm", (AlternativeForm,), fields)


class MeasureForm(EntryForm):
    description = TextAreaField(
        LABEL["measures"]["description"],
        validators=[required(_l("Describe the measure.")), MaxLength(TEXTAREA_MAX)],
    )
    owner = StringField(
        LABEL["measures"]["owner"],
        validators=[required(_l("Enter who owns the measure.")), MaxLength(200)],
        description=_l("A role or function, for example “Head of paediatrics”."),
    )
    due_date = DateField(LABEL["measures"]["due_date"], validators=[Optional()])
    status = RadioField(
        LABEL["measures"]["status"],
        choices=options(labels.MEASURE_STATUS),
        default="planned",
        validators=[required(_l("Choose the status of the measure."))],
    )


class IndicatorForm(EntryForm):
    name = StringField(
        LABEL["indicators"]["name"],
        validators=[required(_l("Enter the name of the indicator.")), MaxLength(300)],
    )
    baseline = StringField(LABEL["indicators"]["baseline"], validators=[Optional(), MaxLength(300)])
    target = StringField(LABEL["indicators"]["target"], validators=[Optional(), MaxLength(300)])
    source = StringField(LABEL["indicators"]["source"], validators=[Optional(), MaxLength(300)])
    responsible = StringField(
        LABEL["indicators"]["responsible"], validators=[Optional(), MaxLength(200)]
    )
    measure_on = DateField(LABEL["indicators"]["measure_on"], validators=[Optional()])
    unit = StringField(
        LABEL["indicators"]["unit"],
        validators=[Optional(), MaxLength(40)],
        description=_l("For example “%”, “visits per month” or “days”."),
    )
    baseline_value = NumberField(
        LABEL["indicators"]["baseline_value"],
        validators=[Optional()],
        description=_l(
            "The baseline as a number, for example 12,5. Readings are shown against it, and a "
            "trigger on a change in per cent counts from it."
        ),
    )
    target_value = NumberField(
        LABEL["indicators"]["target_value"],
        validators=[Optional()],
        description=_l("The target as a number, for example 20."),
    )
    reading_every_months = IntegerField(
        LABEL["indicators"]["reading_every_months"],
        validators=[Optional(), Between(1, 120)],
        description=_l(
            "How often a new reading is due after the date of measurement. Leave empty for a "
            "single measurement."
        ),
    )


class TriggerForm(EntryForm):
    """A trigger for re-assessment: which choices it needs depends on the condition, checked in
    the domain (bka.domain.reassessment.check_trigger), whose messages appear next to the field."""

    description = StringField(
        LABEL["triggers"]["description"],
        validators=[required(_l("Describe the signal in a few words.")), MaxLength(300)],
        description=_l(
            "For example “Medication incidents among children rise by more than 20 per cent”."
        ),
    )
    condition = RadioField(
        LABEL["triggers"]["condition"],
        choices=options(labels.CONDITION),
        validators=[required(_l("Choose when the trigger is met."))],
    )
    indicator_id = SelectField(
        LABEL["triggers"]["indicator_id"],
        coerce=optional_id,
        validators=[Optional()],
        description=_l("For a condition on readings: the indicator whose readings are checked."),
    )
    threshold = NumberField(
        LABEL["triggers"]["threshold"],
        validators=[Optional()],
        description=_l(
            "For a condition on readings: the value, in the indicator's unit, or for a change "
            "the per cent, for example 20."
        ),
    )
    event_kind = SelectField(
        LABEL["triggers"]["event_kind"],
        coerce=lambda value: value or None,
        validators=[Optional()],
        description=_l("For a condition on events: the kind of event that meets the trigger."),
    )

    def set_options(self, indicators: list) -> None:
        """Offer the analysis's indicators (given by the view) and say which cannot be used for
        a change in per cent, as they have no baseline value."""
        self.indicator_id.choices = [
            ("", _l("Choose an indicator")),
            *options({indicator.id: indicator.name for indicator in indicators}),
        ]
        self.event_kind.choices = [("", _l("Choose a kind of event")), *options(labels.EVENT_KIND)]
        without = [indicator.name for indicator in indicators if indicator.baseline_value is None]
        if without:
            self.indicator_id.description = _l(
                "For a condition on readings: the indicator whose readings are checked. A change "
                "in per cent needs the indicator's baseline value, which these do not have yet: "
                "%(names)s.",
                names="; ".join(without),
            )


ENTRY_FORMS = {
    "child_groups": ChildGroupForm,
    "evidence_sources": EvidenceSourceForm,
    "consultations": ConsultationForm,
    "impacts": ImpactForm,
    "alternatives": AlternativeForm,
    "measures": MeasureForm,
    "indicators": IndicatorForm,
    "triggers": TriggerForm,
}
