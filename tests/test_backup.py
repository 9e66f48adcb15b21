"""Backup and restore (bka/operations/backup.py, `bka backup`, `bka restore`).

The drill runs on the suite's backend: SQLite under `make test`, PostgreSQL in the second half of
.ci/run (TEST_DATABASE_URL), where the restore goes into a second, empty database on the same
server. Demo data, a backup taken while a team member keeps saving a step, a restore elsewhere,
then the audit chain, every archived PDF and the list of analyses are checked there.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import tarfile
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, make_url, select, text

from bka import create_app
from bka.database import MIGRATIONS_DIR
from bka.demo import DEMO_USERS
from bka.domain import reporting
from bka.domain.permissions import EDIT, can
from bka.extensions import db
from bka.models import Analysis, ArchivedReport, SignOff, StepAnswer, User
from bka.operations import backup as ops
from tests.conftest import Browser

BASE_VERSION = re.compile(r'id="base_version" name="base_version" type="hidden" value="(\d+)"')
STEP = "decision"


@pytest.fixture
def empty_target(database_url, tmp_path):
    """The URL of an empty database of the suite's backend, and the instance folder beside it."""
    instance = tmp_path / "restored-instance"
    instance.mkdir()
    if make_url(database_url).get_backend_name() == "sqlite":
        (tmp_path / "restored").mkdir()
        yield f"sqlite:///{tmp_path / 'restored' / 'bka.sqlite3'}", instance
        return
    given = make_url(database_url)
    name = f"{given.database}_restore"
    server = create_engine(given, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield given.set(database=name).render_as_string(hide_password=False), instance
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def restored_app(url: str, instance: Path):
    application = create_app({"BKA_CONFIG_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url})
    application.instance_path = str(instance)
    return application


def dispose(application) -> None:
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def invoke(application, *args):
    return application.test_cli_runner().invoke(args=list(args))


def analyses_listed(application) -> list[tuple[int, str, str]]:
    with application.app_context():
        return [
            (a.id, a.title, a.status)
            for a in db.session.scalars(select(Analysis).order_by(Analysis.id))
        ]


def archived_digests(application) -> dict[int, str]:
    with application.app_context():
        return {row.id: row.sha256 for row in db.session.scalars(select(ArchivedReport))}


class Saver(threading.Thread):
    """A team member saving one step again and again through the app, as a browser does."""

    def __init__(self, application, analysis_id: int, login):
        super().__init__(daemon=True)
        self.browser = Browser(application.test_client())
        self.browser.login(login, password=login.password)
        self.url = f"/analyses/{analysis_id}/steps/{STEP}"
        self.stop = threading.Event()
        self.saved: list[str] = []
        self.failures: list[int] = []

    def run(self) -> None:
        while not self.stop.is_set():
            page = self.browser.get(self.url).get_data(as_text=True)
            text_saved = f"Förslaget, sparat för {len(self.saved) + 1}:e gången"
            response = self.browser.post(
                self.url,
                {
                    "proposal": text_saved,
                    "save_later": "1",
                    "base_version": BASE_VERSION.search(page).group(1),
                },
            )
            if response.status_code == 302:
                self.saved.append(text_saved)
            else:
                self.failures.append(response.status_code)

    def wait_for(self, count: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while len(self.saved) < count and not self.failures and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.saved) >= count, f"saves: {len(self.saved)}, failures: {self.failures}"


def test_restore_drill_backup_while_saving_then_restore_elsewhere(app, empty_target, tmp_path):
    """The drill of docs/backup.md: demo data, a backup while saves run, a restore into an empty
    database, then the audit chain, every archived PDF and the analyses are checked there."""
    assert invoke(app, "demo").exit_code == 0
    team = next(user for user in DEMO_USERS if user.key == "team")
    with app.app_context():
        member = db.session.scalar(select(User).where(User.email == team.email))
        analysis_id = next(
            a.id
            for a in db.session.scalars(
                select(Analysis).where(Analysis.status == "draft").order_by(Analysis.id)
            )
            if can(member, EDIT, a)
        )
    saver = Saver(app, analysis_id, SimpleNamespace(email=team.email, password=team.password))
    saver.start()
    try:
        saver.wait_for(2)
        before = len(saver.saved)
        path = tmp_path / "bka-backup.tar.gz"
        made = invoke(app, "backup", "--output", str(path))
        during = len(saver.saved) - before
        saver.wait_for(len(saver.saved) + 2)  # and the saves go on after the backup
    finally:
        saver.stop.set()
        saver.join(60)
    assert made.exit_code == 0, made.output
    assert not saver.failures, saver.failures
    print(f"restore drill: {len(saver.saved)} saves, {during} while the backup was taken")

    url, instance = empty_target
    restored = restored_app(url, instance)
    try:
        checked = invoke(restored, "restore", "--check", str(path))
        assert checked.exit_code == 0 and "every member matches" in checked.output
        result = invoke(restored, "restore", str(path))
        assert result.exit_code == 0, result.output
        assert "Restored" in result.output and "warning" not in result.output

        verified = invoke(restored, "audit", "verify")
        assert verified.exit_code == 0, verified.output
        assert "chain intact" in verified.output
        # The overview tallies came along as they were (current or not, as in the source).
        tallies = invoke(restored, "overview", "rebuild", "--check")
        source_tallies = invoke(app, "overview", "rebuild", "--check")
        assert (tallies.exit_code, tallies.output) == (
            source_tallies.exit_code,
            source_tallies.output,
        )

        # Every archived PDF is there, byte for byte, and passes the check made on download.
        digests = archived_digests(restored)
        assert digests and digests == archived_digests(app)
        with restored.app_context():
            signed = 0
            for row in db.session.scalars(select(ArchivedReport)):
                assert hashlib.sha256(row.pdf).hexdigest() == row.sha256
                signature = db.session.get(SignOff, row.sign_off_id)
                if row.locale == signature.locale and signature.report_sha256:
                    assert signature.report_sha256 == row.sha256
            for analysis in db.session.scalars(select(Analysis)):
                for locale in restored.config["LANGUAGES"]:
                    with restored.test_request_context():
                        signed += reporting.archived_report(analysis, locale) is not None
            assert signed > 0

        # The same analyses, and the step as one of the saves left it (a consistent snapshot).
        assert analyses_listed(restored) == analyses_listed(app)
        with restored.app_context():
            answer = db.session.scalar(
                select(StepAnswer).where(
                    StepAnswer.analysis_id == analysis_id, StepAnswer.step_key == STEP
                )
            )
            assert answer.answers["proposal"] in saver.saved[: before + during + 1]
    finally:
        dispose(restored)


# --- what restore refuses --------------------------------------------------------------------


@pytest.fixture
def small_backup(app, make_user, make_analysis, tmp_path):
    """A backup of a database holding one user and one analysis."""
    owner = make_user(name="Tove Ägare")
    make_analysis(owner, title="Ny vårdcentral i Borås")
    path = tmp_path / "small.tar.gz"
    result = invoke(app, "backup", "--output", str(path))
    assert result.exit_code == 0, result.output
    return path


def rewrite(source: Path, target: Path, change) -> Path:
    """Copy a backup member by member; `change(name, data)` returns new bytes, or None to drop
    the member."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for info in old:
            data = change(info.name, old.extractfile(info).read())
            if data is None:
                continue
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))
    return target


def test_backup_holds_a_manifest_with_the_hash_of_every_member(app, small_backup):
    with tarfile.open(small_backup, "r:gz") as archive:
        names = archive.getnames()
        manifest = json.loads(archive.extractfile("manifest.json").read())
        contents = {name: archive.extractfile(name).read() for name in names[1:]}
    assert names[0] == "manifest.json"
    assert manifest["format"] == "bka-backup/1"
    _revisions, heads = ops.migration_revisions(MIGRATIONS_DIR)
    assert {manifest["migration_revision"]} == heads
    with app.app_context():
        assert manifest["backend"] == db.engine.dialect.name
    assert manifest["bka_version"] and manifest["created_at"].endswith("+00:00")
    assert manifest["audit_key_id"] == ops.audit_key_id(app.extensions["bka_audit_key"])
    assert {m["name"]: m["sha256"] for m in manifest["members"]} == {
        name: hashlib.sha256(data).hexdigest() for name, data in contents.items()
    }
    assert small_backup.stat().st_mode & 0o077 == 0  # readable by its owner only


def test_backup_never_overwrites_a_file(app, small_backup):
    before = small_backup.read_bytes()
    result = invoke(app, "backup", "--output", str(small_backup))
    assert result.exit_code == 1 and "already exists" in result.output
    assert small_backup.read_bytes() == before


def test_restore_refuses_a_database_that_is_not_empty_unless_told(app, small_backup, empty_target):
    url, instance = empty_target
    restored = restored_app(url, instance)
    try:
        assert invoke(restored, "restore", str(small_backup)).exit_code == 0
        with restored.app_context():
            db.session.execute(text("UPDATE analysis SET title = 'Ändrad efteråt'"))
            db.session.commit()
        again = invoke(restored, "restore", str(small_backup))
        assert again.exit_code == 1
        assert "The database is not empty" in again.output and "--replace" in again.output
        assert [title for _, title, _ in analyses_listed(restored)] == ["Ändrad efteråt"]
        replaced = invoke(restored, "restore", "--replace", str(small_backup))
        assert replaced.exit_code == 0, replaced.output
        assert "earlier contents were replaced" in replaced.output
        assert analyses_listed(restored) == analyses_listed(app)
    finally:
        dispose(restored)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("truncated", "damaged or truncated"),
        ("altered database", "database.sqlite3|database.pgdump"),
        ("dropped database", "is missing"),
        ("added member", "instance/extra.txt is not in the manifest"),
        ("newer migration", "made by a newer bka"),
        ("not a backup", "damaged or truncated"),
    ],
)
def test_restore_refuses_a_damaged_or_newer_backup(
    app, small_backup, empty_target, damage, message
):
    url, instance = empty_target
    target = small_backup.with_name("damaged.tar.gz")
    database_member = re.compile(r"database\.")
    if damage == "truncated":
        target.write_bytes(small_backup.read_bytes()[: small_backup.stat().st_size // 2])
    elif damage == "altered database":
        rewrite(
            small_backup,
            target,
            lambda n, d: d[:-1] + bytes([d[-1] ^ 1]) if database_member.match(n) else d,
        )
    elif damage == "dropped database":
        rewrite(small_backup, target, lambda n, d: None if database_member.match(n) else d)
    elif damage == "added member":
        with tarfile.open(small_backup, "r:gz") as old, tarfile.open(target, "w:gz") as new:
            for info in old:
                new.addfile(info, old.extractfile(info))
            extra = tarfile.TarInfo("instance/extra.txt")
            extra.size = 4
            new.addfile(extra, io.BytesIO(b"gift"))
    elif damage == "newer migration":

        def newer(name, data):
            if name != "manifest.json":
                return data
            manifest = json.loads(data)
            manifest["migration_revision"] = "0099_from_the_future"
            return json.dumps(manifest).encode()

        rewrite(small_backup, target, newer)
    else:
        target.write_bytes(b"PK\x03\x04 not a tar archive")
    restored = restored_app(url, instance)
    try:
        for args in (("restore", "--check", str(target)), ("restore", str(target))):
            result = invoke(restored, *args)
            assert result.exit_code == 1, result.output
            assert re.search(message, result.output), result.output
            assert "Nothing was restored" in result.output
        assert ops.existing_tables(url) == []  # nothing was written
    finally:
        dispose(restored)


def test_instance_files_come_along_and_the_new_key_file_gives_way(app, tmp_path, empty_target):
    """Everything under the instance folder but the database is backed up; restoring into a new
    installation replaces the key file its first start made (the audit key derives from it)."""
    source_instance = Path(app.instance_path)
    (source_instance / "secret_key").write_text("a" * 64)
    (source_instance / "notes").mkdir(exist_ok=True)
    (source_instance / "notes" / "drift.txt").write_text("Driftanteckning")
    path = tmp_path / "with-files.tar.gz"
    try:
        assert invoke(app, "backup", "--output", str(path)).exit_code == 0
    finally:  # the app fixture's instance folder serves the other tests too
        (source_instance / "secret_key").unlink()
        (source_instance / "notes" / "drift.txt").unlink()
        (source_instance / "notes").rmdir()
    with tarfile.open(path, "r:gz") as archive:
        names = set(archive.getnames())
    assert {"instance/secret_key", "instance/notes/drift.txt"} <= names
    assert not any(name.endswith((".sqlite3-wal", ".sqlite3-shm")) for name in names)

    url, instance = empty_target
    (instance / "secret_key").write_text("b" * 64)  # what a first start there wrote
    (instance / "notes").mkdir()
    (instance / "notes" / "drift.txt").write_text("Annan anteckning")
    restored = restored_app(url, instance)
    try:
        clash = invoke(restored, "restore", str(path))
        assert clash.exit_code == 1 and "drift.txt" in clash.output
        assert "secret_key" not in clash.output.split("versions of")[1]
        assert ops.existing_tables(url) == []
        (instance / "notes" / "drift.txt").unlink()
        assert invoke(restored, "restore", str(path)).exit_code == 0
        assert (instance / "secret_key").read_text() == "a" * 64
        assert (instance / "notes" / "drift.txt").read_text() == "Driftanteckning"
    finally:
        dispose(restored)
