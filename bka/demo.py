"""Demo data for `bka demo`: three users and the analyses in bka/demo_content.py.

Loading is idempotent: users are matched by e-mail and analyses by title, so running it twice
changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from bka import reporting
from bka.domain import analyses as ops
from bka.domain import lifecycle
from bka.domain.accounts import create_user, find_user, password_hasher
from bka.domain.checklists import Library
from bka.domain.entries import ENTRY_KINDS
from bka.domain.progress import load_state
from bka.extensions import db
from bka.models import Analysis, User


@dataclass(frozen=True)
class DemoUser:
    key: str
    email: str
    name: str
    password: str
    role: str


# Documented in the README; for demonstrations on a local machine only.
DEMO_USERS = (
    DemoUser("team", "team@example.se", "Tove Projektledare", "demo-team-2024", "member"),
    DemoUser(
        "reviewer", "granskare@example.se", "Gustav Granskare", "demo-granskare-2024", "reviewer"
    ),
    DemoUser("admin", "admin@example.se", "Anna Administratör", "demo-admin-2024", "admin"),
)

_DATE_FIELDS = {"held_on", "due_date", "measure_on"}


def _as_date(value):
    return date.fromisoformat(value) if isinstance(value, str) else value


def _users(config) -> dict[str, User]:
    hasher = password_hasher(config)
    users = {}
    for demo in DEMO_USERS:
        user = find_user(demo.email) or create_user(
            hasher,
            email=demo.email,
            name=demo.name,
            password=demo.password,
            role=demo.role,
            locale="sv",
        )
        users[demo.key] = user
    return users


def _load_analysis(library: Library, spec: dict, users: dict[str, User]) -> None:
    owner = users[spec["owner"]]
    analysis = ops.create_analysis(
        library,
        owner,
        title=spec["title"],
        organisation=spec["organisation"],
        decision_area=spec["decision_area"],
        diarienummer=spec.get("diarienummer"),
        planned_decision_date=_as_date(spec.get("planned_decision_date")),
    )
    for user_key, role in spec.get("members", []):
        ops.add_member(analysis, users[user_key].email, role, owner)
    checklists = ops.checklists_for(analysis)
    for step in checklists.method.steps:  # answers first: impacts need the engaged articles
        if step.key in spec.get("answers", {}):
            ops.save_step(analysis, checklists, step.key, spec["answers"][step.key], owner)
    group_ids: dict[str, int] = {}
    for kind_name in ENTRY_KINDS:
        for raw in spec.get(kind_name, []):
            values = {
                key: _as_date(value) if key in _DATE_FIELDS else value for key, value in raw.items()
            }
            if kind_name == "impacts":
                values["child_group_id"] = group_ids[values.pop("group")]
            ref = values.pop("ref", None)
            state = load_state(analysis, checklists)
            entry = ops.save_entry(state, ENTRY_KINDS[kind_name], values, owner)
            if ref:
                group_ids[ref] = entry.id
    for step_key in spec.get("completed_steps", []):
        answers = spec.get("answers", {}).get(step_key, {})
        ops.save_step(analysis, checklists, step_key, answers, owner, mark_completed=True)
    _drive_lifecycle(
        analysis, checklists, spec.get("final_status", "draft"), owner, users["reviewer"]
    )


# The moves that lead from a draft to each status, made through the real lifecycle.
_PATHS = {
    "draft": (),
    "in_review": ("submit",),
    "changes_requested": ("submit", "return"),
    "approved": ("submit", "sign_off"),
    "screened_out": ("submit", "sign_off"),
    "decided": ("submit", "sign_off", "record_decision"),
    "follow_up": ("submit", "sign_off", "record_decision", "start_follow_up"),
    "closed": ("submit", "sign_off", "record_decision", "start_follow_up", "close"),
}


def _drive_lifecycle(analysis, checklists, target: str, owner: User, reviewer: User) -> None:
    review = {
        "verdicts": {},
        "rubric": dict.fromkeys(lifecycle.RUBRIC_ITEMS, "yes"),
        "reasons": "",
        "comments": {},
    }
    for move in _PATHS[target]:
        if move == "submit":
            lifecycle.submit_for_review(analysis, checklists, owner, reviewer)
        elif move == "return":
            lifecycle.return_for_changes(
                analysis,
                checklists,
                reviewer,
                **{
                    **review,
                    "verdicts": {"participation": "changes"},
                    "rubric": {**review["rubric"], "children_heard": "partly"},
                    "reasons": "Redovisa hur barnens synpunkter påverkade förslaget, och hur "
                    "barn med annat modersmål än svenska har kommit till tals.",
                    "comments": {
                        "participation": "Beskriv vad ungdomsrådet sa om egen "
                        "inloggning och vad ni ändrade efter det."
                    },
                },
            )
        elif move == "sign_off":
            target_status = "screened_out" if lifecycle.is_no_bka(analysis) else "approved"
            reporting.sign_off_and_archive(
                analysis,
                checklists,
                reviewer,
                **review,
                title="Barnrättsstrateg, Koncernkontoret",
                statements=list(lifecycle.ATTESTATIONS[target_status]),
                locale="sv",
            )
        elif move == "record_decision":
            lifecycle.record_decision(
                analysis,
                checklists,
                owner,
                decision_body="Regionstyrelsen",
                decided_on=analysis.planned_decision_date or date(2024, 6, 18),
                reference="§ 142, protokoll från regionstyrelsens sammanträde",
                diarienummer=analysis.diarienummer or "",
                outcome="adopted_with_changes",
                best_interests_weighing=(
                    "Barnets bästa vägdes mot patientsäkerheten i stort och kostnaderna. "
                    "Beslutet fattades med de barnrättsliga villkor och kontrollpunkter som "
                    "barnkonsekvensanalysen föreslog."
                ),
            )
        else:
            lifecycle.transition(analysis, checklists, move, owner)


def _waves(spec: dict) -> list[dict]:
    """Later waves of the Millennium rollout: complete analyses in the remaining statuses."""
    waves = [
        ("våg 2: Skaraborg", "in_review"),
        ("våg 3: Fyrbodal", "changes_requested"),
        ("våg 4: Göteborg och Drottning Silvias barnsjukhus", "approved"),
        ("våg 1: uppföljning i Södra Älvsborg", "follow_up"),
        ("pilot: Frölunda specialistsjukhus", "closed"),
    ]
    return [
        {
            **spec,
            "title": f"{spec['title']}, {suffix}",
            "final_status": status,
            "diarienummer": f"{spec['diarienummer']}-{index}",
        }
        for index, (suffix, status) in enumerate(waves, start=2)
    ]


def load_demo(library: Library, config) -> int:
    """Create what is missing of the demo data; returns how many analyses were created."""
    from bka.demo_content import ANALYSES

    users = _users(config)
    existing = set(db.session.scalars(select(Analysis.title)))
    created = 0
    for spec in [*ANALYSES, *_waves(ANALYSES[0])]:
        if spec["title"] in existing:
            continue
        _load_analysis(library, spec, users)
        created += 1
    db.session.flush()
    return created
