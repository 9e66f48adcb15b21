"""The audit log records security and workflow events in a hash chain that detects tampering."""

from sqlalchemy import text, update

from bka.extensions import db
from bka.models import AuditEvent


def events(app):
    with app.app_context():
        return [
            (e.action, e.outcome, e.actor_label, e.object_id, e.details)
            for e in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id))
        ]


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
    assert f"audit event {third} content does not match its hash" in result.output


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
    assert f"audit event {ids[2]} does not link to the previous row" in result.output
