"""The audit log records security and workflow events in a hash chain that detects tampering."""

import pytest
from sqlalchemy import text, update

from bka.extensions import db
from bka.models import AuditEvent


def events(app):
    """Each event's fields, its details without the request id (tests/test_operations.py)."""
    with app.app_context():
        return [
            (e.action, e.outcome, e.actor_label, e.object_id, without_request_id(e.details))
            for e in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id))
        ]


def without_request_id(details: dict) -> dict:
    return {key: value for key, value in details.items() if key != "request_id"}


def test_logins_logouts_and_denials_are_recorded(app, browser, make_user, make_analysis):
    owner, stranger = make_user(), make_user()
    analysis_id = make_analysis(owner)
    created = [e for e in events(app) if e[0] == "user_created"]
    assert [(e[2], e[4]["role"]) for e in created] == [("system", "member"), ("system", "member")]
    browser.post("/login", {"email": stranger.email, "password": "wrong"})
    browser.login(stranger)
    browser.get(f"/analyses/{analysis_id}")
    browser.logout()
    actions = [e for e in events(app) if e[0] != "user_created"]
    assert actions[0][:3] == ("login", "failure", stranger.email)
    assert actions[1][:3] == ("login", "success", stranger.email)
    assert actions[2][:2] == ("access_denied", "denied")
    assert actions[2][3] == analysis_id and actions[2][4]["status"] == 404
    assert actions[3][:2] == ("logout", "success")


def test_membership_changes_and_transitions_are_recorded(app, browser, make_user, make_analysis):
    owner, colleague = make_user(), make_user()
    analysis_id = make_analysis(owner)
    browser.login(owner)
    browser.post(f"/analyses/{analysis_id}/members", {"email": colleague.email, "role": "viewer"})
    recorded = [e for e in events(app) if e[0] == "member_added"]
    assert recorded == [
        (
            "member_added",
            "success",
            owner.email,
            analysis_id,
            {"user": colleague.email, "role": "viewer"},
        )
    ]


def run_verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def test_verify_passes_on_an_intact_chain(app, browser, make_user):
    user = make_user()
    for _ in range(3):
        browser.login(user)
        browser.logout()
    result = run_verify(app)
    assert result.exit_code == 0, result.output
    assert "7 audit events, chain intact" in result.output  # user created, 3 logins, 3 logouts


def test_verify_finds_an_altered_row(app, browser, make_user):
    user = make_user()
    for _ in range(3):
        browser.login(user)
        browser.logout()
    with app.app_context():
        third = db.session.scalars(db.select(AuditEvent.id).order_by(AuditEvent.id)).all()[2]
        db.session.execute(
            update(AuditEvent)
            .where(AuditEvent.id == third)
            .values(actor_label="someone-else@example.se")
        )
        db.session.commit()
    result = run_verify(app)
    assert result.exit_code == 1
    assert f"audit event {third}: content does not match its hash" in result.output


def test_verify_finds_a_deleted_row(app, browser, make_user):
    user = make_user()
    for _ in range(2):
        browser.login(user)
        browser.logout()
    with app.app_context():
        ids = db.session.scalars(db.select(AuditEvent.id).order_by(AuditEvent.id)).all()
        db.session.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": ids[1]})
        db.session.commit()
    result = run_verify(app)
    assert result.exit_code == 1
    assert f"audit event {ids[2]}: does not link to the previous event" in result.output


def _append_in_another_process(database_url: str, worker: int, count: int) -> None:
    """A separate process, as a gunicorn worker is: its own app, engine and connections."""
    from bka import create_app
    from bka.domain import audit

    application = create_app(
        {"BKA_CONFIG_NAME": "testing", "SQLALCHEMY_DATABASE_URI": database_url}
    )
    for number in range(count):
        with application.test_request_context(
            "/login", environ_base={"REMOTE_ADDR": f"10.0.0.{worker}"}
        ):
            audit.record("login", actor_label=f"w{worker}-{number}@example.se", outcome="failure")
            db.session.commit()


def test_concurrent_appends_from_several_processes_keep_one_chain(app, database_url):
    """100 failed logins from four processes at once used to fork the chain on SQLite."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_append_in_another_process, args=(database_url, worker, 25))
        for worker in range(4)
    ]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=120)
        assert process.exitcode == 0
    result = run_verify(app)
    assert result.exit_code == 0, result.output
    assert "100 audit events, chain intact" in result.output
    with app.app_context():
        addresses = set(db.session.scalars(db.select(AuditEvent.source_address)))
    assert addresses == {f"10.0.0.{worker}" for worker in range(4)}


def test_a_missing_head_started_by_another_process_at_the_same_moment_is_used(app):
    """Two processes finding no head row both start one; the loser must lock the winner's."""
    from sqlalchemy import event

    from bka.domain import audit
    from bka.models.audit import AuditHead

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            # SQLite's first UPDATE already takes the database's write lock: no one cuts in.
            pytest.skip("only a server database lets another process insert in between")
        db.session.execute(text("DELETE FROM audit_head"))
        db.session.commit()

        def the_other_process_wins(session, flush_context, instances):
            with db.engine.begin() as other:
                other.execute(
                    AuditHead.__table__.insert().values(
                        id=audit.HEAD_ID, count=0, last_id=0, last_hash=audit.GENESIS, mac=""
                    )
                )

        event.listen(db.session, "before_flush", the_other_process_wins, once=True)
        audit.record("login", actor_label="late@example.se", outcome="failure")
        db.session.commit()
        assert db.session.get(AuditHead, audit.HEAD_ID).count == 1
    result = run_verify(app)
    assert result.exit_code == 0, result.output
    assert "1 audit events, chain intact" in result.output


def test_verify_reports_every_broken_link(app, browser, make_user):
    user = make_user()
    for _ in range(4):
        browser.login(user)
        browser.logout()
    with app.app_context():
        ids = db.session.scalars(db.select(AuditEvent.id).order_by(AuditEvent.id)).all()
        for changed in (ids[2], ids[6]):
            db.session.execute(
                update(AuditEvent).where(AuditEvent.id == changed).values(outcome="failure")
            )
        db.session.commit()
    result = run_verify(app)
    assert result.exit_code == 1
    assert f"audit event {ids[2]}: content does not match" in result.output
    assert f"audit event {ids[6]}: content does not match" in result.output
    assert "2 problem(s)" in result.output


def test_deleting_the_newest_events_is_detected(app, browser, make_user):
    user = make_user()
    for _ in range(3):
        browser.login(user)
        browser.logout()
    with app.app_context():
        ids = db.session.scalars(db.select(AuditEvent.id).order_by(AuditEvent.id)).all()
        db.session.execute(text("DELETE FROM audit_event WHERE id >= :id"), {"id": ids[-2]})
        db.session.commit()
    result = run_verify(app)
    assert result.exit_code == 1
    assert "events were deleted or added outside bka" in result.output


def test_a_rewritten_chain_without_the_key_is_detected(app, browser, make_user):
    """Change an event and recompute every later hash, the head included, as someone with the
    database but not the audit key would: the keyed MACs and the head's signature give it away."""
    import hashlib

    from bka.domain import audit

    user = make_user()
    for _ in range(3):
        browser.login(user)
        browser.logout()
    with app.app_context():
        events = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id)).all()
        events[2].actor_label = "someone-else@example.se"
        previous = events[1].hash
        for event in events[2:]:
            event.prev_hash = previous
            event.scheme = audit.LEGACY  # plain SHA-256 needs no key
            event.hash = hashlib.sha256(audit._content(event)).hexdigest()
            previous = event.hash
        head = db.session.get(audit.AuditHead, audit.HEAD_ID)
        head.last_hash = previous
        head.mac = hashlib.sha256(previous.encode()).hexdigest()
        db.session.commit()
    result = run_verify(app)
    assert result.exit_code == 1
    assert "is unkeyed but follows keyed events" in result.output
    assert "the head's signature does not match" in result.output


def test_a_checkpoint_kept_outside_catches_a_rolled_back_head(app, browser, make_user):
    from bka.domain import audit

    user = make_user()
    browser.login(user)
    browser.logout()
    line = app.test_cli_runner().invoke(args=["audit", "checkpoint"]).output.strip()
    assert line.startswith("bka-audit-checkpoint-v1 count=")
    with app.app_context():
        old_head = db.session.get(audit.AuditHead, audit.HEAD_ID)
        saved = (old_head.count, old_head.last_id, old_head.last_hash, old_head.mac)
    ok = app.test_cli_runner().invoke(args=["audit", "verify", "--checkpoint", line])
    assert ok.exit_code == 0, ok.output
    # Someone copies this head, deletes events 2.. and restores the copy after more events.
    browser.login(user)
    browser.logout()
    with app.app_context():
        first = db.session.scalar(db.select(db.func.min(AuditEvent.id)))
        db.session.execute(text("DELETE FROM audit_event WHERE id > :id"), {"id": first})
        head = db.session.get(audit.AuditHead, audit.HEAD_ID)
        first_event = db.session.get(AuditEvent, first)
        head.count, head.last_id, head.last_hash = 1, first, first_event.hash
        head.mac = audit._head_mac(1, first, first_event.hash, app.extensions["bka_audit_key"])
        db.session.commit()
    assert saved[0] > 1
    result = app.test_cli_runner().invoke(args=["audit", "verify", "--checkpoint", line])
    assert result.exit_code == 1
    assert "no longer contains the checkpoint" in result.output


def test_login_events_record_the_source_address_and_user_agent(app, make_user):
    from tests.conftest import Browser

    user = make_user()
    client = app.test_client()
    client.environ_base.update(
        {"REMOTE_ADDR": "192.0.2.7", "HTTP_USER_AGENT": "Testwebbläsare/1.0"}
    )
    Browser(client).login(user)
    with app.app_context():
        event = db.session.scalar(db.select(AuditEvent).filter_by(action="login"))
    assert (event.source_address, event.user_agent) == ("192.0.2.7", "Testwebbläsare/1.0")


def test_repeated_refusals_are_counted_not_chained(app, make_user, make_browser, make_analysis):
    from bka.models import AuditDenial

    owner, prober = make_user(), make_user()
    analysis_id = make_analysis(owner)
    b = make_browser()
    b.login(prober)
    for offset in range(50):
        assert b.get(f"/analyses/{analysis_id + offset}").status_code == 404
    with app.app_context():
        denied = db.session.scalars(db.select(AuditEvent).filter_by(action="access_denied")).all()
        counter = db.session.scalar(db.select(AuditDenial))
    assert len(denied) == 1 and denied[0].actor_id == prober.id
    assert counter.count == 50 and counter.event_id == denied[0].id
    assert run_verify(app).exit_code == 0
