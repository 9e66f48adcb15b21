"""The bare stack the step pages are measured against: Flask + Flask-WTF + Flask-Babel only.

One page renders a 12-field form (labels, hints, CSRF token) in Swedish after one SQLite read,
in a template with a small layout, a field macro and a few translated strings; roughly the
floor under any bka page. Served by gunicorn exactly like `bka serve`:

    BARE_DB=/tmp/bare.sqlite3 gunicorn --workers 2 --bind 127.0.0.1:8001 \
        'benchmarks.bare_app:create_app()'

The database file (BARE_DB, default bare.sqlite3 in the temporary folder) is created on start.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from pathlib import Path

from flask import Flask, g, render_template
from flask_babel import Babel
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from jinja2 import DictLoader
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

CATALOGS = Path(__file__).resolve().parents[1] / "bka" / "translations"
CHOICES = [("yes", "Ja"), ("partly", "Delvis"), ("no", "Nej"), ("unsure", "Vet inte")]

LAYOUT = """<!doctype html>
<html lang="{{ locale }}">
<head><meta charset="utf-8">
<title>{% block title %}{% endblock %} – {{ _("Child impact assessment") }}</title>
<link rel="stylesheet" href="{{ url_for('static', filename='app.css') }}"></head>
<body>
<header><a href="{{ url_for('page') }}">{{ _("My analyses") }}</a></header>
<main>{% block content %}{% endblock %}</main>
<footer><p>{{ _("Accessibility statement") }}</p></footer>
</body>
</html>
"""

PAGE = """{% extends "layout.html" %}
{% macro render_field(field) %}
<div class="form-group" id="{{ field.id }}-field">
  {% if field.type in ("RadioField", "MultiCheckbox") %}
  <fieldset><legend>{{ field.label.text }}</legend>
  {% if field.description %}<div class="hint">{{ field.description }}</div>{% endif %}
  {% for option in field %}<div class="choice">{{ option() }} {{ option.label() }}</div>{% endfor %}
  </fieldset>
  {% else %}
  {{ field.label(class="label") }}
  {% if field.description %}<div class="hint">{{ field.description }}</div>{% endif %}
  {{ field(class="input") }}
  {% endif %}
</div>
{% endmacro %}
{% block title %}{{ row.title }}{% endblock %}
{% block content %}
<h1>{{ row.title }}</h1>
<p class="lead">{{ row.purpose }}</p>
<form method="post" novalidate>
  {{ form.csrf_token(id=false) }}
  {{ form.base_version }}
  {% for field in form if field.name not in ("csrf_token", "base_version") %}
  {{ render_field(field) }}
  {% endfor %}
  <button type="submit" class="button">{{ _("Save and continue") }}</button>
</form>
{% endblock %}
"""


class MultiCheckbox(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StepForm(FlaskForm):
    """Twelve answer fields of the kinds a step has, plus the hidden version field."""

    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(
        _l("Description"),
        description=_l("Prompts for this kind of decision."),
        validators=[Optional(), Length(max=20_000)],
    )
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)])
    case_number = StringField(_l("Case number"), validators=[Optional(), Length(max=200)])
    due_date = DateField(_l("Due date"), validators=[Optional()])
    heard = RadioField(_l("Source"), choices=CHOICES, validators=[Optional()])
    groups = MultiCheckbox(_l("Owner"), choices=CHOICES, validators=[Optional()])
    baseline = TextAreaField(_l("Baseline"), validators=[Optional(), Length(max=20_000)])
    target = TextAreaField(_l("Target"), validators=[Optional(), Length(max=20_000)])
    responsible = StringField(_l("Responsible"), validators=[Optional(), Length(max=200)])
    children = IntegerField(_l("Number of children"), validators=[Optional()])
    completed = BooleanField(_l("I have completed this step"))
    base_version = IntegerField(
        "base_version", widget=HiddenInput(), validators=[Optional()], default=0
    )


def _database(path: str) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE IF NOT EXISTS step (id INTEGER PRIMARY KEY, title TEXT, purpose TEXT,"
            " description TEXT, organisation TEXT, case_number TEXT, heard TEXT)"
        )
        connection.execute(
            "INSERT OR IGNORE INTO step VALUES (1, 'Beslutet', 'Beskriv beslutet och dess syfte.',"
            " ?, 'Västra Götalandsregionen', 'RS 2023-04711', 'yes')",
            ("Förslag " * 60,),
        )


def create_app() -> Flask:
    path = os.environ.get("BARE_DB") or str(Path(tempfile.gettempdir()) / "bare.sqlite3")
    _database(path)
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY="bare-benchmark-secret",  # noqa: S106 - a throwaway benchmark app
        BABEL_DEFAULT_LOCALE="sv",
        # bka's Swedish catalog, so every string is a real catalog lookup.
        BABEL_TRANSLATION_DIRECTORIES=str(CATALOGS),
        WTF_CSRF_ENABLED=True,
    )
    app.jinja_env.loader = DictLoader({"layout.html": LAYOUT, "page.html": PAGE})
    Babel(app, locale_selector=lambda: "sv")
    CSRFProtect(app)

    def connection() -> sqlite3.Connection:
        if "db" not in g:
            g.db = sqlite3.connect(path)
            g.db.row_factory = sqlite3.Row
        return g.db

    @app.teardown_appcontext
    def close(_error) -> None:
        database = g.pop("db", None)
        if database is not None:
            database.close()

    @app.route("/", methods=["GET", "POST"])
    def page():
        row = connection().execute("SELECT * FROM step WHERE id = ?", (1,)).fetchone()
        form = StepForm(data=dict(row))
        if form.validate_on_submit():
            return "saved"
        return render_template("page.html", form=form, row=row, locale="sv")

    return app
