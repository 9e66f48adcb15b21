"""The follow-up report, for the meeting that checks how a decision turned out for children:
the decision, the checkpoints and their conclusions, every reading of every indicator against
its baseline and target (with a small chart), the measures' status over time, observed against
predicted effects, the events, the re-assessments opened, and the plan they follow up."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, KeepTogether, Spacer

from reports import sections
from reports.building import (
    BRAND,
    FONT,
    MUTED,
    Figure,
    Gettext,
    Heading,
    Para,
    Styles,
    build,
    long_date,
    markup,
    pieces,
    table,
)
from reports.data import (
    CheckpointRow,
    FollowUpData,
    IndicatorFollowUp,
    ReadingRow,
    ReportData,
    format_locale,
)

TARGET_INK = colors.HexColor("#1e6b34")
CHART_WIDTH, CHART_HEIGHT = 120 * mm, 50 * mm
# A section's heading moves to the next page unless this much room is left for what follows.
SECTION_ROOM = 40 * mm
# Dates on the chart's axis: at most this many, so that their labels never overlap.
MAX_DATE_LABELS = 5
# An observation against the prediction: a symbol as well as the word, never colour alone.
OBSERVATION_SYMBOL = {"as_predicted": "=", "better": "▲", "worse": "▼", "not_yet_known": "?"}


def _number(value: float | None, locale: str) -> str:
    return "–" if value is None else format_decimal(value, locale=format_locale(locale))


def _with_unit(value: float | None, unit: str, locale: str) -> str:
    number = _number(value, locale)
    return f"{number} {unit}" if unit and value is not None else number


def _nothing(text: str, styles: Styles) -> Para:
    return Para(markup(text), styles.body)


def _labelled(label: str, value: str, styles: Styles) -> list:
    """A bold label and its text, long text in pieces (as the decision is shown)."""
    first, *rest = pieces(markup(value) or "–")
    return [
        KeepTogether([Para(markup(label), styles.question), Para(first, styles.body)]),
        *(Para(piece, styles.body) for piece in rest),
    ]


# --- checkpoints and conclusions ----------------------------------------------------------------


def _final_conclusion(final: CheckpointRow, locale: str, gettext: Gettext, styles) -> list:
    story: list = [Heading(gettext("Final conclusion"), styles.h2, 0, "final")]
    story += _labelled(gettext("Closed on"), long_date(final.closed_on, locale), styles)
    story += _labelled(gettext("Did children fare as predicted?"), final.fared, styles)
    story += _labelled(gettext("Conclusion"), final.conclusion, styles)
    if final.changes:
        story += _labelled(gettext("What changes now"), final.changes, styles)
    return story


def _checkpoints(data: ReportData, gettext: Gettext, styles: Styles, width: float) -> list:
    follow_up = data.follow_up
    story: list = []
    final = follow_up.final_conclusion
    if final is not None:
        story += _final_conclusion(final, data.locale, gettext, styles)
    story.append(Heading(gettext("Checkpoints and their conclusions"), styles.h2, 0, "checkpoints"))
    if not follow_up.checkpoints:
        return [*story, _nothing(gettext("No checkpoints have been recorded."), styles)]
    header = [
        gettext("Checkpoint"),
        gettext("Date"),
        gettext("Closed"),
        gettext("How children fared"),
        gettext("Conclusion and what changes"),
    ]
    rows = []
    changes_label = gettext("What changes now")
    for checkpoint in follow_up.checkpoints:
        title = markup(checkpoint.title)
        if checkpoint.final:
            final = gettext("Final conclusion")
            title += f"<br/><b>{markup(final)}</b>"
        text = "<br/>".join(
            part
            for part in (
                markup(checkpoint.conclusion),
                f"<i>{markup(changes_label)}:</i> {markup(checkpoint.changes)}"
                if checkpoint.changes
                else "",
            )
            if part
        )
        rows.append(
            [
                title,
                long_date(checkpoint.due_on, data.locale),
                long_date(checkpoint.closed_on, data.locale)
                if checkpoint.closed_on
                else _open_checkpoint(checkpoint, data.printed_on, gettext),
                markup(checkpoint.fared) or "–",
                text or "–",
            ]
        )
    story.append(table(header, rows, [w * width for w in (0.22, 0.14, 0.14, 0.16, 0.34)], styles))
    return story


def _open_checkpoint(checkpoint: CheckpointRow, today: date, gettext: Gettext) -> str:
    """An open checkpoint's state on the day printed: overdue, in bold, once its date passed."""
    if checkpoint.due_on < today:
        overdue = gettext("Overdue, not closed")
        return f"<b>{markup(overdue)}</b>"
    return markup(gettext("Not closed yet"))


# --- indicators and readings --------------------------------------------------------------------


def _against_target(reading: ReadingRow, gettext: Gettext) -> str:
    if reading.on_target is None:
        return "–"
    return gettext("On target") if reading.on_target else gettext("Not on target")


def _status_now(indicator: IndicatorFollowUp, gettext: Gettext) -> str:
    if not indicator.readings:
        return gettext("No reading yet.")
    latest = indicator.readings[-1]
    if latest.on_target is None:
        if indicator.baseline_value is not None and indicator.baseline_value == (
            indicator.target_value
        ):
            return gettext(
                "Cannot be told: the target is the same number as the baseline, so the plan "
                "does not say whether higher or lower is better."
            )
        return gettext("Cannot be told: the indicator has no baseline and target as numbers.")
    if latest.on_target:
        return gettext("The latest reading is on target.")
    return gettext("The latest reading is not on target.")


def _date_ticks(days: list[int]) -> list[int]:
    """At most MAX_DATE_LABELS of the reading dates, far enough apart to label."""
    first, last = days[0], days[-1]
    gap = (last - first) / MAX_DATE_LABELS
    ticks = [first]
    for day in days[1:]:
        if day - ticks[-1] >= gap:
            ticks.append(day)
    if ticks[-1] != last:  # too close to the one before: the latest date shows instead
        ticks[-1] = last
    return ticks


def _reading_chart(indicator: IndicatorFollowUp, locale: str, gettext: Gettext) -> Drawing:
    """The readings as a line over time, with the baseline and the target as dashed lines."""
    fmt = format_locale(locale)
    days = sorted({reading.measured_on.toordinal() for reading in indicator.readings})
    low, high = days[0], days[-1]
    if low == high:
        low, high = low - 15, high + 15
    drawing = Drawing(CHART_WIDTH, CHART_HEIGHT)
    plot = LinePlot()
    plot.x, plot.y = 14 * mm, 13 * mm
    plot.width, plot.height = CHART_WIDTH - 22 * mm, CHART_HEIGHT - 16 * mm
    series = [[(r.measured_on.toordinal(), r.value) for r in indicator.readings]]
    pairs = [(BRAND, gettext("Readings"))]
    for value, ink, label in (
        (indicator.baseline_value, MUTED, gettext("Baseline")),
        (indicator.target_value, TARGET_INK, gettext("Target")),
    ):
        if value is not None:
            series.append([(low, value), (high, value)])
            pairs.append((ink, label))
    plot.data = series
    plot.lines[0].strokeColor = BRAND
    plot.lines[0].strokeWidth = 1.5
    plot.lines[0].symbol = makeMarker("FilledCircle", size=4, fillColor=BRAND)
    for index, (ink, _label) in enumerate(pairs[1:], start=1):
        plot.lines[index].strokeColor = ink
        plot.lines[index].strokeDashArray = (3, 2)
    x_axis, y_axis = plot.xValueAxis, plot.yValueAxis
    x_axis.valueMin, x_axis.valueMax = low, high
    x_axis.valueSteps = _date_ticks(days)
    # "30 nov. 2024", as near the tables' long dates as an axis has room for.
    x_axis.labelTextFormat = lambda day: format_date(
        date.fromordinal(int(day)), "medium", locale=fmt
    )
    y_axis.labelTextFormat = lambda value: format_decimal(value, locale=fmt)
    values = [point[1] for line in series for point in line]
    spread = (max(values) - min(values)) or abs(values[0]) or 1
    y_axis.valueMin = min(values) - spread * 0.1
    y_axis.valueMax = max(values) + spread * 0.1
    for axis in (x_axis, y_axis):
        axis.labels.fontName = FONT
        axis.labels.fontSize = 7
    drawing.add(plot)
    legend = Legend()
    legend.x, legend.y = plot.x, 6
    legend.fontName = FONT
    legend.fontSize = 7
    legend.columnMaximum = 1
    legend.deltax = 32 * mm
    legend.dx, legend.dy = 10, 2
    legend.alignment = "right"
    legend.colorNamePairs = pairs
    drawing.add(legend)
    return drawing


def _indicator(
    indicator: IndicatorFollowUp, number: int, data: ReportData, gettext: Gettext, styles, width
) -> list:
    locale = data.locale
    planned = []
    for label, value, words in (
        (gettext("Baseline"), indicator.baseline_value, indicator.baseline),
        (gettext("Target"), indicator.target_value, indicator.target),
    ):
        shown = _with_unit(value, indicator.unit, locale) if value is not None else ""
        if words and words != shown:
            shown = f"{shown} ({words})" if shown else words
        planned.append(f"<b>{markup(label)}:</b> {markup(shown or '–')}")
    heading = Para(f"{number}. {markup(indicator.name)}", styles.h3)
    summary = Para(" · ".join(planned), styles.body)
    now = gettext("Now")
    status = Para(f"<b>{markup(now)}:</b> {markup(_status_now(indicator, gettext))}", styles.body)
    if not indicator.readings:
        return _kept_together(heading, summary, status)
    unit = f" ({indicator.unit})" if indicator.unit else ""
    header = [
        gettext("Date"),
        gettext("Value") + unit,
        gettext("Against the target"),
        gettext("Source"),
        gettext("Comment"),
    ]
    rows = [
        [
            long_date(reading.measured_on, locale),
            _number(reading.value, locale),
            markup(_against_target(reading, gettext)),
            markup(reading.source) or "–",
            markup(reading.comment) or "–",
        ]
        for reading in indicator.readings
    ]
    widths = [w * width for w in (0.18, 0.14, 0.16, 0.2, 0.32)]
    chart = Figure(
        _reading_chart(indicator, locale, gettext), _chart_text(indicator, locale, gettext)
    )
    return _kept_together(
        heading, summary, status, table(header, rows, widths, styles), Spacer(1, 2 * mm), chart
    )


def _kept_together(*flowables) -> list:
    """`flowables` kept on one page where they fit (a block longer than a page still splits,
    at a table's rows), so the chart is not parted from its heading and table. Each keeps with
    the next instead of a KeepTogether around them: ReportLab joins a heading that keeps with
    the next (the section's) to a paragraph or table, but not to a KeepTogether."""
    for flowable in flowables[:-1]:
        flowable.keepWithNext = 1
    return list(flowables)


def _chart_text(indicator: IndicatorFollowUp, locale: str, gettext: Gettext) -> str:
    """The reading chart in words, for those who cannot see it."""
    readings = indicator.readings
    values = [reading.value for reading in readings]
    text = gettext(
        "Line chart of the readings of %(indicator)s from %(first)s to %(last)s, between "
        "%(low)s and %(high)s; the latest is %(latest)s. The table above lists every reading."
    ) % {
        "indicator": indicator.name,
        "first": long_date(readings[0].measured_on, locale),
        "last": long_date(readings[-1].measured_on, locale),
        "low": _number(min(values), locale),
        "high": _number(max(values), locale),
        "latest": _number(values[-1], locale),
    }
    for label, value in (
        (gettext("Baseline"), indicator.baseline_value),
        (gettext("Target"), indicator.target_value),
    ):
        if value is not None:
            text += f" {label}: {_number(value, locale)}."
    return text


def _indicators(data: ReportData, gettext: Gettext, styles: Styles, width: float) -> list:
    indicators = data.follow_up.indicators
    story: list = [
        Heading(gettext("Indicators: readings against baseline and target"), styles.h2, 0, "read")
    ]
    if not indicators:
        return [*story, _nothing(gettext("The plan has no indicators."), styles)]
    if not any(indicator.readings for indicator in indicators):
        story.append(_nothing(gettext("No readings have been recorded yet."), styles))
    for number, indicator in enumerate(indicators, start=1):
        story += _indicator(indicator, number, data, gettext, styles, width)
    return story


# --- measures, effects, events, re-assessments --------------------------------------------------


def _measures(data: ReportData, gettext: Gettext, styles: Styles, width: float) -> list:
    story: list = [Heading(gettext("Measures: status now and over time"), styles.h2, 0, "measures")]
    if not data.follow_up.measures:
        return [*story, _nothing(gettext("The analysis has no measures."), styles)]
    header = [
        gettext("Measure"),
        gettext("Owner"),
        gettext("Due"),
        gettext("Status now"),
        gettext("Updates"),
    ]
    rows = []
    for measure in data.follow_up.measures:
        history = "<br/>".join(
            f"{long_date(change.on, data.locale)}: <b>{markup(change.status)}</b>"
            + (f" – {markup(change.evidence)}" if change.evidence else "")
            for change in measure.history
        )
        rows.append(
            [
                markup(measure.description),
                markup(measure.owner),
                long_date(measure.due_date, data.locale),
                f"<b>{markup(measure.status)}</b>",
                history or markup(gettext("No updates recorded.")),
            ]
        )
    story.append(table(header, rows, [w * width for w in (0.26, 0.15, 0.13, 0.16, 0.3)], styles))
    return story


def _effects(data: ReportData, gettext: Gettext, styles: Styles, width: float) -> list:
    story: list = [Heading(gettext("Observed and predicted effects"), styles.h2, 0, "effects")]
    effects = data.follow_up.effects
    if not effects:
        return [*story, _nothing(gettext("The impact matrix has no rows."), styles)]
    if not any(effect.observations for effect in effects):
        story.append(_nothing(gettext("No effects have been observed yet."), styles))
    header = [
        gettext("Article"),
        gettext("Child group"),
        gettext("Predicted"),
        gettext("Observed"),
    ]
    rows = []
    for effect in effects:
        observed = "<br/>".join(
            f"{long_date(item.observed_on, data.locale)}: "
            f"<b>{OBSERVATION_SYMBOL.get(item.observation, '')} {markup(item.label)}</b>"
            + (f" – {markup(item.evidence)}" if item.evidence else "")
            for item in effect.observations
        )
        rows.append(
            [
                f"{effect.article}. {markup(effect.article_title)}",
                markup(effect.group),
                markup(effect.predicted_label),
                observed or markup(gettext("Nothing observed yet.")),
            ]
        )
    story.append(table(header, rows, [w * width for w in (0.22, 0.2, 0.14, 0.44)], styles))
    return story


def _events(data: ReportData, gettext: Gettext, styles: Styles, width: float) -> list:
    story: list = [Heading(gettext("Events"), styles.h2, 0, "events")]
    if not data.follow_up.events:
        return [*story, _nothing(gettext("No events have been recorded."), styles)]
    header = [gettext("Date"), gettext("Event"), gettext("What happened")]
    rows = [
        [
            long_date(event.occurred_on, data.locale),
            markup(event.kind),
            f"<b>{markup(event.title)}</b>"
            + (f"<br/>{markup(event.description)}" if event.description else ""),
        ]
        for event in data.follow_up.events
    ]
    story.append(table(header, rows, [w * width for w in (0.18, 0.18, 0.64)], styles))
    return story


def _reassessments(data: ReportData, gettext: Gettext, styles: Styles, width: float) -> list:
    story: list = [Heading(gettext("Re-assessments opened"), styles.h2, 0, "reassessments")]
    if not data.follow_up.reassessments:
        return [*story, _nothing(gettext("No re-assessment has been opened."), styles)]
    header = [gettext("Opened"), gettext("Version"), gettext("Status"), gettext("Why")]
    rows = [
        [
            long_date(item.opened_on, data.locale),
            str(item.version),
            markup(item.status),
            markup(item.reason) or "–",
        ]
        for item in data.follow_up.reassessments
    ]
    story.append(table(header, rows, [w * width for w in (0.18, 0.1, 0.18, 0.54)], styles))
    return story


def _has_records(follow_up: FollowUpData) -> bool:
    return bool(
        follow_up.events
        or follow_up.reassessments
        or any(c.closed_on for c in follow_up.checkpoints)
        or any(i.readings for i in follow_up.indicators)
        or any(m.history for m in follow_up.measures)
        or any(e.observations for e in follow_up.effects)
    )


def render_follow_up_report(data: ReportData, gettext: Gettext) -> bytes:
    """For the follow-up meeting: the decision, then everything recorded since, then the plan."""
    styles = Styles(language=data.locale)
    styles.h3 = ParagraphStyle(
        "h3", parent=styles.h2, fontSize=11, leading=15, spaceBefore=8, spaceAfter=2
    )
    width = A4[0] - 40 * mm
    subject = gettext("Follow-up of a child impact assessment")
    story: list = [
        Para(markup(subject), styles.purpose),
        Para(markup(data.title), styles.h1),
    ]
    if data.decision is None:
        decision_label = gettext("Planned decision")
        story.append(
            Para(
                f"<b>{markup(decision_label)}:</b> {markup(data.decision_body or '–')}, "
                f"{long_date(data.decision_date, data.locale)}",
                styles.body,
            )
        )
    else:
        story.append(Heading(gettext("The decision"), styles.h2, 0, "decision"))
        story += sections.decision(data.decision, data.locale, gettext, styles)
    if not _has_records(data.follow_up):
        story.append(
            Para(markup(gettext("Nothing has been recorded in the follow-up yet.")), styles.body)
        )
    for part in (_checkpoints, _indicators, _measures, _effects, _events, _reassessments):
        story.append(CondPageBreak(SECTION_ROOM))
        story += part(data, gettext, styles, width)
    plan = next((s for s in data.steps if s.key == "follow_up"), None)
    if plan is not None:
        story.append(CondPageBreak(SECTION_ROOM))
        story.append(Heading(gettext("Follow-up plan"), styles.h2, 0, "plan"))
        story += sections.answers(plan, styles)
    return build(story, data, gettext, subject)
