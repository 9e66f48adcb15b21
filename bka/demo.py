"""Demo data for `bka demo`: three users and the analyses in bka/demo_content.py.

Loading is idempotent: users are matched by e-mail and analyses by title, so running it twice
changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from bka.domain import analyses as ops
from bka.domain import lifecycle, reporting
from bka.domain.accounts import create_user, find_user, password_hasher
from bka.domain.checklists import Library
from bka.domain.entries import ENTRY_KINDS
from bka.domain.progress import load_state
from bka.extensions import db
from bka.models import Analysis, ReviewRound, SignOff, User


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
            check_rules=False,  # the README's demo passwords, for a local machine only
        )
        users[demo.key] = user
    return users


def _load_analysis(library: Library, spec: dict, users: dict[str, User]) -> Analysis:
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
    return analysis


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


# Other regions and municipalities that made the same kind of analysis in other years, so that
# the administrators' overview has something to compare: (organisation, year, status, heard).
_PEERS = (
    ("Region Skåne, Koncernkontoret", 2022, "closed", "yes"),
    ("Region Skåne, Koncernkontoret", 2023, "follow_up", "no"),
    ("Region Halland, Regionkontoret", 2022, "closed", "no"),
    ("Region Halland, Regionkontoret", 2023, "decided", "yes"),
    ("Region Uppsala, Regionkontoret", 2023, "follow_up", "yes"),
    ("Region Uppsala, Regionkontoret", 2024, "approved", "unsure"),
    ("Region Värmland, Regionledningskontoret", 2024, "decided", "no"),
    ("Region Värmland, Regionledningskontoret", 2025, "in_review", "yes"),
    ("Region Östergötland, Regionledningskontoret", 2024, "changes_requested", "no"),
    ("Region Östergötland, Regionledningskontoret", 2025, "follow_up", "yes"),
    ("Region Jönköpings län, Regionledningskontoret", 2025, "decided", "yes"),
    ("Region Jönköpings län, Regionledningskontoret", 2026, "draft", "unanswered"),
    ("Region Stockholm, Hälso- och sjukvårdsförvaltningen", 2025, "approved", "yes"),
    ("Region Stockholm, Hälso- och sjukvårdsförvaltningen", 2026, "in_review", "no"),
    ("Borås Stad, Förskoleförvaltningen", 2023, "closed", "yes"),
    ("Borås Stad, Förskoleförvaltningen", 2025, "decided", "no"),
)
_NOT_HEARD_REASON = (
    "Tidplanen medgav ingen egen dialog före beslutet. Barnperspektivet hämtades från "
    "ungdomsrådets yttrande och Elevhälsoenkäten; en dialog med unga hålls i uppföljningen."
)


def _peers(spec: dict) -> list[dict]:
    """The Millennium analysis as other organisations made it, in other years and states."""
    peers = []
    for index, (organisation, year, status, heard) in enumerate(_PEERS, start=1):
        participation = dict(spec["answers"]["participation"])
        if heard == "unanswered":
            participation.pop("children_heard", None)
        else:
            participation["children_heard"] = heard
        if heard in ("no", "unsure"):
            participation["not_heard_reason"] = _NOT_HEARD_REASON
        peers.append(
            {
                **spec,
                "title": f"{spec['title']}: {organisation.split(',')[0]} {year}",
                "organisation": organisation,
                "diarienummer": f"RS {year}-{100 + index:05d}",
                "planned_decision_date": date(year, 3 + index % 9, 10 + index % 15),
                "final_status": status,
                "answers": {**spec["answers"], "participation": participation},
                "completed_steps": [
                    step
                    for step in spec["completed_steps"]
                    if heard != "unanswered" or step != "participation"
                ],
                "backdate": True,
            }
        )
    return peers


def _backdate(analysis: Analysis) -> None:
    """Move a peer's dates to its own year, so lead times and years look as they would."""
    planned = analysis.planned_decision_date
    started = datetime.combine(planned - timedelta(days=150), datetime.min.time(), tzinfo=UTC)
    analysis.created_at = started
    for number, review in enumerate(_rounds_of(analysis), start=1):
        review.submitted_at = started + timedelta(days=60 + 20 * number)
        if review.completed_at is not None:
            review.completed_at = review.submitted_at + timedelta(days=10)
    for signature in _sign_offs_of(analysis):
        signature.signed_at = started + timedelta(days=120)


def load_demo(library: Library, config) -> int:
    """Create what is missing of the demo data; returns how many analyses were created."""
    from bka.demo_content import ANALYSES

    users = _users(config)
    existing = set(db.session.scalars(select(Analysis.title)))
    created = 0
    for spec in [*ANALYSES, *_waves(ANALYSES[0]), *_peers(ANALYSES[0])]:
        if spec["title"] in existing:
            continue
        analysis = _load_analysis(library, spec, users)
        if spec.get("backdate"):
            _backdate(analysis)
        created += 1
    db.session.flush()
    return created


def _rounds_of(analysis: Analysis) -> list[ReviewRound]:
    return list(
        db.session.scalars(select(ReviewRound).where(ReviewRound.analysis_id == analysis.id))
    )


def _sign_offs_of(analysis: Analysis) -> list[SignOff]:
    return list(db.session.scalars(select(SignOff).where(SignOff.analysis_id == analysis.id)))
