"""Re-assessment (omprövning): step 11's structured triggers, checked when a reading or event is
recorded; the team told in the app and by e-mail; the flag; a re-assessment opened as a new
linked version, or settled with a reason."""

from __future__ import annotations

import io
from datetime import date
from types import SimpleNamespace

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, update

from bka.domain import analyses as ops
from bka.domain import follow_up, history, reassessment, reporting
from bka.domain.entries import ENTRY_KINDS
from bka.domain.errors import FieldError
from bka.domain.progress import load_state
from bka.extensions import db
from bka.models import (
    Analysis,
    AuditEvent,
    EditLog,
    Indicator,
    Notification,
    Revision,
    StepAnswer,
    Trigger,
    TriggerHit,
    User,
    VersionLink,
)
from tests import factories
from tests.test_notifications import Inbox, free_port, send_mail, subject

CHANGE = "Avvikelser om läkemedel hos barn ökar med minst 20 procent"
RISE = "Väntetiden blir längre än 50 dagar"
PAUSE = "Driftstarten pausas"


def _indicator(analysis: Analysis, name: str) -> Indicator:
    return db.session.scalar(
        select(Indicator).where(Indicator.analysis_id == analysis.id, Indicator.name == name)
    )


def _with_numbers_and_triggers(analysis: Analysis) -> None:
    """Give the first indicator numbers and add a trigger of each kind, then complete step 11
    again (a changed entry re-opens its step)."""
    owner = next(m.user for m in analysis.memberships if m.role == "owner")
    state = load_state(analysis, ops.checklists_for(analysis))
    first, second = state.entries["indicators"]
    values = {**history.entry_values("indicators", first), "measure_on": first.measure_on}
    ops.save_entry(
        state,
        ENTRY_KINDS["indicators"],
        {**values, "unit": "%", "baseline_value": 40.0, "target_value": 20.0},
        owner,
        first,
    )
    for values in (
        {"description": CHANGE, "condition": "changes_by", "indicator_id": first.id},
        {"description": RISE, "condition": "above", "indicator_id": second.id},
        {"description": PAUSE, "condition": "event", "event_kind": "pause"},
    ):
        threshold = {"changes_by": 20.0, "above": 50.0}.get(values["condition"])
        factories.entry(analysis, "triggers", {**values, "threshold": threshold}, owner)
    answers = factories.ANSWERS["follow_up"]
    factories.answer(
        analysis,
        "follow_up",
        {**answers, **factories.prompt_answers(analysis, "follow_up")},
        owner,
        complete=True,
    )


@pytest.fixture
def decided(app, make_user, add_member):
    """A decided analysis with triggers, and its owner, editors, viewer and reviewer (ids)."""
    owner = make_user(name="Tove Ägare")
    reviewer = make_user(role="reviewer", name="Gustav Granskare")
    editor = make_user(name="Eda Redaktör", locale="en")
    second_editor = make_user(name="Erik Redigerare")
    viewer = make_user(name="Vera Läsare")
    with app.test_request_context():
        analysis = factories.complete_analysis(db.session.get(User, owner.id))
        _with_numbers_and_triggers(analysis)
        factories.drive_to(analysis, "decided", reviewer)
        db.session.commit()
        analysis_id = analysis.id
    add_member(analysis_id, editor, "editor")
    add_member(analysis_id, second_editor, "editor")
    add_member(analysis_id, viewer, "viewer")
    return SimpleNamespace(
        id=analysis_id,
        owner=owner,
        reviewer=reviewer,
        editor=editor,
        second_editor=second_editor,
        viewer=viewer,
    )


def record(analysis_id: int, user, kind: str, values: dict, existing=None):
    """Record a reading or an event through the follow-up core, as the follow-up pages do."""
    analysis = db.session.get(Analysis, analysis_id)
    saved = follow_up.save_record(
        analysis,
        follow_up.FOLLOW_UP_KINDS[kind],
        values,
        db.session.get(User, user.id),
        existing,
    )
    db.session.commit()
    return saved


def reading(analysis_id: int, user, value: float, existing=None):
    analysis = db.session.get(Analysis, analysis_id)
    indicator = _indicator(analysis, factories.INDICATORS[0]["name"])
    values = {"indicator_id": indicator.id, "value": value, "measured_on": date(2025, 2, 1)}
    return record(analysis_id, user, "readings", values, existing)


def hits_of(analysis_id: int) -> list[TriggerHit]:
    return list(
        db.session.scalars(
            select(TriggerHit).where(TriggerHit.analysis_id == analysis_id).order_by(TriggerHit.id)
        )
    )


# --- when a trigger is met ------------------------------------------------------------------------


def _trigger(condition, threshold, baseline=None, indicator_id=1):
    indicator = SimpleNamespace(baseline_value=baseline)
    return SimpleNamespace(
        condition=condition, threshold=threshold, indicator_id=indicator_id, indicator=indicator
    )


@pytest.mark.parametrize(
    ("condition", "threshold", "baseline", "value", "met"),
    [
        ("above", 50.0, None, 50.0, False),
        ("above", 50.0, None, 50.1, True),
        ("below", 10.0, None, 10.0, False),
        ("below", 10.0, None, 9.9, True),
        ("changes_by", 20.0, 40.0, 47.9, False),
        ("changes_by", 20.0, 40.0, 48.0, True),  # exactly 20 per cent up
        ("changes_by", 20.0, 40.0, 32.1, False),
        ("changes_by", 20.0, 40.0, 32.0, True),  # exactly 20 per cent down
        ("changes_by", 29.0, 100.0, 129.0, True),  # exactly 29 per cent
        ("changes_by", 10.0, 1.1, 1.21, True),  # 1.21 − 1.1 is 0.10999… in floating point
        ("changes_by", 20.0, -40.0, -48.0, True),  # a negative baseline counts by its size
        ("changes_by", 20.0, None, 1000.0, False),  # no baseline: nothing to count from
    ],
)
def test_a_reading_meets_a_condition_only_past_its_boundary(
    condition, threshold, baseline, value, met
):
    trigger = _trigger(condition, threshold, baseline)
    assert reassessment.is_met(trigger, SimpleNamespace(indicator_id=1, value=value)) is met


def test_a_reading_of_another_indicator_never_meets_the_trigger():
    trigger = _trigger("above", 50.0)
    assert not reassessment.is_met(trigger, SimpleNamespace(indicator_id=2, value=99.0))


def test_a_reading_that_meets_a_trigger_is_a_hit_audited_and_told_to_owner_and_editors(
    app, decided
):
    with app.test_request_context():
        saved = reading(decided.id, decided.editor, 48.0)  # 20 per cent above the baseline 40
        hits = hits_of(decided.id)
        assert [(hit.trigger.description, hit.reading_id) for hit in hits] == [(CHANGE, saved.id)]
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == "trigger_met").limit(1)
        )
        assert event.object_id == decided.id and event.details["reading"] == saved.id
        notified = db.session.scalars(
            select(Notification).where(Notification.kind == "trigger_met")
        ).all()
    # Every owner and editor, the one who recorded the reading too; never the viewer.
    assert sorted(n.user_id for n in notified) == sorted(
        [decided.owner.id, decided.editor.id, decided.second_editor.id]
    )
    assert all(n.mail_due_at is not None for n in notified)  # in the outbox
    assert notified[0].details == {
        "trigger": CHANGE,
        "indicator": factories.INDICATORS[0]["name"],
        "value": 48.0,
        "unit": "%",
        "measured_on": "2025-02-01",
    }


def test_a_reading_within_the_limits_meets_nothing(app, decided):
    with app.test_request_context():
        reading(decided.id, decided.owner, 47.9)
        assert hits_of(decided.id) == []
        assert (
            db.session.scalar(
                select(func.count(Notification.id)).where(Notification.kind == "trigger_met")
            )
            == 0
        )


def test_a_reading_is_a_hit_once_and_a_changed_reading_is_checked_again(app, decided):
    with app.test_request_context():
        saved = reading(decided.id, decided.owner, 60.0)
        saved = reading(decided.id, decided.owner, 61.0, saved)  # still met: no second hit
        assert len(hits_of(decided.id)) == 1
        reading(decided.id, decided.owner, 41.0, saved)  # a typo corrected: no longer met
        assert hits_of(decided.id) == []
        reading(decided.id, decided.owner, 30.0, saved)
        assert len(hits_of(decided.id)) == 1
        assert (
            db.session.scalar(
                select(func.count(Notification.id)).where(Notification.kind == "trigger_met")
            )
            == 2 * 3
        )


def test_an_event_of_the_trigger_s_kind_is_a_hit_and_other_kinds_are_not(app, decided):
    with app.test_request_context():
        record(
            decided.id,
            decided.owner,
            "events",
            {"kind": "go_live", "occurred_on": date(2024, 11, 12), "title": "Driftstart"},
        )
        assert hits_of(decided.id) == []
        paused = record(
            decided.id,
            decided.owner,
            "events",
            {"kind": "pause", "occurred_on": date(2024, 11, 15), "title": "Paus efter larm"},
        )
        hits = hits_of(decided.id)
        assert [(hit.trigger.description, hit.event_id) for hit in hits] == [(PAUSE, paused.id)]
        details = db.session.scalars(
            select(Notification.details).where(Notification.kind == "trigger_met")
        ).first()
    assert details == {"trigger": PAUSE, "event": "Paus efter larm", "occurred_on": "2024-11-15"}


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    from aiosmtpd.controller import Controller

    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_SENDER="bka@region.example"
    )
    yield inbox
    app.config.update(MAIL_SERVER=None, MAIL_PORT=25)
    controller.stop()


def test_the_team_reads_of_the_met_trigger_in_the_app_and_by_e_mail_in_its_language(
    app, decided, make_browser, smtp
):
    with app.test_request_context():
        # The review's own notifications are out of the way.
        db.session.execute(update(Notification).values(mail_due_at=None))
        reading(decided.id, decided.owner, 48.0)
    send_mail(app)
    by_recipient = {recipients[0]: message for recipients, message in smtp.messages}
    assert set(by_recipient) == {
        decided.owner.email,
        decided.editor.email,
        decided.second_editor.email,
    }
    english = by_recipient[decided.editor.email]
    assert subject(english) == f"Trigger for re-assessment met: {factories.TITLE}"
    body = english.get_payload(decode=True).decode("utf-8")
    assert CHANGE in body and "48 %" in body and "1 February 2025" in body
    swedish = by_recipient[decided.owner.email].get_payload(decode=True).decode("utf-8")
    assert "En signal för omprövning" in swedish and "48 %" in swedish
    browser = make_browser()
    browser.login(decided.editor)
    page = browser.get("/notifications").get_data(as_text=True)
    assert "A trigger for re-assessment was met" in page and CHANGE in page


# --- the flag and what the team does with it ------------------------------------------------------


def _hit_id(app, decided) -> int:
    with app.test_request_context():
        reading(decided.id, decided.owner, 48.0)
        return hits_of(decided.id)[0].id


def test_the_analysis_is_flagged_with_its_open_hits(app, decided, make_browser):
    hit_id = _hit_id(app, decided)
    owner, viewer = make_browser(), make_browser()
    owner.login(decided.owner)
    viewer.login(decided.viewer)
    page = owner.get(f"/analyses/{decided.id}").get_data(as_text=True)
    assert 'id="reassessment-flag"' in page and CHANGE in page
    assert f"/reassessment/hits/{hit_id}/open" in page
    assert f"/reassessment/hits/{hit_id}/dismiss" in page
    seen = viewer.get(f"/analyses/{decided.id}").get_data(as_text=True)
    assert 'id="reassessment-flag"' in seen and CHANGE in seen  # members see the flag
    assert "/reassessment/hits/" not in seen  # but only the team acts on it


def test_opening_a_reassessment_creates_a_linked_draft_with_the_same_answers_and_entries(
    app, decided, make_browser
):
    hit_id = _hit_id(app, decided)
    editor = make_browser()
    editor.login(decided.editor)
    response = editor.post(f"/analyses/{decided.id}/reassessment/hits/{hit_id}/open")
    assert response.status_code == 302
    with app.app_context():
        link = db.session.scalar(
            select(VersionLink).where(VersionLink.previous_analysis_id == decided.id)
        )
        assert link.reason == "reassessment" and link.trigger_hit_id == hit_id
        assert link.decision_id is None
        new, old = (
            db.session.get(Analysis, link.next_analysis_id),
            db.session.get(Analysis, decided.id),
        )
        assert response.location.endswith(f"/analyses/{new.id}")
        assert (new.status, new.version) == ("draft", old.version + 1)
        assert old.status == "decided"  # the original stays in follow-up
        revision = db.session.scalar(select(Revision).where(Revision.analysis_id == new.id))
        assert revision.reason == "opened_for_reassessment"

        def answers(analysis_id):
            return {
                row.step_key: row.answers
                for row in db.session.scalars(
                    select(StepAnswer).where(StepAnswer.analysis_id == analysis_id)
                )
            }

        assert answers(new.id) == answers(old.id)
        for kind in ENTRY_KINDS.values():
            count = select(func.count(kind.model.id)).where(kind.model.analysis_id == new.id)
            before = select(func.count(kind.model.id)).where(kind.model.analysis_id == old.id)
            assert db.session.scalar(count) == db.session.scalar(before), kind.name
        assert reassessment.open_hits(old) == []  # the re-assessment takes the hit up
    new_page = editor.get(f"/analyses/{new.id}").get_data(as_text=True)
    assert "Re-assessment opened because:" in new_page and CHANGE in new_page
    old_page = editor.get(f"/analyses/{decided.id}").get_data(as_text=True)
    assert "A re-assessment is under way" in old_page and CHANGE in old_page
    assert 'id="reassessment-flag"' not in old_page


def test_a_new_version_copies_the_triggers_onto_its_own_indicators(app, decided):
    hit_id = _hit_id(app, decided)
    with app.test_request_context():
        old = db.session.get(Analysis, decided.id)
        new = reassessment.open_reassessment(
            old,
            ops.checklists_for(old),
            db.session.get(TriggerHit, hit_id),
            db.session.get(User, decided.owner.id),
        )
        db.session.commit()

        def triggers(analysis_id):
            return [
                (t.description, t.condition, t.threshold, t.event_kind, t.indicator)
                for t in db.session.scalars(
                    select(Trigger).where(Trigger.analysis_id == analysis_id).order_by(Trigger.id)
                )
            ]

        copied, original = triggers(new.id), triggers(old.id)
        assert [row[:4] for row in copied] == [row[:4] for row in original]
        for (*_, copy_indicator), (*_, indicator) in zip(copied, original, strict=True):
            if indicator is None:
                assert copy_indicator is None
            else:
                assert copy_indicator.analysis_id == new.id
                assert copy_indicator.name == indicator.name
                assert copy_indicator.baseline_value == indicator.baseline_value


def test_no_reassessment_needed_takes_a_reason(app, decided, make_browser):
    hit_id = _hit_id(app, decided)
    owner = make_browser()
    owner.login(decided.owner)
    url = f"/analyses/{decided.id}/reassessment/hits/{hit_id}/dismiss"
    refused = owner.post(url, {"reason": "  "})
    assert refused.status_code == 200
    assert "Skriv varför ingen omprövning behövs." in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(TriggerHit, hit_id).dismissed_at is None
    reason = "Engångsvärde: räknesättet ändrades i februari."
    assert owner.post(url, {"reason": reason}).status_code == 302
    with app.app_context():
        hit = db.session.get(TriggerHit, hit_id)
        assert (hit.dismissal_reason, hit.dismissed_by_id) == (reason, decided.owner.id)
        assert reassessment.open_hits(db.session.get(Analysis, decided.id)) == []
        assert db.session.scalar(
            select(AuditEvent.id).where(AuditEvent.action == "trigger_hit_dismissed")
        )
    page = owner.get(f"/analyses/{decided.id}").get_data(as_text=True)
    assert 'id="reassessment-flag"' not in page


def test_a_personal_identity_number_in_the_reason_needs_the_confirmation(
    app, decided, make_browser
):
    hit_id = _hit_id(app, decided)
    owner = make_browser()
    owner.login(decided.owner)
    url = f"/analyses/{decided.id}/reassessment/hits/{hit_id}/dismiss"
    reason = "Avvikelsen gällde patient 19811218-9876, inte ett mönster."
    refused = owner.post(url, {"reason": reason})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "personnummer" in html
    assert reason in html  # what was typed is kept
    with app.app_context():
        assert db.session.get(TriggerHit, hit_id).dismissed_at is None
    confirmed = {
        "reason": reason,
        "not_a_child_number": "y",
        "not_a_child_reason": "Ett ärendenummer",
    }
    assert owner.post(url, confirmed).status_code == 302
    with app.app_context():
        assert db.session.get(TriggerHit, hit_id).dismissed_at is not None
        assert db.session.scalar(
            select(AuditEvent.id).where(AuditEvent.action == "personnummer_confirmed")
        )


@pytest.mark.parametrize(
    ("role", "expected"), [("viewer", 403), ("admin", 403), ("other", 404), ("anonymous", 302)]
)
@pytest.mark.parametrize("action", ["open", "dismiss"])
def test_only_owners_and_editors_act_on_a_met_trigger(
    app, decided, make_browser, make_user, role, expected, action
):
    hit_id = _hit_id(app, decided)
    browser = make_browser()
    if role != "anonymous":
        user = {"viewer": decided.viewer}.get(role) or make_user(
            role="admin" if role == "admin" else "member"
        )
        browser.login(user)
    url = f"/analyses/{decided.id}/reassessment/hits/{hit_id}/{action}"
    response = browser.post(url, {"reason": "Inget behov."})
    assert response.status_code == expected
    if role == "anonymous":
        assert "/login" in response.location
    with app.app_context():
        assert len(reassessment.open_hits(db.session.get(Analysis, decided.id))) == 1


# --- the trigger as a step-11 entry ---------------------------------------------------------------


@pytest.fixture
def draft(app, make_user):
    owner = make_user(name="Tove Ägare")
    with app.test_request_context():
        analysis = factories.complete_analysis(db.session.get(User, owner.id))
        db.session.commit()
        return SimpleNamespace(id=analysis.id, owner=owner)


def _check(app, draft, **values):
    with app.test_request_context():
        analysis = db.session.get(Analysis, draft.id)
        indicator = _indicator(analysis, factories.INDICATORS[0]["name"])
        with pytest.raises(FieldError) as refused:
            reassessment.check_trigger(
                analysis,
                {"description": "Signal", "indicator_id": indicator.id, **values},
            )
    return refused.value.field


def test_a_trigger_needs_what_its_condition_needs(app, draft):
    assert _check(app, draft, condition=None) == "condition"
    assert _check(app, draft, condition="above", indicator_id=None, threshold=5.0) == (
        "indicator_id"
    )
    assert _check(app, draft, condition="below", threshold=None) == "threshold"
    # The first indicator has no baseline value yet: no change in per cent can be counted.
    assert _check(app, draft, condition="changes_by", threshold=20.0) == "indicator_id"
    assert _check(app, draft, condition="event", event_kind=None) == "event_kind"


def test_the_trigger_form_explains_and_keeps_what_was_typed(app, draft, make_browser):
    browser = make_browser()
    browser.login(draft.owner)
    with app.app_context():
        indicator = _indicator(db.session.get(Analysis, draft.id), factories.INDICATORS[0]["name"])
    url = f"/analyses/{draft.id}/entries/triggers/new"
    form = browser.get(url).get_data(as_text=True)
    assert "En förändring i procent kräver indikatorns startvärde som tal" in form
    data = {
        "description": CHANGE,
        "condition": "changes_by",
        "indicator_id": str(indicator.id),
        "threshold": "20,5",
    }
    page = browser.post(url, data).get_data(as_text=True)
    assert "har inget startvärde som tal (annat än 0)" in page and 'value="20,5"' in page

    indicator_url = f"/analyses/{draft.id}/entries/indicators/{indicator.id}"
    numbers = {
        **factories.INDICATORS[0],
        "measure_on": "2024-11-08",
        "unit": "%",
        "baseline_value": "12,5,3",
        "reading_every_months": "3",
    }
    refused = browser.post(indicator_url, numbers).get_data(as_text=True)
    assert "som ett tal, till exempel 12,5" in refused
    assert browser.post(indicator_url, {**numbers, "baseline_value": "12,5"}).status_code == 302
    assert browser.post(url, data).status_code == 302
    with app.app_context():
        saved = db.session.get(Indicator, indicator.id)
        assert (saved.baseline_value, saved.unit, saved.reading_every_months) == (12.5, "%", 3)
        trigger = db.session.scalar(select(Trigger).where(Trigger.analysis_id == draft.id))
        assert (trigger.condition, trigger.threshold, trigger.event_kind) == (
            "changes_by",
            20.5,
            None,
        )
    step = browser.get(f"/analyses/{draft.id}/steps/follow_up").get_data(as_text=True)
    assert CHANGE in step and "12,5 %" in step
    assert "kontrolleras varje mätvärde och händelse" in step


def test_removing_an_indicator_removes_its_triggers_in_the_edit_log(app, draft, make_browser):
    browser = make_browser()
    browser.login(draft.owner)
    with app.test_request_context():
        analysis = db.session.get(Analysis, draft.id)
        indicator = _indicator(analysis, factories.INDICATORS[1]["name"])
        trigger = factories.entry(
            analysis,
            "triggers",
            {
                "description": RISE,
                "condition": "above",
                "indicator_id": indicator.id,
                "threshold": 5,
            },
        )
        db.session.commit()
        trigger_id, indicator_id = trigger.id, indicator.id
    url = f"/analyses/{draft.id}/entries/indicators/{indicator_id}/delete"
    assert "Signaler för omprövning som gäller" in browser.get(url).get_data(as_text=True)
    assert browser.post(url).status_code == 302
    with app.app_context():
        assert db.session.get(Trigger, trigger_id) is None
        assert db.session.scalar(
            select(func.count()).where(EditLog.area == "triggers", EditLog.entry_id == trigger_id)
        )


def test_a_snapshot_stored_before_triggers_and_numbers_still_verifies_and_compares(app, draft):
    with app.test_request_context():
        analysis = db.session.get(Analysis, draft.id)
        owner = db.session.get(User, draft.owner.id)
        revision = history.write_revision(analysis, ops.checklists_for(analysis), owner, "test")
        # As the code before triggers and indicator numbers stored it.
        content = {**revision.content, "entries": dict(revision.content["entries"])}
        del content["entries"]["triggers"]
        new_fields = ("unit", "baseline_value", "target_value", "reading_every_months")
        content["entries"]["indicators"] = [
            {key: value for key, value in entry.items() if key not in new_fields}
            for entry in content["entries"]["indicators"]
        ]
        revision.content, revision.sha256 = content, history.sha256_of(content)
        db.session.commit()
        assert history.verify_revision(revision) == history.INTACT
        now = history.snapshot(load_state(analysis, ops.checklists_for(analysis)))
        assert history.diff(content, now) == []


def test_the_analysis_report_lists_the_triggers_and_the_indicators_numbers(app, decided):
    with app.test_request_context():
        analysis = db.session.get(Analysis, decided.id)
        pdf = reporting.render(
            "analysis", analysis, ops.checklists_for(analysis), "en", date(2025, 1, 1)
        )
    text = "".join(
        "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split()
    )
    for expected in (
        "Triggers for re-assessment",
        CHANGE,
        "A reading that differs from the baseline by at least this many per cent",
        "20 %",
        "An event of this kind: Paused",
        "Ingen samlad kontroll i dag (40 %)",
    ):
        assert "".join(expected.split()) in text, expected
