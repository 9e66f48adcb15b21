"""Downloading an analysis's reports as PDF, in a language chosen per download."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user, login_required

from bka.domain import analyses as ops
from bka.domain import audit, packages, reporting
from bka.domain.permissions import EXPORT
from bka.extensions import db
from bka.models.base import utcnow
from bka.operations import packages as package_files
from bka.views.helpers import load_analysis
from bka.web.exports import attachment, filename_part
from bka.web.i18n import local_today

bp = Blueprint("reports", __name__, url_prefix="/analyses/<int:analysis_id>/report")


def _filename(title: str, kind: str, locale: str) -> str:
    return f"bka-{filename_part(title, 60, 'analys')}-{kind}-{locale}.pdf"


@bp.route("")
@login_required
def download(analysis_id: int):
    analysis = load_analysis(analysis_id)
    kind = request.args.get("kind", "analysis")
    locale = request.args.get("lang", "sv")
    if kind not in reporting.DOWNLOAD_KINDS or locale not in current_app.config["LANGUAGES"]:
        abort(404)
    try:
        archived = reporting.archived_for_download(analysis, kind, locale)
    except reporting.ArchiveMismatch as error:
        audit.record(
            "archive_mismatch",
            actor=current_user,
            object_type="analysis",
            object_id=analysis.id,
            outcome=audit.FAILURE,
            details={"language": locale, "version": analysis.version},
        )
        db.session.commit()
        return render_template("errors/archive.html", message=error.message), 409
    if archived is not None:  # the signed version: exactly the bytes archived at sign-off
        pdf = archived.pdf
    elif kind == reporting.SIGNED:
        abort(404)
    else:
        pdf = reporting.render(kind, analysis, ops.checklists_for(analysis), locale, local_today())
    audit.record(
        "export",
        actor=current_user,
        object_type="analysis",
        object_id=analysis.id,
        details={"kind": kind, "language": locale, "version": analysis.version},
    )
    db.session.commit()
    return attachment(pdf, "application/pdf", _filename(analysis.title, kind, locale))


@bp.route("/package")
@login_required
def package(analysis_id: int):
    """The export package of the analysis and every linked version (docs/packages.md)."""
    analysis = load_analysis(analysis_id, EXPORT)
    now = utcnow()
    exported = packages.export(analysis, exported_at=now)
    data = package_files.build(
        exported.files,
        bka_version=package_files.installed_version(),
        created_at=now.isoformat(timespec="seconds"),
    )
    packages.record_export(analysis, exported, package_files.sha256_bytes(data), actor=current_user)
    db.session.commit()
    name = f"bka-{filename_part(analysis.title, 60, 'analys')}-{analysis.id}-package.zip"
    return attachment(data, "application/zip", name)
