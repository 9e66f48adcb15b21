"""Export packages (bka/domain/packages.py, bka/operations/packages.py, `bka export`, `bka
import`, the download for owners and administrators).

The round trip runs on the suite's backend (SQLite, and PostgreSQL in CI): export a chain of
two versions with sign-offs, archived PDFs, comments and a decision, empty the database, import,
export again: the same analysis.json apart from the source ids and the export time.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from bka.domain import analyses as ops
from bka.domain import history, lifecycle, packages
from bka.domain.progress import load_state
from bka.extensions import db
from bka.models import Analysis, ArchivedReport, AuditEvent, SignOff, User, VersionLink
from bka.operations import packages as files
from bka.operations.packages import PackageError
from tests import factories

ROOT = Path(__file__).resolve().parents[1]


def invoke(application, *args):
    return application.test_cli_runner().invoke(args=list(args))


def empty_database() -> None:
    db.session.remove()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


def build_chain() -> tuple[int, int]:
    """A complete analysis sent back once, signed, decided with a referral back (återremiss):
    two linked versions. Returns (first id, second id)."""
    owner = factories.new_user(email="agare@example.se", name="Åsa Ägare")
    reviewer = factories.new_user(
        email="granskare@example.se", name="Göran Granskare", role="reviewer"
    )
    editor = factories.new_user(email="redaktor@example.se", name="Rut Redaktör")
    analysis = factories.complete_analysis(owner, diarienummer="RS 2024-00123")
    factories.member(analysis, editor, "editor")
    factories.submit(analysis, reviewer)
    factories.send_back(analysis, reviewer)
    current = load_state(analysis, ops.checklists_for(analysis)).step_answers("participation")
    factories.answer(analysis, "participation", current, complete=True)
    factories.submit(analysis, reviewer)
    factories.sign(analysis, reviewer)
    factories.decide(analysis, outcome=lifecycle.REFERRED_BACK)
    db.session.flush()
    link = db.session.scalar(
        select(VersionLink).where(VersionLink.previous_analysis_id == analysis.id)
    )
    db.session.commit()
    return analysis.id, link.next_analysis_id


def package_bytes(analysis_id: int) -> bytes:
    exported = packages.export(db.session.get(Analysis, analysis_id), exported_at=factories_now())
    return files.build(exported.files, bka_version="test", created_at="2026-12-02T00:00:00+00:00")


def factories_now():
    from bka.models.base import utcnow

    return utcnow()


def without_source(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "source"}


def rezip(data: bytes, change) -> bytes:
    """The package with its members passed through change(dict) -> dict (manifest untouched
    unless change touches it)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members = change(members)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_the_published_schema_is_the_one_the_code_checks_against():
    published = (ROOT / "docs" / "package.schema.json").read_text(encoding="utf-8")
    assert published == packages.schema_json(), "run: python -m bka.domain.packages > docs/..."


def test_round_trip_into_an_empty_database_gives_the_same_record(app, tmp_path):
    with app.app_context():
        first_id, second_id = build_chain()
        signed_pdfs = sorted(db.session.scalars(select(ArchivedReport.sha256)))
        assert signed_pdfs
        path = tmp_path / "package.zip"
        made = invoke(app, "export", str(second_id), "--output", str(path))
        assert made.exit_code == 0, made.output
        package = files.read(path)
        first = json.loads(package.record)
        packages.validate(first)
        assert first["source"]["analysis_ids"] == [first_id, second_id]
        assert len(first["tables"]["analysis"]) == 2
        assert len(first["tables"]["version_link"]) == 1
        assert first["tables"]["sign_off"] and first["tables"]["decision_record"]
        assert len([n for n in package.files if n.startswith("reports/")]) == len(signed_pdfs)
        assert {u["email"] for u in first["users"]} == {
            "agare@example.se",
            "granskare@example.se",
            "redaktor@example.se",
        }
        # No id of this installation in the record: every reference is a package ref.
        assert "analysis_id" not in first["tables"]["step_answer"][0]

        empty_database()
        imported = invoke(app, "import", str(path))
        assert imported.exit_code == 0, imported.output
        new_id = int(imported.output.strip().splitlines()[-1])
        root = db.session.get(Analysis, new_id)
        assert root is not None and root.title == factories.TITLE
        assert "Created inactive user agare@example.se" in imported.output

        users = db.session.scalars(select(User).order_by(User.email)).all()
        assert [(u.email, u.active) for u in users] == [
            ("agare@example.se", False),
            ("granskare@example.se", False),
            ("redaktor@example.se", False),
        ]
        # Signed hashes still verify, and the archived PDFs are the signed bytes.
        for sign_off in db.session.scalars(select(SignOff)):
            assert history.verify_revision(sign_off.revision) == history.INTACT
            assert sign_off.revision.sha256 == sign_off.sha256
        assert sorted(db.session.scalars(select(ArchivedReport.sha256))) == signed_pdfs
        for report in db.session.scalars(select(ArchivedReport)):
            assert files.sha256_bytes(report.pdf) == report.sha256
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == packages.AUDIT_ACTION)
        )
        assert event.object_id == new_id
        assert event.details["source_analysis_id"] == second_id
        assert invoke(app, "audit", "verify").exit_code == 0

        again = tmp_path / "again.zip"
        assert invoke(app, "export", str(new_id), "--output", str(again)).exit_code == 0
        second = json.loads(files.read(again).record)
        assert second["source"]["analysis_id"] == new_id
        assert without_source(second) == without_source(first)


def test_users_are_matched_by_email_and_keep_their_account(app):
    with app.app_context():
        _first_id, second_id = build_chain()
        data = package_bytes(second_id)
        before = db.session.scalar(select(func.count(Analysis.id)))
        owner_id = db.session.scalar(select(User.id).where(User.email == "agare@example.se"))
        imported = packages.import_package(files.read(data))
        db.session.commit()
        assert db.session.scalar(select(func.count(Analysis.id))) == before + 2
        assert imported.users_created == []
        assert sorted(imported.users_matched) == [
            "agare@example.se",
            "granskare@example.se",
            "redaktor@example.se",
        ]
        assert imported.analysis.created_by_id == owner_id
        assert db.session.get(User, owner_id).active
        # The import is a copy with new ids, not the same rows.
        assert imported.analysis.id != second_id


def test_an_imported_inactive_user_cannot_sign_in(app, browser):
    with app.app_context():
        _first_id, second_id = build_chain()
        data = package_bytes(second_id)
        empty_database()
        packages.import_package(files.read(data))
        db.session.commit()
    for password in (factories.PASSWORD, packages.UNUSABLE_PASSWORD, ""):
        page = browser.post("/login", {"email": "agare@example.se", "password": password})
        assert page.status_code == 200  # the form again, with its error: not signed in
        assert not browser.logged_in()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda m: {**m, "analysis.json": m["analysis.json"].replace(b"RS 2024", b"RS 2025")},
            "analysis.json does not match its SHA-256",
        ),
        (lambda m: {k: v for k, v in m.items() if not k.startswith("reports/")}, "is missing"),
        (lambda m: {**m, "reports/9999-sv.pdf": b"%PDF-1.7 extra"}, "is not in the manifest"),
        (lambda m: {k: v for k, v in m.items() if k != "manifest.json"}, "no manifest.json"),
        (lambda m: {**m, "../evil.txt": b"x"}, "unexpected entry"),
    ],
    ids=["changed-byte", "missing-file", "extra-file", "no-manifest", "bad-name"],
)
def test_a_tampered_package_is_refused(app, tmp_path, change, message):
    with app.app_context():
        _first_id, second_id = build_chain()
        data = rezip(package_bytes(second_id), change)
        path = tmp_path / "tampered.zip"
        path.write_bytes(data)
        count = db.session.scalar(select(func.count(Analysis.id)))
        result = invoke(app, "import", str(path))
        assert result.exit_code == 1
        assert message in result.output
        assert "Nothing was imported" in result.output or "not a bka package" in result.output
        db.session.remove()
        assert db.session.scalar(select(func.count(Analysis.id))) == count


def test_a_package_with_consistent_manifest_but_altered_snapshot_is_refused(app):
    """Someone who rewrites analysis.json and its manifest hash still cannot change what was
    signed: the snapshot no longer has the signed SHA-256."""
    with app.app_context():
        _first_id, second_id = build_chain()
        exported = packages.export(db.session.get(Analysis, second_id), exported_at=factories_now())
        document = json.loads(exported.files["analysis.json"])
        signed = document["tables"]["sign_off"][0]["revision_ref"]
        revision = document["tables"]["revision"][signed - 1]
        assert revision["ref"] == signed
        revision["content"]["analysis"]["title"] = "Något annat"
        forged = {**exported.files, "analysis.json": packages.dump(document)}
        data = files.build(forged, bka_version="test", created_at="2026-12-02T00:00:00+00:00")
        count = db.session.scalar(select(func.count(Analysis.id)))
        with pytest.raises(PackageError, match="SHA-256"):
            packages.import_package(files.read(data))
        db.session.rollback()
        assert db.session.scalar(select(func.count(Analysis.id))) == count


def test_schema_invalid_and_newer_format_are_refused(app):
    with app.app_context():
        _first_id, second_id = build_chain()
        exported = packages.export(db.session.get(Analysis, second_id), exported_at=factories_now())
        document = json.loads(exported.files["analysis.json"])
        document["tables"]["analysis"][0]["status"] = "deleted"
        bad = files.build(
            {**exported.files, "analysis.json": packages.dump(document)},
            bka_version="test",
            created_at="x",
        )
        with pytest.raises(PackageError, match="does not match the package schema"):
            packages.import_package(files.read(bad))
        db.session.rollback()

        def newer(members):
            manifest = json.loads(members["manifest.json"])
            manifest["format"] = "bka-package/2"
            return {**members, "manifest.json": json.dumps(manifest).encode()}

        with pytest.raises(PackageError, match="newer format"):
            files.read(rezip(package_bytes(second_id), newer))
        with pytest.raises(PackageError, match="not a zip file"):
            files.read(b"PK\x03\x04 not really a zip")


def test_export_refuses_to_overwrite(app, tmp_path):
    with app.app_context():
        first_id, _second_id = build_chain()
        path = tmp_path / "exists.zip"
        path.write_bytes(b"keep me")
        result = invoke(app, "export", str(first_id), "--output", str(path))
        assert result.exit_code == 1 and "already exists" in result.output
        assert path.read_bytes() == b"keep me"
        assert invoke(app, "export", "999999", "--output", str(tmp_path / "n.zip")).exit_code == 2
        assert not db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export"))


def test_an_export_from_the_command_line_is_audited_as_a_download(app, tmp_path):
    with app.app_context():
        first_id, second_id = build_chain()
    path = tmp_path / "paket.zip"
    assert invoke(app, "export", str(second_id), "--output", str(path)).exit_code == 0
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export"))
        assert (event.object_id, event.actor_label) == (second_id, "bka export")
        assert event.details["analyses"] == [first_id, second_id]
        assert event.details["sha256"] == files.sha256_bytes(path.read_bytes())


def test_the_owner_downloads_the_package_and_it_is_audited(app, make_browser):
    with app.app_context():
        first_id, second_id = build_chain()
        owner = db.session.scalar(select(User).where(User.email == "agare@example.se"))
        editor = db.session.scalar(select(User).where(User.email == "redaktor@example.se"))
        owner_email, editor_email = owner.email, editor.email
    browser = make_browser()
    browser.login(SimpleNamespace(email=owner_email))
    hub = browser.get(f"/analyses/{second_id}")
    assert f"/analyses/{second_id}/report/package".encode() in hub.data
    response = browser.get(f"/analyses/{second_id}/report/package")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    package = files.read(response.data)
    document = json.loads(package.record)
    assert document["source"]["analysis_ids"] == [first_id, second_id]
    with app.app_context():
        event = db.session.scalar(
            select(AuditEvent)
            .where(AuditEvent.action == "export", AuditEvent.object_id == second_id)
            .order_by(AuditEvent.id.desc())
        )
        assert event.details["kind"] == "package"
        assert event.details["sha256"] == files.sha256_bytes(response.data)
    # The editor sees the analysis but neither the link nor the package.
    other = make_browser()
    other.login(SimpleNamespace(email=editor_email))
    assert b"/report/package" not in other.get(f"/analyses/{second_id}").data
    assert other.get(f"/analyses/{second_id}/report/package").status_code == 403


def test_a_redacted_snapshot_still_verifies_after_import(app):
    """A snapshot an administrator redacted keeps its signed hash and the hash after redaction:
    after the import it verifies as redacted, not as broken."""
    from bka.domain import redaction
    from bka.models import Revision, RevisionRedaction

    with app.test_request_context():
        _first_id, second_id = build_chain()
        admin = factories.new_user(email="admin@example.se", name="Anna Admin", role="admin")
        first = db.session.get(Analysis, _first_id)
        result = redaction.redact(first, "RS 2024-00123", admin, "Fel i diarienumret.")
        assert result.occurrences
        db.session.commit()
        data = package_bytes(second_id)
        empty_database()
        imported = packages.import_package(files.read(data))
        db.session.commit()
        states = [
            history.verify_revision(revision)
            for revision in db.session.scalars(select(Revision).order_by(Revision.id))
        ]
        assert history.REDACTED in states and history.BROKEN not in states
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == packages.AUDIT_ACTION)
        )
        redactions = db.session.scalars(select(RevisionRedaction)).all()
        assert redactions and {r.audit_event_id for r in redactions} == {event.id}
        assert imported.analyses[0].diarienummer != "RS 2024-00123"  # the redacted version


def test_a_row_the_database_refuses_is_a_clear_message_not_a_crash(app, tmp_path):
    """Valid against the schema, but the same person twice in one team: the database's
    constraint refuses it, and the command says so; nothing is imported."""
    with app.app_context():
        _first_id, second_id = build_chain()
        exported = packages.export(db.session.get(Analysis, second_id), exported_at=factories_now())
        document = json.loads(exported.files["analysis.json"])
        memberships = document["tables"]["membership"]
        twin = dict(memberships[0], ref=len(memberships) + 1)
        memberships.append(twin)
        data = files.build(
            {**exported.files, "analysis.json": packages.dump(document)},
            bka_version="test",
            created_at="2026-12-02T00:00:00+00:00",
        )
        path = tmp_path / "twice.zip"
        path.write_bytes(data)
        count = db.session.scalar(select(func.count(Analysis.id)))
        result = invoke(app, "import", str(path))
        assert result.exit_code == 1, result.output
        assert "The database refused the package's membership row" in result.output
        assert "Nothing was imported" in result.output
        db.session.remove()
        assert db.session.scalar(select(func.count(Analysis.id))) == count
