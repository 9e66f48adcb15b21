"""The summary for the decision-maker: page 2 of the analysis report, one page, in both
languages, with the most serious impacts first; bka fills it from the analysis's answers."""

from __future__ import annotations

from dataclasses import replace

import pytest

from reports import RENDERERS
from reports.data import DecisionSummary, ImpactRow, TriggerRow
from reports.summary import brief
from tests.test_report_bytes import decided_data, gettext_for, report_data, sparse_data
from tests.test_reports import flat, full_analysis, text_of  # noqa: F401 - a fixture
from tests.test_reports import report_data as built_data

PARTS = {
    "sv": (
        "Sammanfattning för beslutsfattaren",
        "Frågan som ska avgöras",
        "De allvarligaste negativa konsekvenserna för barn",
        "De viktigaste positiva konsekvenserna för barn",
        "Det här sa barnen",
        "Det rekommenderade alternativet och varför",
        "Kompenserande åtgärder",
        "Plan för uppföljning",
    ),
    "en": (
        "Summary for the decision-maker",
        "The question to decide",
        "The most serious negative impacts for children",
        "The most important positive impacts for children",
        "What children said",
        "The recommended alternative and why",
        "Compensating measures",
        "Follow-up plan",
    ),
}


def pages(data, locale: str) -> list[str]:
    reader, _text = text_of(RENDERERS["analysis"](data, gettext_for(locale)))
    return [flat(page.extract_text()) for page in reader.pages]


@pytest.mark.parametrize("locale", ["sv", "en"])
def test_the_summary_is_page_two_and_the_contents_page_three(locale):
    texts = pages(report_data(locale), locale)
    summary = texts[1]
    for part in PARTS[locale]:
        assert part in summary, part
    contents = "Innehåll" if locale == "sv" else "Contents"
    assert contents in texts[2] and contents not in summary
    # The contents list the summary, on page 2, and every step after it.
    assert PARTS[locale][0] in texts[2]
    for part in ("Ska gångavståndet till skolan höjas", "Höj till 3 km med belysning"):
        assert part in summary
    assert "Barnets bästa – Elever i årskurs 1–3 (Hög, Trolig)" in summary
    assert "Workshop, 24" in summary and "Vi vill gå med kompisar." in summary
    assert "Belys gångvägen vid Ålstaskolan" in summary and "Andel elever som går" in summary


def test_after_the_decision_the_summary_says_what_was_decided():
    summary = pages(decided_data("sv"), "sv")[1]
    assert "Beslut: Antaget med ändringar – Regionstyrelsen, 28 maj 2024, § 142" in summary
    assert "Beslut:" not in pages(report_data("sv"), "sv")[1]


def test_the_most_serious_impacts_come_first_and_the_rest_are_counted():
    data = report_data("sv")
    weakening = tuple(
        ImpactRow(3, "Barnets bästa", f"Grupp {n}", "weakens", "Försvagar", "", "", "", "", n)
        for n in range(6)
    )
    summary = pages(replace(data, impacts=weakening), "sv")[1]
    assert "Grupp 5" in summary and "Grupp 4" in summary and "Grupp 3" in summary
    assert "Grupp 2" not in summary and "Grupp 0" not in summary
    assert summary.index("Grupp 5") < summary.index("Grupp 4") < summary.index("Grupp 3")
    assert "och 3 till i rapporten" in summary


def test_the_summary_stays_on_one_page_however_long_the_answers():
    data = report_data("en")
    long = "A very long answer with many words. " * 400
    data = replace(
        data,
        summary=DecisionSummary(long, long, long),
        impacts=tuple(replace(row, explanation=long) for row in data.impacts),
        consultations=tuple(replace(c, views=long) for c in data.consultations),
        measures=tuple(replace(m, description=long) for m in data.measures * 5),
    )
    texts = pages(data, "en")
    assert "Summary for the decision-maker" in texts[1] and "Follow-up plan" in texts[1]
    assert "Contents" in texts[2] and "Summary for the decision-maker" not in texts[2][:40]
    assert "and 7 more in the report" in texts[1]


def test_an_empty_analysis_says_nothing_was_recorded():
    summary = pages(sparse_data("en"), "en")[1]
    assert summary.count("Nothing recorded.") >= 6


def test_brief_cuts_at_a_sentence_or_a_word():
    assert brief("Kort.\n  Text.") == "Kort. Text."
    text = "Första meningen är här. " * 30
    cut = brief(text, 100)
    assert cut.endswith("här. …") and len(cut) <= 102
    assert brief("ord " * 100, 50).endswith("ord …")
    assert brief("Fler än 10\u00a0000 barn\n påverkas.") == "Fler än 10\u00a0000 barn påverkas."


def test_bka_fills_the_summary_from_the_answers(app, full_analysis):  # noqa: F811 - the fixture
    analysis_id, *_ = full_analysis
    data = built_data(app, analysis_id, "sv")
    assert data.summary.question.startswith("Regionstyrelsen föreslås besluta om driftstart")
    assert data.summary.recommendation == (
        "Driftstart med barnrättsliga villkor och kontrollpunkter."
    )
    assert data.summary.best_interests.startswith("Barnets bästa kräver")
    ranked = sorted(data.impacts, key=lambda row: -row.seriousness)
    assert ranked[0].seriousness >= ranked[-1].seriousness
    summary = pages(data, "sv")[1]
    assert "Regionstyrelsen föreslås besluta om driftstart" in summary


def test_the_triggers_read_as_sentences_one_after_the_other():
    triggers = (
        TriggerRow("Väntetiden ökar med mer än en vecka.", "över 7"),
        TriggerRow("Klagomål från vårdnadshavare", "minst 5"),
        TriggerRow("Ökar avvikelserna?", "över 2"),
    )
    summary = pages(replace(report_data("sv"), triggers=triggers), "sv")[1]
    assert (
        "Signaler för omprövning: Väntetiden ökar med mer än en vecka. Klagomål från "
        "vårdnadshavare. Ökar avvikelserna?" in summary
    )
    assert ".;" not in summary
