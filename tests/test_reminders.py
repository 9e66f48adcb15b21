"""`bka remind`: reminders of checkpoints, overdue measures and readings due, on the right days,
once per item, period and recipient, to the active owners and editors only, in the app and by
e-mail (a real local SMTP server) in each recipient's language. The clock is frozen.

The analysis is decided on 18 June 2024 (tests/factories.py), which offers checkpoints on
18 September 2024, 18 June 2025 and 18 June 2027; its measures are due on 15 October,
12 November and 20 December 2024; its indicators are first measured on 8 November 2024 and
1 May 2025.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import func, select

from bka.domain import follow_up, reminders
from bka.extensions import db
from bka.models import (
    Analysis,
    Indicator,
    Measure,
    Notification,
    ReminderSent,
    User,
)
from bka.models.base import utcnow
from tests import factories
from tests.test_notifications import send_mail, smtp, subject  # noqa: F401 - smtp: a fixture

STOCKHOLM = ZoneInfo("Europe/Stockholm")
OWNER, EDITOR = "agare@example.se", "editor@example.se"
VIEWER, REVIEWER, LEFT = "lasare@example.se", "granskare@example.se", "slutat@example.se"


@pytest.fixture
def inbox(request):
    """The messages a real local SMTP server received (tests/test_notifications.py)."""
    return request.getfixturevalue("smtp")


@pytest.fixture
def decided(app, make_user, add_member):
    """A decided analysis: a Swedish owner, an English editor, a viewer, its reviewer and an
    editor whose account was disabled. Its checkpoints, measures and indicators (ids)."""
    owner = make_user(name="Tove Ägare", email=OWNER, locale="sv")
    editor = make_user(name="Eddie Editor", email=EDITOR, locale="en")
    viewer = make_user(name="Vera Läsare", email=VIEWER)
    left = make_user(name="Sune Slutat", email=LEFT)
    reviewer = make_user(role="reviewer", name="Gustav Granskare", email=REVIEWER)
    with app.test_request_context():
        analysis = factories.complete_analysis(db.session.get(User, owner.id))
        factories.drive_to(analysis, "decided", reviewer)
        db.session.commit()
        analysis_id = analysis.id
    add_member(analysis_id, editor, "editor")
    add_member(analysis_id, viewer, "viewer")
    add_member(analysis_id, left, "editor")
    with app.app_context():
        db.session.get(User, left.id).active = False
        db.session.commit()
        analysis = db.session.get(Analysis, analysis_id)
        return SimpleNamespace(
            id=analysis_id,
            owner=owner.id,
            left=left.id,
            checkpoints=[c.id for c in follow_up.checkpoints_of(analysis)],
            measures=_ids(Measure, analysis_id, Measure.due_date),
            indicators=_ids(Indicator, analysis_id, Indicator.measure_on),
        )


def _ids(model, analysis_id: int, order) -> list[int]:
    return list(
        db.session.scalars(select(model.id).where(model.analysis_id == analysis_id).order_by(order))
    )


def on(day: date, hour: int = 7):
    """Freeze the clock at `hour` o'clock in Stockholm on `day`."""
    return time_machine.travel(
        datetime(day.year, day.month, day.day, hour, tzinfo=STOCKHOLM), tick=False
    )


def remind(app, *args: str) -> str:
    """What the scheduler runs daily: `bka remind`."""
    result = app.test_cli_runner().invoke(args=["remind", *args])
    assert result.exit_code == 0, result.output
    return result.output


def remind_on(app, day: date, *args: str) -> str:
    with on(day):
        return remind(app, *args)


def sent(app, item_type: str, item_id: int | None = None) -> list[tuple[str, str]]:
    """(period, recipient) of every reminder sent for the item(s), sorted."""
    with app.app_context():
        query = (
            select(ReminderSent.period, User.email)
            .join(User, User.id == ReminderSent.user_id)
            .where(ReminderSent.item_type == item_type)
        )
        if item_id is not None:
            query = query.where(ReminderSent.item_id == item_id)
        return sorted(tuple(row) for row in db.session.execute(query))


def count(app, model) -> int:
    """How many reminders were sent (ReminderSent) or written as notifications."""
    query = select(func.count(model.id))
    if model is Notification:
        query = query.where(Notification.kind == reminders.KIND)
    with app.app_context():
        return db.session.scalar(query)


def to_team(*periods: str) -> list[tuple[str, str]]:
    return sorted((period, email) for period in periods for email in (OWNER, EDITOR))


def record(app, kind: str, values: dict, user_id: int, record_id: int | None = None) -> None:
    """Record follow-up as the team does (follow_up.save_record)."""
    with app.test_request_context():
        analysis_id = values.pop("analysis_id")
        analysis = db.session.get(Analysis, analysis_id)
        follow_up_kind = follow_up.FOLLOW_UP_KINDS[kind]
        existing = None if record_id is None else db.session.get(follow_up_kind.model, record_id)
        follow_up.save_record(
            analysis, follow_up_kind, values, db.session.get(User, user_id), existing
        )
        db.session.commit()


def test_a_checkpoint_is_reminded_before_on_and_after_its_date_once_each(app, decided):
    first = decided.checkpoints[0]  # 18 September 2024
    assert "0 reminder(s) sent" in remind_on(app, date(2024, 9, 3))  # 15 days before
    assert sent(app, "checkpoint") == []

    assert "2 reminder(s) sent" in remind_on(app, date(2024, 9, 4))  # 14 days before
    assert sent(app, "checkpoint") == to_team("before:2024-09-18")
    for day in (date(2024, 9, 4), date(2024, 9, 5), date(2024, 9, 17)):
        assert "0 reminder(s) sent" in remind_on(app, day)

    remind_on(app, date(2024, 9, 18))
    assert sent(app, "checkpoint") == to_team("before:2024-09-18", "due:2024-09-18")
    for day in (date(2024, 9, 19), date(2024, 10, 17)):  # the due date's month
        remind_on(app, day)
    assert sent(app, "checkpoint") == to_team("before:2024-09-18", "due:2024-09-18")

    remind_on(app, date(2024, 10, 18))  # a month after its date, still open
    remind_on(app, date(2024, 11, 17))
    assert sent(app, "checkpoint", first) == to_team(
        "before:2024-09-18", "due:2024-09-18", "overdue:2024-10"
    )
    record(
        app,
        "checkpoints",
        {
            "analysis_id": decided.id,
            "closed_on": date(2024, 11, 17),
            "fared": "as_predicted",
            "conclusion": "Som väntat.",
        },
        decided.owner,
        first,
    )
    remind_on(app, date(2024, 11, 18))  # closed: no more
    assert sent(app, "checkpoint") == to_team(
        "before:2024-09-18", "due:2024-09-18", "overdue:2024-10"
    )
    with app.app_context():
        notification = db.session.scalars(
            select(Notification).where(Notification.kind == "reminder").order_by(Notification.id)
        ).first()
        assert notification.actor_id is None and notification.mail_due_at is not None
        assert notification.details == {
            "item_type": "checkpoint",
            "item_id": first,
            "name": notification.details["name"],
            "date": "2024-09-18",
            "period": "before",
        }
    assert count(app, Notification) == count(app, ReminderSent)


def test_the_days_before_are_configurable(app, decided):
    app.config["REMINDER_DAYS_BEFORE"] = 3
    try:
        remind_on(app, date(2024, 9, 14))
        assert sent(app, "checkpoint") == []
        remind_on(app, date(2024, 9, 15))
        assert sent(app, "checkpoint") == to_team("before:2024-09-18")
    finally:
        app.config["REMINDER_DAYS_BEFORE"] = reminders.DEFAULT_DAYS_BEFORE


def test_the_day_is_the_installations_not_the_servers(app, decided):
    # 22:30 UTC on 3 September is half past midnight on 4 September in Stockholm.
    with time_machine.travel(datetime(2024, 9, 3, 22, 30, tzinfo=UTC), tick=False):
        remind(app)
    assert sent(app, "checkpoint") == to_team("before:2024-09-18")


def test_only_active_owners_and_editors_are_reminded(app, decided):
    remind_on(app, date(2024, 9, 4))
    recipients = {email for _, email in sent(app, "checkpoint")}
    assert recipients == {OWNER, EDITOR}  # not the viewer, the reviewer or the disabled editor
    with app.app_context():
        db.session.get(User, decided.left).active = True
        db.session.commit()
    assert "1 reminder(s) sent" in remind_on(app, date(2024, 9, 5))
    assert {email for _, email in sent(app, "checkpoint")} == {OWNER, EDITOR, LEFT}


def test_an_overdue_measure_is_reminded_monthly_until_done_or_dropped(app, decided):
    late, later, last = decided.measures  # due 15 Oct, 12 Nov, 20 Dec 2024; none done
    remind_on(app, date(2024, 10, 15))
    assert sent(app, "measure") == []
    remind_on(app, date(2024, 10, 16))
    assert sent(app, "measure", late) == to_team("overdue:2024-10")
    remind_on(app, date(2024, 11, 14))
    assert sent(app, "measure", late) == to_team("overdue:2024-10")
    assert sent(app, "measure", later) == to_team("overdue:2024-11")
    remind_on(app, date(2024, 11, 15))  # a month after its date
    assert sent(app, "measure", late) == to_team("overdue:2024-10", "overdue:2024-11")

    updates = (late, "done"), (later, "dropped")
    for measure_id, status in updates:
        record(
            app,
            "measure_updates",
            {
                "analysis_id": decided.id,
                "measure_id": measure_id,
                "status": status,
                "updated_on": date(2024, 11, 20),
            },
            decided.owner,
        )
    with app.app_context():
        db.session.get(Measure, last).status = "done"  # done by step 8, before any update
        db.session.commit()
    remind_on(app, date(2025, 1, 16))
    assert sent(app, "measure", late) == to_team("overdue:2024-10", "overdue:2024-11")
    assert sent(app, "measure", later) == to_team("overdue:2024-11")
    assert sent(app, "measure", last) == []


def test_a_reading_is_reminded_when_it_falls_due(app, decided):
    first = decided.indicators[0]  # first measured on 8 November 2024
    remind_on(app, date(2024, 11, 7))
    assert sent(app, "reading") == []
    remind_on(app, date(2024, 11, 8))
    remind_on(app, date(2024, 11, 9))
    assert sent(app, "reading") == to_team("due:2024-11-08")

    record(
        app,
        "readings",
        {
            "analysis_id": decided.id,
            "indicator_id": first,
            "value": 92.0,
            "measured_on": date(2024, 11, 10),
        },
        decided.owner,
    )
    with app.app_context():
        db.session.get(Indicator, first).reading_every_months = 3
        db.session.commit()
    remind_on(app, date(2025, 2, 9))
    assert sent(app, "reading", first) == to_team("due:2024-11-08")
    remind_on(app, date(2025, 2, 12))  # two days late: still once for that date
    remind_on(app, date(2025, 2, 13))
    assert sent(app, "reading", first) == to_team("due:2024-11-08", "due:2025-02-10")
    with app.app_context():
        latest = db.session.scalars(select(Notification).order_by(Notification.id.desc())).first()
        assert latest.details["period"] == "overdue"


def test_no_reminders_for_analyses_not_decided_or_closed(app, decided, make_user):
    owner = make_user(name="Olga Ägare")
    reviewer = make_user(role="reviewer", name="Rut Granskare")
    with app.test_request_context():
        for status in ("approved", "closed"):
            analysis = factories.complete_analysis(
                db.session.get(User, owner.id), title=f"Analys {status}"
            )
            factories.drive_to(analysis, status, reviewer)
        db.session.commit()
    remind_on(app, date(2025, 6, 18))  # everything of every analysis due or overdue by now
    with app.app_context():
        reminded = set(db.session.scalars(select(ReminderSent.analysis_id)))
        # The closed one had checkpoints, measures and indicators too.
        assert db.session.scalar(select(func.count(Analysis.id))) == 3
    assert reminded == {decided.id}


def test_reminders_are_mailed_once_in_each_recipients_language(app, decided, inbox, browser):
    with on(date(2024, 9, 4)):
        remind(app)
        remind(app)
        assert "sent 2," in send_mail(app)
        remind(app)
        assert "sent 0," in send_mail(app)
    assert len(inbox.messages) == 2
    mail = {recipients[0]: message for recipients, message in inbox.messages}
    with app.app_context():
        title = db.session.get(Analysis, decided.id).title
        checkpoint = db.session.scalar(
            select(Notification.details).where(Notification.kind == "reminder")
        )["name"]

    swedish, english = mail[OWNER], mail[EDITOR]
    assert subject(swedish) == f"Kontrollpunkt närmar sig: {title}"
    assert swedish["Content-Language"] == "sv"
    body = swedish.get_payload(decode=True).decode("utf-8")
    assert f"Kontrollpunkten ”{checkpoint}” i ”{title}” infaller den 18 september 2024." in body
    assert f"http://bka.test/analyses/{decided.id}" in body
    assert subject(english) == f"Checkpoint coming up: {title}"
    assert english["Content-Language"] == "en"
    body = english.get_payload(decode=True).decode("utf-8")
    assert f"The checkpoint “{checkpoint}” of “{title}” is due on 18 September 2024." in body

    browser.login(SimpleNamespace(email=OWNER))
    page = browser.get("/notifications").get_data(as_text=True)
    assert f"Kontrollpunkten ”{checkpoint}” i ”{title}” infaller den 18 september 2024." in page


def test_dry_run_prints_what_it_would_send_and_writes_nothing(app, decided):
    # 16 November 2024: the first checkpoint, two measures and the first reading are due.
    output = remind_on(app, date(2024, 11, 16), "--dry-run")
    lines = output.splitlines()
    assert lines[-1] == "8 reminder(s) due on 2024-11-16; dry run, nothing sent."
    items = lines[:-1]
    assert len(items) == 8
    assert sum(OWNER in line for line in items) == sum(EDITOR in line for line in items) == 4
    assert sum(" checkpoint " in line for line in items) == 2
    assert sum(" measure " in line for line in items) == 4
    assert sum(" reading " in line for line in items) == 2
    assert all(line.startswith("2024-11-16 overdue ") for line in items)
    assert count(app, ReminderSent) == count(app, Notification) == 0

    assert "8 reminder(s) sent for 2024-11-16." in remind_on(app, date(2024, 11, 16))
    assert count(app, ReminderSent) == count(app, Notification) == 8
    output = remind_on(app, date(2024, 11, 16), "--dry-run")
    assert output.splitlines() == ["0 reminder(s) due on 2024-11-16; dry run, nothing sent."]


def test_today_can_be_given(app, decided):
    assert "2 reminder(s) sent for 2024-09-04." in remind(app, "--today", "2024-09-04")
    assert sent(app, "checkpoint") == to_team("before:2024-09-18")
    result = app.test_cli_runner().invoke(args=["remind", "--today", "4 september"])
    assert result.exit_code == 2  # a usage error, nothing sent
    assert count(app, ReminderSent) == 2


def test_a_run_that_lost_the_race_sends_nothing_twice(app, decided):
    """Two runs found the same reminders; the one that records second writes nothing."""
    day = date(2024, 11, 16)
    with app.app_context():
        first_run = reminders.pending(day)
        with app.app_context():  # another scheduler, with its own session
            second_run = reminders.pending(day)
            assert all(reminders.record(reminder, utcnow()) for reminder in second_run)
            db.session.commit()
        assert len(first_run) == len(second_run) == 8
        assert not any(reminders.record(reminder, utcnow()) for reminder in first_run)
        db.session.commit()
    assert count(app, ReminderSent) == count(app, Notification) == 8


def test_two_runs_at_once_send_each_reminder_once(app, decided):
    """Two schedulers start together (threads, each with its own session and connection)."""
    day = date(2024, 11, 16)
    start = threading.Barrier(2, timeout=60)
    recorded = []

    def run() -> None:
        with app.app_context():
            due = reminders.pending(day)
            start.wait()
            mine = 0
            for reminder in due:
                mine += reminders.record(reminder, utcnow())
                db.session.commit()
            recorded.append(mine)
            db.session.remove()

    runs = [threading.Thread(target=run) for _ in range(2)]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join()
    assert sum(recorded) == 8
    assert count(app, ReminderSent) == count(app, Notification) == 8
