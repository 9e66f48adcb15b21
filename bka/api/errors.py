"""JSON errors under /api/v1: every refusal is an application/problem+json body (RFC 9457),
never an HTML page."""

from __future__ import annotations

from flask import Response, json, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

API_PREFIX = "/api/v1"
PROBLEM_TYPE = "application/problem+json"


def is_api_request() -> bool:
    path = request.path
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def _titles() -> dict[int, str]:
    return {
        400: _("Bad request"),
        401: _("A valid API token is needed"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("Method not allowed"),
        409: _("Conflict"),
        413: _("Request too large"),
        415: _("Send JSON"),
        422: _("Invalid input"),
        429: _("Too many requests"),
        500: _("Internal error"),
    }


def problem(
    status: int,
    detail: str | None = None,
    *,
    errors: dict | None = None,
    headers: dict | None = None,
    **extra,
) -> Response:
    body = {"type": "about:blank", "title": _titles().get(status, str(status)), "status": status}
    if detail:
        body["detail"] = str(detail)
    if errors is not None:
        body["errors"] = errors
    body.update(extra)
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_TYPE)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="bka"'
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


class ApiError(HTTPException):
    """An API refusal with a problem body; `raise ApiError(409, ...)` from anywhere in a view."""

    def __init__(self, status: int, detail=None, *, errors=None, headers=None, **extra):
        super().__init__()
        self.code = status
        self.response = None
        self.status = status
        self.detail = detail
        self.errors = errors
        self.headers_ = headers
        self.extra = extra

    def get_response(self, environ=None, scope=None):
        return problem(
            self.status, self.detail, errors=self.errors, headers=self.headers_, **self.extra
        )


def handle_http_error(error: HTTPException) -> Response:
    """Any HTTP error raised while answering an API request, as a problem body."""
    if isinstance(error, ApiError):
        return error.get_response()
    headers = {}
    if error.code == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    return problem(error.code or 500, headers=headers)
