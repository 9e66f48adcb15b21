"""The results of follow-up across analyses: the administrators' overview (checkpoints overdue,
indicators against their targets, re-assessments opened, decided analyses with a closed
checkpoint) under every filter, kept current by commits and equal after a rebuild, and the yearly
barnbokslut per decision body (beslutsinstans)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from bka.domain import analyses as ops
from bka.domain import barnbokslut, follow_up, overview, reporting, tallies
from bka.domain.workflow import LINK_REASSESSMENT as REASSESSMENT
from bka.extensions import db
from bka.models import (
    Analysis,
    Checkpoint,
    DecisionRecord,
    Reading,
    ReviewRound,
    Revision,
    User,
    VersionLink,
)
from tests import factories
from tests.test_reports import flat, text_of

TODAY = date(2025, 6, 1)
PRINTED = date(2025, 2, 14)


def _decision(analysis, owner, body, day, outcome="adopted", follows="yes"):
    db.session.add(
        DecisionRecord(
            analysis_id=analysis.id,
            analysis_version=1,
            decision_body=body,
            decided_on=day,
            reference="§ 1",
            outcome=outcome,
            best_interests_weighing="Vägt.",
            follows_conclusion=follows,
            recorded_by_id=owner.id,
        )
    )


def _checkpoint(analysis, owner, due, closed=None, fared=None):
    db.session.add(
        Checkpoint(
            analysis_id=analysis.id,
            recorded_by_id=owner.id,
            title="Kontroll",
            due_on=due,
            closed_on=closed,
            fared=fared,
        )
    )


def _indicator(analysis, baseline=None, target=None, readings=()):
    indicator = factories.entry(
        analysis,
        "indicators",
        {"name": "Andel unga med egen åtkomst", "measure_on": date(2024, 10, 1)},
    )
    indicator.baseline_value, indicator.target_value = baseline, target
    for day, value in readings:
        db.session.add(
            Reading(
                analysis_id=analysis.id,
                recorded_by_id=analysis.created_by_id,
                indicator_id=indicator.id,
                value=value,
                measured_on=day,
            )
        )


@pytest.fixture
def portfolio(app, make_user, make_analysis):
    """Three decided analyses in two organisations with follow-up, a draft re-assessment and a
    draft referral. Statuses, decisions and follow-up rows are set directly, as in
    tests/test_overview.py, so that the counts below can be checked by hand."""
    owner = make_user()
    reviewer = make_user(role="reviewer")
    ids = {
        "a1": make_analysis(owner, title="Journal A1", organisation="Region A"),
        "a2": make_analysis(owner, title="Journal A2", organisation="Region A"),
        "b1": make_analysis(owner, area="education", title="Skola B1", organisation="Kommun B"),
        "reassessed": make_analysis(owner, title="Journal A1, omprövning", organisation="Region A"),
        "referred": make_analysis(owner, title="Journal A2, återremiss", organisation="Region A"),
    }
    people = SimpleNamespace(owner=owner.id, reviewer=reviewer.id)
    with app.app_context():
        owner = db.session.get(User, owner.id)
        a1, a2, b1 = (db.session.get(Analysis, ids[key]) for key in ("a1", "a2", "b1"))
        a1.status, a2.status, b1.status = "follow_up", "decided", "closed"
        factories.answer(a1, "participation", {"children_heard": "yes"})
        factories.answer(a2, "participation", {"children_heard": "no", "not_heard_reason": "Tid"})
        factories.entry(a1, "consultations", factories.CONSULTATIONS[0])  # records its influence
        _decision(a1, owner, "Regionstyrelsen", date(2024, 5, 7), "postponed", None)
        _decision(a1, owner, "Regionstyrelsen", date(2024, 6, 18))
        _decision(
            a2, owner, " regionstyrelsen ", date(2024, 9, 1), "adopted_with_changes", "partly"
        )
        _decision(b1, owner, "Barn- och utbildningsnämnden", date(2023, 3, 1))
        _checkpoint(a1, owner, date(2024, 9, 18), date(2024, 9, 20), "worse")
        _checkpoint(a1, owner, date(2025, 3, 1))  # overdue
        _checkpoint(a1, owner, date(2025, 6, 18))  # not due yet
        _checkpoint(a2, owner, date(2024, 12, 1))  # overdue
        _checkpoint(a2, owner, date(2025, 5, 1))  # overdue
        _checkpoint(b1, owner, date(2023, 6, 1), date(2023, 6, 5), "as_predicted")
        _checkpoint(b1, owner, date(2024, 3, 1))  # the analysis is closed: not overdue
        # Higher is better; the latest reading (80) counts, not the earlier one on target.
        _indicator(a1, 60.0, 100.0, [(date(2024, 10, 1), 100.0), (date(2025, 1, 1), 80.0)])
        _indicator(a1, readings=[(date(2025, 1, 1), 5.0)])  # no numbers: cannot be told
        _indicator(a2, 10.0, 5.0, [(date(2025, 1, 1), 4.0)])  # lower is better: on target
        _indicator(b1, 1.0, 2.0)  # never measured: not counted
        db.session.add(
            VersionLink(
                previous_analysis_id=a1.id, next_analysis_id=ids["reassessed"], reason=REASSESSMENT
            )
        )
        db.session.add(VersionLink(previous_analysis_id=a2.id, next_analysis_id=ids["referred"]))
        revision = Revision(
            analysis_id=a1.id,
            number=1,
            analysis_version=1,
            reason="submitted",
            actor_id=owner.id,
            content={},
            sha256="0" * 64,
        )
        db.session.add(revision)
        db.session.flush()
        db.session.add(
            ReviewRound(
                analysis_id=a1.id,
                number=1,
                reviewer_id=people.reviewer,
                submitted_by_id=owner.id,
                submitted_revision_id=revision.id,
                rubric={},
                outcome="signed",
                completed_at=datetime(2024, 6, 1, tzinfo=UTC),
            )
        )
        db.session.commit()
    return SimpleNamespace(ids=ids, owner=people.owner, reviewer=people.reviewer)


def _build(app, **filters):
    with app.app_context():
        return overview.build(db.session, overview.Filters(**filters), TODAY)


def _figures(result):
    return (
        result.checkpoints_overdue,
        result.indicator_targets,
        result.reassessments,
        result.metric(tallies.CLOSED_CHECKPOINT)[""],
        result.decided_now,
    )


def test_the_overview_counts_the_results_of_follow_up(app, portfolio):
    result = _build(app)
    assert result.checkpoints_overdue == {"Region A": 3}
    assert result.indicator_targets == [
        overview.TargetRow("Region A", on_target=1, off_target=1, unknown=1)
    ]
    assert result.reassessments == {"Region A": 1}  # the referral back is no re-assessment
    assert result.decided_now == 3 and result.closed_checkpoint_share == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2025, 3, 1), {"Region A": 1}),  # due today is not overdue yet
        (date(2025, 3, 2), {"Region A": 2}),  # overdue since yesterday, in this month
        (date(2025, 5, 2), {"Region A": 3}),
    ],
)
def test_a_checkpoint_is_overdue_from_the_day_after_its_date(app, portfolio, today, expected):
    with app.app_context():
        assert overview.build(db.session, overview.Filters(), today).checkpoints_overdue == expected


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"organisation": "Kommun B"}, ({}, [], {}, 1, 1)),
        ({"year": 2023}, ({}, [], {}, 1, 1)),
        (
            {"status": "decided"},
            ({"Region A": 2}, [overview.TargetRow("Region A", on_target=1)], {}, 0, 1),
        ),
        (
            {"decision_area": "digital", "year": 2024},
            (
                {"Region A": 3},
                [overview.TargetRow("Region A", 1, 1, 1)],
                {"Region A": 1},
                1,
                2,
            ),
        ),
    ],
)
def test_the_follow_up_figures_honour_the_filters(app, portfolio, filters, expected):
    assert _figures(_build(app, **filters)) == expected


def test_the_follow_up_figures_of_one_reviewer(app, portfolio):
    expected = (
        {"Region A": 1},
        [overview.TargetRow("Region A", off_target=1, unknown=1)],
        {"Region A": 1},
        1,
        1,
    )
    assert _figures(_build(app, reviewer_id=portfolio.reviewer)) == expected
    with_area = _build(app, reviewer_id=portfolio.reviewer, decision_area="digital")
    assert _figures(with_area) == expected
    assert _figures(_build(app, reviewer_id=portfolio.reviewer, organisation="Kommun B")) == (
        {},
        [],
        {},
        0,
        0,
    )


def test_recording_follow_up_updates_the_figures_and_a_rebuild_agrees(app, portfolio):
    with app.test_request_context():
        a2 = db.session.get(Analysis, portfolio.ids["a2"])
        owner = db.session.get(User, portfolio.owner)
        overdue = follow_up.checkpoints_of(a2)[0]
        follow_up.save_record(
            a2,
            follow_up.FOLLOW_UP_KINDS["checkpoints"],
            {"closed_on": date(2025, 5, 20), "fared": "as_predicted", "conclusion": "Som väntat."},
            owner,
            overdue,
        )
        db.session.commit()
    result = _build(app)
    assert result.checkpoints_overdue == {"Region A": 2}
    assert result.closed_checkpoint_share == 1
    incremental = _figures(result)
    with app.app_context():
        tallies.rebuild(db.session)
        db.session.commit()
    assert _figures(_build(app)) == incremental


def test_the_overview_page_shows_the_follow_up_tables(app, portfolio, make_user, make_browser):
    admin = make_user(role="admin")
    browser = make_browser()
    browser.login(admin)
    page = browser.get("/admin/?lang=sv").get_data(as_text=True)
    for caption in (
        "Försenade kontrollpunkter per organisation",
        "Indikatorer efter senaste mätvärde",
        "Indikatorer mot sina målvärden per organisation",
        "Öppnade omprövningar per organisation",
        "Beslutade analyser med en avslutad kontrollpunkt",
    ):
        assert caption in page
    assert "67 % av 3 beslutade analyser" in page
    assert '<th scope="col" class="numeric">Kontrollpunkter</th>' in page


def test_the_barnbokslut_counts_the_year_per_decision_body(app, portfolio):
    with app.app_context():
        rows = barnbokslut.by_decision_body(db.session, None, 2024)
        assert [(r.body, r.decisions, r.children_heard, r.changed_by_analysis) for r in rows] == [
            ("Regionstyrelsen", 2, 1, 2)
        ]
        assert rows[0].outcomes == {"adopted": 1, "adopted_with_changes": 1}
        assert (rows[0].checkpoints_closed, rows[0].fared) == (1, {"worse": 1})
        only_b = barnbokslut.by_decision_body(db.session, "Kommun B", 2023)
        assert [
            (r.body, r.decisions, r.changed_by_analysis, r.checkpoints_closed) for r in only_b
        ] == [("Barn- och utbildningsnämnden", 1, 0, 1)]
        assert barnbokslut.by_decision_body(db.session, "Kommun B", 2024) == []


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (
            "sv",
            (
                "Beslut med barnkonsekvensanalys per beslutande organ",
                "Beslutande organ Beslut Barn har hörts Analysen ändrade förslaget "
                "Regionstyrelsen 2 1 2",
                "Uppföljning 2024: avslutade kontrollpunkter och hur det blev för barnen",
                "Så har siffrorna räknats",
                "Metoden har ingen fråga om huruvida analysen ändrade förslaget.",
            ),
        ),
        (
            "en",
            (
                "Decisions with a child impact assessment, per decision body",
                "Decision body Decisions Children heard The analysis changed the proposal "
                "Regionstyrelsen 2 1 2",
                "Outcomes of the decisions, per decision body",
                "How the figures were counted",
            ),
        ),
    ],
)
def test_the_barnbokslut_pdf_has_the_per_body_tables_and_says_how(app, portfolio, locale, expected):
    with app.test_request_context():
        analysis = db.session.get(Analysis, portfolio.ids["a1"])
        result = overview.build(db.session, overview.Filters(year=2024), TODAY)
        pdf = reporting.render_barnbokslut(
            result, ops.checklists_for(analysis).convention, locale, PRINTED, None, 2024
        )
    text = flat(text_of(pdf)[1])
    for sentence in expected:
        assert sentence in text
