"""The whole lifecycle through HTTP with a team of two and a reviewer."""

from __future__ import annotations

import pytest

from bka.domain import history, lifecycle
from bka.extensions import db
from bka.models import (
    Analysis,
    ArchivedReport,
    AuditEvent,
    Comment,
    ReviewRound,
    Revision,
    SignOff,
    User,
)
from tests import factories
from tests.factories import ANSWERS, SIGN_STATEMENTS

# `review_team` (tests/conftest.py): a complete draft, its owner and editor, and a reviewer.


def status(app, analysis_id):
    with app.app_context():
        return db.session.get(Analysis, analysis_id).status


def test_the_whole_lifecycle(app, review_team):
    analysis_id, b, reviewer = review_team
    base = f"/analyses/{analysis_id}"
    check = b["owner"].get(f"{base}/check").get_data(as_text=True)
    assert "Alla steg är markerade som klara och alla obligatoriska frågor är besvarade" in check
    assert "Gustav Granskare" in check

    # Submit: the reviewer joins; the team can no longer edit.
    assert b["owner"].post(f"{base}/submit", {"reviewer": str(reviewer.id)}).status_code == 302
    assert status(app, analysis_id) == "in_review"
    assert b["editor"].post(f"{base}/steps/decision", {"proposal": "x"}).status_code == 403
    assert b["editor"].get(f"{base}/review").status_code == 403
    assert "Granska analysen" in b["reviewer"].get(base).get_data(as_text=True)

    # Send back: reasons are required; verdicts and comments reach the team.
    page = b["reviewer"].post(f"{base}/review", {"send_back": "1"})
    assert page.status_code == 200
    assert "Förklara vad arbetsgruppen behöver ändra." in page.get_data(as_text=True)
    b["reviewer"].post(
        f"{base}/review",
        {
            "send_back": "1",
            "verdict__participation": "changes",
            "comment__participation": "Redovisa vad barnen med tolk sa.",
            "rubric__children_heard": "partly",
            "reasons": "Steg 6 behöver kompletteras.",
        },
    )
    assert status(app, analysis_id) == "changes_requested"
    hub = b["owner"].get(base).get_data(as_text=True)
    assert "Ändringar begärda" in hub and "Steg 6 behöver kompletteras." in hub
    assert 'class="tag tag-needs_changes" id="status-participation"' in hub
    step = b["owner"].get(f"{base}/steps/participation").get_data(as_text=True)
    assert "Redovisa vad barnen med tolk sa." in step
    assert "Granskaren begär ändringar i det här steget" in step

    # The team replies, resolves the thread, fixes the step and resubmits.
    with app.app_context():
        thread_id = db.session.scalar(db.select(Comment.id).where(Comment.parent_id.is_(None)))
    b["editor"].post(
        f"{base}/comments",
        {
            "step_key": "participation",
            "parent_id": thread_id,
            "body": "Vi har lagt till tolkade samtal.",
        },
    )
    b["owner"].post(f"{base}/comments/{thread_id}/resolve")
    with app.app_context():
        thread = db.session.get(Comment, thread_id)
        assert thread.resolved_at is not None
        assert (
            db.session.scalar(db.select(Comment.body).where(Comment.parent_id == thread_id))
            == "Vi har lagt till tolkade samtal."
        )
    answers = {
        **ANSWERS["participation"],
        "mark_completed": "y",
        "save_later": "1",
        "views_divergence": "Samtal med tolk har lagts till för barn med annat språk.",
    }
    assert b["editor"].post(f"{base}/steps/participation", answers).status_code == 302
    assert "tag-needs_changes" not in b["owner"].get(base).get_data(as_text=True)
    b["owner"].post(f"{base}/submit", {"reviewer": str(reviewer.id)})
    assert status(app, analysis_id) == "in_review"

    # Sign off: every statement is needed; the signature names this exact version.
    refused = b["reviewer"].post(f"{base}/review", {"sign": "1", "title": "Barnrättsstrateg"})
    assert "Bekräfta alla påståenden innan du godkänner." in refused.get_data(as_text=True)
    b["reviewer"].post(
        f"{base}/review",
        {
            "sign": "1",
            "title": "Barnrättsstrateg",
            "statements": SIGN_STATEMENTS,
            "rubric__evidence_cited": "yes",
        },
    )
    assert status(app, analysis_id) == "approved"
    with app.app_context():
        signature = db.session.scalar(db.select(SignOff))
        revision = db.session.get(Revision, signature.revision_id)
        assert signature.sha256 == revision.sha256 == history.sha256_of(revision.content)
        assert revision.content["analysis"]["status"] == "approved"
        assert (signature.signer_name, signature.signer_title) == (
            "Gustav Granskare",
            "Barnrättsstrateg",
        )
        assert [
            r.outcome
            for r in db.session.scalars(db.select(ReviewRound).order_by(ReviewRound.number))
        ] == ["returned", "signed"]
    hub = b["owner"].get(base).get_data(as_text=True)
    assert signature.sha256 in hub and "Barnrättsstrateg" in hub
    assert b["editor"].post(f"{base}/steps/decision", {"proposal": "x"}).status_code == 403

    # Record the decision, follow up, close.
    refused = b["editor"].post(f"{base}/decision", {"decision_body": "Regionstyrelsen"})
    assert refused.status_code == 200 and "<title>Fel:" in refused.get_data(as_text=True)
    b["editor"].post(
        f"{base}/decision",
        {
            "decision_body": "Regionstyrelsen",
            "decided_on": "2024-06-18",
            "reference": "§ 142",
            "outcome": "adopted_with_changes",
            "follows_conclusion": "partly",
            "follows_conclusion_reason": "Egen inloggning för 13–15 år väntar till etapp 2.",
            "best_interests_weighing": "Barnets bästa vägde tungt; villkor för driftstart.",
        },
    )
    assert status(app, analysis_id) == "decided"
    assert "§ 142" in b["owner"].get(base).get_data(as_text=True)
    b["owner"].post(f"{base}/transition/start_follow_up")
    assert status(app, analysis_id) == "follow_up"
    b["owner"].post(f"{base}/follow-up/close", {"closed_on": "2025-06-18"})
    assert status(app, analysis_id) == "follow_up"  # not without a final conclusion
    b["owner"].post(
        f"{base}/follow-up/close",
        {
            "closed_on": "2025-06-18",
            "fared": "as_predicted",
            "conclusion": "Barnen fick det som analysen förutsåg.",
        },
    )
    assert status(app, analysis_id) == "closed"

    # Every move is in the history and the audit log, and the chain holds.
    with app.app_context():
        reasons = [r.reason for r in history.revisions_of(db.session.get(Analysis, analysis_id))]
        assert reasons == [
            "submit",
            "return",
            "submit",
            "sign_off",
            "record_decision",
            "start_follow_up",
            "close",
        ]
        actions = list(db.session.scalars(db.select(AuditEvent.action)))
        assert actions.count("transition") == 7 and actions.count("sign_off") == 1
    assert app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0


def test_editing_a_signed_analysis_opens_a_new_version(app, review_team):
    analysis_id, b, reviewer = review_team
    base = f"/analyses/{analysis_id}"
    b["owner"].post(f"{base}/submit", {"reviewer": str(reviewer.id)})
    b["reviewer"].post(
        f"{base}/review", {"sign": "1", "title": "Granskare", "statements": SIGN_STATEMENTS}
    )
    assert status(app, analysis_id) == "approved"
    assert b["editor"].get(f"{base}/new-version").status_code == 405  # never on GET
    b["editor"].post(f"{base}/new-version")
    with app.app_context():
        analysis = db.session.get(Analysis, analysis_id)
        assert (analysis.status, analysis.version) == ("draft", 2)
        signature = db.session.scalar(db.select(SignOff))
        assert signature.superseded_at is not None and signature.analysis_version == 1
    assert (
        b["editor"]
        .post(f"{base}/steps/decision", {"proposal": "Ny lydelse", "save_later": "1"})
        .status_code
        == 302
    )


def test_review_access_in_review(app, review_team, make_user, make_browser):
    analysis_id, b, reviewer = review_team
    base = f"/analyses/{analysis_id}"
    b["owner"].post(f"{base}/submit", {"reviewer": str(reviewer.id)})
    other_reviewer = make_browser()
    other_reviewer.login(make_user(role="reviewer"))
    admin = make_browser()
    admin.login(make_user(role="admin"))
    assert b["reviewer"].get(f"{base}/review").status_code == 200
    assert other_reviewer.get(f"{base}/review").status_code == 404
    assert admin.get(f"{base}/review").status_code == 403
    assert b["owner"].get(f"{base}/review").status_code == 403
    assert (
        b["owner"]
        .post(f"{base}/review", {"sign": "1", "title": "Jag själv", "statements": SIGN_STATEMENTS})
        .status_code
        == 403
    )
    assert status(app, analysis_id) == "in_review"


def test_a_team_member_cannot_be_chosen_as_reviewer(app, review_team, make_user, add_member):
    analysis_id, b, _reviewer = review_team
    colleague = make_user(role="reviewer", name="Kerstin Kollega")
    add_member(analysis_id, colleague, "editor")
    check = b["owner"].get(f"/analyses/{analysis_id}/check").get_data(as_text=True)
    assert "Kerstin Kollega" not in check  # not offered
    page = b["owner"].post(f"/analyses/{analysis_id}/submit", {"reviewer": str(colleague.id)})
    assert page.status_code == 200
    assert status(app, analysis_id) == "draft"


def _members_page_remove(browser, analysis_id, user_id):
    """Remove a member through the owner's members page, as the owner would."""
    from bka.models import Membership

    with browser.client.application.app_context():
        membership_id = db.session.scalar(
            db.select(Membership.id).where(
                Membership.analysis_id == analysis_id, Membership.user_id == user_id
            )
        )
    return browser.post(f"/analyses/{analysis_id}/members/{membership_id}/remove")


def _submit_refused(app, analysis_id, reviewer_id):
    """The domain's refusal when the owner sends the analysis to `reviewer_id` (a forged POST
    the form would not offer); nothing is kept."""
    from bka.domain import lifecycle
    from bka.domain.analyses import checklists_for
    from bka.domain.errors import FieldError

    with app.test_request_context():
        analysis = db.session.get(Analysis, analysis_id)
        with pytest.raises(FieldError) as refused:
            lifecycle.submit_for_review(
                analysis,
                checklists_for(analysis),
                analysis.created_by,
                db.session.get(User, reviewer_id),
            )
        db.session.rollback()
    return refused.value


def test_a_former_editor_can_never_review_or_sign(app, review_team, make_user, make_browser):
    """Four eyes: the owner adds a reviewer-role colleague as editor, he writes, the owner
    removes him and tries to send him the analysis; he is refused, and so is a forged sign."""
    analysis_id, b, reviewer = review_team
    base = f"/analyses/{analysis_id}"
    colleague = make_user(role="reviewer", name="Kerstin Kollega")
    added = b["owner"].post(f"{base}/members", {"email": colleague.email, "role": "editor"})
    assert added.status_code == 302
    writer = make_browser()
    writer.login(colleague)
    saved = writer.post(
        f"{base}/steps/decision",
        {"proposal": "Min text", "mark_completed": "y", "save_later": "1"},
    )
    assert saved.status_code == 302
    assert _members_page_remove(b["owner"], analysis_id, colleague.id).status_code == 302

    check = b["owner"].get(f"{base}/check").get_data(as_text=True)
    assert "Kerstin Kollega" not in check
    assert "Gustav Granskare" in check
    refused = _submit_refused(app, analysis_id, colleague.id)
    assert refused.field == "reviewer"
    assert "Kerstin Kollega" in str(refused.message)

    # Sent to the real reviewer; the former editor cannot review, even by a forged POST.
    assert b["owner"].post(f"{base}/submit", {"reviewer": str(reviewer.id)}).status_code == 302
    forged = writer.post(
        f"{base}/review", {"sign": "1", "title": "Jag", "statements": SIGN_STATEMENTS}
    )
    assert forged.status_code in (403, 404)
    assert status(app, analysis_id) == "in_review"


def test_only_the_assigned_reviewer_of_the_current_round_signs(
    app, review_team, make_user, make_browser
):
    """Reviewer A returned round 1; round 2 goes to B. A keeps read access but cannot sign."""
    analysis_id, b, reviewer_a = review_team
    base = f"/analyses/{analysis_id}"
    reviewer_b_user = make_user(role="reviewer", name="Berit Granskare")
    reviewer_b = make_browser()
    reviewer_b.login(reviewer_b_user)
    b["owner"].post(f"{base}/submit", {"reviewer": str(reviewer_a.id)})
    b["reviewer"].post(
        f"{base}/review",
        {"send_back": "1", "verdict__participation": "changes", "reasons": "Komplettera."},
    )
    assert status(app, analysis_id) == "changes_requested"
    b["owner"].post(f"{base}/steps/participation", {"mark_completed": "y", "save_later": "1"})
    assert (
        b["owner"].post(f"{base}/submit", {"reviewer": str(reviewer_b_user.id)}).status_code == 302
    )
    assert status(app, analysis_id) == "in_review"

    assert b["reviewer"].get(base).status_code == 200  # still a member, may read
    assert b["reviewer"].get(f"{base}/review").status_code in (403, 404)
    forged = b["reviewer"].post(
        f"{base}/review", {"sign": "1", "title": "A", "statements": SIGN_STATEMENTS}
    )
    assert forged.status_code in (403, 404)
    forged_return = b["reviewer"].post(f"{base}/review", {"send_back": "1", "reasons": "x"})
    assert forged_return.status_code in (403, 404)
    assert status(app, analysis_id) == "in_review"
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(SignOff.id))) == 0

    signed = reviewer_b.post(
        f"{base}/review", {"sign": "1", "title": "B", "statements": SIGN_STATEMENTS}
    )
    assert signed.status_code == 302
    assert status(app, analysis_id) == "approved"
    with app.app_context():
        assert db.session.scalar(db.select(SignOff.signer_id)) == reviewer_b_user.id


def test_a_viewer_is_not_silently_made_the_reviewer(app, review_team, make_user):
    analysis_id, b, _reviewer = review_team
    base = f"/analyses/{analysis_id}"
    onlooker = make_user(role="reviewer", name="Vera Visare")
    b["owner"].post(f"{base}/members", {"email": onlooker.email, "role": "viewer"})
    assert "Vera Visare" not in b["owner"].get(f"{base}/check").get_data(as_text=True)
    assert "Vera Visare" in str(_submit_refused(app, analysis_id, onlooker.id).message)
    assert status(app, analysis_id) == "draft"


@pytest.mark.parametrize("target", list(factories.PATHS))
def test_each_status_is_reached_through_the_domain_moves(app, make_user, target):
    """The factories' path to each status: every move leaves its revision, round, signature
    and decision, and the history chain holds."""
    owner = make_user()
    reviewer = make_user(role="reviewer")
    with app.test_request_context():
        analysis = factories.complete_analysis(db.session.get(User, owner.id))
        factories.drive_to(analysis, target, reviewer)
        db.session.commit()
        assert analysis.status == target
        moves = [r.reason for r in history.revisions_of(analysis)]
        expected = {"send_back": "return", "sign": "sign_off", "decide": "record_decision"}
        assert moves == [expected.get(move, move) for move in factories.PATHS[target]]
        outcomes = [r.outcome for r in lifecycle.rounds_of(analysis)]
        signed = "sign" in factories.PATHS[target]
        assert outcomes == {
            "draft": [],
            "in_review": [None],
            "changes_requested": ["returned"],
        }.get(target, ["signed"])
        signature = lifecycle.active_sign_off(analysis)
        assert (signature is not None) == signed
        if signed:
            assert signature.sha256 == history.sha256_of(signature.revision.content)
            archived = db.session.scalars(
                db.select(ArchivedReport.locale).where(ArchivedReport.sign_off_id == signature.id)
            )
            assert set(archived) == {"sv", "en"}
        decisions = lifecycle.decisions_of(analysis)
        assert bool(decisions) == ("decide" in factories.PATHS[target])
    assert app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0
