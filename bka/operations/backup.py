"""Backups as one file, checked before anything is restored from them.

A backup is a gzipped tar archive holding:

- `manifest.json`: the format, the bka version, the migration revision of the database, the
  backend (sqlite or postgresql), when it was made, a fingerprint of the audit key (never the
  key) and the SHA-256 and size of every other member;
- `database.sqlite3` (SQLite, copied with SQLite's online backup API: a consistent snapshot,
  taken while the app keeps writing) or `database.pgdump` (PostgreSQL, `pg_dump
  --format=custom`: one transaction, so a consistent snapshot too);
- `instance/...`: every other file in the instance folder. Everything bka keeps is in the
  database (analyses, revisions, archived signed PDFs, the audit log, sessions, throttling, the
  mail outbox); outside it there are only the keys. Keys given in the environment (SECRET_KEY,
  BKA_AUDIT_KEY, as production requires) are not in the backup: keep them separately. A
  development installation's `instance/secret_key` file is, since it lies beside the database
  anyway and the audit key is derived from it (see docs/backup.md).

Restoring checks the whole archive first (every member's hash and size, nothing missing or
added, the revision known to this code), then writes into an empty database only, unless told
to replace what is there. Restoring from one backend into the other is not supported.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, make_url, text
from sqlalchemy.engine import URL

FORMAT = "bka-backup/1"
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.pgdump"
INSTANCE_PREFIX = "instance/"
# Files of the instance folder that are not copied as files: SQLite databases (backed up through
# their API) with their journal files.
SKIPPED_INSTANCE_FILES = re.compile(r"(^|/)[^/]*\.sqlite3(-wal|-shm|-journal)?$")
# The development secret key that `bka` writes at its first start (bka/web/security.py).
SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a secret
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup could not be made, checked or restored; the message says why and what to do."""


@dataclass(frozen=True)
class Member:
    name: str
    sha256: str
    size: int


@dataclass(frozen=True)
class Manifest:
    bka_version: str
    revision: str | None
    backend: str
    created_at: str
    audit_key_id: str | None
    members: tuple[Member, ...]
    format: str = FORMAT

    @property
    def database_member(self) -> str:
        return SQLITE_MEMBER if self.backend == "sqlite" else POSTGRES_MEMBER

    @property
    def instance_files(self) -> tuple[Member, ...]:
        return tuple(m for m in self.members if m.name.startswith(INSTANCE_PREFIX))

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": self.format,
                "bka_version": self.bka_version,
                "migration_revision": self.revision,
                "backend": self.backend,
                "created_at": self.created_at,
                "audit_key_id": self.audit_key_id,
                "members": [
                    {"name": m.name, "sha256": m.sha256, "size": m.size} for m in self.members
                ],
            },
            indent=2,
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            data = json.loads(raw)
            manifest = cls(
                format=data["format"],
                bka_version=str(data["bka_version"]),
                revision=data["migration_revision"],
                backend=data["backend"],
                created_at=str(data["created_at"]),
                audit_key_id=data.get("audit_key_id"),
                members=tuple(
                    Member(str(m["name"]), str(m["sha256"]), int(m["size"]))
                    for m in data["members"]
                ),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise BackupError(
                f"The backup's {MANIFEST} cannot be read ({type(error).__name__}): this is not "
                "a bka backup, or it is damaged. Nothing was restored."
            ) from error
        if manifest.format != FORMAT:
            raise BackupError(
                f"The backup has the format {manifest.format!r}; this bka reads {FORMAT!r}. "
                "Nothing was restored."
            )
        if manifest.backend not in ("sqlite", "postgresql"):
            raise BackupError(f"The backup names an unknown backend {manifest.backend!r}.")
        return manifest


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: Manifest

    @property
    def size(self) -> int:
        return self.path.stat().st_size


def audit_key_id(key: bytes) -> str:
    """A fingerprint of the audit key that tells whether two installations share it, and says
    nothing about the key itself."""
    return hmac.new(key, b"bka backup: audit key fingerprint", hashlib.sha256).hexdigest()[:16]


def migration_revisions(directory: str | os.PathLike) -> tuple[frozenset[str], frozenset[str]]:
    """(every revision, the heads) of the migrations shipped in `directory`."""
    config = Config()
    config.set_main_option("script_location", str(directory))
    script = ScriptDirectory.from_config(config)
    return (
        frozenset(revision.revision for revision in script.walk_revisions()),
        frozenset(script.get_heads()),
    )


def backend_of(url: str | URL) -> str:
    name = make_url(url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"bka backs up SQLite and PostgreSQL databases, not {name}.")
    return name


# --- making a backup -------------------------------------------------------------------------


def create(
    url: str | URL,
    output: str | os.PathLike,
    *,
    instance_path: str | os.PathLike | None,
    bka_version: str,
    audit_key: bytes | None,
    pg_bin: str | None = None,
    now: datetime | None = None,
) -> BackupResult:
    """Back up the database at `url` and the instance folder's other files into `output`.

    The archive is written beside `output` and renamed when complete, so a file under the name
    given is always a whole backup. An existing `output` is never overwritten."""
    output = Path(output)
    if output.exists():
        raise BackupError(f"{output} already exists: give a new name (for example with the date).")
    if not output.parent.is_dir():
        raise BackupError(f"The folder {output.parent} does not exist.")
    backend = backend_of(url)
    created_at = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    with tempfile.TemporaryDirectory(prefix="bka-backup-", dir=output.parent) as work:
        work_dir = Path(work)
        if backend == "sqlite":
            database_file = work_dir / SQLITE_MEMBER
            revision = _sqlite_snapshot(url, database_file)
        else:
            database_file = work_dir / POSTGRES_MEMBER
            revision = _pg_dump(url, database_file, pg_bin)
        files = [(database_file.name, database_file)]
        files += [
            (INSTANCE_PREFIX + relative, path)
            for relative, path in _instance_files(instance_path, _not_copied(url, output))
        ]
        manifest = Manifest(
            bka_version=bka_version,
            revision=revision,
            backend=backend,
            created_at=created_at,
            audit_key_id=audit_key_id(audit_key) if audit_key else None,
            members=tuple(
                Member(name, _sha256_file(path), path.stat().st_size) for name, path in files
            ),
        )
        partial = work_dir / "backup.partial"
        with tarfile.open(partial, "w:gz") as archive:
            _add_bytes(archive, MANIFEST, manifest.to_json().encode("utf-8"))
            for name, path in files:
                archive.add(path, arcname=name, recursive=False, filter=_plain_member)
        partial.chmod(0o600)  # the backup holds everything the database holds
        os.replace(partial, output)
    return BackupResult(output, manifest)


def _sqlite_path(url: str | URL) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(database)


def _sqlite_snapshot(url: str | URL, target: Path) -> str | None:
    source_path = _sqlite_path(url)
    if not source_path.is_file():
        raise BackupError(f"There is no SQLite database at {source_path}.")
    source = sqlite3.connect(source_path, timeout=30)
    try:
        destination = sqlite3.connect(target)
        try:
            # One step: a consistent snapshot. Under WAL the app's writers are not blocked.
            source.backup(destination)
            return _sqlite_revision(destination)
        finally:
            destination.close()
    finally:
        source.close()


def _sqlite_revision(connection: sqlite3.Connection) -> str | None:
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    return row[0] if row else None


def _not_copied(url: str | URL, output: Path) -> set[Path]:
    excluded = {output.resolve()}
    if backend_of(url) == "sqlite":
        database = _sqlite_path(url).resolve()
        excluded |= {Path(f"{database}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")}
    return excluded


def _instance_files(
    instance_path: str | os.PathLike | None, excluded: set[Path]
) -> Iterator[tuple[str, Path]]:
    if not instance_path or not Path(instance_path).is_dir():
        return
    root = Path(instance_path).resolve()
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if (
            path.is_file()
            and not path.is_symlink()
            and path.resolve() not in excluded
            and not SKIPPED_INSTANCE_FILES.search(relative)
            and not relative.startswith("bka-backup-")  # another backup's work folder
            and not _looks_like_backup(path)
        ):
            yield relative, path


def _looks_like_backup(path: Path) -> bool:
    """A backup kept in the instance folder is not backed up again inside the next one."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            return archive.next().name == MANIFEST
    except (tarfile.TarError, EOFError, OSError, zlib.error, AttributeError):
        return False


def _plain_member(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o600
    return info


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(datetime.now(UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- checking a backup -----------------------------------------------------------------------


@contextmanager
def opened(path: str | os.PathLike, known_revisions: Iterable[str]) -> Iterator[CheckedBackup]:
    """Check the whole archive and unpack it into a temporary folder; raise BackupError on any
    damage (truncated, altered, members missing or added) or a revision this code does not
    know (a backup made by a newer bka)."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    with tempfile.TemporaryDirectory(prefix="bka-restore-") as work:
        manifest = _unpack(path, Path(work))
        if manifest.revision is not None and manifest.revision not in set(known_revisions):
            raise BackupError(
                f"The backup was made by a newer bka (version {manifest.bka_version}, migration "
                f"{manifest.revision}) than this one, which does not know that migration. "
                "Install that version of bka (or a newer one) to restore it. Nothing was "
                "restored."
            )
        yield CheckedBackup(path, manifest, Path(work))


@dataclass(frozen=True)
class CheckedBackup:
    path: Path
    manifest: Manifest
    folder: Path

    def file(self, member: str) -> Path:
        return self.folder / member


def _unpack(path: Path, folder: Path) -> Manifest:
    manifest: Manifest | None = None
    found: dict[str, Member] = {}
    try:
        with tarfile.open(path, "r:gz") as archive:
            for info in archive:
                name = info.name
                if not info.isfile() or not _safe_name(name):
                    raise BackupError(
                        f"The backup {path} holds an unexpected entry {name!r}: it is not a bka "
                        "backup, or it was altered. Nothing was restored."
                    )
                if name in found or (name == MANIFEST and manifest is not None):
                    raise BackupError(f"The backup {path} holds {name!r} twice: it was altered.")
                handle = archive.extractfile(info)
                if name == MANIFEST:
                    manifest = Manifest.from_json(handle.read())
                    continue
                target = folder / name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                size = 0
                with target.open("wb") as out:
                    while chunk := handle.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                found[name] = Member(name, digest.hexdigest(), size)
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise BackupError(
            f"The backup {path} is damaged or truncated: it cannot be read to its end "
            f"({type(error).__name__}). Nothing was restored; use another backup."
        ) from error
    if manifest is None:
        raise BackupError(
            f"The backup {path} has no {MANIFEST}: it is not a bka backup. Nothing was restored."
        )
    expected = {member.name: member for member in manifest.members}
    problems = []
    for name in sorted(expected.keys() - found.keys()):
        problems.append(f"{name} is missing")
    for name in sorted(found.keys() - expected.keys()):
        problems.append(f"{name} is not in the manifest")
    for name in sorted(expected.keys() & found.keys()):
        if found[name] != expected[name]:
            problems.append(f"{name} does not match its SHA-256 or size in the manifest")
    if manifest.database_member not in expected:
        problems.append(f"{manifest.database_member} is missing")
    if problems:
        raise BackupError(
            f"The backup {path} was altered or damaged: "
            + "; ".join(dict.fromkeys(problems))
            + ". Nothing was restored; use another backup."
        )
    return manifest


def _safe_name(name: str) -> bool:
    pure = PurePosixPath(name)
    return (
        bool(name)
        and not pure.is_absolute()
        and ".." not in pure.parts
        and "\\" not in name
        and (name in (MANIFEST, SQLITE_MEMBER, POSTGRES_MEMBER) or name.startswith(INSTANCE_PREFIX))
    )


# --- restoring -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    replaced: bool
    instance_files: tuple[str, ...]


def restore(
    backup: CheckedBackup,
    url: str | URL,
    *,
    instance_path: str | os.PathLike | None,
    replace: bool = False,
    pg_bin: str | None = None,
) -> RestoreResult:
    """Restore a checked backup into the database at `url` (of the same backend) and its
    instance files into `instance_path`. Refuses a database that has tables, and instance
    files that differ from the backup's, unless `replace`."""
    manifest = backup.manifest
    backend = backend_of(url)
    if backend != manifest.backend:
        raise BackupError(
            f"The backup is of a {manifest.backend} database and this bka uses {backend}: "
            "restoring across backends is not supported. Nothing was restored."
        )
    tables = existing_tables(url)
    if tables and not replace:
        shown = ", ".join(tables[:3]) + (", …" if len(tables) > 3 else "")
        raise BackupError(
            f"The database is not empty ({len(tables)} tables: {shown}). Restore into an empty "
            "database, or give --replace to delete everything in it and restore the backup "
            "instead. Nothing was restored."
        )
    # A new installation's key file, made by the command that runs this restore, has signed
    # nothing that lasts (sessions live in the database, and it is empty): the backup's replaces it.
    clashes = _instance_clashes(backup, instance_path, fresh=not tables)
    if clashes and not replace:
        raise BackupError(
            f"The instance folder {instance_path} already has other versions of "
            + ", ".join(clashes)
            + ". Give --replace to overwrite them. Nothing was restored."
        )
    if backend == "sqlite":
        _sqlite_restore(backup.file(SQLITE_MEMBER), url)
    else:
        if tables:
            _pg_empty(url)
        _pg_restore(backup.file(POSTGRES_MEMBER), url, pg_bin)
    written = []
    for member in manifest.instance_files:
        relative = member.name.removeprefix(INSTANCE_PREFIX)
        target = Path(instance_path) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(backup.file(member.name), target)
        target.chmod(0o600)
        written.append(relative)
    return RestoreResult(manifest, bool(tables), tuple(written))


def existing_tables(url: str | URL) -> list[str]:
    if backend_of(url) == "sqlite" and not _sqlite_path(url).exists():
        return []
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return sorted(inspect(connection).get_table_names())
    finally:
        engine.dispose()


def _instance_clashes(backup: CheckedBackup, instance_path, *, fresh: bool) -> list[str]:
    if not backup.manifest.instance_files:
        return []
    if instance_path is None:
        raise BackupError("The backup holds instance files, but no instance folder was given.")
    clashes = []
    for member in backup.manifest.instance_files:
        relative = member.name.removeprefix(INSTANCE_PREFIX)
        if fresh and relative == SECRET_KEY_FILE:
            continue
        target = Path(instance_path) / relative
        if target.exists() and (not target.is_file() or _sha256_file(target) != member.sha256):
            clashes.append(target.name)
    return clashes


def _sqlite_restore(source_file: Path, url: str | URL) -> None:
    target_path = _sqlite_path(url)
    target_path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(source_file)
    try:
        check = source.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(
                f"The database in the backup fails SQLite's integrity check ({check}). "
                "Nothing was restored; use another backup."
            )
        destination = sqlite3.connect(target_path, timeout=30)
        try:
            # Replaces every page of the target, whatever it held, in one step.
            source.backup(destination)
            destination.execute("PRAGMA journal_mode = WAL")
        finally:
            destination.close()
    finally:
        source.close()


# --- PostgreSQL ------------------------------------------------------------------------------


def _libpq(url: str | URL) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and the environment carrying it (so it is
    never on a command line, where other users of the machine could read it)."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def server_major(url: str | URL) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.scalar(text("SHOW server_version_num"))) // 10000
    finally:
        engine.dispose()


def find_pg_tool(name: str, major: int, pg_bin: str | None = None) -> str:
    """The PostgreSQL client program `name` for a server of version `major`: from `pg_bin`
    (BKA_PG_BIN) when given, else Debian's /usr/lib/postgresql/<major>/bin, else the PATH. It
    must be at least the server's version (pg_dump refuses a newer server)."""
    if pg_bin:
        candidates = [Path(pg_bin) / name]
    else:
        candidates = [Path(f"/usr/lib/postgresql/{major}/bin") / name]
        on_path = shutil.which(name)
        if on_path:
            candidates.append(Path(on_path))
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            found = _tool_major(candidate)
            if found is not None and found >= major:
                return str(candidate)
    where = f"in BKA_PG_BIN ({pg_bin})" if pg_bin else "on this machine"
    raise BackupError(
        f"No {name} of PostgreSQL {major} or newer was found {where}. Install the PostgreSQL "
        f"{major} client programs (Debian: postgresql-client-{major}) or set BKA_PG_BIN to the "
        "folder that holds them."
    )


def _tool_major(program: Path) -> int | None:
    try:
        answer = subprocess.run(  # noqa: S603 - a fixed program and argument
            [str(program), "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except OSError:
        return None
    match = re.search(r"(\d+)(?:\.\d+)?", answer.stdout)
    return int(match.group(1)) if match else None


def _run(args: list[str], env: dict[str, str], what: str) -> str:
    answer = subprocess.run(args, capture_output=True, text=True, env=env, check=False)  # noqa: S603
    if answer.returncode != 0:
        detail = answer.stderr.strip().splitlines()
        raise BackupError(
            f"{what} failed (exit {answer.returncode}): " + (" / ".join(detail[-5:]) or "no output")
        )
    return answer.stdout


def _pg_revision(url: str | URL) -> str | None:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            return connection.scalar(text("SELECT version_num FROM alembic_version"))
    finally:
        engine.dispose()


def _pg_dump(url: str | URL, target: Path, pg_bin: str | None) -> str | None:
    pg_dump = find_pg_tool("pg_dump", server_major(url), pg_bin)
    revision = _pg_revision(url)
    conninfo, env = _libpq(url)
    _run(
        [
            pg_dump,
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={target}",
            f"--dbname={conninfo}",
        ],
        env,
        "pg_dump",
    )
    return revision


def _pg_empty(url: str | URL) -> None:
    """Drop every table, view, sequence and type in the public schema (for --replace)."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            for kind, query in (
                (
                    "VIEW",
                    "SELECT table_name FROM information_schema.views WHERE table_schema = 'public'",
                ),
                ("TABLE", "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"),
                (
                    "SEQUENCE",
                    "SELECT sequence_name FROM information_schema.sequences "
                    "WHERE sequence_schema = 'public'",
                ),
                (
                    "TYPE",
                    "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
                    "WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd', 'c') "
                    "AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.reltype = t.oid)",
                ),
            ):
                for name in connection.scalars(text(query)).all():
                    quoted = '"' + name.replace('"', '""') + '"'
                    connection.execute(text(f"DROP {kind} IF EXISTS public.{quoted} CASCADE"))
    finally:
        engine.dispose()


def _pg_restore(dump: Path, url: str | URL, pg_bin: str | None) -> None:
    pg_restore = find_pg_tool("pg_restore", server_major(url), pg_bin)
    conninfo, env = _libpq(url)
    listing = _run([pg_restore, "--list", str(dump)], env, "pg_restore --list")
    # The public schema already exists in the target (a dump of a database whose public schema
    # was re-created carries CREATE SCHEMA public): leave it out, restore everything else.
    kept = [
        line
        for line in listing.splitlines()
        if not re.search(r"\b(SCHEMA|COMMENT) - (SCHEMA )?public\b", line)
    ]
    with tempfile.NamedTemporaryFile("w", suffix=".list", delete=False) as handle:
        handle.write("\n".join(kept) + "\n")
        list_file = handle.name
    try:
        _run(
            [
                pg_restore,
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--use-list={list_file}",
                f"--dbname={conninfo}",
                str(dump),
            ],
            env,
            "pg_restore",
        )
    finally:
        with suppress(OSError):
            os.unlink(list_file)
