"""The home page shows work: what waits for a reviewer and what a team member must act on, and
the list of analyses counts completed steps as the task list does."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import event

from bka.domain import analyses as ops
from bka.domain import lifecycle, permissions, work
from bka.domain.progress import load_state
from bka.extensions import db
from bka.models import Analysis, AnalysisAuthor, EditLog, User
from tests import factories


@pytest.fixture
def people(app, make_user):
    """An owner, an editor, a viewer and two reviewers, as users of the current session."""
    detached = {
        "owner": make_user(name="Tove Ägare"),
        "editor": make_user(name="Erik Redigerare"),
        "viewer": make_user(name="Vera Visare"),
        "reviewer": make_user(role="reviewer", name="Gustav Granskare"),
        "other_reviewer": make_user(role="reviewer", name="Berit Granskare"),
    }
    with app.test_request_context():
        yield {key: db.session.get(User, user.id) for key, user in detached.items()}
        db.session.rollback()


def team_analysis(people, title: str) -> Analysis:
    """A complete draft by the owner, with the editor and the viewer as members."""
    analysis = factories.complete_analysis(people["owner"], title=title)
    factories.member(analysis, people["editor"], "editor")
    factories.member(analysis, people["viewer"], "viewer")
    return analysis


def returned(people, title: str = "Tillbakaskickad") -> Analysis:
    """Sent back with the participation step marked and comments on participation and impacts."""
    analysis = team_analysis(people, title)
    factories.submit(analysis, people["reviewer"])
    factories.send_back(
        analysis,
        people["reviewer"],
        comments={"participation": "Vad sa barnen?", "impacts": "Motivera bedömningen."},
    )
    return analysis


def hub_count(analysis: Analysis) -> lifecycle.StepProgress:
    return lifecycle.step_progress(analysis, load_state(analysis, ops.checklists_for(analysis)))


# --- the domain: reviewers ---------------------------------------------------------------------


def test_a_reviewer_sees_only_the_reviews_waiting_for_them(people):
    waiting = team_analysis(people, "Väntar på Gustav")
    factories.submit(waiting, people["reviewer"])
    elsewhere = team_analysis(people, "Väntar på Berit")
    factories.submit(elsewhere, people["other_reviewer"])
    returned(people)
    signed = team_analysis(people, "Godkänd")
    factories.drive_to(signed, "approved", people["reviewer"])

    today = date(2026, 12, 2)
    mine = work.work_for(people["reviewer"], today).reviews
    assert [item.analysis.title for item in mine] == ["Väntar på Gustav"]
    assert mine[0].review.submitted_by.name == "Tove Ägare" and mine[0].review.number == 1
    theirs = work.work_for(people["other_reviewer"], today).reviews
    assert [item.analysis.title for item in theirs] == ["Väntar på Berit"]
    for key in ("owner", "editor", "viewer"):
        assert work.work_for(people[key], today).reviews == []


@pytest.mark.parametrize("authorship", ["edit_log", "former_author", "lost_role"])
def test_an_author_never_sees_a_review_waiting(people, authorship):
    """Four eyes: a reviewer who appears among the analysis's authors (or no longer holds the
    reviewer role) is not offered the review, as can() refuses it."""
    analysis = team_analysis(people, "Granskas")
    factories.submit(analysis, people["reviewer"])
    reviewer = people["reviewer"]
    assert [item.analysis for item in work.work_for(reviewer, date.today()).reviews] == [analysis]
    if authorship == "edit_log":
        db.session.add(
            EditLog(analysis_id=analysis.id, actor_id=reviewer.id, area="decision", field="x")
        )
    elif authorship == "former_author":
        db.session.add(AnalysisAuthor(analysis_id=analysis.id, user_id=reviewer.id, role="editor"))
    else:
        reviewer.role = "member"
    db.session.flush()
    db.session.expire(analysis)
    assert not permissions.can(reviewer, permissions.REVIEW, analysis)
    assert work.work_for(reviewer, date.today()).reviews == []


def test_the_set_form_of_review_agrees_with_can(people):
    """permissions.reviewable_by selects exactly the analyses can(REVIEW) allows, for each user."""
    analyses = [team_analysis(people, f"Analys {number}") for number in range(4)]
    factories.submit(analyses[0], people["reviewer"])
    factories.submit(analyses[1], people["other_reviewer"])
    factories.drive_to(analyses[2], "changes_requested", people["reviewer"])
    db.session.add(
        AnalysisAuthor(
            analysis_id=analyses[1].id, user_id=people["other_reviewer"].id, role="editor"
        )
    )
    db.session.flush()
    db.session.expire_all()  # can() reads the authors through the analysis's relationship
    for user in people.values():
        selected = set(db.session.scalars(permissions.reviewable_by(user)))
        allowed = {a for a in analyses if permissions.can(user, permissions.REVIEW, a)}
        assert selected == allowed, user.name
    assert set(db.session.scalars(permissions.reviewable_by(people["reviewer"]))) == {analyses[0]}


# --- the domain: the team ----------------------------------------------------------------------


def test_a_member_sees_changes_requested_and_comments_to_answer(people):
    analysis = returned(people)
    for key in ("owner", "editor"):
        [item] = work.work_for(people[key], date.today()).actions
        assert item.analysis == analysis
        assert item.sent_back.review.reviewer.name == "Gustav Granskare"
        assert item.sent_back.steps == {"participation", "impacts"}
        assert [(c.step_key, c.count) for c in item.comments] == [
            ("participation", 1),
            ("impacts", 1),
        ]
        assert item.draft_completed is None

    # A resolved thread is answered; the owner's own comment waits for the editor only.
    thread = next(c for c in lifecycle.comments_by_step(analysis)["impacts"])[0]
    lifecycle.resolve_comment(thread, people["owner"])
    lifecycle.add_comment(analysis.id, people["owner"], "feedback", "Kan du titta här, Erik?")
    [owner_item] = work.work_for(people["owner"], date.today()).actions
    assert [c.step_key for c in owner_item.comments] == ["participation"]
    [editor_item] = work.work_for(people["editor"], date.today()).actions
    assert [c.step_key for c in editor_item.comments] == ["participation", "feedback"]


def test_a_viewer_sees_nothing_actionable(people):
    returned(people)
    draft = factories.draft_analysis(people["owner"], title="Utkast")
    factories.member(draft, people["viewer"], "viewer")
    decided = team_analysis(people, "Beslutad")
    factories.drive_to(decided, "decided", people["reviewer"])
    assert work.work_for(people["viewer"], date(2024, 11, 20)) == work.Work([], [])
    assert work.work_for(people["owner"], date(2024, 11, 20)).actions


def test_drafts_show_their_progress(people):
    draft = factories.draft_analysis(people["owner"], title="Nytt utkast")
    factories.answer(draft, "screening", factories.SCREENING, complete=True)
    ready = factories.complete_analysis(people["owner"], title="Klar att skicka")
    by_title = {
        item.analysis.title: item for item in work.work_for(people["owner"], date.today()).actions
    }
    assert by_title["Nytt utkast"].draft_completed == (1, 11)
    assert by_title["Klar att skicka"].draft_completed == (11, 11)
    assert by_title["Klar att skicka"].analysis == ready


def test_follow_up_is_due_from_the_measures_and_follow_up_dates(people):
    """The standard analysis has open measures due 15 Oct, 12 Nov and 20 Dec 2024 and follow-up
    dates on 8 Nov 2024 and 1 May 2025."""
    decided = team_analysis(people, "Beslutad")
    factories.drive_to(decided, "decided", people["reviewer"])
    [item] = work.work_for(people["owner"], date(2024, 11, 20)).actions
    assert item.measures_due == work.Dated(2, date(2024, 10, 15))
    assert item.checkpoints_reached == work.Dated(1, date(2024, 11, 8))
    [later] = work.work_for(people["editor"], date(2025, 12, 1)).actions
    assert later.measures_due == work.Dated(3, date(2024, 10, 15))
    assert later.checkpoints_reached is None  # 1 May 2025 is long past: no "done" mark to wait for
    assert work.work_for(people["owner"], date(2024, 10, 1)).actions == []

    lifecycle.transition(decided, ops.checklists_for(decided), "start_follow_up", people["owner"])
    assert work.work_for(people["owner"], date(2024, 11, 20)).actions[0].measures_due.count == 2
    factories.close(decided)
    assert work.work_for(people["owner"], date(2024, 11, 20)).actions == []


def test_the_work_query_costs_the_same_for_one_analysis_or_many(people):
    """Set-based: the number of statements does not grow with the number of analyses."""

    def statements() -> int:
        executed = []

        def count(*_args):
            executed.append(1)

        db.session.expire_all()
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            for key in ("owner", "reviewer"):
                work.work_for(people[key], date(2024, 11, 20))
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(executed)

    def one_of_each(title: str) -> None:
        returned(people, f"{title} tillbaka")
        factories.submit(team_analysis(people, f"{title} granskas"), people["reviewer"])
        factories.drive_to(team_analysis(people, f"{title} beslut"), "decided", people["reviewer"])
        factories.draft_analysis(people["owner"], title=f"{title} utkast")

    one_of_each("Första")
    few = statements()
    for number in range(3):
        one_of_each(f"Nummer {number}")
    assert len(work.work_for(people["owner"], date(2024, 11, 20)).actions) == 12
    assert statements() == few


# --- the list's step counts ----------------------------------------------------------------------


def test_list_counts_agree_with_the_hub(people):
    """A returned analysis does not count the steps waiting for changes as completed."""
    sent_back = returned(people)
    draft = factories.draft_analysis(people["owner"], title="Utkast")
    factories.answer(draft, "screening", factories.SCREENING, complete=True)
    factories.answer(draft, "decision", {"proposal": "Ett förslag"})
    decided = team_analysis(people, "Beslutad")
    factories.drive_to(decided, "decided", people["reviewer"])
    counts = lifecycle.completed_counts([sent_back, draft, decided])
    assert counts == {a.id: hub_count(a) for a in (sent_back, draft, decided)}
    assert counts[sent_back.id] == (9, 11) and counts[draft.id] == (1, 11)
    assert counts[decided.id] == (11, 11)

    # Saving a step after the round came back counts it again, as on the hub.
    factories.answer(sent_back, "impacts", factories.ANSWERS["impacts"], complete=True)
    assert lifecycle.completed_counts([sent_back])[sent_back.id] == hub_count(sent_back) == (10, 11)


# --- the page -------------------------------------------------------------------------------------


def section(page: str, heading_id: str) -> str:
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', page, re.S)
    assert match, heading_id
    return match.group(0)


@pytest.fixture
def home(app, make_user, make_browser):
    """A returned analysis and one waiting for review: the owner's and reviewer's browsers."""
    owner = make_user(name="Tove Ägare")
    reviewer = make_user(role="reviewer", name="Gustav Granskare")
    viewer = make_user(name="Vera Visare")
    with app.test_request_context():
        people = {"owner": owner, "reviewer": reviewer}
        sent_back = factories.complete_analysis(owner, title="Tillbakaskickad")
        factories.member(sent_back, viewer, "viewer")
        factories.submit(sent_back, reviewer)
        factories.send_back(sent_back, reviewer)
        waiting = factories.complete_analysis(owner, title="Väntar på granskning")
        factories.submit(waiting, reviewer)
        db.session.commit()
        ids = {"sent_back": sent_back.id, "waiting": waiting.id}
    browsers = {}
    for key, user in (*people.items(), ("viewer", viewer)):
        browsers[key] = make_browser()
        browsers[key].login(user)
    return ids, browsers


def test_the_reviewers_home_lists_what_waits_for_their_review(home):
    ids, browsers = home
    page = browsers["reviewer"].get("/").get_data(as_text=True)
    reviews = section(page, "work-reviews")
    assert '<h2 id="work-reviews">Väntar på din granskning (1)</h2>' in reviews
    assert '<span class="work-title">Väntar på granskning</span>' in reviews
    review_link = f'href="/analyses/{ids["waiting"]}/review">'
    assert review_link + "Skickad för granskning av Tove Ägare den " in reviews
    assert "Tillbakaskickad" not in reviews
    assert "Inget behöver göras av dig just nu." in section(page, "work-actions")


def test_the_members_home_lists_changes_requested_and_comments(home):
    ids, browsers = home
    page = browsers["owner"].get("/").get_data(as_text=True)
    assert 'id="work-reviews"' not in page  # not a reviewer
    actions = section(page, "work-actions")
    assert '<h2 id="work-actions">Behöver åtgärdas av dig (1)</h2>' in actions
    assert "Ändringar begärda av Gustav Granskare den " in actions
    assert "1 steg att ändra." in actions
    step_link = f"/analyses/{ids['sent_back']}/steps/participation#comments-participation"
    assert f'href="{step_link}">1 kommentar att besvara i steg 6, Barnens egna åsikter' in actions
    assert "Väntar på granskning" not in actions  # in review: nothing for the team to do

    english = browsers["owner"]
    english.post("/language", {"language": "en"})
    page = english.get("/").get_data(as_text=True)
    assert "Needs your action (1)" in page and "Changes requested by Gustav Granskare on" in page
    assert "1 comment to answer in step 6, Children&#39;s own views" in page


def test_a_viewers_home_says_there_is_nothing_to_do(home):
    _ids, browsers = home
    page = browsers["viewer"].get("/").get_data(as_text=True)
    assert "Behöver åtgärdas av dig (0)" in page
    assert "Inget behöver göras av dig just nu." in page
    assert "Tillbakaskickad" in page  # still listed among the analyses


def test_the_list_does_not_count_a_returned_analysis_as_complete(home):
    """The old list counted the saved "completed" marks: 11 of 11 for a returned analysis."""
    ids, browsers = home
    page = browsers["owner"].get("/").get_data(as_text=True)
    row = re.search(
        rf'<tr>\s*<td><a href="/analyses/{ids["sent_back"]}">.*?</tr>', page, re.S
    ).group(0)
    assert "10 av 11 steg" in row and "11 av 11" not in row


def test_a_search_shows_only_what_it_found(home):
    _ids, browsers = home
    page = browsers["reviewer"].get("/?q=granskning").get_data(as_text=True)
    assert 'id="work-reviews"' not in page and 'id="work-actions"' not in page
    assert "Väntar på granskning" in page


def test_the_home_works_for_a_user_without_analyses(browser, make_user):
    browser.login(make_user(role="reviewer"))
    page = browser.get("/").get_data(as_text=True)
    assert "Inget väntar på din granskning." in page
    assert "Inget behöver göras av dig just nu." in page
