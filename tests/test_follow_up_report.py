"""The follow-up report and the child summary after the decision: every reading with its date and
value against baseline and target, the measures' status over time, observed against predicted
effects, the events, the re-assessment opened and the conclusions, in Swedish and English; an
empty follow-up says so; the feedback given to children appears in the child summary."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from bka.domain import follow_up, follow_up_report
from bka.domain.workflow import LINK_REASSESSMENT
from bka.extensions import db
from bka.models import (
    Analysis,
    Checkpoint,
    Impact,
    Indicator,
    Measure,
    Trigger,
    TriggerHit,
    User,
    VersionLink,
)
from reports import RENDERERS
from reports.data import IndicatorFollowUp, ReadingRow
from tests import factories
from tests.test_report_bytes import decided_data, followed_data, gettext_for, report_data
from tests.test_reports import flat, render, text_of

KINDS = follow_up.FOLLOW_UP_KINDS


@pytest.fixture
def decided(app, make_user):
    """A decided analysis with nothing recorded after the decision: (id, owner id)."""
    owner = make_user(name="Tove Ägare")
    reviewer = make_user(role="reviewer", name="Gustav Granskare")
    with app.test_request_context():
        analysis = factories.complete_analysis(db.session.get(User, owner.id))
        factories.drive_to(analysis, "decided", reviewer)
        db.session.commit()
        return SimpleNamespace(id=analysis.id, owner=owner.id)


def _first(model, analysis_id, **where):
    query = select(model).where(model.analysis_id == analysis_id).order_by(model.id)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return db.session.scalars(query).first()


@pytest.fixture
def followed(app, decided):
    """The decided analysis with a year of follow-up recorded through the domain."""
    with app.test_request_context():
        analysis = db.session.get(Analysis, decided.id)
        owner = db.session.get(User, decided.owner)

        def save(kind, values, record=None):
            return follow_up.save_record(analysis, KINDS[kind], values, owner, record)

        share = _first(Indicator, analysis.id)
        share.unit, share.baseline_value, share.target_value = "%", 60.0, 100.0
        for value, day, source in (
            (72.5, date(2024, 9, 30), "Migreringsrapporten"),
            (100.0, date(2024, 11, 8), "Kontrollrapport <slutlig>"),
        ):
            save(
                "readings",
                {"indicator_id": share.id, "value": value, "measured_on": day, "source": source},
            )
        measure = _first(Measure, analysis.id)
        save(
            "measure_updates",
            {
                "measure_id": measure.id,
                "status": "late",
                "updated_on": date(2024, 10, 20),
                "evidence": "Avstämningen drog ut på tiden.",
            },
        )
        save(
            "measure_updates",
            {"measure_id": measure.id, "status": "done", "updated_on": date(2024, 11, 4)},
        )
        impact = _first(Impact, analysis.id, article=16)
        save(
            "observed_effects",
            {
                "impact_id": impact.id,
                "observation": "worse",
                "observed_on": date(2024, 12, 2),
                "evidence": "Två klagomål från unga om vad föräldrar kunde se.",
            },
        )
        pause = save(
            "events",
            {
                "kind": "pause",
                "occurred_on": date(2024, 11, 15),
                "title": "Driftstarten pausas",
                "description": "Larm om patientsäkerheten.",
            },
        )
        save(
            "events",
            {"kind": "go_live", "occurred_on": date(2024, 11, 12), "title": "Driftstart"},
        )
        first, second, third = follow_up.checkpoints_of(analysis)
        save(
            "checkpoints",
            {
                "closed_on": date(2024, 9, 20),
                "fared": "worse",
                "conclusion": "Fler unga än väntat saknade egen åtkomst.",
                "changes": "Informationen till unga skrivs om.",
            },
            first,
        )
        save(
            "checkpoints",
            {
                "closed_on": date(2025, 6, 30),
                "fared": "as_predicted",
                "conclusion": "Barnen fick det som analysen förutsade.",
            },
            second,
        )
        second.final = True
        save(
            "child_feedback",
            {
                "given_on": date(2024, 12, 10),
                "channel": "Ungdomsrådet",
                "message": "Vi pausade det nya journalsystemet för att det inte var säkert.",
            },
        )
        trigger = Trigger(
            analysis_id=analysis.id,
            description="Driften pausas",
            condition="event",
            event_kind="pause",
        )
        db.session.add(trigger)
        db.session.flush()
        hit = TriggerHit(analysis_id=analysis.id, trigger_id=trigger.id, event_id=pause.id)
        version = factories.draft_analysis(owner, title="Införande av journalsystem, omprövning")
        version.version = analysis.version + 1
        db.session.add(hit)
        db.session.flush()
        db.session.add(
            VersionLink(
                previous_analysis_id=analysis.id,
                next_analysis_id=version.id,
                reason=LINK_REASSESSMENT,
                trigger_hit_id=hit.id,
            )
        )
        # A referral back is a linked version too, but not a re-assessment.
        referral = factories.draft_analysis(owner, title="Återremitterad version")
        db.session.add(VersionLink(previous_analysis_id=analysis.id, next_analysis_id=referral.id))
        db.session.commit()
        assert third.closed_on is None
        return SimpleNamespace(id=analysis.id, new_version=version.version)


def test_the_follow_up_report_shows_everything_recorded_in_swedish(app, followed):
    reader, text = text_of(render(app, followed.id, "follow-up", "sv"))
    words = flat(text)
    assert "Uppföljning av en barnkonsekvensanalys" in words
    # Every reading with its date and value, against baseline and target.
    assert "Utgångsvärde: 60 %" in words and "Målvärde: 100 %" in words
    assert "30 september 2024 72,5 Når inte målet Migreringsrapporten" in words
    assert "8 november 2024 100 Når målet Kontrollrapport <slutlig>" in words
    assert "Det senaste mätvärdet når målet." in words
    assert "Inget mätvärde ännu." in words  # the second indicator has no reading
    # The measure's status now and its history.
    assert "20 oktober 2024: Försenad – Avstämningen drog ut på tiden." in words
    assert "4 november 2024: Genomförd" in words
    # Observed against predicted, per impact row.
    assert "Försvagar 2 december 2024: ▼ Sämre än förutsett – Två klagomål" in words
    assert "Inget observerat ännu." in words
    # The events in the order they happened.
    assert (
        "12 november 2024 Driftstart Driftstart "
        "15 november 2024 Pausad Driftstarten pausas Larm om patientsäkerheten."
    ) in words
    # The re-assessment opened, with its version and the trigger that opened it.
    assert "Öppnade omprövningar" in words
    assert f" {followed.new_version} Utkast Driften pausas (Pausad: Driftstarten pausas)" in words
    assert "Återremitterad version" not in words
    # The checkpoints' conclusions and the final conclusion.
    assert "Fler unga än väntat saknade egen åtkomst." in words
    assert "Vad som ändras nu: Informationen till unga skrivs om." in words
    assert "Slutlig slutsats Avslutad 30 juni 2025" in words
    assert "Barnen fick det som analysen förutsade." in words
    assert "Inte avslutad än" in words  # the three-year checkpoint
    assert "Ingenting har registrerats i uppföljningen ännu." not in words
    outline = [item.title for item in reader.outline if hasattr(item, "title")]
    assert "Indikatorer: mätvärden mot utgångsvärde och målvärde" in outline


def test_the_follow_up_report_in_english(app, followed):
    _reader, text = text_of(render(app, followed.id, "follow-up", "en"))
    words = flat(text)
    assert "Follow-up of a child impact assessment" in words
    assert "Baseline: 60 %" in words and "Target: 100 %" in words
    assert "30 September 2024 72.5 Not on target" in words
    assert "8 November 2024 100 On target" in words
    assert "20 October 2024: Late – Avstämningen drog ut på tiden." in words
    assert "2 December 2024: ▼ Worse than predicted" in words
    assert "15 November 2024 Paused Driftstarten pausas" in words
    assert f"{followed.new_version} Draft Driften pausas (Paused: Driftstarten pausas)" in words
    assert "Final conclusion Closed on 30 June 2025" in words
    assert "What changes now: Informationen till unga skrivs om." in words


def test_the_follow_up_report_is_the_same_for_the_same_data(app, followed):
    assert render(app, followed.id, "follow-up") == render(app, followed.id, "follow-up")


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (
            "sv",
            (
                "Ingenting har registrerats i uppföljningen ännu.",
                "Inga händelser har registrerats.",
                "Ingen omprövning har öppnats.",
                "Inga effekter har observerats ännu.",
                "Inga mätvärden har registrerats ännu.",
            ),
        ),
        (
            "en",
            (
                "Nothing has been recorded in the follow-up yet.",
                "No events have been recorded.",
                "No re-assessment has been opened.",
                "No effects have been observed yet.",
                "No readings have been recorded yet.",
            ),
        ),
    ],
)
def test_an_empty_follow_up_says_so(app, decided, locale, expected):
    _reader, text = text_of(render(app, decided.id, "follow-up", locale))
    words = flat(text)
    for sentence in expected:
        assert sentence in words


def test_a_draft_has_no_checkpoints_and_says_so(app, make_user, make_analysis):
    owner = make_user()
    analysis_id = make_analysis(owner)
    _reader, text = text_of(render(app, analysis_id, "follow-up", "en"))
    words = flat(text)
    assert "No checkpoints have been recorded." in words
    assert "The plan has no indicators." in words and "The analysis has no measures." in words


def test_the_child_summary_tells_what_children_were_told_after_the_decision(app, followed):
    _reader, text = text_of(render(app, followed.id, "child-summary", "sv"))
    words = flat(text)
    assert "Det här har hänt sedan dess" in words
    assert "10 december 2024 – Ungdomsrådet" in words
    assert "Vi pausade det nya journalsystemet för att det inte var säkert." in words
    _reader, english = text_of(render(app, followed.id, "child-summary", "en"))
    assert "What has happened since 10 December 2024 – Ungdomsrådet" in flat(english)


def test_the_child_summary_without_feedback_has_no_such_heading(app, decided):
    _reader, text = text_of(render(app, decided.id, "child-summary", "sv"))
    assert "Det här har hänt sedan dess" not in text


def test_reassessments_are_the_linked_versions_opened_for_a_trigger(app, followed):
    with app.app_context():
        analysis = db.session.get(Analysis, followed.id)
        opened = follow_up_report.reassessments_of(analysis)
        assert [(link.reason, version.version) for link, version in opened] == [
            ("reassessment", followed.new_version)
        ]
        assert db.session.scalar(select(Checkpoint).where(Checkpoint.final.is_(True))).closed_on


# --- why "cannot be told" -----------------------------------------------------------------------

READING = ReadingRow(date(2025, 3, 1), 15.0, "Journalen", "", None)


def _status_text(indicator: IndicatorFollowUp, locale: str) -> str:
    data = followed_data(locale)
    data = replace(data, follow_up=replace(data.follow_up, indicators=(indicator,)))
    _reader, text = text_of(RENDERERS["follow-up"](data, gettext_for(locale)))
    return flat(text)


@pytest.mark.parametrize(
    ("baseline", "target", "sv", "en"),
    [
        (
            14.0,
            14.0,
            "målvärdet är samma tal som utgångsvärdet",
            "the target is the same number as the baseline",
        ),
        (
            None,
            None,
            "indikatorn saknar utgångsvärde och målvärde i siffror",
            "the indicator has no baseline and target as numbers",
        ),
    ],
)
@pytest.mark.parametrize("locale", ["sv", "en"])
def test_cannot_be_told_gives_the_true_reason(baseline, target, sv, en, locale):
    indicator = IndicatorFollowUp(
        "Väntetid i dagar", "dagar", "14", "14", baseline, target, (READING,)
    )
    text = _status_text(indicator, locale)
    assert {"sv": sv, "en": en}[locale] in text
    assert {"sv": en, "en": sv}[locale] not in text


@pytest.mark.parametrize(
    ("locale", "proposed", "decided"),
    [
        ("sv", "Det här föreslår vi", "Det här har vi bestämt"),
        ("en", "What we propose", "What was decided"),
    ],
)
def test_the_child_summary_says_decided_only_after_the_decision(locale, proposed, decided):
    render_summary = RENDERERS["child-summary"]
    before = flat(text_of(render_summary(report_data(locale), gettext_for(locale)))[1])
    after = flat(text_of(render_summary(decided_data(locale), gettext_for(locale)))[1])
    assert proposed in before and decided not in before
    assert decided in after and proposed not in after


@pytest.mark.parametrize(("locale", "axis_date"), [("sv", "1 sep. 2024"), ("en", "1 Sept 2024")])
def test_an_indicators_chart_is_on_the_page_of_its_heading_with_dates_as_in_words(
    locale, axis_date
):
    reader, _text = text_of(RENDERERS["follow-up"](followed_data(locale), gettext_for(locale)))
    pages = [flat(page.extract_text()) for page in reader.pages]
    [page] = [text for text in pages if "1. Andel elever som går" in text]
    assert axis_date in page  # the chart's first date label, next to its heading and table


@pytest.mark.parametrize(
    ("locale", "overdue", "open_"),
    [
        ("sv", "Försenad, inte avslutad", "Inte avslutad än"),
        ("en", "Overdue, not closed", "Not closed yet"),
    ],
)
def test_an_open_checkpoint_past_its_date_is_overdue(locale, overdue, open_):
    data = followed_data(locale)  # "Ettårsuppföljning", 28 May 2025, is open
    render_report = RENDERERS["follow-up"]
    before = flat(
        text_of(render_report(replace(data, printed_on=date(2025, 5, 28)), gettext_for(locale)))[1]
    )
    after = flat(
        text_of(render_report(replace(data, printed_on=date(2025, 5, 29)), gettext_for(locale)))[1]
    )
    assert open_ in before and overdue not in before
    assert overdue in after and open_ not in after
