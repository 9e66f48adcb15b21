"""Administrators remove a child's personal identity number from an analysis and its history;
verification tells the redaction from tampering and the signed hash stays on record."""

from __future__ import annotations

import json

import pytest

from bka import demo
from bka.demo import ANALYSES
from bka.domain import audit, history, lifecycle
from bka.domain.redaction import MARKER, replace_in
from bka.extensions import db
from bka.models import (
    Analysis,
    ArchivedReport,
    AuditEvent,
    Comment,
    EditLog,
    Revision,
    RevisionRedaction,
    SignOff,
    StepAnswer,
    User,
)

NUMBER = "811218-9876"


@pytest.fixture
def signed(app, make_user, make_browser):
    """A signed-off analysis whose step 2, edit log, snapshots and a comment hold NUMBER."""
    owner = make_user(name="Tove Ägare")
    reviewer = make_user(role="reviewer", name="Gustav Granskare")
    admin = make_user(role="admin", name="Ada Admin")
    with app.test_request_context():
        users = {
            "team": db.session.get(User, owner.id),
            "reviewer": db.session.get(User, reviewer.id),
        }
        answers = {**ANALYSES[0]["answers"]}
        answers["decision"] = {
            **answers["decision"],
            "proposal": f"Flickan {NUMBER} behöver egen inloggning. "
            + answers["decision"]["proposal"],
        }
        spec = {**ANALYSES[0], "answers": answers, "final_status": "approved", "members": []}
        demo._load_analysis(app.extensions["bka_library"], spec, users)
        analysis_id = db.session.scalar(db.select(Analysis.id))
        lifecycle.add_comment(analysis_id, users["team"], "decision", f"Ta bort {NUMBER}!")
        db.session.get(Analysis, analysis_id).diarienummer = f"Dnr {NUMBER}"
        db.session.commit()
    browser = make_browser()
    browser.login(admin)
    return analysis_id, browser


def everything(app, analysis_id) -> str:
    """All stored text of the analysis, its history and comments, as one string."""
    with app.app_context():
        parts = [
            db.session.scalars(db.select(StepAnswer.answers)).all(),
            [(e.old_value, e.new_value) for e in db.session.scalars(db.select(EditLog))],
            db.session.scalars(db.select(Revision.content)).all(),
            db.session.scalars(db.select(Comment.body)).all(),
        ]
    return json.dumps(parts, ensure_ascii=False, default=str)


def test_replace_in_reaches_nested_json():
    value = {"a": [f"x {NUMBER}", {"b": NUMBER}], "c": 3, "d": None}
    expected = {"a": [f"x {MARKER}", {"b": MARKER}], "c": 3, "d": None}
    assert replace_in(value, NUMBER) == (expected, 2)


def test_an_administrator_redacts_a_number_everywhere(app, signed):
    analysis_id, browser = signed
    assert NUMBER in everything(app, analysis_id)
    with app.app_context():
        originals = {r.id: r.sha256 for r in db.session.scalars(db.select(Revision))}
        signed_hash = db.session.scalar(db.select(SignOff.sha256))
        archived = db.session.scalars(db.select(ArchivedReport)).all()
        archived_bytes = {a.id: (a.sha256, a.pdf) for a in archived}
        assert archived
    page = browser.get(f"/admin/redaction/?analysis={analysis_id}").get_data(as_text=True)
    assert "Ta bort personuppgifter" in page and f'value="{analysis_id}"' in page
    response = browser.post(
        "/admin/redaction/",
        {
            "analysis_id": str(analysis_id),
            "text": NUMBER,
            "reason": "Ett barns personnummer skrevs in i steg 2.",
            "confirm": "y",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    stored = everything(app, analysis_id)
    assert NUMBER not in stored and MARKER in stored
    with app.app_context():
        analysis = db.session.get(Analysis, analysis_id)
        assert analysis.diarienummer == f"Dnr {MARKER}"
        assert NUMBER not in analysis.search_text

    with app.app_context():
        event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "redaction"))
        details = event.details
        assert NUMBER not in json.dumps(details)
        assert details["reason"] == "Ett barns personnummer skrevs in i steg 2."
        assert "step:decision" in details["places"]
        assert any(place.startswith("comment:") for place in details["places"])
        assert any(place.startswith("edit_log:") for place in details["places"])
        # Every snapshot held the number; each keeps its original hash and is marked redacted.
        revisions = db.session.scalars(db.select(Revision)).all()
        assert {r["id"] for r in details["revisions"]} == {r.id for r in revisions}
        for revision in revisions:
            assert revision.sha256 == originals[revision.id]
            assert history.sha256_of(revision.content) != revision.sha256
            assert history.verify_revision(revision) == history.REDACTED
            record = db.session.scalar(
                db.select(RevisionRedaction).where(RevisionRedaction.revision_id == revision.id)
            )
            assert record.original_sha256 == originals[revision.id]
            assert record.redacted_sha256 == history.sha256_of(revision.content)
            assert record.audit_event_id == event.id
        # The sign-off still shows the hash that was signed.
        assert db.session.scalar(db.select(SignOff.sha256)) == signed_hash
        # Archived PDFs are listed, not altered.
        listed = {r["id"]: r["sha256"] for r in details["archived_reports_not_altered"]}
        assert listed == {key: value[0] for key, value in archived_bytes.items()}
        for report in db.session.scalars(db.select(ArchivedReport)):
            assert (report.sha256, report.pdf) == archived_bytes[report.id]
        assert audit.verify_chain().intact
        # Changing a redacted snapshot in any other way is still caught.
        revision = revisions[0]
        revision.content = {**revision.content, "answers": {}}
        db.session.flush()
        assert history.verify_revision(revision) == history.BROKEN
        db.session.rollback()

    page = browser.get(f"/analyses/{analysis_id}/history").get_data(as_text=True)
    assert "Rensad" in page and "Stämmer inte med sin SHA-256" not in page
    shown = browser.get(response.location).get_data(as_text=True)
    assert "Borttagning av personuppgifter" in shown
    assert "lagras precis som de signerades" in shown
    assert signed_hash in shown


def test_untouched_revisions_stay_intact(app, signed):
    _analysis_id, _browser = signed
    with app.app_context():
        for revision in db.session.scalars(db.select(Revision)):
            assert history.verify_revision(revision) == history.INTACT


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("81121", "Ange minst"),
        ("999999-9999", "Texten finns inte"),
    ],
)
def test_a_short_or_missing_text_is_refused(app, signed, text, message):
    analysis_id, browser = signed
    response = browser.post(
        "/admin/redaction/",
        {"analysis_id": str(analysis_id), "text": text, "reason": "Test", "confirm": "y"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page
    assert NUMBER in everything(app, analysis_id)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(RevisionRedaction.id))) == 0


def test_the_confirmation_and_the_analysis_are_required(app, signed):
    analysis_id, browser = signed
    data = {"analysis_id": str(analysis_id), "text": NUMBER, "reason": "Test"}
    assert browser.post("/admin/redaction/", data).status_code == 200
    missing = browser.post("/admin/redaction/", {**data, "analysis_id": "99999", "confirm": "y"})
    assert "Det finns ingen analys med det numret." in missing.get_data(as_text=True)
    assert NUMBER in everything(app, analysis_id)
