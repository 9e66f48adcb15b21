"""Clean type in the PDFs: no word broken without a hyphen (Swedish hyphenation, columns as wide
as their longest words), chart labels wrapped rather than cut, emoji named rather than drawn as
empty boxes, the running header's title kept clear of the organisation, times in the
installation's time zone."""

from __future__ import annotations

from dataclasses import replace

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph

from reports import RENDERERS, render_barnbokslut
from reports.building import FONT, Para, Styles, drawable, fit_widths, fitted, hyphenator
from reports.data import ImpactRow
from tests.test_report_bytes import EXPECTED, barnbokslut_data, gettext_for, render, report_data
from tests.test_reports import flat, text_of


@pytest.fixture
def line_breaks(monkeypatch):
    """Every paragraph laid out: (words split without a hyphen, hyphenations, text)."""
    seen: list[tuple[int, int, str]] = []
    original = Paragraph.breakLines

    def recording(self, width):
        result = original(self, width)
        seen.append((self._splitLongWordCount, self._hyphenations, str(self.text)))
        return result

    monkeypatch.setattr(Paragraph, "breakLines", recording)
    return seen


@pytest.mark.parametrize("locale", ["sv", "en"])
def test_no_word_in_any_report_is_broken_without_a_hyphen(line_breaks, locale):
    for report in sorted({kind for kind, _locale in EXPECTED}):
        render(report, locale)
    assert len(line_breaks) > 500
    assert [text for split, _hyphens, text in line_breaks if split] == []
    if locale == "sv":  # the narrow Swedish columns do need hyphens, and get them
        assert sum(hyphens for _split, hyphens, _text in line_breaks) > 0


def test_swedish_words_break_where_swedish_hyphenation_allows():
    points = [head for head, _tail in hyphenator("sv")("funktionsnedsättning")]
    assert "funktions" in points and "funk" in points
    assert "funkt" not in points
    style = Styles(language="sv").cell_bold
    paragraph = Para("Tidsperspektiv, allvar, sannolikhet", style)
    paragraph.wrap(stringWidth("Tidsperspektiv", style.fontName, style.fontSize) - 1, 1000)
    lines = [" ".join(str(word) for word in line[1]) for line in paragraph.blPara.lines]
    assert lines[0].endswith("-") and paragraph._splitLongWordCount == 0


def test_a_column_too_narrow_for_its_longest_word_takes_room_from_the_others():
    styles = Styles(language="sv")
    rows = [
        [Para("Migreringsrapport", styles.cell_bold), Para("kort text", styles.cell)],
        [Para("Utgångsvärde", styles.cell), Para("en mening med korta ord", styles.cell)],
    ]
    widths = fit_widths(rows, [30.0, 200.0], "sv")
    assert sum(widths) == pytest.approx(230.0)
    # Wide enough for the widest piece of "Mi-gre-rings-rap-port" and "Ut-gångs-vär-de".
    assert widths[0] > 30.0 + 1
    for word in ("rings-", "gångs-"):
        font = styles.cell_bold.fontName if word == "rings-" else FONT
        assert widths[0] - 6 >= stringWidth(word, font, styles.cell.fontSize)
    # A table whose words all fit keeps its widths exactly.
    assert fit_widths(rows, [120.0, 110.0], "sv") == [120.0, 110.0]


def test_emoji_the_fonts_cannot_draw_are_named():
    assert drawable("Bra 👍 och 🧒🏽!") == "Bra [thumbs up sign] och [child]!"
    for text in ("Åsa, Örjan och Ärlig", "مرحبا بالأطفال", "Łódź – Čapek ▲ ▼ ● ✓", "rad\nrad"):
        assert drawable(text) == text
    data = replace(report_data("sv"), child_friendly_summary="Vi lyssnade 👂 och ändrade 🚌.")
    text = flat(text_of(RENDERERS["child-summary"](data, gettext_for("sv")))[1])
    assert "Vi lyssnade [ear] och ändrade [bus]." in text


def test_chart_labels_wrap_instead_of_being_cut():
    title = "Rätt till skydd mot alla former av fysiskt eller psykiskt våld och vanvård"
    data = report_data("sv")
    data = replace(
        data,
        impacts=(
            *data.impacts,
            ImpactRow(19, title, "Alla", "weakens", "Försvagar", "", "", "", ""),
        ),
    )
    text = flat(text_of(RENDERERS["analysis"](data, gettext_for("sv")))[1])
    # In the summary, the matrix and the chart: the chart's label has every word, wrapped.
    assert text.count("psykiskt våld och vanvård") == 3
    long = "28. Rätt till utbildning med ett mycket långt namn som kortas"
    barnbokslut = text_of(render_barnbokslut(barnbokslut_data("sv"), gettext_for("sv")))[1]
    assert flat(barnbokslut).count("namn som kortas") == 1 and "…" not in barnbokslut
    assert long.split()[-1] in barnbokslut


def test_the_running_header_keeps_the_title_clear_of_the_organisation():
    title = "Ny skolskjutsregel för Övre Ålsta – höjd gångavstånd <årskurs 1–3> & mer"
    short = fitted(title, 200)
    assert short.endswith(" …") and title.startswith(short.removesuffix(" …"))
    assert stringWidth(short, FONT, 8) <= 200
    assert fitted("Kort titel", 200) == "Kort titel"
    first_line = text_of(render("analysis", "sv"))[0].pages[2].extract_text().splitlines()[0]
    assert "…" in first_line and "mer Region" not in first_line


def test_times_are_in_the_installations_time_zone_never_utc():
    text = text_of(render("analysis", "sv"))[1]
    # The review completed at 13:45 UTC on 2 April 2024 is 15:45 in Stockholm (summer time).
    assert "15:45" in text and "13:45" not in text and "UTC" not in text


def test_a_swedish_passage_in_an_english_report_breaks_by_swedish_rules():
    styles = Styles(language="en")
    swedish = Para(
        "Det här är vad barnskyddsteamet och vårdnadshavarna sa, och dessutom vad som undviks "
        "när journalen flyttas.",
        styles.body,
    )
    english = Para("This is what the team and the guardians said about the records.", styles.body)
    assert swedish.style.hyphenationLang is hyphenator("sv")
    assert english.style is styles.body and styles.body.hyphenationLang is hyphenator("en")
    assert swedish.style.name == styles.body.name  # the same structure role
    # Headings keep their words whole in any language.
    heading = Para("Det här är vad barnen och vårdnadshavarna sa om journalen", styles.h2)
    assert heading.style is styles.h2


def test_times_are_long_dates_with_hours_and_minutes_in_both_languages():
    for locale, expected in (("sv", "2 april 2024 15:45"), ("en", "2 April 2024 15:45")):
        text = flat(text_of(render("analysis", locale))[1])
        assert expected in text


def test_a_symbol_and_its_label_stay_on_one_line_and_the_column_fits_them():
    styles = Styles(language="en")
    cell = Para('<font color="#1e6b34">▲</font>\u00a0Strengthens', styles.cell_bold)
    widths = fit_widths([[cell, Para("text", styles.cell)]], [40.0, 200.0], "en")
    whole = stringWidth("▲\u00a0Strengthens", styles.cell_bold.fontName, styles.cell.fontSize)
    assert widths[0] - 9 >= whole - 0.01
