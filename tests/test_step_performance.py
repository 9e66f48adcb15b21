"""What the step-page speed-ups must not change: translations follow the locale in force, and
WTForms' own messages are still translated (benchmarks/step_pages.py measures the speed)."""

from __future__ import annotations

import pytest
from flask import render_template_string
from flask_babel import force_locale, gettext, lazy_gettext, refresh

from bka.web.i18n import current_language, translations


def test_translations_memo_follows_force_locale_and_refresh(app):
    label = lazy_gettext("Change")
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        assert str(label) == "Ändra" == gettext("Change")
        assert render_template_string("{{ _('Change') }}") == "Ändra"
        assert current_language() == "sv"
        with force_locale("en"):
            assert str(label) == "Change" == gettext("Change")
            assert render_template_string("{{ _('Change') }}") == "Change"
            assert current_language() == "en"
            assert translations().ugettext("Change") == "Change"
        assert str(label) == "Ändra"
        assert current_language() == "sv"
        refresh()
        assert render_template_string("{{ _('Change') }}") == "Ändra"


@pytest.mark.parametrize("autoescape", [True, False])
def test_template_gettext_answers_as_jinjas_own(app, autoescape):
    """The templates' `_()` skips Jinja's layers, not its results: escaping and formatting."""
    from jinja2 import Environment

    from bka.web.i18n import template_gettext

    jinja = Environment(autoescape=autoescape, extensions=["jinja2.ext.i18n"])  # noqa: S701
    jinja.install_gettext_callables(
        lambda text: translations().ugettext(text), lambda *plural: "", newstyle=True
    )
    ours = app.jinja_env.overlay(autoescape=autoescape)
    assert ours.globals["_"] is ours.globals["gettext"] is template_gettext
    cases = [
        "{{ _('Change') }}",
        "{{ gettext('Change') }}",
        "{{ _('100%% sure') }}",
        "{{ _('Not in the catalog <b>') }}",
        "{{ _('Saved by %(name)s', name='<Åsa & Co>') }}",
        "{{ _('%(count)d of %(total)d', count=3, total=7) }}",
    ]
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        for source in cases:
            expected = jinja.from_string(source).render()
            assert ours.from_string(source).render() == expected, source
        assert ours.from_string(cases[0]).render() == "Ändra"
        assert ours.from_string(cases[2]).render() == "100% sure"


def test_translations_outside_a_request_are_the_identity(app):
    assert str(lazy_gettext("Change")) == "Change"
    with app.app_context():
        assert translations().ugettext("Change") in ("Change", "Ändra")


def test_wtforms_catalog_follows_the_language(app):
    from bka.forms.base import WTFORMS_TRANSLATIONS

    with app.test_request_context(headers={"Accept-Language": "sv"}):
        assert WTFORMS_TRANSLATIONS.gettext("Not a valid date value.") != "Not a valid date value."
        with force_locale("en"):
            assert WTFORMS_TRANSLATIONS.gettext("Not a valid date value.") == (
                "Not a valid date value."
            )


def test_step_page_reads_only_the_entries_it_shows(app, browser, make_user, make_analysis):
    from sqlalchemy import event

    from bka.extensions import db

    user = make_user()
    analysis_id = make_analysis(user)
    browser.login(user)
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        decision = browser.get(f"/analyses/{analysis_id}/steps/decision")
        decision_statements, statements[:] = list(statements), []
        impacts = browser.get(f"/analyses/{analysis_id}/steps/impacts")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert decision.status_code == impacts.status_code == 200
    tables = ("child_group", "impact", "evidence_source", "consultation", "alternative")
    assert not [s for s in decision_statements if any(f"FROM {t} " in s for t in tables)]
    assert any("FROM child_group " in s for s in statements)
    assert not [s for s in statements if "FROM measure " in s or "FROM indicator " in s]


def test_step_form_classes_are_reused_per_content_step_and_locale(app):
    from bka.forms.step import build_step_form

    library = app.extensions["bka_library"]
    checklists = library.for_area("digital")
    with app.test_request_context():
        first = build_step_form(checklists, "decision", "sv", data={})
        again = build_step_form(checklists, "decision", "sv", data={})
        english = build_step_form(checklists, "decision", "en", data={})
        other = build_step_form(library.for_area("digital"), "decision", "sv", data={})
    assert type(first) is type(again)
    assert type(english) is not type(first)
    assert type(other) is not type(first)  # other parsed content: its own class
    question = checklists.method.step("decision").questions[0]
    assert first[question.key].label.text == question.label.sv
    assert english[question.key].label.text == question.label.en
    assert first[question.key] is not again[question.key]  # fields are bound per form


@pytest.mark.parametrize("locale", ["sv", "en"])
def test_impact_matrix_texts_prepared_in_python_are_still_escaped(app, browser, make_user, locale):
    """The matrix's and the summaries' texts are put together in bka/web/impacts.py as plain
    text: a child group's label in them is escaped like any other, in the column heading, the
    screen-reader text of a cell and an assessment's heading."""
    from markupsafe import escape

    from bka.domain.analyses import checklists_for
    from bka.extensions import db
    from tests import factories

    label = '<b>Barn & "unga"</b>'
    user = make_user(locale=locale)
    with app.app_context():
        analysis = factories.complete_analysis(
            user,
            child_groups=[{"label": label, "age_band": "0-17", "relation": "user"}],
            impacts=[
                {
                    "article": 16,
                    "group": label,
                    "direction": "weakens",
                    "term": "short",
                    "severity": "high",
                    "likelihood": "possible",
                    "explanation": "Förklaring.",
                }
            ],
        )
        analysis_id = analysis.id
        title = checklists_for(analysis).convention.article(16).title.get(locale)
        db.session.commit()
    browser.login(user)
    page = browser.get(f"/analyses/{analysis_id}/steps/impacts").get_data(as_text=True)
    cell_text = {"sv": "artikel 16 för {}", "en": "article 16 for {}"}[locale]
    assert label not in page
    assert f'<th scope="col">{escape(label)}</th>' in page
    assert f'<span class="visually-hidden"> {cell_text.format(escape(label))}</span>' in page
    assert f"<strong>16. {escape(title)} × {escape(label)}</strong>" in page


def test_remembered_dates_and_numbers_follow_the_language(app):
    """The formatting memo is keyed by the locale: a page in English never gets Swedish text."""
    from datetime import date, datetime

    from bka.web.formats import format_date, format_datetime, format_number

    moment = datetime(2024, 11, 15, 13, 5)  # noqa: DTZ001 - stored times are naive UTC
    for language, day, number in (
        ("sv", "15 november 2024", "12,5"),
        ("en", "15 November 2024", "12.5"),
    ):
        with app.test_request_context(headers={"Accept-Language": language}):
            for _ in range(2):  # first formatted, then remembered
                assert format_date(date(2024, 11, 15)) == day
                assert format_number(12.5) == number
                assert "2024" in format_datetime(moment)
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        assert format_number(1.0) == format_number(1) == "1"
        assert format_number(12345.5) == "12\xa0345,5"


def test_the_server_freezes_the_loaded_app_for_the_garbage_collector():
    """`bka serve` hands gunicorn bka.web.server; gunicorn reads its hook from there."""
    import gc

    from gunicorn.app.base import Application

    from bka.web import server

    class Probe(Application):
        def init(self, *args):
            return {}

        def load(self):
            return None

    settings = Probe().load_config_from_module_name_or_filename("python:bka.web.server")
    assert settings["post_worker_init"] is server.post_worker_init
    threshold = gc.get_threshold()
    try:
        server.post_worker_init(worker=None)
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[0] == server.YOUNG_OBJECTS_BEFORE_COLLECTION
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
