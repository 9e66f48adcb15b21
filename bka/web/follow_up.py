"""The follow-up page's repeated parts as the page prints them: the "Change" and "Remove" links
of every record and the geometry of each indicator's trend chart, worked out here once per page.

The follow-up page lists every record of an analysis's follow-up; as Jinja macros and url_for
calls (a URL built per link, the chart's coordinates computed per point) they cost most of its
rendering time.
Made anew for each rendering, so nothing outlives the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from flask import url_for
from flask_babel import gettext
from markupsafe import Markup, escape

from bka.models import Reading


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
    """Where an indicator's readings, baseline and target go on its chart (SVG coordinates,
    with one decimal), and the value range the vertical axis spans."""

    low: float
    high: float
    points: list[tuple[str, str]]  # (x, y) per reading, oldest first
    baseline_y: str | None
    target_y: str | None
    spans_time: bool  # False when every reading is from the same day

    left, right, top, bottom = LEFT, RIGHT, TOP, BOTTOM  # the plot area, for the axes


def trend_chart(
    readings: Sequence[Reading], baseline: float | None, target: float | None
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

    def x(reading: Reading) -> str:
        offset = (reading.measured_on.toordinal() - first) / span if span else 0.5
        return f"{LEFT + offset * (RIGHT - LEFT):.1f}"

    return TrendChart(
        low,
        high,
        [(x(reading), y(reading.value)) for reading in readings],
        None if baseline is None else y(baseline),
        None if target is None else y(target),
        bool(span),
    )
