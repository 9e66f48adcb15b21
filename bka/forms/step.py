"""The form of one method step, built from the checklist for the active language."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional, StopValidation
from wtforms.widgets import HiddenInput

from bka.domain.analyses import refuse_procedural_articles
from bka.domain.checklists import Checklists, Question
from bka.domain.errors import FieldError
from bka.forms.base import BaseForm, ChildTextForm, DateField, MaxLength, MultiCheckboxField
from bka.models.base import DB_INT_MAX

TEXT_MAX = 200
TEXTAREA_MAX = 20_000


class NoNewProceduralArticles:
    """Refuses articles 43-54 unless the stored answers (the field's object data) engaged them
    already: the rule is the domain's (analyses.refuse_procedural_articles)."""

    def __init__(self, checklists: Checklists):
        self.checklists = checklists

    def __call__(self, form, field) -> None:
        try:
            refuse_procedural_articles(self.checklists, field.name, field.data, field.object_data)
        except FieldError as error:
            raise StopValidation(str(error.message)) from None


def _field_for(question: Question, checklists: Checklists, locale: str):
    label = question.label.get(locale)
    description = question.guidance.get(locale) if question.guidance else ""
    # The method's guidance is the same for every area; the pack may add an example of its own.
    example = checklists.pack.example_for(question.key)
    if example is not None:
        example_text = _(
            "Example for %(area)s: %(example)s",
            area=checklists.pack.title.get(locale).lower(),
            example=example.text.get(locale),
        )
        description = f"{description} {example_text}".strip()
    kind = question.kind
    if kind == "text":
        return StringField(
            label, description=description, validators=[Optional(), MaxLength(TEXT_MAX)]
        )
    if kind == "textarea":
        return TextAreaField(
            label, description=description, validators=[Optional(), MaxLength(TEXTAREA_MAX)]
        )
    if kind == "date":
        return DateField(label, description=description, validators=[Optional()])
    choices = (
        [SelectChoice(choice.key, choice.label.get(locale)) for choice in question.scale.choices]
        if question.scale
        else []
    )
    if kind == "choice":
        return RadioField(label, description=description, choices=choices, validators=[Optional()])
    if kind == "multichoice":
        return MultiCheckboxField(
            label, description=description, choices=choices, validators=[Optional()]
        )
    if kind == "articles":
        # Every article is a choice, so that an analysis that engaged a procedural article
        # (43-54) before they were refused can show it and untick it; the picker offers only
        # 1-42 and the validator refuses a procedural article that was not engaged before.
        articles = [
            SelectChoice(article.number, f"{article.number}. {article.title.get(locale)}")
            for article in checklists.convention.articles
        ]
        return MultiCheckboxField(
            label,
            description=description,
            choices=articles,
            coerce=int,
            validators=[Optional(), NoNewProceduralArticles(checklists)],
        )
    raise ValueError(f"unknown question kind {kind!r}")


# Form classes by (id of the parsed checklists, step, locale). Parsed checklist content is
# immutable and the entry holds it, so an id can neither be reused nor point at other content.
_FORM_CLASSES: dict[tuple[int, str, str], tuple[Checklists, type[BaseForm]]] = {}


def build_step_form(checklists: Checklists, step_key: str, locale: str, **kwargs) -> BaseForm:
    """The form of `step_key` with one field per question and per pack prompt."""
    key = (id(checklists), step_key, locale)
    cached = _FORM_CLASSES.get(key)
    if cached is None or cached[0] is not checklists:
        if len(_FORM_CLASSES) > 512:
            _FORM_CLASSES.clear()
        cached = _FORM_CLASSES[key] = (checklists, step_form_class(checklists, step_key, locale))
    return cached[1](**kwargs)


def step_form_class(checklists: Checklists, step_key: str, locale: str) -> type[BaseForm]:
    """A form class for `step_key` with one field per question and per pack prompt."""
    fields = {}
    for question in checklists.method.step(step_key).questions:
        fields[question.key] = _field_for(question, checklists, locale)
    for prompt in checklists.pack.prompts_for(step_key):
        fields[f"prompt__{prompt.key}"] = TextAreaField(
            prompt.text.get(locale),
            description=prompt.guidance.get(locale) if prompt.guidance else "",
            validators=[Optional(), MaxLength(TEXTAREA_MAX)],
        )
    fields["base_version"] = IntegerField(
        widget=HiddenInput(), validators=[Optional(), NumberRange(0, DB_INT_MAX)]
    )
    fields["mark_completed"] = BooleanField(
        _l("I have completed this step"),
        description=_l(
            "The analysis can be sent for review when every step is marked as completed. You "
            "can mark this step as completed when its required questions are answered."
        ),
    )
    fields["save_continue"] = SubmitField(_l("Save and continue"))
    fields["save_later"] = SubmitField(_l("Save and come back later"))
    return type(f"StepForm_{step_key}", (ChildTextForm,), fields)


def question_fields(form: BaseForm) -> dict:
    """The answer values of a validated step form, without buttons and the CSRF token."""
    skip = {
        "csrf_token",
        "base_version",
        "mark_completed",
        "save_continue",
        "save_later",
        "not_a_child_number",
        "not_a_child_reason",
    }
    return {field.name: field.data for field in form if field.name not in skip}
