"""The administrators' overview: aggregates across all analyses, and the keyset-paged list.

Aggregates come from `overview_tally` (kept current by bka.domain.tallies), so they cost the
same with a hundred analyses or a hundred thousand. What depends on today's date (due and
overdue follow-up) is read off tallies keyed by date or month; only the free-text reasons and
the checkpoints overdue since the first of this month are read live, through indexes. A
reviewer with other filters has no tallies of its own: those figures are summed from the
contributions stored on that reviewer's matching analyses, so they cost what the reviewer has
reviewed.
"""

from __future__ import annotations

import base64
import binascii
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, select, tuple_
from sqlalchemy.orm import Session

from bka.domain import tallies, workflow
from bka.domain.contract import NO, NOT_HEARD_REASON, YES
from bka.domain.entries import AGE_BANDS
from bka.domain.search import LIKE_ESCAPE, like_pattern
from bka.models import Analysis, Checkpoint, OverviewTally, ReviewRound, StepAnswer
from bka.models.base import DB_INT_MAX

PAGE_SIZE = 50
SINGLE_GRAINS = ("organisation", "year", "decision_area", "status")
DUE_SOON_DAYS = 30
# A follow-up date has no "done" mark, so only recent ones are shown as passed.
RECENT_CHECKPOINT_DAYS = 90


@dataclass(frozen=True)
class Filters:
    organisation: str | None = None
    year: int | None = None
    decision_area: str | None = None
    status: str | None = None
    reviewer_id: int | None = None
    search: str | None = None  # the list only: titles and diarienummer

    def dimension_clauses(self, columns) -> list:
        """WHERE clauses on the overview's dimensions, for the tally table or the analyses."""
        clauses = []
        for name in tallies.DIMENSIONS:
            value = getattr(self, name)
            if value is not None and value != "":
                clauses.append(getattr(columns, name) == value)
        return clauses


@dataclass(frozen=True)
class NotHeard:
    analysis_id: int
    title: str
    organisation: str
    reason: str


@dataclass(frozen=True)
class FollowUpRow:
    organisation: str
    measures_overdue: int = 0
    measures_due: int = 0
    checkpoints_overdue: int = 0
    checkpoints_due: int = 0


@dataclass(frozen=True)
class TargetRow:
    """An organisation's indicators by their latest reading against the target."""

    organisation: str
    on_target: int = 0
    off_target: int = 0
    unknown: int = 0  # the indicator has no baseline and target as numbers


@dataclass(frozen=True)
class ArticleRow:
    article: int
    strengthens: int
    weakens: int
    neutral: int
    unknown: int


@dataclass
class Overview:
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_organisation: dict[str, int] = field(default_factory=dict)
    by_area: dict[str, int] = field(default_factory=dict)
    by_year: dict[int, int] = field(default_factory=dict)
    metrics: dict[str, Counter] = field(default_factory=dict)
    not_heard: list[NotHeard] = field(default_factory=list)
    follow_up: list[FollowUpRow] = field(default_factory=list)
    # The results of follow-up, per organisation, most first.
    checkpoints_overdue: dict[str, int] = field(default_factory=dict)
    indicator_targets: list[TargetRow] = field(default_factory=list)
    reassessments: dict[str, int] = field(default_factory=dict)

    def metric(self, name: str) -> Counter:
        return self.metrics.get(name, Counter())

    @property
    def screening(self) -> Counter:
        return self.metric("screening")

    @property
    def heard(self) -> Counter:
        return self.metric("heard")

    @property
    def heard_considered(self) -> int:
        """Analyses where hearing children was called for: everything not screened out."""
        return sum(n for key, n in self.heard.items() if key != "not_applicable")

    @property
    def heard_share(self) -> float | None:
        considered = self.heard_considered
        return self.heard[YES] / considered if considered else None

    @property
    def articles(self) -> list[ArticleRow]:
        """Engaged articles, most often weakened first, then most often strengthened."""
        numbers = {
            int(key)
            for direction in ("strengthens", "weakens", "neutral", "unknown")
            for key in self.metric(direction)
        }
        rows = [
            ArticleRow(
                number,
                *(self.metric(d)[str(number)] for d in ("strengthens", "weakens")),
                *(self.metric(d)[str(number)] for d in ("neutral", "unknown")),
            )
            for number in numbers
        ]
        return sorted(rows, key=lambda row: (-row.weakens, -row.strengthens, row.article))

    def top_articles(self, direction: str, limit: int = 10) -> list[tuple[int, int]]:
        counts = self.metric(direction)
        ranked = sorted(counts.items(), key=lambda item: (-item[1], int(item[0])))
        return [(int(key), n) for key, n in ranked[:limit] if n]

    def heat_map(self, limit: int = 10) -> list[tuple[int, list[int]]]:
        """Negative impacts by article (rows, most weakened first) and age band (columns)."""
        cells = self.metric("weakens_cell")
        return [
            (article, [cells[f"{article}:{band}"] for band in AGE_BANDS])
            for article, _ in self.top_articles("weakens", limit)
        ]

    @property
    def rubric(self) -> dict[str, Counter]:
        result: dict[str, Counter] = {}
        for key, n in self.metric("rubric").items():
            item, _, answer = key.partition(":")
            result.setdefault(item, Counter())[answer] += n
        return result

    @property
    def median_rounds_to_signoff(self) -> float | None:
        return _median(self.metric("rounds_to_signoff"))

    @property
    def median_days_to_signoff(self) -> float | None:
        return _median(self.metric("days_to_signoff"))

    @property
    def median_days_to_decision(self) -> float | None:
        return _median(self.metric("days_to_decision"))

    @property
    def signed_off(self) -> int:
        return sum(self.metric("days_to_signoff").values())

    @property
    def decided(self) -> int:
        return sum(self.metric("days_to_decision").values())

    @property
    def decided_now(self) -> int:
        """Analyses decided, in follow-up or closed: those follow-up is asked of."""
        return sum(self.by_status.get(status, 0) for status in tallies.DECIDED_STATUSES)

    @property
    def closed_checkpoint_share(self) -> float | None:
        """The share of decided analyses with at least one checkpoint closed."""
        decided = self.decided_now
        return self.metric(tallies.CLOSED_CHECKPOINT)[""] / decided if decided else None


def _median(histogram: Counter) -> float | None:
    """The median of values stored as a histogram {"value": how many}."""
    values = sorted((int(key), n) for key, n in histogram.items() if n > 0)
    count = sum(n for _, n in values)
    if not count:
        return None
    wanted = [(count - 1) // 2, count // 2]
    found: list[int] = []
    seen = 0
    for value, n in values:
        while len(found) < 2 and wanted[len(found)] < seen + n:
            found.append(value)
        seen += n
    return (found[0] + found[1]) / 2


def build(session: Session, filters: Filters, today: date) -> Overview:
    """Every aggregate of the overview for the filtered analyses."""
    overview = Overview()
    by_dimensions, totals = _tally_counts(session, filters)
    dated = _dated_counts(session, filters, today)
    overview.total = totals.get(("analyses", ""), 0)
    buckets = (overview.by_organisation, overview.by_year, overview.by_area, overview.by_status)
    for dimensions, n in by_dimensions:
        for bucket, key in zip(buckets, dimensions, strict=True):
            if key not in ("", 0):  # a grain that sums over this dimension
                bucket[key] = bucket.get(key, 0) + n
    overview.by_status = {
        s: overview.by_status[s] for s in workflow.STATUSES if s in overview.by_status
    }
    overview.by_organisation = dict(
        sorted(overview.by_organisation.items(), key=lambda item: (-item[1], item[0]))
    )
    overview.by_area = dict(sorted(overview.by_area.items(), key=lambda item: (-item[1], item[0])))
    overview.by_year = dict(sorted(overview.by_year.items()))
    for (metric, key), n in totals.items():
        if metric != "analyses" and n:
            overview.metrics.setdefault(metric, Counter())[key] += n
    overview.not_heard = _not_heard(session, filters)
    overview.follow_up = _follow_up(dated)
    add_follow_up_results(session, filters, today, overview)
    return overview


def _tally_clauses(table, filters: Filters, grain: str) -> list:
    """Rows of `grain` that match the filters. Dimensions a grain sums over always hold ANY
    there. For the coarse grains of the counts, saying so lets the unique index find the
    rows of a grain that has no index of its own (status, reviewer); elsewhere it would only
    steer the planner off the indexes that hold every column read."""
    clauses = [table.c.grain == grain, *filters.dimension_clauses(table.c)]
    kept = tallies.GRAINS.get(grain, tallies.DIMENSIONS)
    clauses += [table.c[dim] == tallies.ANY[dim] for dim in tallies.DIMENSIONS if dim not in kept]
    if filters.reviewer_id:
        clauses.append(table.c.reviewer_id == filters.reviewer_id)
    return clauses


def _filtered(filters: Filters) -> set[str]:
    names = {name for name in tallies.DIMENSIONS if getattr(filters, name) not in (None, "")}
    return names | ({tallies.REVIEWER} if filters.reviewer_id else set())


def _tally_counts(session: Session, filters: Filters):
    table = OverviewTally.__table__
    grain = tallies.grain_for(_filtered(filters))
    if grain is None:
        totals = _contribution_totals(session, filters)
    else:
        totals = {
            (metric, key): int(n)
            for metric, key, n in session.execute(
                select(table.c.metric, table.c.key, func.sum(table.c.n))
                .where(*_tally_clauses(table, filters, grain))
                .group_by(table.c.metric, table.c.key)
            )
        }
    # Without filters the single-dimension grains hold each breakdown in a few rows; with
    # filters the matching combinations of the full grain do; for a reviewer, whose analyses
    # no grain keeps apart, the analyses themselves.
    if filters.reviewer_id:
        dimensions = (Analysis.organisation, Analysis.year, Analysis.decision_area, Analysis.status)
        by_dimensions = session.execute(
            select(*dimensions, func.count())
            .where(*_analysis_clauses(filters))
            .group_by(*dimensions)
        ).all()
    else:
        breakdown = (
            [table.c.grain.in_(SINGLE_GRAINS)]
            if grain == "all"
            else _tally_clauses(table, filters, "full")
        )
        by_dimensions = session.execute(
            select(
                table.c.organisation, table.c.year, table.c.decision_area, table.c.status, table.c.n
            ).where(*breakdown, table.c.metric == "analyses")
        ).all()
    return [(tuple(row[:4]), row[4]) for row in by_dimensions], totals


def _contribution_totals(session: Session, filters: Filters) -> dict[tuple[str, str], int]:
    """The counts a grain would hold for these filters, summed from the contributions stored
    on the matching analyses (for a reviewer with other filters, which has no grain)."""
    summed: Counter[str] = Counter()
    for (tally,) in session.execute(select(Analysis.tally).where(*_analysis_clauses(filters))):
        if tally:
            summed.update(tally["counts"])
    totals = {}
    for name, n in summed.items():
        metric, _, key = name.partition(":")
        if n and metric not in tallies.DATED_METRICS:
            totals[(metric, key)] = n
    return totals


def _dated_counts(session: Session, filters: Filters, today: date) -> list[tuple]:
    """(organisation, metric, how many before today, how many from today) of open measures and
    follow-up dates in the window the overview shows."""
    table = OverviewTally.__table__
    grain = _dated_grain(filters)
    soon, recent, now = _window(today)
    rows = []
    for metric, earliest in ((tallies.OPEN_MEASURE_DUE, ""), (tallies.CHECKPOINT, recent)):
        rows += session.execute(
            select(
                table.c.organisation,
                table.c.metric,
                func.sum(case((table.c.key < now, table.c.n), else_=0)),
                func.sum(case((table.c.key >= now, table.c.n), else_=0)),
            )
            .where(
                *_tally_clauses(table, filters, grain),
                table.c.metric == metric,
                table.c.key.between(earliest, soon),
            )
            .group_by(table.c.organisation, table.c.metric)
        ).all()
    return rows


def _dated_grain(filters: Filters) -> str:
    """The small grain that holds the per-organisation follow-up counts for these filters."""
    filtered = _filtered(filters)
    if tallies.REVIEWER in filtered:
        return "dated_reviewer_full"
    return "dated_organisation" if filtered <= {"organisation"} else "dated_full"


def _window(today: date) -> tuple[str, str, str]:
    """ISO dates: due soon up to, recent follow-up dates from, and today."""
    return (
        (today + timedelta(days=DUE_SOON_DAYS)).isoformat(),
        (today - timedelta(days=RECENT_CHECKPOINT_DAYS)).isoformat(),
        today.isoformat(),
    )


def _follow_up(dated: list[tuple]) -> list[FollowUpRow]:
    """Open measures due soon or overdue, and recent or coming follow-up dates, per
    organisation, most overdue first."""
    kinds = {tallies.OPEN_MEASURE_DUE: "measures", tallies.CHECKPOINT: "checkpoints"}
    counts: dict[str, dict[str, int]] = {}
    for organisation, metric, before, after in dated:
        bucket = counts.setdefault(organisation, {})
        bucket[f"{kinds[metric]}_overdue"] = int(before or 0)
        bucket[f"{kinds[metric]}_due"] = int(after or 0)
    rows = [FollowUpRow(organisation, **bucket) for organisation, bucket in counts.items()]
    return sorted(
        rows,
        key=lambda row: (-(row.measures_overdue + row.checkpoints_overdue), row.organisation),
    )


def add_follow_up_results(session: Session, filters: Filters, today: date, overview) -> None:
    """Checkpoints overdue, indicators against their targets and re-assessments opened, per
    organisation, from the small dated grains (as the follow-up dates are); the decided
    analyses with a closed checkpoint are a total like any other."""
    table = OverviewTally.__table__
    grain = _dated_grain(filters)
    this_month = today.replace(day=1)
    counts: dict[str, dict[str, Counter]] = {}
    # One query per metric, on the index that leads with the metric (or, filtered, the year):
    # overdue is every month before this one. Grouped by the organisation alone, the planner
    # walks the whole grain in the unique index's order instead; so the rows come per key (a
    # handful for the indicators and re-assessments; months for the checkpoints, still few
    # whatever the number of analyses), except for the months on the small grains.
    connection = session.connection()
    for metric, keys in (
        (tallies.OPEN_CHECKPOINT_MONTH, table.c.key < this_month.isoformat()[:7]),
        (tallies.INDICATOR_TARGET, None),
        (tallies.REASSESSMENTS, None),
    ):
        found = counts[metric] = {}
        by_key = metric != tallies.OPEN_CHECKPOINT_MONTH or grain == "dated_full"
        grouped = (table.c.key if by_key else table.c.metric, table.c.year, table.c.organisation)
        for key, _year, organisation, n in connection.execute(
            select(*grouped, func.sum(table.c.n))
            .where(
                *_tally_clauses(table, filters, grain),
                table.c.metric == metric,
                *([] if keys is None else [keys]),
            )
            .group_by(*grouped)
        ):
            found.setdefault(organisation, Counter())[key] += int(n)
    overdue = counts[tallies.OPEN_CHECKPOINT_MONTH]
    # ... and the days of this month before today, counted on the checkpoints themselves: those
    # few first (the date's index), then their analyses that match the filters.
    due = Counter(
        session.scalars(
            select(Checkpoint.analysis_id).where(
                Checkpoint.due_on >= this_month,
                Checkpoint.due_on < today,
                Checkpoint.closed_on.is_(None),
            )
        )
    )
    if due:
        for analysis_id, organisation in session.execute(
            select(Analysis.id, Analysis.organisation).where(
                Analysis.id.in_(sorted(due)),
                Analysis.status.not_in(tallies.FOLLOW_UP_ENDED),
                *_analysis_clauses(filters),
            )
        ):
            overdue.setdefault(organisation, Counter())["this month"] += due[analysis_id]
    overview.checkpoints_overdue = _most_first(overdue)
    overview.reassessments = _most_first(counts[tallies.REASSESSMENTS])
    rows = [
        TargetRow(organisation, **by_key)
        for organisation, by_key in counts[tallies.INDICATOR_TARGET].items()
    ]
    overview.indicator_targets = sorted(rows, key=lambda row: (-row.off_target, row.organisation))


def _most_first(per_organisation: dict[str, Counter]) -> dict[str, int]:
    """Each organisation's total, the largest first."""
    totals = ((organisation, sum(keys.values())) for organisation, keys in per_organisation.items())
    return dict(sorted(((o, n) for o, n in totals if n), key=lambda item: (-item[1], item[0])))


def _analysis_clauses(filters: Filters) -> list:
    clauses = filters.dimension_clauses(Analysis)
    if filters.reviewer_id:
        clauses.append(
            Analysis.id.in_(
                select(ReviewRound.analysis_id).where(
                    ReviewRound.reviewer_id == filters.reviewer_id
                )
            )
        )
    return clauses


def _not_heard(session: Session, filters: Filters, limit: int = 10) -> list[NotHeard]:
    """The latest reasons recorded where children were not heard."""
    rows = session.execute(
        select(Analysis.id, Analysis.title, Analysis.organisation, StepAnswer.answers)
        .join(
            StepAnswer,
            (StepAnswer.analysis_id == Analysis.id)
            & (StepAnswer.step_key == NOT_HEARD_REASON.step),
        )
        .where(Analysis.children_heard == NO, *_analysis_clauses(filters))
        .order_by(Analysis.updated_at.desc(), Analysis.id.desc())
        .limit(limit)
    )
    return [
        NotHeard(
            row.id, row.title, row.organisation, (row.answers or {}).get(NOT_HEARD_REASON.key, "")
        )
        for row in rows
    ]


# --- the keyset-paged list ----------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    """A position in the list: the (updated_at, id) of a row, newest first."""

    updated_at: datetime
    id: int

    def encode(self) -> str:
        raw = f"{self.updated_at.isoformat()}|{self.id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str | None) -> Cursor | None:
        """None for a missing or malformed token: a bad link shows the first page."""
        if not token:
            return None
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            stamp, _, number = raw.partition("|")
            updated_at = datetime.fromisoformat(stamp)
            if updated_at.tzinfo is None:
                return None
            number = int(number)
            if not 0 < number <= DB_INT_MAX:
                return None
            return cls(updated_at, number)
        except (ValueError, UnicodeDecodeError, binascii.Error):
            return None


@dataclass(frozen=True)
class Page:
    rows: list
    next: Cursor | None
    previous: Cursor | None


LIST_COLUMNS = (
    Analysis.id,
    Analysis.title,
    Analysis.organisation,
    Analysis.decision_area,
    Analysis.diarienummer,
    Analysis.status,
    Analysis.year,
    Analysis.screening_level,
    Analysis.children_heard,
    Analysis.updated_at,
)


def _list_query(filters: Filters):
    query = select(*LIST_COLUMNS).where(*_analysis_clauses(filters))
    if filters.search:
        pattern = like_pattern(filters.search.casefold().strip())
        query = query.where(Analysis.search_text.like(pattern, escape=LIKE_ESCAPE))
    return query


def list_page(
    session: Session,
    filters: Filters,
    *,
    after: Cursor | None = None,
    before: Cursor | None = None,
    size: int = PAGE_SIZE,
) -> Page:
    """One page of analyses, newest first, seeking from a cursor: no OFFSET, so every page
    costs the same however deep it is."""
    key = tuple_(Analysis.updated_at, Analysis.id)
    query = _list_query(filters)
    if before is not None:
        rows = session.execute(
            query.where(key > tuple_(before.updated_at, before.id))
            .order_by(Analysis.updated_at.asc(), Analysis.id.asc())
            .limit(size + 1)
        ).all()
        more = len(rows) > size
        rows = list(reversed(rows[:size]))
        return Page(rows, _cursor(rows[-1]) if rows else None, _cursor(rows[0]) if more else None)
    if after is not None:
        query = query.where(key < tuple_(after.updated_at, after.id))
    rows = session.execute(
        query.order_by(Analysis.updated_at.desc(), Analysis.id.desc()).limit(size + 1)
    ).all()
    more = len(rows) > size
    rows = rows[:size]
    previous = _cursor(rows[0]) if after is not None and rows else None
    return Page(rows, _cursor(rows[-1]) if more else None, previous)


def _cursor(row) -> Cursor:
    return Cursor(row.updated_at, row.id)


def all_rows(session: Session, filters: Filters, chunk: int = 1000) -> Iterator:
    """Every filtered analysis, newest first, fetched a chunk at a time (for exports)."""
    after = None
    while True:
        page = list_page(session, filters, after=after, size=chunk)
        yield from page.rows
        if page.next is None:
            return
        after = page.next
