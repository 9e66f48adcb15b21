"""The follow-up pages' repeated parts as the pages print them: the links of every record,
each indicator's figures, reading rows and trend chart, and the rows of the impact matrix with
their observations, worked out here once per page.

The follow-up page lists every record of an analysis's follow-up; as Jinja macros, filters and
url_for calls per row they cost most of its rendering time. What is prepared here is plain text:
the templates still escape it. Made anew for each rendering, so nothing outlives the page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import NamedTuple

from flask import url_for
from flask_babel import gettext
from markupsafe import Markup, escape
from sqlalchemy import Row

from bka.domain.checklists import Checklists
from bka.domain.follow_up_state import ImpactFollowUp, IndicatorFollowUp
from bka.web.formats import format_date, format_number
from bka.web.impacts import impact_headings


class FollowUpLinks:
    """The links of the follow-up page that repeat per record or step entry: "Add" for a kind
    (for an entry: `<page>/<kind>/new?<parent field>=<id>`), and "Change" and "Remove" for a
    record (`<page>/<kind>/<id>` and `.../delete`), as the routes of `bka.views.follow_up` read
    them, below the page's own address. The record's links are named for screen readers by
    `what`."""

    def __init__(self, analysis_id: int):
        self._page = url_for("follow_up.index", analysis_id=analysis_id)
        self._change, self._remove = escape(gettext("Change")), escape(gettext("Remove"))

    def add(self, kind_name: str, parent_field: str = "", parent_id: int = 0) -> str:
        new = f"{self._page}/{kind_name}/new"
        return f"{new}?{parent_field}={parent_id}" if parent_field else new

    def actions(self, kind_name: str, record, what: str) -> Markup:
        edit = f"{self._page}/{kind_name}/{record.id}"
        named = f'<span class="visually-hidden">: {escape(what)}</span>'
        return Markup(  # noqa: S704 - the address is ours, the texts are escaped
            f'<a href="{edit}">{self._change}{named}</a>\n'
            f'<a href="{edit}/delete">{self._remove}{named}</a>'
        )


# The plot area inside the chart's 640 × 236 view box: room on the left for the value labels,
# below for the first and last date.
LEFT, RIGHT, TOP, BOTTOM = 110, 630, 16, 196


class TrendChart(NamedTuple):
    """An indicator's chart: where its readings, baseline and target go (SVG coordinates, with
    one decimal), and the labels of its axes (the highest and lowest value, the first and last
    date; no last date when every reading is from the same day)."""

    points: list[tuple[str, str]]  # (x, y) per reading, oldest first
    baseline_y: str | None
    target_y: str | None
    high: str
    low: str
    first_on: str
    last_on: str | None

    left, right, top, bottom = LEFT, RIGHT, TOP, BOTTOM  # the plot area, for the axes


def trend_chart(
    readings: Sequence[Row], baseline: float | None, target: float | None, unit: str = ""
) -> TrendChart:
    """The chart of `readings` (at least one, oldest first) with the baseline and target lines."""
    bounds = [reading.value for reading in readings]
    bounds += [value for value in (baseline, target) if value is not None]
    low, high = min(bounds), max(bounds)
    if high == low:
        low, high = low - 1, high + 1
    first = readings[0].measured_on.toordinal()
    span = readings[-1].measured_on.toordinal() - first

    def y(value: float) -> str:
        return f"{BOTTOM - (value - low) / (high - low) * (BOTTOM - TOP):.1f}"

    def x(reading: Row) -> str:
        offset = (reading.measured_on.toordinal() - first) / span if span else 0.5
        return f"{LEFT + offset * (RIGHT - LEFT):.1f}"

    return TrendChart(
        [(x(reading), y(reading.value)) for reading in readings],
        None if baseline is None else y(baseline),
        None if target is None else y(target),
        _amount(high, unit),
        _amount(low, unit),
        format_date(readings[0].measured_on, "short"),
        format_date(readings[-1].measured_on, "short") if span else None,
    )


def _amount(value: float, unit: str) -> str:
    return f"{format_number(value)} {unit}" if unit else format_number(value)


def _value_and_text(value: float | None, text: str, unit: str) -> str:
    """A baseline or target as the page states it: "40 % – the level of 2023", either part
    alone, or a dash when there is neither."""
    parts = [_amount(value, unit)] if value is not None else []
    if text:
        parts.append(text)
    return " – ".join(parts) or "–"


class ReadingRow(NamedTuple):
    record: Row  # the reading, for its links
    measured_on: str
    value: str
    source: str
    comment: str
    recorded_by: str


class IndicatorSection(NamedTuple):
    """An indicator's part of the follow-up page: its baseline and target, the latest reading
    and whether it reaches the target (None: cannot be told), when the next reading is due, and
    the chart and table of its readings."""

    id: int
    name: str
    unit: str
    baseline: str
    target: str
    latest: str  # "62 %, 8 November 2024"; empty without readings
    on_target: bool | None
    next_due: str  # empty when no reading is planned
    overdue: bool
    chart: TrendChart | None
    readings: list[ReadingRow]


def indicator_sections(
    indicators: Sequence[IndicatorFollowUp], today: date
) -> list[IndicatorSection]:
    sections = []
    for item in indicators:
        indicator, latest, unit = item.indicator, item.latest, item.indicator.unit or ""
        sections.append(
            IndicatorSection(
                indicator.id,
                indicator.name,
                unit,
                _value_and_text(indicator.baseline_value, indicator.baseline, unit),
                _value_and_text(indicator.target_value, indicator.target, unit),
                f"{_amount(latest.value, unit)}, {format_date(latest.measured_on)}"
                if latest
                else "",
                item.on_target,
                format_date(item.next_due) if item.next_due else "",
                item.next_due is not None and item.next_due < today,
                trend_chart(item.readings, indicator.baseline_value, indicator.target_value, unit)
                if item.readings
                else None,
                [
                    ReadingRow(
                        reading,
                        format_date(reading.measured_on),
                        format_number(reading.value),
                        reading.source,
                        reading.comment,
                        reading.recorded_by,
                    )
                    for reading in item.readings
                ],
            )
        )
    return sections


class ImpactRow(NamedTuple):
    """A row of the impact matrix as the follow-up shows it: what was predicted, what was last
    observed (empty while nothing is), and the observations recorded for it."""

    id: int
    heading: str  # "6. Right to life … × <group>"
    predicted: str
    observed: str
    observed_on: str
    observations: list[Observation]


class Observation(NamedTuple):
    record: Row  # the observed effect, for its links
    observed_on: str
    observation: str
    evidence: str
    recorded_by: str


def impact_rows(
    impacts: Sequence[ImpactFollowUp], checklists: Checklists, labels: Mapping
) -> list[ImpactRow]:
    """Every row of the impact matrix with its observations, in words."""
    directions, observations = labels["direction"], labels["observation"]
    headings = impact_headings([item.impact for item in impacts], checklists)
    rows = []
    for item, heading in zip(impacts, headings, strict=True):
        seen = [
            Observation(
                effect,
                format_date(effect.observed_on),
                str(observations[effect.observation]),
                effect.evidence,
                effect.recorded_by,
            )
            for effect in item.effects
        ]
        latest = seen[-1] if seen else None
        rows.append(
            ImpactRow(
                item.impact.id,
                heading,
                str(directions[item.impact.direction]),
                latest.observation if latest else "",
                latest.observed_on if latest else "",
                seen,
            )
        )
    return rows
