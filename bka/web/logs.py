"""Request ids and the application's log: one line per request, as text or JSON.

Every request gets an id: the one a reverse proxy sent in X-Request-ID when it is a plain token
(8 to 64 letters, digits, ".", "_" or "-"), else a new random one. It is returned in the
X-Request-ID response header, shown on error pages ("Reference: ..."), stored in the audit events
the request writes (bka/web/security.py tells the audit log) and added to every log record made
while the request runs, so one reference leads from a user's screenshot to the log and the audit
log.

The request line holds the method, the path (percent-encoded, without the query string: query
strings carry search words), the status, the duration in milliseconds, the request id and the
signed-in user's number. Never form data, e-mail addresses, names, addresses or user agents.
Health probes (/healthz, /readyz) are logged at DEBUG so that they do not drown the log.

BKA_LOG_FORMAT (LOG_FORMAT) chooses "text" (the default) or "json" (one JSON object per line).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from urllib.parse import quote

from flask import (
    Flask,
    current_app,
    g,
    has_app_context,
    has_request_context,
    request,
    request_started,
)
from flask.logging import default_handler

LOG_FORMATS = ("text", "json")
REQUEST_ID_HEADER = "X-Request-ID"
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
# Probes are asked every few seconds; their lines are kept out of the INFO log.
PROBE_ENDPOINTS = frozenset({"health.healthz", "health.readyz"})
PATH_SAFE = "/-._~!$&'()*+,;=:@"
MAX_PATH = 300

request_logger = logging.getLogger("bka.request")

# Attributes every LogRecord has; anything else on a record was passed in `extra`.
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


def request_id() -> str | None:
    """The current request's id (made on first use), or None outside a request."""
    if not has_request_context():
        return None
    rid = g.get("request_id")
    if rid is None:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        rid = incoming if SAFE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        g.request_id = rid
    return rid


def known_request_id() -> str | None:
    """The id if this request has one already (never makes one: for the audit log, whose
    events made outside a real request, in tests or commands, carry none)."""
    return g.get("request_id") if has_request_context() else None


def _user_id() -> int | None:
    """The signed-in user's number, if this request has loaded one (never loads it here)."""
    user = g.get("_login_user")
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "id", None)


def log_path() -> str:
    """The path as it may appear in the log: percent-encoded (no spaces or line breaks to forge
    a line with), without the query string, and cut short."""
    return quote(request.path, safe=PATH_SAFE)[:MAX_PATH]


class RequestContextFilter(logging.Filter):
    """Adds the request id to every record made during a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = known_request_id()
        return True


class BkaFormatter(logging.Formatter):
    """Text or JSON, as the application of the record's context is configured (LOG_FORMAT);
    outside any application, as the last application started was."""

    def __init__(self, default: str = "text"):
        super().__init__()
        self.default = default

    def style(self) -> str:
        if has_app_context():
            return current_app.config.get("LOG_FORMAT", self.default)
        return self.default

    def format(self, record: logging.LogRecord) -> str:
        return json_line(record) if self.style() == "json" else text_line(record)


def _timestamp(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")


def _extra(record: logging.LogRecord) -> dict:
    return {
        key: value
        for key, value in record.__dict__.items()
        if key not in _STANDARD and key != "request_id"
    }


def json_line(record: logging.LogRecord) -> str:
    entry = {
        "time": _timestamp(record),
        "level": record.levelname,
        "logger": record.name,
        "message": record.getMessage(),
    }
    entry.update(_extra(record))
    rid = getattr(record, "request_id", None)
    if rid:
        entry["request_id"] = rid
    if record.exc_info:
        entry["exception"] = logging.Formatter().formatException(record.exc_info)
    return json.dumps(entry, ensure_ascii=False, default=str)


def text_line(record: logging.LogRecord) -> str:
    """One line per record (a traceback follows on its own lines): line breaks in the message,
    such as a path Flask names in its error line, are written as \\n."""
    message = record.getMessage().replace("\r", "\\r").replace("\n", "\\n")
    line = f"{_timestamp(record)} {record.levelname} {record.name}: {message}"
    if record.name != request_logger.name:  # the request line names its id itself
        rid = getattr(record, "request_id", None)
        if rid:
            line += f" request_id={rid}"
    if record.exc_info:
        line += "\n" + logging.Formatter().formatException(record.exc_info)
    return line


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when the record is written (as gunicorn and pytest
    replace it), not to the one there was when the handler was made."""

    def __init__(self):
        logging.Handler.__init__(self)

    @property
    def stream(self):
        return sys.stderr


def configure(app: Flask) -> None:
    """One handler on the "bka" logger (app.logger), installed once per process."""
    style = app.config.get("LOG_FORMAT") or "text"
    if style not in LOG_FORMATS:
        raise RuntimeError(f"BKA_LOG_FORMAT: choose one of {', '.join(LOG_FORMATS)}, not {style!r}")
    logger = logging.getLogger("bka")
    logger.removeHandler(default_handler)  # Flask's, added when app.logger was first used
    handler = next((h for h in logger.handlers if isinstance(h, StderrHandler)), None)
    if handler is None:
        handler = StderrHandler()
        handler.addFilter(RequestContextFilter())
        logger.addHandler(handler)
    handler.setFormatter(BkaFormatter(style))
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)


def init_app(app: Flask) -> None:
    """Call before any other request hook is registered: the id exists before anything runs."""
    configure(app)

    # On Flask's request_started signal, not before_request: a blueprint's URL value
    # preprocessor (the API's token check) runs before any before_request function, and a
    # request it refuses would be logged without a duration.
    def start_request(_sender, **_extra):
        g.request_started = time.perf_counter()
        request_id()

    request_started.connect(start_request, app, weak=False)

    @app.after_request
    def finish_request(response):
        rid = request_id()
        response.headers[REQUEST_ID_HEADER] = rid
        level = logging.DEBUG if request.endpoint in PROBE_ENDPOINTS else logging.INFO
        if request_logger.isEnabledFor(level):
            started = g.get("request_started")
            duration = round((time.perf_counter() - started) * 1000, 1) if started else None
            path = log_path()
            user_id = _user_id()
            request_logger.log(
                level,
                "%s %s %s %sms request_id=%s user_id=%s",
                request.method,
                path,
                response.status_code,
                duration,
                rid,
                user_id if user_id is not None else "-",
                extra={
                    "method": request.method,
                    "path": path,
                    "status": response.status_code,
                    "duration_ms": duration,
                    "request_id": rid,
                    "user_id": user_id,
                },
            )
        return response
