"""Keep the overview tallies in step with the analyses, inside the same transaction.

Every commit that touched an analysis (its answers, entries, reviews, sign-offs or decision)
recomputes that analysis's contribution to the overview: a small dict of counts such as
"weakens:16" or "rubric:children_heard:partly". The contribution is stored on the analysis,
and the difference from the previous one is added to `overview_tally` at every grain (see
GRAINS): all analyses, per dimension (organisation, year, decision area, status), per
combination of them, and per reviewer. The overview then sums the few rows of the coarsest grain
that answers its filters instead of scanning every analysis, impact and review.
"""

from __future__ import annotations

import gc
import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from typing import Any

from sqlalchemy import (
    Text,
    bindparam,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    tuple_,
    type_coerce,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from bka.domain import workflow
from bka.domain.contract import CHILDREN_HEARD
from bka.domain.follow_up import on_target
from bka.models import (
    Analysis,
    Checkpoint,
    ChildGroup,
    Consultation,
    DecisionRecord,
    Impact,
    Indicator,
    Measure,
    OverviewState,
    OverviewTally,
    Reading,
    ReviewRound,
    SignOff,
    StepAnswer,
    VersionLink,
)
from bka.models.base import utcnow

# Bump whenever what the tallies hold changes: contribution(), the grains, the facts read. A
# database whose tallies an older version computed then needs `bka overview rebuild`, which
# records the version in `overview_state`; the app warns at start until it has run.
# 2: decision outcomes and following the conclusion; 3: no reviewer_full grain; 4: the results of
# follow-up (checkpoints overdue and closed, indicators against their targets, re-assessments).
TALLY_VERSION = 4

# Changes to these rows can change what an analysis adds to the overview.
TRACKED = (
    Analysis,
    StepAnswer,
    ChildGroup,
    Consultation,
    Impact,
    Indicator,
    Measure,
    ReviewRound,
    SignOff,
    DecisionRecord,
    Checkpoint,
    Reading,
    VersionLink,
)
DIMENSIONS = ("organisation", "year", "decision_area", "status")
# The reviewer filter is a fifth dimension, kept only where it is asked for: an analysis counts
# once for every reviewer who has reviewed it.
REVIEWER = "reviewer_id"
KEY_COLUMNS = (*DIMENSIONS, REVIEWER)
# Follow-up is no longer expected of analyses in these states.
FOLLOW_UP_ENDED = (workflow.CLOSED, workflow.SCREENED_OUT, workflow.REFERRED_BACK)
# A postponement (bordlagt) decides nothing: the decision date is the first one that decided.
POSTPONED = "postponed"
OPEN_MEASURE_STATUSES = ("planned", "in_progress")
# The analyses a decision was taken on: follow-up is asked of them.
DECIDED_STATUSES = (workflow.DECIDED, workflow.FOLLOW_UP, workflow.CLOSED)
# Date-keyed metrics: an open measure's due date, an indicator's follow-up date, and the month
# (YYYY-MM) a checkpoint not yet closed is due in: every past month counts as overdue, so a
# month keeps the rows few; the overview counts the current month's days live.
OPEN_MEASURE_DUE = "open_measure_due"
CHECKPOINT = "checkpoint"
OPEN_CHECKPOINT_MONTH = "open_checkpoint_month"
# Results of follow-up read per organisation: each measured indicator's latest reading against
# its target (key on_target | off_target | unknown) and the re-assessments opened.
INDICATOR_TARGET = "indicator_target"
REASSESSMENTS = "reassessments"
# A decided analysis with at least one checkpoint closed (read as a total, like any other).
CLOSED_CHECKPOINT = "closed_checkpoint"
# Metrics kept in the small dated grains, the ones read per organisation.
DATED_METRICS = (
    OPEN_MEASURE_DUE,
    CHECKPOINT,
    OPEN_CHECKPOINT_MONTH,
    INDICATOR_TARGET,
    REASSESSMENTS,
)
# Every count is kept at several grains: summed over all analyses, per single dimension, per
# combination of all four, and per reviewer. A question reads the coarsest grain that can
# answer it, so the unfiltered overview sums a few hundred rows rather than every combination.
# Dimensions a grain sums over hold ANY ("" or 0). Date-keyed counts, read only per
# organisation, have grains of their own so that the others stay small.
# The reviewer with other filters has no grain: an analysis is reviewed by one or two people,
# so that grain would hold about every analysis's counts again (most of the rows, and most of
# a rebuild's time). The overview sums the stored contributions of the reviewer's analyses.
GRAINS = {
    "all": (),
    "organisation": ("organisation",),
    "year": ("year",),
    "decision_area": ("decision_area",),
    "status": ("status",),
    "full": DIMENSIONS,
    "reviewer": (REVIEWER,),
}
DATED_GRAINS = {
    "dated_organisation": ("organisation",),
    "dated_full": DIMENSIONS,
    "dated_reviewer_full": KEY_COLUMNS,
}
ANY = {"organisation": "", "year": 0, "decision_area": "", "status": "", REVIEWER: 0}


def grain_for(filtered: set[str]) -> str | None:
    """The coarsest grain that holds the counts for these filtered dimensions; None for the
    reviewer with other filters, whose counts are summed from the analyses' contributions."""
    if REVIEWER in filtered:
        return "reviewer" if filtered == {REVIEWER} else None
    for name, dims in GRAINS.items():
        if set(dims) == filtered:
            return name
    return "full"


_log = logging.getLogger(__name__)
_DIRTY = "bka_overview_dirty"
_CHUNK = 500


@dataclass
class Facts:
    """What the overview needs to know about one analysis, loaded in bulk."""

    id: int
    title: str
    diarienummer: str | None
    organisation: str
    decision_area: str
    status: str
    screening_level: str | None
    created_at: datetime
    planned_decision_date: date | None
    children_heard: str | None = None
    impacts: list[tuple[int, str, str, str, list[str]]] = field(default_factory=list)
    consultations: list[int] = field(default_factory=list)
    rounds: list[tuple[int, str | None, dict[str, str]]] = field(default_factory=list)
    reviewer_ids: set[int] = field(default_factory=set)
    first_signed_at: datetime | None = None
    decided_on: date | None = None
    # Every decision recorded: (outcome, does it follow the conclusion: yes | partly | no | None).
    decisions: list[tuple[str, str | None]] = field(default_factory=list)
    measures: list[tuple[str, date | None]] = field(default_factory=list)  # (status, due date)
    checkpoints: list[date] = field(default_factory=list)  # the indicators' follow-up dates
    open_checkpoints: list[date] = field(default_factory=list)  # due dates of those not closed
    closed_checkpoint: bool = False
    # Per indicator: its (baseline, target) numbers, and its latest reading's (date, id, value).
    indicator_numbers: dict[int, tuple[float | None, float | None]] = field(default_factory=dict)
    latest_readings: dict[int, tuple[date, int, float]] = field(default_factory=dict)
    reassessments: int = 0

    @property
    def year(self) -> int:
        """The year the analysis counts in: its decision's, else the planned one's, else start."""
        when = self.decided_on or self.planned_decision_date or self.created_at
        return when.year

    @property
    def search_text(self) -> str:
        return f"{self.title} {self.diarienummer or ''}".casefold()[:300]


def contribution(facts: Facts) -> dict[str, int]:
    """The counts one analysis adds to the overview, keyed "metric:key"."""
    counts: Counter[str] = Counter({"analyses:": 1})
    counts[f"screening:{facts.screening_level or 'unset'}"] += 1
    if facts.status == workflow.SCREENED_OUT or facts.screening_level == "none":
        counts["heard:not_applicable"] += 1
    else:
        counts[f"heard:{facts.children_heard or 'unanswered'}"] += 1
    # Articles, age bands, relations and situations count once per analysis and direction.
    seen: set[str] = set()
    for article, direction, age_band, relation, situations in facts.impacts:
        seen.add(f"{direction}:{article}")
        if direction == "weakens":
            seen.add(f"weakens_age:{age_band}")
            seen.add(f"weakens_relation:{relation}")
            seen.add(f"weakens_cell:{article}:{age_band}")
            seen.update(f"weakens_situation:{situation}" for situation in situations)
    counts.update(seen)
    if facts.consultations:
        counts["consultations:"] += len(facts.consultations)
        counts["children_consulted:"] += sum(facts.consultations)
    for _number, outcome, rubric in facts.rounds:
        if outcome is None:
            continue
        counts[f"round_outcome:{outcome}"] += 1
        for item, answer in rubric.items():
            counts[f"rubric:{item}:{answer}"] += 1
    signed_rounds = [number for number, outcome, _ in facts.rounds if outcome == "signed"]
    if signed_rounds:
        counts[f"rounds_to_signoff:{min(signed_rounds)}"] += 1
    if facts.first_signed_at is not None:
        days = (facts.first_signed_at.date() - facts.created_at.date()).days
        counts[f"days_to_signoff:{max(days, 0)}"] += 1
    if facts.decided_on is not None:
        days = (facts.decided_on - facts.created_at.date()).days
        counts[f"days_to_decision:{max(days, 0)}"] += 1
    for outcome, follows in facts.decisions:
        counts[f"decision_outcome:{outcome}"] += 1
        if follows is not None:
            counts[f"decision_follows:{follows}"] += 1
    for status, _due in facts.measures:
        counts[f"measure_status:{status}"] += 1
    # Follow-up still expected: open measures and follow-up dates, keyed by ISO date, so that
    # "overdue" and "due soon" are read off for whatever day the overview is opened.
    if facts.status not in FOLLOW_UP_ENDED:
        for status, due in facts.measures:
            if due is not None and status in OPEN_MEASURE_STATUSES:
                counts[f"{OPEN_MEASURE_DUE}:{due.isoformat()}"] += 1
        for day in facts.checkpoints:
            counts[f"{CHECKPOINT}:{day.isoformat()}"] += 1
        for day in facts.open_checkpoints:
            counts[f"{OPEN_CHECKPOINT_MONTH}:{day.isoformat()[:7]}"] += 1
    if facts.closed_checkpoint and facts.status in DECIDED_STATUSES:
        counts[f"{CLOSED_CHECKPOINT}:"] += 1
    for indicator_id, (_day, _id, value) in facts.latest_readings.items():
        baseline, target = facts.indicator_numbers.get(indicator_id, (None, None))
        reached = on_target(_Numbers(baseline, target), value)
        key = "unknown" if reached is None else "on_target" if reached else "off_target"
        counts[f"{INDICATOR_TARGET}:{key}"] += 1
    if facts.reassessments:
        counts[f"{REASSESSMENTS}:"] += facts.reassessments
    return dict(counts)


@dataclass(frozen=True)
class _Numbers:
    """An indicator's numbers, as `follow_up.on_target` reads them."""

    baseline_value: float | None
    target_value: float | None


def load_facts(session: Session, ids: Iterable[int]) -> dict[int, Facts]:
    """Facts for the given analyses, with one query per related table."""
    ids = list(ids)
    return _load_facts(session, lambda column: column.in_(ids))


def _load_facts(session: Session, matching: Callable[[Any], Any]) -> dict[int, Facts]:
    """Facts for the analyses whose id satisfies `matching(column)`, one query per table."""
    # Plain rows from the connection, without the ORM's result processing: the caller has
    # flushed.
    connection = session.connection()
    facts: dict[int, Facts] = {}
    for row in connection.execute(
        select(
            Analysis.id,
            Analysis.title,
            Analysis.diarienummer,
            Analysis.organisation,
            Analysis.decision_area,
            Analysis.status,
            Analysis.screening_level,
            Analysis.created_at,
            Analysis.planned_decision_date,
        ).where(matching(Analysis.id))
    ):
        facts[row.id] = Facts(*row)
    if not facts:
        return facts
    decoded: dict[str, Any] = {}
    for analysis_id, answers in connection.execute(
        select(StepAnswer.analysis_id, StepAnswer.answers).where(
            matching(StepAnswer.analysis_id), StepAnswer.step_key == CHILDREN_HEARD.step
        )
    ):
        heard = (answers or {}).get(CHILDREN_HEARD.key)
        facts[analysis_id].children_heard = heard if isinstance(heard, str) else None
    for row in connection.execute(
        select(
            Impact.analysis_id,
            Impact.article,
            Impact.direction,
            ChildGroup.age_band,
            ChildGroup.relation,
            type_coerce(ChildGroup.vulnerable_situations, Text),
        )
        .join(ChildGroup, ChildGroup.id == Impact.child_group_id)
        .where(matching(Impact.analysis_id))
    ):
        situations = _decoded(row[5], decoded)
        facts[row[0]].impacts.append((row[1], row[2], row[3], row[4], list(situations or [])))
    for analysis_id, count in connection.execute(
        select(Consultation.analysis_id, Consultation.children_count).where(
            matching(Consultation.analysis_id)
        )
    ):
        facts[analysis_id].consultations.append(count or 0)
    for analysis_id, number, outcome, rubric, reviewer_id in connection.execute(
        select(
            ReviewRound.analysis_id,
            ReviewRound.number,
            ReviewRound.outcome,
            type_coerce(ReviewRound.rubric, Text),
            ReviewRound.reviewer_id,
        ).where(matching(ReviewRound.analysis_id))
    ):
        rubric = _decoded(rubric, decoded)
        facts[analysis_id].rounds.append((number, outcome, dict(rubric or {})))
        facts[analysis_id].reviewer_ids.add(reviewer_id)
    for analysis_id, signed_at in connection.execute(
        select(SignOff.analysis_id, func.min(SignOff.signed_at))
        .where(matching(SignOff.analysis_id))
        .group_by(SignOff.analysis_id)
    ):
        facts[analysis_id].first_signed_at = _as_datetime(signed_at)
    for analysis_id, outcome, follows, decided_on in connection.execute(
        select(
            DecisionRecord.analysis_id,
            DecisionRecord.outcome,
            DecisionRecord.follows_conclusion,
            DecisionRecord.decided_on,
        )
        .where(matching(DecisionRecord.analysis_id))
        .order_by(DecisionRecord.id)
    ):
        found = facts[analysis_id]
        found.decisions.append((outcome, follows))
        if outcome != POSTPONED and (found.decided_on is None or decided_on < found.decided_on):
            found.decided_on = decided_on
    for analysis_id, status, due in connection.execute(
        select(Measure.analysis_id, Measure.status, Measure.due_date).where(
            matching(Measure.analysis_id)
        )
    ):
        facts[analysis_id].measures.append((status, due))
    for analysis_id, indicator_id, day, baseline, target in connection.execute(
        select(
            Indicator.analysis_id,
            Indicator.id,
            Indicator.measure_on,
            Indicator.baseline_value,
            Indicator.target_value,
        ).where(matching(Indicator.analysis_id))
    ):
        if day is not None:
            facts[analysis_id].checkpoints.append(day)
        facts[analysis_id].indicator_numbers[indicator_id] = (baseline, target)
    _load_follow_up(connection, matching, facts)
    return facts


def _load_follow_up(connection: Connection, matching, facts: dict[int, Facts]) -> None:
    """Checkpoints, each indicator's latest reading and the re-assessments opened."""
    for analysis_id, due, closed in connection.execute(
        select(Checkpoint.analysis_id, Checkpoint.due_on, Checkpoint.closed_on).where(
            matching(Checkpoint.analysis_id)
        )
    ):
        if closed is None:
            facts[analysis_id].open_checkpoints.append(due)
        else:
            facts[analysis_id].closed_checkpoint = True
    for analysis_id, indicator_id, day, reading_id, value in connection.execute(
        select(
            Reading.analysis_id,
            Reading.indicator_id,
            Reading.measured_on,
            Reading.id,
            Reading.value,
        ).where(matching(Reading.analysis_id))
    ):
        latest = facts[analysis_id].latest_readings
        found = latest.get(indicator_id)
        if found is None or (day, reading_id) > found[:2]:
            latest[indicator_id] = (day, reading_id, value)
    for analysis_id, count in connection.execute(
        select(VersionLink.previous_analysis_id, func.count())
        .where(
            matching(VersionLink.previous_analysis_id),
            VersionLink.reason == workflow.LINK_REASSESSMENT,
        )
        .group_by(VersionLink.previous_analysis_id)
    ):
        facts[analysis_id].reassessments = count


def _decoded(value: Any, cache: dict[str, Any]) -> Any:
    """A JSON column read as text, decoded once per distinct value: situations and rubrics
    repeat a few values across thousands of rows. (PostgreSQL's driver decodes JSON itself.)"""
    if not isinstance(value, str):
        return value
    found = cache.get(value)
    if found is None:
        found = cache[value] = json.loads(value)
    return found


def _as_datetime(value: Any) -> datetime | None:
    """func.min() bypasses the UTCDateTime type on SQLite, which then hands back a string."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _tally_rows(dimensions: dict[str, Any], counts: dict[str, int], sign: int):
    """(grain, organisation, year, decision area, status, reviewer, metric, key) keys and their
    deltas, for every grain."""
    split: dict[bool, list[tuple[str, str, int]]] = {False: [], True: []}
    for name, n in counts.items():
        metric, _, key = name.partition(":")
        split[metric in DATED_METRICS].append((metric, key, n))
    for grains, items in ((GRAINS, split[False]), (DATED_GRAINS, split[True])):
        for grain, kept in grains.items():
            reviewers = dimensions.get(REVIEWER, []) if REVIEWER in kept else [ANY[REVIEWER]]
            for reviewer in reviewers:
                values = tuple(dimensions[dim] if dim in kept else ANY[dim] for dim in DIMENSIONS)
                for metric, key, n in items:
                    yield (grain, *values, reviewer, metric, key), sign * n


def refresh(session: Session, ids: Iterable[int]) -> None:
    """Recompute the contributions of these analyses and move the tallies by the difference."""
    ids = sorted(set(ids))
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        previous = dict(
            session.execute(
                select(Analysis.id, Analysis.tally).where(Analysis.id.in_(chunk)).with_for_update()
            ).all()
        )
        facts = load_facts(session, chunk)
        deltas: Counter[tuple] = Counter()
        updates = []
        for analysis_id in chunk:
            old = previous.get(analysis_id)
            if old:
                for key, n in _tally_rows(old["dimensions"], old["counts"], -1):
                    deltas[key] += n
            current = facts.get(analysis_id)
            if current is None:
                continue
            dimensions = {dim: getattr(current, dim) for dim in DIMENSIONS}
            dimensions[REVIEWER] = sorted(current.reviewer_ids)
            counts = contribution(current)
            for key, n in _tally_rows(dimensions, counts, 1):
                deltas[key] += n
            updates.append(
                {
                    "b_id": analysis_id,
                    "year": current.year,
                    "children_heard": current.children_heard,
                    "search_text": current.search_text,
                    "tally": {"dimensions": dimensions, "counts": counts},
                }
            )
        _write_analyses(session, updates)
        _apply(session, {key: n for key, n in deltas.items() if n})


def forget(session: Session, tallies: Iterable[dict]) -> None:
    """Subtract the contributions of deleted analyses."""
    deltas: Counter[tuple] = Counter()
    for tally in tallies:
        for key, n in _tally_rows(tally["dimensions"], tally["counts"], -1):
            deltas[key] += n
    _apply(session, {key: n for key, n in deltas.items() if n})


def _write_analyses(session: Session, updates: list[dict]) -> None:
    if not updates:
        return
    table = Analysis.__table__
    session.execute(
        update(table)
        .where(table.c.id == bindparam("b_id"))
        .values(
            year=bindparam("year"),
            children_heard=bindparam("children_heard"),
            search_text=bindparam("search_text"),
            tally=bindparam("tally"),
        )
        .execution_options(synchronize_session=False),
        updates,
    )


def _apply(session: Session, deltas: dict[tuple, int]) -> None:
    """Add the deltas to the tally rows (an upsert), then drop rows that fell to zero."""
    if not deltas:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = OverviewTally.__table__
    columns = ("grain", *KEY_COLUMNS, "metric", "key")
    statement = insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=list(columns), set_={"n": table.c.n + statement.excluded.n}
    )
    rows = [dict(zip(columns, key, strict=True), n=n) for key, n in sorted(deltas.items())]
    session.execute(statement, rows)
    touched = {key[: len(KEY_COLUMNS) + 1] for key in deltas}
    session.execute(
        delete(table).where(
            table.c.n == 0,
            tuple_(table.c.grain, *(table.c[dim] for dim in KEY_COLUMNS)).in_(sorted(touched)),
        )
    )


def rebuild(session: Session) -> int:
    """Recompute every tally from scratch (after a migration or a bulk import).

    Produces exactly the rows that the incremental path would have reached: every analysis's
    contribution is computed by the same `contribution()` and stored on it, but in bulk. The
    facts are read a range of ids at a time (one query per related table), the counts summed in
    memory per combination of dimension values (and reviewer), every grain summed from those in
    memory too, and the rows written at once into the emptied table. Returns the number of
    analyses.
    """
    started = time.perf_counter()
    session.flush()
    # Millions of small dicts and tuples, none of them in a cycle: the collector's passes over
    # them would only cost time (over a tenth of the rebuild's).
    collecting = gc.isenabled()
    gc.disable()
    try:
        with _bulk_settings(session.connection()):
            count = _rebuild(session)
    finally:
        if collecting:
            gc.enable()
    _log.debug(
        "rebuild: written after %.1f s, process CPU %.1f s",
        time.perf_counter() - started,
        time.process_time(),
    )
    return count


def _rebuild(session: Session) -> int:
    # Lock the analyses (PostgreSQL) so that a concurrent commit waits for the rebuild and then
    # moves the tallies from the contribution written here.
    ids = list(session.scalars(select(Analysis.id).order_by(Analysis.id).with_for_update()))
    session.execute(delete(OverviewTally.__table__))
    sums = _Sums()
    for start in range(0, len(ids), _REBUILD_CHUNK):
        low, high = ids[start], ids[min(start + _REBUILD_CHUNK, len(ids)) - 1]
        facts = _load_facts(session, lambda column: column.between(low, high))  # noqa: B023
        updates = []
        for current in facts.values():
            counts = contribution(current)
            values = (current.organisation, current.year, current.decision_area, current.status)
            reviewers = sorted(current.reviewer_ids)
            sums.add(values, reviewers, counts)
            dimensions = dict(zip(DIMENSIONS, values, strict=True))
            dimensions[REVIEWER] = reviewers
            updates.append(
                {
                    "b_id": current.id,
                    "year": current.year,
                    "children_heard": current.children_heard,
                    "search_text": current.search_text,
                    "tally": {"dimensions": dimensions, "counts": counts},
                }
            )
        _write_analyses(session, updates)
    _log.debug("rebuild: %d contributions, process CPU %.1f s", len(ids), time.process_time())
    _fill_tallies(session, sums.rows())
    record_version(session, rebuilt_at=utcnow())
    return len(ids)


@contextmanager
def _bulk_settings(connection: Connection) -> Iterator[None]:
    """SQLite: room to keep the changed pages and sort the indexes in memory, and helper threads
    to sort them, for this connection while the rebuild runs."""
    if connection.dialect.name != "sqlite":
        yield
        return
    previous = {
        pragma: int(connection.exec_driver_sql(f"PRAGMA {pragma}").scalar())
        for pragma in ("cache_size", "threads")
    }
    connection.exec_driver_sql("PRAGMA cache_size = -262144")  # 256 MiB
    connection.exec_driver_sql("PRAGMA threads = 2")
    try:
        yield
    finally:
        for pragma, value in previous.items():
            connection.exec_driver_sql(f"PRAGMA {pragma} = {value}")


_REBUILD_CHUNK = 5000


def _sum_into(buckets: dict[tuple, dict[str, int]], bucket: tuple, counts: dict[str, int]) -> None:
    found = buckets.get(bucket)
    if found is None:
        buckets[bucket] = dict(counts)
        return
    # A plain loop: Counter.update costs an isinstance(Mapping) check per call, millions here.
    get = found.get
    for name, n in counts.items():
        found[name] = get(name, 0) + n


def _split(counts: dict[str, int]) -> tuple[dict[str, int], dict[str, int]]:
    """The counts of the grains without dates, and the date-keyed ones."""
    dated = {name: n for name, n in counts.items() if name.startswith(_DATED_PREFIXES)}
    if not dated:
        return counts, dated
    return {name: n for name, n in counts.items() if name not in dated}, dated


def _project(values: tuple, kept: tuple[str, ...]) -> tuple:
    """(*KEY_COLUMNS) of a grain keeping `kept`, from (*DIMENSIONS[, reviewer]) values."""
    return tuple(
        values[index] if dim in kept and index < len(values) else ANY[dim]
        for index, dim in enumerate(KEY_COLUMNS)
    )


_DATED_PREFIXES = tuple(f"{metric}:" for metric in DATED_METRICS)
# (grain, dimensions kept, date-keyed) in the order of the unique index.
_EVERY_GRAIN = sorted(
    [(grain, kept, False) for grain, kept in GRAINS.items()]
    + [(grain, kept, True) for grain, kept in DATED_GRAINS.items()]
)


class _Sums:
    """The rebuild's counts, summed in memory: per combination of dimension values, and for
    the grains that keep the reviewer, per grain as the analyses are read (an analysis counts
    for each of its reviewers, so their sums are summed once, not projected later)."""

    def __init__(self) -> None:
        self.per_values: dict[tuple, dict[str, int]] = {}
        self.per_reviewer = {grain: {} for grain, kept, _ in _EVERY_GRAIN if REVIEWER in kept}

    def add(self, values: tuple, reviewers: list[int], counts: dict[str, int]) -> None:
        _sum_into(self.per_values, values, counts)
        if not reviewers:
            return
        parts = _split(counts)
        for grain, kept, dated in _EVERY_GRAIN:
            if REVIEWER in kept and parts[dated]:
                for reviewer in reviewers:
                    bucket = _project((*values, reviewer), kept)
                    _sum_into(self.per_reviewer[grain], bucket, parts[dated])

    def rows(self) -> Iterator[tuple]:
        """(grain, *KEY_COLUMNS, metric, key, n) for every non-zero count of every grain, in
        the order of the unique index."""
        split: tuple[dict, dict] = ({}, {})  # dimension values -> counts without, with dates
        for values, counts in self.per_values.items():
            for dated, part in enumerate(_split(counts)):
                if part:
                    split[dated][values] = part
        for grain, kept, dated in _EVERY_GRAIN:
            if REVIEWER in kept:
                buckets = self.per_reviewer[grain]
            elif len(kept) == len(DIMENSIONS):
                buckets = {(*values, ANY[REVIEWER]): part for values, part in split[dated].items()}
            else:
                buckets = {}
                for values, part in split[dated].items():
                    _sum_into(buckets, _project(values, kept), part)
            for bucket in sorted(buckets):
                counts = buckets[bucket]
                for name in sorted(counts):
                    n = counts[name]
                    if n:
                        metric, _, key = name.partition(":")
                        yield (grain, *bucket, metric, key, n)


# The rows of _Sums.rows, in this order.
_COPY_TALLIES = (
    "COPY overview_tally (grain, organisation, year, decision_area, status, reviewer_id, "
    "metric, key, n) FROM STDIN"
)
_INSERT_TALLY = (
    "INSERT INTO overview_tally (grain, organisation, year, decision_area, status, reviewer_id, "
    "metric, key, n) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _fill_tallies(session: Session, rows: Iterable[tuple]) -> None:
    """Write every grain's rows into the emptied tally table, then index them."""
    connection = session.connection()
    # Filling the table and then indexing it is several times faster than keeping the
    # secondary indexes up to date row by row; DDL is transactional on both databases.
    indexes = sorted(OverviewTally.__table__.indexes, key=lambda index: index.name)
    for index in indexes:
        index.drop(connection)
    if connection.dialect.name == "postgresql":
        cursor = connection.connection.driver_connection.cursor()
        with cursor.copy(_COPY_TALLIES) as copy:
            for row in rows:
                copy.write_row(row)
        for index in indexes:
            index.create(connection)
        return
    # SQLite: the driver's executemany with plain tuples (building SQLAlchemy parameters for
    # a million rows costs more than the inserts).
    rows = iter(rows)
    while batch := list(islice(rows, 10_000)):
        connection.exec_driver_sql(_INSERT_TALLY, batch)
    _log.debug("rebuild: tallies inserted, process CPU %.1f s", time.process_time())
    for index in indexes:
        index.create(connection)


@dataclass(frozen=True)
class VersionStatus:
    """The tally version recorded in the database against the code's TALLY_VERSION."""

    stored: int | None
    has_analyses: bool

    @property
    def current(self) -> bool:
        """Without analyses the (empty) tallies are current whatever the version."""
        return self.stored == TALLY_VERSION or not self.has_analyses

    def message(self) -> str:
        if self.current:
            return f"The overview tallies are current (tally version {TALLY_VERSION})."
        if self.stored is None:
            computed = "have no recorded tally version"
        else:
            computed = f"were computed by tally version {self.stored}"
        return (
            f"The overview tallies {computed}, but this code computes version {TALLY_VERSION}, "
            "so the administrators' overview may show wrong figures. Run `bka overview rebuild`."
        )


def version_status(session: Session | Connection) -> VersionStatus:
    stored = session.scalar(select(OverviewState.tally_version).where(OverviewState.id == 1))
    has_analyses = session.scalar(select(Analysis.id).limit(1)) is not None
    return VersionStatus(stored, has_analyses)


def record_version(session: Session | Connection, rebuilt_at: datetime | None) -> None:
    """Record that the tallies are what this code's TALLY_VERSION computes."""
    table = OverviewState.__table__
    values = {"tally_version": TALLY_VERSION, "rebuilt_at": rebuilt_at}
    if not session.execute(update(table).where(table.c.id == 1).values(**values)).rowcount:
        session.execute(insert(table).values(id=1, **values))


def warn_if_stale(engine: Engine, logger) -> None:
    """At start: log a warning when the tallies need `bka overview rebuild`; never fails.

    Runs for every command, `bka db upgrade` included, so a database without the version table
    (not yet migrated) is left alone. A database without analyses has its version recorded, so
    that the analyses created from now on, counted by this code, are known to be current.
    """
    if engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:"):
        return  # a new, empty database on every start
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table(OverviewState.__tablename__):
                return
            status = version_status(connection)
            if status.stored != TALLY_VERSION and not status.has_analyses:
                record_version(connection, rebuilt_at=None)
                connection.commit()
            elif not status.current:
                logger.warning("%s", status.message())
    except IntegrityError:
        pass  # another process recorded the version at the same moment
    except SQLAlchemyError as error:
        logger.warning("Could not check the overview tally version: %s", error)
    finally:
        # A server that forks after loading the app must not share this connection.
        engine.dispose()


def _analysis_id_of(instance) -> int | None:
    if isinstance(instance, Analysis):
        return instance.id
    if isinstance(instance, VersionLink):  # counts for the analysis it re-assesses
        return instance.previous_analysis_id
    return getattr(instance, "analysis_id", None)


def _collect(session: Session, _flush_context) -> None:
    dirty = session.info.setdefault(_DIRTY, {"ids": set(), "deleted": []})
    for instance in (*session.new, *session.dirty):
        if isinstance(instance, TRACKED):
            analysis_id = _analysis_id_of(instance)
            if analysis_id is not None:
                dirty["ids"].add(analysis_id)
    for instance in session.deleted:
        if isinstance(instance, Analysis):
            if instance.tally:
                dirty["deleted"].append(instance.tally)
            dirty["ids"].discard(instance.id)
        elif isinstance(instance, TRACKED) and _analysis_id_of(instance) is not None:
            dirty["ids"].add(_analysis_id_of(instance))


def _refresh_before_commit(session: Session) -> None:
    session.flush()
    while (dirty := session.info.pop(_DIRTY, None)) and (dirty["ids"] or dirty["deleted"]):
        forget(session, dirty["deleted"])
        refresh(session, dirty["ids"])
        session.flush()


def install(session_class: type[Session]) -> None:
    """Listen on the application's session class (called once by create_app)."""
    if not event.contains(session_class, "after_flush", _collect):
        event.listen(session_class, "after_flush", _collect)
        event.listen(session_class, "before_commit", _refresh_before_commit)
