"""Export packages as one zip file, checked before anything is read from them.

A package is a zip archive holding:

- `manifest.json`: the package format, the bka version that wrote it, when, and the SHA-256 and
  size of every other member;
- `analysis.json`: the record (bka.domain.packages builds and restores it), valid against the
  JSON Schema published as docs/package.schema.json;
- `reports/...pdf`: the archived PDFs of every signed version, byte for byte as archived.

Reading checks the whole archive first (a readable zip, the manifest, every member's hash and
size, nothing missing or added, a format this code knows) and raises PackageError with a message
that says what is wrong. This module knows nothing of bka's models: it moves bytes. It reuses
the backup's notion of a checked member (bka.operations.backup).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from bka.operations.backup import Member

FORMAT = "bka-package/1"
FORMAT_FAMILY = "bka-package/"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
RECORD = "analysis.json"
REPORTS_PREFIX = "reports/"
# Packages are small (text and a few PDFs); a member over this is refused before it is read.
MAX_MEMBER_SIZE = 256 << 20
# A fixed time stamp on every zip member: the same content gives the same zip bytes.
ZIP_TIME = (2020, 1, 1, 0, 0, 0)


class PackageError(Exception):
    """A package could not be written, checked or read; the message says why."""


@dataclass(frozen=True)
class PackageManifest:
    bka_version: str
    created_at: str
    members: tuple[Member, ...]
    format: str = FORMAT

    def to_json(self) -> bytes:
        return json.dumps(
            {
                "format": self.format,
                "bka_version": self.bka_version,
                "created_at": self.created_at,
                "members": [
                    {"name": m.name, "sha256": m.sha256, "size": m.size} for m in self.members
                ],
            },
            indent=2,
            ensure_ascii=False,
            sort_keys=True,
        ).encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes) -> PackageManifest:
        try:
            data = json.loads(raw)
            format_name = str(data["format"])
            manifest = cls(
                format=format_name,
                bka_version=str(data["bka_version"]),
                created_at=str(data["created_at"]),
                members=tuple(
                    Member(str(m["name"]), str(m["sha256"]), int(m["size"]))
                    for m in data["members"]
                ),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise PackageError(
                f"The package's {MANIFEST} cannot be read ({type(error).__name__}): this is not "
                "a bka package, or it is damaged. Nothing was imported."
            ) from error
        if manifest.format != FORMAT:
            version = manifest.format.removeprefix(FORMAT_FAMILY)
            newer = version.isdigit() and int(version) > FORMAT_VERSION
            if manifest.format.startswith(FORMAT_FAMILY) and newer:
                raise PackageError(
                    f"The package has the newer format {manifest.format!r} (made by bka "
                    f"{manifest.bka_version}); this bka reads {FORMAT!r}. Import it with that "
                    "version of bka or a newer one. Nothing was imported."
                )
            raise PackageError(
                f"The package has the format {manifest.format!r}; this bka reads {FORMAT!r}. "
                "Nothing was imported."
            )
        return manifest


@dataclass(frozen=True)
class CheckedPackage:
    manifest: PackageManifest
    files: dict[str, bytes]

    @property
    def record(self) -> bytes:
        return self.files[RECORD]


def installed_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("bka")
    except PackageNotFoundError:
        return "unknown"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build(files: dict[str, bytes], *, bka_version: str, created_at: str) -> bytes:
    """The zip bytes of a package holding `files` (name -> bytes) and their manifest."""
    for name in files:
        if not _safe_name(name) or name == MANIFEST:
            raise PackageError(f"{name!r} cannot be a member of a package.")
    if RECORD not in files:
        raise PackageError(f"A package needs its {RECORD}.")
    manifest = PackageManifest(
        bka_version=bka_version,
        created_at=created_at,
        members=tuple(
            Member(name, sha256_bytes(data), len(data)) for name, data in sorted(files.items())
        ),
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in [(MANIFEST, manifest.to_json()), *sorted(files.items())]:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def write(path: str | os.PathLike, data: bytes) -> Path:
    """Write package bytes to `path`, never over an existing file; whole or not at all."""
    path = Path(path)
    if path.exists():
        raise PackageError(f"{path} already exists: give a new name.")
    if not path.parent.is_dir():
        raise PackageError(f"The folder {path.parent} does not exist.")
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".bka-package-", delete=False) as out:
        out.write(data)
        partial = Path(out.name)
    partial.chmod(0o600)  # the package holds names and e-mail addresses
    os.replace(partial, path)
    return path


def read(source: str | os.PathLike | bytes) -> CheckedPackage:
    """Check a package (a path or its bytes) completely; raise PackageError on any damage."""
    if isinstance(source, bytes):
        handle, label = io.BytesIO(source), "The package"
    else:
        path = Path(source)
        if not path.is_file():
            raise PackageError(f"There is no package file at {path}.")
        handle, label = path.open("rb"), f"The package {path}"
    try:
        return _read(handle, label)
    finally:
        handle.close()


def _read(handle, label: str) -> CheckedPackage:
    files: dict[str, bytes] = {}
    manifest_raw: bytes | None = None
    try:
        with zipfile.ZipFile(handle) as archive:
            for info in archive.infolist():
                name = info.filename
                if info.is_dir() or not (_safe_name(name) or name == MANIFEST):
                    raise PackageError(
                        f"{label} holds an unexpected entry {name!r}: it is not a bka package, "
                        "or it was altered. Nothing was imported."
                    )
                if name in files or (name == MANIFEST and manifest_raw is not None):
                    raise PackageError(f"{label} holds {name!r} twice: it was altered.")
                if info.file_size > MAX_MEMBER_SIZE:
                    raise PackageError(f"{label}: {name} is too large to be a bka package member.")
                data = archive.read(info)
                if name == MANIFEST:
                    manifest_raw = data
                else:
                    files[name] = data
    except zipfile.BadZipFile as error:
        raise PackageError(
            f"{label} is not a zip file, or it is damaged or truncated ({error}). Nothing was "
            "imported."
        ) from error
    except (zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError) as error:
        raise PackageError(
            f"{label} cannot be read ({type(error).__name__}: {error}). Nothing was imported."
        ) from error
    if manifest_raw is None:
        raise PackageError(f"{label} has no {MANIFEST}: it is not a bka package.")
    manifest = PackageManifest.from_json(manifest_raw)
    expected = {member.name: member for member in manifest.members}
    problems = [f"{name} is missing" for name in sorted(expected.keys() - files.keys())]
    problems += [f"{name} is not in the manifest" for name in sorted(files.keys() - expected)]
    for name in sorted(expected.keys() & files.keys()):
        data = files[name]
        if Member(name, sha256_bytes(data), len(data)) != expected[name]:
            problems.append(f"{name} does not match its SHA-256 in the manifest")
    if RECORD not in expected:
        problems.append(f"{RECORD} is missing")
    if problems:
        raise PackageError(
            f"{label} was altered or damaged: "
            + "; ".join(dict.fromkeys(problems))
            + ". Nothing was imported."
        )
    return CheckedPackage(manifest, files)


def _safe_name(name: str) -> bool:
    pure = PurePosixPath(name)
    return (
        bool(name)
        and not pure.is_absolute()
        and ".." not in pure.parts
        and "\\" not in name
        and (name == RECORD or (name.startswith(REPORTS_PREFIX) and name.endswith(".pdf")))
    )
