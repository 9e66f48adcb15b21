"""Benchmarks: step pages on a database with 10,000 analyses.

Seeds a fresh SQLite database (in a temporary folder) through the real migrations, then times
requests through the Flask app in-process, so the figures are server time without network.
Prints p50/p95/max in milliseconds. Budget (DESIGN.md §9): a form step well under 25 ms at p95.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from common import migrated_app, percentiles  # noqa: E402

from bka.domain import analyses as ops  # noqa: E402
from bka.domain.accounts import create_user, password_hasher  # noqa: E402
from bka.extensions import db  # noqa: E402
from bka.models import (  # noqa: E402
    Analysis,
    ChildGroup,
    Impact,
    Membership,
    StepAnswer,
)

PASSWORD = "benchmark-password"  # noqa: S105 - a throwaway benchmark account
STEPS_WITH_ANSWERS = ("screening", "decision", "children", "rights", "evidence")


def seed(app, count: int, rng: random.Random) -> tuple[int, str]:
    """Insert `count` analyses with answers, groups and impacts; returns one to measure."""
    with app.app_context():
        users = [
            create_user(
                password_hasher(app.config),
                email=f"user{n}@example.se",
                name=f"Användare {n}",
                password=PASSWORD,
            )
            for n in range(50)
        ]
        template = ops.create_analysis(
            app.extensions["bka_library"],
            users[0],
            title="Mall",
            organisation="Region",
            decision_area="digital",
        )
        db.session.commit()
        revisions = (
            template.method_revision_id,
            template.convention_revision_id,
            template.pack_revision_id,
        )
        now = datetime.now(UTC)
        areas = ["health_care", "digital", "education", "social_services", "planning"]
        batch = 1000
        for start in range(0, count, batch):
            rows = [
                {
                    "title": f"Analys {n}: införande av system {rng.randint(1, 999)}",
                    "organisation": f"Förvaltning {n % 40}",
                    "decision_area": rng.choice(areas),
                    "diarienummer": f"RS {2020 + n % 6}-{n:05d}",
                    "status": "draft",
                    "method_revision_id": revisions[0],
                    "convention_revision_id": revisions[1],
                    "pack_revision_id": revisions[2],
                    "created_at": now,
                    "updated_at": now,
                    "created_by_id": users[n % 50].id,
                    "updated_by_id": users[n % 50].id,
                }
                for n in range(start, min(start + batch, count))
            ]
            ids = db.session.scalars(db.insert(Analysis).returning(Analysis.id), rows).all()
            db.session.execute(
                db.insert(Membership),
                [
                    {"analysis_id": aid, "user_id": users[i % 50].id, "role": "owner"}
                    for i, aid in enumerate(ids)
                ],
            )
            db.session.execute(
                db.insert(StepAnswer),
                [
                    {
                        "analysis_id": aid,
                        "step_key": step,
                        "completed": rng.random() < 0.5,
                        "updated_at": now,
                        "updated_by_id": users[0].id,
                        "answers": {
                            "proposal": "Förslag " * 20,
                            "engaged_articles": [2, 3, 6, 12, 16, 24],
                            "children_affected": "directly",
                            "knowledge_gaps": "Luckor " * 30,
                        },
                    }
                    for aid in ids
                    for step in STEPS_WITH_ANSWERS
                ],
            )
            groups = db.session.scalars(
                db.insert(ChildGroup).returning(ChildGroup.id),
                [
                    {
                        "analysis_id": aid,
                        "label": f"Grupp {g}",
                        "age_band": "13-15",
                        "relation": "user",
                        "vulnerable_situations": ["protected_identity"],
                        "estimated_number": 1000,
                        "number_source": "SCB",
                    }
                    for aid in ids
                    for g in range(3)
                ],
            ).all()
            db.session.execute(
                db.insert(Impact),
                [
                    {
                        "analysis_id": ids[index // 3],
                        "article": article,
                        "child_group_id": gid,
                        "direction": rng.choice(["strengthens", "weakens", "neutral", "unknown"]),
                        "term": "short",
                        "severity": "medium",
                        "likelihood": "possible",
                        "explanation": "Förklaring " * 10,
                    }
                    for index, gid in enumerate(groups)
                    for article in (16, 24)
                ],
            )
            db.session.commit()
        target = db.session.scalar(
            db.select(Analysis.id)
            .where(Analysis.created_by_id == users[7].id)
            .order_by(Analysis.id.desc())
        )
        return target, users[7].email


def timed(call, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = call()
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code in (200, 302), response.status_code
    return samples


def report(name: str, samples: list[float]) -> None:
    p50, p95 = percentiles(samples)
    print(
        f"{name:<44} n={len(samples):<4} p50={p50:6.2f} ms  "
        f"p95={p95:6.2f} ms  max={max(samples):6.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--analyses", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(2024)
    with tempfile.TemporaryDirectory() as folder:
        app = migrated_app(folder)
        started = time.perf_counter()
        analysis_id, email = seed(app, args.analyses, rng)
        print(
            f"seeded {args.analyses} analyses in {time.perf_counter() - started:.1f} s "
            f"(SQLite, WAL)"
        )
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
        token = re.search(
            r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/account").get_data(as_text=True)
        ).group(1)
        base = f"/analyses/{analysis_id}"
        for path in (f"{base}/steps/decision", f"{base}/steps/impacts"):
            timed(lambda path=path: client.get(path), 20)  # warm caches
        report(
            "GET  step page (decision)",
            timed(lambda: client.get(f"{base}/steps/decision"), args.repeat),
        )
        report(
            "GET  step page (impacts, matrix)",
            timed(lambda: client.get(f"{base}/steps/impacts"), args.repeat),
        )
        counter = iter(range(10**6))
        report(
            "POST step page (decision, save draft)",
            timed(
                lambda: client.post(
                    f"{base}/steps/decision",
                    data={
                        "proposal": f"Förslag {next(counter)}",
                        "objectives": "Mål",
                        "save_later": "1",
                        "csrf_token": token,
                    },
                ),
                args.repeat,
            ),
        )
        report("GET  task-list hub", timed(lambda: client.get(base), args.repeat))
        report("GET  my analyses (200 of 10,000)", timed(lambda: client.get("/"), args.repeat))


if __name__ == "__main__":
    main()
