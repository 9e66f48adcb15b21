"""Nothing typed in a step is lost (issue 12, items 1–3).

Buttons on a step page other than save (reply, resolve, new comment, add/change/remove an entry)
belong to the step form, so they save the step's answers first and then go on, without
JavaScript. A save posted after the login session ended is kept on the server for its writer and
offered back, not saved, after login.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import delete, select, update
from werkzeug.datastructures import MultiDict

from bka.domain import lifecycle, sessions, unsaved
from bka.extensions import db
from bka.models import (
    AuditEvent,
    Comment,
    Membership,
    StepAnswer,
    UnsavedStep,
    User,
    UserSession,
)
from bka.models.base import utcnow
from tests import factories
from tests.conftest import CSRF_PATTERN

STEP = "/analyses/{}/steps/decision"
TYPED = "Förslaget gäller nattöppen barnakut från hösten."


def stored(app, analysis_id, step_key="decision"):
    with app.app_context():
        row = db.session.scalar(
            select(StepAnswer).where(
                StepAnswer.analysis_id == analysis_id, StepAnswer.step_key == step_key
            )
        )
        return (row.answers, row.lock_version) if row else (None, 0)


def page_form(browser, url) -> dict:
    """The step form's hidden fields as the page has them (CSRF token and base version)."""
    html = browser.get(url).get_data(as_text=True)
    version = re.search(r'name="base_version"[^>]*value="(\d*)"', html)
    return {
        "csrf_token": CSRF_PATTERN.search(html).group(1),
        "base_version": version.group(1) if version else "",
    }


def thread_on(app, analysis_id, author, body="Beskriv nollalternativet.") -> int:
    with app.app_context():
        comment = lifecycle.add_comment(
            analysis_id, db.session.get(User, author.id), "decision", body
        )
        db.session.commit()
        return comment.id


@pytest.fixture
def owner_on_step(app, browser, make_user, make_analysis):
    owner = make_user()
    analysis_id = make_analysis(owner)
    browser.login(owner)
    return owner, analysis_id, STEP.format(analysis_id)


# --- items 1 and 2: the other buttons save the step first ---------------------------------------


def test_resolving_a_comment_saves_the_typed_step_text_first(app, browser, owner_on_step):
    owner, analysis_id, step = owner_on_step
    thread_id = thread_on(app, analysis_id, owner)
    page = browser.get(step).get_data(as_text=True)
    assert f'form="step-form" name="resolve" value="{thread_id}"' in page
    response = browser.post(
        step, {**page_form(browser, step), "proposal": TYPED, "resolve": str(thread_id)}
    )
    assert response.status_code == 302
    assert response.location.endswith(f"{step}#comments-decision")
    assert stored(app, analysis_id)[0] == {"proposal": TYPED}
    with app.app_context():
        assert db.session.get(Comment, thread_id).resolved_at is not None


def test_a_reply_saves_the_typed_step_text_and_adds_the_reply(app, browser, owner_on_step):
    owner, analysis_id, step = owner_on_step
    thread_id = thread_on(app, analysis_id, owner)
    response = browser.post(
        step,
        {
            **page_form(browser, step),
            "proposal": TYPED,
            "reply_to": str(thread_id),
            f"reply-{thread_id}": "Nu är det beskrivet.",
        },
    )
    assert response.status_code == 302
    assert stored(app, analysis_id)[0] == {"proposal": TYPED}
    with app.app_context():
        reply = db.session.scalar(select(Comment).where(Comment.parent_id == thread_id))
        assert reply.body == "Nu är det beskrivet."


def test_a_new_comment_saves_the_typed_step_text_too(app, browser, owner_on_step):
    _owner, analysis_id, step = owner_on_step
    browser.post(
        step,
        {
            **page_form(browser, step),
            "proposal": TYPED,
            "add_comment": "1",
            "new_comment": "Vem beslutar?",
        },
    )
    assert stored(app, analysis_id)[0] == {"proposal": TYPED}
    with app.app_context():
        assert db.session.scalar(select(Comment.body)) == "Vem beslutar?"


def test_adding_a_child_group_saves_the_typed_step_text_then_opens_the_form(
    app, browser, make_user, make_analysis
):
    owner = make_user()
    analysis_id = make_analysis(owner)
    browser.login(owner)
    step = f"/analyses/{analysis_id}/steps/children"
    page = browser.get(step).get_data(as_text=True)
    assert 'form="step-form" name="go" value="new/child_groups"' in page
    assert "entries/child_groups/new" not in page  # no link that would drop the text
    response = browser.post(
        step, {**page_form(browser, step), "age_thresholds": TYPED, "go": "new/child_groups"}
    )
    assert response.status_code == 302
    assert response.location.endswith(f"/analyses/{analysis_id}/entries/child_groups/new")
    assert stored(app, analysis_id, "children")[0] == {"age_thresholds": TYPED}


def ticked(html: str) -> list[tuple[str, str]]:
    """The ticked checkboxes of a page, as a browser would send them."""
    return [
        (re.search(r'name="([^"]+)"', tag).group(1), re.search(r'value="([^"]*)"', tag).group(1))
        for tag in re.findall(r"<input[^>]*>", html)
        if 'type="checkbox"' in tag and " checked" in tag
    ]


def test_going_on_without_changes_saves_nothing(app, browser, owner_on_step):
    _owner, analysis_id, _step = owner_on_step
    step = f"/analyses/{analysis_id}/steps/rights"  # pre-ticked articles: still no change
    boxes = ticked(browser.get(step).get_data(as_text=True))
    assert ("engaged_articles", "12") in boxes
    data = MultiDict([*page_form(browser, step).items(), *boxes, ("go", "new/child_groups")])
    response = browser.client.post(step, data=data)
    assert response.status_code == 302
    assert "/entries/child_groups/new" in response.location
    assert stored(app, analysis_id, "rights") == (None, 0)


@pytest.mark.parametrize(
    "value",
    ["new/nonsense", "edit/child_groups", "delete/child_groups/x", "https://evil.example/", "new"],
)
def test_a_go_button_names_only_entry_pages(app, browser, owner_on_step, value):
    _owner, analysis_id, step = owner_on_step
    response = browser.post(step, {**page_form(browser, step), "proposal": TYPED, "go": value})
    assert response.status_code == 400
    assert stored(app, analysis_id)[0] is None


def test_a_step_that_cannot_be_saved_keeps_the_comment_undone_and_the_text(
    app, browser, owner_on_step
):
    owner, analysis_id, step = owner_on_step
    thread_id = thread_on(app, analysis_id, owner)
    response = browser.post(
        step,
        {
            **page_form(browser, step),
            "proposal": TYPED,
            "decision_body": "x" * 201,
            "reply_to": str(thread_id),
            f"reply-{thread_id}": "Mitt svar",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="error-summary"' in page
    assert TYPED in page and "Mitt svar</textarea>" in page
    with app.app_context():
        assert db.session.scalar(select(Comment).where(Comment.parent_id == thread_id)) is None


def test_a_conflict_still_shows_both_versions_and_does_not_resolve(
    app, browser, make_browser, make_user, add_member, owner_on_step
):
    owner, analysis_id, step = owner_on_step
    thread_id = thread_on(app, analysis_id, owner)
    loaded = page_form(browser, step)
    colleague = make_user()
    add_member(analysis_id, colleague, "editor")
    other = make_browser()
    other.login(colleague)
    other.post(step, {"proposal": "Kollegans text", "save_later": "1", "base_version": "0"})
    response = browser.post(step, {**loaded, "proposal": TYPED, "resolve": str(thread_id)})
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and 'id="conflict"' in page
    assert TYPED in page and "Kollegans text" in page
    assert stored(app, analysis_id)[0] == {"proposal": "Kollegans text"}
    with app.app_context():
        assert db.session.get(Comment, thread_id).resolved_at is None


def test_readers_who_cannot_edit_keep_the_comment_forms_of_their_own(app, review_team):
    """A reviewer has no step form: their reply form posts on its own, as before."""
    analysis_id, browsers, reviewer = review_team
    with app.app_context():
        factories.submit(analysis_id, db.session.get(User, reviewer.id))
        db.session.commit()
    thread_on(app, analysis_id, reviewer)
    page = browsers["reviewer"].get(STEP.format(analysis_id)).get_data(as_text=True)
    assert 'id="step-form"' not in page and 'form="step-form"' not in page
    assert f'action="/analyses/{analysis_id}/comments" class="reply-form"' in page


# --- item 3: a save after the session ended ------------------------------------------------------


def end_sessions(app, user, *, forget_them=False):
    """End the user's sessions on the server: revoked (known whose), or deleted (not known)."""
    with app.app_context():
        if forget_them:
            db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
        else:
            for record in db.session.scalars(
                select(UserSession).where(UserSession.user_id == user.id)
            ):
                record.revoked_at = utcnow()
        db.session.commit()


def save_after_the_end(app, browser, user, step, *, forget_them=False, text=TYPED):
    loaded = page_form(browser, step)
    end_sessions(app, user, forget_them=forget_them)
    return browser.client.post(step, data={**loaded, "proposal": text, "save_later": "1"})


def kept_rows(app):
    with app.app_context():
        return db.session.scalars(select(UnsavedStep)).all()


@pytest.mark.parametrize("forget_them", [False, True], ids=["ended", "deleted"])
def test_text_saved_after_the_session_ended_is_offered_back_after_login(
    app, browser, owner_on_step, forget_them
):
    owner, analysis_id, step = owner_on_step
    response = save_after_the_end(app, browser, owner, step, forget_them=forget_them)
    assert response.status_code == 302 and "/login?next=" in response.location
    cookie = browser.client.get_cookie("bka-unsaved")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    assert stored(app, analysis_id)[0] is None
    login_page = browser.get(response.location).get_data(as_text=True)
    assert "inte sparat än" in login_page

    after_login = browser.post(
        response.location, {"email": owner.email, "password": "correct horse battery staple"}
    )
    assert after_login.location == step
    page = browser.get(step).get_data(as_text=True)
    assert 'id="unsaved-text"' in page and "Din text är inte sparad än" in page
    assert f"{TYPED}</textarea>" in page
    assert "data-unsaved" in page
    assert stored(app, analysis_id)[0] is None  # offered, not saved

    browser.post(step, {**page_form(browser, step), "proposal": TYPED, "save_later": "1"})
    assert stored(app, analysis_id)[0] == {"proposal": TYPED}
    assert kept_rows(app) == []
    assert browser.client.get_cookie("bka-unsaved") is None
    assert 'id="unsaved-text"' not in browser.get(step).get_data(as_text=True)


def test_kept_text_is_the_users_own(app, browser, make_user, add_member, owner_on_step):
    """Another user logging in on the same browser is not offered it; its writer still is."""
    owner, analysis_id, step = owner_on_step
    colleague = make_user()
    add_member(analysis_id, colleague, "editor")
    save_after_the_end(app, browser, owner, step)
    browser.login(colleague)
    assert 'id="unsaved-text"' not in browser.get(step).get_data(as_text=True)
    assert TYPED not in browser.get(step).get_data(as_text=True)
    browser.logout()
    browser.login(owner)
    assert f"{TYPED}</textarea>" in browser.get(step).get_data(as_text=True)


def test_text_of_an_unknown_writer_goes_to_the_first_login_only(
    app, browser, make_user, add_member, owner_on_step
):
    owner, analysis_id, step = owner_on_step
    colleague = make_user()
    add_member(analysis_id, colleague, "editor")
    save_after_the_end(app, browser, owner, step, forget_them=True)
    browser.login(owner)
    assert f"{TYPED}</textarea>" in browser.get(step).get_data(as_text=True)
    browser.logout()
    browser.login(colleague)
    assert TYPED not in browser.get(step).get_data(as_text=True)


def test_kept_text_is_not_offered_in_another_browser(app, browser, make_browser, owner_on_step):
    owner, _analysis_id, step = owner_on_step
    save_after_the_end(app, browser, owner, step)
    elsewhere = make_browser()
    elsewhere.login(owner)
    assert TYPED not in elsewhere.get(step).get_data(as_text=True)
    browser.login(owner)
    assert TYPED in browser.get(step).get_data(as_text=True)  # but here it is


def test_kept_text_is_offered_only_while_the_user_may_edit(app, browser, owner_on_step):
    owner, analysis_id, step = owner_on_step
    save_after_the_end(app, browser, owner, step)
    with app.app_context():
        membership = db.session.scalar(
            select(Membership).where(
                Membership.analysis_id == analysis_id, Membership.user_id == owner.id
            )
        )
        membership.role = "viewer"
        db.session.commit()
    browser.login(owner)
    page = browser.get(step).get_data(as_text=True)
    assert TYPED not in page and 'id="unsaved-text"' not in page
    with app.app_context():
        db.session.execute(
            update(Membership)
            .where(Membership.analysis_id == analysis_id, Membership.user_id == owner.id)
            .values(role="owner")
        )
        db.session.commit()
    assert TYPED in browser.get(step).get_data(as_text=True)  # may edit again: offered


def test_kept_text_expires_after_a_day(app, owner_on_step):
    owner, analysis_id, _step = owner_on_step
    token = sessions.new_token()
    with app.app_context():
        user = db.session.get(User, owner.id)
        then = utcnow() - unsaved.KEEP_FOR - timedelta(minutes=1)
        unsaved.keep(token, analysis_id, "decision", [("proposal", TYPED)], user, now=then)
        db.session.commit()
        assert unsaved.find(token, user, analysis_id, "decision", now=then) is not None
        assert unsaved.find(token, user, analysis_id, "decision") is None
        assert unsaved.purge() == 1
        assert db.session.scalar(select(UnsavedStep)) is None


def test_keeping_is_limited_in_size_and_per_browser(app, owner_on_step):
    owner, analysis_id, _step = owner_on_step
    token = sessions.new_token()
    with app.app_context():
        user = db.session.get(User, owner.id)
        too_much = [("proposal", "a" * unsaved.MAX_CHARACTERS)]
        assert unsaved.keep(token, analysis_id, "decision", too_much, user) is None
        for number, step_key in enumerate(
            ("screening", "decision", "children", "rights", "evidence", "participation", "decision")
        ):
            unsaved.keep(token, analysis_id, step_key, [("x", str(number))], user)
        rows = db.session.scalars(select(UnsavedStep)).all()
        assert len(rows) == unsaved.MAX_PER_BROWSER
        decision = [row for row in rows if row.step_key == "decision"]
        assert [row.fields for row in decision] == [[["x", "6"]]]  # the newer replaced it


def test_nothing_is_kept_without_this_browsers_csrf_token(app, browser, owner_on_step):
    """A forged cross-site post cannot plant text to be offered to the user."""
    owner, analysis_id, step = owner_on_step
    loaded = page_form(browser, step)
    end_sessions(app, owner)
    response = browser.client.post(
        step, data={**loaded, "csrf_token": "forged", "proposal": "Planterad", "save_later": "1"}
    )
    assert response.status_code == 302 and "/login" in response.location
    assert kept_rows(app) == []
    assert browser.client.get_cookie("bka-unsaved") is None
    browser.client.post(step, data={**loaded, "proposal": "Min egen", "save_later": "1"})
    assert [row.step_key for row in kept_rows(app)] == ["decision"]  # with the right token


def test_nothing_is_kept_for_a_browser_that_was_never_logged_in(
    app, make_browser, make_user, make_analysis
):
    owner = make_user()
    analysis_id = make_analysis(owner)
    stranger = make_browser()
    stranger.post(STEP.format(analysis_id), {"proposal": "Skräp", "save_later": "1"})
    assert kept_rows(app) == []


def test_keeping_and_handing_over_are_audited(app, browser, owner_on_step):
    owner, analysis_id, step = owner_on_step
    save_after_the_end(app, browser, owner, step, forget_them=True)
    browser.login(owner)
    with app.app_context():
        events = {
            event.action: event
            for event in db.session.scalars(
                select(AuditEvent).where(AuditEvent.action.like("unsaved_text_%"))
            )
        }
    assert events["unsaved_text_kept"].object_id == analysis_id
    kept = dict(events["unsaved_text_kept"].details)
    assert kept.pop("request_id")  # the request's id (bka/web/logs.py)
    assert kept == {"step": "decision", "user_known": False}
    assert events["unsaved_text_claimed"].actor_id == owner.id


def test_the_user_can_discard_the_kept_text(app, browser, owner_on_step):
    owner, analysis_id, step = owner_on_step
    browser.post(step, {**page_form(browser, step), "proposal": "Sparat förut", "save_later": "1"})
    save_after_the_end(app, browser, owner, step)
    browser.login(owner)
    response = browser.post(step + "/unsaved/discard")
    assert response.status_code == 302 and response.location == step
    page = browser.get(step).get_data(as_text=True)
    assert TYPED not in page and "Sparat förut</textarea>" in page
    assert kept_rows(app) == []
    assert browser.client.get_cookie("bka-unsaved") is None


def test_kept_text_saved_after_someone_else_saved_gives_the_conflict_page(
    app, browser, make_browser, make_user, add_member, owner_on_step
):
    owner, analysis_id, step = owner_on_step
    colleague = make_user()
    add_member(analysis_id, colleague, "editor")
    save_after_the_end(app, browser, owner, step)
    other = make_browser()
    other.login(colleague)
    other.post(step, {"proposal": "Kollegans text", "save_later": "1", "base_version": "0"})
    browser.login(owner)
    offered = page_form(browser, step)
    assert offered["base_version"] == "0"  # the version the text was written on
    response = browser.post(step, {**offered, "proposal": TYPED, "save_later": "1"})
    assert response.status_code == 409
    assert stored(app, analysis_id)[0] == {"proposal": "Kollegans text"}
