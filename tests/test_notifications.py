"""Notifications in the app, and by e-mail through a real local SMTP server in each
recipient's language."""

from __future__ import annotations

import socket
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller

from bka.extensions import db
from bka.models import Analysis, Notification
from tests.factories import SIGN_STATEMENTS, TITLE


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_SENDER="bka@region.example"
    )
    yield inbox
    app.config.update(MAIL_SERVER=None, MAIL_PORT=25)
    controller.stop()


def send_mail(app) -> str:
    """What a scheduler does every minute: `bka mail send`."""
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    return result.output


def subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def test_review_assigned_returned_and_signed_off_are_notified_and_mailed(app, review_team, smtp):
    analysis_id, b, reviewer = review_team
    base = f"/analyses/{analysis_id}"
    with app.app_context():
        from bka.models import User

        db.session.get(User, reviewer.id).locale = "en"  # the reviewer reads English
        db.session.commit()

    b["owner"].post(f"{base}/submit", {"reviewer": str(reviewer.id)})
    assert smtp.messages == []  # never inside the request
    assert "sent 1," in send_mail(app)
    assert len(smtp.messages) == 1
    recipients, message = smtp.messages[0]
    assert recipients == [reviewer.email]
    assert subject(message) == f"Review requested: {TITLE}"
    assert message["Content-Language"] == "en"
    assert f"/analyses/{analysis_id}" in message.get_payload(decode=True).decode("utf-8")
    page = b["reviewer"].get("/notifications").get_data(as_text=True)
    assert "Tove Ägare asks you to review" in page  # the reviewer reads English
    assert 'class="count">1<' in b["reviewer"].get("/").get_data(as_text=True)

    b["reviewer"].post(f"{base}/review", {"send_back": "1", "reasons": "Komplettera steg 6."})
    send_mail(app)
    returned = [m for _, m in smtp.messages[1:]]
    assert len(returned) == 2  # owner and editor, not the reviewer
    assert all(subject(m).startswith("Skickad tillbaka för ändringar:") for m in returned)
    body = returned[0].get_payload(decode=True).decode("utf-8")
    assert "har skickat tillbaka barnkonsekvensanalysen" in body

    b["owner"].post(f"{base}/submit", {"reviewer": str(reviewer.id)})
    b["reviewer"].post(
        f"{base}/review", {"sign": "1", "title": "Granskare", "statements": SIGN_STATEMENTS}
    )
    send_mail(app)
    assert "sent 0," in send_mail(app)  # each notification is e-mailed once
    signed = [m for _, m in smtp.messages if subject(m).startswith("Godkänd:")]
    assert len(signed) == 2
    with app.app_context():
        assert (
            db.session.scalar(
                db.select(db.func.count(Notification.id)).where(Notification.emailed_at.is_(None))
            )
            == 0
        )


def test_mail_is_off_by_default_and_the_app_still_notifies(app, review_team):
    analysis_id, b, reviewer = review_team
    assert app.config["MAIL_SERVER"] is None
    b["owner"].post(f"/analyses/{analysis_id}/submit", {"reviewer": str(reviewer.id)})
    page = b["reviewer"].get("/notifications").get_data(as_text=True)
    assert "Tove Ägare ber dig granska" in page
    b["reviewer"].post("/notifications/read")
    assert 'class="count"' not in b["reviewer"].get("/").get_data(as_text=True)


def test_an_unreachable_mail_server_does_not_break_the_workflow(app, review_team):
    analysis_id, b, reviewer = review_team
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nobody listens
    try:
        response = b["owner"].post(
            f"/analyses/{analysis_id}/submit", {"reviewer": str(reviewer.id)}
        )
        assert "failed 1" in send_mail(app)
    finally:
        app.config.update(MAIL_SERVER=None, MAIL_PORT=25)
    assert response.status_code == 302
    with app.app_context():
        notification = db.session.scalar(db.select(Notification))
        assert notification.emailed_at is None  # kept in the app, not marked as e-mailed
        assert notification.mail_attempts == 1 and notification.mail_due_at is not None


def test_failed_mail_is_retried_with_backoff_until_it_goes_out(app, review_team, smtp):
    from datetime import timedelta

    from bka.domain import outbox
    from bka.models.base import utcnow
    from bka.web.mail import send_due

    analysis_id, b, reviewer = review_team
    b["owner"].post(f"/analyses/{analysis_id}/submit", {"reviewer": str(reviewer.id)})
    working_port = app.config["MAIL_PORT"]
    start = utcnow()
    with app.app_context():
        app.config["MAIL_PORT"] = free_port()  # the server is down for a while
        assert send_due(start).failed == 1
        assert send_due(start + timedelta(minutes=4)).failed == 0  # not due yet: backoff
        assert send_due(start + timedelta(minutes=6)).failed == 1  # second attempt
        notification = db.session.scalar(db.select(Notification))
        assert notification.mail_attempts == 2
        assert notification.mail_due_at >= start + timedelta(minutes=6) + outbox.FIRST_RETRY * 2
        app.config["MAIL_PORT"] = working_port
        assert send_due(start + timedelta(minutes=30)).sent == 1
        assert send_due(start + timedelta(minutes=60)).sent == 0
    assert len(smtp.messages) == 1
    with app.app_context():
        notification = db.session.scalar(db.select(Notification))
        assert notification.emailed_at is not None and notification.mail_due_at is None


def test_two_senders_at_once_send_each_message_once(app, review_team, smtp):
    from bka.domain import outbox
    from bka.models.base import utcnow

    analysis_id, b, reviewer = review_team
    b["owner"].post(f"/analyses/{analysis_id}/submit", {"reviewer": str(reviewer.id)})
    now = utcnow()
    with app.app_context():
        (notification_id,) = outbox.due(now)
        assert outbox.claim(notification_id, now) is True
        db.session.commit()
        assert outbox.claim(notification_id, now) is False  # the second sender skips it
        db.session.commit()
    assert "sent 0," in send_mail(app)  # leased to the first sender for now
    assert smtp.messages == []


def test_links_in_e_mail_come_from_the_base_url_not_the_host_header(app, review_team, smtp):
    analysis_id, b, reviewer = review_team
    with app.app_context():
        # A title with line breaks written before forms flattened them must not break the mail.
        db.session.get(Analysis, analysis_id).title = "Skolskjuts\r\nBcc: evil@example.com"
        db.session.commit()
    # The same session, sent to a Host of the attacker's choosing.
    token = b["owner"].token()
    client = b["owner"].client
    client.set_cookie("session", client.get_cookie("session").value, domain="evil.example")
    response = b["owner"].post(
        f"/analyses/{analysis_id}/submit",
        {"reviewer": str(reviewer.id), "csrf_token": token},
        headers={"Host": "evil.example"},
    )
    assert response.status_code == 302
    send_mail(app)
    assert len(smtp.messages) == 1
    recipients, message = smtp.messages[0]
    assert recipients == [reviewer.email]
    body = message.get_payload(decode=True).decode("utf-8")
    assert f"http://bka.test/analyses/{analysis_id}" in body
    assert "evil.example" not in body
    assert message["Bcc"] is None
    assert "\n" not in subject(message) and "Skolskjuts Bcc: evil@example.com" in subject(message)
