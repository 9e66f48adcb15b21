"""The two build steps pyproject.toml cannot express; everything else is in pyproject.toml.

A wheel (and so every installation that is not an editable checkout) gets:

- `bka/checklists/`: a copy of the repository's top-level `checklists/`, which
  `bka.domain.checklists.DEFAULT_DIR` reads when there is no checkout around it;
- `bka/translations/*/LC_MESSAGES/messages.mo`, compiled from the `.po` catalogs (compiled
  catalogs are build output and never committed).

An editable install (`pip install -e`, `make install`) reads `checklists/` in place and the
catalogs that `make translations` compiles in place, so it skips both steps.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
CHECKLISTS = ROOT / "checklists"
TRANSLATIONS = ROOT / "bka" / "translations"


class BuildPyWithContent(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        package = Path(self.build_lib) / "bka"
        self.copy_checklists(package / "checklists")
        self.compile_catalogs(package / "translations")

    def copy_checklists(self, target: Path) -> None:
        if not (CHECKLISTS / "method.toml").is_file():
            raise SystemExit(f"{CHECKLISTS} has no method.toml: the wheel needs the checklists")
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(
            CHECKLISTS, target, ignore=shutil.ignore_patterns("__pycache__", "*.py[co]")
        )
        self.announce(f"copied {CHECKLISTS} to {target}", level=2)

    def compile_catalogs(self, target: Path) -> None:
        catalogs = sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))
        if not catalogs:
            raise SystemExit(f"no catalogs in {TRANSLATIONS}")
        for po_path in catalogs:
            locale = po_path.parents[1].name
            with po_path.open("rb") as handle:
                catalog = read_po(handle, locale=locale)
            mo_path = target / po_path.relative_to(TRANSLATIONS).with_suffix(".mo")
            mo_path.parent.mkdir(parents=True, exist_ok=True)
            # Like `pybabel compile`: fuzzy entries are left out (tests/test_i18n.py allows none).
            with mo_path.open("wb") as handle:
                write_mo(handle, catalog, use_fuzzy=False)
            self.announce(f"compiled {po_path} to {mo_path}", level=2)


setup(cmdclass={"build_py": BuildPyWithContent})
