"""E-mail for notifications, in each recipient's language, through a configurable SMTP server.

Off unless MAIL_SERVER is set. Sending happens after the commit; a failed delivery is logged and
the notification stays in the app, marked as not e-mailed.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app, render_template, url_for
from flask_babel import force_locale

from bka.domain.notifications import PENDING
from bka.extensions import db
from bka.models import Notification
from bka.models.base import utcnow


def deliver_new() -> int:
    """E-mail the notifications this request created; call it after the commit."""
    return deliver(db.session.info.pop(PENDING, []))


def deliver(notifications: list[Notification]) -> int:
    """E-mail these (already committed) notifications; returns how many were sent."""
    config = current_app.config
    if not config.get("MAIL_SERVER") or not notifications:
        return 0
    sent = 0
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            for notification in notifications:
                smtp.send_message(_message(notification))
                notification.emailed_at = utcnow()
                sent += 1
    except (OSError, smtplib.SMTPException) as error:
        current_app.logger.warning("Notification e-mail failed: %s", error)
    db.session.commit()
    return sent


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
