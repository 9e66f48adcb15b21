"""The analysis report for the decision file: cover, contents, every step with its entries as
tables, and the review and sign-off. Each step's entries come from `STEP_ENTRIES`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from babel.numbers import format_decimal
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.platypus import CondPageBreak, KeepTogether, PageBreak, Paragraph, Spacer

from reports import sections
from reports.building import (
    FONT,
    FONT_BOLD,
    ContentsPlace,
    Figure,
    Gettext,
    Heading,
    Para,
    Styles,
    build,
    date_time,
    long_date,
    markup,
    table,
)
from reports.data import ReportData, format_locale
from reports.summary import summary_page

# Effect colours are only a second cue: every cell also carries a symbol and a word.
EFFECT_STYLE = {
    "strengthens": (colors.HexColor("#d9efdf"), colors.HexColor("#1e6b34"), "▲"),
    "weakens": (colors.HexColor("#f8dcd9"), colors.HexColor("#b3261e"), "▼"),
    "neutral": (colors.HexColor("#ececec"), colors.HexColor("#6f6f6f"), "●"),
    "unknown": (colors.HexColor("#fff1c7"), colors.HexColor("#8a5a00"), "?"),
}


def _child_groups(data: ReportData, gettext: Gettext, styles: Styles, width: float) -> list:
    if not data.child_groups:
        return []
    header = [
        gettext("Group"),
        gettext("Ages"),
        gettext("Affected as"),
        gettext("Vulnerable situations"),
        gettext("Number and source"),
    ]
    rows = []
    for group in data.child_groups:
        number = (
            format_decimal(group.estimated_number, locale=format_locale(data.locale))
            if group.estimated_number is not None
            else "–"
        )
        rows.append(
            [
                markup(group.label),
                markup(group.age_band),
                markup(group.relation),
                markup(group.vulnerable) or "–",
                f"{number}<br/>{markup(group.number_source)}",
            ]
        )
    return [
        Para(markup(gettext("Child groups")), styles.h2),
        table(header, rows, [w * width for w in (0.26, 0.1, 0.16, 0.26, 0.22)], styles),
    ]


def _articles(data: ReportData, gettext: Gettext, styles: Styles, width: float) -> list:
    if not data.articles:
        return []
    rows = [
        [f"<b>{article.number}. {markup(article.title)}</b>", markup(article.summary)]
        for article in data.articles
    ]
    return [
        Para(markup(gettext("Convention articles engaged")), styles.h2),
        table([gettext("Article"), gettext("Summary")], rows, [0.3 * width, 0.7 * width], styles),
    ]


def _consultations(data: ReportData, gettext: Gettext, styles: Styles, _width: float) -> list:
    if not data.consultations:
        return []
    story: list = [Para(markup(gettext("Consultations with children")), styles.h2)]
    for item in data.consultations:
        heading = gettext("%(method)s, %(count)d children aged %(ages)s") % {
            "method": item.method,
            "count": item.children_count,
            "ages": item.ages,
        }
        story.append(
            Para(f"<b>{markup(heading)}</b> – {long_date(item.held_on, data.locale)}", styles.body)
        )
        for label, text in (
            (gettext("Adaptations"), item.adaptations),
            (gettext("What the children said"), item.views),
            (gettext("How it changed the proposal"), item.influence),
        ):
            if text:
                story.append(Para(f"<i>{markup(label)}:</i> {markup(text)}", styles.body))
        story.extend(_participation(item, data, gettext, styles))
    return story


def _participation(item, data: ReportData, gettext: Gettext, styles: Styles) -> list:
    """A consultation's General Comment 12 checklist on one line (a tick or a dash before each
    requirement, and the count, so it reads without colour), then who was not reached, consent
    and feedback. Nothing for a consultation recorded before the checklist existed."""
    story: list = []
    if item.requirements:
        held = sum(1 for _label, ok in item.requirements if ok)
        marks = " · ".join(
            f"{'✓' if ok else '–'}\u00a0{markup(label)}" for label, ok in item.requirements
        )
        summary = gettext("%(held)d of %(total)d held") % {
            "held": held,
            "total": len(item.requirements),
        }
        heading = gettext("Requirements for participation (General Comment 12)")
        story.append(Para(f"<i>{markup(heading)}:</i> {markup(summary)}. {marks}", styles.body))
    feedback = ""
    if item.feedback_given_on is not None:
        feedback = gettext("given on %(date)s") % {
            "date": long_date(item.feedback_given_on, data.locale)
        }
        if item.feedback_how:
            feedback += f" – {item.feedback_how}"
    elif item.requirements:
        feedback = gettext("not given yet")
    for label, text in (
        (gettext("How the requirements were met"), item.requirements_note),
        (gettext("Not reached"), item.not_reached),
        (gettext("Consent"), item.consent),
        (gettext("Feedback to the children"), feedback),
    ):
        if text:
            story.append(Para(f"<i>{markup(label)}:</i> {markup(text)}", styles.body))
    return story


def _effect_cell(direction: str, label: str, styles: Styles) -> Paragraph:
    _background, ink, symbol = EFFECT_STYLE.get(direction, EFFECT_STYLE["unknown"])
    # A no-break space: the symbol stays on the line of its label, and the column fits both.
    text = f'<font color="{ink.hexval()}">{symbol}</font>\u00a0{markup(label)}'
    return Para(text, styles.cell_bold)


# The article labels left of the chart's bars wrap at this width (points).
CHART_LABEL_WIDTH = 140


def _impact_chart(data: ReportData, gettext: Gettext, width: float) -> Drawing:
    """Counts of each effect per article, as stacked horizontal bars with a legend."""
    articles = sorted({row.article for row in data.impacts})
    counts = Counter((row.article, row.direction) for row in data.impacts)
    order = ("strengthens", "weakens", "neutral", "unknown")
    names = [
        f"{number}. " + next(r.article_title for r in data.impacts if r.article == number)
        for number in reversed(articles)
    ]
    # Labels wrap onto as many lines as they need; every bar gets the room of the longest.
    lines = max(len(simpleSplit(name, FONT, 7, CHART_LABEL_WIDTH)) for name in names)
    row = max(16, 8 * lines + 4)
    height = 30 + row * len(articles) + 40
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 150, 40
    chart.width, chart.height = width - 170, row * len(articles)
    chart.data = [[counts[(number, key)] for number in reversed(articles)] for key in order]
    chart.categoryAxis.categoryNames = names
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.maxWidth = CHART_LABEL_WIDTH
    chart.categoryAxis.labels.leading = 8
    chart.categoryAxis.labels.textAnchor = "end"  # wrapped lines flush against the axis
    chart.categoryAxis.style = "stacked"
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueStep = 1
    chart.barWidth = 10
    for index, key in enumerate(order):
        chart.bars[index].fillColor = EFFECT_STYLE[key][1]
        chart.bars[index].strokeColor = colors.white
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 150, 18
    legend.fontName = FONT
    legend.fontSize = 7
    legend.columnMaximum = 1
    legend.deltax = (width - 150) / len(order)  # all four within the page
    legend.alignment = "right"
    legend.colorNamePairs = [
        (EFFECT_STYLE[key][1], f"{EFFECT_STYLE[key][2]} {data.direction_labels.get(key, key)}")
        for key in order
    ]
    drawing.add(legend)
    drawing.add(
        String(
            0,
            height - 12,
            gettext("Assessments per article and effect"),
            fontName=FONT_BOLD,
            fontSize=9,
        )
    )
    return drawing


def _impact_chart_text(data: ReportData, gettext: Gettext) -> str:
    """The impact chart in words: per article, how many assessments found each effect."""
    counts = Counter((row.article, row.direction) for row in data.impacts)
    titles = {row.article: row.article_title for row in data.impacts}
    articles = []
    for number in sorted(titles):
        effects = ", ".join(
            f"{data.direction_labels.get(key, key)} {counts[(number, key)]}"
            for key in ("strengthens", "weakens", "neutral", "unknown")
            if counts[(number, key)]
        )
        articles.append(f"{number}. {titles[number]}: {effects}")
    return (
        gettext("Bar chart of the assessments per article and effect.") + " " + "; ".join(articles)
    )


def _impacts(data: ReportData, gettext: Gettext, styles: Styles, width: float) -> list:
    if not data.impacts:
        return []
    header = [
        gettext("Article"),
        gettext("Child group"),
        gettext("Effect"),
        gettext("Term, severity, likelihood"),
        gettext("Explanation"),
    ]
    rows = []
    extra = []
    for index, impact in enumerate(data.impacts, start=1):
        background = EFFECT_STYLE.get(impact.direction, EFFECT_STYLE["unknown"])[0]
        extra.append(("BACKGROUND", (2, index), (2, index), background))
        rows.append(
            [
                f"{impact.article}. {markup(impact.article_title)}",
                markup(impact.group),
                _effect_cell(impact.direction, impact.direction_label, styles),
                markup(f"{impact.term}, {impact.severity}, {impact.likelihood}"),
                markup(impact.explanation),
            ]
        )
    widths = [w * width for w in (0.2, 0.18, 0.14, 0.16, 0.32)]
    return [
        Para(markup(gettext("Impact matrix")), styles.h2),
        table(header, rows, widths, styles, extra=extra),
        Spacer(1, 4 * mm),
        Figure(_impact_chart(data, gettext, width), _impact_chart_text(data, gettext)),
    ]


def _alternatives(data: ReportData, gettext: Gettext, styles: Styles, width: float) -> list:
    story: list = []
    if data.alternatives:
        story.append(Para(markup(gettext("Alternatives")), styles.h2))
        for alternative in data.alternatives:
            title = markup(alternative.title)
            if alternative.preferred:
                proposed = gettext("proposed")
                title += f" ({markup(proposed)})"
            story.append(Para(f"<b>{title}</b>", styles.body))
            for label, text in (
                (gettext("Description"), alternative.description),
                (
                    gettext("Consequences for children's rights"),
                    alternative.child_rights_assessment,
                ),
                (gettext("Conflicts of interest"), alternative.conflicts_of_interest),
            ):
                if text:
                    story.append(Para(f"<i>{markup(label)}:</i> {markup(text)}", styles.body))
    if data.comparison and data.comparison.rows:
        columns = len(data.comparison.header)
        first = 0.28 if columns > 2 else 0.5
        widths = [first * width] + [(1 - first) * width / (columns - 1)] * (columns - 1)
        story += [
            Para(markup(gettext("The alternatives compared")), styles.h2),
            table(
                list(data.comparison.header),
                [[markup(text) for text in row] for row in data.comparison.rows],
                widths,
                styles,
            ),
            Spacer(1, 4 * mm),
        ]
    if data.measures:
        story.append(sections.measures(data, gettext, styles, width))
    return story


def _follow_up(data: ReportData, gettext: Gettext, styles: Styles, width: float) -> list:
    story = [sections.indicators(data, gettext, styles, width)] if data.indicators else []
    if data.triggers:
        header = [gettext("Signal"), gettext("When is the trigger met?")]
        rows = [[markup(item.description), markup(item.condition)] for item in data.triggers]
        story.append(
            KeepTogether(
                [
                    Para(markup(gettext("Triggers for re-assessment")), styles.h2),
                    table(header, rows, [w * width for w in (0.5, 0.5)], styles),
                ]
            )
        )
    return story


# The entries shown after a step's answers, by step key; steps not listed have none.
STEP_ENTRIES: dict[str, Callable[[ReportData, Gettext, Styles, float], list]] = {
    "children": _child_groups,
    "rights": _articles,
    "participation": _consultations,
    "impacts": _impacts,
    "alternatives": _alternatives,
    "follow_up": _follow_up,
}


def _cover(data: ReportData, gettext: Gettext, styles: Styles, heading: str) -> list:
    lines = [
        (gettext("Organisation"), data.organisation),
        (gettext("Decision area"), data.decision_area),
        (gettext("Case number"), data.diarienummer or "–"),
        (gettext("Decision body"), data.decision_body or "–"),
        (
            gettext("Date of the decision") if data.decided else gettext("Planned decision date"),
            long_date(data.decision_date, data.locale),
        ),
        *(
            [(gettext("Outcome of the decision"), data.decision.outcome_label)]
            if data.decision
            else []
        ),
        (gettext("Status"), data.status),
        (gettext("Version"), str(data.version)),
        (gettext("Printed"), long_date(data.printed_on, data.locale)),
    ]
    story = [
        Spacer(1, 30 * mm),
        Para(markup(heading), styles.purpose),
        Para(markup(data.title), styles.cover_title),
    ]
    story += [
        Para(f"<b>{markup(label)}:</b> {markup(value)}", styles.cover_line)
        for label, value in lines
    ]
    if data.screening_result:
        story += [Spacer(1, 6 * mm), Para(markup(data.screening_result), styles.body)]
    return story


def _signature(data: ReportData, gettext: Gettext, styles: Styles, width: float) -> list:
    story: list = [Heading(gettext("Review and sign-off"), styles.h1, 0, "review")]
    if data.reviews:
        header = [
            gettext("Round"),
            gettext("Reviewer"),
            gettext("Outcome"),
            gettext("Verdicts and reasons"),
        ]
        rows = []
        for review in data.reviews:
            flagged = "; ".join(
                f"{markup(step)}: {markup(verdict)}" for step, verdict in review.verdicts
            )
            when = date_time(review.completed_at, data.locale, data.time_zone)
            rows.append(
                [
                    str(review.number),
                    f"{markup(review.reviewer)}<br/>{when}",
                    markup(review.outcome),
                    "<br/>".join(part for part in (flagged, markup(review.reasons)) if part) or "–",
                ]
            )
        story.append(table(header, rows, [w * width for w in (0.11, 0.24, 0.16, 0.49)], styles))
    block = data.signature
    if block is None:
        story.append(Para(markup(gettext("This version is not signed off.")), styles.body))
        return story
    signed = date_time(block.signed_at, data.locale, data.time_zone)
    story.append(Para(markup(gettext("Signature")), styles.h2))
    story.append(
        Para(
            markup(
                gettext("Signed off by %(name)s, %(title)s, on %(date)s. Version %(version)d.")
                % {
                    "name": block.signer_name,
                    "title": block.signer_title,
                    "date": signed,
                    "version": block.version,
                }
            ),
            styles.body,
        )
    )
    for statement in block.statements:
        story.append(Para(f"✓ {markup(statement)}", styles.body, tag="LBody"))
    story.append(Para(markup(gettext("SHA-256 of the signed version:")), styles.question))
    story.append(Para(f'<font face="{FONT}" size="8">{block.sha256}</font>', styles.body))
    return story


def _decisions(data: ReportData, gettext: Gettext, styles: Styles) -> list:
    """Every decision taken on the analysis, oldest first: a postponement is history too."""
    story: list = [Heading(gettext("The decision"), styles.h1, 0, "decision")]
    for index, block in enumerate(data.decisions, start=1):
        if len(data.decisions) > 1:
            heading = gettext("Decision %(number)d of %(count)d") % {
                "number": index,
                "count": len(data.decisions),
            }
            story.append(Para(markup(heading), styles.h2))
        story += sections.decision(block, data.locale, gettext, styles)
    return story


def render_analysis_report(data: ReportData, gettext: Gettext) -> bytes:
    """The full analysis for the decision file: cover, contents, every step, sign-off."""
    styles = Styles(language=data.locale)
    width = A4[0] - 40 * mm
    subject = gettext("Child impact assessment")
    story: list = _cover(data, gettext, styles, subject)
    story += [PageBreak(), *summary_page(data, gettext, styles, width)]
    # Page 3 (CONTENTS_PAGE) is reserved for the contents, drawn by the canvas when the pages
    # are known.
    story += [
        PageBreak(),
        Para(markup(gettext("Contents")), styles.h1),
        ContentsPlace(),
        PageBreak(),
    ]
    for section in data.steps:
        story.append(CondPageBreak(60 * mm))
        story.append(
            Heading(f"{section.number}. {section.title}", styles.h1, 0, f"step-{section.key}")
        )
        story.append(Para(markup(section.purpose), styles.purpose))
        story += sections.answers(section, styles)
        entries = STEP_ENTRIES.get(section.key)
        if entries is not None:
            story += entries(data, gettext, styles, width)
    story.append(PageBreak())
    story += _signature(data, gettext, styles, width)
    if data.decisions:
        story.append(CondPageBreak(60 * mm))
        story += _decisions(data, gettext, styles)
    return build(story, data, gettext, subject, contents=True)
