"""Retention (gallring): the rule on the organisation's profile, `bka retention --dry-run` and
`--apply` (bka/domain/retention.py), and the rule's field on the administrators' profile page."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from bka.domain import organisation_profiles as profiles
from bka.domain import packages, retention, reuse, tallies
from bka.domain.accounts import create_organisation
from bka.extensions import db
from bka.models import (
    Analysis,
    ArchivedReport,
    AuditEvent,
    Organisation,
    OrganisationProfile,
    OverviewTally,
    Revision,
    SignOff,
    User,
)
from bka.operations import packages as files
from tests import factories

CLOSED_ON = date(2025, 6, 18)  # factories.close's default


def invoke(application, *args):
    return application.test_cli_runner().invoke(args=list(args))


def set_rule(app, years: int | None, name: str = factories.ORGANISATION) -> None:
    admin = db.session.scalar(select(User).where(User.email == "admin@example.se"))
    if admin is None:
        admin = factories.new_user(email="admin@example.se", name="Anna Admin", role="admin")
    organisation = db.session.scalar(select(Organisation).where(Organisation.name == name))
    if organisation is None:
        organisation = create_organisation(name, admin)
    profiles.save_profile(
        organisation,
        admin,
        app.extensions["bka_library"].method,
        always_needed=[],
        never_needed=[],
        policies=[],
        competences=[],
        retention_years=years,
    )


def closed_analysis(title: str = factories.TITLE, organisation: str = factories.ORGANISATION):
    owner = db.session.scalar(select(User).where(User.email == "agare@example.se"))
    if owner is None:
        owner = factories.new_user(email="agare@example.se", name="Åsa Ägare")
    reviewer = db.session.scalar(select(User).where(User.email == "granskare@example.se"))
    if reviewer is None:
        reviewer = factories.new_user(
            email="granskare@example.se", name="Göran Granskare", role="reviewer"
        )
    analysis = factories.complete_analysis(owner, title=title, organisation=organisation)
    factories.drive_to(analysis, "closed", reviewer)
    return analysis


def overview_rows() -> list[tuple]:
    columns = [c for c in OverviewTally.__table__.columns if c.name != "id"]
    rows = db.session.execute(select(*columns).where(OverviewTally.n != 0)).all()
    return sorted((tuple(row) for row in rows), key=repr)


def counts() -> dict[str, int]:
    return {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Analysis, Revision, SignOff, ArchivedReport)
    }


def test_years_after_closing_and_leap_days():
    assert retention.add_years(date(2025, 6, 18), 2) == date(2027, 6, 18)
    assert retention.add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)


def test_dry_run_lists_what_is_due_and_changes_nothing(app):
    with app.app_context():
        due_one = closed_analysis("Gammal analys")
        closed_analysis("Annan region", organisation="Region Annan")  # no profile: kept
        owner = db.session.scalar(select(User).where(User.email == "agare@example.se"))
        open_one = factories.complete_analysis(owner, title="Pågående")  # a draft: never due
        set_rule(app, 2)
        db.session.commit()
        due_id, open_id = due_one.id, open_one.id
        assert retention.ended_on(due_one) == CLOSED_ON
        before = counts()
        events = db.session.scalar(select(func.count(AuditEvent.id)))

    early = invoke(app, "retention", "--dry-run", "--today", "2027-06-17")
    assert early.exit_code == 0, early.output
    assert "0 analysis chain(s) due on 2027-06-17" in early.output

    result = invoke(app, "retention", "--dry-run", "--today", "2027-06-18")
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 2
    assert f'due: analysis {due_id} "Gammal analys" (Region Exempel)' in lines[0]
    assert "ended 2025-06-18, rule 2 year(s) after closing, due since 2027-06-18" in lines[0]
    assert lines[1] == "1 analysis chain(s) due on 2027-06-18; dry run, nothing changed."
    assert f"versions {due_id}; ended" in lines[0]
    assert f"analysis {open_id} " not in result.output  # the draft is never due
    with app.app_context():
        assert counts() == before
        assert db.session.scalar(select(func.count(AuditEvent.id))) == events


def test_apply_exports_then_removes_and_audits(app, tmp_path, time_machine):
    with app.app_context():
        old = closed_analysis("Gammal analys")
        kept = closed_analysis("Annan region", organisation="Region Annan")
        set_rule(app, 1)
        db.session.commit()
        old_id, kept_id = old.id, kept.id
        before = counts()
    out = tmp_path / "gallrat"
    out.mkdir()
    assert invoke(app, "retention", "--apply", "--today", "2030-01-01").exit_code == 2
    # Removing is only ever done on what is due by today: not on a day yet to come.
    early = invoke(app, "retention", "--apply", "--export-dir", str(out), "--today", "2030-01-01")
    assert early.exit_code == 2 and "later than today" in early.output
    assert list(out.iterdir()) == []
    time_machine.move_to(date(2030, 1, 1))
    result = invoke(app, "retention", "--apply", "--export-dir", str(out), "--today", "2030-01-01")
    assert result.exit_code == 0, result.output
    assert "1 analysis chain(s) exported and removed on 2030-01-01." in result.output
    package_path = out / f"bka-{old_id}-retention-2030-01-01.zip"
    package = files.read(package_path)
    document = json.loads(package.record)
    packages.validate(document)
    assert document["source"]["analysis_id"] == old_id
    assert document["tables"]["analysis"][0]["title"] == "Gammal analys"
    with app.app_context():
        assert db.session.get(Analysis, old_id) is None
        assert db.session.get(Analysis, kept_id) is not None
        after = counts()
        assert after["analysis"] == before["analysis"] - 1
        assert after["sign_off"] < before["sign_off"] and after["revision"] < before["revision"]
        event = db.session.scalar(
            select(AuditEvent).where(AuditEvent.action == retention.AUDIT_ACTION)
        )
        assert event.object_id == old_id
        assert event.details["analyses"] == [old_id]
        assert event.details["retention_years"] == 1
        assert event.details["package_sha256"] == files.sha256_bytes(package_path.read_bytes())
        # The people are still users; only the analysis went.
        assert db.session.scalar(select(User).where(User.email == "agare@example.se"))
    assert invoke(app, "audit", "verify").exit_code == 0
    with app.app_context():
        # The overview no longer counts what was removed: the same as a rebuild from scratch.
        tallied = overview_rows()
        tallies.rebuild(db.session)
        db.session.commit()
        assert overview_rows() == tallied
    # Applying again finds nothing more to do.
    again = invoke(app, "retention", "--apply", "--export-dir", str(out), "--today", "2030-01-01")
    assert "0 analysis chain(s) exported and removed" in again.output
    # The exported package restores what was removed (and it would be due again).
    imported = invoke(app, "import", str(package_path))
    assert imported.exit_code == 0, imported.output
    with app.app_context():
        restored = db.session.get(Analysis, int(imported.output.strip().splitlines()[-1]))
        assert restored.title == "Gammal analys" and restored.status == "closed"


def test_the_keep_rule_never_removes(app, tmp_path, time_machine):
    with app.app_context():
        analysis = closed_analysis()
        set_rule(app, None)
        db.session.commit()
        analysis_id = analysis.id
        assert db.session.scalar(select(OrganisationProfile.retention_years)) is None
    time_machine.move_to(date(2199, 1, 1))
    result = invoke(
        app, "retention", "--apply", "--export-dir", str(tmp_path), "--today", "2199-01-01"
    )
    assert result.exit_code == 0, result.output
    assert "0 analysis chain(s) exported and removed" in result.output
    assert list(tmp_path.iterdir()) == []
    with app.app_context():
        assert db.session.get(Analysis, analysis_id) is not None


def test_a_chain_with_an_open_version_is_not_due(app):
    with app.app_context():
        owner = factories.new_user(email="agare@example.se", name="Åsa Ägare")
        reviewer = factories.new_user(
            email="granskare@example.se", name="Göran Granskare", role="reviewer"
        )
        analysis = factories.complete_analysis(owner)
        factories.submit(analysis, reviewer)
        factories.sign(analysis, reviewer)
        factories.decide(analysis, outcome="referred_back")  # a new draft version continues it
        set_rule(app, 1)
        db.session.commit()
        assert analysis.status == "referred_back"
        assert retention.due(date(2199, 1, 1)) == []


def test_the_rule_is_kept_on_the_profile_page(app, make_browser, make_user):
    admin = make_user(role="admin")
    with app.app_context():
        organisation = create_organisation("Region Gallring", db.session.get(User, admin.id))
        db.session.commit()
        url = f"/admin/organisations/{organisation.id}/profile"
    browser = make_browser()
    browser.login(admin)
    page = browser.get(url).get_data(as_text=True)
    assert 'name="retention_years"' in page and "Gallring" in page
    bad = browser.post(url, {"retention_years": "noll"})
    assert bad.status_code == 400
    text = bad.get_data(as_text=True)
    assert "heltal" in text and 'value="noll"' in text
    too_many = browser.post(url, {"retention_years": "500"})
    assert too_many.status_code == 400 and "från 1 till 100" in too_many.get_data(as_text=True)
    saved = browser.post(url, {"retention_years": "10"})
    assert saved.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(OrganisationProfile.retention_years)) == 10
        event = db.session.scalar(
            select(AuditEvent)
            .where(AuditEvent.action == "organisation_profile_updated")
            .order_by(AuditEvent.id.desc())
        )
        assert event.details["changed"]["retention_years"] == [None, 10]
    cleared = browser.post(url, {"retention_years": ""})
    assert cleared.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(OrganisationProfile.retention_years)) is None


@pytest.mark.parametrize("years", [0, -1, 101])
def test_the_domain_refuses_a_rule_out_of_range(app, years):
    with app.app_context():
        with pytest.raises(profiles.FieldError) as refused:
            set_rule(app, years)
        assert refused.value.field == "retention_years"


def test_removing_a_chain_keeps_an_analysis_started_from_it(app, tmp_path, time_machine):
    """A later analysis started from the removed one stays, without its link to what is gone."""
    with app.app_context():
        old = closed_analysis("Gammal analys")
        owner = db.session.scalar(select(User).where(User.email == "agare@example.se"))
        later = reuse.start_from(
            old, app.extensions["bka_library"], owner, title="Nästa våg", organisation="Region X"
        )
        set_rule(app, 1)
        db.session.commit()
        old_id, later_id = old.id, later.id
        assert reuse.origin_of(later) is not None
    time_machine.move_to(date(2030, 1, 1))
    result = invoke(
        app, "retention", "--apply", "--export-dir", str(tmp_path), "--today", "2030-01-01"
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.get(Analysis, old_id) is None
        later = db.session.get(Analysis, later_id)
        assert later.title == "Nästa våg" and reuse.origin_of(later) is None


def test_dry_run_and_apply_together_are_refused_and_nothing_is_removed(app, tmp_path):
    with app.app_context():
        analysis = closed_analysis()
        set_rule(app, 1)
        db.session.commit()
        analysis_id = analysis.id
    result = invoke(
        app,
        "retention",
        "--dry-run",
        "--apply",
        "--export-dir",
        str(tmp_path),
        "--today",
        "2020-01-01",
    )
    assert result.exit_code == 2 and "not both" in result.output
    assert invoke(app, "retention").exit_code == 2
    with app.app_context():
        assert db.session.get(Analysis, analysis_id) is not None
