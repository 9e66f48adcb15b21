"""Start from an earlier analysis (issue 16, item 4): a new draft with its own details, filled in
with the earlier one's content but not its consultations, conclusion, review, sign-off, decision
or follow-up, linked both ways, for anyone who may see the earlier one."""

from __future__ import annotations

import dataclasses
import html
import re
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from bka.domain import analyses as ops
from bka.domain import examples, follow_up, reporting, reuse
from bka.domain.entries import ENTRY_KINDS
from bka.domain.errors import DomainError
from bka.extensions import db
from bka.models import (
    Analysis,
    AnalysisOrigin,
    AuditEvent,
    ChildGroup,
    Comment,
    Consultation,
    DecisionRecord,
    EvidenceSource,
    Impact,
    Indicator,
    Reading,
    ReviewRound,
    Revision,
    SignOff,
    StepAnswer,
    Trigger,
    TriggerHit,
    User,
    VersionLink,
)
from tests import factories
from tests.test_reassessment import _with_numbers_and_triggers
from tests.test_reports import PRINTED, flat, text_of

NEW_TITLE = "Införande av journalsystem, andra vågen"
NEW_DETAILS = {
    "title": NEW_TITLE,
    "organisation": "Region Exempel, Sjukhusen i väster",
    "diarienummer": "RS 2025-00042",
    "planned_decision_date": "2025-06-17",
}


@pytest.fixture
def earlier(app, make_user, make_browser, add_member):
    """An analysis in follow-up (reviewed, signed, decided, a reading recorded, a comment), with
    its team, a reviewer, an outsider and an administrator, each with a logged-in browser."""
    people = {
        "owner": make_user(name="Tove Ägare"),
        "editor": make_user(name="Erik Redigerare"),
        "viewer": make_user(name="Vera Läsare"),
        "reviewer": make_user(role="reviewer", name="Gustav Granskare"),
        "outsider": make_user(name="Otto Utomstående"),
        "admin": make_user(role="admin", name="Ada Administratör"),
    }
    with app.test_request_context():
        owner = db.session.get(User, people["owner"].id)
        analysis = factories.complete_analysis(
            owner, diarienummer="RS 2024-00017", planned_decision_date=date(2024, 6, 18)
        )
        _with_numbers_and_triggers(analysis)
        factories.drive_to(analysis, "follow_up", people["reviewer"])
        indicator = db.session.scalar(
            select(Indicator).where(Indicator.analysis_id == analysis.id).order_by(Indicator.id)
        )
        follow_up.save_record(
            analysis,
            follow_up.FOLLOW_UP_KINDS["readings"],
            {"indicator_id": indicator.id, "value": 80.0, "measured_on": date(2025, 2, 1)},
            owner,
        )
        db.session.commit()
        analysis_id = analysis.id
    add_member(analysis_id, people["editor"], "editor")
    add_member(analysis_id, people["viewer"], "viewer")
    with app.test_request_context():
        from bka.domain import lifecycle

        lifecycle.add_comment(
            analysis_id,
            db.session.get(User, people["editor"].id),
            "impacts",
            "En kommentar som hör till den tidigare analysen.",
        )
        db.session.commit()
    browsers = {}
    for role, user in people.items():
        browsers[role] = make_browser()
        browsers[role].login(user)
    return SimpleNamespace(id=analysis_id, people=people, browsers=browsers)


def start(browser, source_id: int, data: dict | None = None):
    return browser.post(f"/analyses/{source_id}/start-from", data or NEW_DETAILS)


def started_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(re.search(r"/analyses/(\d+)$", response.headers["Location"]).group(1))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- what is copied, and what is not ------------------------------------------------------------


def test_the_new_analysis_has_its_own_details_and_the_content_but_not_the_hearing(app, earlier):
    new_id = started_id(start(earlier.browsers["viewer"], earlier.id))
    with app.app_context():
        source, new = db.session.get(Analysis, earlier.id), db.session.get(Analysis, new_id)
        assert (new.title, new.organisation, new.diarienummer, new.planned_decision_date) == (
            NEW_TITLE,
            NEW_DETAILS["organisation"],
            "RS 2025-00042",
            date(2025, 6, 17),
        )
        assert (new.status, new.version, new.decision_area) == ("draft", 1, source.decision_area)
        assert new.screening_level == source.screening_level == "in_depth"
        # The one who started it, alone, as owner: no other member of the earlier team.
        assert [(m.user_id, m.role) for m in new.memberships] == [
            (earlier.people["viewer"].id, "owner")
        ]

        before = {row.step_key: row.answers for row in source.step_answers}
        after = {row.step_key: row for row in new.step_answers}
        assert "conclusion" not in after  # made again for the new decision
        assert not any(row.completed for row in after.values())  # every step checked again
        left_out = reuse.ANSWERS_NOT_COPIED
        for step_key, answers in before.items():
            if step_key == "conclusion":
                continue
            expected = {k: v for k, v in answers.items() if k not in left_out.get(step_key, ())}
            assert after[step_key].answers == expected, step_key
        assert "assessment_deadline" not in after["screening"].answers
        assert "children_heard" not in after["participation"].answers
        assert after["participation"].answers["existing_views"]
        assert "views_influence" not in after["feedback"].answers

        def rows(model, analysis_id):
            return db.session.scalars(
                select(model).where(model.analysis_id == analysis_id).order_by(model.id)
            ).all()

        for name in ("child_groups", "alternatives"):
            model, fields = ENTRY_KINDS[name].model, ENTRY_KINDS[name].fields
            assert [[getattr(r, f) for f in fields] for r in rows(model, new_id)] == [
                [getattr(r, f) for f in fields] for r in rows(model, earlier.id)
            ]
            assert rows(model, new_id)  # not vacuous
        groups = {g.id: g.label for g in rows(ChildGroup, new_id)}
        old_groups = {g.id: g.label for g in rows(ChildGroup, earlier.id)}
        assert [
            (i.article, groups[i.child_group_id], i.direction) for i in rows(Impact, new_id)
        ] == [
            (i.article, old_groups[i.child_group_id], i.direction) for i in rows(Impact, earlier.id)
        ]
        # Measures and indicators: the content, with the new decision's own timetable.
        for model, reset in (
            (ENTRY_KINDS["measures"].model, {"due_date": None, "status": "planned"}),
            (Indicator, {"measure_on": None}),
        ):
            kind = next(k for k in ENTRY_KINDS.values() if k.model is model)
            copies, originals = rows(model, new_id), rows(model, earlier.id)
            assert len(copies) == len(originals) > 0
            for copy, original in zip(copies, originals, strict=True):
                for name in kind.fields:
                    expected = reset.get(name, getattr(original, name))
                    assert getattr(copy, name) == expected, (model, name)
        assert any(m.due_date is not None for m in rows(ENTRY_KINDS["measures"].model, earlier.id))
        # Triggers follow their indicator to its copy.
        indicators = {i.id: i.name for i in rows(Indicator, new_id)}
        old_indicators = {i.id: i.name for i in rows(Indicator, earlier.id)}
        assert [(t.description, indicators.get(t.indicator_id)) for t in rows(Trigger, new_id)] == [
            (t.description, old_indicators.get(t.indicator_id)) for t in rows(Trigger, earlier.id)
        ]

        # The consultations are not copied: what children said becomes a source of knowledge.
        assert rows(Consultation, new_id) == [] and len(rows(Consultation, earlier.id)) == 2
        sources = rows(EvidenceSource, new_id)
        assert len(sources) == len(rows(EvidenceSource, earlier.id)) + 1
        carried = sources[-1]
        assert carried.kind == "earlier_assessment"
        assert factories.TITLE in carried.title and carried.reference == "RS 2024-00017"
        for consultation in factories.CONSULTATIONS:
            assert consultation["views"] in carried.findings
        assert "2024-03-12: Ungdomsråd, 14 barn i åldern 13–17" in carried.findings

        # Nothing of the review, comments, sign-off, decision or follow-up.
        for model in (ReviewRound, SignOff, DecisionRecord, TriggerHit, Comment):
            assert rows(model, new_id) == [] and rows(model, earlier.id), model
        new_indicator_ids = list(indicators)
        assert not db.session.scalar(
            select(func.count()).where(Reading.indicator_id.in_(new_indicator_ids))
        )
        assert not db.session.scalar(
            select(func.count())
            .select_from(VersionLink)
            .where(
                (VersionLink.next_analysis_id == new_id)
                | (VersionLink.previous_analysis_id == new_id)
            )
        )
        # The earlier analysis is left as it was.
        assert (source.status, len(source.memberships)) == ("follow_up", 4)
        assert all(row.completed for row in source.step_answers)


def test_the_start_is_linked_audited_and_in_the_history(app, earlier):
    new_id = started_id(start(earlier.browsers["editor"], earlier.id))
    with app.app_context():
        origin = db.session.scalar(
            select(AnalysisOrigin).where(AnalysisOrigin.analysis_id == new_id)
        )
        assert (origin.source_id, origin.created_by_id, origin.not_copied) == (
            earlier.id,
            earlier.people["editor"].id,
            [],
        )
        event = db.session.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "analysis_started_from", AuditEvent.object_id == new_id
            )
        )
        assert event is not None and event.actor_id == earlier.people["editor"].id
        assert event.details["source"] == earlier.id
        revision = db.session.scalar(select(Revision).where(Revision.analysis_id == new_id))
        assert revision.reason == "started_from_earlier"
        assert event.details["sha256"] == revision.sha256
    history = earlier.browsers["editor"].get(f"/analyses/{new_id}/history").get_data(as_text=True)
    assert "Startad utifrån en tidigare analys" in history


def test_the_link_is_shown_both_ways_to_those_who_may_see_it(app, earlier):
    new_id = started_id(start(earlier.browsers["viewer"], earlier.id))
    new_page = earlier.browsers["viewer"].get(f"/analyses/{new_id}").get_data(as_text=True)
    assert f"Utgår från: {factories.TITLE}" in new_page
    assert f'href="/analyses/{earlier.id}"' in new_page
    assert "RS 2024-00017" in new_page
    source_page = earlier.browsers["viewer"].get(f"/analyses/{earlier.id}").get_data(as_text=True)
    assert "Används som utgångspunkt för:" in source_page
    assert f'href="/analyses/{new_id}"' in source_page and NEW_TITLE in source_page
    # The earlier analysis's owner is not a member of the new one: it is not named to them.
    owner_page = earlier.browsers["owner"].get(f"/analyses/{earlier.id}").get_data(as_text=True)
    assert NEW_TITLE not in owner_page and "Används som utgångspunkt för:" not in owner_page
    english = earlier.browsers["viewer"]
    english.post("/language", {"language": "en"})
    assert f"Starts from: {factories.TITLE}" in english.get(f"/analyses/{new_id}").get_data(
        as_text=True
    )


def test_the_report_of_the_new_analysis_names_where_it_started_from(app, earlier):
    new_id = started_id(start(earlier.browsers["viewer"], earlier.id))
    with app.test_request_context():
        analysis = db.session.get(Analysis, new_id)
        pdf = reporting.render("analysis", analysis, ops.checklists_for(analysis), "sv", PRINTED)
    assert f"Utgår från: {factories.TITLE}" in flat(text_of(pdf)[0].pages[0].extract_text())


def test_a_copy_of_a_fictional_example_says_its_content_is_invented(app, earlier):
    new_id = started_id(start(earlier.browsers["viewer"], earlier.id))
    page = earlier.browsers["viewer"].get(f"/analyses/{new_id}").get_data(as_text=True)
    assert 'id="started-from-fictional"' not in page  # a real analysis: nothing to say
    with app.test_request_context():
        examples.mark_fictional(db.session.get(Analysis, earlier.id))
        db.session.commit()
    page = earlier.browsers["viewer"].get(f"/analyses/{new_id}").get_data(as_text=True)
    assert "Den tidigare analysen är ett fiktivt exempel" in html.unescape(page)
    # The copy is not itself a demo analysis: its own header carries no demo notice.
    assert "Fiktivt exempel, bygger på offentliga uppgifter" not in html.unescape(page)
    with app.test_request_context():
        analysis = db.session.get(Analysis, new_id)
        pdf = reporting.render("analysis", analysis, ops.checklists_for(analysis), "sv", PRINTED)
    cover = flat(text_of(pdf)[0].pages[0].extract_text())
    assert f"Utgår från ett fiktivt exempel: {factories.TITLE}" in cover


# --- who may -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["owner", "editor", "viewer", "reviewer", "admin"])
def test_everyone_who_may_see_the_analysis_may_start_from_it(app, earlier, role):
    browser = earlier.browsers[role]
    page = browser.get(f"/analyses/{earlier.id}/start-from")
    assert page.status_code == 200
    assert "Starta en ny analys utifrån denna" in page.get_data(as_text=True)
    hub = browser.get(f"/analyses/{earlier.id}").get_data(as_text=True)
    assert f'href="/analyses/{earlier.id}/start-from"' in hub
    new_id = started_id(start(browser, earlier.id))
    with app.app_context():
        new = db.session.get(Analysis, new_id)
        assert [(m.user_id, m.role) for m in new.memberships] == [
            (earlier.people[role].id, "owner")
        ]


def test_someone_who_may_not_see_the_analysis_gets_404_and_nothing_is_made(app, earlier):
    outsider = earlier.browsers["outsider"]
    assert outsider.get(f"/analyses/{earlier.id}/start-from").status_code == 404
    assert start(outsider, earlier.id).status_code == 404
    assert outsider.get("/analyses/999999/start-from").status_code == 404
    with app.app_context():
        assert count(AnalysisOrigin) == 0
        assert (
            db.session.scalar(
                select(func.count()).select_from(Analysis).where(Analysis.title == NEW_TITLE)
            )
            == 0
        )


def test_signed_out_users_are_sent_to_log_in(app, earlier, browser):
    response = browser.get(f"/analyses/{earlier.id}/start-from")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_no_analysis_is_started_without_the_csrf_token(app, earlier):
    response = earlier.browsers["viewer"].post(
        f"/analyses/{earlier.id}/start-from", NEW_DETAILS, csrf=False
    )
    assert response.status_code in (200, 400)
    if response.status_code == 200:  # the form kept what was typed
        assert NEW_TITLE in response.get_data(as_text=True)
    with app.app_context():
        assert count(AnalysisOrigin) == 0


# --- bad input -----------------------------------------------------------------------------------


def test_bad_input_is_shown_next_to_the_field_and_nothing_typed_is_lost(app, earlier):
    response = start(
        earlier.browsers["viewer"],
        earlier.id,
        {**NEW_DETAILS, "title": "", "planned_decision_date": "31 juni"},
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<title>Fel:" in page
    assert "Skriv beslutets titel." in page
    assert "RS 2025-00042" in page and NEW_DETAILS["organisation"] in page
    assert 'value="31 juni"' in page
    with app.app_context():
        assert count(AnalysisOrigin) == 0


def test_a_personnummer_in_the_details_is_refused_until_confirmed(app, earlier):
    data = {**NEW_DETAILS, "title": "Vågen för 20121212-1212"}
    refused = start(earlier.browsers["viewer"], earlier.id, data)
    assert refused.status_code == 200
    page = refused.get_data(as_text=True)
    assert 'name="not_a_child_number"' in page and "Vågen för 20121212-1212" in page
    with app.app_context():
        assert count(AnalysisOrigin) == 0
    confirmed = {**data, "not_a_child_number": "y", "not_a_child_reason": "Ett projektnummer"}
    new_id = started_id(start(earlier.browsers["viewer"], earlier.id, confirmed))
    with app.app_context():
        assert db.session.get(Analysis, new_id).title == "Vågen för 20121212-1212"


# --- the checklists of today ---------------------------------------------------------------------


def test_answers_the_current_checklists_no_longer_ask_are_left_out_and_listed(app, earlier):
    with app.app_context():
        rows = {
            row.step_key: row
            for row in db.session.scalars(
                select(StepAnswer).where(StepAnswer.analysis_id == earlier.id)
            )
        }
        rows["decision"].answers = {**rows["decision"].answers, "retired_question": "Gammalt"}
        rows["rights"].answers = {
            **rows["rights"].answers,
            "gc14_elements": ["views", "retired_element"],
        }
        rows["rights"].answers = {**rows["rights"].answers, "legal_support": "retired_choice"}
        db.session.commit()
    new_id = started_id(start(earlier.browsers["viewer"], earlier.id))
    with app.app_context():
        origin = db.session.scalar(
            select(AnalysisOrigin).where(AnalysisOrigin.analysis_id == new_id)
        )
        assert origin.not_copied == [
            "decision.retired_question",
            "rights.gc14_elements=retired_element",
            "rights.legal_support=retired_choice",
        ]
        answers = {
            row.step_key: row.answers
            for row in db.session.scalars(
                select(StepAnswer).where(StepAnswer.analysis_id == new_id)
            )
        }
        assert "retired_question" not in answers["decision"]
        assert answers["rights"]["gc14_elements"] == ["views"]
        assert "legal_support" not in answers["rights"]
        rights = ops.checklists_for(db.session.get(Analysis, earlier.id)).method.step("rights")
        legal_support = next(q for q in rights.questions if q.key == "legal_support")
        expected = f"{rights.number}. {rights.title.get('sv')}: {legal_support.label.get('sv')}"
    page = earlier.browsers["viewer"].get(f"/analyses/{new_id}").get_data(as_text=True)
    assert "De här svaren togs inte med" in page
    assert ": retired_question</li>" in page
    assert html.escape(f"{expected} (retired_choice)", quote=False) in page


def test_a_decision_area_no_longer_in_the_checklists_is_refused_with_nothing_written(
    app, make_user, make_analysis
):
    owner = make_user()
    source_id = make_analysis(owner, area="digital")
    with app.test_request_context():
        library = app.extensions["bka_library"]
        without = dataclasses.replace(
            library, packs={k: v for k, v in library.packs.items() if k != "digital"}
        )
        before = count(Analysis)
        with pytest.raises(DomainError):
            reuse.start_from(
                db.session.get(Analysis, source_id),
                without,
                db.session.get(User, owner.id),
                title=NEW_TITLE,
                organisation="Org",
            )
        assert count(Analysis) == before and count(AnalysisOrigin) == 0


def test_a_blank_earlier_analysis_gives_a_blank_linked_draft(app, make_user, make_analysis):
    owner = make_user()
    source_id = make_analysis(owner)
    with app.test_request_context():
        new = reuse.start_from(
            db.session.get(Analysis, source_id),
            app.extensions["bka_library"],
            db.session.get(User, owner.id),
            title=NEW_TITLE,
            organisation="Org",
        )
        assert new.step_answers == [] and new.screening_level is None
        assert reuse.origin_of(new)[1].id == source_id
        assert [
            a.id for a in reuse.started_from(db.session.get(Analysis, source_id), new.created_by)
        ] == [new.id]
        assert reuse.origin_notice(new) == f"Utgår från: {factories.TITLE}"
