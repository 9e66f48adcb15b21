"""JSON input for the API, validated by the same WTForms forms as the pages (so the API and
the UI accept exactly the same values), with their messages as 422 field errors."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from bka.api.errors import ApiError
from bka.domain.errors import FieldError
from bka.forms.entries import EFFECT_PREFIX

NO_CSRF = {"csrf": False}


def json_body() -> dict[str, Any]:
    """The request's JSON object; 400 for anything else."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, _("Send a JSON object with the Content-Type application/json."))
    return body


def _text(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "y" if value else ""
    if isinstance(value, int | float | str):
        return str(value)
    raise ApiError(422, errors={key: [_("Give a text, a number or a true/false value.")]})


def formdata(values: dict[str, Any]) -> MultiDict:
    """JSON values as the form data a browser would post: lists as repeated values, true as a
    ticked box, false and null left out; `article_effects` as the alternative form's fields."""
    data = MultiDict()
    for key, value in values.items():
        key = str(key)
        if key == "article_effects" and isinstance(value, dict):
            for article, effect in value.items():
                data.add(f"{EFFECT_PREFIX}{article}", _text(key, effect))
        elif value is None or value is False:
            continue
        elif isinstance(value, list):
            for item in value:
                data.add(key, _text(key, item))
        else:
            data.add(key, _text(key, value))
    return data


def field_errors(form) -> dict[str, list[str]]:
    errors = {
        name: [str(message) for message in messages] for name, messages in form.errors.items()
    }
    if form.form_errors:
        errors.setdefault("", []).extend(str(message) for message in form.form_errors)
    errors.pop(None, None)
    return errors


def invalid(form) -> ApiError:
    return ApiError(422, errors=field_errors(form))


def refused(error: FieldError) -> ApiError:
    return ApiError(422, errors={error.field: [str(error.message)]})


def refused_personnummer(error) -> ApiError:
    """A personal identity number in free text: refused, as on the pages, unless the input
    confirms with not_a_child_number and not_a_child_reason that it is not a child's."""
    message = _(
        "This looks like a personal identity number. Children must never be identifiable: "
        "remove it. If it is not a child's number, send not_a_child_number: true and "
        "not_a_child_reason."
    )
    return ApiError(422, errors={name: [message] for name in error.by_field()})
