"""`bka demo` loads a complete Millennium analysis and others, and is idempotent."""

import io
import json
from datetime import date
from types import SimpleNamespace

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from bka import demo
from bka.domain import analyses as ops
from bka.domain import follow_up, lifecycle, versions
from bka.domain.checklists import load_library
from bka.domain.progress import all_missing, load_state
from bka.extensions import db
from bka.models import (
    Analysis,
    AuditEvent,
    ChildFeedback,
    DecisionRecord,
    EditLog,
    FollowUpEvent,
    Indicator,
    Measure,
    MeasureUpdate,
    ObservedEffect,
    Reading,
    StepAnswer,
    Trigger,
    User,
)

MILLENNIUM = "Införande av vårdinformationssystemet Millennium"
NOTICE = {
    "sv": "Fiktivt exempel, bygger på offentliga uppgifter",
    "en": "Fictional example, based on public information",
}
# The other demo analyses are invented throughout; only the organisation's name is real.
INVENTED = {
    "sv": "Fiktivt exempel: organisationen finns, men beslutet och innehållet är påhittade",
    "en": "Fictional example: the organisation is real, the decision and its content invented",
}


def run_demo(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return result.output


def test_demo_loads_users_and_analyses_idempotently(app):
    first = run_demo(app)
    assert "team@example.se" in first and "demo-team-2024" in first
    second = run_demo(app)
    assert "(0 analyses created)" in second
    with app.app_context():
        roles = {user.email: user.role for user in db.session.scalars(db.select(User))}
        assert roles == {
            "team@example.se": "member",
            "granskare@example.se": "reviewer",
            "admin@example.se": "admin",
        }
        analyses = db.session.scalars(db.select(Analysis)).all()
        assert len(analyses) >= 5
        assert {a.status for a in analyses} == {
            "draft",
            "in_review",
            "changes_requested",
            "approved",
            "decided",
            "follow_up",
            "closed",
            "screened_out",
            "referred_back",
        }
        # Every decision area the checklists have, budget and culture and leisure included.
        areas = {a.decision_area for a in analyses}
        assert areas == set(app.extensions["bka_library"].packs)
        assert {"budget", "culture_leisure"} <= areas
        # Every outcome is shown: a postponed one still waits, a referred-back one goes on as a
        # linked draft.
        outcomes = set(db.session.scalars(db.select(DecisionRecord.outcome)))
        assert outcomes == set(lifecycle.DECISION_OUTCOMES)
        referred = next(a for a in analyses if a.status == "referred_back")
        following = versions.next_version(referred)
        assert following.status == "draft" and following.title == referred.title
        assert following.version == referred.version + 1


def test_millennium_is_complete_and_rich(app):
    run_demo(app)
    with app.test_request_context():
        analysis = db.session.scalar(db.select(Analysis).where(Analysis.title == MILLENNIUM))
        assert analysis.organisation.startswith("Västra Götalandsregionen")
        state = load_state(analysis, ops.checklists_for(analysis))
        assert lifecycle.step_progress(analysis, state) == (11, 11)
        assert all_missing(state) == []
        labels = " ".join(group.label for group in state.entries["child_groups"]).lower()
        for words in ("13–15", "skyddade", "kroniskt sjuka", "anhöriga"):
            assert words in labels, words
        assert len(state.entries["impacts"]) >= 20
        assert any(
            "ungdomsråd" in c.views.lower() or c.method == "youth_council"
            for c in state.entries["consultations"]
        )
        # Every consultation answers General Comment 12's checklist, with who was not reached
        # and how consent was obtained; feedback has reached the children of all but one.
        consultations = state.entries["consultations"]
        assert all(c.requirements_met and c.not_reached and c.consent for c in consultations)
        assert any(len(c.requirements_met) < 9 and c.requirements_note for c in consultations)
        given = [c for c in consultations if c.feedback_given_on is not None]
        assert len(given) == len(consultations) - 1
        assert all(c.feedback_how and c.feedback_given_on >= c.held_on for c in given)
        assert state.entries["measures"] and state.entries["indicators"]
        assert analysis.screening_level == "in_depth"
        # Shared records are governed by lag (2022:913) since 2023, not patientdatalagen 6 kap.
        law = state.answers["rights"]["swedish_law"]
        assert "2022:913" in law and "6 och 8 kap." not in law


def _rows(model, analysis):
    return db.session.scalars(
        select(model).where(model.analysis_id == analysis.id).order_by(model.id)
    ).all()


def test_millennium_follow_up_tells_the_go_live_and_the_pause(app):
    run_demo(app)
    with app.app_context():
        analysis = db.session.scalar(select(Analysis).where(Analysis.title == MILLENNIUM))
        assert analysis.status == "follow_up"
        assert analysis.created_at.date() < date(2024, 6, 18)  # its past is in the past
        events = sorted(_rows(FollowUpEvent, analysis), key=lambda e: e.occurred_on)
        assert [(e.kind, e.occurred_on) for e in events if e.kind != "incident"] == [
            ("go_live", date(2024, 11, 12)),
            ("pause", date(2024, 11, 15)),
            ("new_information", date(2024, 11, 19)),
            ("complaint", date(2024, 11, 21)),
        ]
        assert "Södra Älvsborgs sjukhus" in events[0].title
        review = next(e for e in events if e.kind == "new_information")
        assert "extern granskning" in review.title
        assert any(e.kind == "incident" for e in events)
        pause = next(e for e in events if e.kind == "pause")
        assert pause.recorded_at.date() == date(2024, 11, 15)  # recorded as of its date

        # The checkpoints follow go-live, as step 11 says; the first is closed: worse.
        checkpoints = follow_up.checkpoints_of(analysis)
        assert [c.due_on for c in checkpoints] == [
            date(2025, 2, 12),
            date(2025, 11, 12),
            date(2027, 11, 12),
        ]
        first, *later = checkpoints
        assert first.closed_on and first.fared == "worse" and first.conclusion and first.changes
        assert all(c.closed_on is None for c in later)

        indicators = {i.id: i for i in _rows(Indicator, analysis)}
        readings = _rows(Reading, analysis)
        at_checkpoint = {
            indicators[r.indicator_id].name: r.value
            for r in readings
            if r.measured_on == first.due_on
        }
        assert len(at_checkpoint) >= 3
        assert all(indicators[r.indicator_id].baseline_value is not None for r in readings)
        measures = _rows(Measure, analysis)
        updates = _rows(MeasureUpdate, analysis)
        statuses = [
            follow_up.measure_status(m, [u for u in updates if u.measure_id == m.id])
            for m in measures
        ]
        assert {"done", "late", "dropped"} <= set(statuses)
        dropped = next(u for u in updates if u.status == "dropped")
        assert dropped.updated_on > pause.occurred_on
        assert {e.observation for e in _rows(ObservedEffect, analysis)} == {
            "as_predicted",
            "worse",
            "not_yet_known",
        }
        feedback = _rows(ChildFeedback, analysis)
        assert any(f.given_on > pause.occurred_on and "ungdomsråd" in f.channel for f in feedback)

        # Step 11's triggers: the pause as an event, and readings of two indicators.
        triggers = _rows(Trigger, analysis)
        assert [(t.condition, t.event_kind) for t in triggers if t.indicator_id is None] == [
            ("event", "pause")
        ]
        watched = {indicators[t.indicator_id].name for t in triggers if t.indicator_id}
        assert any("Läkemedelsavvikelser" in name for name in watched)
        assert any("ungdomsmottagningarna" in name for name in watched)

        # The pause met the first trigger, and the re-assessment it opened is in progress.
        links = versions.links(analysis)
        reassessing = links["next_version"]
        assert reassessing.status == "draft" and reassessing.version == analysis.version + 1
        hit = links["next_reassessment"]
        assert hit.trigger.event_kind == "pause" and hit.event_id == pause.id
        assert hit.hit_at.date() == pause.occurred_on
        assert versions.links(reassessing)["reassessment"] == hit

        # Recorded as a user's records are: in the history and in the audit log.
        logged = db.session.scalar(
            select(db.func.count(EditLog.id)).where(
                EditLog.analysis_id == analysis.id, EditLog.area == "events"
            )
        )
        assert logged >= 5 * 3
        audited = db.session.scalar(
            select(db.func.count(AuditEvent.id)).where(
                AuditEvent.action == "follow_up_recorded", AuditEvent.object_id == analysis.id
            )
        )
        effects = _rows(ObservedEffect, analysis)
        records = len(events) + len(readings) + len(updates) + len(effects) + len(feedback)
        assert audited == records + 2 * len(checkpoints)  # offered at the decision, then changed
        # The story is the first analysis's own: the waves copied from it have none, and the
        # other analyses have their own decisions without a recorded follow-up.
        assert (
            db.session.scalar(
                select(db.func.count(FollowUpEvent.id)).where(
                    FollowUpEvent.analysis_id != analysis.id
                )
            )
            == 0
        )


def _pdf_text(response) -> str:
    assert response.status_code == 200, response.status_code
    pages = PdfReader(io.BytesIO(response.data)).pages
    return pages[0].extract_text()


def test_demo_analyses_say_they_are_fictional_on_their_page_and_pdfs(
    app, make_browser, make_user, make_analysis
):
    run_demo(app)
    with app.app_context():
        millennium = db.session.scalar(select(Analysis.id).where(Analysis.title == MILLENNIUM))
        referred = db.session.scalar(select(Analysis).where(Analysis.status == "referred_back"))
        continued = versions.next_version(referred).id
        invented = db.session.scalar(
            select(Analysis.id).where(Analysis.organisation.startswith("Region Skåne"))
        )
    team = make_browser()
    team.login(SimpleNamespace(email="team@example.se"), "demo-team-2024")
    for analysis_id in (millennium, continued):  # and the versions that continue one
        page = team.get(f"/analyses/{analysis_id}").get_data(as_text=True)
        assert page.count(NOTICE["sv"]) == 1
        assert INVENTED["sv"] not in page
    page = team.get(f"/analyses/{invented}").get_data(as_text=True)
    assert page.count(INVENTED["sv"]) == 1 and NOTICE["sv"] not in page
    response = team.get(f"/analyses/{invented}/report?kind=signed&lang=en")
    assert INVENTED["en"] in _pdf_text(response)
    history = team.get(f"/analyses/{millennium}/history")  # the follow-up is in its history
    assert history.status_code == 200
    assert "Driftstarten pausas" in history.get_data(as_text=True)
    for kind, language in (("follow-up", "sv"), ("child-summary", "en"), ("signed", "en")):
        response = team.get(f"/analyses/{millennium}/report?kind={kind}&lang={language}")
        assert NOTICE[language] in _pdf_text(response), kind

    # An analysis someone makes is no example.
    owner = make_user()
    own = make_analysis(owner)
    browser = make_browser()
    browser.login(owner)
    assert NOTICE["sv"] not in browser.get(f"/analyses/{own}").get_data(as_text=True)
    response = browser.get(f"/analyses/{own}/report?kind=analysis&lang=sv")
    assert NOTICE["sv"] not in _pdf_text(response)


def test_demo_if_empty_leaves_existing_data_alone(app, make_user):
    make_user()
    result = app.test_cli_runner().invoke(args=["demo", "--if-empty"])
    assert "no demo data was loaded" in result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Analysis.id))) == 0


# The smallest analysis file the loader accepts; the tests below break it one way each.
VALID = """
title = "Test"
organisation = "Region Test"
decision_area = "digital"
owner = "team"
final_status = "draft"
members = [{ user = "reviewer", role = "viewer" }]

[answers.screening]
magnitude = "minor"

[[child_groups]]
ref = "all"
label = "Alla barn"

[[impacts]]
group = "all"
article = 3
"""


@pytest.mark.parametrize(
    ("old", "new", "names"),
    [
        ('title = "Test"\n', "", "'title'"),
        ('final_status = "draft"', 'final_status = "draft"\nstatus = "x"', "'status'"),
        ('owner = "team"', 'owner = "nobody"', "'nobody'"),
        ('{ user = "reviewer", role = "viewer" }', '{ user = "reviewer" }', "'role'"),
        ('final_status = "draft"', 'final_status = "done"', "'done'"),
        ('label = "Alla barn"', 'label = "Alla barn"\nlable = "x"', "child_groups[0]"),
        ('group = "all"', 'group = "none"', "impacts[0].group"),
        ('group = "all"\n', "", "'group'"),
        ('owner = "team"', 'owner = "team"\nplanned_decision_date = "2024-13-01"', "planned_dec"),
        ('title = "Test"', 'title = "Test', "line 2"),  # not TOML at all
    ],
)
def test_reading_rejects_a_broken_file_naming_it(tmp_path, old, new, names):
    (tmp_path / "01-good.toml").write_text(VALID, encoding="utf-8")
    assert VALID.count(old) == 1
    (tmp_path / "02-broken.toml").write_text(VALID.replace(old, new), encoding="utf-8")
    with pytest.raises(demo.DemoDataError) as error:
        demo.read_analyses(tmp_path)
    assert "02-broken.toml" in str(error.value)
    assert names in str(error.value)


# A decided analysis with a trigger and a follow-up; the tests below break it one way each.
VALID_FOLLOW_UP = (
    VALID.replace(
        'final_status = "draft"',
        'final_status = "decided"\nplanned_decision_date = "2024-06-18"\ndecisions = ["adopted"]',
    )
    + """
[lifecycle.review]
signer_title = "Granskare"

[lifecycle.decision]
body = "Nämnden"
reference = "§ 1"

[lifecycle.decision.outcomes.adopted]
best_interests_weighing = "Vägt"

[[indicators]]
ref = "visits"
name = "Besök"

[[triggers]]
description = "Paus"
condition = "event"
event_kind = "pause"

[[triggers]]
description = "Färre besök"
condition = "below"
indicator = "visits"
threshold = 10

[follow_up.reassessment]
event_kind = "pause"
opened_on = "2024-11-20"

[[follow_up.events]]
kind = "pause"
occurred_on = "2024-11-15"
title = "Paus"

[[follow_up.readings]]
indicator = "visits"
value = 8
measured_on = "2024-11-30"
"""
)


@pytest.mark.parametrize(
    ("old", "new", "names"),
    [
        ('occurred_on = "2024-11-15"', 'occurred_on = "2024-11-31"', "events[0].occurred_on"),
        (
            'title = "Paus"',
            'title = "Paus"\nnote = "x"',
            "follow_up.events[0] has an unknown key 'note'",
        ),
        ('kind = "pause"\nocc', 'kind = "explosion"\nocc', "follow_up.events[0].kind"),
        ('indicator = "visits"\nvalue', 'indicator = "besök"\nvalue', "readings[0].indicator"),
        ("value = 8", 'value = "åtta"', "follow_up.readings[0].value"),
        ("[[follow_up.events]]", "[[follow_up.diary]]", "'diary'"),
        ('final_status = "decided"', 'final_status = "approved"', "final_status"),
        ('condition = "below"', 'condition = "sometimes"', "triggers[1].condition"),
        ("threshold = 10\n", "", "triggers[1] is missing the key 'threshold'"),
        (
            '"event"\nevent_kind = "pause"',
            '"event"\nevent_kind = "pause"\nthreshold = 1',
            "triggers[0]",
        ),
        ('indicator = "visits"\nthreshold', 'indicator = "x"\nthreshold', "triggers[1].indicator"),
        ('opened_on = "2024-11-20"', 'opened_on = "20 nov"', "follow_up.reassessment.opened_on"),
        ('event_kind = "pause"\nopened', 'event_kind = "paus"\nopened', "reassessment.event_kind"),
        # What the decision said is the analysis's own: no text, no decision.
        ('body = "Nämnden"\n', "", "needs lifecycle.decision.body"),
        ('signer_title = "Granskare"', 'signer = "Granskare"', "lifecycle.review has an unknown"),
        ('decisions = ["adopted"]', 'decisions = ["rejected"]', "'rejected'"),
        ('decisions = ["adopted"]', 'decisions = ["adopted", "adopted"]', "cannot leave"),
        ("[lifecycle.decision.outcomes.adopted]", "[lifecycle.decision.outcomes.adopt]", "'adopt'"),
        ('planned_decision_date = "2024-06-18"\n', "", "needs planned_decision_date"),
    ],
)
def test_reading_rejects_a_broken_follow_up_naming_it(tmp_path, old, new, names):
    (tmp_path / "01-good.toml").write_text(VALID_FOLLOW_UP, encoding="utf-8")
    assert demo.read_analyses(tmp_path)[0]["follow_up"]["events"][0]["kind"] == "pause"
    assert VALID_FOLLOW_UP.count(old) == 1
    (tmp_path / "02-broken.toml").write_text(VALID_FOLLOW_UP.replace(old, new), encoding="utf-8")
    with pytest.raises(demo.DemoDataError) as error:
        demo.read_analyses(tmp_path)
    assert "02-broken.toml" in str(error.value)
    assert names in str(error.value)


@pytest.mark.parametrize(
    ("old", "new", "names"),
    [
        ("[answers.screening]", "[answers.screenin]", "'screenin'"),
        ('magnitude = "minor"', 'magnitud = "minor"', "'magnitud'"),
        ('decision_area = "digital"', 'decision_area = "space"', "'space'"),
    ],
)
def test_loading_rejects_steps_and_questions_the_checklists_lack(tmp_path, old, new, names):
    (tmp_path / "broken.toml").write_text(VALID.replace(old, new), encoding="utf-8")
    specs = demo.read_analyses(tmp_path)
    with pytest.raises(demo.DemoDataError) as error:
        demo.check_against(load_library(), specs)
    assert "broken.toml" in str(error.value)
    assert names in str(error.value)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ('[[user]]\nkey = "reviewer"', "missing the key 'users'"),
        (
            '[[users]]\nkey = "reviewer"\nemail = "r@example.se"',
            "users[0] is missing the key 'name'",
        ),
        (
            '[[users]]\nkey = "team"\nemail = "t"\nname = "T"\npassword = "p"\nrole = "member"',
            "reviewer",
        ),
    ],
)
def test_reading_rejects_a_broken_users_file_naming_it(tmp_path, text, names):
    (tmp_path / "users.toml").write_text(text, encoding="utf-8")
    with pytest.raises(demo.DemoDataError) as error:
        demo.read_users(tmp_path / "users.toml")
    assert "users.toml" in str(error.value)
    assert names in str(error.value)


def test_the_shipped_data_passes_every_check():
    demo.check_against(load_library(), demo.read_analyses())
    assert [user.key for user in demo.read_users()] == ["team", "reviewer", "admin"]


def test_the_demo_refuses_a_production_installation(monkeypatch, tmp_path):
    from bka import create_app

    monkeypatch.setenv("SECRET_KEY", "a" * 64)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    application = create_app("production")
    result = application.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code != 0
    assert "published passwords" in result.output


def _texts(spec: dict) -> list[tuple[str, str]]:
    """(where, text) for every written answer and entry text of a demo file."""
    texts = [
        (f"answers.{step}.{key}", value)
        for step, answers in spec.get("answers", {}).items()
        for key, value in answers.items()
        if isinstance(value, str)
    ]
    for kind in ("child_groups", "evidence_sources", "consultations", "impacts", "alternatives"):
        for index, entry in enumerate(spec.get(kind, [])):
            texts += [
                (f"{kind}[{index}].{key}", value)
                for key, value in entry.items()
                if isinstance(value, str) and key not in ("ref", "group")
            ]
    return texts


def test_no_two_demo_files_share_an_answer_or_an_entry():
    """Every analysis is about its own decision: no written answer or entry text of one file
    appears in another (the waves, copies of the first, are made from it on purpose)."""
    first_seen: dict[str, str] = {}
    for spec in demo.read_analyses():
        for where, text in _texts(spec):
            # A short label such as "Ej uppskattat" may recur, and so may the name of a body.
            if len(text) < 25 or where.endswith((".decision_body", ".reporting_to")):
                continue
            assert first_seen.setdefault(text, spec["source"]) == spec["source"], (
                f"{spec['source']} {where} copies {first_seen[text]}"
            )


def test_demo_analyses_differ_in_their_step_answers(app):
    """Loaded: apart from the Millennium rollout's own versions and waves, no two analyses
    share the answers of any step."""
    run_demo(app)
    with app.app_context():
        rows = db.session.execute(
            select(Analysis.id, Analysis.title, StepAnswer.step_key, StepAnswer.answers).join(
                StepAnswer, StepAnswer.analysis_id == Analysis.id
            )
        ).all()
    owners: dict[tuple[str, str], set[str]] = {}
    for _id, title, step_key, answers in rows:
        if not answers:
            continue
        family = MILLENNIUM if title.startswith(MILLENNIUM) else title
        key = (step_key, json.dumps(answers, sort_keys=True, ensure_ascii=False))
        owners.setdefault(key, set()).add(family)
    shared = {key[0]: titles for key, titles in owners.items() if len(titles) > 1}
    assert shared == {}
    assert len({family for titles in owners.values() for family in titles}) == len(demo.ANALYSES)


def test_the_millennium_rollout_is_västra_götalandsregionens_alone(app):
    """Only VGR went live with Millennium (Region Skåne contracted it but has not gone live):
    no other organisation's analysis is about it, in its title or in any answer or entry."""
    run_demo(app)
    with app.app_context():
        analyses = db.session.scalars(select(Analysis)).all()
        about_millennium = set()
        for analysis in analyses:
            texts = [analysis.title]
            state = load_state(analysis, ops.checklists_for(analysis))
            texts += [json.dumps(state.answers, ensure_ascii=False)]
            texts += [
                str(getattr(entry, field, ""))
                for entries in state.entries.values()
                for entry in entries
                for field in ("label", "explanation", "title", "description", "views", "name")
            ]
            if any("millennium" in text.lower() for text in texts):
                about_millennium.add(analysis.organisation)
        assert about_millennium == {"Västra Götalandsregionen, Koncernkontoret"}
        skåne = [a for a in analyses if a.organisation.startswith("Region Skåne")]
        assert skåne and all(not a.title.startswith(MILLENNIUM) for a in skåne)
        millennium_titles = [a.title for a in analyses if a.title.startswith(MILLENNIUM)]
        assert 7 <= len(millennium_titles) <= len(analyses) // 2


def test_the_portfolio_spreads_over_organisations_years_and_answers(app):
    """The administrators' overview has something to compare: regions and municipalities,
    every year from 2022, every answer to "were children heard?", decisions of every kind."""
    run_demo(app)
    with app.app_context():
        analyses = db.session.scalars(select(Analysis)).all()
        organisations = {a.organisation.split(",")[0] for a in analyses}
        assert len(organisations) >= 12
        assert sum(o.startswith("Region") for o in organisations) >= 5
        assert sum(not o.startswith("Region") for o in organisations) >= 6
        assert {2022, 2023, 2024, 2025, 2026} <= {a.year for a in analyses}
        assert {"yes", "no", "unsure", None} <= {a.children_heard for a in analyses}
        by_area: dict[str, list[str]] = {}
        for analysis in analyses:
            by_area.setdefault(analysis.decision_area, []).append(analysis.status)
        # The five first areas have several analyses each, in more than one state.
        for area in ("health_care", "social_services", "education", "planning", "digital"):
            assert len(by_area[area]) >= 3 and len(set(by_area[area])) >= 2, by_area
        decided = db.session.execute(
            select(DecisionRecord.decision_body, DecisionRecord.best_interests_weighing)
        ).all()
        assert len({body for body, _ in decided}) >= 5
        assert len({text for _, text in decided}) >= 10


def test_reading_needs_the_final_conclusion_of_a_closed_analysis(tmp_path):
    closed = VALID_FOLLOW_UP.split("\n[[indicators]]")[0].replace(
        'final_status = "decided"', 'final_status = "closed"'
    )
    (tmp_path / "01-closed.toml").write_text(closed, encoding="utf-8")
    with pytest.raises(demo.DemoDataError) as error:
        demo.read_analyses(tmp_path)
    assert "01-closed.toml" in str(error.value)
    assert "needs lifecycle.closing.fared" in str(error.value)
    closing = '\n[lifecycle.closing]\nfared = "better"\nconclusion = "Bra"\nlearnt = "Mycket"\n'
    (tmp_path / "01-closed.toml").write_text(closed + closing, encoding="utf-8")
    assert demo.read_analyses(tmp_path)[0]["lifecycle"]["closing"]["fared"] == "better"
