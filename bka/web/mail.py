"""E-mail for notifications, in each recipient's language, through a configurable SMTP server.

Off unless MAIL_SERVER is set. Requests never send mail: they write notifications, which are the
outbox (bka/domain/outbox.py), and `bka mail send`, run by a scheduler every minute or so, sends
what is due and retries failures with backoff. Links are built from BASE_URL.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

from flask import current_app, render_template, url_for
from flask_babel import force_locale

from bka.domain import outbox
from bka.extensions import db
from bka.models import Notification
from bka.models.base import utcnow


@dataclass
class Delivery:
    sent: int = 0
    failed: int = 0
    dropped: int = 0


def send_due(now: datetime | None = None) -> Delivery:
    """Send every due notification e-mail; each is committed on its own, so a crash midway
    neither loses nor repeats what was already sent."""
    config = current_app.config
    now = now or utcnow()
    result = Delivery()
    if not config.get("MAIL_SERVER"):
        return result
    ids = outbox.due(now)
    if not ids:
        return result
    try:
        smtp = _connect(config)
    except (OSError, smtplib.SMTPException) as error:
        # The server is unreachable: every due message waits for its next attempt.
        for notification_id in ids:
            if outbox.claim(notification_id, now):
                outbox.failed(db.session.get(Notification, notification_id), now, str(error))
                result.failed += 1
        db.session.commit()
        current_app.logger.warning("Notification e-mail: server unreachable: %s", error)
        return result
    with smtp:
        for notification_id in ids:
            if not outbox.claim(notification_id, now):
                continue
            db.session.commit()  # the claim holds even if this process dies while sending
            notification = db.session.get(Notification, notification_id)
            if outbox.expired(notification, now):
                outbox.dropped(notification, "too old to send")
                result.dropped += 1
            elif not notification.user.active:
                outbox.dropped(notification, "recipient disabled")
                result.dropped += 1
            else:
                try:
                    smtp.send_message(_message(notification))
                except (OSError, smtplib.SMTPException) as error:
                    outbox.failed(notification, now, str(error))
                    result.failed += 1
                    # The error's text may name the recipient: the log gets its kind only.
                    current_app.logger.warning(
                        "Notification e-mail %s failed: %s",
                        notification_id,
                        type(error).__name__,
                    )
                else:
                    outbox.sent(notification, now)
                    result.sent += 1
            db.session.commit()
    return result


def _connect(config) -> smtplib.SMTP:
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10)
    try:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    except (OSError, smtplib.SMTPException):
        smtp.close()
        raise
    return smtp


def external_url(endpoint: str, **values) -> str:
    """An absolute link from BASE_URL: never from the Host header a request happened to carry."""
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        return url_for(endpoint, _external=True, **values)


def _message(notification: Notification) -> EmailMessage:
    user = notification.user
    locale = user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    link = external_url("analyses.hub", analysis_id=notification.analysis_id)
    with force_locale(locale):
        subject = render_template("mail/subject.txt", notification=notification).strip()
        body = render_template("mail/body.txt", notification=notification, link=link)
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = user.email
    message["Subject"] = " ".join(subject.split())  # a header is one line, whatever the title
    message.set_content(body)
    message["Content-Language"] = locale  # after set_content, which clears Content-* headers
    return message
