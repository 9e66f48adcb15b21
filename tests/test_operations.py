"""Operations: the health probes, request ids, and a request log without personal data."""

from __future__ import annotations

import json
import logging
import re

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from bka import create_app
from bka.domain.audit import verify_chain
from bka.extensions import db
from bka.models import AuditEvent, UserSession
from bka.web.logs import json_line, text_line

GENERATED_ID = re.compile(r"[0-9a-f]{32}")
SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options")


def fresh_app(tmp_path, uri=None):
    application = create_app(
        {
            "BKA_CONFIG_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": uri or f"sqlite:///{tmp_path / 'probe.sqlite3'}",
        }
    )
    application.instance_path = str(tmp_path)
    return application


# --- probes ----------------------------------------------------------------------------------


def test_probes_answer_anonymously_without_a_session_or_cookie(app):
    client = app.test_client()
    health = client.get("/healthz")
    assert health.status_code == 200 and health.get_data(as_text=True).strip() == "ok"
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json() == {"status": "ready"}
    for response in (health, ready, client.head("/healthz")):
        assert "Set-Cookie" not in response.headers
        assert all(response.headers.get(name) for name in SECURITY_HEADERS)
        assert response.headers["Cache-Control"] == "no-store"
    assert client.get_cookie(app.config["SESSION_COOKIE_NAME"]) is None
    with app.app_context():
        assert db.session.scalar(select(func.count(UserSession.id))) == 0


def test_readyz_is_503_naming_only_the_failed_check_until_the_database_is_at_head(tmp_path):
    application = fresh_app(tmp_path)
    client = application.test_client()
    with application.app_context():
        upgrade(revision="0018")
    behind = client.get("/readyz")
    assert behind.status_code == 503
    assert behind.get_json() == {
        "status": "not ready",
        "checks": {"database": "ok", "migrations": "failed", "checklists": "ok"},
    }
    body = behind.get_data(as_text=True)
    for leak in ("0018", "0019", "sqlite", str(tmp_path), "upgrade"):
        assert leak not in body
    assert "Set-Cookie" not in behind.headers
    assert client.get("/healthz").status_code == 200  # the process itself is fine
    with application.app_context():
        upgrade()
    assert client.get("/readyz").get_json() == {"status": "ready"}
    with application.app_context():
        db.engine.dispose()


def test_readyz_is_503_when_the_database_cannot_be_reached(tmp_path):
    unreachable = f"sqlite:///{tmp_path / 'no-such-directory' / 'bka.sqlite3'}"
    application = fresh_app(tmp_path, unreachable)
    response = application.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "not ready",
        "checks": {"database": "failed", "migrations": "failed", "checklists": "ok"},
    }
    assert "OperationalError" not in response.get_data(as_text=True)
    assert "no-such-directory" not in response.get_data(as_text=True)


# --- request ids -----------------------------------------------------------------------------


def test_a_safe_request_id_is_echoed_and_anything_else_replaced(app):
    client = app.test_client()
    for given in ("abc-1234", "proxy.req_0123456789", "A" * 64):
        response = client.get("/healthz", headers={"X-Request-ID": given})
        assert response.headers["X-Request-ID"] == given
    for unsafe in (
        "short",
        "a" * 65,
        "has a space 1234",
        "<script>alert(1)</script>",
        "id\u00e4123456",
    ):
        returned = client.get("/healthz", headers={"X-Request-ID": unsafe}).headers["X-Request-ID"]
        assert returned != unsafe and GENERATED_ID.fullmatch(returned)
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert GENERATED_ID.fullmatch(first) and first != second


@pytest.mark.parametrize(("language", "label"), [("sv", "Referens: "), ("en", "Reference: ")])
def test_error_pages_show_the_request_id_as_the_reference(app, language, label):
    client = app.test_client()
    headers = {"Accept-Language": language}
    missing = client.get("/no-such-page", headers=headers)
    assert missing.status_code == 404
    assert label + missing.headers["X-Request-ID"] in missing.get_data(as_text=True)
    quoted = client.get("/no-such-page", headers={**headers, "X-Request-ID": "support-ticket-42"})
    assert label + "support-ticket-42" in quoted.get_data(as_text=True)
    # The expired-form page (a POST without a CSRF token) too.
    refused = client.post("/logout", headers=headers)
    assert refused.status_code == 400
    assert label + refused.headers["X-Request-ID"] in refused.get_data(as_text=True)


def test_audit_events_keep_the_request_id_and_the_chain_verifies(app, browser, make_user):
    user = make_user()
    with app.test_request_context():
        # An event from before request ids (or from a command): no id, still verifies.
        from bka.domain import audit

        audit.record("test_event", actor_label="cli")
        db.session.commit()
    response = browser.post(
        "/login",
        {"email": user.email, "password": "correct horse battery staple"},
        headers={"X-Request-ID": "login-request-0001"},
    )
    assert response.status_code == 302
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        assert "request_id" not in events[0].details
        login = next(event for event in events if event.action == "login")
        assert login.details["request_id"] == "login-request-0001"
        assert login.actor_id == user.id
        assert verify_chain().intact
        # The chain's MAC covers the id: changing it shows.
        login.details = {**login.details, "request_id": "someone-else-0002"}
        db.session.commit()
        assert not verify_chain().intact


# --- the request log -------------------------------------------------------------------------


def request_lines(records):
    return [record for record in records if record.name == "bka.request"]


def test_the_log_holds_no_e_mail_address_and_no_typed_text(
    app, browser, make_user, make_analysis, caplog
):
    caplog.set_level(logging.DEBUG, logger="bka")
    owner = make_user(email="tove.agare@region.example", name="Tove Ägarsson")
    analysis_id = make_analysis(owner)
    typed = {
        "email": "hemlig.person@region.example",
        "password": "mitt hemliga lösenord",
        "proposal": "Skolskjutsen till Kullaskolan dras in",
        "search": "Kullaskolan skjuts",
    }
    failed = browser.post("/login", {"email": typed["email"], "password": typed["password"]})
    assert "E-postadressen eller lösenordet är fel." in failed.get_data(as_text=True)
    browser.login(owner)
    saved = browser.post(
        f"/analyses/{analysis_id}/steps/decision",
        {"proposal": typed["proposal"], "save_later": "1"},
    )
    assert saved.status_code == 302
    assert browser.get("/", query_string={"q": typed["search"]}).status_code == 200

    lines = request_lines(caplog.records)
    assert ("POST", "/login", 200, None) in {(r.method, r.path, r.status, r.user_id) for r in lines}
    assert ("POST", f"/analyses/{analysis_id}/steps/decision", 302, owner.id) in {
        (r.method, r.path, r.status, r.user_id) for r in lines
    }
    assert ("GET", "/", 200, owner.id) in {(r.method, r.path, r.status, r.user_id) for r in lines}
    written = "\n".join(
        text for record in caplog.records for text in (json_line(record), text_line(record))
    )
    for secret in (*typed.values(), "Kullaskolan", owner.email, owner.name, "hemlig"):
        assert secret.lower() not in written.lower(), secret
    assert "q=" not in written


def test_a_json_request_line_parses_and_has_the_fields(app, capsys, monkeypatch, make_user):
    monkeypatch.setitem(app.config, "LOG_FORMAT", "json")
    user = make_user()
    client = app.test_client()
    capsys.readouterr()
    client.get("/login?next=/analyses/1", headers={"X-Request-ID": "json-line-0001"})
    errors = capsys.readouterr().err.splitlines()
    entries = [json.loads(line) for line in errors if line.startswith("{")]
    line = next(entry for entry in entries if entry["logger"] == "bka.request")
    assert line["level"] == "INFO" and line["time"].endswith("+00:00")
    assert (line["method"], line["path"], line["status"]) == ("GET", "/login", 200)
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["request_id"] == "json-line-0001" and line["user_id"] is None
    assert "next=" not in json.dumps(line) and user.email not in "\n".join(errors)


def test_a_request_the_api_refuses_before_any_view_is_timed_too(app, capsys, monkeypatch):
    monkeypatch.setitem(app.config, "LOG_FORMAT", "json")
    capsys.readouterr()
    assert app.test_client().get("/api/v1/analyses").status_code == 401  # no token
    entries = [json.loads(x) for x in capsys.readouterr().err.splitlines() if x.startswith("{")]
    line = next(entry for entry in entries if entry["logger"] == "bka.request")
    assert line["status"] == 401
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0


def test_a_logged_path_cannot_forge_a_line(app, caplog):
    caplog.set_level(logging.INFO, logger="bka")
    app.test_client().get("/nowhere%0A2024-01-01 INFO forged?q=x")
    (line,) = request_lines(caplog.records)
    assert line.path == "/nowhere%0A2024-01-01%20INFO%20forged"
    assert "\n" not in text_line(line) and "\n" not in json_line(line)
    forged = logging.makeLogRecord({"name": "bka", "msg": "Exception on /a\n2024 INFO forged"})
    assert text_line(forged).endswith("Exception on /a\\n2024 INFO forged")


def test_probes_stay_out_of_the_info_log(app, caplog):
    caplog.set_level(logging.INFO, logger="bka")
    client = app.test_client()
    client.get("/healthz")
    client.get("/readyz")
    assert request_lines(caplog.records) == []


def test_an_unknown_log_format_stops_the_start(tmp_path):
    with pytest.raises(RuntimeError, match="BKA_LOG_FORMAT"):
        create_app(
            {
                "BKA_CONFIG_NAME": "testing",
                "LOG_FORMAT": "xml",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}",
            }
        )


def test_an_unexpected_error_shows_a_generic_page_and_is_logged_with_its_reference(
    tmp_path, caplog
):
    application = fresh_app(tmp_path)
    application.config["PROPAGATE_EXCEPTIONS"] = False  # as in production, not as in tests

    @application.get("/broken")
    def broken():
        raise RuntimeError("secret detail of the failure")

    caplog.set_level(logging.INFO, logger="bka")
    response = application.test_client().get("/broken", headers={"X-Request-ID": "broken-0001"})
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Referens: broken-0001" in page and "Något gick fel" in page
    assert "secret detail" not in page and "Traceback" not in page
    (failure,) = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert failure.request_id == "broken-0001" and failure.exc_info
    assert '"request_id": "broken-0001"' in json_line(failure)
    assert "RuntimeError" in json.loads(json_line(failure))["exception"]
    (line,) = request_lines(caplog.records)
    assert (line.status, line.request_id) == (500, "broken-0001")
