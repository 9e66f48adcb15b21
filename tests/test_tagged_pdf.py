"""Every report is a tagged PDF (PDF/UA-1): checked by an independent checker (the `pdfua`
package) and by walking the structure tree and the content streams here.

The walk checks what a screen reader relies on: every text-showing operator lies in marked
content that belongs to a structure element, or in an artifact; the structure tree reaches
every marked sequence once, in the order it is drawn (the reading order); tables have rows,
header cells with a scope and data cells; figures have a text alternative; links sit in the tree
with a description; headings do not skip a level; fonts are embedded with a ToUnicode map; and
the catalog has /MarkInfo, the language, the title shown, and the PDF/UA claim in XMP.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field, replace

import pikepdf
import pytest
from pdfua import validate
from pikepdf import Name

from reports import RENDERERS
from reports.building import markup, pieces
from reports.tagging import passage_language
from tests import test_report_bytes as pinned

TEXT_OPERATORS = {"Tj", "TJ", "'", '"'}
LANGUAGES = {"sv": "sv-SE", "en": "en-GB"}
KINDS = sorted({kind for kind, _locale in pinned.EXPECTED})


@dataclass
class Walk:
    """What the structure tree holds: marked content in tree order, and the elements."""

    order: list[tuple[int, int]] = field(default_factory=list)  # (page index, MCID)
    owner: dict[tuple[int, int], pikepdf.Object] = field(default_factory=dict)
    elements: list[pikepdf.Object] = field(default_factory=list)
    links: list[pikepdf.Object] = field(default_factory=list)  # annotations reached by OBJR


def _page_index(pdf: pikepdf.Pdf, page: pikepdf.Object) -> int:
    return next(i for i, p in enumerate(pdf.pages) if p.obj.objgen == page.objgen)


def walk_tree(pdf: pikepdf.Pdf) -> Walk:
    walk = Walk()

    def visit(element: pikepdf.Object) -> None:
        walk.elements.append(element)
        kids = element.get("/K")
        if kids is None:
            return
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        for kid in kids:
            if isinstance(kid, int):
                mark = (_page_index(pdf, element.Pg), int(kid))
            elif kid.get("/Type") == Name.MCR:
                mark = (_page_index(pdf, kid.Pg), int(kid.MCID))
            elif kid.get("/Type") == Name.OBJR:
                walk.links.append(kid.Obj)
                continue
            else:
                assert kid.P.objgen == element.objgen, "a kid's /P is its parent"
                visit(kid)
                continue
            assert mark not in walk.owner, f"marked content {mark} reached twice"
            walk.owner[mark] = element
            walk.order.append(mark)

    root = pdf.Root.StructTreeRoot
    document = root.K
    assert role(document) == "Document"
    visit(document)
    return walk


def walk_content(pdf: pikepdf.Pdf) -> tuple[list[tuple[int, int]], int]:
    """The MCIDs in drawing order, page by page, and how many text operators lie in an
    artifact. Fails on text outside any marked content, or in marked content without MCID
    that is not an artifact."""
    drawn: list[tuple[int, int]] = []
    in_artifacts = 0
    for index, page in enumerate(pdf.pages):
        stack: list[tuple[str, int | None]] = []
        for operands, operator in pikepdf.parse_content_stream(page):
            name = str(operator)
            if name == "BDC":
                tag, properties = str(operands[0]), operands[1]
                mcid = int(properties.MCID) if "/MCID" in properties else None
                stack.append((tag, mcid))
                if mcid is not None:
                    drawn.append((index, mcid))
            elif name == "BMC":
                stack.append((str(operands[0]), None))
            elif name == "EMC":
                assert stack, f"page {index + 1}: EMC without a sequence"
                stack.pop()
            elif name in TEXT_OPERATORS:
                assert stack, f"page {index + 1}: text outside marked content: {operands}"
                if any(tag == "/Artifact" for tag, _ in stack):
                    in_artifacts += 1
                else:
                    assert stack[-1][1] is not None, f"page {index + 1}: text without an MCID"
        assert not stack, f"page {index + 1}: {len(stack)} sequences never closed"
    return drawn, in_artifacts


def _open(kind: str, locale: str) -> tuple[bytes, pikepdf.Pdf]:
    pdf_bytes = pinned.render(kind, locale)
    return pdf_bytes, pikepdf.open(io.BytesIO(pdf_bytes))


@pytest.mark.parametrize("locale", ["sv", "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_text_lies_in_tagged_content_in_reading_order(kind, locale):
    _bytes, pdf = _open(kind, locale)
    walk = walk_tree(pdf)
    drawn, in_artifacts = walk_content(pdf)
    assert in_artifacts > 0, "the running header and footer are artifacts"
    # The tree reaches exactly what is drawn, in the order it is drawn.
    assert walk.order == drawn
    assert sorted(drawn) == drawn
    # The parent tree maps every MCID back to the element that holds it.
    parents = dict(pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree).items())
    for index, page in enumerate(pdf.pages):
        owners = parents[int(page.StructParents)]
        marks = [mark for mark in drawn if mark[0] == index]
        assert len(owners) == len(marks)
        for page_index, mcid in marks:
            assert owners[mcid].objgen == walk.owner[(page_index, mcid)].objgen


@pytest.mark.parametrize("locale", ["sv", "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_catalog_metadata_fonts_and_the_independent_checker(kind, locale, tmp_path):
    pdf_bytes, pdf = _open(kind, locale)
    catalog = pdf.Root
    assert catalog.MarkInfo.Marked is True
    assert str(catalog.Lang) == LANGUAGES[locale]
    assert catalog.ViewerPreferences.DisplayDocTitle is True
    xmp = pdf.open_metadata()
    assert xmp["pdfuaid:part"] == "1"
    assert xmp["dc:title"] == str(pdf.docinfo.Title)
    for page in pdf.pages:
        for font in page.Resources.Font.values():
            assert font.Subtype != Name.Type1 or "/FontFile" in font.get("/FontDescriptor", {})
            assert "/ToUnicode" in font, f"{font.BaseFont} has no ToUnicode map"
            descendants = font.get("/DescendantFonts", [font])
            for part in descendants:
                descriptor = part.FontDescriptor
                assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf_bytes)
    report = validate(str(path))
    assert [(f.rule_id, f.message) for f in report.findings] == []


def test_a_second_checker_finds_nothing_in_any_report(tmp_path):
    """outloud checks the Matterhorn checkpoints of PDF/UA-1 that a machine can decide (and
    WCAG 2.2 criteria for PDF): no error and no warning in any report kind or language."""
    for kind, locale in pinned.EXPECTED:
        (tmp_path / f"{kind}-{locale}.pdf").write_bytes(pinned.render(kind, locale))
    report = tmp_path / "outloud.json"
    command = os.path.join(os.path.dirname(sys.executable), "outloud")
    files = sorted(str(path) for path in tmp_path.glob("*.pdf"))
    subprocess.run(  # noqa: S603 - fixed command line
        [command, "--quiet", "--fail-on", "never", "--json", str(report), *files],
        check=True,
        capture_output=True,
    )
    results = json.loads(report.read_text())["results"]
    assert len(results) == len(pinned.EXPECTED)
    for result in results:
        assert result["stats"]["tagged"], result["path"]
        findings = [f for f in result["findings"] if not _running_header(f, result)]
        assert findings == [], result["path"]


# The running header's band: from the top of the page down to its rule (15 mm).
HEADER_BAND = 842 - 15 * 72 / 25.4


def _running_header(finding: dict, result: dict) -> bool:
    """outloud's TAG-002 guesses that a long line marked as an artifact is prose, unless it
    repeats on several pages. A one-page report's running header (title and organisation) does
    not repeat, yet PDF/UA-1 (7.8) wants it an artifact: the page's heading already says it."""
    return (
        finding["rule"] == "TAG-002"
        and result["stats"]["pages"] == 1
        and all(box["y0"] >= HEADER_BAND for box in finding["boxes"])
    )


def role(element: pikepdf.Object) -> str:
    return str(element.S)[1:]


def _roles(walk: Walk) -> list[str]:
    return [role(element) for element in walk.elements]


@pytest.mark.parametrize("locale", ["sv", "en"])
def test_headings_tables_figures_lists_and_links_of_the_analysis_report(locale):
    _bytes, pdf = _open("analysis-decided", locale)
    walk = walk_tree(pdf)
    roles = _roles(walk)
    # Headings in reading order never skip a level.
    levels = [int(role[1]) for role in roles if role in {"H1", "H2", "H3", "H4"}]
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))
    # Tables: rows of header cells (scope: column) and data cells.
    tables = [e for e in walk.elements if role(e) == "Table"]
    assert len(tables) >= 5
    for table in tables:
        rows = list(table.K) if isinstance(table.K, pikepdf.Array) else [table.K]
        assert all(role(row) == "TR" for row in rows)
        first = list(rows[0].K)
        assert all(role(cell) == "TH" and cell.A.Scope == Name.Column for cell in first)
        assert all(role(cell) == "TD" for row in rows[1:] for cell in row.K)
    # The impact chart is a figure with words for what it shows.
    figures = [e for e in walk.elements if role(e) == "Figure"]
    assert figures and all(len(str(f.Alt)) > 40 for f in figures)
    assert "3." in str(figures[0].Alt)
    # The summary's parts are lists.
    assert "L" in roles and roles.count("LI") == roles.count("LBody") >= 6
    # The contents page: one item per heading, each a link to it, described.
    toc = next(e for e in walk.elements if role(e) == "TOC")
    items = list(toc.K)
    assert len(items) >= 11 and all(role(item) == "TOCI" for item in items)
    annotations = [a for page in pdf.pages for a in page.get("/Annots", [])]
    assert len(walk.links) == len(annotations) == len(items)
    parents = dict(pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree).items())
    for annotation in annotations:
        assert str(annotation.Contents)
        assert role(parents[int(annotation.StructParent)]) == "Link"
    assert all(page.get("/Tabs") == Name.S for page in pdf.pages if "/Annots" in page)


def test_a_table_split_over_pages_is_one_table_and_its_repeated_header_an_artifact():
    data = pinned.report_data("sv")
    many = tuple(replace(data.impacts[0], explanation=f"Förklaring {n}") for n in range(90))
    pdf_bytes = RENDERERS["analysis"](replace(data, impacts=many), pinned.gettext_for("sv"))
    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    walk = walk_tree(pdf)
    matrix = max(
        (e for e in walk.elements if role(e) == "Table"), key=lambda table: len(list(table.K))
    )
    rows = list(matrix.K)
    assert len(rows) == 91  # the header once, then every impact
    pages = {_page_index(pdf, cell.Pg) for row in rows[1:] for cell in row.K}
    assert len(pages) >= 3
    assert sum(1 for e in walk.elements if role(e) == "TH") >= 5  # never repeated in the tree


def test_passages_in_the_other_language_say_so():
    assert passage_language("Barnen ska få säga sin mening om det som rör dem och vi") == "sv"
    assert passage_language("The children are heard and we tell them what it is for") == "en"
    assert passage_language("Millennium 2024") is None
    assert passage_language("Artikel 3, artikel 12, artikel 24 – hälso- och sjukvård") is None
    data = pinned.report_data("en")
    pdf = pikepdf.open(io.BytesIO(RENDERERS["analysis"](data, pinned.gettext_for("en"))))
    swedish = [e for e in walk_tree(pdf).elements if str(e.get("/Lang", "")) == "sv-SE"]
    assert swedish, "the Swedish answers of the English report are marked as Swedish"


def test_the_same_report_gives_the_same_tagged_bytes():
    assert pinned.render("analysis", "sv") == pinned.render("analysis", "sv")


def test_addresses_in_user_text_are_links_in_the_structure():
    assert markup("Skriv till barn@example.se.") == (
        'Skriv till <a href="mailto:barn@example.se" color="0x00526e"><u>barn@example.se</u></a>.'
    )
    linked = markup("Se www.vgregion.se/barn?a=1&b=2, eller <https://x.se/y>.")
    assert '<a href="https://www.vgregion.se/barn?a=1&amp;b=2"' in linked
    assert "<u>www.vgregion.se/barn?a=1&amp;b=2</u></a>, eller" in linked
    assert '<a href="https://x.se/y"' in linked and "&lt;" in linked
    assert markup("a@b och javascript:alert(1)") == "a@b och javascript:alert(1)"
    # Long text is cut into pieces, never inside a link.
    text = markup(("ord " * 370 + "https://example.se/" + "x" * 60 + " ") * 6)
    for piece in pieces(text):
        assert piece.count("<a ") == piece.count("</a>")
    data = pinned.report_data("sv")
    step = data.steps[0]
    answer = replace(step.answers[0], answer="Frågor till barnombudet@example.se eller www.bo.se.")
    steps = (replace(step, answers=(answer, *step.answers[1:])), *data.steps[1:])
    pdf_bytes = RENDERERS["analysis"](replace(data, steps=steps), pinned.gettext_for("sv"))
    pdf = pikepdf.open(io.BytesIO(pdf_bytes))
    walk = walk_tree(pdf)
    parents = dict(pikepdf.NumberTree(pdf.Root.StructTreeRoot.ParentTree).items())
    uris = {}
    for page in pdf.pages:
        for annotation in page.get("/Annots", []):
            if "/A" in annotation and annotation.A.S == Name.URI:
                link = parents[int(annotation.StructParent)]
                assert role(link) == "Link" and role(link.P) == "P"
                uris[str(annotation.A.URI)] = str(annotation.Contents)
    assert uris == {
        "mailto:barnombudet@example.se": "barnombudet@example.se",
        "https://www.bo.se": "https://www.bo.se",
    }
    annotations = [a for page in pdf.pages for a in page.get("/Annots", [])]
    assert len(walk.links) == len(annotations)  # the contents' links and these two
