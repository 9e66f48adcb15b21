"""Demo data for `bka demo`: the users and analyses in bka/demo/data/.

data/users.toml holds the demo logins and data/analyses/*.toml one analysis each, loaded in the
order of the file names; the first is the Millennium analysis that the later waves of its rollout
(data/portfolio.toml) are copies of. Every other file is a decision of its own, with its own
answers and entries. Answers are keyed by step and question key as in checklists/method.toml;
pack prompts are stored as "prompt__<prompt key>" in the prompt's step. Dates are ISO strings.
No text identifies an individual child. Entries that others refer to carry a `ref`: an impact
names its child group, a trigger its indicator, and the `[follow_up]` of a decided analysis
(what happened after the decision) names the indicator, measure or impact a record is about.

Everything but a few public facts is invented, so each analysis the demo creates is marked as a
fictional example (bka.domain.examples), and its page and PDFs say so: "based on public
information" only where the file says `based_on_public_information = true` (the Millennium
rollout); the other analyses are invented throughout, real organisation names included.

What the reviewer and the decision-maker say, and the final conclusion of a closed analysis, are
the analysis's own too: its `[lifecycle]` table holds the texts the path to its final status needs
(`review`: signer_title, return_*; `decision`: body, reference, outcomes.<outcome>; `closing`),
and `decisions` lists the outcomes decided on it, oldest first.

Loading is idempotent: users are matched by e-mail and analyses by title, so running it twice
changes nothing.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select, update

from bka.demo.organisations import load_organisations
from bka.domain import analyses as ops
from bka.domain import examples, follow_up, lifecycle, reassessment, reporting
from bka.domain.accounts import create_user, find_user, password_hasher
from bka.domain.checklists import Library
from bka.domain.entries import ENTRY_KINDS
from bka.domain.permissions import FOLLOW_UP_STATUSES
from bka.domain.progress import load_state
from bka.extensions import db
from bka.models import (
    Analysis,
    EditLog,
    FollowUpEvent,
    Reading,
    ReviewRound,
    SignOff,
    TriggerHit,
    User,
    VersionLink,
)

DATA_DIR = Path(__file__).parent / "data"


class DemoDataError(ValueError):
    """A demo data file that cannot be loaded; the message names the file and the key."""


@dataclass(frozen=True)
class DemoUser:
    key: str
    email: str
    name: str
    password: str
    role: str


_DATE_FIELDS = {"held_on", "due_date", "measure_on", "feedback_given_on"}
_REQUIRED = ("title", "organisation", "decision_area", "owner", "final_status")
_OPTIONAL = (
    "diarienummer",
    "planned_decision_date",
    "members",
    "answers",
    "completed_steps",
    "follow_up",
    "decisions",
    "lifecycle",
    "based_on_public_information",
)
# [lifecycle]: the texts each part of the path to a status needs, and the keys each part allows.
_LIFECYCLE = {
    "review": (
        "signer_title",
        "rubric",
        "return_verdicts",
        "return_rubric",
        "return_reasons",
        "return_comments",
    ),
    "decision": ("body", "reference", "outcome", "outcomes"),
    "closing": ("fared", "conclusion", "learnt"),
}
_RETURN = ("return_verdicts", "return_rubric", "return_reasons", "return_comments")
_OUTCOME_TEXT = (
    "best_interests_weighing",
    "follows_conclusion",
    "follows_conclusion_reason",
    "reference",
    "days_before",
)
# Keys an entry has besides its fields: its `ref`, and the refs of the entries it points at.
_ENTRY_EXTRAS = {
    "child_groups": ("ref",),
    "impacts": ("group", "ref"),
    "measures": ("ref",),
    "indicators": ("ref",),
    "triggers": ("indicator",),
}
# Step 11's triggers for a pause or re-assessment, by condition: an event of `event_kind`, or
# an indicator (its ref) above, below or changed by `threshold`.
_EVENT_TRIGGER = ("description", "condition", "event_kind")
_INDICATOR_TRIGGER = ("description", "condition", "indicator", "threshold")
# [follow_up]: per kind of record, the keys it needs, and the entry its `ref` key names.
_FOLLOW_UP_REQUIRED = {
    "checkpoints": ("title", "due_on"),
    "readings": ("indicator", "value", "measured_on"),
    "measure_updates": ("measure", "status", "updated_on"),
    "observed_effects": ("impact", "observation", "observed_on"),
    "events": ("kind", "occurred_on", "title"),
    "child_feedback": ("given_on", "channel", "message"),
}
_FOLLOW_UP_REFS = {
    "readings": ("indicator", "indicators"),
    "measure_updates": ("measure", "measures"),
    "observed_effects": ("impact", "impacts"),
}
_FOLLOW_UP_CHOICES = {
    "fared": follow_up.FARED,
    "status": follow_up.MEASURE_PROGRESS,
    "observation": follow_up.OBSERVATIONS,
    "kind": follow_up.EVENT_KINDS,
}
# The date each record is recorded as of: when it happened, or when a checkpoint was closed.
_AS_OF = {
    "checkpoints": "closed_on",
    "readings": "measured_on",
    "measure_updates": "updated_on",
    "observed_effects": "observed_on",
    "events": "occurred_on",
    "child_feedback": "given_on",
}
_FOLLOW_UP_DATES = {"due_on", *_AS_OF.values()}
# [follow_up.reassessment]: the re-assessment opened for the trigger an event of this kind met.
_REASSESSMENT = ("event_kind", "opened_on")


def _read(path: Path) -> dict:
    try:
        with path.open("rb") as file:
            return tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        raise DemoDataError(f"{path}: {error}") from error


def _check_keys(path: Path, where: str, table, required, allowed) -> None:
    if not isinstance(table, dict):
        raise DemoDataError(f"{path}: {where} must be a table")
    for key in required:
        if key not in table:
            raise DemoDataError(f"{path}: {where} is missing the key {key!r}")
    for key in table:
        if key not in allowed:
            raise DemoDataError(f"{path}: {where} has an unknown key {key!r}")


def _check_date(path: Path, where: str, value) -> None:
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        raise DemoDataError(f"{path}: {where} is not an ISO date: {value!r}") from None


def _check_number(path: Path, where: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise DemoDataError(f"{path}: {where} is not a number: {value!r}")


def _check_choice(path: Path, where: str, value, choices) -> None:
    if value not in choices:
        raise DemoDataError(f"{path}: {where} is none of {', '.join(choices)}: {value!r}")


def _check_list(path: Path, where: str, value) -> list:
    if not isinstance(value, list):
        raise DemoDataError(f"{path}: {where} must be a list of tables")
    return value


def _check_triggers(path: Path, triggers, refs: dict[str, set]) -> None:
    for index, trigger in enumerate(_check_list(path, "triggers", triggers)):
        where = f"triggers[{index}]"
        _check_keys(path, where, trigger, ("condition",), {*_EVENT_TRIGGER, *_INDICATOR_TRIGGER})
        _check_choice(path, f"{where}.condition", trigger["condition"], follow_up.CONDITIONS)
        keys = _EVENT_TRIGGER if trigger["condition"] == follow_up.EVENT else _INDICATOR_TRIGGER
        _check_keys(path, where, trigger, keys, keys)
        if "event_kind" in trigger:
            _check_choice(path, f"{where}.event_kind", trigger["event_kind"], follow_up.EVENT_KINDS)
        elif trigger["indicator"] not in refs["indicators"]:
            raise DemoDataError(f"{path}: {where}.indicator {trigger['indicator']!r} is no ref")
        else:
            _check_number(path, f"{where}.threshold", trigger["threshold"])


def _check_follow_up(path: Path, spec: dict, refs: dict[str, set]) -> None:
    """[follow_up]: only after a decision; known keys, ISO dates, known choices and refs."""
    if spec["final_status"] not in FOLLOW_UP_STATUSES:
        raise DemoDataError(
            f"{path}: follow_up needs final_status {' or '.join(sorted(FOLLOW_UP_STATUSES))}"
        )
    records = spec["follow_up"]
    _check_keys(path, "follow_up", records, (), {*follow_up.FOLLOW_UP_KINDS, "reassessment"})
    if "reassessment" in records:
        opened = records["reassessment"]
        _check_keys(path, "follow_up.reassessment", opened, _REASSESSMENT, _REASSESSMENT)
        _check_choice(
            path, "follow_up.reassessment.event_kind", opened["event_kind"], follow_up.EVENT_KINDS
        )
        _check_date(path, "follow_up.reassessment.opened_on", opened["opened_on"])
    for kind_name, kind in follow_up.FOLLOW_UP_KINDS.items():
        ref_key, entry_kind = _FOLLOW_UP_REFS.get(kind_name, (None, None))
        allowed = [ref_key if name == kind.parent_field else name for name in kind.fields]
        for index, record in enumerate(
            _check_list(path, f"follow_up.{kind_name}", records.get(kind_name, []))
        ):
            where = f"follow_up.{kind_name}[{index}]"
            _check_keys(path, where, record, _FOLLOW_UP_REQUIRED[kind_name], allowed)
            for key in _FOLLOW_UP_DATES & record.keys():
                _check_date(path, f"{where}.{key}", record[key])
            for key in _FOLLOW_UP_CHOICES.keys() & record.keys():
                _check_choice(path, f"{where}.{key}", record[key], _FOLLOW_UP_CHOICES[key])
            if "value" in record:
                _check_number(path, f"{where}.value", record["value"])
            if ref_key and record[ref_key] not in refs[entry_kind]:
                raise DemoDataError(f"{path}: {where}.{ref_key} {record[ref_key]!r} is no ref")


def read_users(path: Path = DATA_DIR / "users.toml") -> tuple[DemoUser, ...]:
    names = [f.name for f in fields(DemoUser)]
    data = _read(path)
    _check_keys(path, "the file", data, ("users",), ("users",))
    for index, raw in enumerate(data["users"]):
        _check_keys(path, f"users[{index}]", raw, names, names)
    users = tuple(DemoUser(**raw) for raw in data["users"])
    if "reviewer" not in {user.key for user in users}:  # reviews every analysis it submits
        raise DemoDataError(f"{path}: no user has the key 'reviewer'")
    return users


def read_analyses(directory: Path = DATA_DIR / "analyses", user_keys=None) -> list[dict]:
    """Every analysis file in `directory` by file name, checked for what needs no checklists."""
    user_keys = set(user_keys or (user.key for user in DEMO_USERS))
    specs = []
    for path in sorted(directory.glob("*.toml")):
        spec = _read(path)
        _check_keys(path, "the file", spec, _REQUIRED, {*_REQUIRED, *_OPTIONAL, *ENTRY_KINDS})
        if spec["final_status"] not in _PATHS:
            raise DemoDataError(f"{path}: unknown final_status {spec['final_status']!r}")
        members = spec.get("members", [])
        for index, member in enumerate(members):
            _check_keys(path, f"members[{index}]", member, ("user", "role"), ("user", "role"))
        for user_key in (spec["owner"], *(member["user"] for member in members)):
            if user_key not in user_keys:
                raise DemoDataError(f"{path}: unknown user {user_key!r}")
        if "planned_decision_date" in spec:
            _check_date(path, "planned_decision_date", spec["planned_decision_date"])
        for step_key, answers in spec.get("answers", {}).items():
            if not isinstance(answers, dict):
                raise DemoDataError(f"{path}: answers.{step_key} must be a table")
        # Child groups come first in ENTRY_KINDS, as they are loaded first.
        refs: dict[str, set] = {kind_name: set() for kind_name in ENTRY_KINDS}
        for kind_name, kind in ENTRY_KINDS.items():
            required = ("group",) if kind_name == "impacts" else ()
            allowed = {*kind.fields, *_ENTRY_EXTRAS.get(kind_name, ())}
            for index, entry in enumerate(spec.get(kind_name, [])):
                where = f"{kind_name}[{index}]"
                _check_keys(path, where, entry, required, allowed)
                for key in _DATE_FIELDS & entry.keys():
                    _check_date(path, f"{where}.{key}", entry[key])
                for key in (
                    "baseline_value",
                    "target_value",
                    "reading_every_months",
                ) & entry.keys():
                    _check_number(path, f"{where}.{key}", entry[key])
                if "ref" in entry:
                    refs[kind_name].add(entry["ref"])
                if kind_name == "impacts" and entry["group"] not in refs["child_groups"]:
                    raise DemoDataError(f"{path}: {where}.group {entry['group']!r} is no ref")
        if "triggers" in spec:
            _check_triggers(path, spec["triggers"], refs)
        if "follow_up" in spec:
            _check_follow_up(path, spec, refs)
        _check_lifecycle(path, "the file", spec)
        specs.append({**spec, "source": str(path)})
    return specs


def _check_lifecycle(path: Path, where: str, spec: dict) -> None:
    """The analysis's own texts for every move to its final status: a reviewer's title to sign,
    the reasons to send it back, the decision body and each outcome's text, the closing."""
    status = spec["final_status"]
    texts = spec.get("lifecycle", {})
    _check_keys(path, f"{where}: lifecycle", texts, (), _LIFECYCLE.keys())
    for part, allowed in _LIFECYCLE.items():
        if part in texts:
            _check_keys(path, f"{where}: lifecycle.{part}", texts[part], (), allowed)
    moves = _PATHS[status]

    def need(part: str, keys) -> dict:
        table = texts.get(part, {})
        for key in keys:
            if key not in table:
                raise DemoDataError(
                    f"{path}: {where} ends {status!r} and needs lifecycle.{part}.{key}"
                )
        return table

    if "return" in moves:
        need("review", _RETURN)
    if "sign_off" in moves:
        need("review", ("signer_title",))
    decisions = spec.get("decisions")
    if "record_decision" in moves or decisions:
        decision = need("decision", ("body", "reference"))
        if "planned_decision_date" not in spec:
            raise DemoDataError(f"{path}: {where} is decided and needs planned_decision_date")
        outcomes = decision.get("outcomes", {})
        if not isinstance(outcomes, dict):
            raise DemoDataError(f"{path}: {where}: lifecycle.decision.outcomes must be a table")
        for outcome, text in outcomes.items():
            _check_choice(
                path, f"{where}: lifecycle.decision.outcomes", outcome, lifecycle.DECISION_OUTCOMES
            )
            _check_keys(
                path,
                f"{where}: lifecycle.decision.outcomes.{outcome}",
                text,
                ("best_interests_weighing",),
                _OUTCOME_TEXT,
            )
        if decisions is None:
            decisions = _default_decisions(status, decision)
        if not decisions:
            raise DemoDataError(f"{path}: {where} ends {status!r} and needs decisions")
        _check_decisions(path, where, status, decisions, outcomes)
    if "close" in moves:
        need("closing", _LIFECYCLE["closing"])
        _check_choice(
            path, f"{where}: lifecycle.closing.fared", texts["closing"]["fared"], follow_up.FARED
        )


def check_against(library: Library, specs: list[dict]) -> None:
    """Check what the checklists decide: areas, step keys and the question keys in each step."""
    for spec in specs:
        path, area = spec["source"], spec["decision_area"]
        if area not in library.packs:
            raise DemoDataError(f"{path}: unknown decision_area {area!r}")
        steps = {step.key: step for step in library.method.steps}
        for step_key in [*spec.get("answers", {}), *spec.get("completed_steps", [])]:
            if step_key not in steps:
                raise DemoDataError(f"{path}: unknown step key {step_key!r}")
        for step_key, answers in spec.get("answers", {}).items():
            known = {question.key for question in steps[step_key].questions}
            known |= {f"prompt__{p.key}" for p in library.packs[area].prompts_for(step_key)}
            for key in answers.keys() - known:
                raise DemoDataError(f"{path}: answers.{step_key} has an unknown key {key!r}")


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
    examples.mark_fictional(
        analysis, based_on_public_information=spec.get("based_on_public_information", False)
    )
    for member in spec.get("members", []):
        ops.add_member(analysis, users[member["user"]].email, member["role"], owner)
    checklists = ops.checklists_for(analysis)
    for step in checklists.method.steps:  # answers first: impacts need the engaged articles
        if step.key in spec.get("answers", {}):
            ops.save_step(analysis, checklists, step.key, spec["answers"][step.key], owner)
    ids: dict[str, dict[str, int]] = {kind_name: {} for kind_name in ENTRY_KINDS}  # by ref
    for kind_name, kind in ENTRY_KINDS.items():
        for raw in spec.get(kind_name, []):
            values = {
                key: _as_date(value) if key in _DATE_FIELDS else value for key, value in raw.items()
            }
            if kind_name == "impacts":
                values["child_group_id"] = ids["child_groups"][values.pop("group")]
            if "indicator" in values:  # a trigger on an indicator's readings
                values["indicator_id"] = ids["indicators"][values.pop("indicator")]
            ref = values.pop("ref", None)
            state = load_state(analysis, checklists)
            entry = ops.save_entry(state, kind, values, owner)
            if ref:
                ids[kind_name][ref] = entry.id
    for step_key in spec.get("completed_steps", []):
        answers = spec.get("answers", {}).get(step_key, {})
        ops.save_step(analysis, checklists, step_key, answers, owner, mark_completed=True)
    _drive_lifecycle(
        analysis,
        checklists,
        spec.get("final_status", "draft"),
        owner,
        users["reviewer"],
        spec.get("lifecycle", {}),
        _decisions(spec),
    )
    if "follow_up" in spec and analysis.status in FOLLOW_UP_STATUSES:  # not in copies before it
        _load_follow_up(analysis, spec["follow_up"], ids, owner)
    return analysis


def _load_follow_up(analysis: Analysis, records: dict, ids: dict, user: User) -> None:
    """The follow-up records, oldest first, each through `follow_up.save_record` as a user's
    would be, and recorded as of its own date. The checkpoints the decision offered are changed
    into the file's, in order; any further ones are added."""
    offered = iter(follow_up.checkpoints_of(analysis))
    loaded = []
    for kind_name, kind in follow_up.FOLLOW_UP_KINDS.items():
        ref_key, entry_kind = _FOLLOW_UP_REFS.get(kind_name, (None, None))
        for raw in records.get(kind_name, []):
            values = {
                key: _as_date(value) if key in _FOLLOW_UP_DATES else value
                for key, value in raw.items()
            }
            if ref_key:
                values[kind.parent_field] = ids[entry_kind][values.pop(ref_key)]
            existing = next(offered, None) if kind_name == "checkpoints" else None
            loaded.append((values.get(_AS_OF[kind_name]), kind, values, existing))
    # Stable: records of one day keep the order of the kinds and of the file.
    for as_of, kind, values, existing in sorted(loaded, key=lambda item: item[0] or date.min):
        logged_before = db.session.scalar(select(db.func.max(EditLog.id))) or 0
        record = follow_up.save_record(analysis, kind, values, user, record=existing)
        if as_of is not None:
            moment = datetime.combine(as_of, time(12), tzinfo=UTC)
            record.recorded_at = moment
            db.session.execute(
                update(EditLog)
                .where(EditLog.analysis_id == analysis.id, EditLog.id > logged_before)
                .values(changed_at=moment)
            )
            if kind.model in (Reading, FollowUpEvent):  # the triggers it met, met that day
                column = TriggerHit.reading_id if kind.model is Reading else TriggerHit.event_id
                db.session.execute(
                    update(TriggerHit).where(column == record.id).values(hit_at=moment)
                )
    if "reassessment" in records:
        _open_reassessment(analysis, records["reassessment"], user)


def _open_reassessment(analysis: Analysis, opened: dict, user: User) -> None:
    """Open the re-assessment for the trigger that an event of the given kind met, as of the
    given day: a new version, in the team's hands, linked to the analysis."""
    hit = next(
        hit
        for hit in reassessment.open_hits(analysis)
        if hit.event is not None and hit.event.kind == opened["event_kind"]
    )
    version = reassessment.open_reassessment(analysis, ops.checklists_for(analysis), hit, user)
    moment = datetime.combine(_as_date(opened["opened_on"]), time(12), tzinfo=UTC)
    version.created_at = version.updated_at = moment
    db.session.execute(
        update(VersionLink)
        .where(VersionLink.next_analysis_id == version.id)
        .values(created_at=moment)
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
    "referred_back": ("submit", "sign_off", "record_decision"),
}
# The statuses that decisions leave an analysis in, and the outcome that may come last there;
# only postponements (bordlagt) may come before it.
_LAST_DECISION = {
    "approved": (lifecycle.POSTPONED,),
    "decided": (lifecycle.ADOPTED, lifecycle.ADOPTED_WITH_CHANGES, lifecycle.REJECTED),
    "follow_up": (lifecycle.ADOPTED, lifecycle.ADOPTED_WITH_CHANGES, lifecycle.REJECTED),
    "closed": (lifecycle.ADOPTED, lifecycle.ADOPTED_WITH_CHANGES, lifecycle.REJECTED),
    "referred_back": (lifecycle.REFERRED_BACK,),
}


def _default_decisions(status: str, decision: dict) -> list[str]:
    if status == "referred_back":
        return [lifecycle.REFERRED_BACK]
    if "record_decision" in _PATHS[status] and "outcome" in decision:
        return [decision["outcome"]]
    return []


def _decisions(spec: dict) -> list[str]:
    """The outcomes decided on the analysis, oldest first: its own list, else the default."""
    if "decisions" in spec:
        return list(spec["decisions"])
    decision = spec.get("lifecycle", {}).get("decision", {})
    return _default_decisions(spec.get("final_status", "draft"), decision)


def _check_decisions(path: Path, where: str, status: str, decisions, outcomes: dict) -> None:
    if not isinstance(decisions, list) or not decisions:
        raise DemoDataError(f"{path}: {where}.decisions must be a list of outcomes")
    for outcome in decisions:
        if outcome not in outcomes:
            raise DemoDataError(
                f"{path}: {where}.decisions has {outcome!r}, which lifecycle.decision.outcomes "
                "has no text for"
            )
    last = _LAST_DECISION.get(status, ())
    if decisions[-1] not in last or any(o != lifecycle.POSTPONED for o in decisions[:-1]):
        raise DemoDataError(
            f"{path}: {where}.decisions {decisions!r} cannot leave an analysis {status!r}"
        )


def _drive_lifecycle(
    analysis,
    checklists,
    target: str,
    owner: User,
    reviewer: User,
    texts: dict,
    decisions: list[str],
) -> None:
    review = {
        "verdicts": {},
        "rubric": dict.fromkeys(lifecycle.RUBRIC_ITEMS, "yes"),
        "reasons": "",
        "comments": {},
    }
    moves = _PATHS[target]
    if target == "approved" and decisions:  # postponed: signed off, still waiting
        moves = (*moves, "record_decision")
    for move in moves:
        if move == "submit":
            lifecycle.submit_for_review(analysis, checklists, owner, reviewer)
        elif move == "return":
            lifecycle.return_for_changes(
                analysis,
                checklists,
                reviewer,
                **{
                    **review,
                    "verdicts": texts["review"]["return_verdicts"],
                    "rubric": {**review["rubric"], **texts["review"]["return_rubric"]},
                    "reasons": texts["review"]["return_reasons"],
                    "comments": texts["review"]["return_comments"],
                },
            )
        elif move == "sign_off":
            target_status = "screened_out" if lifecycle.is_no_bka(analysis) else "approved"
            reporting.sign_off_and_archive(
                analysis,
                checklists,
                reviewer,
                **{
                    **review,
                    # The signer's rubric where it is not all yes (children not heard, say).
                    "rubric": {**review["rubric"], **texts["review"].get("rubric", {})},
                },
                title=texts["review"]["signer_title"],
                statements=list(lifecycle.ATTESTATIONS[target_status]),
                locale="sv",
            )
        elif move == "record_decision":
            for outcome in decisions:
                _record_decision(analysis, checklists, owner, texts["decision"], outcome)
        elif move == "close":
            _close(analysis, checklists, owner, texts["closing"])
        else:
            lifecycle.transition(analysis, checklists, move, owner)


def _record_decision(analysis, checklists, owner: User, decision: dict, outcome: str) -> None:
    text = decision["outcomes"][outcome]
    decided_on = analysis.planned_decision_date
    lifecycle.record_decision(
        analysis,
        checklists,
        owner,
        decision_body=decision["body"],
        decided_on=decided_on - timedelta(days=text.get("days_before", 0)),
        reference=text.get("reference", decision["reference"]),
        diarienummer=analysis.diarienummer or "",
        outcome=outcome,
        best_interests_weighing=text["best_interests_weighing"],
        follows_conclusion=text.get("follows_conclusion"),
        follows_conclusion_reason=text.get("follows_conclusion_reason", ""),
    )


def _close(analysis, checklists, owner: User, closing: dict) -> None:
    """Close with the final conclusion, a year after the decision (or today, if sooner)."""
    decided_on = lifecycle.decisions_of(analysis)[-1].decided_on
    lifecycle.close(
        analysis,
        checklists,
        owner,
        closed_on=min(follow_up.add_months(decided_on, 12), date.today()),
        fared=closing["fared"],
        conclusion=closing["conclusion"],
        learnt=closing["learnt"],
    )


def _waves(spec: dict) -> list[dict]:
    """Later waves of the first analysis's rollout: complete analyses in other statuses."""
    spec = _without_follow_up(spec)
    return [
        {
            **{key: value for key, value in spec.items() if key != "decisions"},
            "title": f"{spec['title']}, {wave['suffix']}",
            "final_status": wave["status"],
            "diarienummer": f"{spec['diarienummer']}-{index}",
            **({"decisions": wave["decisions"]} if "decisions" in wave else {}),
        }
        for index, wave in enumerate(PORTFOLIO["waves"], start=2)
    ]


def _without_follow_up(spec: dict) -> dict:
    """A copy of `spec` for another analysis: what happened after the decision was its own."""
    return {key: value for key, value in spec.items() if key != "follow_up"}


def _backdate(analysis: Analysis) -> None:
    """Move the dates of an analysis that has left the draft to before its decision, so that
    lead times, years and the follow-up's order look as they would."""
    planned = analysis.planned_decision_date
    if planned is None:  # nothing to date it by
        return
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
    check_against(library, ANALYSES)
    users = _users(config)
    existing = set(db.session.scalars(select(Analysis.title)))
    created = 0
    for spec in [*ANALYSES, *_waves(ANALYSES[0])]:
        if spec["title"] in existing:
            continue
        analysis = _load_analysis(library, spec, users)
        # Whatever left the draft happened before its (planned) decision, and a follow-up needs
        # its past to be past: lead times and the follow-up's order look as they would.
        if spec["final_status"] != "draft" or "follow_up" in spec:
            _backdate(analysis)
        created += 1
    load_organisations(library, users)
    db.session.flush()
    return created


def _rounds_of(analysis: Analysis) -> list[ReviewRound]:
    return list(
        db.session.scalars(select(ReviewRound).where(ReviewRound.analysis_id == analysis.id))
    )


def _sign_offs_of(analysis: Analysis) -> list[SignOff]:
    return list(db.session.scalars(select(SignOff).where(SignOff.analysis_id == analysis.id)))


def read_portfolio(path: Path = DATA_DIR / "portfolio.toml", first: dict | None = None) -> dict:
    """The later waves of the first analysis's rollout; each checked as that analysis would be
    in the wave's status (its lifecycle texts must cover the wave's path)."""
    first = first if first is not None else ANALYSES[0]
    data = _read(path)
    _check_keys(path, "the file", data, ("waves",), ("waves",))
    for index, wave in enumerate(_check_list(path, "waves", data["waves"])):
        where = f"waves[{index}]"
        _check_keys(path, where, wave, ("suffix", "status"), ("suffix", "status", "decisions"))
        if wave["status"] not in _PATHS:
            raise DemoDataError(f"{path}: {where} has an unknown status {wave['status']!r}")
        copy = {key: value for key, value in first.items() if key != "decisions"}
        _check_lifecycle(path, where, {**copy, "final_status": wave["status"], **wave})
    return data


# Read when the module is imported, so that a broken file fails `bka demo` before it writes.
DEMO_USERS = read_users()
ANALYSES = read_analyses()
PORTFOLIO = read_portfolio()
