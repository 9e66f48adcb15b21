"""The blocks every report is built from: fonts, styles, safe paragraph markup, tables, the
page header and "Page X of Y", so that all reports look alike and render deterministically.

Every piece of user text passes through `markup()` before it meets ReportLab's paragraph markup.
The same data gives the same bytes: ReportLab runs in invariant mode and the PDF's dates are the
report's own date. `Para` and the numbered canvas lean on ReportLab internals, listed where
pyproject.toml bounds ReportLab to the major version they were checked with.
"""

from __future__ import annotations

import functools
import html
import io
import re
import time
import unicodedata
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pyphen
from arabic_reshaper import reshape
from babel.dates import format_date, get_timezone
from bidi.algorithm import get_display
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import TimeStamp
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFString
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    LongTable,
    PageTemplate,
    Paragraph,
    TableStyle,
)
from reportlab.platypus.paragraph import (
    _hy_letters_pat,
    _hy_pfx_pat,
    _hy_sfx_pat,
    textTransformFrags,
)
from reportlab.platypus.paraparser import ParaParser
from reportlab.rl_settings import hyphenationMinWordLength

from reports.data import BarnbokslutData, ReportData, format_locale
from reports.tagging import TableTagging, Tagger, finish, passage_language

Gettext = Callable[[str], str]

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT, FONT_BOLD = "DejaVuSans", "DejaVuSans-Bold"
INK = colors.HexColor("#1b1b1b")
MUTED = colors.HexColor("#4f4f4f")
BRAND = colors.HexColor("#00526e")
RULE = colors.HexColor("#b1b4b6")
# The analysis report has its summary for the decision-maker on page 2 and reserves page 3 for
# its contents; the canvas draws them there at the end.
CONTENTS_PAGE = 3
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Letters of the right-to-left scripts (Hebrew, Arabic, Syriac, Thaana, N'Ko and their
# presentation forms), which PDF text must carry in the order they are drawn.
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


def register_fonts() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
        pdfmetrics.registerFontFamily(
            FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
        )


# The report's language as pyphen knows its hyphenation patterns.
HYPHENATION = {"sv": "sv", "en": "en_GB"}
# Emoji skin-tone modifiers: dropped when the emoji they modify is named instead of drawn.
_SKIN_TONES = re.compile("[\U0001f3fb-\U0001f3ff]")


@functools.cache
def hyphenator(language: str) -> Callable[[str], tuple[tuple[str, str], ...]]:
    """The hyphenation points of a word in `language` (pyphen's patterns), as ReportLab's
    paragraphs ask for them: (head, tail) pairs, longest head first. Remembered per word."""
    iterate = pyphen.Pyphen(lang=HYPHENATION.get(language, language)).iterate

    @functools.lru_cache(maxsize=8192)
    def pairs(word: str) -> tuple[tuple[str, str], ...]:
        return tuple(iterate(word))

    return pairs


@functools.lru_cache(maxsize=65536)
def _width(word: str, font: str, size: float) -> float:
    return pdfmetrics.stringWidth(word, font, size)


@functools.cache
def _not_drawn() -> re.Pattern:
    """The characters that neither report font has a glyph for (most emoji among them)."""
    register_fonts()
    drawn = set(pdfmetrics.getFont(FONT).face.charToGlyph)
    drawn &= set(pdfmetrics.getFont(FONT_BOLD).face.charToGlyph)
    drawn |= {*range(0x20), 0x7F}  # control characters: line breaks, or removed by markup()
    ranges, points = [], sorted(drawn)
    start = previous = points[0]
    for point in [*points[1:], None]:
        if point is not None and point == previous + 1:
            previous = point
            continue
        ranges.append(
            re.escape(chr(start)) + ("-" + re.escape(chr(previous)) if previous > start else "")
        )
        if point is not None:
            start = previous = point
    return re.compile("[^" + "".join(ranges) + "]")


def _name(match: re.Match) -> str:
    character = match.group()
    name = unicodedata.name(character, "")
    return f"[{name.lower()}]" if name else f"[U+{ord(character):04X}]"


def drawable(text: str) -> str:
    """Text with every character the report fonts cannot draw (an emoji, say) replaced by its
    Unicode name in brackets, so that nothing shows as an empty box."""
    if text.isascii():
        return text
    not_drawn = _not_drawn()
    if not not_drawn.search(text):
        return text
    return not_drawn.sub(_name, _SKIN_TONES.sub("", text))


def visual(text: str) -> str:
    """Text in the order it is drawn. Lines with right-to-left letters are reordered by the
    Unicode bidi algorithm, Arabic letters in their joined forms; other text is left alone.
    (A right-to-left run that ReportLab wraps onto a second line keeps the order of a line.)
    Characters the fonts cannot draw are named instead (`drawable`)."""
    text = drawable(text)
    if not _RTL.search(text):
        return text
    return "\n".join(get_display(reshape(line)) for line in text.split("\n"))


# Web addresses and e-mail addresses in user text (already escaped: "&" is "&amp;"), and the
# punctuation that ends a sentence rather than an address.
_ADDRESS = re.compile(
    r"(?<![\w@/.])(?:https?://|www\.)(?:[^\s<>\"&]|&amp;)+|(?<![\w@.])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
)
_TRAILING = ".,;:!?)]'"


def _link(match: re.Match) -> str:
    address = match.group()
    trailing = len(address) - len(address.rstrip(_TRAILING))
    address, rest = address[: len(address) - trailing], match.group()[len(address) - trailing :]
    if "@" in address and "/" not in address:
        target = "mailto:" + address
    else:
        target = address if "://" in address else "https://" + address
    return f'<a href="{target}" color="{BRAND.hexval()}"><u>{address}</u></a>{rest}'


def markup(text: object) -> str:
    """User text made safe for ReportLab's paragraph markup, right-to-left runs in the order
    they are drawn; line breaks kept; web and e-mail addresses made links (underlined, so
    that they do not differ by colour alone)."""
    cleaned = visual(_CONTROL.sub("", "" if text is None else str(text)))
    escaped = html.escape(cleaned, quote=False).replace("\n", "<br/>")
    if "@" in escaped or "http" in escaped or "www." in escaped:
        escaped = _ADDRESS.sub(_link, escaped)
    return escaped


def long_date(value, locale: str) -> str:
    """A date in the report's language, or a dash when there is none."""
    return format_date(value, "long", locale=format_locale(locale)) if value else "–"


def date_time(value, locale: str, time_zone: str) -> str:
    """A moment as the long date the reports use elsewhere and hours:minutes, in the report's
    language and the installation's time zone (a naive value is UTC), or "" without one."""
    if not value:
        return ""
    moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    local = moment.astimezone(get_timezone(time_zone))
    return f"{long_date(local.date(), locale)} {local:%H:%M}"


class Styles:
    """The report's paragraph styles, at a base size (the child summary uses large type)."""

    def __init__(self, base: float = 10, language: str = "sv", hyphenate_from: int = 0):
        """`hyphenate_from`: the shortest word hyphenated (ReportLab's setting by default)."""
        register_fonts()
        self.language = language
        self.body = ParagraphStyle(
            "body",
            fontName=FONT,
            fontSize=base,
            leading=base * 1.45,
            textColor=INK,
            alignment=TA_LEFT,
            spaceAfter=base * 0.5,
            hyphenationLang=hyphenator(language),
            # 2: a word that fits nowhere on the line begun moves to the next and is hyphenated
            # there, rather than cut without a hyphen; words with a hyphen may break after it.
            embeddedHyphenation=2,
            hyphenationMinWordLength=hyphenate_from or hyphenationMinWordLength,
        )
        self.cell = ParagraphStyle(
            "cell", parent=self.body, fontSize=base * 0.85, leading=base * 1.15, spaceAfter=0
        )
        self.cell_bold = ParagraphStyle("cell_bold", parent=self.cell, fontName=FONT_BOLD)
        self.question = ParagraphStyle(
            "question", parent=self.body, fontName=FONT_BOLD, spaceAfter=base * 0.2, keepWithNext=1
        )
        self.purpose = ParagraphStyle("purpose", parent=self.body, textColor=MUTED)
        self.summary = ParagraphStyle(
            "summary", parent=self.body, fontSize=base * 0.9, leading=base * 1.25, spaceAfter=2
        )
        self.summary_label = ParagraphStyle(
            "summary_label", parent=self.question, spaceBefore=base * 0.6
        )
        self.h1 = ParagraphStyle(
            "h1",
            parent=self.body,
            fontName=FONT_BOLD,
            fontSize=base * 1.6,
            leading=base * 2,
            textColor=BRAND,
            spaceBefore=0,
            spaceAfter=base * 0.8,
            hyphenationLang="",  # headings keep their words whole (a long one moves on)
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
            hyphenationLang="",
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


# Bounded: every report makes its own styles, and a long-running worker renders many reports.
@functools.lru_cache(maxsize=64)
def _hyphenated_in(style: ParagraphStyle, language: str) -> ParagraphStyle:
    """`style` (same name, so the same structure role) hyphenating by `language`'s rules."""
    return ParagraphStyle(style.name, parent=style, hyphenationLang=hyphenator(language))


# The structure role of a paragraph by its style's name; every other paragraph is a P.
STYLE_ROLES = {"h1": "H1", "cover_title": "H1", "h2": "H2", "h3": "H3", "summary_label": "H2"}
_UNKNOWN = object()


class Para(Paragraph):
    """A Paragraph that is quicker to make and to lay out, with the same result, and that
    tags itself in the PDF's structure.

    Text without any markup (most table cells) skips the HTML parser: ReportLab's own parser
    builds the same fragments from a one-node tree. And the paragraph remembers its last wrap:
    a table wraps every cell to size its rows, again for each part split onto a page, and once
    more to draw it, all at the same width.

    Its structure role comes from its style (`STYLE_ROLES`) unless `tag` names one ("LBody":
    an item of a list); the parts of a paragraph split over pages share one element, and a
    passage clearly in the other language says so, and is hyphenated by that language's rules
    (teams write Swedish answers into English reports)."""

    _wrapped: tuple | None = None
    tag: str | None = None
    _tag_key: object = None
    _language: object = _UNKNOWN

    def __init__(self, text, style=None, *args, tag: str | None = None, **kwargs):
        super().__init__(text, style, *args, **kwargs)
        if tag is not None:
            self.tag = tag
        rules = self.style.hyphenationLang
        if rules and (language := self.language()) and rules is not hyphenator(language):
            self.style = _hyphenated_in(self.style, language)

    def hyphenation_language(self, default: str) -> str:
        """The language whose rules break this paragraph's words."""
        return self.language() or default

    @property
    def role(self) -> str:
        return self.tag or STYLE_ROLES.get(self.style.name, "P")

    def language(self) -> str | None:
        if self._language is _UNKNOWN:
            text = self.text if isinstance(getattr(self, "text", None), str) else ""
            if not text:
                text = " ".join(getattr(frag, "text", "") for frag in getattr(self, "frags", ()))
            self._language = passage_language(text)
        return self._language  # type: ignore[return-value]

    def split(self, availWidth, availHeight):  # noqa: N803 - ReportLab's names
        parts = super().split(availWidth, availHeight)
        if len(parts) > 1:
            key, language = self._tag_key or self, self.language()
            for part in parts:
                part.tag, part._tag_key, part._language = self.tag, key, language
        return parts

    def drawOn(self, canvas, x, y, _sW=0):  # noqa: N802, N803 - ReportLab's names
        tagger = getattr(canvas, "tagger", None)
        if tagger is None:
            return super().drawOn(canvas, x, y, _sW)
        with tagger.content(canvas, self.role, key=self._tag_key, lang=self.language()):
            super().drawOn(canvas, x, y, _sW)

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


class Figure(Flowable):
    """A chart as a Figure element: its text alternative (`alt`, what the chart shows in
    words) and its place on the page."""

    def __init__(self, drawing: Flowable, alt: str):
        super().__init__()
        drawing.initialFontName = FONT  # ReportLab's graphics start in Helvetica, not embedded
        self.drawing, self.alt = drawing, alt
        self.width, self.height = drawing.width, drawing.height

    def wrap(self, availWidth, availHeight):  # noqa: N803 - ReportLab's names
        return self.drawing.wrap(availWidth, availHeight)

    def drawOn(self, canvas, x, y, _sW=0):  # noqa: N802, N803 - ReportLab's names
        tagger = getattr(canvas, "tagger", None)
        if tagger is None:
            return self.drawing.drawOn(canvas, x, y, _sW)
        box = [x, y, x + self.width, y + self.height]
        with tagger.content(
            canvas, "Figure", alt=self.alt, attributes={"O": "Layout", "BBox": box}
        ):
            self.drawing.drawOn(canvas, x, y, _sW)


class ContentsPlace(Flowable):
    """Where the table of contents belongs in the reading order: the canvas draws it onto
    its reserved page only at the end, when every heading's page is known."""

    def wrap(self, availWidth, availHeight):  # noqa: N803 - ReportLab's names
        return 0, 0

    def drawOn(self, canvas, x, y, _sW=0):  # noqa: N802, N803 - ReportLab's names
        tagger = getattr(canvas, "tagger", None)
        if tagger is not None:
            tagger.reserve("contents", "TOC")


class Heading(Para):
    """A heading that becomes a table-of-contents entry and a PDF bookmark."""

    def __init__(self, text: str, style, level: int, key: str):
        super().__init__(markup(text), style)
        self.toc_text = text
        self.toc_level = level
        self.toc_key = key


# Text longer than this is laid out in pieces: ReportLab re-breaks the rest of a paragraph on
# every page it splits over, which grows with the square of its length (a 20,000-character
# answer took seconds). Shorter text is untouched, so ordinary reports keep their exact bytes.
LONG_TEXT = 4000
PIECE = 1500
_SENTENCE_END = (". ", "? ", "! ", ": ", "; ")


def pieces(text: str) -> list[str]:
    """Paragraph markup cut into pieces of at most about PIECE characters: at line breaks
    first, then at the last sentence end, then at the last space; never inside an entity or a
    link, since markup() leaves only entities, <br/> and links in user text."""
    if len(text) <= LONG_TEXT:
        return [text]
    result = []
    for line in text.split("<br/>"):
        while len(line) > PIECE:
            cut = max(line.rfind(end, 0, PIECE) for end in _SENTENCE_END)
            if cut > PIECE // 3:
                cut += 1  # keep the full stop with its sentence
            else:
                cut = line.rfind(" ", 0, PIECE)
                if cut <= PIECE // 3:
                    cut = PIECE
                    entity = line.rfind("&", cut - 8, cut)
                    if entity != -1 and ";" not in line[entity:cut]:
                        cut = entity  # not inside &amp; and its kin
            link = line.rfind("<a ", 0, cut + 2)  # a link that starts before the cut
            if -1 < link < cut and line.rfind("</a>", 0, cut) < link:  # never inside it
                cut = link if link > 0 else line.index("</a>", link) + len("</a>")
            result.append(line[:cut].rstrip())
            line = line[cut:].lstrip()
        result.append(line)
    return [piece for piece in result if piece] or [""]


# The body frame of an A4 page (the margins of _Document below).
FRAME_HEIGHT = A4[1] - 42 * mm
# A row split across pages leaves at least this much on either side: three lines of a cell.
MIN_ROW_SPLIT = 36


def _split_in_row(rows: list[list], widths: list[float]) -> int:
    """Rows move whole to the next page, as they always have, unless one is taller than a page:
    only then may rows split inside, so a 20,000-character cell flows on instead of failing."""
    for row in rows:
        for cell, width in zip(row, widths, strict=False):
            if isinstance(cell, list):  # long text, already in pieces
                return MIN_ROW_SPLIT
            if hasattr(cell, "wrap") and cell.wrap(width - 9, FRAME_HEIGHT)[1] > FRAME_HEIGHT * 0.8:
                return MIN_ROW_SPLIT
    return 0


def _cell(cell, styles: Styles):
    if not isinstance(cell, str):
        return cell
    parts = pieces(cell)
    if len(parts) == 1:
        return Para(cell, styles.cell)
    return [Para(part, styles.cell) for part in parts]


_TAG = re.compile(r"<[^>]*>")
# Where a line may break: white space, but not a no-break space.
_BREAKS = re.compile(r"[^\S\u00a0\u202f]+")
# A cell's padding left (3, the table style below) and right (ReportLab's 6), within its
# column's width.
CELL_PADDING = 9


def _narrowest(word: str, font: str, size: float, language: str) -> float:
    """The narrowest ReportLab can set a word: broken after its own hyphens, else at its
    hyphenation points (with the added hyphen) when it is letters only and long enough, else
    whole. Mirrors Paragraph.breakLines, whose patterns it uses."""
    width = functools.partial(_width, font=font, size=size)
    if "-" in word.strip("-"):
        parts = word.split("-")
        return max(width(part + "-") for part in parts[:-1]) if len(parts) > 1 else width(word)
    leading = _hy_pfx_pat.match(word)
    trailing = _hy_sfx_pat.search(word)
    start = leading.end() if leading else 0
    end = trailing.start() if trailing else len(word)
    core = word[start:end]
    if len(core) < hyphenationMinWordLength or not _hy_letters_pat.match(core):
        return width(word)
    cuts = sorted({start + len(head) for head, _tail in hyphenator(language)(core)})
    if not cuts:
        return width(word)
    cuts = [0, *cuts, len(word)]
    return max(
        width(word[a:b]) + (width("-") if b < len(word) else 0)
        for a, b in zip(cuts, cuts[1:], strict=False)
    )


def _words(cell, language: str):
    """(word, font, size, hyphenation language) for every word of a cell's paragraphs, markup
    removed; `language` is the report's."""
    for paragraph in cell if isinstance(cell, list) else [cell]:
        text = getattr(paragraph, "text", None)
        style = getattr(paragraph, "style", None)
        if not text or style is None:
            continue
        font = FONT_BOLD if style.fontName == FONT_BOLD or "<b>" in text else FONT
        rules = (
            paragraph.hyphenation_language(language) if isinstance(paragraph, Para) else language
        )
        plain = _TAG.sub(lambda tag: " " if tag[0].startswith("<br") else "", text)
        for word in _BREAKS.split(html.unescape(plain).strip()):
            yield word, font, style.fontSize, rules


def fit_widths(rows: list[list], widths: Sequence[float], language: str) -> list[float]:
    """Column widths from content: a column too narrow for its longest word (hyphenated where
    it may be) grows to fit it, taking the room from the other columns in proportion to what
    they can spare down to their own narrowest word (hyphenated too); the table keeps its
    width. A table whose words all fit keeps its widths exactly."""
    widths = list(widths)
    words: list[list[tuple[float, str, str, float, str]]] = [[] for _ in widths]
    need = [0.0] * len(widths)  # the narrowest its words can be set, where they overflow
    for row in rows:
        for index, cell in enumerate(row[: len(widths)]):
            room = widths[index] - CELL_PADDING
            for word, font, size, rules in _words(cell, language):
                whole = _width(word, font, size)
                words[index].append((whole, word, font, size, rules))
                if whole > room and whole > need[index]:
                    need[index] = max(need[index], _narrowest(word, font, size, rules))
    wanted = [max(w, n + CELL_PADDING) for w, n in zip(widths, need, strict=True)]
    short = sum(wanted) - sum(widths)
    if short <= 0.01:
        return widths
    spare = []
    for index, (want, width) in enumerate(zip(wanted, widths, strict=True)):
        if want > width:
            spare.append(0.0)
            continue
        floor = 0.0  # the column's narrowest word: only words wider than it so far can matter
        for whole, word, font, size, rules in sorted(words[index], reverse=True):
            if whole <= floor:
                break
            floor = max(floor, _narrowest(word, font, size, rules))
        spare.append(max(0.0, width - floor - CELL_PADDING))
    total = sum(spare)
    if total <= 0:
        return widths
    scale = min(1.0, total / short)
    grown = [w + (want - w) * scale for want, w in zip(wanted, widths, strict=True)]
    taken = sum(grown) - sum(widths)
    return [g - taken * room / total for g, room in zip(grown, spare, strict=True)]


def table(
    header: Sequence[str], rows: list[list], widths: list[float], styles: Styles, *, extra=()
) -> LongTable:
    """A table that repeats its header row and splits cleanly across pages, its columns wide
    enough for their longest words (`fit_widths`).

    The header is plain text, escaped here; the cells of `rows` are paragraph markup (already
    passed through `markup()`) or flowables."""
    wrapped = [[Para(markup(cell), styles.cell_bold) for cell in header]]
    wrapped += [[_cell(cell, styles) for cell in row] for row in rows]
    widths = fit_widths(wrapped, widths, styles.language)
    result = LongTable(
        wrapped,
        colWidths=widths,
        repeatRows=1,
        splitByRow=1,
        splitInRow=_split_in_row(wrapped, widths),
        renderCB=TableTagging(header_rows=1),
    )
    result.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONT", (0, 0), (-1, -1), FONT),  # never a font the report does not embed
                ("LINEBELOW", (0, 0), (-1, 0), 1, INK),
                ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                *extra,
            ]
        )
    )
    return result


def fitted(text: str, room: float, font: str = FONT, size: float = 8) -> str:
    """`text` cut at a word and ended with "…" where it is wider than `room` points."""
    if pdfmetrics.stringWidth(text, font, size) <= room:
        return text
    words = text.split(" ")
    while len(words) > 1 and pdfmetrics.stringWidth(" ".join(words) + " …", font, size) > room:
        words.pop()
    shown = " ".join(words)
    while len(shown) > 1 and pdfmetrics.stringWidth(shown + "…", font, size) > room:
        shown = shown[:-1]
    return shown.rstrip(" ,;:–-") + " …"


class _Document(BaseDocTemplate):
    def __init__(self, buffer, data: ReportData | BarnbokslutData, subject: str):
        self.data = data
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
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._header)])

    def _header(self, canvas, _doc) -> None:
        """The running header (an artifact), and on page 1 the notice of a fictional example,
        which is part of the text."""
        canvas.saveState()
        with canvas.tagger.artifact(canvas, "Header"):
            canvas.setFont(FONT, 8)
            canvas.setFillColor(MUTED)
            organisation = visual(self.data.organisation[:60])
            room = self.width - canvas.stringWidth(organisation, FONT, 8) - 6 * mm
            title = fitted(visual(self.data.title), room)
            canvas.drawString(self.leftMargin, A4[1] - 13 * mm, title)
            canvas.drawRightString(A4[0] - self.rightMargin, A4[1] - 13 * mm, organisation)
            canvas.setStrokeColor(RULE)
            canvas.line(self.leftMargin, A4[1] - 15 * mm, A4[0] - self.rightMargin, A4[1] - 15 * mm)
        notice = getattr(self.data, "notice", "")
        if notice and canvas.getPageNumber() == 1:  # under the rule, clear of the page's text
            with canvas.tagger.content(canvas, "P"):
                canvas.setFont(FONT_BOLD, 9)
                canvas.setFillColor(BRAND)
                canvas.drawString(self.leftMargin, A4[1] - 20 * mm, visual(notice))
        canvas.restoreState()

    def afterFlowable(self, flowable) -> None:
        if isinstance(flowable, Heading):
            self.canv.bookmarkPage(flowable.toc_key)
            self.canv.addOutlineEntry(
                flowable.toc_text, flowable.toc_key, level=flowable.toc_level, closed=False
            )
            self.headings.append((flowable.toc_text, self.page, flowable.toc_key))


def _draw_contents(canvas, headings: list[tuple[str, int, str]], gettext: Gettext) -> None:
    """The table of contents, drawn onto its reserved page once every heading's page is known;
    each line links to its heading (a TOC item holding a Link; the leader dots are artifacts)."""
    left, right = 20 * mm, A4[0] - 20 * mm
    y = A4[1] - 52 * mm
    tagger = canvas.tagger
    with tagger.reopened("contents"):
        for heading, page, key in headings:
            text = visual(heading)
            title = (
                text
                if canvas.stringWidth(text, FONT, 10) < right - left - 20 * mm
                else (text[:70] + "…")
            )
            number = str(page)
            with tagger.container("TOCI"), tagger.container("Reference"):
                with tagger.content(canvas, "Link") as link:
                    canvas.setFont(FONT, 10)
                    canvas.setFillColor(INK)
                    canvas.drawString(left, y, title)
                    canvas.drawRightString(right, y, number)
                with tagger.artifact(canvas):
                    dots_from = left + canvas.stringWidth(title, FONT, 10) + 4
                    dots_to = right - canvas.stringWidth(number, FONT, 10) - 4
                    dot = canvas.stringWidth(" .", FONT, 10)
                    canvas.setFillColor(RULE)
                    canvas.drawString(dots_from, y, " ." * max(0, int((dots_to - dots_from) / dot)))
                description = gettext("%(heading)s, page %(page)d") % {
                    "heading": heading,
                    "page": page,
                }
                canvas.linkRect(
                    description, key, (left, y - 2, right, y + 10), relative=0, thickness=0
                )
                tagger.annotation(canvas, link)
            y -= 7 * mm


def _canvas_class(
    data: ReportData | BarnbokslutData,
    gettext: Gettext,
    tagger: Tagger,
    headings: list | None = None,
):
    """A canvas that knows the page count at the end, for "Page X of Y", and the report date,
    and tags what it draws with `tagger`; with `headings`, it also draws the table of contents
    on its reserved page."""
    moment = datetime(
        data.printed_on.year, data.printed_on.month, data.printed_on.day, tzinfo=UTC
    ).timestamp()

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            # The report's own font from the start: a page never names one it does not embed.
            super().__init__(*args, **{**kwargs, "initialFontName": FONT})
            self.tagger = tagger
            stamp = TimeStamp(invariant=True)
            stamp.t, stamp.lt = moment, time.gmtime(moment)
            stamp.YMDhms = tuple(stamp.lt)[:6]
            self._doc._timeStamp = stamp
            self._pages: list[dict] = []

        def linkURL(self, url, rect, *args, **kwargs):  # noqa: N802 - ReportLab's name
            """A web or e-mail link from a paragraph: described, and a Link in the structure."""
            kwargs.setdefault("Contents", PDFString(url.removeprefix("mailto:")))
            super().linkURL(url, rect, *args, **kwargs)
            tagger.link(self, url)

        def showPage(self):  # noqa: N802 - ReportLab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            annotations = self._annotationCount  # links are numbered across the whole file
            for state in self._pages:
                self.__dict__.update(state)
                self._annotationCount = annotations
                if headings is not None and self._pageNumber == CONTENTS_PAGE:
                    _draw_contents(self, headings, gettext)
                    annotations = self._annotationCount
                with tagger.artifact(self, "Footer"):
                    self.setFont(FONT, 8)
                    self.setFillColor(MUTED)
                    self.drawRightString(
                        A4[0] - 20 * mm,
                        10 * mm,
                        gettext("Page %(page)d of %(total)d")
                        % {"page": self._pageNumber, "total": total},
                    )
                    self.drawString(20 * mm, 10 * mm, long_date(data.printed_on, data.locale))
                super().showPage()
            super().save()

    return NumberedCanvas


def build(
    story: list,
    data: ReportData | BarnbokslutData,
    gettext: Gettext,
    subject: str,
    *,
    contents: bool = False,
) -> bytes:
    """The tagged PDF (PDF/UA-1) of `story`: A4, the page header, "Page X of Y" and the report
    date on every page, and with `contents` the table of contents on its reserved page."""
    register_fonts()
    buffer = io.BytesIO()
    document = _Document(buffer, data, subject)
    tagger = Tagger(data.locale)
    canvas_class = _canvas_class(data, gettext, tagger, document.headings if contents else None)
    document.build(story, canvasmaker=canvas_class)
    return finish(
        buffer.getvalue(),
        tagger,
        title=data.title,
        author=data.organisation,
        subject=subject,
        created=data.printed_on,
    )
