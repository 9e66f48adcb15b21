"""Every alternative is compared on the engaged articles, the zero option included, beside the
proposal's impact matrix; one is recommended. In the app, the check page and the report."""

from __future__ import annotations

import dataclasses
import io

import pytest
from pypdf import PdfReader

from bka.domain import analyses as ops
from bka.domain.alternatives import MIXED, AlternativeFacts, compare
from bka.domain.analyses import StepIncomplete
from bka.domain.entries import ENTRY_KINDS
from bka.domain.errors import FieldError
from bka.domain.progress import load_state, missing_for_step
from bka.extensions import db
from bka.models import Alternative, Analysis
from tests import factories
from tests.factories import ANSWERS
from tests.test_reports import flat


def _facts(title, *, proposal=False, zero=False, recommended=False, **effects):
    return AlternativeFacts(title, proposal, zero, recommended, effects)


def test_the_comparison_puts_the_zero_option_first_and_sums_up_the_matrix():
    compared = compare(
        [3, 16, 24],
        [
            _facts("Enligt plan", **{"3": "weakens"}),
            _facts("Förslaget", proposal=True, recommended=True),
            _facts("Noll", zero=True, **{"3": "neutral", "24": "weakens"}),
        ],
        [(3, "strengthens"), (3, "weakens"), (3, "weakens"), (16, "weakens")],
    )
    assert compared.proposal.title == "Förslaget"
    assert [a.title for a in compared.alternatives] == ["Noll", "Enligt plan"]
    first, second, third = compared.rows
    assert first.proposal.effect == MIXED
    assert first.proposal.counts == (("strengthens", 1), ("weakens", 2))
    assert first.effects == ("neutral", "weakens")
    assert second.proposal.effect == "weakens" and second.effects == (None, None)
    assert third.proposal.effect is None and third.effects == ("weakens", None)


@pytest.fixture
def complete(app, make_user):
    owner = make_user(name="Ägare")
    with app.app_context():
        analysis = factories.complete_analysis(owner)
        db.session.commit()
        return analysis.id, owner


def _alternatives_missing(analysis):
    return missing_for_step(load_state(analysis, ops.checklists_for(analysis)), "alternatives")


def test_the_complete_analysis_compares_every_alternative(app, complete):
    analysis_id, _owner = complete
    with app.app_context():
        assert _alternatives_missing(db.session.get(Analysis, analysis_id)) == []


def test_each_rule_names_what_is_missing(app, complete):
    analysis_id, owner = complete
    with app.app_context():
        analysis = db.session.get(Analysis, analysis_id)
        for alternative in db.session.scalars(db.select(Alternative)):
            if alternative.is_zero_option:
                db.session.delete(alternative)
            alternative.is_recommended = False
            if not alternative.is_preferred:
                alternative.article_effects = {"3": "weakens"}
        db.session.flush()
        with app.test_request_context(headers={"Accept-Language": "en"}):
            messages = [m.describe("en") for m in _alternatives_missing(analysis)]
        assert messages == [
            "Add the zero option – things staying as they are – as one of the alternatives.",
            "Say how “Driftstart enligt plan” affects every engaged article (5 not assessed yet).",
            "Mark the alternative the team recommends.",
        ]
        with pytest.raises(StepIncomplete):
            factories.answer(analysis, "alternatives", ANSWERS["alternatives"], complete=True)


def test_analyses_on_an_earlier_method_keep_the_earlier_rule(app, complete):
    analysis_id, _owner = complete
    with app.app_context():
        analysis = db.session.get(Analysis, analysis_id)
        for alternative in db.session.scalars(db.select(Alternative)):
            alternative.article_effects = {}
            alternative.is_zero_option = alternative.is_recommended = False
        db.session.flush()
        checklists = ops.checklists_for(analysis)
        older = dataclasses.replace(
            checklists, method=dataclasses.replace(checklists.method, version=5)
        )
        assert missing_for_step(load_state(analysis, older), "alternatives") == []
        assert missing_for_step(load_state(analysis, checklists), "alternatives") != []


def test_effects_are_kept_only_for_engaged_articles_and_known_effects(app, complete):
    analysis_id, owner = complete
    with app.app_context():
        analysis = db.session.get(Analysis, analysis_id)
        user = db.session.merge(owner)
        state = load_state(analysis, ops.checklists_for(analysis))
        kind = ENTRY_KINDS["alternatives"]
        values = {"title": "Etappvis", "article_effects": {"3": "strengthens"}}
        entry = ops.save_entry(state, kind, values, user)
        assert entry.article_effects == {"3": "strengthens"}
        with pytest.raises(FieldError):
            ops.save_entry(state, kind, {"title": "X", "article_effects": {"7": "weakens"}}, user)
        with pytest.raises(FieldError):
            ops.save_entry(state, kind, {"title": "X", "article_effects": {"3": "better"}}, user)
        # Marking another alternative as recommended moves the mark.
        ops.save_entry(state, kind, {"title": "Etappvis", "is_recommended": True}, user, entry)
        recommended = db.session.scalars(
            db.select(Alternative.title).where(Alternative.is_recommended.is_(True))
        ).all()
        assert recommended == ["Etappvis"]


def test_the_form_asks_for_each_engaged_article_and_keeps_what_was_typed(
    app, complete, make_browser
):
    analysis_id, owner = complete
    b = make_browser()
    b.login(owner)
    url = f"/analyses/{analysis_id}/entries/alternatives/new"
    page = b.get(url).get_data(as_text=True)
    assert "Effekter på de berörda artiklarna" in page
    for number in (2, 3, 6, 12, 16, 24):
        assert f'name="effect_{number}"' in page
    bad = b.post(url, {"title": "", "description": "Etapp för etapp", "effect_3": "better"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "Etapp för etapp" in text
    assert "Ange ett kort namn" in text or "alternativet" in text
    saved = b.post(
        url,
        {
            "title": "Etappvis införande",
            "is_zero_option": "",
            "effect_3": "strengthens",
            "effect_16": "neutral",
        },
    )
    assert saved.status_code == 302
    with app.app_context():
        entry = db.session.scalar(
            db.select(Alternative).where(Alternative.title == "Etappvis införande")
        )
        assert entry.article_effects == {"3": "strengthens", "16": "neutral"}
    step = b.get(f"/analyses/{analysis_id}/steps/alternatives").get_data(as_text=True)
    assert "Alternativen jämförda" in step
    assert "Nollalternativ" in step and "Rekommenderas" in step
    assert "Say how" not in step
    check = b.get(f"/analyses/{analysis_id}/check").get_data(as_text=True)
    assert "Alternativen jämförda" in check
    assert (
        "Ange hur ”Etappvis införande” påverkar varje berörd artikel (4 är inte bedömda än)."
        in check
    )


def test_the_report_shows_the_comparison(app, complete, make_browser):
    analysis_id, owner = complete
    b = make_browser()
    b.login(owner)
    report = b.get(f"/analyses/{analysis_id}/report?kind=analysis&lang=sv")
    assert report.status_code == 200
    text = flat("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(report.data)).pages))
    assert "Alternativen jämförda" in text
    assert "nollalternativ" in text and "rekommenderas" in text
    assert "Blandat:" in text or "Försvagar" in text
