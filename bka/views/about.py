"""Public pages about the service itself: the accessibility statement (DOS-lagen, DIGG)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, render_template

from bka.web.i18n import current_language

bp = Blueprint("about", __name__)

# DIGG's form for reporting a public-sector website that does not meet the requirements.
DIGG_REPORT_URL = "https://www.digg.se/tdosanmalan"


@bp.route("/tillganglighet")
def accessibility():
    """The accessibility statement (tillgänglighetsredogörelse); open to everyone."""
    config = current_app.config
    language = current_language()
    return render_template(
        f"about/accessibility_{language if language == 'en' else 'sv'}.html",
        organisation=config["ORGANISATION_NAME"],
        contact=config["ACCESSIBILITY_CONTACT"],
        response_days=config["ACCESSIBILITY_RESPONSE_DAYS"],
        assessed_on=date.fromisoformat(config["ACCESSIBILITY_ASSESSED_ON"]),
        reviewed_on=date.fromisoformat(config["ACCESSIBILITY_REVIEWED_ON"]),
        digg_report_url=DIGG_REPORT_URL,
    )
