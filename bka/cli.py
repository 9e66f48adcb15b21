"""The `bka` console script: Flask's CLI for this app plus the project's own commands."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from datetime import date, datetime

import click
from flask import current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext
from sqlalchemy import inspect, select

from bka.domain.checklists import ChecklistError, load_library, review_warnings


def _create_app():
    from bka import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app)
def main() -> None:
    """Barnkonsekvensanalys: manage and run the bka web application."""


checklists_group = AppGroup("checklists", help="Inspect the checklist content.")


@checklists_group.command("validate", with_appcontext=False)
@click.option(
    "--directory",
    type=click.Path(file_okay=False),
    default=None,
    help="Checklist directory (default: $BKA_CHECKLIST_DIR, else the repository's checklists/ "
    "or, when installed from a wheel, the copy inside the package).",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The date legal reviews are aged against (default: today).",
)
def validate_checklists(directory: str | None, today: datetime | None) -> None:
    """Check every checklist file: keys, both languages, article numbers, links, versions, and
    that every legal reference names its source. Warns about legal reviews over 12 months old."""
    directory = directory or os.environ.get("BKA_CHECKLIST_DIR")
    try:
        library = load_library(directory)
    except ChecklistError as error:
        for problem in error.problems:
            click.echo(f"error: {problem}", err=True)
        raise SystemExit(1) from error
    for warning in review_warnings(library, today.date() if today else date.today()):
        click.echo(f"warning: {warning}", err=True)
    click.echo(
        f"ok: {library.method.id} v{library.method.version} ({len(library.method.steps)} steps), "
        f"{library.convention.id} v{library.convention.version} "
        f"({len(library.convention.articles)} articles), "
        + ", ".join(
            f"{pack.id} v{pack.version} ({len(pack.prompts)} prompts)"
            for pack in library.packs.values()
        )
    )


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option(
    "--role",
    type=click.Choice(["member", "reviewer", "admin"]),
    default="member",
    show_default=True,
)
@click.option(
    "--language", "locale", type=click.Choice(["sv", "en"]), default="sv", show_default=True
)
@click.password_option(help="Prompted for when not given (at least 12 characters).")
@with_appcontext
def create_user_command(email: str, name: str, role: str, locale: str, password: str) -> None:
    """Create a local account with a global role."""
    from bka.domain.accounts import create_user, password_hasher
    from bka.domain.errors import FieldError
    from bka.extensions import db

    try:
        user = create_user(
            password_hasher(current_app.config),
            email=email,
            name=name,
            password=password,
            role=role,
            locale=locale,
        )
    except FieldError as error:
        raise click.UsageError(str(error.message)) from error
    db.session.commit()
    click.echo(f"Created {user.email} ({user.role}).")


token_group = AppGroup("token", help="Personal access tokens for the JSON API (/api/v1).")


@token_group.command("create")
@click.option("--user", "email", required=True, help="The e-mail address of the token's user.")
@click.option("--scope", type=click.Choice(["read", "write"]), default="read", show_default=True)
@click.option("--expires", "days", type=click.IntRange(1, 3650), help="Valid for DAYS days.")
@click.option("--name", default="bka token create", show_default=True, help="What it is for.")
def create_token_command(email: str, scope: str, days: int | None, name: str) -> None:
    """Create a token for a user; the token itself is printed once, on the last line."""
    from bka.domain import api_tokens
    from bka.domain.accounts import find_user
    from bka.domain.errors import FieldError
    from bka.extensions import db

    user = find_user(email)
    if user is None or not user.active:
        raise click.UsageError(f"No active user {email!r}.")
    try:
        token, secret = api_tokens.create_token(user, name=name, scope=scope, expires_days=days)
    except FieldError as error:
        raise click.UsageError(str(error.message)) from error
    db.session.commit()
    expires = token.expires_at.date().isoformat() if token.expires_at else "never"
    click.echo(f"Created a {scope} token {token.prefix}… for {user.email}, expires: {expires}.")
    click.echo("Keep it secret; it is not shown again:")
    click.echo(secret)


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Only load when the database has no users.")
@with_appcontext
def demo_command(if_empty: bool) -> None:
    """Load the demo users and analyses (idempotent) and print the demo logins."""
    from bka.demo import DEMO_USERS, load_demo
    from bka.extensions import db
    from bka.models import User

    if current_app.config["BKA_CONFIG_NAME"] == "production":
        # The demo logins and their passwords are published in the README.
        raise click.UsageError(
            "bka demo refuses to run with BKA_CONFIG=production: the demo accounts have "
            "published passwords. Load the demo on a development or test installation only."
        )
    if if_empty and db.session.scalar(select(User.id).limit(1)) is not None:
        click.echo("The database already has users, so no demo data was loaded.")
    else:
        created = load_demo(current_app.extensions["bka_library"], current_app.config)
        db.session.commit()
        click.echo(f"Demo data ready ({created} analyses created).")
    click.echo("Demo logins (local demonstrations only):")
    for user in DEMO_USERS:
        click.echo(f"  {user.email:<28} {user.password:<22} {user.role}")


def serve_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment `bka serve` runs gunicorn with: the production configuration (Secure
    cookies, HSTS, SECRET_KEY required) unless BKA_CONFIG says otherwise."""
    env = dict(environ)
    if not env.get("BKA_CONFIG"):
        env["BKA_CONFIG"] = "production"
    return env


def serve_problem(env: Mapping[str, str]) -> str | None:
    """Why gunicorn would not start with this environment, said before it is started."""
    if env["BKA_CONFIG"] == "production" and not env.get("SECRET_KEY"):
        return (
            "SECRET_KEY is not set. `bka serve` runs the production configuration, which needs "
            "a long random secret in the SECRET_KEY environment variable, for example from: "
            'python -c "import secrets; print(secrets.token_hex(32))". '
            "To serve the development configuration instead, set BKA_CONFIG=development."
        )
    return None


@click.command("serve", context_settings={"ignore_unknown_options": True})
@click.option("--bind", default="127.0.0.1:8000", show_default=True)
@click.option("--workers", default=2, show_default=True, type=int)
@click.argument("gunicorn_args", nargs=-1, type=click.UNPROCESSED)
def serve_command(bind: str, workers: int, gunicorn_args: tuple[str, ...]) -> None:
    """Run the production server (gunicorn) with the app factory.

    BKA_CONFIG defaults to production here: SECRET_KEY is required and cookies are Secure, so
    serve over HTTPS (behind a TLS proxy). The app logs one line per request to stderr
    (BKA_LOG_FORMAT=text or json); gunicorn's own access log is off."""
    env = serve_environment(os.environ)
    problem = serve_problem(env)
    if problem:
        raise click.ClickException(problem)
    args = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        bind,
        "--workers",
        str(workers),
        # No gunicorn access log: the app logs each request itself (bka/web/logs.py).
        "--config",
        "python:bka.web.server",
        *gunicorn_args,
        "bka:create_app()",
    ]
    os.execve(sys.executable, args, env)  # noqa: S606 - replaces this process with gunicorn


# On the group itself, so that `bka serve` does not build the app (in whatever configuration the
# shell has) before gunicorn builds it in the production one.
main.add_command(serve_command)


@click.command("report")
@click.argument("analysis_id", type=int)
@click.option(
    "--kind",
    type=click.Choice(["analysis", "follow-up", "child-summary"]),
    default="analysis",
    show_default=True,
)
@click.option("--lang", "locale", type=click.Choice(["sv", "en"]), default="sv", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, writable=True), required=True)
@with_appcontext
def report_command(analysis_id: int, kind: str, locale: str, output: str) -> None:
    """Render a report of ANALYSIS_ID as PDF to --output."""
    from bka.domain import analyses as ops
    from bka.domain import reporting
    from bka.extensions import db
    from bka.models import Analysis
    from bka.web.i18n import local_today

    analysis = db.session.get(Analysis, analysis_id)
    if analysis is None:
        raise click.UsageError(f"There is no analysis {analysis_id}.")
    pdf = reporting.render(kind, analysis, ops.checklists_for(analysis), locale, local_today())
    with open(output, "wb") as handle:
        handle.write(pdf)
    click.echo(f"Wrote {output} ({len(pdf)} bytes).")


audit_group = AppGroup("audit", help="Inspect the audit log.")


@audit_group.command("verify")
@click.option(
    "--checkpoint",
    "checkpoint_line",
    help="A line printed earlier by `bka audit checkpoint`: also prove the log still holds it.",
)
def verify_audit(checkpoint_line: str | None) -> None:
    """Check the audit log's keyed hash chain; list every problem and exit 1 if there is one."""
    from bka.domain.audit import verify_chain

    report = verify_chain(checkpoint_line)
    for problem in report.problems:
        where = f"audit event {problem.event_id}" if problem.event_id is not None else "chain"
        click.echo(f"BROKEN: {where}: {problem.reason}", err=True)
    if not report.intact:
        click.echo(f"{len(report.problems)} problem(s) in {report.checked} audit events.", err=True)
        raise SystemExit(1)
    click.echo(f"ok: {report.checked} audit events, chain intact.")


@audit_group.command("checkpoint")
def audit_checkpoint() -> None:
    """Print the signed end of the chain; keep it outside the database (e.g. in syslog)."""
    from bka.domain.audit import checkpoint

    click.echo(checkpoint())


mail_group = AppGroup("mail", help="Notification e-mail.")


@mail_group.command("send")
def send_mail() -> None:
    """Send the notification e-mail that is due (run it from a scheduler, every minute)."""
    from bka.web.mail import send_due

    if not current_app.config.get("MAIL_SERVER"):
        click.echo("E-mail is off (BKA_MAIL_SERVER is not set): nothing sent.")
        return
    result = send_due()
    click.echo(
        f"sent {result.sent}, failed {result.failed} (retried later), dropped {result.dropped}"
    )


@click.command("remind")
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print one line per reminder that is due (item and recipient); write and send nothing.",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day to remind for, YYYY-MM-DD (default: today in BKA_TIME_ZONE).",
)
@with_appcontext
def remind_command(dry_run: bool, today: datetime | None) -> None:
    """Remind the teams of follow-up that is due: checkpoints, overdue measures, readings.

    Run it daily from a scheduler. Each reminder goes once per item, period and recipient, in
    the app and (by `bka mail send`) by e-mail, so running it again sends nothing twice."""
    from bka.domain import reminders
    from bka.extensions import db
    from bka.models.base import utcnow
    from bka.web.i18n import local_today

    day = today.date() if today else local_today()
    due = reminders.pending(day, current_app.config["REMINDER_DAYS_BEFORE"])
    if dry_run:
        for reminder in due:
            item = reminder.item
            click.echo(
                f"{day} {item.stands} {item.item_type} {item.item_id} due {item.due_on} "
                f'"{item.name}" of analysis {item.analysis_id} "{reminder.analysis_title}" '
                f"to {reminder.user_email} ({item.period})"
            )
        click.echo(f"{len(due)} reminder(s) due on {day}; dry run, nothing sent.")
        return
    sent = 0
    for reminder in due:
        # One transaction per reminder: its row and its notification commit together.
        sent += reminders.record(reminder, utcnow())
        db.session.commit()
    click.echo(f"{sent} reminder(s) sent for {day}.")


overview_group = AppGroup("overview", help="The administrators' overview.")


@overview_group.command("rebuild")
@click.option(
    "--check",
    is_flag=True,
    help="Rebuild nothing: exit 1 if the tallies need a rebuild (their tally version is not "
    "this code's), 0 if they are current.",
)
def rebuild_overview(check: bool) -> None:
    """Recompute the overview tallies of every analysis (after an upgrade or a bulk import)."""
    import time

    from bka.domain import tallies
    from bka.extensions import db

    if check:
        if not inspect(db.session.connection()).has_table("overview_state"):
            click.echo(
                "The database is not migrated: run `bka db upgrade`, then `bka overview rebuild`.",
                err=True,
            )
            raise SystemExit(1)
        status = tallies.version_status(db.session)
        if not status.current:
            click.echo(status.message(), err=True)
            raise SystemExit(1)
        click.echo(f"ok: {status.message()}")
        return
    started = time.perf_counter()
    count = tallies.rebuild(db.session)
    db.session.commit()
    click.echo(
        f"Rebuilt the overview from {count} analyses in {time.perf_counter() - started:.1f} s "
        f"(tally version {tallies.TALLY_VERSION})."
    )


def _bka_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("bka")
    except PackageNotFoundError:
        return "unknown"


def _describe(manifest) -> str:
    files = len(manifest.instance_files)
    return (
        f"{manifest.backend} database at migration {manifest.revision or 'none'}, made by bka "
        f"{manifest.bka_version} at {manifest.created_at}, {len(manifest.members)} member(s)"
        + (f" ({files} instance file(s))" if files else "")
    )


def _key_file():
    """The instance's secret_key file when this app's audit key is derived from it (no
    SECRET_KEY or BKA_AUDIT_KEY given: a development installation), else None."""
    from pathlib import Path

    from bka.operations.backup import SECRET_KEY_FILE

    path = Path(current_app.instance_path) / SECRET_KEY_FILE
    if current_app.config.get("AUDIT_KEY") or not path.is_file():
        return None
    return path if path.read_text().strip() == current_app.config["SECRET_KEY"] else None


def _warn_about_audit_key(manifest, key_file=None) -> None:
    from bka.domain.audit import derive_key
    from bka.operations.backup import audit_key_id

    key = current_app.extensions["bka_audit_key"]
    if key_file is not None:
        # The key file may have been restored: the next start reads it and derives the audit key.
        key = derive_key(key_file.read_text().strip())
    if manifest.audit_key_id and manifest.audit_key_id != audit_key_id(key):
        click.echo(
            "warning: the audit key configured here (BKA_AUDIT_KEY, or the one derived from "
            "SECRET_KEY) is not the one the backup's audit log was chained with: `bka audit "
            "verify` will report every event until the original key is configured.",
            err=True,
        )


@click.command("backup")
@click.option(
    "--output",
    type=click.Path(dir_okay=False),
    required=True,
    help="The backup file to write (a .tar.gz); an existing file is never overwritten.",
)
@with_appcontext
def backup_command(output: str) -> None:
    """Back up the database (and any other file in the instance folder) into one checked file.

    Safe while bka serves: SQLite is copied through its online backup API, PostgreSQL with
    pg_dump (BKA_PG_BIN names the folder of its programs). The keys (SECRET_KEY, BKA_AUDIT_KEY)
    are not in the backup: keep them separately."""
    from bka.extensions import db
    from bka.operations.backup import BackupError, create

    try:
        result = create(
            db.engine.url,
            output,
            instance_path=current_app.instance_path,
            bka_version=_bka_version(),
            audit_key=current_app.extensions["bka_audit_key"],
            pg_bin=current_app.config.get("PG_BIN"),
        )
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Wrote {result.path} ({result.size} bytes): {_describe(result.manifest)}.")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option(
    "--check",
    is_flag=True,
    help="Only check the backup (every member against the manifest, the migration known to "
    "this bka); change nothing.",
)
@click.option(
    "--replace",
    "--force",
    "replace",
    is_flag=True,
    help="Delete everything in a database that is not empty, and restore the backup instead.",
)
@with_appcontext
def restore_command(path: str, check: bool, replace: bool) -> None:
    """Restore a backup made by `bka backup` into this installation's database (DATABASE_URL),
    which must be empty unless --replace is given. Stop bka first; afterwards run
    `bka db upgrade` when the backup is from an older migration, then `bka audit verify`."""
    from bka.database import MIGRATIONS_DIR
    from bka.extensions import db
    from bka.operations.backup import BackupError, migration_revisions, opened, restore

    known, heads = migration_revisions(MIGRATIONS_DIR)
    try:
        with opened(path, known) as backup:
            manifest = backup.manifest
            if check:
                click.echo(f"ok: {path}: {_describe(manifest)}; every member matches.")
                _warn_about_audit_key(manifest)
                return
            key_file = _key_file()
            db.session.remove()
            db.engine.dispose()  # no pooled connection sees the database change under it
            result = restore(
                backup,
                db.engine.url,
                instance_path=current_app.instance_path,
                replace=replace,
                pg_bin=current_app.config.get("PG_BIN"),
            )
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    finally:
        db.engine.dispose()
    click.echo(
        f"Restored {path}: {_describe(manifest)}"
        + (" (the database's earlier contents were replaced)" if result.replaced else "")
        + "."
    )
    _warn_about_audit_key(manifest, key_file)
    if manifest.revision not in heads:
        click.echo(
            f"The backup is at migration {manifest.revision or 'none'}; this bka needs "
            f"{', '.join(sorted(heads))}: run `bka db upgrade`, then "
            "`bka overview rebuild --check`."
        )
    click.echo("Check it: `bka audit verify`.")


@click.command("export")
@click.argument("analysis_id", type=int)
@click.option(
    "--output",
    type=click.Path(dir_okay=False),
    required=True,
    help="The package to write (a .zip); an existing file is never overwritten.",
)
@with_appcontext
def export_command(analysis_id: int, output: str) -> None:
    """Export ANALYSIS_ID with every linked version as a package: analysis.json (valid against
    docs/package.schema.json), the archived PDFs and manifest.json with their SHA-256."""
    from bka.domain import packages
    from bka.extensions import db
    from bka.models import Analysis
    from bka.models.base import utcnow
    from bka.operations import packages as files
    from bka.operations.packages import PackageError

    analysis = db.session.get(Analysis, analysis_id)
    if analysis is None:
        raise click.UsageError(f"There is no analysis {analysis_id}.")
    now = utcnow()
    try:
        exported = packages.export(analysis, exported_at=now)
        data = files.build(
            exported.files,
            bka_version=_bka_version(),
            created_at=now.isoformat(timespec="seconds"),
        )
        path = files.write(output, data)
    except PackageError as error:
        raise click.ClickException(str(error)) from error
    packages.record_export(
        analysis, exported, files.sha256_bytes(data), actor_label="bka export", file=str(path)
    )
    db.session.commit()
    click.echo(
        f"Wrote {path} ({len(data)} bytes): analyses "
        + ", ".join(str(id_) for id_ in exported.analysis_ids)
        + f", {len(exported.files) - 1} archived PDF(s)."
    )


@click.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def import_command(path: str) -> None:
    """Import a package made by `bka export` as new analyses. Users are matched by e-mail
    address or created inactive. Prints the new id of the exported analysis on its last line."""
    from bka.domain import packages
    from bka.extensions import db
    from bka.operations import packages as files
    from bka.operations.packages import PackageError

    try:
        imported = packages.import_package(files.read(path))
        db.session.commit()
    except PackageError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    for email in imported.users_created:
        click.echo(f"Created inactive user {email} (no password; an administrator enables it).")
    click.echo(
        f"Imported {len(imported.analyses)} analysis version(s): "
        + ", ".join(str(row.id) for row in imported.analyses)
        + "."
    )
    click.echo(imported.analysis.id)


@click.command("retention")
@click.option("--dry-run", is_flag=True, help="List what is due; change nothing.")
@click.option(
    "--apply",
    "apply_",
    is_flag=True,
    help="Export each analysis that is due into --export-dir, then remove it (audited).",
)
@click.option(
    "--export-dir",
    type=click.Path(file_okay=False),
    help="The folder the packages are written to before anything is removed (with --apply).",
)
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day to apply the rules on, YYYY-MM-DD (default: today in BKA_TIME_ZONE).",
)
@with_appcontext
def retention_command(
    dry_run: bool, apply_: bool, export_dir: str | None, today: datetime | None
) -> None:
    """Retention (gallring): the analyses whose organisation's rule (years after closing, on
    the organisation's profile) says they are past their time. With --apply each chain of
    linked versions is exported as a package first, then removed; see docs/retention.md."""
    from pathlib import Path

    from bka.domain import packages, retention
    from bka.extensions import db
    from bka.models import Analysis
    from bka.models.base import utcnow
    from bka.operations import packages as files
    from bka.operations.packages import PackageError
    from bka.web.i18n import local_today

    if dry_run == apply_:  # neither, or both: which one was meant cannot be told
        raise click.UsageError(
            "Give either --dry-run (list what is due) or --apply (export, remove), not both."
        )
    if apply_ and not export_dir:
        raise click.UsageError("--apply needs --export-dir: every analysis is exported first.")
    day = today.date() if today else local_today()
    if apply_ and day > local_today():
        raise click.UsageError(
            f"--apply removes records: --today {day} is later than today ({local_today()}), "
            "which would remove what is not yet due. Use a later --today only with --dry-run."
        )
    due = retention.due(day)
    for item in due:
        click.echo(
            f'due: analysis {item.newest_id} "{item.title}" ({item.organisation}), versions '
            + ", ".join(str(id_) for id_ in item.analysis_ids)
            + f"; ended {item.ended_on}, rule {item.years} year(s) after closing, due since "
            f"{item.due_on}"
        )
    if dry_run:
        click.echo(f"{len(due)} analysis chain(s) due on {day}; dry run, nothing changed.")
        return
    folder = Path(export_dir)
    if not folder.is_dir():
        raise click.ClickException(f"The folder {folder} does not exist.")
    removed = 0
    for item in due:
        now = utcnow()
        name = f"bka-{item.newest_id}-retention-{day.isoformat()}.zip"
        try:
            exported = packages.export(db.session.get(Analysis, item.newest_id), exported_at=now)
            data = files.build(
                exported.files,
                bka_version=_bka_version(),
                created_at=now.isoformat(timespec="seconds"),
            )
            path = files.write(folder / name, data)
            files.read(path)  # what was written reads back whole before anything goes
        except PackageError as error:
            db.session.rollback()
            raise click.ClickException(
                f"{error} Analysis {item.newest_id} and the rest were not removed."
            ) from error
        retention.remove(
            item, package_sha256=files.sha256_bytes(data), package_name=name, today=day
        )
        db.session.commit()
        removed += 1
        click.echo(
            f"exported {path} and removed analyses " + ", ".join(map(str, item.analysis_ids))
        )
    click.echo(f"{removed} analysis chain(s) exported and removed on {day}.")


def register_commands(app) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(export_command)
    app.cli.add_command(import_command)
    app.cli.add_command(retention_command)
    app.cli.add_command(overview_group)
    app.cli.add_command(audit_group)
    app.cli.add_command(mail_group)
    app.cli.add_command(remind_command)
    app.cli.add_command(report_command)
    app.cli.add_command(checklists_group)
    app.cli.add_command(create_user_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(token_group)
