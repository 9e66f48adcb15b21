"""`bka demo` loads a complete Millennium analysis and others, and is idempotent."""

import pytest

from bka import demo
from bka.domain import analyses as ops
from bka.domain import lifecycle, versions
from bka.domain.checklists import load_library
from bka.domain.progress import all_missing, completed_count, load_state
from bka.extensions import db
from bka.models import Analysis, DecisionRecord, User

MILLENNIUM = "Införande av vårdinformationssystemet Millennium"


def run_demo(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return result.output


def test_demo_loads_users_and_analyses_idempotently(app):
    first = run_demo(app)
    assert "team@example.se" in first and "demo-team-2024" in first
    second = run_demo(app)
    assert "(0 analyses created)" in second
    with app.app_context():
        roles = {user.email: user.role for user in db.session.scalars(db.select(User))}
        assert roles == {
            "team@example.se": "member",
            "granskare@example.se": "reviewer",
            "admin@example.se": "admin",
        }
        analyses = db.session.scalars(db.select(Analysis)).all()
        assert len(analyses) >= 5
        assert {a.status for a in analyses} == {
            "draft",
            "in_review",
            "changes_requested",
            "approved",
            "decided",
            "follow_up",
            "closed",
            "screened_out",
            "referred_back",
        }
        assert len({a.decision_area for a in analyses}) == 5
        # Every outcome is shown: a postponed one still waits, a referred-back one goes on as a
        # linked draft.
        outcomes = set(db.session.scalars(db.select(DecisionRecord.outcome)))
        assert outcomes == set(lifecycle.DECISION_OUTCOMES)
        referred = next(a for a in analyses if a.status == "referred_back")
        following = versions.next_version(referred)
        assert following.status == "draft" and following.title == referred.title
        assert following.version == referred.version + 1


def test_millennium_is_complete_and_rich(app):
    run_demo(app)
    with app.test_request_context():
        analysis = db.session.scalar(db.select(Analysis).where(Analysis.title == MILLENNIUM))
        assert analysis.organisation.startswith("Västra Götalandsregionen")
        state = load_state(analysis, ops.checklists_for(analysis))
        assert completed_count(state) == 11
        assert all_missing(state) == []
        labels = " ".join(group.label for group in state.entries["child_groups"]).lower()
        for words in ("13–15", "skyddade", "kroniskt sjuka", "anhöriga"):
            assert words in labels, words
        assert len(state.entries["impacts"]) >= 20
        assert any(
            "ungdomsråd" in c.views.lower() or c.method == "youth_council"
            for c in state.entries["consultations"]
        )
        assert state.entries["measures"] and state.entries["indicators"]
        assert analysis.screening_level == "in_depth"


def test_demo_if_empty_leaves_existing_data_alone(app, make_user):
    make_user()
    result = app.test_cli_runner().invoke(args=["demo", "--if-empty"])
    assert "no demo data was loaded" in result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Analysis.id))) == 0


# The smallest analysis file the loader accepts; the tests below break it one way each.
VALID = """
title = "Test"
organisation = "Region Test"
decision_area = "digital"
owner = "team"
final_status = "draft"
members = [{ user = "reviewer", role = "viewer" }]

[answers.screening]
magnitude = "minor"

[[child_groups]]
ref = "all"
label = "Alla barn"

[[impacts]]
group = "all"
article = 3
"""


@pytest.mark.parametrize(
    ("old", "new", "names"),
    [
        ('title = "Test"\n', "", "'title'"),
        ('final_status = "draft"', 'final_status = "draft"\nstatus = "x"', "'status'"),
        ('owner = "team"', 'owner = "nobody"', "'nobody'"),
        ('{ user = "reviewer", role = "viewer" }', '{ user = "reviewer" }', "'role'"),
        ('final_status = "draft"', 'final_status = "done"', "'done'"),
        ('label = "Alla barn"', 'label = "Alla barn"\nlable = "x"', "child_groups[0]"),
        ('group = "all"', 'group = "none"', "impacts[0].group"),
        ('group = "all"\n', "", "'group'"),
        ('owner = "team"', 'owner = "team"\nplanned_decision_date = "2024-13-01"', "planned_dec"),
        ('title = "Test"', 'title = "Test', "line 2"),  # not TOML at all
    ],
)
def test_reading_rejects_a_broken_file_naming_it(tmp_path, old, new, names):
    (tmp_path / "01-good.toml").write_text(VALID, encoding="utf-8")
    assert VALID.count(old) == 1
    (tmp_path / "02-broken.toml").write_text(VALID.replace(old, new), encoding="utf-8")
    with pytest.raises(demo.DemoDataError) as error:
        demo.read_analyses(tmp_path)
    assert "02-broken.toml" in str(error.value)
    assert names in str(error.value)


@pytest.mark.parametrize(
    ("old", "new", "names"),
    [
        ("[answers.screening]", "[answers.screenin]", "'screenin'"),
        ('magnitude = "minor"', 'magnitud = "minor"', "'magnitud'"),
        ('decision_area = "digital"', 'decision_area = "space"', "'space'"),
    ],
)
def test_loading_rejects_steps_and_questions_the_checklists_lack(tmp_path, old, new, names):
    (tmp_path / "broken.toml").write_text(VALID.replace(old, new), encoding="utf-8")
    specs = demo.read_analyses(tmp_path)
    with pytest.raises(demo.DemoDataError) as error:
        demo.check_against(load_library(), specs)
    assert "broken.toml" in str(error.value)
    assert names in str(error.value)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ('[[user]]\nkey = "reviewer"', "missing the key 'users'"),
        (
            '[[users]]\nkey = "reviewer"\nemail = "r@example.se"',
            "users[0] is missing the key 'name'",
        ),
        (
            '[[users]]\nkey = "team"\nemail = "t"\nname = "T"\npassword = "p"\nrole = "member"',
            "reviewer",
        ),
    ],
)
def test_reading_rejects_a_broken_users_file_naming_it(tmp_path, text, names):
    (tmp_path / "users.toml").write_text(text, encoding="utf-8")
    with pytest.raises(demo.DemoDataError) as error:
        demo.read_users(tmp_path / "users.toml")
    assert "users.toml" in str(error.value)
    assert names in str(error.value)


def test_the_shipped_data_passes_every_check():
    demo.check_against(load_library(), demo.read_analyses())
    assert [user.key for user in demo.read_users()] == ["team", "reviewer", "admin"]


def test_the_demo_refuses_a_production_installation(monkeypatch, tmp_path):
    from bka import create_app

    monkeypatch.setenv("SECRET_KEY", "a" * 64)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    application = create_app("production")
    result = application.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code != 0
    assert "published passwords" in result.output
