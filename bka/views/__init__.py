"""Blueprints: thin views that load, check access, validate, call one domain operation, commit."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from bka.views import (
        about,
        admin,
        analyses,
        auth,
        entries,
        follow_up,
        health,
        history,
        lifecycle,
        notifications,
        reassessment,
        redaction,
        reports,
        sso,
        steps,
    )

    app.register_blueprint(health.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(sso.bp)
    app.register_blueprint(analyses.bp)
    app.register_blueprint(steps.bp)
    app.register_blueprint(entries.bp)
    app.register_blueprint(history.bp)
    app.register_blueprint(lifecycle.bp)
    app.register_blueprint(follow_up.bp)
    app.register_blueprint(notifications.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(redaction.bp)
    app.register_blueprint(reassessment.bp)
    app.register_blueprint(about.bp)

    from bka.api import views as api
    from bka.views import api_tokens

    app.register_blueprint(api.bp)
    app.register_blueprint(api_tokens.bp)
