"""Domain rules without HTTP: saving steps, completion, required items, entries, members."""

from datetime import date

import pytest

from bka.domain import analyses as ops
from bka.domain import lifecycle
from bka.domain.entries import ENTRY_KINDS
from bka.domain.errors import DomainError, FieldError
from bka.domain.progress import (
    COMPLETED,
    IN_PROGRESS,
    NOT_STARTED,
    all_missing,
    load_state,
    step_status,
)
from bka.extensions import db
from bka.models import Analysis, User

SCREENING_IN_DEPTH = {
    "children_affected": "directly",
    "affected_how": "Barn är patienter i systemet.",
    "magnitude": "major",
    "child_numbers": "very_many",
    "vulnerable_affected": "yes",
    "reversibility": "partly",
}


@pytest.fixture
def world(app, make_user, make_analysis):
    owner = make_user()
    analysis_id = make_analysis(owner)
    with app.test_request_context():
        analysis = db.session.get(Analysis, analysis_id)
        yield analysis, ops.checklists_for(analysis), db.session.get(User, owner.id)
        db.session.rollback()


def group_values(**overrides):
    return {
        "label": "13–15-åringar",
        "age_band": "13-15",
        "relation": "user",
        "vulnerable_situations": ["protected_identity"],
        "estimated_number": 1200,
        "number_source": "SCB 2023",
        **overrides,
    }


def add(analysis, checklists, user, kind_name, values):
    state = load_state(analysis, checklists)
    return ops.save_entry(state, ENTRY_KINDS[kind_name], values, user)


def test_new_analysis_records_checklist_versions_and_owner(world):
    analysis, checklists, owner = world
    assert analysis.status == "draft"
    assert analysis.memberships[0].user_id == owner.id
    assert analysis.memberships[0].role == "owner"
    assert analysis.method_revision.checklist_id == "method"
    assert analysis.pack_revision.checklist_id == "pack-digital"
    assert checklists.pack.area == "digital"


def test_unknown_area_is_a_field_error(app, make_user):
    owner = make_user()
    with app.test_request_context(), pytest.raises(FieldError) as error:
        ops.create_analysis(
            app.extensions["bka_library"],
            db.session.merge(owner),
            title="X",
            organisation="Y",
            decision_area="space",
        )
    assert error.value.field == "decision_area"


def test_partial_draft_is_saved_and_step_is_in_progress(world):
    analysis, checklists, owner = world
    assert step_status(load_state(analysis, checklists), "decision") == NOT_STARTED
    ops.save_step(
        analysis, checklists, "decision", {"proposal": "Nytt system", "objectives": ""}, owner
    )
    state = load_state(analysis, checklists)
    assert state.step_answers("decision") == {"proposal": "Nytt system"}
    assert step_status(state, "decision") == IN_PROGRESS


def test_completion_is_refused_until_required_answers_exist_but_draft_is_kept(world):
    analysis, checklists, owner = world
    with pytest.raises(ops.StepIncomplete) as refused:
        ops.save_step(
            analysis,
            checklists,
            "decision",
            {"proposal": "Nytt system"},
            owner,
            mark_completed=True,
        )
    targets = {item.target for item in refused.value.missing}
    assert targets == {"objectives", "zero_option", "decision_body"}
    assert load_state(analysis, checklists).step_answers("decision") == {"proposal": "Nytt system"}
    ops.save_step(
        analysis,
        checklists,
        "decision",
        {
            "proposal": "Nytt system",
            "objectives": "Säkrare vård",
            "zero_option": "Gamla system",
            "decision_body": "Regionstyrelsen",
        },
        owner,
        mark_completed=True,
    )
    assert step_status(load_state(analysis, checklists), "decision") == COMPLETED


def test_screening_level_is_stored_with_the_answers(world):
    analysis, checklists, owner = world
    ops.save_step(analysis, checklists, "screening", SCREENING_IN_DEPTH, owner)
    assert analysis.screening_level == "in_depth"
    ops.save_step(analysis, checklists, "screening", {"children_affected": "not_affected"}, owner)
    assert analysis.screening_level == "none"


def test_no_bka_needed_requires_a_justification_before_sign_off(world, make_user):
    analysis, checklists, owner = world
    reviewer = db.session.merge(make_user(role="reviewer"))
    answers = {
        "children_affected": "not_affected",
        "affected_how": "Inga barn.",
        "magnitude": "minor",
        "child_numbers": "few",
        "vulnerable_affected": "no",
        "reversibility": "reversible",
    }
    ops.save_step(analysis, checklists, "screening", answers, owner)
    with pytest.raises(ops.StepIncomplete) as refused:
        lifecycle.submit_for_review(analysis, checklists, owner, reviewer)
    assert [item.target for item in refused.value.missing] == ["screening_justification"]
    ops.save_step(
        analysis,
        checklists,
        "screening",
        {**answers, "screening_justification": "Gäller bara vuxen personal."},
        owner,
    )
    lifecycle.submit_for_review(analysis, checklists, owner, reviewer)
    assert analysis.status == "in_review"
    lifecycle.sign_off(
        analysis,
        checklists,
        reviewer,
        verdicts={},
        rubric={},
        reasons="",
        comments={},
        title="Granskare",
        statements=list(lifecycle.ATTESTATIONS["screened_out"]),
        locale="sv",
    )
    assert analysis.status == "screened_out"


def test_general_principles_are_always_engaged(world):
    analysis, checklists, owner = world
    ops.save_step(analysis, checklists, "rights", {"engaged_articles": [16, 24]}, owner)
    engaged = load_state(analysis, checklists).engaged_articles()
    assert engaged == [2, 3, 6, 12, 16, 24]


def test_impact_matrix_lays_out_engaged_articles_by_child_group(world):
    analysis, checklists, owner = world
    first = add(analysis, checklists, owner, "child_groups", group_values(label="Första"))
    second = add(analysis, checklists, owner, "child_groups", group_values(label="Andra"))
    ops.save_step(analysis, checklists, "rights", {"engaged_articles": [16]}, owner)
    impact = add(
        analysis,
        checklists,
        owner,
        "impacts",
        {
            "article": 16,
            "child_group_id": second.id,
            "direction": "weakens",
            "term": "both",
            "severity": "high",
            "likelihood": "possible",
            "explanation": "",
        },
    )
    rows = load_state(analysis, checklists).impact_matrix()
    assert [row.article.number for row in rows] == [2, 3, 6, 12, 16]
    assert [row.article for row in rows] == [
        checklists.convention.article(n) for n in (2, 3, 6, 12, 16)
    ]
    assert rows[0].cells == [(first, None), (second, None)]
    assert rows[-1].cells == [(first, None), (second, impact)]


def test_entries_drive_their_steps_requirements(world):
    analysis, checklists, owner = world
    missing = {m.target for m in all_missing(load_state(analysis, checklists))}
    assert {"child_groups", "evidence_sources", "alternatives", "indicators"} <= missing
    group = add(analysis, checklists, owner, "child_groups", group_values())
    ops.save_step(analysis, checklists, "rights", {"engaged_articles": [16]}, owner)
    state = load_state(analysis, checklists)
    assert "child_groups" not in {m.target for m in all_missing(state)}
    assert any(m.target == "impacts" for m in all_missing(state))
    add(
        analysis,
        checklists,
        owner,
        "impacts",
        {
            "article": 16,
            "child_group_id": group.id,
            "direction": "weakens",
            "term": "both",
            "severity": "high",
            "likelihood": "possible",
            "explanation": "Risk för insyn.",
        },
    )
    state = load_state(analysis, checklists)
    missing = {m.target for m in all_missing(state)}
    assert "impacts" not in missing
    assert "measures" in missing  # a weakened right needs a measure
    add(
        analysis,
        checklists,
        owner,
        "measures",
        {
            "description": "Spärrar kontrolleras",
            "owner": "Förvaltningschef",
            "due_date": date(2025, 1, 1),
            "status": "planned",
        },
    )
    assert "measures" not in {m.target for m in all_missing(load_state(analysis, checklists))}


def test_impacts_must_use_engaged_articles_and_own_groups(world, app):
    analysis, checklists, owner = world
    group = add(analysis, checklists, owner, "child_groups", group_values())
    ops.save_step(analysis, checklists, "rights", {"engaged_articles": []}, owner)
    values = {
        "article": 28,
        "child_group_id": group.id,
        "direction": "neutral",
        "term": "short",
        "severity": "low",
        "likelihood": "unlikely",
        "explanation": "",
    }
    with pytest.raises(FieldError) as error:
        add(analysis, checklists, owner, "impacts", values)
    assert error.value.field == "article"
    other = ops.create_analysis(
        app.extensions["bka_library"],
        owner,
        title="Annan analys",
        organisation="Region",
        decision_area="digital",
    )
    foreign = add(other, checklists, owner, "child_groups", group_values(label="Andra"))
    with pytest.raises(FieldError) as error:
        add(
            analysis,
            checklists,
            owner,
            "impacts",
            {**values, "article": 3, "child_group_id": foreign.id},
        )
    assert error.value.field == "child_group_id"
    add(analysis, checklists, owner, "impacts", {**values, "article": 3})
    with pytest.raises(FieldError) as error:
        add(analysis, checklists, owner, "impacts", {**values, "article": 3})
    assert error.value.field == "child_group_id"


def test_changing_an_entry_reopens_its_completed_step(world):
    analysis, checklists, owner = world
    group = add(analysis, checklists, owner, "child_groups", group_values())
    ops.save_step(analysis, checklists, "children", {}, owner, mark_completed=True)
    assert step_status(load_state(analysis, checklists), "children") == COMPLETED
    state = load_state(analysis, checklists)
    ops.delete_entry(state, ENTRY_KINDS["child_groups"], group, owner)
    assert step_status(load_state(analysis, checklists), "children") == NOT_STARTED


def test_consultation_age_range_must_be_ordered(world):
    analysis, checklists, owner = world
    with pytest.raises(FieldError) as error:
        add(
            analysis,
            checklists,
            owner,
            "consultations",
            {"method": "survey", "children_count": 10, "age_from": 15, "age_to": 12},
        )
    assert error.value.field == "age_to"


def test_only_one_preferred_alternative(world):
    analysis, checklists, owner = world
    first = add(analysis, checklists, owner, "alternatives", {"title": "A", "is_preferred": True})
    second = add(analysis, checklists, owner, "alternatives", {"title": "B", "is_preferred": True})
    assert second.is_preferred and not first.is_preferred


def test_members_are_added_by_email_and_owner_stays(world, make_user):
    analysis, _checklists, owner = world
    colleague = make_user(email="Kollega@Example.se")
    membership = ops.add_member(analysis, "kollega@example.se", "editor", owner)
    assert membership.user_id == colleague.id
    for email, role, field in [
        ("kollega@example.se", "viewer", "email"),  # already a member
        ("nobody@example.se", "viewer", "email"),
        ("kollega@example.se", "owner", "role"),
    ]:
        with pytest.raises(FieldError) as error:
            ops.add_member(analysis, email, role, owner)
        assert error.value.field == field
    with pytest.raises(DomainError):
        ops.remove_member(analysis, analysis.memberships[0], owner)


def test_search_matches_title_and_diarienummer_literally(world, app):
    analysis, _checklists, owner = world
    ops.create_analysis(
        app.extensions["bka_library"],
        owner,
        title="Skolskjuts 100%",
        organisation="Kommun",
        decision_area="education",
        diarienummer="GS 2024-17",
    )
    titles = lambda q: {a.title for a in db.session.scalars(ops.analyses_for(owner, q))}  # noqa: E731
    assert titles("skolskjuts") == {"Skolskjuts 100%"}
    assert titles("2024-17") == {"Skolskjuts 100%"}
    assert titles("100%") == {"Skolskjuts 100%"}
    assert titles("%") == {"Skolskjuts 100%"}
    assert titles("journal") == {analysis.title}
