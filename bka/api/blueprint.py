"""The API's blueprint: tokens checked before anything else, every error as JSON."""

from __future__ import annotations

from flask import Blueprint
from werkzeug.exceptions import HTTPException

from bka.api.auth import authenticate_request
from bka.api.errors import API_PREFIX, handle_http_error

bp = Blueprint("api", __name__, url_prefix=API_PREFIX)
bp.url_value_preprocessor(authenticate_request)
bp.register_error_handler(HTTPException, handle_http_error)
