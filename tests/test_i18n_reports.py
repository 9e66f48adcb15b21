"""Swedish throughout the PDFs: every message a report asks for is in the Swedish catalog, and
no gettext call hides inside an f-string, where pybabel cannot see it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from babel.support import Translations

from reports import RENDERERS, render_barnbokslut
from tests.test_report_bytes import (
    barnbokslut_data,
    decided_data,
    followed_data,
    report_data,
    sparse_data,
)

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "bka" / "translations"
GETTEXT_NAMES = frozenset(
    {
        "_",
        "_l",
        "gettext",
        "lazy_gettext",
        "ngettext",
        "lazy_ngettext",
        "pgettext",
        "lazy_pgettext",
        "npgettext",
    }
)


def _swedish_messages() -> dict[str, str]:
    with (TRANSLATIONS / "sv" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    return {message.id: message.string for message in catalog if isinstance(message.id, str)}


class Recording:
    """A gettext that remembers every message asked for and answers from `translate`."""

    def __init__(self, translate):
        self.translate = translate
        self.asked: list[str] = []

    def __call__(self, message: str) -> str:
        self.asked.append(message)
        return self.translate(message)


def _render_all(gettext) -> int:
    """Every report kind from the pinned data, all their branches; the number rendered."""
    count = 0
    for kind, renderer in RENDERERS.items():
        for make in (report_data, decided_data, followed_data, sparse_data):
            for locale in ("en", "sv"):
                assert renderer(make(locale), gettext).startswith(b"%PDF"), kind
                count += 1
    for locale in ("en", "sv"):
        assert render_barnbokslut(barnbokslut_data(locale), gettext).startswith(b"%PDF")
        count += 1
    return count


@pytest.mark.parametrize("language", ["en", "sv"])
def test_every_message_a_report_asks_for_has_a_swedish_translation(language):
    if language == "sv":
        translations = Translations.load(str(TRANSLATIONS), ["sv"])
        recording = Recording(translations.gettext)
    else:
        recording = Recording(lambda message: message)
    assert _render_all(recording) == 26
    asked = set(recording.asked)
    # The reports ask for far more than a handful: the recording really sees them.
    assert len(asked) > 100
    swedish = _swedish_messages()
    missing = sorted(message for message in asked if not swedish.get(message))
    assert missing == []


def test_the_recording_catches_a_message_without_a_translation():
    swedish = _swedish_messages()
    recording = Recording(lambda message: message)
    recording("No such message in the catalog, ever")
    assert [m for m in recording.asked if not swedish.get(m)] == [
        "No such message in the catalog, ever"
    ]


def gettext_in_f_strings(source: str, filename: str = "<source>") -> list[tuple[int, str]]:
    """Every gettext call inside an f-string of `source`: (line, call)."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.JoinedStr):
            continue
        for inner in ast.walk(node):
            if not isinstance(inner, ast.Call):
                continue
            function = inner.func
            name = (
                function.id
                if isinstance(function, ast.Name)
                else function.attr
                if isinstance(function, ast.Attribute)
                else None
            )
            if name in GETTEXT_NAMES:
                found.append((inner.lineno, ast.unparse(inner)))
    return found


def test_the_f_string_check_finds_every_gettext_spelling():
    source = "\n".join(
        f'x{index} = f"<b>{{{call}}}</b>"'
        for index, call in enumerate(
            (
                "_('a')",
                "gettext('a')",
                "ngettext('a', 'b', n)",
                "_l('a')",
                "lazy_gettext('a')",
                "pgettext('c', 'a')",
                "translations.gettext('a')",
                "markup(gettext('a'))",
            )
        )
    )
    assert [line for line, _call in gettext_in_f_strings(source)] == list(range(1, 9))
    assert gettext_in_f_strings('label = gettext("a")\nx = f"<b>{markup(label)}</b>"') == []


def test_no_gettext_call_inside_an_f_string():
    found = []
    for folder in ("bka", "reports"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for line, call in gettext_in_f_strings(path.read_text(encoding="utf-8"), str(path)):
                found.append(f"{path.relative_to(ROOT)}:{line}: {call}")
    assert found == []
