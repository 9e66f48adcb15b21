"""JSON input for the API, validated by the same WTForms forms as the pages (so the API and
the UI accept exactly the same values), with their messages as 422 field errors."""

from __future__ import annotations

import re
from typing import Any

from flask import request
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from bka.api.errors import ApiError
from bka.domain.errors import FieldError
from bka.forms.entries import EFFECT_PREFIX

NO_CSRF = {"csrf": False}


# A UTF-16 surrogate on its own: JSON's "\ud800" escape decodes to one, which no database
# or page can store or show.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def json_body() -> dict[str, Any]:
    """The request's JSON object; 400 for anything else, for nesting deeper than Python can
    read, and for text that is not Unicode (a lone surrogate)."""
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        raise ApiError(400, _("The JSON is nested too deeply.")) from None
    if not isinstance(body, dict):
        raise ApiError(400, _("Send a JSON object with the Content-Type application/json."))
    if _holds_lone_surrogate(body):
        raise ApiError(
            400, _("The JSON holds text that is not valid Unicode (an unpaired \\u escape).")
        )
    return body


def _holds_lone_surrogate(value: Any) -> bool:
    """Whether any text in `value`, keys included, holds a lone surrogate (walked without
    recursion: the document may be as deep as the parser allowed)."""
    waiting = [value]
    while waiting:
        item = waiting.pop()
        if isinstance(item, str):
            if _LONE_SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            waiting.extend(item.keys())
            waiting.extend(item.values())
        elif isinstance(item, list):
            waiting.extend(item)
    return False


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
