"""The administrators' overview on a small, known data set: every aggregate checked by hand,
the tallies kept current by commits, and a rebuild from scratch agreeing with them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bka.domain import overview, tallies
from bka.extensions import db
from bka.models import (
    Analysis,
    Consultation,
    DecisionRecord,
    Impact,
    Indicator,
    Measure,
    OverviewTally,
    ReviewRound,
    Revision,
    SignOff,
    StepAnswer,
)
from tests import factories

TODAY = date(2025, 6, 1)
CREATED = datetime(2025, 1, 10, 9, 0, tzinfo=UTC)


def _impact(analysis, article, direction, age_band, situations=()):
    group = factories.child_group(
        analysis,
        label=f"Barn {age_band}",
        age_band=age_band,
        vulnerable_situations=list(situations),
    )
    factories.entry(
        analysis,
        "impacts",
        {
            "article": article,
            "child_group_id": group.id,
            "direction": direction,
            "term": "short",
            "severity": "medium",
            "likelihood": "likely",
        },
    )


def _round(analysis, reviewer, number, outcome, rubric, revision):
    db.session.add(
        ReviewRound(
            analysis_id=analysis.id,
            number=number,
            reviewer_id=reviewer.id,
            submitted_by_id=analysis.created_by_id,
            submitted_revision_id=revision.id,
            rubric=rubric,
            outcome=outcome,
            completed_at=CREATED,
        )
    )


@pytest.fixture
def known(app, make_user, make_analysis):
    """Four analyses in two organisations; returns their ids and the two reviewers.

    Answers and entries go through the domain (tests/factories.py). Statuses, review rounds,
    the sign-off and the decision are set directly: the lifecycle only moves complete analyses,
    whose many entries would blur the hand-counted aggregates below."""
    owner = make_user()
    reviewer = make_user(role="reviewer")
    other_reviewer = make_user(role="reviewer")
    ids = {
        "a1": make_analysis(
            owner, title="Journal A1", organisation="Region A", diarienummer="RA 2025-17"
        ),
        "a2": make_analysis(owner, title="Journal A2", organisation="Region A"),
        "b1": make_analysis(owner, area="education", title="Skola B1", organisation="Kommun B"),
        "b2": make_analysis(owner, area="education", title="Skola B2", organisation="Kommun B"),
    }
    with app.app_context():
        get = {key: db.session.get(Analysis, value) for key, value in ids.items()}
        for analysis in get.values():
            analysis.created_at = CREATED
            analysis.planned_decision_date = date(2025, 9, 1)
        a1, a2, b1, b2 = get["a1"], get["a2"], get["b1"], get["b2"]
        a1.status, a1.screening_level = "decided", "in_depth"
        a2.status, a2.screening_level = "draft", "simplified"
        b1.status, b1.screening_level = "screened_out", "none"
        b1.planned_decision_date = date(2024, 5, 1)
        b2.status, b2.screening_level = "closed", "in_depth"
        for analysis, heard, reason in (
            (a1, "yes", ""),
            (a2, "no", "Tidsbrist inför beslutet"),
            (b2, "yes", ""),
        ):
            answers = {"children_heard": heard}
            if reason:
                answers["not_heard_reason"] = reason
            factories.answer(analysis, "participation", answers)
        for analysis in (a1, a2):  # impacts are on articles engaged in step 4
            factories.answer(analysis, "rights", {"engaged_articles": [16, 24]})
        _impact(a1, 16, "weakens", "13-15", ["lgbtq"])
        _impact(a1, 24, "strengthens", "0-17")
        _impact(a2, 16, "weakens", "0-1")
        _impact(a2, 3, "neutral", "6-12")
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
        _round(a1, reviewer, 1, "returned", {"children_heard": "partly"}, revision)
        _round(a1, reviewer, 2, "signed", {"children_heard": "yes"}, revision)
        _round(b2, other_reviewer, 1, "signed", {"children_heard": "yes"}, revision)
        db.session.add(
            SignOff(
                analysis_id=a1.id,
                revision_id=revision.id,
                analysis_version=1,
                signer_id=reviewer.id,
                signer_name="Granskare",
                signer_title="Barnrättsstrateg",
                signed_at=CREATED + timedelta(days=10),
                sha256="0" * 64,
                statements=[],
                locale="sv",
            )
        )
        db.session.add(
            DecisionRecord(
                analysis_id=a1.id,
                analysis_version=1,
                decision_body="Regionstyrelsen",
                decided_on=CREATED.date() + timedelta(days=20),
                reference="§ 1",
                outcome="adopted",
                best_interests_weighing="Vägt.",
                recorded_by_id=owner.id,
            )
        )
        for analysis, status, due in (
            (a1, "planned", TODAY - timedelta(days=1)),
            (a1, "done", TODAY - timedelta(days=1)),
            (a1, "in_progress", TODAY + timedelta(days=10)),
            (a1, "planned", TODAY + timedelta(days=90)),
            (b2, "planned", TODAY - timedelta(days=3)),  # closed: no follow-up expected
        ):
            factories.entry(
                analysis,
                "measures",
                {"description": "Åtgärd", "owner": "Ansvarig", "due_date": due, "status": status},
            )
        for days in (-10, -200, 5):  # recently passed, long past (not shown), coming up
            factories.entry(
                a1,
                "indicators",
                {"name": "Andel unga med egen åtkomst", "measure_on": TODAY + timedelta(days=days)},
            )
        db.session.commit()
    return ids, reviewer, other_reviewer


def _build(app, **filters):
    with app.app_context():
        return overview.build(db.session, overview.Filters(**filters), TODAY)


def test_counts_by_status_organisation_area_and_year(app, known):
    result = _build(app)
    assert result.total == 4
    assert result.by_status == {"draft": 1, "decided": 1, "closed": 1, "screened_out": 1}
    assert result.by_organisation == {"Kommun B": 2, "Region A": 2}
    assert result.by_area == {"digital": 2, "education": 2}
    # a1 counts in its decision's year; b1 in its planned year; the others in 2025 as planned.
    assert result.by_year == {2024: 1, 2025: 3}
    assert result.screening == {"in_depth": 2, "simplified": 1, "none": 1}


def test_children_heard_share_and_reasons(app, known):
    ids, *_ = known
    result = _build(app)
    assert result.heard == {"yes": 2, "no": 1, "not_applicable": 1}
    assert result.heard_share == pytest.approx(2 / 3)
    assert [(row.analysis_id, row.reason) for row in result.not_heard] == [
        (ids["a2"], "Tidsbrist inför beslutet")
    ]


def test_articles_groups_and_heat_map(app, known):
    result = _build(app)
    assert result.top_articles("weakens") == [(16, 2)]
    assert result.top_articles("strengthens") == [(24, 1)]
    assert result.articles[0] == overview.ArticleRow(16, 0, 2, 0, 0)
    assert {row.article for row in result.articles} == {3, 16, 24}
    assert result.metric("weakens_age") == {"13-15": 1, "0-1": 1}
    assert result.metric("weakens_situation") == {"lgbtq": 1}
    heat = dict(result.heat_map())
    assert heat[16] == [1, 0, 0, 1, 0, 0]  # columns follow AGE_BANDS: 0-1 ... 13-15 ...


def test_review_quality_and_lead_times(app, known):
    result = _build(app)
    assert result.rubric == {"children_heard": {"partly": 1, "yes": 2}}
    assert result.metric("rounds_to_signoff") == {"2": 1, "1": 1}
    assert result.median_rounds_to_signoff == 1.5
    assert result.median_days_to_signoff == 10
    assert result.median_days_to_decision == 20
    assert result.signed_off == 1 and result.decided == 1


def test_follow_up_due_and_overdue_per_organisation(app, known):
    result = _build(app)
    assert result.follow_up == [
        overview.FollowUpRow(
            "Region A", measures_overdue=1, measures_due=1, checkpoints_overdue=1, checkpoints_due=1
        )
    ]
    assert result.metric("measure_status") == {"planned": 3, "done": 1, "in_progress": 1}


def test_filters(app, known):
    ids, reviewer, other_reviewer = known
    assert _build(app, organisation="Kommun B").total == 2
    assert _build(app, organisation="Kommun B").heard_share == 1
    assert _build(app, year=2024).by_organisation == {"Kommun B": 1}
    assert _build(app, decision_area="digital", status="draft").total == 1
    by_reviewer = _build(app, reviewer_id=reviewer.id)
    assert by_reviewer.total == 1
    assert by_reviewer.by_organisation == {"Region A": 1}
    assert by_reviewer.median_rounds_to_signoff == 2
    assert by_reviewer.follow_up == [
        overview.FollowUpRow(
            "Region A", measures_overdue=1, measures_due=1, checkpoints_overdue=1, checkpoints_due=1
        )
    ]
    assert _build(app, reviewer_id=other_reviewer.id, organisation="Region A").total == 0


def _tally_table(app):
    """Every tally row, every column but the id, and what each analysis holds for the overview
    (its stored contribution and the columns the list reads)."""
    with app.app_context():
        rows = sorted(
            (
                row.grain,
                row.organisation,
                row.year,
                row.decision_area,
                row.status,
                row.reviewer_id,
                row.metric,
                row.key,
                row.n,
            )
            for row in db.session.scalars(select(OverviewTally))
        )
        analyses = sorted(
            (row.id, row.year, row.children_heard, row.search_text, row.tally)
            for row in db.session.scalars(select(Analysis))
        )
        return rows, analyses


def test_commits_keep_tallies_current_and_rebuild_agrees(app, known):
    ids, *_ = known
    with app.app_context():
        impact = db.session.scalar(
            select(Impact).where(Impact.analysis_id == ids["a2"], Impact.article == 16)
        )
        impact.direction = "strengthens"
        db.session.get(Analysis, ids["b2"]).organisation = "Region A"
        db.session.commit()
    result = _build(app)
    assert result.top_articles("weakens") == [(16, 1)]
    assert result.metric("strengthens") == {"16": 1, "24": 1}
    assert result.by_organisation == {"Region A": 3, "Kommun B": 1}
    incremental = _tally_table(app)
    assert all(row[-1] > 0 for row in incremental[0])
    assert {row[0] for row in incremental[0]} == {*tallies.GRAINS, *tallies.DATED_GRAINS}
    with app.app_context():
        assert tallies.rebuild(db.session) == 4
        db.session.commit()
    assert _tally_table(app) == incremental


def test_a_failed_rebuild_leaves_the_tallies_and_their_indexes(app, known):
    """The rebuild drops and recreates the tally indexes: all of it inside its transaction."""
    from sqlalchemy import inspect

    before = _tally_table(app)
    with app.app_context():
        tallies.rebuild(db.session)
        db.session.rollback()
        indexes = {index["name"] for index in inspect(db.engine).get_indexes("overview_tally")}
    assert indexes >= {index.name for index in OverviewTally.__table__.indexes}
    assert _tally_table(app) == before


def _random_analysis(rng, analysis, reviewers, revision, owner):
    """Give an analysis a random share of everything the overview counts."""
    analysis.status = rng.choice(
        ["draft", "in_review", "approved", "decided", "follow_up", "closed", "screened_out"]
    )
    analysis.screening_level = rng.choice([None, "none", "simplified", "in_depth"])
    analysis.created_at = CREATED - timedelta(days=rng.randrange(0, 900))
    analysis.planned_decision_date = rng.choice([None, date(2024, 3, 1), date(2026, 2, 1)])
    factories.answer(analysis, "rights", {"engaged_articles": [16]})  # impacts need them
    if rng.random() < 0.8:
        heard = rng.choice(["yes", "no", "unsure", 7])  # 7: a malformed answer counts as none
        db.session.add(
            StepAnswer(
                analysis_id=analysis.id,
                step_key="participation",
                answers={"children_heard": heard},
                updated_by_id=owner.id,
            )
        )
    for _ in range(rng.randrange(0, 4)):
        _impact(
            analysis,
            rng.choice([3, 12, 16]),
            rng.choice(["strengthens", "weakens", "neutral", "unknown"]),
            rng.choice(["0-1", "13-15"]),
            rng.sample(["poverty", "lgbtq", "in_care"], k=rng.randrange(0, 3)),
        )
    for _ in range(rng.randrange(0, 3)):
        db.session.add(
            Consultation(
                analysis_id=analysis.id,
                method="focus_group",
                children_count=rng.choice([0, 5, 12]),
                age_from=10,
                age_to=17,
            )
        )
    # Rounds by one or two reviewers, so that an analysis counts for each of them.
    for number in range(1, rng.randrange(0, 4) + 1):
        _round(
            analysis,
            rng.choice(reviewers),
            number,
            rng.choice([None, "returned", "signed"]),
            {"children_heard": rng.choice(["yes", "partly"])},
            revision,
        )
    if rng.random() < 0.5:
        for days in rng.sample([3, 10, 40], k=rng.randrange(1, 3)):
            db.session.add(
                SignOff(
                    analysis_id=analysis.id,
                    revision_id=revision.id,
                    analysis_version=1,
                    signer_id=reviewers[0].id,
                    signer_name="Granskare",
                    signer_title="Barnrättsstrateg",
                    signed_at=analysis.created_at + timedelta(days=days),
                    sha256="0" * 64,
                    statements=[],
                    locale="sv",
                )
            )
    if rng.random() < 0.4:
        db.session.add(
            DecisionRecord(
                analysis_id=analysis.id,
                analysis_version=1,
                decision_body="Nämnden",
                decided_on=TODAY - timedelta(days=rng.randrange(0, 800)),
                reference="§ 2",
                outcome="adopted",
                best_interests_weighing="Vägt.",
                recorded_by_id=owner.id,
            )
        )
    for _ in range(rng.randrange(0, 4)):
        db.session.add(
            Measure(
                analysis_id=analysis.id,
                description="Åtgärd",
                owner="Ansvarig",
                due_date=rng.choice([None, TODAY - timedelta(days=5), TODAY + timedelta(days=9)]),
                status=rng.choice(["planned", "in_progress", "done", "cancelled"]),
            )
        )
    for _ in range(rng.randrange(0, 3)):
        db.session.add(
            Indicator(
                analysis_id=analysis.id,
                name="Andel",
                measure_on=rng.choice([None, TODAY, TODAY + timedelta(days=rng.randrange(99))]),
            )
        )


def test_rebuild_equals_many_random_commits(app, make_user, make_analysis):
    """Random analyses built and changed over many commits (edits, deletions, moves between
    organisations and statuses): a rebuild writes exactly the rows and per-analysis
    contributions the commits arrived at, and commits after a rebuild stay in step with it."""
    import random

    rng = random.Random(8)
    owner = make_user()
    reviewers = [make_user(role="reviewer") for _ in range(3)]
    ids = [
        make_analysis(
            owner,
            area=rng.choice(["digital", "education"]),
            title=f"Beslut {index} om Åkesson",
            organisation=rng.choice(["Region A", "Kommun B", "Kommun C"]),
            diarienummer=rng.choice([None, f"DNR 2025-{index}"]),
        )
        for index in range(14)
    ]
    with app.app_context():
        revision = Revision(
            analysis_id=ids[0],
            number=1,
            analysis_version=1,
            reason="submitted",
            actor_id=owner.id,
            content={},
            sha256="0" * 64,
        )
        db.session.add(revision)
        db.session.commit()
        for analysis_id in ids:
            analysis = db.session.get(Analysis, analysis_id)
            _random_analysis(rng, analysis, reviewers, revision, owner)
            db.session.commit()

        def change_some() -> None:
            for analysis_id in rng.sample(ids, k=6):
                analysis = db.session.get(Analysis, analysis_id)
                if analysis is None:
                    continue
                match rng.randrange(6):
                    case 0:
                        analysis.organisation = rng.choice(["Region A", "Kommun D"])
                        analysis.status = rng.choice(["follow_up", "closed", "draft"])
                    case 1:
                        for model in (Impact, Measure, ReviewRound):
                            row = db.session.scalar(
                                select(model).where(model.analysis_id == analysis_id).limit(1)
                            )
                            if row is not None:
                                db.session.delete(row)
                    case 2:
                        for model in (
                            StepAnswer,
                            Impact,
                            Consultation,
                            ReviewRound,
                            SignOff,
                            DecisionRecord,
                            Measure,
                            Indicator,
                        ):
                            for row in db.session.scalars(
                                select(model).where(model.analysis_id == analysis_id)
                            ):
                                db.session.delete(row)
                        db.session.flush()
                        _random_analysis(rng, analysis, reviewers, revision, owner)
                    case 3:
                        db.session.delete(analysis)
                        ids.remove(analysis_id)
                    case 4:
                        analysis.title = f"Ändrad Ö{rng.randrange(100)}"
                        analysis.decision_area = "education"
                    case 5:
                        for rnd in db.session.scalars(
                            select(ReviewRound).where(ReviewRound.analysis_id == analysis_id)
                        ):
                            rnd.reviewer_id = rng.choice(reviewers).id
                            rnd.outcome = rng.choice([None, "signed"])
                if rng.random() < 0.5:
                    db.session.commit()  # sometimes several analyses change in one commit
            db.session.commit()

        for _ in range(3):
            change_some()
        incremental = _tally_table(app)
        assert len(incremental[1]) == len(ids) and len(incremental[0]) > 200
        assert {row[5] for row in incremental[0]} > {0}  # some reviewer rows
        assert tallies.rebuild(db.session) == len(ids)
        db.session.commit()
        assert _tally_table(app) == incremental
        # The contributions the rebuild stored are what later commits subtract.
        change_some()
        incremental = _tally_table(app)
        tallies.rebuild(db.session)
        db.session.commit()
        assert _tally_table(app) == incremental


def _expected_overview(every: list[tallies.Facts], filters: overview.Filters):
    """The overview computed the slow way: the contributions of the matching analyses."""
    from collections import Counter

    matching = [
        facts
        for facts in every
        if all(getattr(filters, dim) in (None, getattr(facts, dim)) for dim in tallies.DIMENSIONS)
        and filters.reviewer_id in (None, *facts.reviewer_ids)
    ]
    metrics: dict[str, Counter] = {}
    follow_up: dict[str, Counter] = {}
    soon, recent, now = overview._window(TODAY)
    kinds = {tallies.OPEN_MEASURE_DUE: "measures", tallies.CHECKPOINT: "checkpoints"}
    for facts in matching:
        for name, n in tallies.contribution(facts).items():
            metric, _, key = name.partition(":")
            if metric in kinds:
                earliest = recent if metric == tallies.CHECKPOINT else ""
                if earliest <= key <= soon:
                    when = "overdue" if key < now else "due"
                    follow_up.setdefault(facts.organisation, Counter())[
                        f"{kinds[metric]}_{when}"
                    ] += n
            elif metric != "analyses":
                metrics.setdefault(metric, Counter())[key] += n
    return {
        "total": len(matching),
        "by_status": Counter(facts.status for facts in matching),
        "by_organisation": Counter(facts.organisation for facts in matching),
        "by_area": Counter(facts.decision_area for facts in matching),
        "by_year": Counter(facts.year for facts in matching),
        "metrics": metrics,
        "follow_up": follow_up,
    }


def _actual_overview(result: overview.Overview):
    from collections import Counter

    follow_up = {}
    for row in result.follow_up:
        found = Counter(
            {
                name: getattr(row, name)
                for name in (
                    "measures_overdue",
                    "measures_due",
                    "checkpoints_overdue",
                    "checkpoints_due",
                )
            }
        )
        follow_up[row.organisation] = +found
    return {
        "total": result.total,
        "by_status": Counter(result.by_status),
        "by_organisation": Counter(result.by_organisation),
        "by_area": Counter(result.by_area),
        "by_year": Counter(result.by_year),
        "metrics": {metric: +counts for metric, counts in result.metrics.items() if +counts},
        "follow_up": {organisation: found for organisation, found in follow_up.items() if found},
    }


def test_every_filter_set_gives_the_counts_of_its_analyses(app, make_user, make_analysis):
    """For every combination of filters, the reviewer included, the overview's figures are
    those of the analyses that match, summed one by one: after commits and after a rebuild."""
    import itertools
    import random

    rng = random.Random(3)
    owner = make_user()
    reviewers = [make_user(role="reviewer") for _ in range(3)]
    ids = [
        make_analysis(
            owner,
            area=rng.choice(["digital", "education"]),
            title=f"Beslut {index}",
            organisation=rng.choice(["Region A", "Kommun B", "Kommun C"]),
        )
        for index in range(16)
    ]
    with app.app_context():
        revision = Revision(
            analysis_id=ids[0],
            number=1,
            analysis_version=1,
            reason="submitted",
            actor_id=owner.id,
            content={},
            sha256="0" * 64,
        )
        db.session.add(revision)
        db.session.commit()
        for analysis_id in ids:
            analysis = db.session.get(Analysis, analysis_id)
            _random_analysis(rng, analysis, reviewers, revision, owner)
            db.session.commit()
        every = list(tallies.load_facts(db.session, ids).values())
        years = sorted({facts.year for facts in every})
        statuses = sorted({facts.status for facts in every})
        choices = itertools.product(
            [None, "Region A", "Kommun B"],
            [None, years[0], years[-1]],
            [None, "digital"],
            [None, statuses[0], statuses[-1]],
            [None, reviewers[0].id, reviewers[1].id],
        )
        filter_sets = [
            overview.Filters(
                organisation=org, year=year, decision_area=area, status=status, reviewer_id=who
            )
            for org, year, area, status, who in choices
        ]
        assert any(_expected_overview(every, f)["follow_up"] for f in filter_sets if f.reviewer_id)
        for rebuilt in (False, True):
            if rebuilt:
                tallies.rebuild(db.session)
                db.session.commit()
            for filters in filter_sets:
                result = overview.build(db.session, filters, TODAY)
                assert _actual_overview(result) == _expected_overview(every, filters), filters


def test_deleting_an_analysis_removes_its_counts(app, known):
    ids, *_ = known
    with app.app_context():
        db.session.delete(db.session.get(Analysis, ids["a2"]))
        db.session.commit()
    result = _build(app)
    assert result.total == 3
    assert result.not_heard == []
    assert result.top_articles("weakens") == [(16, 1)]


def test_list_pages_by_keyset_and_search(app, known):
    ids, reviewer, _ = known
    with app.app_context():
        filters = overview.Filters()
        first = overview.list_page(db.session, filters, size=3)
        assert len(first.rows) == 3 and first.previous is None and first.next is not None
        second = overview.list_page(db.session, filters, after=first.next, size=3)
        assert len(second.rows) == 1 and second.next is None
        back = overview.list_page(db.session, filters, before=second.previous, size=3)
        assert [row.id for row in back.rows] == [row.id for row in first.rows]
        seen = [row.id for row in first.rows + second.rows]
        assert sorted(seen) == sorted(ids.values())
        found = overview.list_page(db.session, overview.Filters(search="ra 2025"))
        assert [row.id for row in found.rows] == [ids["a1"]]
        assert overview.list_page(db.session, overview.Filters(search="100%_")).rows == []
        reviewed = overview.list_page(db.session, overview.Filters(reviewer_id=reviewer.id))
        assert [row.id for row in reviewed.rows] == [ids["a1"]]
        assert len(list(overview.all_rows(db.session, filters, chunk=2))) == 4


@pytest.mark.parametrize("token", ["", "nonsense", "!!!", "MjAyNXwx", "bm90LWEtZGF0ZXwx"])
def test_malformed_cursors_mean_the_first_page(token):
    assert overview.Cursor.decode(token) is None


def test_median_of_a_histogram():
    from collections import Counter

    assert overview._median(Counter()) is None
    assert overview._median(Counter({"5": 1})) == 5
    assert overview._median(Counter({"1": 2, "9": 1})) == 1
    assert overview._median(Counter({"1": 1, "3": 1, "10": 2})) == 6.5


def test_grain_names_and_metric_keys_fit_their_columns():
    """SQLite does not enforce VARCHAR lengths; PostgreSQL does."""
    from bka.domain.entries import VULNERABLE_SITUATIONS

    table = OverviewTally.__table__
    assert max(map(len, [*tallies.GRAINS, *tallies.DATED_GRAINS])) <= table.c.grain.type.length
    facts = tallies.Facts(
        id=1,
        title="T",
        diarienummer=None,
        organisation="O",
        decision_area="digital",
        status="follow_up",
        screening_level="in_depth",
        created_at=CREATED,
        planned_decision_date=None,
        children_heard="unsure",
        impacts=[(54, "weakens", "13-15", "relative", list(VULNERABLE_SITUATIONS))],
        consultations=[12],
        rounds=[(1, "signed", {"indicators_measurable": "partly"})],
        first_signed_at=CREATED + timedelta(days=400),
        decided_on=TODAY,
        measures=[("in_progress", TODAY)],
        checkpoints=[TODAY],
    )
    for name in tallies.contribution(facts):
        metric, _, key = name.partition(":")
        assert len(metric) <= table.c.metric.type.length, metric
        assert len(key) <= table.c.key.type.length, key
