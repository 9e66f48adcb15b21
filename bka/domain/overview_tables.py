"""The overview's aggregates as labelled tables, in one language.

One source for everything that shows the aggregates as rows: the data tables beside the charts,
the CSV and XLSX exports of the aggregates and the yearly barnbokslut PDF.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from flask_babel import force_locale, get_timezone
from flask_babel import gettext as _

from bka.domain import labels
from bka.domain.checklists import Convention
from bka.domain.entries import AGE_BANDS
from bka.domain.overview import Overview
from bka.domain.workflow import STATUS_LABELS


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple, ...]  # first cell a label, then numbers (or text)


def _counts(key: str, title: str, heading: str, items: Iterable[tuple[str, int]]) -> Table:
    return Table(key, title, (heading, _("Analyses")), tuple((label, n) for label, n in items))


def article_label(convention: Convention, number: int, locale: str) -> str:
    try:
        title = convention.article(number).title.get(locale)
    except IndexError:
        return _("Article %(number)d", number=number)
    return _("Article %(number)d: %(title)s", number=number, title=title)


def tables(overview: Overview, convention: Convention, locale: str) -> list[Table]:
    """Every aggregate table of the overview, labelled in `locale`."""
    with force_locale(locale):
        return _tables(overview, convention, locale)


def _label(mapping: dict, key) -> str:
    return str(mapping.get(key, key))


def _labelled(mapping: dict, counts, keys: Iterable) -> Iterable[tuple[str, int]]:
    """(label, count) for each key in `keys` that counted anything, in that order."""
    return ((_label(mapping, key), counts[key]) for key in keys if counts[key])


def _tables(overview: Overview, convention: Convention, locale: str) -> list[Table]:
    article = lambda number: article_label(convention, number, locale)  # noqa: E731
    result = [
        _counts(
            "status",
            _("Analyses by status"),
            _("Status"),
            ((_label(STATUS_LABELS, key), n) for key, n in overview.by_status.items()),
        ),
        _counts(
            "organisation",
            _("Analyses by organisation"),
            _("Organisation"),
            overview.by_organisation.items(),
        ),
        _counts(
            "decision_area",
            _("Analyses by decision area"),
            _("Decision area"),
            ((_label(labels.AREA, key), n) for key, n in overview.by_area.items()),
        ),
        _counts(
            "year",
            _("Analyses by year"),
            _("Year"),
            ((str(year), n) for year, n in overview.by_year.items()),
        ),
        _counts(
            "screening",
            _("Screening outcomes"),
            _("Outcome"),
            (
                (_label(labels.SCREENING_RESULT, key), n)
                for key, n in sorted(overview.screening.items())
            ),
        ),
        _counts(
            "heard",
            _("Were children heard?"),
            _("Answer"),
            (
                (_label(labels.HEARD, key), overview.heard[key])
                for key in labels.HEARD
                if overview.heard[key]
            ),
        ),
        Table(
            "articles",
            _("Convention articles by direction of impact"),
            (
                _("Article"),
                *(str(labels.DIRECTION[key]) for key in labels.DIRECTION),
            ),
            tuple(
                (article(row.article), row.strengthens, row.weakens, row.neutral, row.unknown)
                for row in overview.articles
            ),
        ),
        Table(
            "heat_map",
            _("Negative impacts by article and age band"),
            (_("Article"), *(str(labels.AGE_BAND[band]) for band in AGE_BANDS)),
            tuple((article(number), *cells) for number, cells in overview.heat_map()),
        ),
        _counts(
            "weakens_age",
            _("Child groups affected negatively, by age"),
            _("Age band"),
            _labelled(labels.AGE_BAND, overview.metric("weakens_age"), AGE_BANDS),
        ),
        _counts(
            "weakens_situation",
            _("Child groups affected negatively, by vulnerable situation"),
            _("Situation"),
            (
                (_label(labels.VULNERABLE, key), n)
                for key, n in overview.metric("weakens_situation").most_common()
            ),
        ),
        Table(
            "rubric",
            _("Review rubric results (completed review rounds)"),
            (_("Question"), *(str(label) for label in labels.RUBRIC_ANSWER.values())),
            tuple(
                (
                    str(labels.RUBRIC[item]),
                    *(overview.rubric.get(item, {}).get(a, 0) for a in labels.RUBRIC_ANSWER),
                )
                for item in labels.RUBRIC
            ),
        ),
        Table(
            "decision_outcome",
            _("Decisions by outcome"),
            (_("Outcome"), _("Decisions")),
            tuple(
                _labelled(
                    labels.DECISION_OUTCOME,
                    overview.metric("decision_outcome"),
                    labels.DECISION_OUTCOME,
                )
            ),
        ),
        Table(
            "decision_follows",
            _("Do the decisions follow the analyses' conclusions?"),
            (_("Answer"), _("Decisions")),
            tuple(
                _labelled(
                    labels.FOLLOWS_CONCLUSION,
                    overview.metric("decision_follows"),
                    labels.FOLLOWS_CONCLUSION,
                )
            ),
        ),
        _counts(
            "rounds_to_signoff",
            _("Review rounds before sign-off"),
            _("Rounds"),
            (
                (key, n)
                for key, n in sorted(
                    overview.metric("rounds_to_signoff").items(), key=lambda item: int(item[0])
                )
            ),
        ),
        Table(
            "follow_up",
            _("Follow-up due and overdue, per organisation"),
            (
                _("Organisation"),
                _("Measures overdue"),
                _("Measures due within 30 days"),
                _("Follow-up dates in the last 90 days"),
                _("Follow-up dates within 30 days"),
            ),
            tuple(
                (
                    row.organisation,
                    row.measures_overdue,
                    row.measures_due,
                    row.checkpoints_overdue,
                    row.checkpoints_due,
                )
                for row in overview.follow_up
            ),
        ),
        Table(
            "checkpoints_overdue",
            _("Checkpoints overdue, per organisation"),
            (_("Organisation"), _("Checkpoints")),
            tuple(overview.checkpoints_overdue.items()),
        ),
        Table(
            "indicator_status",
            _("Indicators by their latest reading"),
            (_("Latest reading"), _("Indicators")),
            tuple(
                (label, n)
                for label, n in (
                    (_("On target"), sum(row.on_target for row in overview.indicator_targets)),
                    (
                        _("Not on target"),
                        sum(row.off_target for row in overview.indicator_targets),
                    ),
                    (_("Cannot be told"), sum(row.unknown for row in overview.indicator_targets)),
                )
                if n
            ),
        ),
        Table(
            "indicator_targets",
            _("Indicators against their targets, per organisation"),
            (_("Organisation"), _("On target"), _("Not on target"), _("Cannot be told")),
            tuple(
                (row.organisation, row.on_target, row.off_target, row.unknown)
                for row in overview.indicator_targets
            ),
        ),
        Table(
            "reassessments",
            _("Re-assessments opened, per organisation"),
            (_("Organisation"), _("Re-assessments")),
            tuple(overview.reassessments.items()),
        ),
    ]
    return result


def key_figures(overview: Overview, format_number: Callable, locale: str) -> list[tuple[str, str]]:
    """The headline numbers, as (label, formatted value) in `locale`."""
    with force_locale(locale):
        share = overview.heard_share
        none = _("no data")

        def days(value):
            return none if value is None else _("%(days)s days", days=format_number(value))

        return [
            (_("Analyses"), format_number(overview.total)),
            (
                _("Children heard"),
                none
                if share is None
                else _(
                    "%(share)s of %(count)s analyses where it applies",
                    share=f"{format_number(round(share * 100))} %",
                    count=format_number(overview.heard_considered),
                ),
            ),
            (_("Analyses signed off"), format_number(overview.signed_off)),
            (_("Median time from start to sign-off"), days(overview.median_days_to_signoff)),
            (_("Median time from start to decision"), days(overview.median_days_to_decision)),
            (
                _("Median review rounds before sign-off"),
                none
                if overview.median_rounds_to_signoff is None
                else format_number(overview.median_rounds_to_signoff),
            ),
            (
                _("Children taking part in consultations"),
                format_number(overview.metric("children_consulted")[""]),
            ),
            (
                _("Decided analyses with a closed checkpoint"),
                none
                if overview.closed_checkpoint_share is None
                else _(
                    "%(share)s of %(count)s decided analyses",
                    share=f"{format_number(round(overview.closed_checkpoint_share * 100))} %",
                    count=format_number(overview.decided_now),
                ),
            ),
            (_("Re-assessments opened"), format_number(sum(overview.reassessments.values()))),
        ]


# --- exports -------------------------------------------------------------------------------------


def analysis_list(rows: Iterable) -> tuple[str, list[str], Iterator[tuple]]:
    """The list of analyses (rows of overview.all_rows) as one sheet: name, headers, rows."""
    headers = [
        _("Id"),
        _("Title"),
        _("Case number"),
        _("Organisation"),
        _("Decision area"),
        _("Status"),
        _("Year"),
        _("Screening outcome"),
        _("Were children heard?"),
        _("Last changed"),
    ]
    cells = (
        (
            row.id,
            row.title,
            row.diarienummer or "",
            row.organisation,
            _label(labels.AREA, row.decision_area),
            _label(STATUS_LABELS, row.status),
            row.year or "",
            str(labels.SCREENING_RESULT.get(row.screening_level or "unset", "")),
            str(labels.HEARD.get(row.children_heard or "unanswered", row.children_heard)),
            row.updated_at.astimezone(get_timezone()).date().isoformat(),  # the local day
        )
        for row in rows
    )
    return _("Analyses"), headers, cells


def in_one_sheet(tables: Iterable[Table]) -> tuple[list[str], Iterator[tuple]]:
    """Every table in one sheet (the aggregates' CSV): a first column names each row's table."""
    headers = [_("Table"), _("Label"), _("Values")]
    return headers, ((table.title, *row) for table in tables for row in table.rows)
