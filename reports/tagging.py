"""Tagged PDF (PDF/UA-1): the structure a screen reader follows, and the marks that tie the
drawn content to it.

ReportLab writes no structure of its own. While it draws, a `Tagger` wraps every piece of real
content in a marked-content sequence (`/P <</MCID 3>> BDC … EMC`) that belongs to a structure
element (a paragraph, a heading, a table cell, a figure, a link), and everything else (running
headers and footers, table rules and backgrounds, a table header repeated on the next page) in an
artifact (`/Artifact BMC … EMC`). A flowable split over pages keeps one element, with marked
content on each page. `finish()` then writes what ReportLab cannot: the structure tree in
reading order, its parent tree, /MarkInfo, the language, the XMP metadata with the PDF/UA
identifier and the links' place in the tree. The same report gives the same bytes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from html import escape

import pikepdf
from pikepdf import Array, Dictionary, Name

# The catalog's language for the report's (ISO 14289-1 asks for a natural-language tag).
LANGUAGE_TAGS = {"sv": "sv-SE", "en": "en-GB"}


@dataclass(frozen=True)
class Marked:
    """A marked-content sequence: number `mcid` on page `page` (1-based)."""

    page: int
    mcid: int


@dataclass(frozen=True)
class Annotation:
    """The `index`th link annotation drawn on page `page`."""

    page: int
    index: int


@dataclass(eq=False)
class Element:
    """A structure element: its standard role, its kids in reading order (elements, marked
    content or a link annotation), and what a reader needs beside them."""

    role: str
    parent: Element | None
    kids: list[Element | Marked | Annotation] = field(default_factory=list)
    alt: str | None = None
    lang: str | None = None
    attributes: dict[str, object] | None = None
    page: int | None = None  # where its content begins


class Tagger:
    """Builds the structure tree while ReportLab draws. Flowables call `content()` around
    their drawing, containers (tables, lists) `container()`; decorations go in `artifact()`."""

    def __init__(self, language: str):
        self.language = language
        self.root = Element("Document", None)
        self._open: list[Element | None] = [self.root]  # None: inside an artifact
        self._keyed: dict[object, Element] = {}
        self.marked: dict[int, list[Element]] = {}  # page -> the element of each MCID
        self.annotations: dict[int, list[Element]] = {}  # page -> the Link of each annotation
        self.reserved: dict[str, Element] = {}

    @property
    def in_artifact(self) -> bool:
        return self._open[-1] is None

    def _element(self, role: str, key: object, **details) -> Element:
        element = self._keyed.get(key) if key is not None else None
        if element is not None:
            return element
        parent = self._open[-1]
        assert parent is not None
        if role == "LBody":  # an item's body: consecutive items share one list
            last = parent.kids[-1] if parent.kids else None
            if not (isinstance(last, Element) and last.role == "L"):
                last = Element("L", parent)
                parent.kids.append(last)
            item = Element("LI", last)
            last.kids.append(item)
            parent = item
        element = Element(role, parent, **details)
        parent.kids.append(element)
        if key is not None:
            self._keyed[key] = element
        return element

    def reserve(self, name: str, role: str) -> None:
        """An element at this point of the reading order whose content is drawn later (the
        contents page, drawn once every heading's page is known)."""
        if not self.in_artifact:
            self.reserved[name] = self._element(role, None)

    @contextmanager
    def container(self, role: str, key: object = None, **details) -> Iterator[Element | None]:
        if self.in_artifact:
            yield None
            return
        element = self._element(role, key, **details)
        self._open.append(element)
        try:
            yield element
        finally:
            self._open.pop()

    @contextmanager
    def reopened(self, name: str) -> Iterator[Element]:
        element = self.reserved[name]
        self._open.append(element)
        try:
            yield element
        finally:
            self._open.pop()

    @contextmanager
    def content(self, canvas, role: str, key: object = None, **details) -> Iterator[Element | None]:
        """Marked content for an element with role `role` (the same element again for the same
        `key`). Inside a table cell, a paragraph's content belongs to the cell itself."""
        if self.in_artifact:
            yield None
            return
        current = self._open[-1]
        if role == "P" and current is not None and current.role in ("TD", "TH"):
            element = current
            if element.lang is None:
                element.lang = details.get("lang")
        else:
            element = self._element(role, key, **details)
        page = canvas.getPageNumber()
        numbers = self.marked.setdefault(page, [])
        mcid = len(numbers)
        numbers.append(element)
        element.kids.append(Marked(page, mcid))
        if element.page is None:
            element.page = page
        canvas.addLiteral(f"/{element.role} <</MCID {mcid}>> BDC")
        self._open.append(element)
        try:
            yield element
        finally:
            self._open.pop()
            canvas.addLiteral("EMC")

    @contextmanager
    def artifact(self, canvas, kind: str = "") -> Iterator[None]:
        """Content that is not part of the document's text: page furniture, rules, repeats."""
        if self.in_artifact:
            yield
            return
        properties = f" <</Type /Pagination /Subtype /{kind}>>" if kind else ""
        canvas.addLiteral(f"/Artifact{properties} BDC" if kind else "/Artifact BMC")
        self._open.append(None)
        try:
            yield
        finally:
            self._open.pop()
            canvas.addLiteral("EMC")

    def link(self, canvas, target: str) -> None:
        """A link annotation just drawn inside the current element's content (an address in a
        paragraph): a Link element there, holding the annotation."""
        if self.in_artifact:
            return
        self.annotation(canvas, self._element("Link", None, alt=target))

    def annotation(self, canvas, element: Element | None) -> None:
        """The link annotation just drawn belongs to `element` (a Link)."""
        if element is None:
            return
        page = canvas.getPageNumber()
        links = self.annotations.setdefault(page, [])
        element.kids.append(Annotation(page, len(links)))
        links.append(element)


class TableTagging:
    """ReportLab's table render callback: a table (each part of it split over pages) becomes a
    Table element with a TR per row, TH for the header row (scope: column) and TD for the rest;
    backgrounds and rules are artifacts, and the header row repeated on later pages too."""

    def __init__(self, header_rows: int = 1):
        self.header_rows = header_rows
        self._parts = 0
        self._row: int | None = None
        self._stack: list = []

    def __call__(self, table, event: str, *args) -> None:
        tagger = getattr(table.canv, "tagger", None)
        if tagger is None:
            return
        canvas = table.canv
        if event == "startTable":
            self._parts += 1
            self._enter(tagger.container("Table", key=self))
        elif event in ("startBG", "startLines"):
            self._enter(tagger.artifact(canvas))
        elif event == "startRow":
            self._row = args[0]
            if self._row < self.header_rows and self._parts > 1:
                self._enter(tagger.artifact(canvas))
            else:
                self._enter(tagger.container("TR"))
        elif event == "startCell":
            if self._row is not None and self._row < self.header_rows:
                self._enter(tagger.container("TH", attributes={"O": "Table", "Scope": "Column"}))
            else:
                self._enter(tagger.container("TD"))
        elif event in ("endBG", "endLines", "endRow", "endCell", "endTable"):
            self._stack.pop().__exit__(None, None, None)

    def _enter(self, manager) -> None:
        manager.__enter__()
        self._stack.append(manager)


# Function words that tell Swedish from English in a passage of some length.
_WORDS = re.compile(r"[a-zåäö]+")
_SWEDISH = "och att det som för är på med inte av en ett till om har vi de kan ska från när eller"
_ENGLISH = "the and of to is for with not that are be this on we they can have it from when or"
_STOP = {"sv": frozenset(_SWEDISH.split(" ")), "en": frozenset(_ENGLISH.split(" "))}
PASSAGE_WORDS = 6


def passage_language(text: str) -> str | None:
    """ "sv" or "en" for a passage that is clearly one of them (by its function words), else
    None. Teams write in either language whatever the report's language; a screen reader needs
    to know which voice to read a passage in."""
    if len(text) < PASSAGE_WORDS * 4:  # too short to hold enough words: quick to tell
        return None
    words = _WORDS.findall(text.lower())
    if len(words) < PASSAGE_WORDS:
        return None
    swedish = sum(word in _STOP["sv"] for word in words)
    english = sum(word in _STOP["en"] for word in words)
    if swedish >= 2 and swedish > 2 * english:
        return "sv"
    if english >= 2 and english > 2 * swedish:
        return "en"
    return None


def _xmp(title: str, author: str, subject: str, language: str, created: date) -> bytes:
    """The XMP metadata: title, author, subject, language, dates and the PDF/UA-1 claim."""
    moment = f"{created.isoformat()}T00:00:00Z"
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
 xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{escape(author)}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(subject)}</rdf:li></rdf:Alt>\
</dc:description>
<dc:language><rdf:Bag><rdf:li>{language}</rdf:li></rdf:Bag></dc:language>
<xmp:CreatorTool>bka</xmp:CreatorTool>
<xmp:CreateDate>{moment}</xmp:CreateDate>
<xmp:ModifyDate>{moment}</xmp:ModifyDate>
<pdf:Producer>ReportLab PDF Library - www.reportlab.com</pdf:Producer>
<pdfuaid:part>1</pdfuaid:part>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""".encode()


def _language_tag(language: str) -> str:
    return LANGUAGE_TAGS.get(language, language)


def finish(
    pdf_bytes: bytes,
    tagger: Tagger,
    *,
    title: str,
    author: str,
    subject: str,
    created: date,
) -> bytes:
    """The PDF with its structure tree, parent tree, /MarkInfo, language and XMP metadata."""
    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    pages = [page.obj for page in pdf.pages]
    tree_root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    document_language = _language_tag(tagger.language)
    made: dict[int, pikepdf.Object] = {}

    def write(element: Element, parent: pikepdf.Object) -> pikepdf.Object:
        entry = Dictionary(Type=Name.StructElem, S=Name("/" + element.role), P=parent)
        if element.page is not None:
            entry.Pg = pages[element.page - 1]
        if element.alt is not None:
            entry.Alt = pikepdf.String(element.alt)
        if element.lang and element.lang != tagger.language:
            entry.Lang = pikepdf.String(_language_tag(element.lang))
        if element.attributes:
            entry.A = Dictionary({f"/{k}": _value(v) for k, v in element.attributes.items()})
        reference = pdf.make_indirect(entry)
        made[id(element)] = reference
        kids = []
        for kid in element.kids:
            if isinstance(kid, Element):
                kids.append(write(kid, reference))
            elif isinstance(kid, Marked):
                if kid.page == element.page:
                    kids.append(kid.mcid)
                else:
                    kids.append(Dictionary(Type=Name.MCR, Pg=pages[kid.page - 1], MCID=kid.mcid))
            else:
                annotation = _links(pages[kid.page - 1])[kid.index]
                kids.append(Dictionary(Type=Name.OBJR, Obj=annotation, Pg=pages[kid.page - 1]))
        if kids:
            entry.K = kids[0] if len(kids) == 1 else Array(kids)
        return reference

    tree_root.K = write(tagger.root, tree_root)
    numbers: list = []
    for page_number, page in enumerate(pages, start=1):
        page.StructParents = page_number - 1
        marked = tagger.marked.get(page_number, [])
        numbers += [page_number - 1, Array([made[id(element)] for element in marked])]
    next_key = len(pages)
    for page_number, links in sorted(tagger.annotations.items()):
        page = pages[page_number - 1]
        annotations = _links(page)
        if len(annotations) != len(links):
            raise ValueError(f"page {page_number}: {len(annotations)} links, {len(links)} tagged")
        for annotation, element in zip(annotations, links, strict=True):
            annotation.F = 4  # printed, as on screen: never hidden from a reader
            annotation.StructParent = next_key
            numbers += [next_key, made[id(element)]]
            next_key += 1
        page.Tabs = Name.S
    tree_root.ParentTree = pdf.make_indirect(Dictionary(Nums=Array(numbers)))
    tree_root.ParentTreeNextKey = next_key
    catalog = pdf.Root
    catalog.StructTreeRoot = tree_root
    catalog.MarkInfo = Dictionary(Marked=True)
    catalog.Lang = pikepdf.String(document_language)
    catalog.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    metadata = _xmp(title, author, subject, document_language, created)
    catalog.Metadata = pdf.make_stream(metadata, Type=Name.Metadata, Subtype=Name.XML)
    out = io.BytesIO()
    pdf.save(
        out,
        deterministic_id=True,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
        # ReportLab's streams are compressed already: copied as they are, never re-encoded.
        stream_decode_level=pikepdf.StreamDecodeLevel.none,
    )
    return out.getvalue()


def _links(page: pikepdf.Object) -> list[pikepdf.Object]:
    return [a for a in page.get("/Annots", []) if a.get("/Subtype") == Name.Link]


def _value(value: object) -> pikepdf.Object:
    if isinstance(value, str):
        return Name("/" + value)
    if isinstance(value, list | tuple):
        return Array([float(v) for v in value])
    return value  # type: ignore[return-value]
