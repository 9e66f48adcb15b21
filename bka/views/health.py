"""Probes for a load balancer, systemd or Kubernetes: open to everyone, no session, no details.

/healthz: the process answers (no database). /readyz: the database answers, its schema is at
the migrations' head and the checklists are loaded (bka/domain/health.py); 503 otherwise, naming
only which check failed.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from bka.domain import health
from bka.extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    return Response("ok\n", mimetype="text/plain")


@bp.get("/readyz")
def readyz():
    checks = health.readiness(db.engine, current_app.extensions.get("bka_library"))
    if health.ready(checks):
        return jsonify(status="ready")
    return jsonify(status="not ready", checks=checks), 503
