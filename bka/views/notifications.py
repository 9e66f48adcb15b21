"""What awaits me: notifications of reviews assigned, analyses returned and sign-offs."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from bka.domain import notifications
from bka.extensions import db
from bka.forms.analysis import ConfirmForm

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.route("")
@login_required
def index():
    return render_template(
        "notifications/index.html",
        items=notifications.for_user(current_user),
        confirm_form=ConfirmForm(),
    )


@bp.route("/read", methods=["POST"])
@login_required
def mark_read():
    notifications.mark_all_read(current_user)
    db.session.commit()
    flash(_l("All notifications are marked as read."), "success")
    return redirect(url_for("notifications.index"))
