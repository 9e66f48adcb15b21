"""PDF reports: opened with pypdf and checked for text, structure, escaping and determinism."""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import io
import re
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from bka.domain import analyses as ops
from bka.domain import reporting
from bka.extensions import db
from bka.models import Analysis, ArchivedReport, AuditEvent, SignOff, User
from reports import ReportData, render_analysis_report
from reports.building import Para, Styles, markup, visual
from reports.data import Answer, MeasureRow
from tests import factories
from tests import test_report_bytes as pinned
from tests.factories import SIGN_STATEMENTS

TRICKY = "Barn <b>fet</b> & </para> Łódź Čapek Øresund مرحبا"
PRINTED = date(2024, 6, 20)


@pytest.fixture
def full_analysis(app, make_user):
    """A complete analysis (every step, all kinds of entries) plus a child group and an impact
    whose text needs escaping and other scripts; a draft. Returns (id, owner, reviewer)."""
    owner = make_user(name="Tove Ägare")
    reviewer = make_user(role="reviewer", name="Gustav Granskare")
    with app.test_request_context():
        analysis = factories.complete_analysis(
            db.session.get(User, owner.id),
            child_groups=[
                {
                    "label": TRICKY,
                    "age_band": "6-12",
                    "relation": "user",
                    "vulnerable_situations": [],
                    "estimated_number": 12,
                    "number_source": "A & B <i>källa</i>",
                }
            ],
            impacts=[
                {
                    "article": 3,
                    "group": TRICKY,
                    "direction": "unknown",
                    "term": "short",
                    "severity": "low",
                    "likelihood": "possible",
                    "explanation": "Okänt & oklart <script>",
                }
            ],
        )
        db.session.commit()
        analysis_id = analysis.id
    return analysis_id, owner, reviewer


def render(app, analysis_id, kind="analysis", locale="sv") -> bytes:
    with app.test_request_context():
        analysis = db.session.get(Analysis, analysis_id)
        return reporting.render(kind, analysis, ops.checklists_for(analysis), locale, PRINTED)


def report_data(app, analysis_id, locale="sv") -> ReportData:
    with app.test_request_context():
        analysis = db.session.get(Analysis, analysis_id)
        checklists = ops.checklists_for(analysis)
        content = reporting.current_content(analysis, checklists)
        return reporting.build_report_data(
            analysis, checklists, content, locale, printed_on=PRINTED, signed=False
        )


def text_of(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


# A word hyphenated at the end of a line: a letter, the added hyphen, the line break, a
# lower-case letter (the reports hyphenate in the report's language).
HYPHENATED = re.compile(r"(?<=[^\W\d_])-\n(?=[a-zåäöéü])")


def flat(text: str) -> str:
    """Text with every run of whitespace as one space (table cells wrap lines) and the words
    hyphenated at a line end joined again."""
    return " ".join(HYPHENATED.sub("", text).split())


def test_analysis_report_in_swedish(app, full_analysis):
    analysis_id, *_ = full_analysis
    reader, text = text_of(render(app, analysis_id))
    pages = len(reader.pages)
    assert 15 <= pages <= 40
    assert (
        "Innehåll" in text and f"Sida 1 av {pages}" in text and f"Sida {pages} av {pages}" in text
    )
    library = app.extensions["bka_library"]
    for step in library.method.steps:
        assert f"{step.number}. {step.title.sv}" in text, step.key
    for number in (3, 16, 24):
        assert library.convention.article(number).title.sv in text
    assert "Konsekvensmatris" in text and "▼ Försvagar" in text
    assert factories.ORGANISATION in text and "åtkomst" in text
    metadata = reader.metadata
    assert metadata.title == factories.TITLE
    assert metadata.author.startswith(factories.ORGANISATION)
    assert metadata.subject == "Barnkonsekvensanalys"
    assert metadata["/CreationDate"].startswith("D:20240620")
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "sv-SE"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    outline_titles = [item.title for item in reader.outline if hasattr(item, "title")]
    assert "7. Konsekvensanalys" in outline_titles
    # The contents page (page 3, after the summary) names each step with the page its heading
    # is really on.
    assert "Sammanfattning för beslutsfattaren" in reader.pages[1].extract_text()
    contents = reader.pages[2].extract_text()
    impacts_title = f"7. {library.method.step('impacts').title.sv}"
    listed = int(re.search(re.escape(impacts_title) + r"[\s.]*(\d+)", contents).group(1))
    assert impacts_title in reader.pages[listed - 1].extract_text()


def test_analysis_report_in_english_is_independent_of_the_ui(app, full_analysis):
    analysis_id, *_ = full_analysis
    reader, text = text_of(render(app, analysis_id, locale="en"))
    library = app.extensions["bka_library"]
    assert "Contents" in text and f"Page 1 of {len(reader.pages)}" in text
    assert f"7. {library.method.step('impacts').title.en}" in text
    assert library.convention.article(16).title.en in text
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"


def test_user_text_is_escaped_and_any_script_renders(app, full_analysis):
    analysis_id, *_ = full_analysis
    _reader, text = text_of(render(app, analysis_id))
    assert "Barn <b>fet</b> & </para> Łódź Čapek Øresund" in flat(text)
    assert "مرحبا" in unicodedata.normalize("NFKC", text)  # Arabic letters made it in, joined
    assert "A & B <i>källa</i>" in flat(text)
    assert "Okänt & oklart <script>" in flat(text)


def test_same_data_gives_the_same_bytes(app, full_analysis):
    analysis_id, *_ = full_analysis
    assert render(app, analysis_id) == render(app, analysis_id)


def test_follow_up_report_and_child_summary(app, full_analysis):
    analysis_id, *_ = full_analysis
    _reader, follow_up = text_of(render(app, analysis_id, "follow-up"))
    assert "Uppföljning av en barnkonsekvensanalys" in follow_up
    for indicator in factories.INDICATORS[:2]:
        assert indicator["name"][:30] in follow_up.replace("\n", " ")
    assert "Observerade och förutsedda effekter" in follow_up  # every impact row, to observe
    reader, summary = text_of(render(app, analysis_id, "child-summary"))
    assert len(reader.pages) <= 4
    # A draft: nothing is decided yet, and the summary says what is proposed.
    assert "Det här föreslår vi" in summary and "Det här har vi bestämt" not in summary
    assert "Inget är bestämt än." in summary and "Vad vi föreslår" in summary
    first_words = factories.ANSWERS["feedback"]["child_friendly_summary"].split()[:4]
    assert " ".join(first_words) in summary.replace("\n", " ")


def test_download_route_by_role_and_export_audit(app, full_analysis, make_browser, make_user):
    analysis_id, owner, _reviewer = full_analysis
    browser = make_browser()
    browser.login(owner)
    response = browser.get(f"/analyses/{analysis_id}/report?kind=follow-up&lang=en")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"%PDF")
    assert browser.get(f"/analyses/{analysis_id}/report?kind=poster").status_code == 404
    assert browser.get(f"/analyses/{analysis_id}/report?lang=de").status_code == 404
    stranger = make_browser()
    stranger.login(make_user())
    assert stranger.get(f"/analyses/{analysis_id}/report").status_code == 404
    with app.app_context():
        export = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "export"))
        details = dict(export.details)
        assert details.pop("request_id")  # the request's id (bka/web/logs.py)
        assert details == {"kind": "follow-up", "language": "en", "version": 1}


def test_the_signed_version_is_archived_and_downloads_return_those_bytes(
    app, full_analysis, make_browser
):
    analysis_id, owner, reviewer = full_analysis
    team, signer = make_browser(), make_browser()
    team.login(owner)
    signer.login(reviewer)
    team.post(f"/analyses/{analysis_id}/submit", {"reviewer": str(reviewer.id)})
    signer.post(
        f"/analyses/{analysis_id}/review",
        {"sign": "1", "title": "Granskare", "statements": SIGN_STATEMENTS},
    )
    with app.app_context():
        signature = db.session.scalar(db.select(SignOff))
        archived = {row.locale: row for row in db.session.scalars(db.select(ArchivedReport))}
        assert set(archived) == {"sv", "en"}
        assert signature.report_sha256 == archived["sv"].sha256
        assert hashlib.sha256(archived["sv"].pdf).hexdigest() == archived["sv"].sha256
        archived_bytes = archived["sv"].pdf
    download = team.get(f"/analyses/{analysis_id}/report?kind=analysis&lang=sv")
    assert download.data == archived_bytes
    assert hashlib.sha256(download.data).hexdigest() == signature.report_sha256
    _reader, text = text_of(download.data)
    assert "Gustav Granskare" in text and signature.sha256 in text.replace("\n", "")


def test_report_command(app, full_analysis, tmp_path):
    analysis_id, *_ = full_analysis
    output = tmp_path / "rapport.pdf"
    result = app.test_cli_runner().invoke(
        args=[
            "report",
            str(analysis_id),
            "--kind",
            "child-summary",
            "--lang",
            "en",
            "--output",
            str(output),
        ]
    )
    assert result.exit_code == 0, result.output
    _reader, text = text_of(output.read_bytes())
    assert "What we propose" in text  # a draft: nothing decided yet


def test_reports_package_imports_neither_flask_nor_bka():
    for path in (Path(__file__).resolve().parents[1] / "reports").glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            for name in names:
                assert name.split(".")[0] not in {"flask", "bka", "flask_babel"}, (path, name)


def test_report_modules_share_only_public_names():
    """What more than one report needs lives under a public name (reports/building.py,
    reports/sections.py); no module reaches into another's private names."""
    for path in (Path(__file__).resolve().parents[1] / "reports").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("reports"):
                private = [alias.name for alias in node.names if alias.name.startswith("_")]
                assert not private, (path, node.module, private)


def long_answer(length: int = 30_000) -> str:
    """Varied user text: markup-like characters, entities, line and paragraph breaks, tabs,
    a long unbroken word and several scripts; with sentinels at both ends."""
    pieces = [
        "Barnen <b>i</b> gruppen & deras föräldrar </para> sa att väntan var lång.",
        "Łódź, Čapek och Øresund &amp; mer:\tflikar\toch   mellanslag.",
        "En lång adress: https://example.org/" + "väldigt-lång-sökväg-" * 6 + "slut",
        "Rad ett\nrad två\n\nnytt stycke <br/> <i>kursivt</i> <para> \"citat\" 'enkla'.",
        "Siffror 1 234,5 % och – tankstreck — och … ellips.",
    ]
    body = []
    while sum(map(len, body)) < length:
        body.append(pieces[len(body) % len(pieces)] + f" [{len(body)}]")
    return "STARTVAKT " + " ".join(body) + " SLUTVAKT"


def test_long_answers_and_long_tables_break_across_pages(app, full_analysis):
    analysis_id, *_ = full_analysis
    data = report_data(app, analysis_id, "en")
    gettext = reporting.translations("en").gettext
    plain_pages = len(PdfReader(io.BytesIO(render_analysis_report(data, gettext))).pages)
    answer = long_answer()
    first = data.steps[0]
    steps = (
        dataclasses.replace(first, answers=(Answer("En lång fråga?", answer), *first.answers)),
        *data.steps[1:],
    )
    impacts = tuple(
        dataclasses.replace(
            data.impacts[number % len(data.impacts)],
            explanation=f"Konsekvens nummer kons{number:03d}x & <b>inte fet</b>",
        )
        for number in range(1, 301)
    )
    measures = tuple(
        MeasureRow(f"Åtgärd åtg{number:03d}x med en beskrivning " * 2, "Ägare", None, "Planerad")
        for number in range(1, 301)
    )
    long = dataclasses.replace(data, steps=steps, impacts=impacts, measures=measures)
    reader, text = text_of(render_analysis_report(long, gettext))
    pages = len(reader.pages)
    assert pages > plain_pages + 10
    words = flat(text)
    assert "STARTVAKT Barnen <b>i</b> gruppen & deras föräldrar </para> sa" in words
    assert f"[{answer.count('[') - 1}] SLUTVAKT" in words
    assert "nytt stycke <br/> <i>kursivt</i> <para>" in words
    # Every row of both tables made it onto some page, the last ones included, and the
    # impact table repeats its header row on each page it spans.
    assert all(f"kons{number:03d}x" in words for number in range(1, 301))
    assert all(f"åtg{number:03d}x" in words for number in range(1, 301))
    assert "kons300x & <b>inte fet</b>" in words
    header_pages = [
        page  # the header's "Term, severity, likelihood" is hyphenated now; its last column
        for page in reader.pages
        if "Child group Effect" in flat(page.extract_text())
        and "Explanation" in page.extract_text()
    ]
    assert len(header_pages) >= 5
    assert f"Page {pages} of {pages}" in text


@pytest.mark.parametrize(
    "text",
    [
        "Enkel text i en cell",
        "  mellanslag \t och \r  rader, Łódź  ",
        "A &amp; B &lt;b&gt;",
        "<b>fet</b> och <font color='#b3261e'>▼</font> Försvagar",
        "rad ett<br/>rad två",
    ],
)
def test_quick_paragraphs_draw_exactly_like_reportlabs(text):
    styles = Styles()

    def drawn(make, widths) -> bytes:
        canvas = Canvas(io.BytesIO(), invariant=1)
        paragraph = make(text, styles.cell)
        for width in widths:
            _w, height = paragraph.wrap(width, 1000)
            paragraph.drawOn(canvas, 20, 800 - height)
        canvas.showPage()
        return canvas.getpdfdata()

    widths = (40, 300, 40, 40)  # a rewrap at a new width is not served from memory
    assert drawn(Para, widths) == drawn(Paragraph, widths)


def test_table_headers_from_a_translation_are_escaped():
    """Header cells are plain text like any other: a translation with & or < shows as written."""
    headers = {
        "Measure": "Åtgärd & <b>plan</b>",
        "Owner": "Ägare </para> <",
        "Indicator": "Mått &amp; mål",
        "Reviewer": "Granskare <br/>",
    }
    pdf = render_analysis_report(pinned.report_data("sv"), lambda text: headers.get(text, text))
    words = flat(text_of(pdf)[1])
    for header in headers.values():
        assert header in words


def test_right_to_left_text_is_drawn_in_visual_order_and_joined(app, full_analysis):
    analysis_id, *_ = full_analysis
    data = report_data(app, analysis_id, "en")
    name, hebrew = "فاطمة محمد", "שלום"
    first = data.child_groups[0]
    data = dataclasses.replace(
        data,
        title=f"Rapport {name}",
        child_groups=(dataclasses.replace(first, label=f"{name} och {hebrew}"), *data.child_groups),
    )
    _reader, text = text_of(render_analysis_report(data, reporting.translations("en").gettext))
    # The Arabic letters are drawn in their joined forms (presentation forms), right to left:
    # a reader that undoes both gets the name back as it was typed.
    assert any("\ufe70" <= char <= "\ufefc" for char in text)
    assert f"Rapport {name}" in unicodedata.normalize("NFKC", text)
    assert "םולש" in text or hebrew in text


def test_visual_order_only_touches_right_to_left_lines():
    swedish = "Barn <b>fet</b> & Łódź (12)"
    assert visual(swedish) is swedish
    assert visual("Barn שלום עולם slut\nrad två") == "Barn םלוע םולש slut\nrad två"
    assert markup("a < שלום") == "a &lt; םולש"


def _sign(app, analysis_id, owner, reviewer, make_browser):
    team, signer = make_browser(), make_browser()
    team.login(owner)
    signer.login(reviewer)
    team.post(f"/analyses/{analysis_id}/submit", {"reviewer": str(reviewer.id)})
    response = signer.post(
        f"/analyses/{analysis_id}/review",
        {"sign": "1", "title": "Granskare", "statements": SIGN_STATEMENTS},
    )
    return team, signer, response


@pytest.mark.parametrize("tamper", ["bytes", "recorded_hash"])
def test_a_tampered_archive_is_refused_and_audited(app, full_analysis, make_browser, tamper):
    analysis_id, owner, reviewer = full_analysis
    team, _signer, _ = _sign(app, analysis_id, owner, reviewer, make_browser)
    with app.app_context():
        archived = db.session.scalar(db.select(ArchivedReport).filter_by(locale="sv"))
        if tamper == "bytes":
            middle = len(archived.pdf) // 2
            flipped = bytes([archived.pdf[middle] ^ 1])
            archived.pdf = archived.pdf[:middle] + flipped + archived.pdf[middle + 1 :]
        else:
            archived.sha256 = "0" * 64
        db.session.commit()
    refused = team.get(f"/analyses/{analysis_id}/report?kind=analysis&lang=sv")
    assert refused.status_code == 409
    assert refused.mimetype == "text/html"
    assert "stämmer inte med kontrollsumman" in refused.get_data(as_text=True)
    english = team.get(f"/analyses/{analysis_id}/report?kind=analysis&lang=en")
    assert english.status_code == 200 and english.data.startswith(b"%PDF")  # untouched
    with app.app_context():
        event = db.session.scalar(db.select(AuditEvent).filter_by(action="archive_mismatch"))
        assert event is not None and event.outcome == "failure"
        assert event.object_id == analysis_id


def test_cells_longer_than_a_page_flow_on_and_sign_off_succeeds(app, full_analysis, make_browser):
    """A 3,000-character measure and a 3,500-character impact explanation used to raise
    ReportLab's LayoutError: the PDF download was a 500 and sign-off failed."""
    analysis_id, owner, reviewer = full_analysis
    measure_text = ("Åtgärden beskrivs i detalj, steg för steg. " * 80)[:3000] + " SLUTMÄRKE-M"
    impact_text = ("Effektkedjan: beslut, förändring, följd. " * 100)[:3500] + " SLUTMÄRKE-I"
    with app.app_context():
        from bka.models import Impact, Measure

        db.session.scalar(db.select(Measure)).description = measure_text
        db.session.scalar(db.select(Impact)).explanation = impact_text
        db.session.commit()
    team, _signer, signed = _sign(app, analysis_id, owner, reviewer, make_browser)
    assert signed.status_code == 302
    with app.app_context():
        assert db.session.get(Analysis, analysis_id).status == "approved"
    for kind in ("analysis", "follow-up", "child-summary"):
        for lang in ("sv", "en"):
            download = team.get(f"/analyses/{analysis_id}/report?kind={kind}&lang={lang}")
            assert download.status_code == 200, (kind, lang)
    _reader, text = text_of(team.get(f"/analyses/{analysis_id}/report?lang=sv").data)
    flat = text.replace("\n", "").replace(" ", "")
    assert "SLUTMÄRKE-M" in flat and "SLUTMÄRKE-I" in flat


def test_a_report_that_cannot_be_rendered_blocks_nothing_and_says_so(
    app, full_analysis, make_browser, monkeypatch
):
    analysis_id, owner, reviewer = full_analysis

    def broken(_data, _gettext):
        raise RuntimeError("renderer exploded")

    monkeypatch.setitem(reporting.RENDERERS, "analysis", broken)
    _team, _signer, response = _sign(app, analysis_id, owner, reviewer, make_browser)
    assert response.status_code == 200
    assert "inget skrevs under" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Analysis, analysis_id).status == "in_review"
        assert db.session.scalar(db.select(db.func.count(SignOff.id))) == 0


def test_report_file_name_keeps_swedish_letters(app, make_user, make_analysis, make_browser):
    owner = make_user()
    analysis_id = make_analysis(owner, title="Ändrade öppettider på förskolan")
    browser = make_browser()
    browser.login(owner)
    response = browser.get(f"/analyses/{analysis_id}/report?kind=analysis&lang=sv")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert (
        "filename*=UTF-8''bka-%C3%84ndrade-%C3%B6ppettider-p%C3%A5-f%C3%B6rskolan-analysis-sv.pdf"
        in disposition
    )
    assert "filename=bka-Andrade-oppettider-pa-forskolan-analysis-sv.pdf" in disposition
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data.startswith(b"%PDF")


def _fill(seed: str, size: int) -> str:
    """`seed` and some markup, other scripts and an emoji, repeated to exactly `size`
    characters and ending in a marker the test looks for."""
    marker = "¶SLUT"
    unit = seed + " & <b>barn</b> مرحبا 😀. "
    return ((unit * (size // len(unit) + 1))[: size - len(marker)]) + marker


@settings(
    max_examples=1,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    seed=st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n\t"),
        min_size=1,
        max_size=30,
    )
)
def test_every_text_field_at_its_maximum_renders_every_report(app, make_user, seed):
    """Every free-text field filled to the length its form allows (steps, pack prompts and
    every entry): each report kind renders in both languages and keeps the end of the text."""
    from wtforms.validators import Length

    from bka.domain.checklists import STEP_KEYS
    from bka.domain.entries import ENTRY_KINDS
    from bka.forms.entries import ENTRY_FORMS
    from bka.forms.step import TEXT_MAX, TEXTAREA_MAX
    from bka.models import StepAnswer

    owner = make_user()
    with app.test_request_context():
        analysis = factories.complete_analysis(db.session.get(User, owner.id), area="education")
        trigger = {"description": "Paus", "condition": "event", "event_kind": "pause"}
        factories.entry(analysis, "triggers", trigger)
        checklists = ops.checklists_for(analysis)
        for kind_name, kind in ENTRY_KINDS.items():
            rows = db.session.scalars(
                db.select(kind.model).filter_by(analysis_id=analysis.id).order_by(kind.model.id)
            ).all()
            for extra in rows[1:]:  # one entry of each kind, every text field at its maximum
                db.session.delete(extra)
            for field_name in kind.text_fields:
                validators = getattr(ENTRY_FORMS[kind_name], field_name).kwargs["validators"]
                maximum = next(v.max for v in validators if isinstance(v, Length))
                setattr(rows[0], field_name, _fill(seed, maximum))
        for step_key in STEP_KEYS:
            answer = db.session.scalar(
                db.select(StepAnswer).filter_by(analysis_id=analysis.id, step_key=step_key)
            )
            values = dict(answer.answers)
            for question in checklists.method.step(step_key).questions:
                if question.kind in ("text", "textarea"):
                    size = TEXT_MAX if question.kind == "text" else TEXTAREA_MAX
                    values[question.key] = _fill(seed, size)
            for prompt in checklists.pack.prompts_for(step_key):
                values[f"prompt__{prompt.key}"] = _fill(seed, TEXTAREA_MAX)
            answer.answers = values
        db.session.commit()
        for kind in reporting.KINDS:
            for locale in ("sv", "en"):
                pdf = reporting.render(kind, analysis, checklists, locale, PRINTED)
                assert pdf.startswith(b"%PDF"), (kind, locale)
                if kind == "analysis" and locale == "sv":  # pages read up to the first end
                    pages = PdfReader(io.BytesIO(pdf)).pages
                    assert any("¶SLUT" in page.extract_text() for page in pages)
