"""The decision as it was taken: every outcome, återremiss as a new linked version, bordlagt
waiting for a later decision, whether the decision follows the conclusion, and the decision in
the app, in every report and in the overview, while the signed PDF stays as archived."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from bka.domain import analyses as ops
from bka.domain import history, lifecycle, overview, overview_tables, reporting, versions
from bka.domain.errors import DomainError, FieldError
from bka.extensions import db
from bka.models import Analysis, ArchivedReport, Impact, SignOff, User
from tests import factories
from tests.test_reports import PRINTED, flat, text_of

REASON = "Styrelsen sköt upp egen inloggning för 13–15 år till etapp 2."


@pytest.fixture
def signed(app, make_user, add_member):
    """A signed-off analysis with a viewer: (analysis id, owner, reviewer, viewer)."""
    owner = make_user(name="Tove Ägare")
    reviewer = make_user(role="reviewer", name="Gustav Granskare")
    viewer = make_user(name="Vera Läsare")
    with app.test_request_context():
        analysis = factories.complete_analysis(db.session.get(User, owner.id))
        factories.drive_to(analysis, "approved", reviewer)
        db.session.commit()
        analysis_id = analysis.id
    add_member(analysis_id, viewer, "viewer")
    return analysis_id, owner, reviewer, viewer


def _decide(app, analysis_id, outcome, **values):
    with app.test_request_context():
        analysis = db.session.get(Analysis, analysis_id)
        record = factories.decide(analysis, outcome=outcome, **values)
        db.session.commit()
        return record.id


# --- the domain: each outcome ---------------------------------------------------------------------


@pytest.mark.parametrize("outcome", ["adopted", "adopted_with_changes", "rejected"])
def test_a_decision_that_decides_moves_the_analysis_to_decided(app, signed, outcome):
    analysis_id, *_ = signed
    _decide(
        app, analysis_id, outcome, follows_conclusion="partly", follows_conclusion_reason=REASON
    )
    with app.app_context():
        analysis = db.session.get(Analysis, analysis_id)
        assert analysis.status == "decided"
        (record,) = lifecycle.decisions_of(analysis)
        assert (record.outcome, record.follows_conclusion) == (outcome, "partly")
        assert record.follows_conclusion_reason == REASON
        assert versions.next_version(analysis) is None


def test_a_referral_back_opens_a_linked_draft_with_the_same_answers(app, signed):
    analysis_id, owner, reviewer, viewer = signed
    _decide(
        app, analysis_id, "referred_back", follows_conclusion="no", follows_conclusion_reason=REASON
    )
    with app.test_request_context():
        previous = db.session.get(Analysis, analysis_id)
        following = versions.next_version(previous)
        assert previous.status == "referred_back"
        assert following is not None and following.status == "draft"
        assert versions.previous_version(following).id == previous.id
        assert following.version == previous.version + 1
        assert (following.title, following.diarienummer) == (previous.title, previous.diarienummer)
        assert following.method_revision_id == previous.method_revision_id
        # Pre-filled: the same answers, completion marks and entries, with impacts pointing at
        # the new version's own child groups.
        old = history.snapshot(lifecycle.load_state(previous, ops.checklists_for(previous)))
        new = history.snapshot(lifecycle.load_state(following, ops.checklists_for(following)))
        assert new["answers"] == old["answers"]
        for kind, rows in old["entries"].items():
            strip = lambda entries: [  # noqa: E731
                {k: v for k, v in e.items() if k not in ("id", "child_group_id")} for e in entries
            ]
            assert strip(new["entries"][kind]) == strip(rows), kind
        new_impacts = db.session.scalars(
            db.select(Impact).where(Impact.analysis_id == following.id)
        ).all()
        assert new_impacts
        assert {i.child_group.analysis_id for i in new_impacts} == {following.id}
        # Back in the team's hands; the reviewer joins again when it is sent for review.
        roles = {m.user_id: m.role for m in following.memberships}
        assert roles == {owner.id: "owner", viewer.id: "viewer"}
        assert lifecycle.permissions.can(db.session.get(User, owner.id), "edit", following)
        # The referral is its reason, in the history and on the page's links.
        assert [r.reason for r in history.revisions_of(following)] == ["opened_after_referral"]
        links = versions.links(following)
        assert links["referral"].outcome == "referred_back"
        assert versions.links(previous)["next_version"].id == following.id
        # The decided version keeps its signature and archived PDF.
        assert lifecycle.active_sign_off(previous) is not None
        assert reporting.archived_report(previous, "sv") is not None
        assert lifecycle.decisions_of(following) == []


def test_the_authors_of_the_referred_version_cannot_review_the_new_one(app, signed, make_user):
    """Someone who wrote the referred version, even one who has since left the team, wrote the
    new version too (four eyes)."""
    analysis_id, _owner, reviewer, _viewer = signed
    editor = make_user(role="reviewer", name="Edit Granskare")
    with app.test_request_context():
        analysis = db.session.get(Analysis, analysis_id)
        lifecycle.four_eyes.record_author(analysis, db.session.get(User, editor.id), "editor")
        db.session.commit()
    _decide(
        app, analysis_id, "referred_back", follows_conclusion="no", follows_conclusion_reason=REASON
    )
    with app.test_request_context():
        following = versions.next_version(db.session.get(Analysis, analysis_id))
        assert editor.id in lifecycle.four_eyes.author_ids(following)
        assert editor.id not in {u.id for u in lifecycle.eligible_reviewers(following)}
        assert reviewer.id in {u.id for u in lifecycle.eligible_reviewers(following)}


def test_a_postponement_keeps_the_sign_off_and_a_later_decision_can_be_recorded(app, signed):
    analysis_id, *_ = signed
    _decide(app, analysis_id, "postponed", follows_conclusion=None, decided_on=date(2024, 5, 28))
    with app.app_context():
        analysis = db.session.get(Analysis, analysis_id)
        assert analysis.status == "approved"
        assert lifecycle.active_sign_off(analysis) is not None
        assert versions.next_version(analysis) is None
    _decide(app, analysis_id, "adopted")
    with app.app_context():
        analysis = db.session.get(Analysis, analysis_id)
        assert analysis.status == "decided"
        assert [d.outcome for d in lifecycle.decisions_of(analysis)] == ["postponed", "adopted"]
        reasons = [r.reason for r in history.revisions_of(analysis)]
        assert reasons[-2:] == ["postpone_decision", "record_decision"]


@pytest.mark.parametrize(
    ("outcome", "follows", "reason", "field"),
    [
        ("adopted", None, "", "follows_conclusion"),
        ("referred_back", None, "", "follows_conclusion"),
        ("adopted", "maybe", "", "follows_conclusion"),
        ("adopted_with_changes", "partly", "", "follows_conclusion_reason"),
        ("rejected", "no", "   ", "follows_conclusion_reason"),
        ("sent_away", "yes", "", "outcome"),
    ],
)
def test_follows_conclusion_is_checked_with_messages_named_by_field(
    app, signed, outcome, follows, reason, field
):
    analysis_id, *_ = signed
    with app.test_request_context(), pytest.raises(FieldError) as refused:
        factories.decide(
            analysis_id,
            outcome=outcome,
            follows_conclusion=follows,
            follows_conclusion_reason=reason,
        )
    assert refused.value.field == field
    with app.app_context():
        db.session.rollback()
        analysis = db.session.get(Analysis, analysis_id)
        assert analysis.status == "approved" and lifecycle.decisions_of(analysis) == []


def test_only_the_team_may_record_a_decision(app, signed, make_user):
    analysis_id, _owner, reviewer, viewer = signed
    admin = make_user(role="admin")
    for user in (reviewer, viewer, admin):
        with app.test_request_context(), pytest.raises(DomainError):
            factories.decide(analysis_id, user, outcome="postponed", follows_conclusion=None)
    with app.app_context():
        assert lifecycle.decisions_of(db.session.get(Analysis, analysis_id)) == []


def test_a_referred_back_version_takes_no_further_decision(app, signed):
    analysis_id, *_ = signed
    _decide(
        app, analysis_id, "referred_back", follows_conclusion="no", follows_conclusion_reason=REASON
    )
    with app.test_request_context(), pytest.raises(DomainError):
        factories.decide(analysis_id, outcome="adopted")


# --- the views ------------------------------------------------------------------------------------

FORM = {
    "decision_body": "Regionstyrelsen",
    "decided_on": "2024-06-18",
    "reference": "§ 142, protokoll 2024-06-18",
    "best_interests_weighing": "Barnets bästa vägde tyngst.",
}


@pytest.mark.parametrize("role", ["viewer", "reviewer"])
def test_the_decision_form_is_refused_to_those_outside_the_team(app, signed, make_browser, role):
    analysis_id, _owner, reviewer, viewer = signed
    browser = make_browser()
    browser.login(viewer if role == "viewer" else reviewer)
    url = f"/analyses/{analysis_id}/decision"
    assert browser.get(url).status_code == 403
    posted = browser.post(url, {**FORM, "outcome": "adopted", "follows_conclusion": "yes"})
    assert posted.status_code == 403
    with app.app_context():
        assert db.session.get(Analysis, analysis_id).status == "approved"


def test_a_missing_reason_is_shown_next_to_its_field_and_nothing_is_lost(app, signed, make_browser):
    analysis_id, owner, *_ = signed
    browser = make_browser()
    browser.login(owner)
    page = browser.post(
        f"/analyses/{analysis_id}/decision",
        {**FORM, "outcome": "adopted_with_changes", "follows_conclusion": "partly"},
    ).get_data(as_text=True)
    assert "<title>Fel:" in page
    assert 'href="#follows_conclusion_reason"' in page
    assert "Förklara varför beslutet inte helt följer analysens slutsats." in page
    assert "Barnets bästa vägde tyngst." in page and "§ 142, protokoll 2024-06-18" in page
    with app.app_context():
        assert db.session.get(Analysis, analysis_id).status == "approved"


def test_the_form_explains_every_outcome(app, signed, make_browser):
    analysis_id, owner, *_ = signed
    browser = make_browser()
    browser.login(owner)
    page = browser.get(f"/analyses/{analysis_id}/decision").get_data(as_text=True)
    for label in ("Antaget enligt förslaget", "Avslaget", "Återremitterat", "Bordlagt"):
        assert label in page
    assert 'aria-describedby="outcome-3-hint"' in page
    assert "analysen går tillbaka till projektgruppen som en ny version" in page


def test_a_referral_back_through_the_form_links_both_versions(app, signed, make_browser):
    analysis_id, owner, *_ = signed
    browser = make_browser()
    browser.login(owner)
    response = browser.post(
        f"/analyses/{analysis_id}/decision",
        {
            **FORM,
            "outcome": "referred_back",
            "follows_conclusion": "no",
            "follows_conclusion_reason": "Underlaget om barn i skyddat boende saknas.",
        },
    )
    with app.app_context():
        following = versions.next_version(db.session.get(Analysis, analysis_id))
        following_id, version = following.id, following.version
    assert response.headers["Location"].endswith(f"/analyses/{following_id}")
    new_page = browser.get(f"/analyses/{following_id}").get_data(as_text=True)
    assert "En ny version efter återremiss" in new_page
    assert f'href="/analyses/{analysis_id}"' in new_page
    assert "Underlaget om barn i skyddat boende saknas." in new_page
    old_page = browser.get(f"/analyses/{analysis_id}").get_data(as_text=True)
    assert "Arbetet fortsätter i en ny version" in old_page
    assert f'href="/analyses/{following_id}"' in old_page
    assert f"Gå till version {version}" in old_page
    assert "Återremitterad" in old_page and "§ 142, protokoll 2024-06-18" in old_page


def test_the_decision_shows_on_the_analysis_and_the_read_only_steps(app, signed, make_browser):
    analysis_id, owner, *_ = signed
    _decide(app, analysis_id, "postponed", follows_conclusion=None, reference="§ 118")
    _decide(
        app,
        analysis_id,
        "adopted_with_changes",
        follows_conclusion="partly",
        follows_conclusion_reason=REASON,
    )
    browser = make_browser()
    browser.login(owner)
    hub = browser.get(f"/analyses/{analysis_id}").get_data(as_text=True)
    for text in ("Bordlagt", "§ 118", "Antaget med ändringar", "Delvis", REASON, "§ 142"):
        assert text in hub, text
    for step in ("decision", "conclusion"):
        page = browser.get(f"/analyses/{analysis_id}/steps/{step}").get_data(as_text=True)
        assert "Beslutet så som det fattades" in page and REASON in page, step
    other = browser.get(f"/analyses/{analysis_id}/steps/children").get_data(as_text=True)
    assert "Beslutet så som det fattades" not in other


# --- the reports ----------------------------------------------------------------------------------


def _render(app, analysis_id, kind, locale="sv") -> str:
    with app.test_request_context():
        analysis = db.session.get(Analysis, analysis_id)
        pdf = reporting.render(kind, analysis, ops.checklists_for(analysis), locale, PRINTED)
    return flat(text_of(pdf)[1])


def test_every_report_shows_the_decision(app, signed):
    analysis_id, *_ = signed
    _decide(app, analysis_id, "postponed", follows_conclusion=None, reference="§ 118")
    _decide(
        app,
        analysis_id,
        "adopted_with_changes",
        follows_conclusion="partly",
        follows_conclusion_reason=REASON,
    )
    text = _render(app, analysis_id, "analysis")
    for part in (
        "Beslutets utfall: Antaget med ändringar",
        "Beslut 1 av 2",
        "Bordlagt",
        "§ 118",
        "Följer beslutet analysens slutsats?",
        f"Delvis. {REASON}",
        "Barnets bästa vägde tungt; villkor för driftstart.",
    ):
        assert part in text, part
    follow_up = _render(app, analysis_id, "follow-up")
    assert "Antaget med ändringar" in follow_up and REASON in follow_up and "§ 142" in follow_up
    child = _render(app, analysis_id, "child-summary", "en")
    assert "Regionstyrelsen said yes to the proposal, with some changes" in child


def _cover(app, analysis_id) -> str:
    with app.test_request_context():
        analysis = db.session.get(Analysis, analysis_id)
        pdf = reporting.render("analysis", analysis, ops.checklists_for(analysis), "sv", PRINTED)
    return flat(text_of(pdf)[0].pages[0].extract_text())


def test_the_cover_says_whether_the_date_is_planned_or_decided(app, signed):
    analysis_id, *_ = signed
    assert "Planerat datum för beslut:" in _cover(app, analysis_id)
    _decide(app, analysis_id, "postponed", follows_conclusion=None, decided_on=date(2024, 6, 4))
    cover = _cover(app, analysis_id)
    assert "Planerat datum för beslut:" in cover and "Datum för beslutet" not in cover
    assert "Beslutets utfall: Bordlagt" in cover
    _decide(app, analysis_id, "adopted", follows_conclusion="yes", decided_on=date(2024, 6, 18))
    cover = _cover(app, analysis_id)
    assert "Datum för beslutet: 18 juni 2024" in cover and "Planerat" not in cover
    assert "Beslutets utfall: Antaget" in cover


@pytest.mark.parametrize(
    ("outcome", "words"),
    [
        ("adopted", "said yes to the proposal."),
        ("rejected", "said no to the proposal."),
        ("referred_back", "asked for the proposal to be looked at again"),
        ("postponed", "Nothing has been decided yet."),
    ],
)
def test_the_child_summary_says_what_was_decided_in_plain_words(app, signed, outcome, words):
    analysis_id, *_ = signed
    follows = None if outcome == "postponed" else "yes"
    _decide(app, analysis_id, outcome, follows_conclusion=follows)
    assert words in _render(app, analysis_id, "child-summary", "en")


def test_the_signed_pdf_stays_byte_identical_after_the_decision(app, signed, make_browser):
    analysis_id, owner, *_ = signed
    browser = make_browser()
    browser.login(owner)
    base = f"/analyses/{analysis_id}/report?lang=sv"
    before = browser.get(f"{base}&kind=analysis").data
    _decide(app, analysis_id, "adopted", follows_conclusion="yes")
    with app.app_context():
        stored = db.session.scalar(db.select(ArchivedReport).where(ArchivedReport.locale == "sv"))
        signature = db.session.scalar(db.select(SignOff))
        stored_bytes = stored.pdf
    assert before == stored_bytes
    signed_download = browser.get(f"{base}&kind=signed")
    assert signed_download.status_code == 200 and signed_download.data == stored_bytes
    assert hashlib.sha256(signed_download.data).hexdigest() == signature.report_sha256
    assert "signed" in signed_download.headers["Content-Disposition"]
    current = browser.get(f"{base}&kind=analysis").data
    assert current != stored_bytes
    assert "Beslutets utfall: Antaget enligt förslaget" in flat(text_of(current)[1])
    assert "Beslutets utfall" not in flat(text_of(stored_bytes)[1])


def test_a_draft_has_no_signed_version_to_download(app, make_user, make_browser):
    owner = make_user()
    with app.test_request_context():
        analysis_id = factories.complete_analysis(db.session.get(User, owner.id)).id
        db.session.commit()
    browser = make_browser()
    browser.login(owner)
    assert browser.get(f"/analyses/{analysis_id}/report?kind=signed&lang=sv").status_code == 404


# --- the overview and the barnbokslut -------------------------------------------------------------


def test_the_overview_and_barnbokslut_count_decisions_by_outcome(app, signed):
    analysis_id, *_ = signed
    _decide(app, analysis_id, "postponed", follows_conclusion=None, decided_on=date(2023, 12, 12))
    _decide(app, analysis_id, "rejected", follows_conclusion="no", follows_conclusion_reason=REASON)
    with app.test_request_context():
        result = overview.build(db.session, overview.Filters(), PRINTED)
        assert result.metric("decision_outcome") == {"postponed": 1, "rejected": 1}
        assert result.metric("decision_follows") == {"no": 1}
        # The rejection decided, on its date; the postponement did not.
        assert result.by_year == {2024: 1}
        analysis = db.session.get(Analysis, analysis_id)
        tables = {
            t.key: t
            for t in overview_tables.tables(result, ops.checklists_for(analysis).convention, "sv")
        }
        assert tables["decision_outcome"].rows == (("Avslaget", 1), ("Bordlagt", 1))
        pdf = reporting.render_barnbokslut(
            result, ops.checklists_for(analysis).convention, "sv", PRINTED, None, 2024
        )
    text = flat(text_of(pdf)[1])
    assert "Beslut efter utfall" in text and "Bordlagt 1" in text


@pytest.mark.parametrize(
    ("locale", "word", "other"), [("en", "Article", "Artikel"), ("sv", "Artikel", "Article")]
)
def test_the_barnbokslut_chart_labels_are_in_the_reports_language_not_the_pages(
    app, signed, locale, word, other
):
    analysis_id, *_ = signed
    page_language = "en" if locale == "sv" else "sv"
    with app.test_request_context(headers={"Accept-Language": page_language}):
        result = overview.build(db.session, overview.Filters(), PRINTED)
        assert result.top_articles("weakens")  # the chart has bars to label
        analysis = db.session.get(Analysis, analysis_id)
        pdf = reporting.render_barnbokslut(
            result, ops.checklists_for(analysis).convention, locale, PRINTED, None, 2024
        )
    text = flat(text_of(pdf)[1])
    assert f"{word} " in text and f"{other} " not in text
