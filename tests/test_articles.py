"""Articles are chosen, not pre-ticked (issue 14, item 3): a new analysis starts with only the
general principles 2, 3, 6 and 12 ticked, the area's suggestions are shown as suggestions, the
procedural articles 43-54 are neither offered nor accepted, and the impact step states and
enforces its real rule: every child group assessed against at least one engaged article."""

from __future__ import annotations

import re

import pytest

from bka.domain import analyses as ops
from bka.domain.checklists import GENERAL_PRINCIPLES, ChecklistError, load_library
from bka.domain.entries import ENTRY_KINDS
from bka.domain.errors import FieldError
from bka.domain.progress import all_missing, load_state, missing_for_step
from bka.extensions import db
from bka.models import Analysis, ChildGroup, Impact, StepAnswer, User
from tests.test_checklists import _rewrite, broken_dir  # noqa: F401 (a fixture)
from tests.test_workflow_views import start, stored_answers

PROCEDURAL = range(43, 55)


@pytest.fixture
def team(browser, make_user):
    user = make_user(name="Tove Teamsson")
    browser.login(user)
    return browser, user


def rights_page(browser, analysis_id) -> str:
    response = browser.get(f"/analyses/{analysis_id}/steps/rights")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def checkbox_values(html: str, *, checked: bool) -> set[int]:
    """The article numbers of the picker's checkboxes that are (or are not) ticked."""
    found = set()
    for tag in re.findall(r'<input[^>]*name="engaged_articles"[^>]*>', html):
        number = int(re.search(r'value="(\d+)"', tag).group(1))
        if (" checked" in tag) == checked:
            found.add(number)
    return found


def group_list(html: str, name: str) -> str:
    """The markup of one group of the picker (principles, suggested, other, procedural)."""
    match = re.search(
        rf'<ul class="checkboxes article-list" aria-labelledby="engaged_articles-{name}">'
        r"(.*?)</ul>",
        html,
        re.S,
    )
    return match.group(1) if match else ""


def set_engaged(app, analysis_id, numbers) -> None:
    """Store engaged articles as an analysis made before 43-54 were refused has them."""
    with app.app_context():
        row = db.session.scalar(
            db.select(StepAnswer).where(
                StepAnswer.analysis_id == analysis_id, StepAnswer.step_key == "rights"
            )
        )
        if row is None:
            analysis = db.session.get(Analysis, analysis_id)
            owner = db.session.get(User, analysis.memberships[0].user_id)
            row = StepAnswer(analysis=analysis, step_key="rights", updated_by=owner, answers={})
            db.session.add(row)
        row.answers = {**(row.answers or {}), "engaged_articles": list(numbers)}
        db.session.commit()


# --- the picker of a new analysis -------------------------------------------------------------


def test_a_new_education_analysis_ticks_only_the_general_principles(team, app):
    browser, _user = team
    analysis_id = start(browser, title="Skolskjuts", decision_area="education")
    page = rights_page(browser, analysis_id)
    assert checkbox_values(page, checked=True) == {2, 3, 6, 12}
    for number in GENERAL_PRINCIPLES:  # ticked and locked
        assert re.search(rf'<input[^>]* checked disabled [^>]*value="{number}">', page)
    # 14 (freedom of religion) and 15 (freedom of association) are offered, not ticked.
    assert {14, 15} <= checkbox_values(page, checked=False)
    assert checkbox_values(page, checked=False) == set(range(1, 43)) - {2, 3, 6, 12}
    # Saved as it is, the step engages the general principles and nothing else.
    browser.post(f"/analyses/{analysis_id}/steps/rights", {"save_later": "1"})
    assert stored_answers(app, analysis_id, "rights")[0]["engaged_articles"] == [2, 3, 6, 12]


def test_the_areas_suggestions_are_listed_first_as_suggestions(team, app):
    browser, _user = team
    analysis_id = start(browser, decision_area="education")
    page = rights_page(browser, analysis_id)
    pack = app.extensions["bka_library"].packs["education"]
    suggested = set(pack.suggested_articles) - set(GENERAL_PRINCIPLES)
    assert {14, 15, 28, 29} <= suggested
    in_group = {int(n) for n in re.findall(r'value="(\d+)"', group_list(page, "suggested"))}
    assert in_group == suggested
    others = {int(n) for n in re.findall(r'value="(\d+)"', group_list(page, "other"))}
    assert others == set(range(1, 43)) - suggested - {2, 3, 6, 12}
    principles = {int(n) for n in re.findall(r'value="(\d+)"', group_list(page, "principles"))}
    assert principles == {2, 3, 6, 12}
    area = "förskola, skola och utbildning"
    assert f"Föreslås för {area} – kryssa i dem som det här beslutet berör" in page
    # The groups come in this order: principles, the area's suggestions, the rest.
    assert page.index("engaged_articles-principles") < page.index("engaged_articles-suggested")
    assert page.index("engaged_articles-suggested") < page.index("engaged_articles-other")
    assert page.count("Grundprincip: alltid med") == 4
    browser.post("/language", {"language": "en"})
    english = rights_page(browser, analysis_id)
    assert "Suggested for preschool, school and education – tick those this decision engages" in (
        english
    )
    assert "Always included: the general principles" in english and "Other articles" in english


def test_procedural_articles_are_not_offered(team, app):
    browser, _user = team
    analysis_id = start(browser, decision_area="social_services")
    page = rights_page(browser, analysis_id)
    offered = checkbox_values(page, checked=True) | checkbox_values(page, checked=False)
    assert offered == set(range(1, 43))
    assert 'aria-labelledby="engaged_articles-procedural"' not in page
    assert "Artikel 43–54 finns inte med i listan" in page
    browser.post("/language", {"language": "en"})
    assert "Articles 43–54 are not listed" in rights_page(browser, analysis_id)


@pytest.mark.parametrize("number", ["45", "43", "54"])
def test_a_crafted_post_with_a_procedural_article_is_refused(team, app, number):
    browser, _user = team
    analysis_id = start(browser, decision_area="education")
    url = f"/analyses/{analysis_id}/steps/rights"
    response = browser.post(
        url, {"engaged_articles": ["14", number], "swedish_law": "Skollagen", "save_later": "1"}
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.startswith("<!doctype html>") and "<title>Fel:" in page
    field = page[page.index('id="engaged_articles-field"') :]
    field = field[: field.index("</fieldset>")]
    message = "Artikel 43–54 kan inte markeras som berörda"
    assert message in field and f"Kryssa ur {number}." in field
    assert 'href="#engaged_articles' in page  # linked from the error summary
    assert stored_answers(app, analysis_id, "rights") == ({}, False)  # nothing saved
    browser.post("/language", {"language": "en"})
    english = browser.post(url, {"engaged_articles": [number], "save_later": "1"})
    assert "Articles 43–54 cannot be engaged" in english.get_data(as_text=True)


@pytest.mark.parametrize("value", ["99", "0", "-1", "abc", "45.0", ""])
def test_other_crafted_article_values_are_refused_without_an_error_page(team, app, value):
    browser, _user = team
    analysis_id = start(browser, decision_area="education")
    response = browser.post(
        f"/analyses/{analysis_id}/steps/rights",
        {"engaged_articles": [value], "save_later": "1"},
    )
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert 'id="engaged_articles-error"' in response.get_data(as_text=True)
        assert stored_answers(app, analysis_id, "rights") == ({}, False)
    else:  # an empty value is no article: the general principles only
        assert value == ""
        assert stored_answers(app, analysis_id, "rights")[0]["engaged_articles"] == [2, 3, 6, 12]


# --- analyses that engaged a procedural article before ----------------------------------------


def test_an_earlier_procedural_article_is_shown_and_can_be_unticked(team, app):
    browser, _user = team
    analysis_id = start(browser, decision_area="education")
    set_engaged(app, analysis_id, [2, 3, 6, 12, 14, 45])
    page = rights_page(browser, analysis_id)
    assert checkbox_values(page, checked=True) == {2, 3, 6, 12, 14, 45}
    procedural = group_list(page, "procedural")
    assert 'value="45"' in procedural and "Procedurartikel: bedöms inte" in procedural
    assert checkbox_values(page, checked=False) == set(range(1, 43)) - {2, 3, 6, 12, 14}
    url = f"/analyses/{analysis_id}/steps/rights"
    # Kept as it is: accepted.
    response = browser.post(url, {"engaged_articles": ["14", "45"], "save_later": "1"})
    assert response.status_code == 302
    assert stored_answers(app, analysis_id, "rights")[0]["engaged_articles"] == [
        2,
        3,
        6,
        12,
        14,
        45,
    ]
    # Another procedural article is not.
    response = browser.post(url, {"engaged_articles": ["14", "45", "46"], "save_later": "1"})
    assert response.status_code == 200 and "Kryssa ur 46." in response.get_data(as_text=True)
    # Unticked, it is gone and not offered again.
    response = browser.post(url, {"engaged_articles": ["14"], "save_later": "1"})
    assert response.status_code == 302
    assert stored_answers(app, analysis_id, "rights")[0]["engaged_articles"] == [2, 3, 6, 12, 14]
    page = rights_page(browser, analysis_id)
    assert checkbox_values(page, checked=False) == set(range(1, 43)) - {2, 3, 6, 12, 14}
    assert 'aria-labelledby="engaged_articles-procedural"' not in page
    response = browser.post(url, {"engaged_articles": ["14", "45"], "save_later": "1"})
    assert response.status_code == 200 and "Kryssa ur 45." in response.get_data(as_text=True)


def test_the_impact_matrix_offers_no_new_assessment_of_a_procedural_article(team, app):
    browser, _user = team
    analysis_id = start(browser, decision_area="education")
    browser.post(
        f"/analyses/{analysis_id}/entries/child_groups/new",
        {"label": "Elever med skolskjuts", "age_band": "6-12", "relation": "user"},
    )
    set_engaged(app, analysis_id, [2, 3, 6, 12, 14, 45])
    with app.app_context():
        group_id = db.session.scalar(db.select(ChildGroup.id))
    matrix = browser.get(f"/analyses/{analysis_id}/steps/impacts").get_data(as_text=True)
    assert f'value="new/impacts/14/{group_id}"' in matrix
    assert f'value="new/impacts/45/{group_id}"' not in matrix
    assert "45. " in matrix  # the row is still shown, with its cell not assessed
    form = browser.get(
        f"/analyses/{analysis_id}/entries/impacts/new?article=45&child_group_id={group_id}"
    ).get_data(as_text=True)
    assert 'value="14"' in form and 'value="45"' not in form
    assessment = {
        "child_group_id": str(group_id),
        "direction": "neutral",
        "term": "short",
        "severity": "low",
        "likelihood": "unlikely",
    }
    response = browser.post(
        f"/analyses/{analysis_id}/entries/impacts/new", {**assessment, "article": "45"}
    )
    assert response.status_code == 200  # refused by the form: not one of the choices
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Impact.id))) == 0


def test_an_existing_assessment_of_a_procedural_article_can_still_be_changed(world_procedural):
    analysis, checklists, owner, group, impact = world_procedural
    state = load_state(analysis, checklists)
    values = {
        "article": 45,
        "child_group_id": group.id,
        "direction": "strengthens",
        "term": "long",
        "severity": "low",
        "likelihood": "likely",
        "explanation": "",
    }
    ops.save_entry(state, ENTRY_KINDS["impacts"], values, owner, impact)
    assert impact.direction == "strengthens"
    # A new one on a procedural article is refused by the domain too.
    other = ops.save_entry(
        state,
        ENTRY_KINDS["child_groups"],
        {"label": "Andra", "age_band": "0-5", "relation": "user"},
        owner,
    )
    with pytest.raises(FieldError) as refused:
        ops.save_entry(
            load_state(analysis, checklists),
            ENTRY_KINDS["impacts"],
            {**values, "child_group_id": other.id},
            owner,
        )
    assert refused.value.field == "article"


@pytest.fixture
def world_procedural(app, make_user, make_analysis):
    """An analysis that engaged article 45 and assessed it before such articles were refused."""
    owner = make_user()
    analysis_id = make_analysis(owner, area="education")
    set_engaged(app, analysis_id, [2, 3, 6, 12, 45])
    with app.test_request_context():
        analysis = db.session.get(Analysis, analysis_id)
        checklists = ops.checklists_for(analysis)
        user = db.session.get(User, owner.id)
        group = ops.save_entry(
            load_state(analysis, checklists),
            ENTRY_KINDS["child_groups"],
            {"label": "Elever", "age_band": "6-12", "relation": "user"},
            user,
        )
        impact = Impact(
            analysis_id=analysis.id,
            article=45,
            child_group_id=group.id,
            direction="neutral",
            term="short",
            severity="low",
            likelihood="unlikely",
        )
        db.session.add(impact)
        db.session.flush()
        yield analysis, checklists, user, group, impact
        db.session.rollback()


# --- the domain rule ----------------------------------------------------------------------------


@pytest.fixture
def world(app, make_user, make_analysis):
    owner = make_user()
    analysis_id = make_analysis(owner, area="education")
    with app.test_request_context():
        analysis = db.session.get(Analysis, analysis_id)
        yield analysis, ops.checklists_for(analysis), db.session.get(User, owner.id)
        db.session.rollback()


def test_the_domain_refuses_a_new_procedural_article(world):
    analysis, checklists, owner = world
    with pytest.raises(FieldError) as refused:
        ops.save_step(analysis, checklists, "rights", {"engaged_articles": [16, 43, 50]}, owner)
    assert refused.value.field == "engaged_articles"
    assert "43, 50" in str(refused.value.message)
    assert load_state(analysis, checklists).engaged_articles() == []  # nothing written
    ops.save_step(analysis, checklists, "rights", {"engaged_articles": [16, 42]}, owner)
    assert load_state(analysis, checklists).engaged_articles() == [2, 3, 6, 12, 16, 42]


def test_suggestions_are_the_packs_without_principles_or_procedural_articles(world):
    _analysis, checklists, _owner = world
    suggested = checklists.suggested_articles()
    assert 14 in suggested and 15 in suggested
    assert not set(suggested) & set(GENERAL_PRINCIPLES)
    assert all(number < 43 for number in suggested)
    assert set(suggested) == set(checklists.pack.suggested_articles) - set(GENERAL_PRINCIPLES)


def test_a_pack_on_disk_cannot_suggest_a_procedural_article(broken_dir):  # noqa: F811
    _rewrite(
        broken_dir / "packs" / "education.toml",
        "suggested_articles = [1, ",
        "suggested_articles = [1, 45, ",
    )
    with pytest.raises(ChecklistError) as error:
        load_library(broken_dir)
    assert "articles 43-54 are procedural and cannot be suggested: [45]" in str(error.value)


# --- the impact step's rule: one assessment per child group, on an engaged article ----------


def impact(analysis, checklists, owner, group, article):
    return ops.save_entry(
        load_state(analysis, checklists),
        ENTRY_KINDS["impacts"],
        {
            "article": article,
            "child_group_id": group.id,
            "direction": "neutral",
            "term": "short",
            "severity": "low",
            "likelihood": "unlikely",
            "explanation": "",
        },
        owner,
    )


def groups_missing(state) -> list[str]:
    return [item.describe("sv") for item in missing_for_step(state, "impacts")]


def test_one_assessment_per_child_group_completes_the_impact_step(world):
    """Not every article for every group: each group once, on an engaged article."""
    analysis, checklists, owner = world
    kind = ENTRY_KINDS["child_groups"]
    first = ops.save_entry(
        load_state(analysis, checklists),
        kind,
        {"label": "Första", "age_band": "6-12", "relation": "user"},
        owner,
    )
    second = ops.save_entry(
        load_state(analysis, checklists),
        kind,
        {"label": "Andra", "age_band": "13-15", "relation": "user"},
        owner,
    )
    ops.save_step(analysis, checklists, "rights", {"engaged_articles": [14, 15, 28]}, owner)
    state = load_state(analysis, checklists)
    assert groups_missing(state) == [
        "Bedöm konsekvenserna för ”Första” mot minst en berörd artikel.",
        "Bedöm konsekvenserna för ”Andra” mot minst en berörd artikel.",
    ]
    impact(analysis, checklists, owner, first, 28)
    assert groups_missing(load_state(analysis, checklists)) == [
        "Bedöm konsekvenserna för ”Andra” mot minst en berörd artikel."
    ]
    impact(analysis, checklists, owner, second, 3)
    state = load_state(analysis, checklists)
    assert groups_missing(state) == []  # 2 of 14 cells assessed: enough
    assert "impacts" not in {item.step for item in all_missing(state)}
    ops.save_step(analysis, checklists, "impacts", {}, owner, mark_completed=True)


def test_an_assessment_of_an_article_no_longer_engaged_does_not_count(world):
    analysis, checklists, owner = world
    group = ops.save_entry(
        load_state(analysis, checklists),
        ENTRY_KINDS["child_groups"],
        {"label": "Elever", "age_band": "6-12", "relation": "user"},
        owner,
    )
    ops.save_step(analysis, checklists, "rights", {"engaged_articles": [28]}, owner)
    impact(analysis, checklists, owner, group, 28)
    assert groups_missing(load_state(analysis, checklists)) == []
    # Article 28 unticked: its assessment is no longer in the matrix, and the group is open.
    ops.save_step(analysis, checklists, "rights", {"engaged_articles": []}, owner)
    state = load_state(analysis, checklists)
    assert 28 not in [row.article.number for row in state.impact_matrix()]
    assert groups_missing(state) == [
        "Bedöm konsekvenserna för ”Elever” mot minst en berörd artikel."
    ]
    with pytest.raises(ops.StepIncomplete):
        ops.save_step(analysis, checklists, "impacts", {}, owner, mark_completed=True)


def test_the_impact_step_states_the_rule_in_both_languages(team, app):
    library = app.extensions["bka_library"]
    purpose = library.method.step("impacts").purpose
    assert "Varje grupp behöver minst en bedömning mot en berörd artikel" in purpose.sv
    assert "Every group needs at least one assessment against an engaged article" in purpose.en
    for text in (purpose.sv, purpose.en):  # no longer "every right for every group"
        assert "varje rättighet och varje grupp" not in text
        assert "each right and each group" not in text
    browser, _user = team
    analysis_id = start(browser, decision_area="education")
    browser.post(
        f"/analyses/{analysis_id}/entries/child_groups/new",
        {"label": "Elever", "age_band": "6-12", "relation": "user"},
    )
    browser.post(f"/analyses/{analysis_id}/steps/rights", {"save_later": "1"})
    page = browser.get(f"/analyses/{analysis_id}/steps/impacts").get_data(as_text=True)
    assert purpose.sv in page
    assert "Varje barngrupp behöver minst en bedömning mot en berörd artikel" in page
    browser.post("/language", {"language": "en"})
    english = browser.get(f"/analyses/{analysis_id}/steps/impacts").get_data(as_text=True)
    assert purpose.en in english
    rule = "Every child group needs at least one assessment against an engaged article"
    assert rule in english
