"""Every save is logged field by field; snapshots are canonical; versions can be compared."""

from bka.domain import analyses as ops
from bka.domain import canonical, history
from bka.domain.entries import ENTRY_KINDS
from bka.domain.progress import load_state
from bka.extensions import db
from bka.models import Analysis, EditLog, StepAnswer


def edits(app, analysis_id):
    with app.app_context():
        return [
            (e.area, e.field, e.old_value, e.new_value)
            for e in db.session.scalars(
                db.select(EditLog).where(EditLog.analysis_id == analysis_id).order_by(EditLog.id)
            )
        ]


def test_step_saves_are_logged_field_by_field(app, browser, make_user, make_analysis):
    user = make_user()
    analysis_id = make_analysis(user)
    browser.login(user)
    url = f"/analyses/{analysis_id}/steps/decision"
    browser.post(url, {"proposal": "Första", "objectives": "Mål", "save_later": "1"})
    browser.post(url, {"proposal": "Andra", "objectives": "Mål", "save_later": "1"})
    assert edits(app, analysis_id) == [
        ("decision", "objectives", None, "Mål"),
        ("decision", "proposal", None, "Första"),
        ("decision", "proposal", "Första", "Andra"),
    ]


def test_entries_and_details_are_logged(app, browser, make_user, make_analysis):
    user = make_user()
    analysis_id = make_analysis(user)
    browser.login(user)
    browser.post(
        f"/analyses/{analysis_id}/entries/child_groups/new",
        {"label": "Tonåringar", "age_band": "13-15", "relation": "user"},
    )
    browser.post(
        f"/analyses/{analysis_id}/details", {"title": "Nytt namn", "organisation": "Region Exempel"}
    )
    logged = edits(app, analysis_id)
    assert ("child_groups", "label", None, "Tonåringar") in logged
    assert ("details", "title", "Införande av journalsystem", "Nytt namn") in logged


def test_snapshot_hash_is_canonical_and_reproducible(app, make_user, make_analysis):
    user = make_user()
    analysis_id = make_analysis(user)
    with app.test_request_context():
        analysis = db.session.get(Analysis, analysis_id)
        checklists = ops.checklists_for(analysis)
        first = history.snapshot(load_state(analysis, checklists))
        second = history.snapshot(load_state(analysis, checklists))
        assert canonical.canonical_json(first) == canonical.canonical_json(second)
        assert history.sha256_of(first) == history.sha256_of(dict(reversed(first.items())))
        assert b'"title":"Inf\xc3\xb6rande av journalsystem"' in canonical.canonical_json(first)
        owner = db.session.merge(user)
        ops.save_step(analysis, checklists, "decision", {"proposal": "X"}, owner)
        changed = history.snapshot(load_state(analysis, checklists))
        assert history.sha256_of(changed) != history.sha256_of(first)
        assert [(c.area, c.field, c.old, c.new) for c in history.diff(first, changed)] == [
            ("decision", "proposal", None, "X")
        ]


def test_diff_covers_entries_added_changed_and_removed(app, make_user, make_analysis):
    user = make_user()
    analysis_id = make_analysis(user)
    with app.test_request_context():
        analysis = db.session.get(Analysis, analysis_id)
        checklists = ops.checklists_for(analysis)
        owner = db.session.merge(user)
        before = history.snapshot(load_state(analysis, checklists))
        state = load_state(analysis, checklists)
        kind = ENTRY_KINDS["indicators"]
        entry = ops.save_entry(state, kind, {"name": "Väntetid", "target": "14 dagar"}, owner)
        added = history.snapshot(load_state(analysis, checklists))
        assert {(c.area, c.field, c.new) for c in history.diff(before, added)} >= {
            ("indicators", "name", "Väntetid"),
            ("indicators", "target", "14 dagar"),
        }
        ops.delete_entry(load_state(analysis, checklists), kind, entry, owner)
        removed = history.snapshot(load_state(analysis, checklists))
        assert {(c.field, c.old, c.new) for c in history.diff(added, removed)} >= {
            ("name", "Väntetid", None)
        }


def test_history_page_shows_the_log_and_restores_an_answer(app, browser, make_user, make_analysis):
    user = make_user(name="Tove Teamsson")
    analysis_id = make_analysis(user)
    browser.login(user)
    url = f"/analyses/{analysis_id}/steps/decision"
    browser.post(url, {"proposal": "Ursprunglig text", "save_later": "1"})
    browser.post(url, {"proposal": "Felaktig ändring", "save_later": "1"})
    page = browser.get(f"/analyses/{analysis_id}/history").get_data(as_text=True)
    assert "Ursprunglig text" in page and "Felaktig ändring" in page and "Tove Teamsson" in page
    with app.app_context():
        last = db.session.scalars(db.select(EditLog).order_by(EditLog.id.desc())).first()
        assert last.old_value == "Ursprunglig text"
        last_id = last.id
    browser.post(f"/analyses/{analysis_id}/history/edits/{last_id}/restore")
    with app.app_context():
        row = db.session.scalar(db.select(StepAnswer).where(StepAnswer.analysis_id == analysis_id))
        assert row.answers["proposal"] == "Ursprunglig text"
    assert edits(app, analysis_id)[-1] == (
        "decision",
        "proposal",
        "Felaktig ändring",
        "Ursprunglig text",
    )


def test_transitions_store_snapshots(app, browser, make_user, make_analysis):
    user = make_user()
    reviewer = make_user(role="reviewer")
    analysis_id = make_analysis(user)
    browser.login(user)
    browser.post(
        f"/analyses/{analysis_id}/steps/screening",
        {
            "children_affected": "not_affected",
            "affected_how": "Inga barn.",
            "magnitude": "minor",
            "child_numbers": "few",
            "vulnerable_affected": "no",
            "reversibility": "reversible",
            "screening_justification": "Rör bara personalens löner.",
            "save_later": "1",
        },
    )
    browser.post(f"/analyses/{analysis_id}/submit", {"reviewer": str(reviewer.id)})
    with app.app_context():
        revisions = history.revisions_of(db.session.get(Analysis, analysis_id))
        assert [(r.number, r.reason) for r in revisions] == [(1, "submit")]
        assert revisions[0].content["analysis"]["status"] == "in_review"
        assert revisions[0].sha256 == history.sha256_of(revisions[0].content)
    page = browser.get(f"/analyses/{analysis_id}/history?from=1&to=0").get_data(as_text=True)
    assert "Skickad för granskning" in page
    assert "Inga skillnader mellan de valda versionerna." in page  # nothing changed since
