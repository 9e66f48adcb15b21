"""Legal references in the checklists are current and traceable, and the method is area-neutral.

Every legal reference names its source (SFS or CELEX number, the official text's address and
the date it was checked); a reference without one is a load error; `bka checklists validate`
warns when a legal review is more than 12 months old. The method's texts are the same for every
decision area: one area's services, systems and bodies appear only in that area's pack.
"""

import re
import shutil
import tomllib
from datetime import date

import pytest
from click.testing import CliRunner
from markupsafe import escape

from bka.cli import main
from bka.domain.checklists import (
    AREAS,
    DEFAULT_DIR,
    OFFICIAL_HOSTS,
    ChecklistError,
    load_library,
    parse_pack,
    review_warnings,
)


@pytest.fixture(scope="module")
def library():
    return load_library()


@pytest.fixture
def checklist_dir(tmp_path):
    target = tmp_path / "checklists"
    shutil.copytree(DEFAULT_DIR, target)
    return target


def _rewrite(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- the content -------------------------------------------------------------------------------


def test_article_3_uses_the_statutory_wording(library):
    article = library.convention.article(3)
    assert "i första hand beaktas vad som bedöms vara barnets bästa" in article.summary.sv
    assert "främsta rummet" not in article.summary.sv
    assert "sociala välfärdsinstitutioner" in article.summary.sv
    assert "a primary consideration" in article.summary.en
    assert "social welfare institutions" in article.summary.en
    assert "private bodies" not in article.summary.en
    assert [source.sfs for source in article.law] == ["2018:1197"]


def test_articles_6_17_24_28_29_are_rendered_faithfully(library):
    article = library.convention.article
    assert "tolkning" in article(6).summary.sv and "interpretation" in article(6).summary.en
    assert "säkerställa" in article(17).summary.sv and "verka för" not in article(17).summary.sv
    assert "ensure" in article(17).summary.en
    assert "bästa uppnåeliga hälsa" in article(24).summary.sv
    assert "24.3" in article(24).summary.sv and "24.3" in article(24).summary.en
    assert "på grundval av förmåga" in article(28).summary.sv
    assert "on the basis of capacity" in article(28).summary.en
    assert "equality of sexes" in article(29).summary.en


def _all_texts(pack):
    for prompt in pack.prompts:
        yield prompt, f"{prompt.text.sv} {prompt.guidance.sv if prompt.guidance else ''}"


def test_outdated_references_are_gone(library):
    for pack in library.packs.values():
        for prompt, text in _all_texts(pack):
            assert "6 kap." not in text or "patientdatalag" not in text, prompt.key
            assert "8 kap." not in text or "patientdatalag" not in text, prompt.key
            assert "kontrollera" not in text.lower() or "socialtjänstlag" not in text, prompt.key
    digital = {p.key: p for p in library.packs["digital"].prompts}
    assert "2022:913" in digital["confidential_youth_care_shared_record"].guidance.sv
    assert "samtycke" in digital["confidential_youth_care_shared_record"].guidance.sv
    assert "2025:400" in digital["child_protection_documentation"].guidance.sv


def test_paraphrases_keep_the_scope_of_the_law(library):
    health = {p.key: p for p in library.packs["health_care"].prompts}
    relatives = health["children_as_relatives"].text.sv
    assert "psykisk funktionsnedsättning" in relatives and "spel om pengar" in relatives
    assert "varaktigt bor" in relatives
    guardians = health["separated_guardians"].guidance.sv
    assert "två vårdnadshavare" in guardians and "Somatisk vård omfattas inte" in guardians
    for area in ("digital", "health_care"):
        reserve = {p.key: p for p in library.packs[area].prompts}["children_without_personnummer"]
        assert "nyanlända barn med uppehållstillstånd" in reserve.guidance.sv.lower()
        assert "omfattas" in reserve.guidance.sv
    education = {p.key: p for p in library.packs["education"].prompts}
    assert "förskola och fritidshem omfattas inte" in education["safety_wellbeing"].guidance.sv
    for area in ("digital", "health_care"):
        for prompt in library.packs[area].prompts:
            if "förvaltningslagen" in (prompt.guidance.sv if prompt.guidance else ""):
                assert "bara gäller myndigheter" in prompt.guidance.sv, prompt.key
    planning = {p.key: p for p in library.packs["planning"].prompts}["play_and_green_space"]
    assert "8 kap. 10 §" in planning.guidance.sv and "2 kap. 7 §" in planning.guidance.sv


def test_every_legal_reference_names_an_official_source_with_a_date(library):
    documents = [library.method, library.convention, *library.packs.values()]
    cited = 0
    for document in documents:
        elements = list(getattr(document, "prompts", ())) + list(getattr(document, "examples", ()))
        elements += [q for s in getattr(document, "steps", ()) for q in s.questions]
        for element in elements:
            for source in element.law:
                cited += 1
                assert source in document.sources
                assert source.sfs or source.celex
                assert any(source.url.startswith(f"https://{host}/") for host in OFFICIAL_HOSTS)
                assert isinstance(source.checked, date)
    assert cited > 40
    numbers = {s.sfs for d in documents for s in d.sources}
    for sfs in ("2022:913", "2025:400", "2010:900", "2010:800", "2017:30", "2018:1197"):
        assert sfs in numbers, sfs
    # The repealed chapter and the old Social Services Act are no longer cited anywhere.
    assert "2001:453" not in numbers


# --- validation --------------------------------------------------------------------------------


def test_a_legal_reference_without_a_source_is_refused(checklist_dir):
    _rewrite(checklist_dir / "packs" / "education.toml", 'law = ["skollag"]\n', "")
    with pytest.raises(ChecklistError) as error:
        load_library(checklist_dir)
    assert (
        "packs/education.toml: prompts.school_change_scope: the text makes a legal reference"
        in (str(error.value))
    )


def test_naming_an_act_requires_citing_it(checklist_dir):
    _rewrite(
        checklist_dir / "packs" / "education.toml",
        'law = ["skollag", "minoritet"]',
        'law = ["skollag"]',
    )
    with pytest.raises(ChecklistError, match="names '2009:724' but law does not list 'minoritet'"):
        load_library(checklist_dir)


def test_a_source_needs_a_number_an_official_address_and_a_date(checklist_dir):
    path = checklist_dir / "packs" / "planning.toml"
    _rewrite(path, 'sfs = "2010:900"\n', "")
    _rewrite(path, "https://rkrattsbaser.gov.se/sfst?bet=1998:808", "https://lagen.nu/1998:808")
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"checked = \S+\n", "", text, count=1), encoding="utf-8")
    with pytest.raises(ChecklistError) as error:
        load_library(checklist_dir)
    message = str(error.value)
    assert "packs/planning.toml: sources.pbl: a source needs its SFS number" in message
    assert "sources.pbl: checked must be the date" in message
    assert "sources.mb: url must be the address of the official text" in message


def test_an_unknown_source_key_is_refused(checklist_dir):
    _rewrite(checklist_dir / "packs" / "planning.toml", 'law = ["mb"]', 'law = ["miljo"]')
    with pytest.raises(ChecklistError, match="no source with key 'miljo'"):
        load_library(checklist_dir)


def test_snapshots_from_before_sources_still_parse(checklist_dir):
    """Analyses started with the old content keep it: stored snapshots have no sources."""
    raw = tomllib.loads((checklist_dir / "packs" / "education.toml").read_text(encoding="utf-8"))
    raw.pop("sources")
    raw.pop("examples")
    for prompt in raw["prompts"]:
        prompt.pop("law", None)
    pack = parse_pack(raw, "snapshot")
    assert pack.sources == () and pack.prompts[0].law == ()
    with pytest.raises(ChecklistError, match="makes a legal reference"):
        parse_pack(raw, "packs/education.toml", strict=True)


def test_review_warnings_age_each_source_against_the_given_date(library):
    checked = {s.checked for s in library.packs["planning"].sources}
    assert len(checked) == 1
    (day,) = checked
    assert review_warnings(library, day) == []
    same_day_next_year = day.replace(year=day.year + 1)
    assert review_warnings(library, same_day_next_year) == []
    late = review_warnings(library, date(day.year + 1, day.month, day.day + 1))
    assert any(w.startswith("packs/planning.toml: the legal review of SFS 2010:900") for w in late)
    assert any(w.startswith("convention.toml: the legal review of SFS 2018:1197") for w in late)


def test_cli_validate_warns_about_old_reviews(checklist_dir):
    runner = CliRunner()
    fresh = runner.invoke(
        main, ["checklists", "validate", "--directory", str(checklist_dir), "--today", "2027-01-15"]
    )
    assert fresh.exit_code == 0, fresh.output
    assert "warning:" not in fresh.output
    _rewrite(
        checklist_dir / "packs" / "education.toml", "checked = 2026-12-02", "checked = 2025-06-30"
    )
    stale = runner.invoke(
        main, ["checklists", "validate", "--directory", str(checklist_dir), "--today", "2027-01-15"]
    )
    assert stale.exit_code == 0, stale.output
    assert (
        "warning: packs/education.toml: the legal review of SFS 2010:800 (Skollag (2010:800)) "
        "was last checked on 2025-06-30, more than 12 months ago"
    ) in stale.output
    assert "packs/planning.toml" not in stale.output


# --- area-neutral method -----------------------------------------------------------------------

AREA_WORDS = re.compile(
    r"1177|journalsystem|\bBUP\b|regionstyrelsen|Regional Executive Board|Millennium|\bEHR\b"
    r"|(?<!school )health[- ]record|patientsäkerhet|patient[- ]safety|driftstart|go-live",
    re.IGNORECASE,
)


def test_the_method_texts_name_no_single_area(library):
    for step in library.method.steps:
        texts = [step.title, step.purpose, *step.guiding_questions]
        for question in step.questions:
            texts += [question.label, question.guidance]
        for text in filter(None, texts):
            for words in (text.sv, text.en):
                assert not AREA_WORDS.search(words), (step.key, words)


@pytest.mark.parametrize("locale", ["sv", "en"])
def test_an_education_analysis_shows_no_health_care_words(
    make_user, make_analysis, browser, library, locale
):
    owner = make_user(locale=locale)
    analysis_id = make_analysis(
        owner, area="education", title="Ny skolorganisation", organisation="Exempels kommun"
    )
    browser.login(owner)
    example = library.packs["education"].example_for("affected_how").text.get(locale)
    for step in library.method.steps:
        page = browser.get(f"/analyses/{analysis_id}/steps/{step.key}").get_data(as_text=True)
        assert str(escape(step.title.get(locale))) in page
        found = AREA_WORDS.findall(page)
        assert not found, (step.key, found)
        if step.key == "screening":
            assert str(escape(example)) in page


def test_every_pack_gives_examples_for_the_method(library):
    keys = {q.key for step in library.method.steps for q in step.questions}
    for area in AREAS:
        examples = library.packs[area].examples
        assert len(examples) >= 5, area
        assert {example.question for example in examples} <= keys
    digital = library.packs["digital"]
    assert "1177" in digital.example_for("affected_how").text.sv


def test_the_rights_step_lists_the_packs_sources(make_user, make_analysis, browser, library):
    owner = make_user()
    analysis_id = make_analysis(owner, area="planning", title="Ny detaljplan")
    browser.login(owner)
    page = browser.get(f"/analyses/{analysis_id}/steps/rights").get_data(as_text=True)
    assert "Lagkällor för samhällsplanering och trafik" in page
    for source in library.packs["planning"].sources:
        assert f'href="{source.url}"' in page
        assert f"{source.number};" in page
    screening = browser.get(f"/analyses/{analysis_id}/steps/screening").get_data(as_text=True)
    assert "Lagkällor" not in screening


def test_every_pack_prompts_for_consulting_national_minority_children(library):
    """Issue 14 item 4: in every pack, a participation prompt on the duty to give children of the
    national minorities influence and consultation (lag (2009:724) 5 and 5 a §§)."""
    for area in AREAS:
        pack = library.packs[area]
        prompts = [
            prompt
            for prompt in pack.prompts_for("participation")
            if any(source.sfs == "2009:724" for source in prompt.law)
        ]
        assert prompts, area
        prompt = prompts[0]
        assert "nationella minoriteterna" in prompt.text.sv, area
        assert "national minorities" in prompt.text.en, area
        assert "ålder och mognad" in prompt.text.sv and "age and maturity" in prompt.text.en
        # The duty towards children and young people is in 5 a § since SFS 2018:1367.
        assert "5 a §" in prompt.guidance.sv and "section 5 a" in prompt.guidance.en, area
        (source,) = [source for source in pack.sources if source.sfs == "2009:724"]
        assert "5 a §" in source.note.sv and "2018:1367" in source.note.en
