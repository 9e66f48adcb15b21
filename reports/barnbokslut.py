"""The yearly barnbokslut: what the year's child impact assessments show, across analyses.

Built from the same blocks as the other reports (reports/building.py: fonts, styles, header,
"Page X of Y", deterministic output); the data arrives as plain `BarnbokslutData`.
"""

from __future__ import annotations

from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.platypus import KeepTogether, Spacer

from reports.building import (
    BRAND,
    FONT,
    INK,
    Figure,
    Gettext,
    Heading,
    Para,
    Styles,
    build,
    long_date,
    markup,
    table,
    visual,
)
from reports.data import BarnbokslutData, TableData

WIDTH = 170 * mm
# Tables with more columns than this give their labels less room, their numbers more.
WIDE_TABLE = 4


def _bar_chart(title: str, rows: tuple[tuple[str, int], ...]) -> Drawing:
    """Horizontal bars with the value written beside each: the numbers never depend on colour.
    Long labels wrap onto more lines (never cut), and their bar gets the room they take."""
    bar_height, gap, label_width, leading = 11, 5, 70 * mm, 9.5
    labels = [simpleSplit(visual(label), FONT, 8, label_width - 6) or [""] for label, _ in rows]
    rooms = [max(bar_height, leading * len(lines)) for lines in labels]
    height = sum(room + gap for room in rooms) + 18
    drawing = Drawing(WIDTH, height)
    drawing.add(String(0, height - 10, title, fontName=FONT, fontSize=9, fillColor=INK))
    largest = max((value for _, value in rows), default=0) or 1
    span = WIDTH - label_width - 20 * mm
    top = height - 18
    for (_label, value), lines, room in zip(rows, labels, rooms, strict=True):
        top -= room + gap
        y = top + gap + room - bar_height  # the bar beside the label's first line
        for number, line in enumerate(lines):
            drawing.add(
                String(0, y + 2 - number * leading, line, fontName=FONT, fontSize=8, fillColor=INK)
            )
        length = span * value / largest
        drawing.add(Rect(label_width, y, length, bar_height, fillColor=BRAND, strokeColor=None))
        drawing.add(String(label_width + length + 4, y + 2, str(value), fontName=FONT, fontSize=8))
    return drawing


def _chart_text(data: BarnbokslutData) -> str:
    """The bar chart in words: its title, then each bar's label and value."""
    bars = "; ".join(f"{label}: {value}" for label, value in data.chart)
    return f"{data.chart_title}. {bars}."


def _section(section: TableData, styles: Styles, index: int) -> list:
    heading = Heading(section.title, styles.h2, 0, f"table-{index}")
    if not section.rows:
        return [heading, Para("–", styles.body)]
    columns = len(section.headers)
    first = WIDTH * (0.3 if columns > WIDE_TABLE else 0.5 if columns > 2 else 0.7)
    widths = [first, *([(WIDTH - first) / (columns - 1)] * (columns - 1))]
    rows = [[markup(cell) for cell in row] for row in section.rows]
    right = [("ALIGN", (1, 0), (-1, -1), "RIGHT")]
    return [
        heading,
        table(section.headers, rows, widths, styles, extra=right),
        Spacer(1, 3 * mm),
    ]


def render_barnbokslut(data: BarnbokslutData, gettext: Gettext) -> bytes:
    styles = Styles(language=data.locale)
    printed = long_date(data.printed_on, data.locale)
    organisation_label, printed_label = gettext("Organisation"), gettext("Printed")
    story: list = [
        Spacer(1, 20 * mm),
        Para(markup(gettext("Barnbokslut")), styles.purpose),
        Para(markup(data.title), styles.cover_title),
        Para(
            f"<b>{markup(organisation_label)}:</b> {markup(data.organisation)}",
            styles.cover_line,
        ),
        Para(
            f"<b>{markup(printed_label)}:</b> {markup(printed)}",
            styles.cover_line,
        ),
        Spacer(1, 6 * mm),
        Para(markup(data.introduction), styles.body),
        Heading(gettext("Key figures"), styles.h2, 0, "key-figures"),
        table(
            [gettext("Figure"), gettext("Value")],
            [[markup(label), markup(value)] for label, value in data.key_figures],
            [WIDTH * 0.55, WIDTH * 0.45],
            styles,
        ),
    ]
    if data.chart:
        chart = Figure(_bar_chart(data.chart_title, data.chart), _chart_text(data))
        story.append(KeepTogether([Spacer(1, 4 * mm), chart]))
    for index, section in enumerate(data.tables):
        story += _section(section, styles, index)
    if data.notes:
        story.append(Heading(gettext("How the figures were counted"), styles.h2, 0, "notes"))
        story += [Para(markup(note), styles.body) for note in data.notes]
    return build(story, data, gettext, gettext("Barnbokslut"))
