"""Template helpers: localized checklist text, permission checks, labels, error pages."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from babel.numbers import format_decimal
from flask import Flask, current_app, render_template
from flask_babel.speaklater import LazyString
from flask_login import current_user

from bka.api.errors import handle_http_error, is_api_request
from bka.domain import labels, notifications, permissions, reminders, workflow
from bka.domain.checklists import Text
from bka.domain.entries import ENTRY_KINDS
from bka.web import follow_up, impacts
from bka.web.formats import format_date, format_datetime, format_number
from bka.web.i18n import current_format_locale, current_language
from bka.web.logs import request_id


def localize(value) -> str:
    """Render checklist text (a bilingual Text) in the active language."""
    if isinstance(value, Text):
        return value.get(current_language())
    return "" if value is None else str(value)


def reminder_text(notification, wording: str = "text") -> str:
    """What a reminder says (its e-mail subject with wording="subject") in the active language,
    from the details it was written with."""
    details = notification.details
    texts = reminders.SUBJECTS if wording == "subject" else reminders.TEXTS
    return str(texts[details["item_type"], details["period"]]) % {
        "item": details["name"],
        "title": notification.analysis.title,
        "date": format_date(date.fromisoformat(details["date"])),
    }


def _date_from_iso(value: str) -> str:
    """Format a stored ISO date string in the active locale."""
    try:
        return format_date(date.fromisoformat(value), "long")
    except (TypeError, ValueError):
        return str(value)


class _Translated(LazyString):
    """A lazy label translated once for this page. To templates it is the LazyString it stands
    for (printed unescaped, filters see its text), without a catalog look-up on every use."""

    def __init__(self, text: str):
        self._text = text

    def __str__(self) -> str:
        return self._text


class PageLabels(Mapping):
    """A table of lazy labels (nested tables too) as a page sees it: each label translated at
    most once per rendering. Made anew for every rendering, so nothing outlives the page."""

    def __init__(self, table: Mapping):
        self._table = table
        self._seen: dict = {}

    def __getitem__(self, key):
        try:
            return self._seen[key]
        except KeyError:
            value = self._table[key]
            if isinstance(value, LazyString):
                value = _Translated(str(value))
            elif isinstance(value, Mapping):
                value = PageLabels(value)
            self._seen[key] = value
            return value

    def __iter__(self):
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)


ENTRY_KIND_STEPS = {name: kind.step for name, kind in ENTRY_KINDS.items()}


def init_app(app: Flask) -> None:
    app.jinja_env.filters["loc"] = localize
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["date_iso"] = _date_from_iso
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.globals["reminder_text"] = reminder_text
    app.jinja_env.globals["request_id"] = request_id
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.globals.update(
        impact_matrix_rows=impacts.matrix_rows,
        impact_summary_lines=impacts.impact_summaries,
        follow_up_links=follow_up.FollowUpLinks,
        follow_up_indicator_sections=follow_up.indicator_sections,
        follow_up_impact_rows=follow_up.impact_rows,
    )

    @app.context_processor
    def helpers():
        return {
            "can": lambda action, analysis=None: permissions.can(current_user, action, analysis),
            "unread_notifications": lambda: (
                notifications.unread_count(current_user) if current_user.is_authenticated else 0
            ),
            "current_language": current_language(),
            "languages": app.config["LANGUAGES"],
            "status_labels": PageLabels(workflow.STATUS_LABELS),
            "transition_labels": PageLabels(workflow.TRANSITION_LABELS),
            "labels": PageLabels(labels.LABELS),
            "entry_kind_steps": ENTRY_KIND_STEPS,
            "field_labels": PageLabels(labels.FIELD_LABELS),
            "rubric_labels": PageLabels(labels.RUBRIC),
            "rubric_answers": PageLabels(labels.RUBRIC_ANSWER),
            "decision_outcomes": PageLabels(labels.DECISION_OUTCOME),
        }

    for code in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(code, _error_page(code))


def _error_page(code: int):
    def handler(error):
        if is_api_request():  # also a path under /api/v1 that matches no route: JSON
            return handle_http_error(error)
        limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
        max_upload = (
            format_decimal(limit / 2**20, "#,##0.#", locale=current_format_locale()) + " MB"
        )
        return render_template("errors/error.html", code=code, max_upload=max_upload), code

    return handler
