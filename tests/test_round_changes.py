"""What changed in each step since the previous review round (bka/domain/round_changes.py),
and how the review page shows it: changed steps open with their changes, unchanged folded."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from bka.domain import analyses as ops
from bka.domain import history, lifecycle, round_changes
from bka.domain.entries import ENTRY_KINDS
from bka.domain.progress import load_state
from bka.domain.round_changes import ADDED, CHANGED, REMOVED, SAME, word_diff
from bka.extensions import db
from bka.models import Analysis, User
from tests import factories
from tests.factories import ANSWERS

NEW_PROPOSAL = (
    "Regionstyrelsen föreslås besluta om driftstart för det nya journalsystemet i "
    "andra etappen, med en sammanhållen journal för all vård i regionen."
)


@pytest.fixture
def people(make_user):
    return make_user(name="Tove Ägare"), make_user(role="reviewer", name="Gustav Granskare")


def returned_analysis(owner, reviewer) -> Analysis:
    """A complete analysis sent back after round one; the participation step, which the
    reviewer flagged, saved again unchanged."""
    analysis = factories.complete_analysis(db.session.get(User, owner.id))
    factories.drive_to(analysis, "changes_requested", reviewer)
    resave(analysis, "participation")
    return analysis


def resave(analysis: Analysis, step_key: str, **changes) -> None:
    current = load_state(analysis, ops.checklists_for(analysis)).step_answers(step_key)
    factories.answer(analysis, step_key, {**current, **changes}, complete=True)


def add_group_with_impact(analysis: Analysis, label: str):
    """A new child group and its impact (the impacts step needs one for every group)."""
    group = factories.child_group(analysis, label=label)
    impact = {**factories.IMPACTS[0], "child_group_id": group.id}
    del impact["group"]
    return group, factories.entry(analysis, "impacts", impact)


def assess_alternatives(analysis: Analysis, article: int, effect: str) -> None:
    """Give every alternative but the proposal its effect on a newly engaged `article`: the
    alternatives step asks for one on every engaged article."""
    state = load_state(analysis, ops.checklists_for(analysis))
    for alternative in state.entries["alternatives"]:
        if not alternative.is_preferred:
            values = history.entry_values("alternatives", alternative)
            values["article_effects"] = {**values["article_effects"], str(article): effect}
            owner = db.session.get(User, analysis.created_by_id)
            ops.save_entry(state, ENTRY_KINDS["alternatives"], values, owner, alternative)
    resave(analysis, "alternatives")


def resave_open_steps(analysis: Analysis) -> None:
    """Mark completed again the steps that a changed entry opened."""
    state = load_state(analysis, ops.checklists_for(analysis))
    for step_key, completed in state.completed_flags.items():
        if not completed:
            resave(analysis, step_key)


def second_round(analysis: Analysis, reviewer) -> round_changes.RoundComparison:
    factories.submit(analysis, reviewer)
    state = load_state(analysis, ops.checklists_for(analysis))
    return round_changes.since_previous_round(state, lifecycle.rounds_of(analysis))


def changed_steps(comparison) -> list[str]:
    return comparison.changed_steps(comparison.steps)


def test_first_round_has_nothing_to_compare(app, people):
    owner, reviewer = people
    with app.test_request_context():
        analysis = factories.complete_analysis(db.session.get(User, owner.id))
        factories.submit(analysis, reviewer)
        state = load_state(analysis, ops.checklists_for(analysis))
        comparison = round_changes.since_previous_round(state, lifecycle.rounds_of(analysis))
    assert comparison.number == 1
    assert comparison.previous is None and comparison.since is None
    assert changed_steps(comparison) == []


def test_unchanged_analysis_has_no_changed_step(app, people):
    owner, reviewer = people
    with app.test_request_context():
        analysis = returned_analysis(owner, reviewer)
        comparison = second_round(analysis, reviewer)
        assert comparison.number == 2
        assert comparison.previous.number == 1
        assert comparison.since == comparison.previous.completed_at
    assert changed_steps(comparison) == []
    # The round-one reviewer marked participation "needs changes" (factories.send_back).
    assert comparison.asked_for_changes("participation")
    assert not comparison.asked_for_changes("decision")


def test_changed_answer_is_shown_word_by_word(app, people):
    owner, reviewer = people
    with app.test_request_context():
        analysis = returned_analysis(owner, reviewer)
        resave(analysis, "decision", proposal=NEW_PROPOSAL, timeline="")
        resave(analysis, "rights", engaged_articles=[3, 16, 19, 24])
        assess_alternatives(analysis, 19, "neutral")
        comparison = second_round(analysis, reviewer)
    assert changed_steps(comparison) == ["decision", "rights", "alternatives"]
    proposal, timeline = comparison.steps["decision"].answers
    assert (proposal.field, proposal.change) == ("proposal", CHANGED)
    assert (proposal.old, proposal.new) == (ANSWERS["decision"]["proposal"], NEW_PROPOSAL)
    assert (REMOVED, "första ") in proposal.words and (ADDED, "andra ") in proposal.words
    assert "".join(text for kind, text in proposal.words if kind != REMOVED) == proposal.new
    assert (timeline.field, timeline.change, timeline.new) == ("timeline", REMOVED, None)
    (articles,) = comparison.steps["rights"].answers
    assert (articles.change, articles.added_items, articles.removed_items) == (CHANGED, (19,), ())
    assert articles.words == ()  # not text
    assert comparison.steps["decision"].entries == ()


def test_added_removed_and_changed_entries_count_as_changes(app, people):
    owner, reviewer = people
    with app.test_request_context():
        analysis = returned_analysis(owner, reviewer)
        group, impact = add_group_with_impact(analysis, "Unga med skyddade personuppgifter")
        state = load_state(analysis, ops.checklists_for(analysis))
        measure = state.entries["measures"][0]
        removed_description = measure.description
        ops.delete_entry(state, ENTRY_KINDS["measures"], measure, db.session.get(User, owner.id))
        indicator = state.entries["indicators"][0]
        values = factories.INDICATORS[0]
        ops.save_entry(
            state,
            ENTRY_KINDS["indicators"],
            {**values, "target": "Alla före driftstart"},
            db.session.get(User, owner.id),
            entry=indicator,
        )
        resave_open_steps(analysis)
        comparison = second_round(analysis, reviewer)
    assert changed_steps(comparison) == ["children", "impacts", "alternatives", "follow_up"]
    (added,) = comparison.steps["children"].entries
    assert (added.kind_name, added.entry_id, added.change) == ("child_groups", group.id, ADDED)
    assert added.values["label"] == "Unga med skyddade personuppgifter"
    (added_impact,) = comparison.steps["impacts"].entries
    assert (added_impact.entry_id, added_impact.change) == (impact.id, ADDED)
    assert comparison.group_labels[group.id] == "Unga med skyddade personuppgifter"
    (removed,) = comparison.steps["alternatives"].entries
    assert (removed.kind_name, removed.change) == ("measures", REMOVED)
    assert removed.values["description"] == removed_description
    (changed,) = comparison.steps["follow_up"].entries
    assert (changed.kind_name, changed.change) == ("indicators", CHANGED)
    (target,) = changed.fields
    assert (target.field, target.old, target.new) == (
        "target",
        values["target"],
        "Alla före driftstart",
    )
    assert target.words  # a text field: compared word by word
    assert comparison.steps["children"].answers == ()


def test_blank_and_missing_answers_are_the_same(app):
    checklists = app.extensions["bka_library"].for_area("digital")
    old = {"answers": {"decision": {"proposal": "Ett förslag", "timeline": ""}}, "entries": {}}
    new = {"answers": {"decision": {"proposal": "Ett förslag", "mandate": None}}, "entries": {}}
    assert not any(step.changed for step in round_changes.compare(old, new, checklists).values())


def test_word_diff_matches_a_last_word_that_gains_a_sentence():
    assert word_diff("Barnen hörs hemma.", "Barnen hörs hemma. Rådet också.") == (
        (SAME, "Barnen hörs hemma. "),
        (ADDED, "Rådet också."),
    )


def test_word_diff_keeps_the_text_and_marks_what_moved():
    words = word_diff("Barn hörs i maj.", "Barn och unga hörs i juni.")
    assert words == (
        (SAME, "Barn "),
        (ADDED, "och unga "),
        (SAME, "hörs i "),
        (REMOVED, "maj."),
        (ADDED, "juni."),
    )


# --- the review page ------------------------------------------------------------------------------


def review_page(app, make_browser, reviewer, analysis_id, language="sv"):
    browser = make_browser()
    browser.login(reviewer)
    return browser.get(
        f"/analyses/{analysis_id}/review", headers={"Accept-Language": language}
    ).get_data(as_text=True)


def details_of(page: str, step_key: str) -> str:
    """The opening <details> tag of a step's answers on the review page."""
    section = page.split(f'id="step-{step_key}"', 1)[1]
    return re.search(r"<details[^>]*>", section).group(0)


def test_review_page_of_a_second_round_opens_only_the_changed_steps(app, people, make_browser):
    owner, reviewer = people
    with app.test_request_context():
        analysis = returned_analysis(owner, reviewer)
        resave(analysis, "decision", proposal=NEW_PROPOSAL)
        add_group_with_impact(analysis, "Unga med skyddade personuppgifter")
        resave_open_steps(analysis)
        factories.submit(analysis, reviewer)
        db.session.commit()
        analysis_id = analysis.id
    page = review_page(app, make_browser, reviewer, analysis_id)
    assert "3 av 11 steg har ändrats sedan granskningsomgång 1 avslutades" in page
    summary = page.split('id="round-changes"', 1)[1].split("</div>", 1)[0]
    assert re.findall(r'href="#step-(\w+)"', summary) == ["decision", "children", "impacts"]
    assert "open" in details_of(page, "decision") and "open" in details_of(page, "children")
    assert "open" not in details_of(page, "screening")
    # Unchanged, but flagged in round one: open, with a note.
    assert "open" in details_of(page, "participation")
    participation = page.split('id="step-participation"', 1)[1].split("<details", 1)[0]
    assert "Oförändrat sedan omgång 1" in participation
    assert "I omgång 1 bad granskaren om ändringar i det här steget." in participation
    assert "Oförändrat sedan omgång 1" in page and "Ändrat sedan omgång 1" in page
    assert '<del><span class="visually-hidden">borttaget: </span>första </del>' in page
    assert '<ins><span class="visually-hidden">tillagt: </span>andra </ins>' in page
    assert "Unga med skyddade personuppgifter" in page.split('id="changes-children"', 1)[1]

    english = review_page(app, make_browser, reviewer, analysis_id, "en")
    assert "3 of 11 steps changed since review round 1 ended" in english
    assert '<span class="visually-hidden">removed: </span>' in english


def test_review_page_of_a_first_round_shows_every_step(app, people, make_browser):
    owner, reviewer = people
    with app.test_request_context():
        analysis = factories.complete_analysis(db.session.get(User, owner.id))
        factories.submit(analysis, reviewer)
        db.session.commit()
        analysis_id = analysis.id
    page = review_page(app, make_browser, reviewer, analysis_id)
    assert "Det här är den första granskningsomgången" in page
    assert all("open" in details_of(page, key) for key in ANSWERS)
    assert "sedan omgång" not in page


def test_review_page_reads_the_previous_round_in_one_query(app, people, make_browser):
    """Whatever the number of rounds and snapshots, one query reads the earlier snapshot."""
    owner, reviewer = people
    with app.test_request_context():
        analysis = returned_analysis(owner, reviewer)
        for _round in range(2):
            factories.submit(analysis, reviewer)
            factories.send_back(analysis, reviewer)
            resave(analysis, "participation")
        factories.submit(analysis, reviewer)
        db.session.commit()
        analysis_id = analysis.id
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    browser = make_browser()
    browser.login(reviewer)
    event.listen(engine, "before_cursor_execute", record)
    try:
        page = browser.get(f"/analyses/{analysis_id}/review").get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert "sedan granskningsomgång 3 avslutades" in page
    assert len([s for s in statements if re.search(r"FROM revision\b", s)]) == 1


def test_a_folded_step_opens_when_the_reviewer_has_written_in_it(app, people, make_browser):
    """A refused review shows every step the reviewer wrote in, so nothing typed is hidden."""
    from bka.forms.step import TEXTAREA_MAX

    owner, reviewer = people
    with app.test_request_context():
        analysis = returned_analysis(owner, reviewer)
        factories.submit(analysis, reviewer)
        db.session.commit()
        analysis_id = analysis.id
    browser = make_browser()
    browser.login(reviewer)
    url = f"/analyses/{analysis_id}/review"
    assert "open" not in details_of(browser.get(url).get_data(as_text=True), "screening")
    page = browser.post(
        url,
        {
            "send_back": "1",
            "reasons": "Se kommentarerna.",
            "comment__screening": "x" * (TEXTAREA_MAX + 1),
            "comment__decision": "Beskriv nollalternativet.",
            "verdict__rights": "changes",
        },
    ).get_data(as_text=True)
    assert 'href="#comment__screening"' in page  # the error summary links into the step
    for step_key in ("screening", "decision", "rights"):
        assert "open" in details_of(page, step_key), step_key
    assert "open" not in details_of(page, "evidence")
