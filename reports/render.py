"""ReportLab rendering: ReportData and a gettext function in, PDF bytes out.

Only ReportLab, Babel, the standard library and, for right-to-left scripts, python-bidi and
arabic-reshaper are imported here (Flask and bka are banned by reports/.ruff.toml).
Every piece of user text passes through `markup()` before it meets ReportLab's paragraph markup.
The same data gives the same bytes: ReportLab runs in invariant mode and the PDF's dates are the
report's own date.
"""

from __future__ import annotations

import html
import io
import re
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from arabic_reshaper import reshape
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from bidi.algorithm import get_display
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import TimeStamp
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    KeepTogether,
    LongTable,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    TableStyle,
)
from reportlab.platypus.paragraph import textTransformFrags
from reportlab.platypus.paraparser import ParaParser

from reports.data import ReportData, StepSection

Gettext = Callable[[str], str]

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"
INK = colors.HexColor("#1b1b1b")
MUTED = colors.HexColor("#4f4f4f")
BRAND = colors.HexColor("#00526e")
RULE = colors.HexColor("#b1b4b6")
# Effect colours are only a second cue: every cell also carries a symbol and a word.
EFFECT_STYLE = {
    "strengthens": (colors.HexColor("#d9efdf"), colors.HexColor("#1e6b34"), "▲"),
    "weakens": (colors.HexColor("#f8dcd9"), colors.HexColor("#b3261e"), "▼"),
    "neutral": (colors.HexColor("#ececec"), colors.HexColor("#6f6f6f"), "●"),
    "unknown": (colors.HexColor("#fff1c7"), colors.HexColor("#8a5a00"), "?"),
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Letters of the right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko and their
# presentation forms), which PDF text must carry in the order they are drawn.
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


def _register_fonts() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
        pdfmetrics.registerFontFamily(
            FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
        )


def visual(text: str) -> str:
    """Text in the order it is drawn. Lines with right-to-left letters are reordered by the
    Unicode bidi algorithm, Arabic letters in their joined forms; other text is left alone.
    (A right-to-left run that ReportLab wraps onto a second line keeps the order of a line.)"""
    if not _RTL.search(text):
        return text
    return "\n".join(get_display(reshape(line)) for line in text.split("\n"))


def markup(text: object) -> str:
    """User text made safe for ReportLab's paragraph markup, right-to-left runs in the order
    they are drawn; line breaks kept."""
    cleaned = visual(_CONTROL.sub("", "" if text is None else str(text)))
    return html.escape(cleaned, quote=False).replace("\n", "<br/>")


class Styles:
    """The report's paragraph styles, at a base size (the child summary uses large type)."""

    def __init__(self, base: float = 10):
        _register_fonts()
        self.body = ParagraphStyle(
            "body",
            fontName=FONT,
            fontSize=base,
            leading=base * 1.45,
            textColor=INK,
            alignment=TA_LEFT,
            spaceAfter=base * 0.5,
        )
        self.small = ParagraphStyle(
            "small", parent=self.body, fontSize=base * 0.85, leading=base * 1.2, textColor=MUTED
        )
        self.cell = ParagraphStyle(
            "cell", parent=self.body, fontSize=base * 0.85, leading=base * 1.15, spaceAfter=0
        )
        self.cell_bold = ParagraphStyle("cell_bold", parent=self.cell, fontName=FONT_BOLD)
        self.question = ParagraphStyle(
            "question", parent=self.body, fontName=FONT_BOLD, spaceAfter=base * 0.2, keepWithNext=1
        )
        self.purpose = ParagraphStyle("purpose", parent=self.body, textColor=MUTED)
        self.h1 = ParagraphStyle(
            "h1",
            parent=self.body,
            fontName=FONT_BOLD,
            fontSize=base * 1.6,
            leading=base * 2,
            textColor=BRAND,
            spaceBefore=0,
            spaceAfter=base * 0.8,
        )
        self.h2 = ParagraphStyle(
            "h2",
            parent=self.body,
            fontName=FONT_BOLD,
            fontSize=base * 1.2,
            leading=base * 1.6,
            spaceBefore=base,
            spaceAfter=base * 0.4,
            keepWithNext=1,
        )
        self.cover_title = ParagraphStyle(
            "cover_title",
            parent=self.h1,
            fontSize=base * 2.6,
            leading=base * 3.2,
            spaceAfter=base * 2,
        )
        self.cover_line = ParagraphStyle(
            "cover_line", parent=self.body, fontSize=base * 1.2, leading=base * 1.8
        )


class Para(Paragraph):
    """A Paragraph that is quicker to make and to lay out, with the same result.

    Text without any markup (most table cells) skips the HTML parser: ReportLab's own parser
    builds the same fragments from a one-node tree. And the paragraph remembers its last wrap:
    a table wraps every cell to size its rows, again for each part split onto a page, and once
    more to draw it, all at the same width."""

    _wrapped: tuple | None = None

    def _setup(self, text, style, bulletText, frags, cleaner):  # noqa: N803 - ReportLab's names
        if frags is None and text and "<" not in text and "&" not in text:
            plain = cleaner(text)
            if plain:
                parser = ParaParser()
                parser.caseSensitive = self.caseSensitive
                style, frags, bullet_frags = parser.tt_parse(("para", None, [plain], None), style)
                if frags is not None:
                    text = plain
                    textTransformFrags(frags, style)
                    bulletText = bullet_frags or bulletText
        super()._setup(text, style, bulletText, frags, cleaner)

    def wrap(self, availWidth, availHeight):  # noqa: N803 - ReportLab's names
        memo = self._wrapped
        if memo is not None and memo[0] == availWidth and self.__dict__.get("blPara") is memo[1]:
            self.width, self.height = memo[2], memo[3]
            return memo[2], memo[3]
        size = super().wrap(availWidth, availHeight)
        self._wrapped = (availWidth, self.__dict__.get("blPara"), self.width, self.height)
        return size


class _Heading(Para):
    """A heading that becomes a table-of-contents entry and a PDF bookmark."""

    def __init__(self, text: str, style, level: int, key: str):
        super().__init__(markup(text), style)
        self.toc_text = text
        self.toc_level = level
        self.toc_key = key


class _Document(BaseDocTemplate):
    def __init__(
        self, buffer, data: ReportData, gettext: Gettext, subject: str, *, header: bool = True
    ):
        self.data = data
        self.gettext = gettext
        self.headings: list[tuple[str, int, str]] = []  # (text, page, bookmark key)
        super().__init__(
            buffer,
            pagesize=A4,
            leftMargin=20 * mm,
            rightMargin=20 * mm,
            topMargin=22 * mm,
            bottomMargin=20 * mm,
            title=data.title,
            author=data.organisation,
            subject=subject,
            creator="bka",
            invariant=True,
            lang=data.locale,
            displayDocTitle=True,
        )
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates(
            [PageTemplate(id="page", frames=[frame], onPage=self._header if header else None)]
        )

    def _header(self, canvas, _doc) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(MUTED)
        title = self.data.title if len(self.data.title) <= 90 else self.data.title[:87] + "…"
        canvas.drawString(self.leftMargin, A4[1] - 13 * mm, visual(title))
        canvas.drawRightString(
            A4[0] - self.rightMargin, A4[1] - 13 * mm, visual(self.data.organisation[:60])
        )
        canvas.setStrokeColor(RULE)
        canvas.line(self.leftMargin, A4[1] - 15 * mm, A4[0] - self.rightMargin, A4[1] - 15 * mm)
        canvas.restoreState()

    def afterFlowable(self, flowable) -> None:
        if isinstance(flowable, _Heading):
            self.canv.bookmarkPage(flowable.toc_key)
            self.canv.addOutlineEntry(
                flowable.toc_text, flowable.toc_key, level=flowable.toc_level, closed=False
            )
            self.headings.append((flowable.toc_text, self.page, flowable.toc_key))


CONTENTS_PAGE = 2


def _draw_contents(canvas, headings: list[tuple[str, int, str]]) -> None:
    """The table of contents, drawn onto its reserved page once every heading's page is known;
    each line links to its heading."""
    left, right = 20 * mm, A4[0] - 20 * mm
    y = A4[1] - 52 * mm
    for heading, page, key in headings:
        text = visual(heading)
        canvas.setFont(FONT, 10)
        canvas.setFillColor(INK)
        title = (
            text
            if canvas.stringWidth(text, FONT, 10) < right - left - 20 * mm
            else (text[:70] + "…")
        )
        canvas.drawString(left, y, title)
        number = str(page)
        canvas.drawRightString(right, y, number)
        dots_from = left + canvas.stringWidth(title, FONT, 10) + 4
        dots_to = right - canvas.stringWidth(number, FONT, 10) - 4
        dot = canvas.stringWidth(" .", FONT, 10)
        canvas.setFillColor(RULE)
        canvas.drawString(dots_from, y, " ." * max(0, int((dots_to - dots_from) / dot)))
        canvas.linkRect("", key, (left, y - 2, right, y + 10), relative=0, thickness=0)
        y -= 7 * mm


def _canvas_class(data: ReportData, gettext: Gettext, headings: list | None = None):
    """A canvas that knows the page count at the end, for "Page X of Y", and the report date;
    with `headings`, it also draws the table of contents on page 2."""
    moment = datetime(
        data.printed_on.year, data.printed_on.month, data.printed_on.day, tzinfo=UTC
    ).timestamp()

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            stamp = TimeStamp(invariant=True)
            stamp.t, stamp.lt = moment, time.gmtime(moment)
            stamp.YMDhms = tuple(stamp.lt)[:6]
            self._doc._timeStamp = stamp
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 - ReportLab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                if headings is not None and self._pageNumber == CONTENTS_PAGE:
                    _draw_contents(self, headings)
                self.setFont(FONT, 8)
                self.setFillColor(MUTED)
                self.drawRightString(
                    A4[0] - 20 * mm,
                    10 * mm,
                    gettext("Page %(page)d of %(total)d")
                    % {"page": self._pageNumber, "total": total},
                )
                self.drawString(
                    20 * mm, 10 * mm, format_date(data.printed_on, "long", locale=data.locale)
                )
                super().showPage()
            super().save()

    return NumberedCanvas


def _build(
    story: list,
    data: ReportData,
    gettext: Gettext,
    subject: str,
    *,
    header: bool = True,
    contents: bool = False,
) -> bytes:
    _register_fonts()
    buffer = io.BytesIO()
    document = _Document(buffer, data, gettext, subject, header=header)
    canvas_class = _canvas_class(data, gettext, document.headings if contents else None)
    document.build(story, canvasmaker=canvas_class)
    return buffer.getvalue()


# --- building blocks -----------------------------------------------------------------------------


def _date(value, locale: str) -> str:
    return format_date(value, "long", locale=locale) if value else "–"


def _table(rows: list[list], widths: list[float], styles: Styles, *, extra=()) -> LongTable:
    """A table that repeats its header row and splits cleanly across pages."""
    wrapped = [
        [cell if not isinstance(cell, str) else Para(cell, styles.cell) for cell in row]
        for row in rows
    ]
    wrapped[0] = [
        Para(cell, styles.cell_bold) if isinstance(cell, str) else cell for cell in rows[0]
    ]
    table = LongTable(wrapped, colWidths=widths, repeatRows=1, splitByRow=1)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 1, INK),
                ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                *extra,
            ]
        )
    )
    return table


def _answers(section: StepSection, styles: Styles) -> list:
    story = []
    for answer in section.answers:
        story.append(
            KeepTogether(
                [
                    Para(markup(answer.question), styles.question),
                    Para(markup(answer.answer) or "–", styles.body),
                ]
            )
        )
    return story


def _effect_cell(direction: str, label: str, styles: Styles) -> Paragraph:
    _background, ink, symbol = EFFECT_STYLE.get(direction, EFFECT_STYLE["unknown"])
    return Para(f'<font color="{ink.hexval()}">{symbol}</font> {markup(label)}', styles.cell_bold)


def _impact_chart(data: ReportData, gettext: Gettext, width: float) -> Drawing:
    """Counts of each effect per article, as stacked horizontal bars with a legend."""
    articles = sorted({row.article for row in data.impacts})
    counts = Counter((row.article, row.direction) for row in data.impacts)
    order = ("strengthens", "weakens", "neutral", "unknown")
    height = 30 + 16 * len(articles) + 40
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 150, 40
    chart.width, chart.height = width - 170, 16 * len(articles)
    chart.data = [[counts[(number, key)] for number in reversed(articles)] for key in order]
    chart.categoryAxis.categoryNames = [
        (f"{number}. " + next(r.article_title for r in data.impacts if r.article == number))[:32]
        for number in reversed(articles)
    ]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
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
    legend.deltax = 110
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


def _structured(
    section: StepSection, data: ReportData, gettext: Gettext, styles: Styles, width: float
) -> list:
    """The entries that belong to a step, as tables."""
    locale = data.locale
    story: list = []
    if section.key == "children" and data.child_groups:
        story.append(Para(markup(gettext("Child groups")), styles.h2))
        rows = [
            [
                gettext("Group"),
                gettext("Ages"),
                gettext("Affected as"),
                gettext("Vulnerable situations"),
                gettext("Number and source"),
            ]
        ]
        for group in data.child_groups:
            number = (
                format_decimal(group.estimated_number, locale=locale)
                if (group.estimated_number is not None)
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
        story.append(_table(rows, [w * width for w in (0.26, 0.1, 0.16, 0.26, 0.22)], styles))
    if section.key == "rights" and data.articles:
        story.append(Para(markup(gettext("Convention articles engaged")), styles.h2))
        rows = [[gettext("Article"), gettext("Summary")]]
        for article in data.articles:
            rows.append(
                [f"<b>{article.number}. {markup(article.title)}</b>", markup(article.summary)]
            )
        story.append(_table(rows, [0.3 * width, 0.7 * width], styles))
    if section.key == "participation" and data.consultations:
        story.append(Para(markup(gettext("Consultations with children")), styles.h2))
        for item in data.consultations:
            heading = gettext("%(method)s, %(count)d children aged %(ages)s") % {
                "method": item.method,
                "count": item.children_count,
                "ages": item.ages,
            }
            story.append(
                Para(f"<b>{markup(heading)}</b> – {_date(item.held_on, locale)}", styles.body)
            )
            for label, text in (
                (gettext("Adaptations"), item.adaptations),
                (gettext("What the children said"), item.views),
                (gettext("How it changed the proposal"), item.influence),
            ):
                if text:
                    story.append(Para(f"<i>{markup(label)}:</i> {markup(text)}", styles.body))
    if section.key == "impacts" and data.impacts:
        story.append(Para(markup(gettext("Impact matrix")), styles.h2))
        rows = [
            [
                gettext("Article"),
                gettext("Child group"),
                gettext("Effect"),
                gettext("Term, severity, likelihood"),
                gettext("Explanation"),
            ]
        ]
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
        story.append(
            _table(rows, [w * width for w in (0.2, 0.18, 0.14, 0.16, 0.32)], styles, extra=extra)
        )
        story.append(Spacer(1, 4 * mm))
        story.append(_impact_chart(data, gettext, width))
    if section.key == "alternatives":
        if data.alternatives:
            story.append(Para(markup(gettext("Alternatives")), styles.h2))
            for alternative in data.alternatives:
                title = markup(alternative.title)
                if alternative.preferred:
                    title += f" ({markup(gettext('proposed'))})"
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
        if data.measures:
            story.append(_measures(data, gettext, styles, width))
    if section.key == "follow_up" and data.indicators:
        story.append(_indicators(data, gettext, styles, width))
    return story


def _measures(data: ReportData, gettext: Gettext, styles: Styles, width: float) -> KeepTogether:
    rows = [[gettext("Measure"), gettext("Owner"), gettext("Due"), gettext("Status")]]
    for measure in data.measures:
        rows.append(
            [
                markup(measure.description),
                markup(measure.owner),
                _date(measure.due_date, data.locale),
                markup(measure.status),
            ]
        )
    return KeepTogether(
        [
            Para(markup(gettext("Measures")), styles.h2),
            _table(rows, [w * width for w in (0.46, 0.24, 0.16, 0.14)], styles),
        ]
    )


def _indicators(data: ReportData, gettext: Gettext, styles: Styles, width: float) -> KeepTogether:
    rows = [
        [
            gettext("Indicator"),
            gettext("Baseline"),
            gettext("Target"),
            gettext("Source"),
            gettext("Responsible"),
            gettext("Measured"),
        ]
    ]
    for item in data.indicators:
        rows.append(
            [
                markup(item.name),
                markup(item.baseline),
                markup(item.target),
                markup(item.source),
                markup(item.responsible),
                _date(item.measure_on, data.locale),
            ]
        )
    return KeepTogether(
        [
            Para(markup(gettext("Follow-up indicators")), styles.h2),
            _table(rows, [w * width for w in (0.26, 0.15, 0.15, 0.16, 0.15, 0.13)], styles),
        ]
    )


def _cover(data: ReportData, gettext: Gettext, styles: Styles, heading: str) -> list:
    lines = [
        (gettext("Organisation"), data.organisation),
        (gettext("Decision area"), data.decision_area),
        (gettext("Case number"), data.diarienummer or "–"),
        (gettext("Decision body"), data.decision_body or "–"),
        (gettext("Decision date"), _date(data.decision_date, data.locale)),
        (gettext("Status"), data.status),
        (gettext("Version"), str(data.version)),
        (gettext("Printed"), _date(data.printed_on, data.locale)),
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
    story: list = [_Heading(gettext("Review and sign-off"), styles.h1, 0, "review")]
    if data.reviews:
        rows = [
            [
                gettext("Round"),
                gettext("Reviewer"),
                gettext("Outcome"),
                gettext("Verdicts and reasons"),
            ]
        ]
        for review in data.reviews:
            flagged = "; ".join(
                f"{markup(step)}: {markup(verdict)}" for step, verdict in review.verdicts
            )
            when = (
                format_datetime(review.completed_at, "short", locale=data.locale)
                if (review.completed_at)
                else ""
            )
            rows.append(
                [
                    str(review.number),
                    f"{markup(review.reviewer)}<br/>{when}",
                    markup(review.outcome),
                    "<br/>".join(part for part in (flagged, markup(review.reasons)) if part) or "–",
                ]
            )
        story.append(_table(rows, [w * width for w in (0.11, 0.24, 0.16, 0.49)], styles))
    block = data.signature
    if block is None:
        story.append(Para(markup(gettext("This version is not signed off.")), styles.body))
        return story
    signed = format_datetime(block.signed_at, "long", locale=data.locale)
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
        story.append(Para(f"✓ {markup(statement)}", styles.body))
    story.append(Para(markup(gettext("SHA-256 of the signed version:")), styles.question))
    story.append(Para(f'<font face="{FONT}" size="8">{block.sha256}</font>', styles.body))
    return story


# --- the three reports ---------------------------------------------------------------------------


def render_analysis_report(data: ReportData, gettext: Gettext) -> bytes:
    """The full analysis for the decision file: cover, contents, every step, sign-off."""
    styles = Styles()
    width = A4[0] - 40 * mm
    subject = gettext("Child impact assessment")
    story: list = _cover(data, gettext, styles, subject)
    # Page 2 is reserved for the contents, drawn by the canvas when the pages are known.
    story += [PageBreak(), Para(markup(gettext("Contents")), styles.h1), PageBreak()]
    for section in data.steps:
        story.append(CondPageBreak(60 * mm))
        story.append(
            _Heading(f"{section.number}. {section.title}", styles.h1, 0, f"step-{section.key}")
        )
        story.append(Para(markup(section.purpose), styles.purpose))
        story += _answers(section, styles)
        story += _structured(section, data, gettext, styles, width)
    story.append(PageBreak())
    story += _signature(data, gettext, styles, width)
    return _build(story, data, gettext, subject, contents=True)


def render_follow_up_report(data: ReportData, gettext: Gettext) -> bytes:
    """For the follow-up meeting: the decision, the follow-up plan, indicators and measures."""
    styles = Styles()
    width = A4[0] - 40 * mm
    subject = gettext("Follow-up of a child impact assessment")
    story: list = [
        Para(markup(subject), styles.purpose),
        Para(markup(data.title), styles.h1),
    ]
    story.append(
        Para(
            f"<b>{markup(gettext('Decision'))}:</b> {markup(data.decision_body or '–')}, "
            f"{_date(data.decision_date, data.locale)}",
            styles.body,
        )
    )
    plan = next((s for s in data.steps if s.key == "follow_up"), None)
    if plan is not None:
        story.append(_Heading(gettext("Follow-up plan"), styles.h2, 0, "plan"))
        story += _answers(plan, styles)
    if data.indicators:
        story.append(_indicators(data, gettext, styles, width))
    if data.measures:
        story.append(_measures(data, gettext, styles, width))
    weakened = [row for row in data.impacts if row.direction == "weakens"]
    if weakened:
        story.append(_Heading(gettext("Rights to watch"), styles.h2, 0, "watch"))
        for row in weakened:
            story.append(
                Para(
                    f"▼ <b>{row.article}. {markup(row.article_title)}</b> – {markup(row.group)}: "
                    f"{markup(row.explanation)}",
                    styles.body,
                )
            )
    return _build(story, data, gettext, subject)


def render_child_summary(data: ReportData, gettext: Gettext) -> bytes:
    """A short, plain-language summary in large type, for the feedback to children."""
    styles = Styles(base=15)
    subject = gettext("What we decided, and what you told us")
    story: list = [
        Para(markup(subject), styles.purpose),
        Para(markup(data.title), styles.h1),
    ]
    if data.child_friendly_summary:
        story.append(_Heading(gettext("What was decided"), styles.h2, 0, "decided"))
        story.append(Para(markup(data.child_friendly_summary), styles.body))
    views = [c for c in data.consultations if c.views or c.influence]
    if views:
        story.append(_Heading(gettext("What children told us"), styles.h2, 0, "views"))
        for item in views:
            if item.views:
                story.append(Para(markup(item.views), styles.body))
            if item.influence:
                story.append(
                    Para(
                        f"<b>{markup(gettext('What we changed'))}:</b> {markup(item.influence)}",
                        styles.body,
                    )
                )
    story.append(_Heading(gettext("What happens next"), styles.h2, 0, "next"))
    story.append(
        Para(
            markup(
                gettext(
                    "We will check how the decision works for children and tell you what we find."
                )
            ),
            styles.body,
        )
    )
    if data.complaint_routes:
        story.append(
            _Heading(gettext("If you want to say something or complain"), styles.h2, 0, "complain")
        )
        story.append(Para(markup(data.complaint_routes), styles.body))
    return _build(story, data, gettext, subject)
