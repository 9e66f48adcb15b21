"""The checklist ↔ code contract: the keys the code relies on are checked when loading content."""

import ast
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bka.cli import main
from bka.domain import contract
from bka.domain.checklists import DEFAULT_DIR, ChecklistError, load_library, parse_method

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def checklist_dir(tmp_path):
    target = tmp_path / "checklists"
    shutil.copytree(DEFAULT_DIR, target)
    return target


def _rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _problems(directory: Path) -> str:
    with pytest.raises(ChecklistError) as error:
        load_library(directory)
    return str(error.value)


def test_the_shipped_method_keeps_the_contract():
    library = load_library()
    assert contract.contract_problems(library.method, "method.toml") == []
    for fixed in contract.FIXED_QUESTIONS:
        question = library.method.question(fixed.key)
        assert question in library.method.step(fixed.step).questions
        assert question.kind in fixed.kinds
        if fixed.choices:
            assert set(fixed.choices) <= {choice.key for choice in question.scale.choices}


def test_renaming_children_heard_fails_naming_the_key_the_file_and_who_relies_on_it(
    checklist_dir,
):
    _rewrite(checklist_dir / "method.toml", '\n  key = "children_heard"', '\n  key = "were_heard"')
    message = _problems(checklist_dir)
    assert "method.toml: steps.participation: the question 'children_heard' is missing" in message
    assert "bka/domain/progress.py" in message
    assert "administrators' overview" in message
    assert "checklists/README.md" in message


def test_cli_validate_fails_on_a_broken_contract(checklist_dir):
    _rewrite(checklist_dir / "method.toml", '\n  key = "children_heard"', '\n  key = "were_heard"')
    result = CliRunner().invoke(main, ["checklists", "validate", "--directory", str(checklist_dir)])
    assert result.exit_code == 1
    assert "error: method.toml: steps.participation: the question 'children_heard'" in (
        result.output
    )
    assert "ok:" not in result.output


def test_removing_a_choice_the_screening_compares_with_fails(checklist_dir):
    _rewrite(
        checklist_dir / "method.toml",
        '  { key = "irreversible", label = { sv = "Går inte att återställa", '
        'en = "Irreversible" } },\n',
        "",
    )
    message = _problems(checklist_dir)
    assert "steps.screening.questions.reversibility" in message
    assert "lacks the choice 'irreversible'" in message
    assert "the screening result (bka/domain/screening.py)" in message


def test_removing_a_shared_choice_names_every_question_relying_on_it(checklist_dir):
    # yes_no_unsure is shared: children_heard needs "no", vulnerable_affected does not.
    _rewrite(
        checklist_dir / "method.toml",
        '  { key = "no", label = { sv = "Nej", en = "No" } },\n',
        "",
    )
    message = _problems(checklist_dir)
    assert "steps.participation.questions.children_heard" in message
    assert "lacks the choice 'no'" in message
    assert "vulnerable_affected" not in message


def test_moving_or_changing_the_kind_of_a_fixed_question_fails(checklist_dir):
    path = checklist_dir / "method.toml"
    _rewrite(path, 'key = "not_heard_reason"', 'key = "not_heard_note"')
    _rewrite(path, 'key = "knowledge_gaps"', 'key = "not_heard_reason"')  # step 5, evidence
    _rewrite(
        path,
        'key = "children_affected"\n  kind = "choice"\n  scale = "affected"',
        'key = "children_affected"\n  kind = "textarea"',
    )
    message = _problems(checklist_dir)
    assert "the question 'not_heard_reason' must be in step 'participation', not 'evidence'" in (
        message
    )
    assert "the question 'children_affected' must be of kind 'choice', not 'textarea'" in message


def test_stored_snapshots_are_not_held_to_the_contract():
    """An analysis keeps rendering with the content it was started with, whatever it lacks."""
    raw = load_library().raw["method"]
    participation = next(step for step in raw["steps"] if step["key"] == "participation")
    old = {
        **raw,
        "steps": [
            {
                **step,
                "questions": [q for q in step["questions"] if q["key"] != "children_heard"],
            }
            if step is participation
            else step
            for step in raw["steps"]
        ],
    }
    method = parse_method(old, "snapshot")
    assert "children_heard" in contract.contract_problems(method, "snapshot")[0]


# Files that may hold one of the fixed keys as a string for another meaning, and how often.
OTHER_MEANINGS = {
    "bka/domain/contract.py": None,  # the declaration itself
    "bka/domain/lifecycle.py": 1,  # the review rubric item "children_heard"
    "bka/domain/labels.py": 1,  # its label
    "bka/domain/tallies.py": 3,  # the Analysis.children_heard column, written in bulk
    "bka/models/analysis.py": 1,  # the index on that column
}


def test_the_code_names_fixed_keys_only_through_the_contract():
    keys = {fixed.key for fixed in contract.FIXED_QUESTIONS}
    found: dict[str, list[int]] = {}
    for path in sorted((ROOT / "bka").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if "/migrations/" in relative:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in keys:
                found.setdefault(relative, []).append(node.lineno)
    unexpected = {
        path: lines
        for path, lines in found.items()
        if path not in OTHER_MEANINGS
        or (OTHER_MEANINGS[path] is not None and len(lines) > OTHER_MEANINGS[path])
    }
    assert not unexpected, (
        f"use the constants in bka/domain/contract.py instead of these literals: {unexpected}"
    )


def test_the_readme_documents_the_contract():
    readme = (ROOT / "checklists" / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Keys the application relies on")[1].split("\n## ")[0]
    rows = {
        line.split("|")[1].strip(" `"): line
        for line in section.splitlines()
        if line.startswith("| `")
    }
    for fixed in contract.FIXED_QUESTIONS:
        assert fixed.key in rows, fixed.key
        row = rows[fixed.key]
        assert f"`{fixed.step}`" in row, fixed.key
        for value in fixed.choices:
            assert f"`{value}`" in row, (fixed.key, value)
    assert len(rows) == len(contract.FIXED_QUESTIONS)


def test_the_simplified_level_is_declared_and_checked_at_load():
    method = load_library().method
    simplified = method.levels["simplified"]
    assert simplified.steps[0] == "screening" and len(simplified.steps) < len(method.steps)
    for key in simplified.questions:
        assert method.question(key).required, key


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('  "decision.proposal",\n', '  "decision.mandate",\n', "is optional in an in-depth"),
        ('  "decision.proposal",\n', '  "decision.no_such_question",\n', "no question"),
        ('  "screening.magnitude",\n', "", "'screening.magnitude' sets the level"),
        (
            'steps = ["screening", "decision", "children", "rights", "participation", '
            '"impacts", "conclusion"]',
            'steps = ["screening", "children", "rights", "participation", "impacts", '
            '"conclusion", "no_such_step"]',
            "no step 'no_such_step'",
        ),
    ],
)
def test_a_broken_level_fails_naming_what_is_wrong(checklist_dir, old, new, message):
    _rewrite(checklist_dir / "method.toml", old, new)
    problems = _problems(checklist_dir)
    assert "levels.simplified" in problems and message in problems
