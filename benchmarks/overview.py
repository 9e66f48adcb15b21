"""Benchmark: the administrators' overview and list with 100,000 analyses on SQLite.

Seeds analyses with impacts, consultations, measures, review rounds, sign-offs and decisions in
realistic proportions, and the decided ones with follow-up (checkpoints, most of the past ones
closed; readings of their indicators; a few re-assessments), with bulk inserts, then the
production `tallies.rebuild`; then measures the
overview for several filter sets and the list at page 1 and deep in the list, through the HTTP
stack as an administrator. Budget (DESIGN.md §9): overview p95 at most 60 ms; list pages cost
the same at any depth; `bka overview rebuild` (timed here, with its commit) at most 30 s.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import re
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from common import migrated_app, percentiles  # noqa: E402

from bka.domain import analyses as ops  # noqa: E402
from bka.domain import follow_up, overview, tallies  # noqa: E402
from bka.domain.accounts import create_user, password_hasher  # noqa: E402
from bka.domain.follow_up_report import REASSESSMENT  # noqa: E402
from bka.extensions import db  # noqa: E402
from bka.models import (  # noqa: E402
    Analysis,
    Checkpoint,
    ChildGroup,
    Consultation,
    DecisionRecord,
    Impact,
    Indicator,
    Measure,
    Membership,
    OverviewTally,
    Reading,
    ReviewRound,
    Revision,
    SignOff,
    StepAnswer,
    VersionLink,
)

PASSWORD = "benchmark password 2024"  # noqa: S105 - a throwaway database
ORGANISATIONS = [f"Region {name}" for name in ("Västra Götaland", "Skåne", "Halland", "Uppsala")]
ORGANISATIONS += [
    f"{name} kommun"
    for name in (
        "Borås",
        "Mölndals",
        "Trollhättans",
        "Lerums",
        "Kungälvs",
        "Alingsås",
        "Uddevalla",
        "Skövde",
        "Lidköpings",
        "Varbergs",
        "Falkenbergs",
        "Kungsbacka",
        "Partille",
        "Härryda",
        "Ale",
        "Stenungsunds",
        "Vänersborgs",
        "Mariestads",
        "Falköpings",
        "Ulricehamns",
        "Tranemo",
        "Svenljunga",
        "Marks",
        "Bollebygds",
        "Tjörns",
        "Orusts",
    )
]
TOPICS = ["skolskjuts", "journal", "vårdval", "detaljplan", "bistånd"]
AREAS = ["health_care", "digital", "education", "social_services", "planning"]
STATUS_WEIGHTS = {
    "draft": 15,
    "in_review": 5,
    "changes_requested": 5,
    "approved": 10,
    "decided": 20,
    "follow_up": 20,
    "closed": 15,
    "screened_out": 10,
}
REVIEWED = {"approved", "decided", "follow_up", "closed", "screened_out"}
ARTICLES = [2, 3, 6, 12, 13, 16, 17, 18, 19, 23, 24, 28, 29, 31, 39]
TODAY = date.today()
REBUILD_BUDGET_S = 30  # `bka overview rebuild` at 100,000 analyses
AGE_BANDS = ["0-1", "1-5", "6-12", "13-15", "16-17", "0-17"]


def _measure_status(analysis_status: str, due: date, rng: random.Random) -> str:
    """Most measures are done some months after their due date, all of them once closed."""
    if analysis_status == "closed" or (due < TODAY - timedelta(days=90) and rng.random() < 0.9):
        return "done"
    return rng.choice(["planned", "in_progress", "in_progress", "done"])


DECIDED = ("decided", "follow_up", "closed")
# Of the analyses in follow-up, this share has opened a re-assessment (a linked draft).
REASSESSED = 0.03


def _follow_up_rows(
    rows: dict[str, list],
    analysis_id: int,
    status: str,
    decided_on: date,
    indicator_ids: list[int],
    user_id: int,
    rng: random.Random,
) -> None:
    """The checkpoints a decision offers (most past ones closed), and a reading of every
    indicator at each checkpoint that has passed."""
    for months, _title in follow_up.OFFERED_CHECKPOINTS:
        due = follow_up.add_months(decided_on, months)
        closed = due < TODAY and (status == "closed" or rng.random() < 0.85)
        rows["checkpoint"].append(
            {
                "analysis_id": analysis_id,
                "recorded_by_id": user_id,
                "title": "Kontrollpunkt",
                "due_on": due,
                "closed_on": due + timedelta(days=rng.randrange(0, 30)) if closed else None,
                "fared": rng.choice(follow_up.FARED) if closed else None,
                "conclusion": "Slutsats." if closed else "",
                "changes": "",
                "final": closed and status == "closed" and months == 36,
            }
        )
        if due >= TODAY:
            continue
        for indicator_id in indicator_ids:
            rows["reading"].append(
                {
                    "analysis_id": analysis_id,
                    "recorded_by_id": user_id,
                    "indicator_id": indicator_id,
                    "value": float(rng.randrange(30, 90)),
                    "measured_on": due,
                    "source": "1177",
                    "comment": "",
                }
            )


def seed(count: int, rng: random.Random) -> int:
    """Insert `count` analyses and their rows; returns a reviewer's id."""
    hasher = password_hasher(
        {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST_KIB": 8192, "ARGON2_PARALLELISM": 1}
    )
    admin = create_user(
        hasher, email="admin@example.se", name="Admin", password=PASSWORD, role="admin"
    )
    reviewers = [
        create_user(
            hasher,
            email=f"r{i}@example.se",
            name=f"Granskare {i}",
            password=PASSWORD,
            role="reviewer",
        )
        for i in range(40)
    ]
    from flask import current_app

    template = ops.create_analysis(
        current_app.extensions["bka_library"],
        admin,
        title="Mall",
        organisation=ORGANISATIONS[0],
        decision_area="digital",
    )
    db.session.flush()
    revision = Revision(
        analysis_id=template.id,
        number=1,
        analysis_version=1,
        reason="seed",
        actor_id=admin.id,
        content={},
        sha256="0" * 64,
    )
    db.session.add(revision)
    db.session.commit()
    revisions = (
        template.method_revision_id,
        template.convention_revision_id,
        template.pack_revision_id,
    )
    statuses = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()), k=count)
    start = datetime(2020, 1, 1, tzinfo=UTC)
    next_id = template.id + 1
    group_id = impact_id = indicator_id = 1
    drafts: list[int] = []  # drafts not yet linked: the re-assessments' new versions
    batch = 5000
    for offset in range(0, count, batch):
        rows: dict[str, list] = {
            name: []
            for name in (
                "analysis",
                "member",
                "answer",
                "group",
                "impact",
                "consultation",
                "measure",
                "indicator",
                "round",
                "sign_off",
                "decision",
                "checkpoint",
                "reading",
                "link",
            )
        }
        for index in range(offset, min(offset + batch, count)):
            analysis_id = next_id + index
            status = statuses[index]
            created = start + timedelta(minutes=rng.randrange(0, 7 * 365 * 24 * 60))
            level = (
                "none"
                if status == "screened_out"
                else rng.choice(["simplified", "in_depth", "in_depth"])
            )
            planned = (created + timedelta(days=rng.randrange(30, 240))).date()
            organisation = rng.choice(ORGANISATIONS)
            rows["analysis"].append(
                {
                    "id": analysis_id,
                    "title": f"Beslut {index}: {rng.choice(TOPICS)}",
                    "organisation": organisation,
                    "decision_area": rng.choice(AREAS),
                    "diarienummer": f"DNR {created.year}-{index:06d}",
                    "planned_decision_date": planned,
                    "status": status,
                    "version": 1,
                    "screening_level": level,
                    "method_revision_id": revisions[0],
                    "convention_revision_id": revisions[1],
                    "pack_revision_id": revisions[2],
                    "created_at": created,
                    "created_by_id": admin.id,
                    "updated_at": created + timedelta(days=rng.randrange(0, 200)),
                    "updated_by_id": admin.id,
                    "search_text": "",
                }
            )
            rows["member"].append(
                {"analysis_id": analysis_id, "user_id": admin.id, "role": "owner"}
            )
            if level == "none":
                continue
            heard = rng.choices(["yes", "no", "unsure"], weights=[60, 30, 10])[0]
            answers = {"children_heard": heard}
            if heard == "no":
                answers["not_heard_reason"] = (
                    "Tidsbrist; ungdomsrådets tidigare synpunkter användes."
                )
            rows["answer"].append(
                {
                    "analysis_id": analysis_id,
                    "step_key": "participation",
                    "answers": answers,
                    "completed": True,
                    "updated_at": created,
                    "updated_by_id": admin.id,
                    "lock_version": 1,
                }
            )
            for _ in range(rng.randint(2, 4) if level == "in_depth" else 1):
                band = rng.choice(AGE_BANDS)
                rows["group"].append(
                    {
                        "id": group_id,
                        "analysis_id": analysis_id,
                        "label": f"Barn {band}",
                        "age_band": band,
                        "relation": rng.choice(["user", "relative", "indirect"]),
                        "vulnerable_situations": rng.sample(
                            ["poverty", "migrant", "in_care", "lgbtq"], k=rng.randint(0, 2)
                        ),
                        "number_source": "",
                    }
                )
                for article in rng.sample(ARTICLES, k=rng.randint(1, 3)):
                    rows["impact"].append(
                        {
                            "id": impact_id,
                            "analysis_id": analysis_id,
                            "article": article,
                            "child_group_id": group_id,
                            "direction": rng.choices(
                                ["strengthens", "weakens", "neutral", "unknown"],
                                weights=[40, 30, 20, 10],
                            )[0],
                            "term": "short",
                            "severity": "medium",
                            "likelihood": "possible",
                            "explanation": "Beskrivning av påverkan.",
                        }
                    )
                    impact_id += 1
                group_id += 1
            if heard == "yes":
                for _ in range(rng.randint(1, 3)):
                    rows["consultation"].append(
                        {
                            "analysis_id": analysis_id,
                            "method": "focus_group",
                            "children_count": rng.randint(4, 40),
                            "age_from": 10,
                            "age_to": 17,
                            "adaptations": "",
                            "views": "",
                            "influence": "",
                        }
                    )
            for _ in range(rng.randint(0, 4)):
                due = planned + timedelta(days=rng.randrange(-60, 400))
                rows["measure"].append(
                    {
                        "analysis_id": analysis_id,
                        "description": "Åtgärd",
                        "owner": "Ansvarig",
                        "due_date": due,
                        "status": _measure_status(status, due, rng),
                    }
                )
            indicator_ids = []
            for _ in range(rng.randint(0, 3) if level == "in_depth" else 0):
                indicator_ids.append(indicator_id)
                rows["indicator"].append(
                    {
                        "id": indicator_id,
                        "analysis_id": analysis_id,
                        "name": "Andel unga med egen e-tjänståtkomst",
                        "baseline": "40 %",
                        "target": "70 %",
                        "source": "1177",
                        "responsible": "Verksamhetschef",
                        "measure_on": planned + timedelta(days=rng.randrange(90, 720)),
                        "unit": "%",
                        "baseline_value": 40.0,
                        "target_value": 70.0,
                    }
                )
                indicator_id += 1
            if status == "draft":
                drafts.append(analysis_id)
            if status in REVIEWED or status in ("in_review", "changes_requested"):
                reviewer = rng.choice(reviewers)
                rounds = rng.randint(1, 3)
                for number in range(1, rounds + 1):
                    last = number == rounds
                    outcome = ("signed" if status in REVIEWED else None) if last else "returned"
                    if status == "changes_requested" and last:
                        outcome = "returned"
                    rows["round"].append(
                        {
                            "analysis_id": analysis_id,
                            "number": number,
                            "reviewer_id": reviewer.id,
                            "submitted_by_id": admin.id,
                            "submitted_revision_id": revision.id,
                            "submitted_at": created,
                            "verdicts": {},
                            "rubric": {"children_heard": rng.choice(["yes", "partly", "no"])},
                            "reasons": "",
                            "outcome": outcome,
                            "completed_at": created if outcome else None,
                        }
                    )
                if status in REVIEWED:
                    signed = created + timedelta(days=rng.randrange(14, 120))
                    rows["sign_off"].append(
                        {
                            "analysis_id": analysis_id,
                            "revision_id": revision.id,
                            "analysis_version": 1,
                            "signer_id": reviewer.id,
                            "signer_name": reviewer.name,
                            "signer_title": "Granskare",
                            "signed_at": signed,
                            "sha256": "0" * 64,
                            "statements": [],
                            "locale": "sv",
                        }
                    )
                    if status in DECIDED:
                        decided_on = signed.date() + timedelta(days=rng.randrange(7, 60))
                        _follow_up_rows(
                            rows, analysis_id, status, decided_on, indicator_ids, admin.id, rng
                        )
                        if status == "follow_up" and drafts and rng.random() < REASSESSED:
                            rows["link"].append(
                                {
                                    "previous_analysis_id": analysis_id,
                                    "next_analysis_id": drafts.pop(),
                                    "reason": REASSESSMENT,
                                    "created_at": created,
                                }
                            )
                        rows["decision"].append(
                            {
                                "analysis_id": analysis_id,
                                "analysis_version": 1,
                                "decision_body": "Nämnden",
                                "decided_on": decided_on,
                                "reference": "§ 1",
                                "diarienummer": "",
                                "outcome": "adopted",
                                "best_interests_weighing": "Vägt.",
                                "recorded_by_id": admin.id,
                                "recorded_at": signed,
                            }
                        )
        for model, name in (
            (Analysis, "analysis"),
            (Membership, "member"),
            (StepAnswer, "answer"),
            (ChildGroup, "group"),
            (Impact, "impact"),
            (Consultation, "consultation"),
            (Measure, "measure"),
            (Indicator, "indicator"),
            (ReviewRound, "round"),
            (SignOff, "sign_off"),
            (DecisionRecord, "decision"),
            (Checkpoint, "checkpoint"),
            (Reading, "reading"),
            (VersionLink, "link"),
        ):
            if rows[name]:
                db.session.execute(insert(model), rows[name])
        db.session.commit()
    return reviewers[0].id


def timed(client, url: str, repeat: int) -> tuple[float, float]:
    client.get(url)  # warm up
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return percentiles(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--analyses", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument(
        "--rebuild-only",
        action="store_true",
        help="seed and rebuild, then stop (with --profile: where the rebuild spends its time)",
    )
    parser.add_argument("--profile", action="store_true", help="run the rebuild under cProfile")
    args = parser.parse_args()
    rng = random.Random(2024)
    with tempfile.TemporaryDirectory() as folder:
        app = migrated_app(folder)
        with app.test_request_context():
            started = time.perf_counter()
            reviewer_id = seed(args.analyses, rng)
            seeded = time.perf_counter()
            cpu = time.process_time()
            profile = cProfile.Profile() if args.profile else None
            if profile:
                profile.enable()
            rebuilt_from = tallies.rebuild(db.session)
            db.session.commit()
            if profile:
                profile.disable()
            rebuild_seconds = time.perf_counter() - seeded
            rebuild_cpu = time.process_time() - cpu
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
            counts = {
                model.__tablename__: db.session.scalar(select(db.func.count()).select_from(model))
                for model in (
                    Analysis,
                    Impact,
                    Consultation,
                    Measure,
                    ReviewRound,
                    Checkpoint,
                    Reading,
                    VersionLink,
                    OverviewTally,
                )
            }
            deep = overview.list_page(db.session, overview.Filters(), size=1)
            for _ in range(3):  # a cursor about 1,500 rows (30 pages) in, found by seeking
                deep = overview.list_page(db.session, overview.Filters(), after=deep.next, size=500)
            deep_cursor = deep.next.encode()
        print(f"seeded {counts} in {seeded - started:.0f} s")
        verdict = "within" if rebuild_seconds <= REBUILD_BUDGET_S else "OVER"
        print(
            f"bka overview rebuild: {rebuilt_from:,} analyses -> "
            f"{counts['overview_tally']:,} tally rows in {rebuild_seconds:.1f} s "
            f"({rebuild_cpu:.1f} s CPU; {verdict} the {REBUILD_BUDGET_S} s budget)"
        )
        if profile:
            pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
        if args.rebuild_only:
            return
        client = app.test_client()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").text)
        login = {"email": "admin@example.se", "password": PASSWORD, "csrf_token": token.group(1)}
        assert client.post("/login", data=login).status_code == 302
        year = date.today().year - 1
        overview_filters = (
            ("no filter", "", overview.Filters()),
            (f"year {year}", f"?year={year}", overview.Filters(year=year)),
            (
                "one organisation",
                "?organisation=Borås+kommun",
                overview.Filters(organisation="Borås kommun"),
            ),
            (
                "area + status",
                "?decision_area=education&status=follow_up",
                overview.Filters(decision_area="education", status="follow_up"),
            ),
            (
                "one reviewer",
                f"?reviewer={reviewer_id}",
                overview.Filters(reviewer_id=reviewer_id),
            ),
            (
                "reviewer + area",
                f"?reviewer={reviewer_id}&decision_area=digital",
                overview.Filters(reviewer_id=reviewer_id, decision_area="digital"),
            ),
        )
        with app.test_request_context():
            # The follow-up figures alone (counted live on their tables), part of each overview.
            for label, _query, filters in overview_filters:
                samples = []
                for _ in range(args.repeat):
                    started = time.perf_counter()
                    overview.add_follow_up_results(db.session, filters, TODAY, overview.Overview())
                    samples.append((time.perf_counter() - started) * 1000)
                p50, p95 = percentiles(samples)
                print(
                    f"{'follow-up figures, ' + label:<30} n={args.repeat:<3} "
                    f"p50={p50:6.1f} ms  p95={p95:6.1f} ms"
                )
        for label, url in (
            *((f"overview, {label}", f"/admin/{query}") for label, query, _ in overview_filters),
            ("list, first page", "/admin/analyses"),
            ("list, 30 pages deep", f"/admin/analyses?after={deep_cursor}"),
            ("list, filtered by year", f"/admin/analyses?year={year}"),
            ("list, search", "/admin/analyses?q=dnr+2023-0123"),
        ):
            p50, p95 = timed(client, url, args.repeat)
            print(f"{label:<30} n={args.repeat:<3} p50={p50:6.1f} ms  p95={p95:6.1f} ms")


if __name__ == "__main__":
    main()
