"""The checklist data is complete and valid; broken files are refused; analyses keep snapshots."""

import shutil
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from bka.cli import main
from bka.domain import analyses as ops
from bka.domain.checklists import (
    AREAS,
    DEFAULT_DIR,
    PACKAGED_DIR,
    STEP_KEYS,
    ChecklistError,
    load_library,
)
from bka.extensions import db
from bka.models import Analysis


def test_a_checkout_reads_the_repository_checklists():
    """Only a built wheel has bka/checklists/ (setup.py copies it there); a copy in the source
    tree would silently shadow edits to checklists/."""
    assert not PACKAGED_DIR.exists()
    assert Path(__file__).resolve().parents[1] / "checklists" == DEFAULT_DIR


@pytest.fixture(scope="module")
def library():
    return load_library()


def test_convention_has_all_54_articles_in_both_languages(library):
    articles = library.convention.articles
    assert [article.number for article in articles] == list(range(1, 55))
    for article in articles:
        assert article.title.sv and article.title.en and article.summary.sv and article.summary.en
    assert {a.number for a in articles if a.general_principle} == {2, 3, 6, 12}
    assert {a.number for a in articles if a.incorporated} == set(range(1, 43))
    assert library.convention.article(24).title.sv.startswith("Hälsa")


def test_every_area_has_relevant_articles(library):
    for area in AREAS:
        assert any(a.relevance.get(area) == "high" for a in library.convention.articles)


def test_method_has_the_eleven_steps_with_guidance(library):
    assert tuple(step.key for step in library.method.steps) == STEP_KEYS
    for step in library.method.steps:
        assert step.purpose.sv and step.purpose.en
        assert len(step.guiding_questions) >= 4
        for question in step.questions:
            assert question.label.sv and question.label.en


def test_packs_exist_for_every_area_and_link_valid_articles(library):
    assert set(library.packs) == set(AREAS)
    digital = library.packs["digital"]
    health = library.packs["health_care"]
    assert len(digital.prompts) >= 25
    assert len(health.prompts) >= 12
    # Issue 14 item 8: these packs from 8 to at least 15 prompts; the two new ones as many.
    for area in ("education", "social_services", "planning", "budget", "culture_leisure"):
        assert len(library.packs[area].prompts) >= 15, area
    for pack in library.packs.values():
        assert len(pack.prompts) >= 5
        for prompt in pack.prompts:
            assert prompt.step in STEP_KEYS
            assert all(1 <= number <= 54 for number in prompt.articles)


def test_digital_pack_covers_the_worked_ehr_issues(library):
    text = " ".join(
        f"{prompt.text.sv} {prompt.guidance.sv if prompt.guidance else ''}".lower()
        for prompt in library.packs["digital"].prompts
    )
    for term in ("13", "vårdnadshavare", "skyddade", "migrer", "tolk", "reservnummer", "anhörig"):
        assert term in text, term


@pytest.fixture
def broken_dir(tmp_path):
    target = tmp_path / "checklists"
    shutil.copytree(DEFAULT_DIR, target)
    return target


def _rewrite(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_a_missing_language_is_refused(broken_dir):
    path = broken_dir / "convention.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    english_title = data["articles"][23]["title"]["en"]
    _rewrite(path, f'en = "{english_title}"', 'en = ""')
    with pytest.raises(ChecklistError) as error:
        load_library(broken_dir)
    assert "missing or empty 'en' text" in str(error.value)


def test_unknown_article_and_step_are_refused(broken_dir):
    path = broken_dir / "packs" / "education.toml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("articles = [", "articles = [99, ", 1).replace(
        'step = "', 'step = "nowhere_', 1
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ChecklistError) as error:
        load_library(broken_dir)
    message = str(error.value)
    assert "99 is not an article number" in message
    assert "unknown step 'nowhere_" in message


def test_duplicate_question_keys_are_refused(broken_dir):
    _rewrite(broken_dir / "method.toml", 'key = "objectives"', 'key = "proposal"')
    with pytest.raises(ChecklistError, match="duplicate question key"):
        load_library(broken_dir)


def test_cli_validate_reports_ok_and_errors(broken_dir):
    runner = CliRunner()
    ok = runner.invoke(main, ["checklists", "validate"])
    assert ok.exit_code == 0, ok.output
    assert "54 articles" in ok.output
    (broken_dir / "packs" / "planning.toml").unlink()
    failed = runner.invoke(main, ["checklists", "validate", "--directory", str(broken_dir)])
    assert failed.exit_code == 1
    assert "no pack for decision area 'planning'" in failed.output


def test_an_analysis_keeps_the_content_it_was_started_with(app, make_user, broken_dir):
    owner = make_user()
    with app.app_context():
        first = ops.create_analysis(
            load_library(),
            db.session.merge(owner),
            title="Före",
            organisation="Region",
            decision_area="digital",
        )
        old_title = ops.checklists_for(first).convention.article(24).title.sv
        old_version = first.convention_revision.version
        # The content changes and the version is bumped.
        _rewrite(
            broken_dir / "convention.toml",
            f"version = {old_version}",
            f"version = {old_version + 1}",
        )
        _rewrite(broken_dir / "convention.toml", old_title, "Ny rubrik för hälsa")
        second = ops.create_analysis(
            load_library(broken_dir),
            db.session.merge(owner),
            title="Efter",
            organisation="Region",
            decision_area="digital",
        )
        db.session.commit()
        first_id, second_id = first.id, second.id
        db.session.expire_all()
        first = db.session.get(Analysis, first_id)
        second = db.session.get(Analysis, second_id)
        assert ops.checklists_for(first).convention.article(24).title.sv == old_title
        assert ops.checklists_for(second).convention.article(24).title.sv == "Ny rubrik för hälsa"
        assert first.convention_revision.version == old_version
        assert second.convention_revision.version == old_version + 1
        # Both share the unchanged method revision: snapshots are stored once.
        assert first.method_revision_id == second.method_revision_id


# --- the decision areas budget and culture_leisure (issue 14, item 8) ---------------------------


def test_budget_and_culture_leisure_are_decision_areas_with_their_own_packs(library):
    assert {"budget", "culture_leisure"} <= set(AREAS)
    budget, culture = library.packs["budget"], library.packs["culture_leisure"]
    assert budget.title.sv == "Budget, ekonomi och styrdokument"
    assert culture.title.en == "Culture and leisure"
    convention = library.convention
    # Child budgeting rests on article 4 (maximum available resources); culture and leisure on
    # article 31 (rest, leisure, play and culture) with 13, 15 and 30.
    assert convention.article(4).relevance["budget"] == "high"
    for number in (31, 13, 15, 30, 23):
        assert convention.article(number).relevance["culture_leisure"] == "high", number
    for pack in (budget, culture):
        assert pack.suggested_articles and set(pack.suggested_articles) <= set(range(1, 43))
        assert {prompt.step for prompt in pack.prompts} >= {
            "screening",
            "children",
            "evidence",
            "participation",
            "impacts",
            "alternatives",
            "follow_up",
        }


def test_new_analyses_can_be_started_in_the_new_areas(browser, make_user, app):
    browser.login(make_user())
    page = browser.client.get("/analyses/new").get_data(as_text=True)
    assert 'value="budget"' in page and "Budget, ekonomi och styrdokument" in page
    assert 'value="culture_leisure"' in page and "Kultur och fritid" in page
    response = browser.post(
        "/analyses/new",
        {
            "title": "Fritidsgård flyttas",
            "organisation": "Kultur",
            "decision_area": "culture_leisure",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        analysis = db.session.scalars(
            db.select(Analysis).filter_by(title="Fritidsgård flyttas")
        ).one()
        assert analysis.decision_area == "culture_leisure"
    participation = browser.client.get(f"/analyses/{analysis.id}/steps/participation").get_data(
        as_text=True
    )
    assert "nationella minoriteterna" in participation


def test_digital_pack_covers_the_issues_the_content_review_found_missing(library):
    """Issue 14 item 8: children's consent under lag (2022:913), manual record transfer, SIP,
    self-care in LSS, split youth-clinic records, maternity-newborn-dental links, SiS homes."""
    prompts = {prompt.key: prompt for prompt in library.packs["digital"].prompts}
    expected = {
        "child_consent_shared_documentation": ("samtycke", "2022:913"),
        "manual_record_transfer": ("för hand", "2008:355"),
        "coordinated_individual_plans": ("SIP", "2017:30"),
        "self_care_in_lss_and_school": ("egenvård", "2022:1250"),
        "split_youth_clinic_records": ("kurator", "2009:400"),
        "maternity_newborn_dental_links": ("tandvård", "1985:125"),
        "children_in_special_youth_homes": ("särskilda ungdomshem", "1990:52"),
    }
    for key, (word, sfs) in expected.items():
        prompt = prompts[key]
        text = f"{prompt.text.sv} {prompt.guidance.sv}"
        assert word in text, key
        assert prompt.text.en and prompt.guidance.en
        assert sfs in {source.sfs for source in prompt.law}, key


def test_the_readme_table_lists_every_pack_with_its_prompt_count(library):
    readme = (DEFAULT_DIR / "README.md").read_text(encoding="utf-8")
    for area in AREAS:
        pack = library.packs[area]
        row = next(line for line in readme.splitlines() if line.startswith(f"| `{area}` |"))
        assert f"`packs/{area}.toml`" in row and pack.title.sv in row, area
        assert row.endswith(f"| {len(pack.prompts)} |"), (area, len(pack.prompts))
