"""Export packages: an analysis with every linked version, as a record another installation can
import (docs/packages.md).

`analysis.json` is built table by table from the models: every row of every table that belongs
to the analyses of the chain, ordered by id. Ids of this installation never appear: a row's id
becomes its `ref` (its place in its table, from 1), a reference to another row of the package
becomes `<name>_ref`, a reference to a user becomes `<name>_email` (the users are listed once
with their names) and a checklist revision is listed once and referred to by its ref. The JSON
Schema of the document (docs/package.schema.json) is generated from the same table list
(`schema()`), so the two cannot drift apart unnoticed (tests/test_packages.py).

Left out on purpose: what the installation derives (the overview tallies and search text), what
is operational (reminders sent, notifications, unsaved drafts, optimistic-lock counters) and the
audit log, which is the installation's own chained record; the import is audited there.

Import writes new rows with new ids, keeps every recorded time stamp, matches users by e-mail
address or creates them inactive with no usable password, matches checklist revisions by content
hash, and checks that every stored snapshot still has the hash that was signed and every archived
PDF the hash recorded at sign-off. It flushes; the caller commits (or rolls back on an error).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import jsonschema
from sqlalchemy import JSON, Boolean, Date, Float, Integer, LargeBinary, String, Text, or_, select
from sqlalchemy.exc import SQLAlchemyError

from bka.domain import audit, history, workflow
from bka.domain.entries import ENTRY_KINDS
from bka.extensions import db
from bka.models import (
    Alternative,
    Analysis,
    AnalysisAuthor,
    ArchivedReport,
    ChecklistRevision,
    Checkpoint,
    ChildFeedback,
    ChildGroup,
    Comment,
    Consultation,
    DecisionRecord,
    EditLog,
    EvidenceSource,
    FollowUpEvent,
    Impact,
    Indicator,
    Measure,
    MeasureUpdate,
    Membership,
    ObservedEffect,
    Reading,
    ReviewRound,
    Revision,
    RevisionRedaction,
    SignOff,
    StepAnswer,
    Trigger,
    TriggerHit,
    User,
    VersionLink,
)
from bka.models.base import UTCDateTime
from bka.operations.packages import FORMAT, REPORTS_PREFIX, CheckedPackage, PackageError

# The tables of a package, in an order where every row comes after the rows it refers to.
TABLES: tuple[type, ...] = (
    Analysis,
    AnalysisAuthor,
    Membership,
    StepAnswer,
    Revision,
    RevisionRedaction,
    ReviewRound,
    Comment,
    SignOff,
    ArchivedReport,
    DecisionRecord,
    ChildGroup,
    EvidenceSource,
    Consultation,
    Impact,
    Alternative,
    Measure,
    Indicator,
    Checkpoint,
    Reading,
    MeasureUpdate,
    ObservedEffect,
    FollowUpEvent,
    ChildFeedback,
    Trigger,
    TriggerHit,
    EditLog,  # after the entries its entry_ref may name
    VersionLink,
)
TABLE_NAMES = tuple(model.__tablename__ for model in TABLES)
USERS = "user_account"
CHECKLISTS = "checklist_revision"
# Columns left out: derived by the installation (overview), or operational.
SKIPPED = {
    "analysis": {
        column.key
        for column in (Analysis.tally, Analysis.year, Analysis.children_heard, Analysis.search_text)
    },
    "step_answer": {"lock_version"},
    "revision_redaction": {"audit_event_id"},  # points at the import's own audit event
}
AUDIT_ACTION = "analysis_imported"
UNUSABLE_PASSWORD = "!imported: no password; an administrator sets one"  # noqa: S105


@dataclass(frozen=True)
class Field:
    column: str  # the model's column
    key: str  # the key in analysis.json
    kind: str  # "value", "ref", "user", "checklist", "entry", "pdf"
    target: str | None = None  # the table a ref points at


def _fields(model: type) -> list[Field]:
    table = model.__table__
    fields = []
    for column in table.columns:
        name = column.name
        if name in SKIPPED.get(table.name, ()):
            continue
        if name == "id":
            fields.append(Field(name, "ref", "ref", table.name))
        elif table.name == "edit_log" and name == "entry_id":
            fields.append(Field(name, "entry_ref", "entry"))
        elif table.name == "archived_report" and name == "pdf":
            fields.append(Field(name, "pdf_file", "pdf"))
        elif column.foreign_keys:
            target = next(iter(column.foreign_keys)).column.table.name
            base = name.removesuffix("_id")
            if target == USERS:
                fields.append(Field(name, f"{base}_email", "user"))
            elif target == CHECKLISTS:
                fields.append(Field(name, f"{base}_ref", "checklist", CHECKLISTS))
            elif target in TABLE_NAMES:
                fields.append(Field(name, f"{base}_ref", "ref", target))
            else:  # pragma: no cover - a new foreign key needs a decision here
                raise RuntimeError(f"{table.name}.{name} refers to {target}: map it in packages")
        else:
            fields.append(Field(name, name, "value"))
    return fields


FIELDS = {model.__tablename__: _fields(model) for model in TABLES}
ENTRY_TABLES = {name: kind.model.__tablename__ for name, kind in ENTRY_KINDS.items()}


# --- the chain of versions ---------------------------------------------------------------------


def chain_of(analysis: Analysis) -> list[int]:
    """The ids of every analysis linked to `analysis` by version links, in either direction and
    at any distance, `analysis` included, in id order."""
    found = {analysis.id}
    frontier = {analysis.id}
    while frontier:
        rows = db.session.execute(
            select(VersionLink.previous_analysis_id, VersionLink.next_analysis_id).where(
                or_(
                    VersionLink.previous_analysis_id.in_(frontier),
                    VersionLink.next_analysis_id.in_(frontier),
                )
            )
        ).all()
        linked = {id_ for row in rows for id_ in row} - found
        found |= linked
        frontier = linked
    return sorted(found)


# --- export ------------------------------------------------------------------------------------


def _rows(model: type, ids: list[int], refs: dict[str, dict[int, int]]) -> list:
    if model is Analysis:
        where = Analysis.id.in_(ids)
    elif model is RevisionRedaction:
        where = RevisionRedaction.revision_id.in_(list(refs["revision"]) or [0])
    elif model is VersionLink:
        where = VersionLink.next_analysis_id.in_(ids)
    else:
        where = model.analysis_id.in_(ids)
    return list(db.session.scalars(select(model).where(where).order_by(model.id)))


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _pdf_name(row: ArchivedReport, ref: int) -> str:
    return f"{REPORTS_PREFIX}{ref:04d}-{row.locale}.pdf"


@dataclass(frozen=True)
class Export:
    document: dict[str, Any]
    files: dict[str, bytes]  # name in the package -> bytes (analysis.json included)
    analysis_ids: list[int]


def export(analysis: Analysis, *, exported_at: datetime) -> Export:
    """The package content of `analysis` and every linked version."""
    ids = chain_of(analysis)
    refs: dict[str, dict[int, int]] = {}
    users: dict[int, User] = {}
    checklists: dict[int, int] = {}
    tables: dict[str, list[dict]] = {}
    files: dict[str, bytes] = {}
    rows_of = {}
    for model in TABLES:
        name = model.__tablename__
        rows = _rows(model, ids, refs)
        refs[name] = {row.id: ref for ref, row in enumerate(rows, start=1)}
        rows_of[name] = rows
    checklist_ids = sorted(
        {
            getattr(row, field.column)
            for row in rows_of["analysis"]
            for field in FIELDS["analysis"]
            if field.kind == "checklist"
        }
    )
    checklist_rows = [db.session.get(ChecklistRevision, id_) for id_ in checklist_ids]
    checklists = {row.id: ref for ref, row in enumerate(checklist_rows, start=1)}
    for model in TABLES:
        name = model.__tablename__
        out = []
        for row in rows_of[name]:
            item: dict[str, Any] = {}
            for field in FIELDS[name]:
                value = getattr(row, field.column)
                if field.kind == "ref":
                    value = None if value is None else refs[field.target].get(value)
                elif field.kind == "checklist":
                    value = checklists[value]
                elif field.kind == "user":
                    if value is not None:
                        user = users.get(value) or db.session.get(User, value)
                        users[value] = user
                        value = user.email
                elif field.kind == "entry":
                    table = ENTRY_TABLES.get(row.area)
                    value = refs.get(table, {}).get(value) if table and value else None
                elif field.kind == "pdf":
                    member = _pdf_name(row, refs[name][row.id])
                    files[member] = value
                    value = member
                else:
                    value = _value(value)
                item[field.key] = value
            out.append(item)
        tables[name] = out
    document = {
        "format": FORMAT,
        "source": {
            "analysis_id": analysis.id,
            "analysis_ids": ids,
            "exported_at": exported_at.isoformat(),
        },
        "exported_analysis_ref": refs["analysis"][analysis.id],
        "users": sorted(
            ({"email": user.email, "name": user.name} for user in users.values()),
            key=lambda user: user["email"],
        ),
        "checklist_revisions": [
            {
                "ref": ref,
                "checklist_id": row.checklist_id,
                "version": row.version,
                "content_hash": row.content_hash,
                "content": row.content,
            }
            for ref, row in enumerate(checklist_rows, start=1)
        ],
        "tables": tables,
    }
    files["analysis.json"] = dump(document)
    return Export(document, files, ids)


def record_export(
    analysis: Analysis,
    exported: Export,
    package_sha256: str,
    *,
    actor: User | None = None,
    actor_label: str | None = None,
    file: str | None = None,
) -> None:
    """Audit a package of `analysis` given out, downloaded or written by `bka export` (the
    caller commits): it holds everything of the analysis."""
    details: dict[str, Any] = {
        "kind": "package",
        "analyses": exported.analysis_ids,
        "sha256": package_sha256,
    }
    if file is not None:
        details["file"] = file
    audit.record(
        "export",
        actor=actor,
        actor_label=actor_label,
        object_type="analysis",
        object_id=analysis.id,
        details=details,
    )


def dump(document: dict[str, Any]) -> bytes:
    """The exact bytes of analysis.json: sorted keys, two-space indent, UTF-8, final newline."""
    return (json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode(
        "utf-8"
    )


# --- the JSON Schema ---------------------------------------------------------------------------


def _column_schema(model: type, field: Field) -> dict[str, Any]:
    column = model.__table__.columns[field.column]
    if field.kind in ("ref", "checklist", "entry"):
        schema: dict[str, Any] = {"type": "integer", "minimum": 1}
        if field.kind == "entry":
            schema["description"] = "The ref of the entry in the table its area names."
        elif field.key != "ref":
            schema["description"] = f"The ref of a row of {field.target}."
    elif field.kind == "user":
        schema = {"type": "string", "minLength": 3, "maxLength": 254}
        schema["description"] = "The e-mail address of a user in users."
    elif field.kind == "pdf":
        schema = {"type": "string", "pattern": r"^reports/[0-9]{4,}-[a-z_]{2,5}\.pdf$"}
        schema["description"] = "The package member holding the archived PDF."
    else:
        kind = column.type
        if isinstance(kind, UTCDateTime):
            schema = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}"}
        elif isinstance(kind, Date):
            schema = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
        elif isinstance(kind, Boolean):
            schema = {"type": "boolean"}
        elif isinstance(kind, Integer):
            schema = {"type": "integer"}
        elif isinstance(kind, Float):
            schema = {"type": "number"}
        elif isinstance(kind, Text):
            schema = {"type": "string"}
        elif isinstance(kind, String):
            schema = {"type": "string", "maxLength": kind.length}
        elif isinstance(kind, JSON):
            return {}  # any JSON value
        elif isinstance(kind, LargeBinary):  # pragma: no cover - only the archived PDF
            raise RuntimeError(f"{column} is binary: map it to a package member")
        else:  # pragma: no cover
            raise RuntimeError(f"no JSON Schema type for {column}")
    if column.nullable:
        schema["type"] = [schema["type"], "null"]
    if (model, field.column) == (Analysis, "status"):
        schema["enum"] = list(workflow.STATUSES)
    return schema


def schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of analysis.json, published as docs/package.schema.json."""
    tables = {}
    for model in TABLES:
        name = model.__tablename__
        properties = {field.key: _column_schema(model, field) for field in FIELDS[name]}
        tables[name] = {
            "type": "array",
            "description": (model.__doc__ or name).strip().splitlines()[0],
            "items": {
                "type": "object",
                "properties": properties,
                "required": sorted(properties),
                "additionalProperties": False,
            },
        }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/bka/bka/docs/package.schema.json",
        "title": "bka export package: analysis.json",
        "description": (
            "One analysis with every linked version, answer, entry, review, sign-off, decision "
            "and follow-up record. See docs/packages.md."
        ),
        "type": "object",
        "required": [
            "checklist_revisions",
            "exported_analysis_ref",
            "format",
            "source",
            "tables",
            "users",
        ],
        "additionalProperties": False,
        "properties": {
            "format": {"const": FORMAT},
            "source": {
                "type": "object",
                "description": "Where the package came from: ids of the exporting installation.",
                "required": ["analysis_id", "analysis_ids", "exported_at"],
                "properties": {
                    "analysis_id": {"type": "integer"},
                    "analysis_ids": {"type": "array", "items": {"type": "integer"}},
                    "exported_at": {"type": "string"},
                },
            },
            "exported_analysis_ref": {"type": "integer", "minimum": 1},
            "users": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["email", "name"],
                    "additionalProperties": False,
                    "properties": {
                        "email": {"type": "string", "minLength": 3, "maxLength": 254},
                        "name": {"type": "string", "maxLength": 120},
                    },
                },
            },
            "checklist_revisions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["checklist_id", "content", "content_hash", "ref", "version"],
                    "additionalProperties": False,
                    "properties": {
                        "ref": {"type": "integer", "minimum": 1},
                        "checklist_id": {"type": "string", "maxLength": 64},
                        "version": {"type": "integer"},
                        "content_hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                        "content": {"type": "object"},
                    },
                },
            },
            "tables": {
                "type": "object",
                "required": sorted(tables),
                "additionalProperties": False,
                "properties": tables,
            },
        },
    }


def schema_json() -> str:
    return json.dumps(schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def validate(document: Any) -> None:
    """Raise PackageError naming the first few places where `document` breaks the schema."""
    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(document), key=lambda error: list(error.path))
    if errors:
        shown = "; ".join(
            f"{'/'.join(str(part) for part in error.path) or '(top)'}: {error.message[:200]}"
            for error in errors[:3]
        )
        raise PackageError(
            f"The package's analysis.json does not match the package schema "
            f"({len(errors)} problem(s): {shown}). Nothing was imported."
        )


# --- import ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Imported:
    analysis: Analysis  # the new copy of the analysis that was exported
    analyses: list[Analysis]  # every imported version, in package order
    users_created: list[str]
    users_matched: list[str]


def _parse(model: type, field: Field, value: Any) -> Any:
    if value is None:
        return None
    kind = model.__table__.columns[field.column].type
    try:
        if isinstance(kind, UTCDateTime):
            parsed = datetime.fromisoformat(value)
            if parsed.tzinfo is None:
                raise ValueError("no time zone")
            return parsed
        if isinstance(kind, Date):
            return date.fromisoformat(value)
    except ValueError as error:
        raise PackageError(
            f"The package's {model.__tablename__} holds an invalid {field.key} {value!r} "
            f"({error}). Nothing was imported."
        ) from error
    return value


def _users(document: dict) -> tuple[dict[str, int], list[str], list[str]]:
    from bka.domain.accounts import find_user

    ids: dict[str, int] = {}
    created, matched = [], []
    for entry in document["users"]:
        email = entry["email"].strip().lower()
        user = find_user(email)
        if user is None:
            user = User(
                email=email,
                name=entry["name"],
                password_hash=UNUSABLE_PASSWORD,
                active=False,
                role="member",
            )
            db.session.add(user)
            db.session.flush()
            created.append(email)
        else:
            matched.append(email)
        ids[email] = user.id
    return ids, created, matched


def _checklists(document: dict) -> dict[int, int]:
    ids = {}
    for entry in document["checklist_revisions"]:
        row = db.session.scalar(
            select(ChecklistRevision).where(
                ChecklistRevision.checklist_id == entry["checklist_id"],
                ChecklistRevision.version == entry["version"],
                ChecklistRevision.content_hash == entry["content_hash"],
            )
        )
        if row is None:
            row = ChecklistRevision(
                checklist_id=entry["checklist_id"],
                version=entry["version"],
                content_hash=entry["content_hash"],
                content=entry["content"],
            )
            db.session.add(row)
            db.session.flush()
        ids[entry["ref"]] = row.id
    return ids


def import_package(package: CheckedPackage, actor: User | None = None) -> Imported:
    """Restore a checked package as new analyses; flushes, the caller commits."""
    try:
        document = json.loads(package.record)
    except ValueError as error:
        raise PackageError(
            f"The package's analysis.json is not JSON ({error}). Nothing was imported."
        ) from error
    validate(document)
    users, created, matched = _users(document)
    checklists = _checklists(document)
    new_ids: dict[str, dict[int, int]] = {name: {} for name in TABLE_NAMES}
    made: dict[str, list] = {name: [] for name in TABLE_NAMES}

    def resolve(name: str, field: Field, value: Any, item: dict) -> Any:
        if value is None:
            return None
        if field.kind == "user":
            found = users.get(value.strip().lower())
        elif field.kind == "checklist":
            found = checklists.get(value)
        elif field.kind == "entry":
            table = ENTRY_TABLES.get(item.get("area"))
            found = new_ids.get(table, {}).get(value) if table else None
        elif field.kind == "pdf":
            found = package.files.get(value)
        else:
            found = new_ids[field.target].get(value)
        if found is None:
            raise PackageError(
                f"The package's {name} row {item.get('ref')} refers to {field.key} {value!r}, "
                "which the package does not hold. Nothing was imported."
            )
        return found

    def insert(model: type, event_id: int | None = None) -> None:
        name = model.__tablename__
        for item in document["tables"][name]:
            values = {}
            for field in FIELDS[name]:
                if field.key == "ref":
                    continue
                value = item[field.key]
                if field.kind == "value":
                    values[field.column] = _parse(model, field, value)
                else:
                    values[field.column] = resolve(name, field, value, item)
            if event_id is not None:
                values["audit_event_id"] = event_id
            row = model(**values)
            db.session.add(row)
            try:
                db.session.flush()  # rows of the same table may refer to it (comment replies)
            except SQLAlchemyError as error:
                raise PackageError(
                    f"The database refused the package's {name} row {item['ref']} "
                    f"({type(error.orig or error).__name__}). Nothing was imported."
                ) from error
            if item["ref"] in new_ids[name]:
                raise PackageError(f"The package's {name} holds ref {item['ref']} twice.")
            new_ids[name][item["ref"]] = row.id
            made[name].append(row)

    for model in TABLES:
        if model is not RevisionRedaction:
            insert(model)
    _check_hashes(made)
    root_ref = document["exported_analysis_ref"]
    if root_ref not in new_ids["analysis"]:
        raise PackageError("The package does not hold the analysis it names as exported.")
    root = db.session.get(Analysis, new_ids["analysis"][root_ref])
    event = audit.record(
        AUDIT_ACTION,
        actor=actor,
        actor_label=None if actor else "system",
        object_type="analysis",
        object_id=root.id,
        details={
            "format": document["format"],
            "source_analysis_id": document["source"]["analysis_id"],
            "exported_at": document["source"]["exported_at"],
            "analysis_ids": [row.id for row in made["analysis"]],
            "record_sha256": next(
                m.sha256 for m in package.manifest.members if m.name == "analysis.json"
            ),
            "users_created": created,
            "users_matched": matched,
        },
    )
    insert(RevisionRedaction, event.id)
    for revision in made["revision"]:
        if history.verify_revision(revision) == history.BROKEN:
            raise PackageError(
                f"Snapshot {revision.number} of {revision.analysis_id} does not have the SHA-256 "
                "that was recorded (and signed): the package was altered. Nothing was imported."
            )
    return Imported(root, made["analysis"], created, matched)


def _check_hashes(made: dict[str, list]) -> None:
    from bka.operations.packages import sha256_bytes

    for report in made["archived_report"]:
        if sha256_bytes(report.pdf) != report.sha256:
            raise PackageError(
                "An archived PDF in the package does not have the SHA-256 recorded when it was "
                "signed: the package was altered. Nothing was imported."
            )
    for sign_off in made["sign_off"]:
        if sign_off.revision.sha256 != sign_off.sha256:
            raise PackageError(
                "A sign-off in the package names a snapshot hash that the snapshot does not "
                "have: the package was altered. Nothing was imported."
            )
        for report in made["archived_report"]:
            if (
                report.sign_off_id == sign_off.id
                and report.locale == sign_off.locale
                and sign_off.report_sha256
                and report.sha256 != sign_off.report_sha256
            ):
                raise PackageError(
                    "An archived PDF in the package is not the one its sign-off names. "
                    "Nothing was imported."
                )


if __name__ == "__main__":  # python -m bka.domain.packages > docs/package.schema.json
    import sys

    sys.stdout.write(schema_json())
