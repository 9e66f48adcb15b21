"""Checklist content (checklists/*.toml) parsed into frozen dataclasses and validated.

The files are content, not code: the method's steps and questions, the Convention's 54 articles
and one pack of prompts per decision area. The same parser reads the files on disk and the
snapshots stored with each analysis, so an analysis always renders with the content it was
started with.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bka.domain.canonical import sha256_hex
from bka.domain.contract import STEP_KEYS, contract_problems

LANGUAGES = ("sv", "en")
AREAS = (
    "health_care",
    "digital",
    "education",
    "social_services",
    "planning",
    "budget",
    "culture_leisure",
)
QUESTION_KINDS = ("text", "textarea", "choice", "multichoice", "date", "articles")
RELEVANCE_LEVELS = ("high", "some")
GENERAL_PRINCIPLES = (2, 3, 6, 12)
# Articles 1-42 are Swedish law (lag (2018:1197) 1 §): the rights of the child. Articles 43-54 are
# procedural (the Committee, signature, entry into force ...): they give no right to assess, so
# they are never offered as engaged articles nor assessed in the impact matrix.
INCORPORATED_ARTICLES = range(1, 43)
ARTICLE_NUMBERS = range(1, 55)

METHOD_ID = "method"
CONVENTION_ID = "crc"

# Legal sources (see checklists/README.md, "Legal references"). A source is an act of law with
# its number, the address of its official text and the date someone checked the checklist's
# references against that text. A legal review older than this many months is warned about.
REVIEW_MAX_AGE_MONTHS = 12
SFS_NUMBER = re.compile(r"^\d{4}:\d{1,4}$")
CELEX_NUMBER = re.compile(r"^\d{5}[A-Z]\d{4}$")
OFFICIAL_HOSTS = ("www.riksdagen.se", "rkrattsbaser.gov.se", "eur-lex.europa.eu")
# What makes a text a legal reference: a section or chapter, an SFS number, or the name of an act
# ("skollagen", "föräldrabalken", "the Education Act", "OSL" ...). Such a text must list its
# sources (`law = [...]`) when the checklists are loaded from disk.
_LEGAL_MENTION = re.compile(
    r"§|\bkap\.|\bchapters?\s+\d|(?<!Ds )(?<!SOU )(?<!prop\. )\b\d{4}:\d{1,4}\b"
    r"|\b\w*(?:lagen|balken|förordningen)\b|\b(?:[A-Z][\w-]*\s+)+(?:Act|Code)\b"
    r"|\b(?:HSL|OSL|PBL|LVU|LSS|PDL|SoL|GDPR)\b"
)
# Words ending like an act's name that are not one.
_NOT_ACTS = {"förslagen", "underlagen", "anslagen", "inslagen", "utslagen", "avslagen", "slagen"}

# An installed wheel carries a copy of the checklists in bka/checklists/ (setup.py puts it there);
# a checkout (editable install) has none there and reads the repository's top-level checklists/.
PACKAGED_DIR = Path(__file__).resolve().parents[1] / "checklists"
REPOSITORY_DIR = Path(__file__).resolve().parents[2] / "checklists"
DEFAULT_DIR = PACKAGED_DIR if PACKAGED_DIR.is_dir() else REPOSITORY_DIR


class ChecklistError(Exception):
    """Checklist content is invalid; carries every problem found, one per line."""

    def __init__(self, problems: Iterable[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Text:
    """A bilingual text; falls back to Swedish, the default language."""

    sv: str
    en: str

    def get(self, locale: str | None) -> str:
        return self.en if locale == "en" else self.sv


@dataclass(frozen=True)
class Source:
    """An act of law a checklist cites: its number, the address of the official text, and when
    the checklist's references to it were last checked against that text."""

    key: str
    sfs: str | None
    celex: str | None
    title: Text
    url: str
    checked: date
    note: Text | None
    names: tuple[str, ...] = ()

    @property
    def number(self) -> str:
        return f"SFS {self.sfs}" if self.sfs else f"CELEX {self.celex}"


@dataclass(frozen=True)
class Choice:
    key: str
    label: Text


@dataclass(frozen=True)
class Scale:
    key: str
    choices: tuple[Choice, ...]

    def label_for(self, key: str, locale: str) -> str:
        for choice in self.choices:
            if choice.key == key:
                return choice.label.get(locale)
        return key


@dataclass(frozen=True)
class Question:
    key: str
    kind: str
    label: Text
    guidance: Text | None
    required: bool
    scale: Scale | None
    law: tuple[Source, ...] = ()


@dataclass(frozen=True)
class Step:
    key: str
    number: int
    title: Text
    purpose: Text
    guiding_questions: tuple[Text, ...]
    questions: tuple[Question, ...]
    law: tuple[Source, ...] = ()


@dataclass(frozen=True)
class Level:
    """What an assessment at a lower level of depth must complete (`[levels.<key>]`): its steps,
    and in them only the questions listed; the other steps may be filled in but need not be."""

    key: str
    description: Text
    steps: tuple[str, ...]
    questions: frozenset[str]
    # The steps and "step.question" names as written, for level_problems.
    listed: tuple[tuple[str, ...], tuple[str, ...]] = field(default=((), ()), hash=False)


@dataclass(frozen=True)
class Method:
    id: str
    version: int
    title: Text
    steps: tuple[Step, ...]
    sources: tuple[Source, ...] = ()
    # Only "simplified" today; a snapshot from before levels were declared has none, and then
    # every level completes every step.
    levels: dict[str, Level] = field(default_factory=dict, hash=False)

    def step(self, key: str) -> Step:
        for step in self.steps:
            if step.key == key:
                return step
        raise KeyError(key)

    def question(self, key: str) -> Question:
        for step in self.steps:
            for question in step.questions:
                if question.key == key:
                    return question
        raise KeyError(key)


@dataclass(frozen=True)
class Article:
    number: int
    title: Text
    summary: Text
    general_principle: bool
    incorporated: bool
    relevance: dict[str, str] = field(hash=False)
    law: tuple[Source, ...] = ()


@dataclass(frozen=True)
class Convention:
    id: str
    version: int
    title: Text
    articles: tuple[Article, ...]
    sources: tuple[Source, ...] = ()

    def article(self, number: int) -> Article:
        return self.articles[number - 1]

    @staticmethod
    def is_procedural(number: int) -> bool:
        """Whether article `number` is one of the procedural articles 43-54 (not a right)."""
        return number not in INCORPORATED_ARTICLES


@dataclass(frozen=True)
class Prompt:
    key: str
    step: str
    articles: tuple[int, ...]
    text: Text
    guidance: Text | None
    law: tuple[Source, ...] = ()


@dataclass(frozen=True)
class Example:
    """An example from the pack's decision area, shown with one of the method's questions, so
    the method's own texts can stay the same for every area."""

    question: str
    text: Text
    law: tuple[Source, ...] = ()


@dataclass(frozen=True)
class Pack:
    id: str
    version: int
    area: str
    title: Text
    description: Text
    suggested_articles: tuple[int, ...]
    prompts: tuple[Prompt, ...]
    sources: tuple[Source, ...] = ()
    examples: tuple[Example, ...] = ()

    def prompts_for(self, step_key: str) -> tuple[Prompt, ...]:
        return tuple(p for p in self.prompts if p.step == step_key)

    def example_for(self, question_key: str) -> Example | None:
        for example in self.examples:
            if example.question == question_key:
                return example
        return None


@dataclass(frozen=True)
class Checklists:
    """The content one analysis works with: the method, the Convention and its area's pack."""

    method: Method
    convention: Convention
    pack: Pack

    def suggested_articles(self) -> tuple[int, ...]:
        """The articles the area's pack suggests, besides the general principles: shown as
        suggestions in the picker, never ticked for the team (only 2, 3, 6 and 12 are)."""
        return tuple(
            sorted(
                number
                for number in set(self.pack.suggested_articles)
                if number not in GENERAL_PRINCIPLES and not self.convention.is_procedural(number)
            )
        )


@dataclass(frozen=True)
class Library:
    """Every checklist file on disk, validated, with the raw content for snapshots."""

    method: Method
    convention: Convention
    packs: dict[str, Pack] = field(hash=False)
    raw: dict[str, dict[str, Any]] = field(hash=False)

    def for_area(self, area: str) -> Checklists:
        return Checklists(self.method, self.convention, self.packs[area])

    def raw_for_area(self, area: str) -> dict[str, dict[str, Any]]:
        """The raw documents an analysis in `area` snapshots, by role."""
        return {
            "method": self.raw[METHOD_ID],
            "convention": self.raw[CONVENTION_ID],
            "pack": self.raw[self.packs[area].id],
        }


def content_hash(raw: dict[str, Any]) -> str:
    """The hash stored in checklist_revision rows. It keeps the spaced serialisation it has always
    had (see bka.domain.canonical): stored revisions are found by it."""
    return sha256_hex(raw, legacy_spacing=True)


# --- parsing ---------------------------------------------------------------------------------


class _Reader:
    """Collects problems while parsing, so one run reports everything wrong with a file.

    `strict` is for the files on disk: there every legal reference must name its source. Stored
    snapshots are read without it, so analyses started before sources existed keep working.
    """

    def __init__(self, source: str, *, strict: bool = False):
        self.source = source
        self.strict = strict
        self.problems: list[str] = []
        self.sources: dict[str, Source] = {}

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{self.source}: {where}: {message}")

    def text(self, raw: Any, where: str, *, optional: bool = False) -> Text | None:
        if raw is None and optional:
            return None
        if not isinstance(raw, dict):
            self.problem(where, "expected a table with 'sv' and 'en'")
            return Text("", "")
        for lang in LANGUAGES:
            value = raw.get(lang)
            if not isinstance(value, str) or not value.strip():
                self.problem(where, f"missing or empty '{lang}' text")
        extra = set(raw) - set(LANGUAGES)
        if extra:
            self.problem(where, f"unknown languages {sorted(extra)}")
        return Text(str(raw.get("sv", "")).strip(), str(raw.get("en", "")).strip())

    def header(self, raw: dict[str, Any], expected_id: str | None = None) -> tuple[str, int]:
        checklist_id = raw.get("id")
        version = raw.get("version")
        if not isinstance(checklist_id, str) or not checklist_id:
            self.problem("id", "missing checklist id")
            checklist_id = "?"
        elif expected_id and checklist_id != expected_id:
            self.problem("id", f"expected id {expected_id!r}, found {checklist_id!r}")
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            self.problem("version", "version must be a positive integer")
            version = 0
        return checklist_id, version

    def articles(self, raw: Any, where: str) -> tuple[int, ...]:
        if not isinstance(raw, list):
            self.problem(where, "expected a list of article numbers")
            return ()
        numbers = []
        for number in raw:
            if (
                not isinstance(number, int)
                or isinstance(number, bool)
                or number not in ARTICLE_NUMBERS
            ):
                self.problem(where, f"{number!r} is not an article number (1-54)")
            else:
                numbers.append(number)
        if len(set(numbers)) != len(numbers):
            self.problem(where, "an article is listed twice")
        return tuple(numbers)

    def read_sources(self, raw: Any) -> tuple[Source, ...]:
        """The file's `[[sources]]`: one act of law each, with number, official address and the
        date it was checked."""
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.problem("sources", "expected a list of [[sources]] tables")
            return ()
        sources = []
        for index, item in enumerate(raw):
            key = item.get("key") if isinstance(item, dict) else None
            where = f"sources[{index}]"
            if not isinstance(key, str) or not key.isidentifier():
                self.problem(where, "a source needs a snake_case key")
                continue
            where = f"sources.{key}"
            if key in self.sources:
                self.problem(where, "duplicate source key")
            sfs, celex = item.get("sfs"), item.get("celex")
            if sfs is None and celex is None:
                self.problem(
                    where,
                    'a source needs its SFS number (sfs = "2017:30") or, for EU '
                    'law, its CELEX number (celex = "32016R0679")',
                )
            if sfs is not None and not (isinstance(sfs, str) and SFS_NUMBER.match(sfs)):
                self.problem(where, f'sfs must look like "2017:30", found {sfs!r}')
            if celex is not None and not (isinstance(celex, str) and CELEX_NUMBER.match(celex)):
                self.problem(where, f'celex must look like "32016R0679", found {celex!r}')
            url = item.get("url")
            if not isinstance(url, str) or not any(
                url.startswith(f"https://{host}/") for host in OFFICIAL_HOSTS
            ):
                self.problem(
                    where,
                    "url must be the address of the official text, starting with "
                    + " or ".join(f"https://{host}/" for host in OFFICIAL_HOSTS),
                )
            checked = _as_date(item.get("checked"))
            if checked is None:
                self.problem(
                    where,
                    "checked must be the date the references were checked against the official "
                    "text, e.g. checked = 2026-12-02",
                )
            names = item.get("names", [])
            if not isinstance(names, list) or not all(
                isinstance(name, str) and name.strip() for name in names
            ):
                self.problem(where, "names must be a list of the act's names as the texts use them")
                names = []
            source = Source(
                key=key,
                sfs=sfs if isinstance(sfs, str) else None,
                celex=celex if isinstance(celex, str) else None,
                title=self.text(item.get("title"), f"{where}.title"),
                url=str(url or ""),
                checked=checked or date.min,
                note=self.text(item.get("note"), f"{where}.note", optional=True),
                names=tuple(name.strip() for name in names),
            )
            self.sources[key] = source
            sources.append(source)
        return tuple(sources)

    def law(self, raw: Any, where: str, texts: Iterable[Text | None]) -> tuple[Source, ...]:
        """The sources an element cites (`law = ["hsl", ...]`). On disk, a text that makes a
        legal reference must list its sources, and every act it names by a source's name."""
        keys = raw if raw is not None else []
        if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
            self.problem(where, "law must be a list of source keys")
            keys = []
        cited = []
        for key in keys:
            if key in self.sources:
                cited.append(self.sources[key])
            else:
                self.problem(where, f"law: no source with key {key!r} in this file's [[sources]]")
        if self.strict:
            words = " ".join(f"{text.sv} {text.en}" for text in texts if text is not None)
            mention = _legal_mention(words)
            if mention and not cited:
                self.problem(
                    where,
                    f"the text makes a legal reference ({mention!r}) but lists no source; add "
                    'law = ["<source key>"] and the act to the file\'s [[sources]] with its SFS '
                    "number, official address and the date it was checked",
                )
            lowered = words.lower()
            for source in self.sources.values():
                named = next(
                    (
                        name
                        for name in (*source.names, *([source.sfs] if source.sfs else []))
                        if re.search(rf"\b{re.escape(name.lower())}", lowered)
                    ),
                    None,
                )
                if named and source not in cited:
                    self.problem(
                        where, f"the text names {named!r} but law does not list {source.key!r}"
                    )
        return tuple(cited)

    def finish(self) -> None:
        if self.problems:
            raise ChecklistError(self.problems)


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _legal_mention(text: str) -> str | None:
    """The first piece of `text` that makes it a legal reference, if any."""
    for match in _LEGAL_MENTION.finditer(text):
        if match.group(0).lower() not in _NOT_ACTS:
            return match.group(0)
    return None


def parse_method(raw: dict[str, Any], source: str = METHOD_ID, *, strict: bool = False) -> Method:
    reader = _Reader(source, strict=strict)
    checklist_id, version = reader.header(raw, METHOD_ID)
    title = reader.text(raw.get("title"), "title")
    sources = reader.read_sources(raw.get("sources"))

    scales: dict[str, Scale] = {}
    for scale_key, scale_raw in (raw.get("scales") or {}).items():
        choices = []
        seen: set[str] = set()
        for index, choice in enumerate(scale_raw.get("choices", [])):
            key = choice.get("key")
            if not isinstance(key, str) or not key:
                reader.problem(f"scales.{scale_key}[{index}]", "choice without a key")
                continue
            if key in seen:
                reader.problem(f"scales.{scale_key}", f"duplicate choice key {key!r}")
            seen.add(key)
            choices.append(
                Choice(key, reader.text(choice.get("label"), f"scales.{scale_key}.{key}"))
            )
        if not choices:
            reader.problem(f"scales.{scale_key}", "a scale needs at least one choice")
        scales[scale_key] = Scale(scale_key, tuple(choices))

    steps = []
    question_keys: set[str] = set()
    raw_steps = raw.get("steps") or []
    found_keys = tuple(step.get("key") for step in raw_steps)
    if found_keys != STEP_KEYS:
        reader.problem("steps", f"expected the steps {', '.join(STEP_KEYS)} in that order")
    articles_questions = 0
    for number, step_raw in enumerate(raw_steps, start=1):
        step_key = str(step_raw.get("key"))
        where = f"steps.{step_key}"
        questions = []
        for question_raw in step_raw.get("questions", []):
            key = question_raw.get("key")
            q_where = f"{where}.questions.{key}"
            if not isinstance(key, str) or not key.isidentifier():
                reader.problem(q_where, "question key must be a snake_case identifier")
                continue
            if key in question_keys:
                reader.problem(q_where, "duplicate question key")
            question_keys.add(key)
            kind = question_raw.get("kind")
            if kind not in QUESTION_KINDS:
                reader.problem(q_where, f"unknown kind {kind!r}")
            articles_questions += kind == "articles"
            scale = None
            if kind in ("choice", "multichoice"):
                scale = scales.get(question_raw.get("scale"))
                if scale is None:
                    reader.problem(q_where, f"unknown scale {question_raw.get('scale')!r}")
            required = question_raw.get("required", False)
            if not isinstance(required, bool):
                reader.problem(q_where, "required must be true or false")
            label = reader.text(question_raw.get("label"), f"{q_where}.label")
            guidance = reader.text(
                question_raw.get("guidance"), f"{q_where}.guidance", optional=True
            )
            questions.append(
                Question(
                    key=key,
                    kind=kind,
                    label=label,
                    guidance=guidance,
                    required=bool(required),
                    scale=scale,
                    law=reader.law(question_raw.get("law"), q_where, (label, guidance)),
                )
            )
        step_title = reader.text(step_raw.get("title"), f"{where}.title")
        purpose = reader.text(step_raw.get("purpose"), f"{where}.purpose")
        guiding = tuple(
            reader.text(text, f"{where}.guiding_questions[{i}]")
            for i, text in enumerate(step_raw.get("guiding_questions", []))
        )
        steps.append(
            Step(
                key=step_key,
                number=number,
                title=step_title,
                purpose=purpose,
                guiding_questions=guiding,
                questions=tuple(questions),
                law=reader.law(step_raw.get("law"), where, (step_title, purpose, *guiding)),
            )
        )
    if articles_questions != 1:
        reader.problem("steps", "exactly one question of kind 'articles' is required")
    levels = _read_levels(reader, raw.get("levels"), steps)
    reader.finish()
    return Method(checklist_id, version, title, tuple(steps), sources, levels)


# The levels of depth below "in depth" that may declare what they require; "in depth" requires
# everything, and "none" (no BKA needed) only the screening.
DECLARED_LEVELS = ("simplified",)


def _read_levels(reader: _Reader, raw: Any, steps: list[Step]) -> dict[str, Level]:
    """`[levels.simplified]`: the steps a simplified assessment completes and the questions it
    must answer in them ("step.question"). What they name is checked by level_problems, beside
    the contract, so that a renamed question is reported with who relies on it."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        reader.problem("levels", "expected a table of levels, e.g. [levels.simplified]")
        return {}
    levels = {}
    for level_key, level_raw in raw.items():
        where = f"levels.{level_key}"
        if level_key not in DECLARED_LEVELS:
            reader.problem(where, f"unknown level; only {', '.join(DECLARED_LEVELS)} is declared")
            continue
        if not isinstance(level_raw, dict):
            reader.problem(where, "expected a table with description, steps and questions")
            continue
        step_keys = level_raw.get("steps")
        if not isinstance(step_keys, list) or not all(isinstance(k, str) for k in step_keys):
            reader.problem(f"{where}.steps", "expected a list of step keys")
            step_keys = []
        names = level_raw.get("questions")
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            reader.problem(f"{where}.questions", 'expected a list like ["screening.magnitude"]')
            names = []
        levels[level_key] = Level(
            key=level_key,
            description=reader.text(level_raw.get("description"), f"{where}.description"),
            steps=tuple(step.key for step in steps if step.key in step_keys),
            questions=frozenset(name.partition(".")[2] for name in names),
            listed=(tuple(step_keys), tuple(names)),
        )
    return levels


def level_problems(method: Method, source: str) -> list[str]:
    """Every way the method's declared levels name what does not exist or cannot be required.

    A listed question must be one its step requires anyway (a simplified assessment cannot
    require more than an in-depth one) and its step must be listed; the screening, which sets
    the level, is always listed with its required questions."""
    problems = []
    by_key = {step.key: step for step in method.steps}
    screening = by_key.get(STEP_KEYS[0])
    for level in method.levels.values():
        where = f"{source}: levels.{level.key}"
        step_keys, names = level.listed
        for key in step_keys:
            if key not in by_key:
                problems.append(f"{where}.steps: no step {key!r}")
        if len(set(step_keys)) != len(step_keys):
            problems.append(f"{where}.steps: a step is listed twice")
        if STEP_KEYS[0] not in step_keys:
            problems.append(f"{where}.steps: the step {STEP_KEYS[0]!r} sets the level: list it")
        for name in names:
            step_key, _, question_key = name.partition(".")
            step = by_key.get(step_key)
            question = (
                next((q for q in step.questions if q.key == question_key), None) if step else None
            )
            if question is None:
                problems.append(f"{where}.questions: no question {name!r} (step.question)")
            elif step_key not in step_keys:
                problems.append(f"{where}.questions: {name!r}: its step is not in steps")
            elif not question.required:
                problems.append(
                    f"{where}.questions: {name!r} is optional in an in-depth assessment; a "
                    "simplified one cannot require more"
                )
        for question in screening.questions if screening else ():
            if question.required and f"{STEP_KEYS[0]}.{question.key}" not in names:
                problems.append(
                    f"{where}.questions: '{STEP_KEYS[0]}.{question.key}' sets the level: a "
                    "simplified assessment must answer it too"
                )
    return problems


def parse_convention(
    raw: dict[str, Any], source: str = CONVENTION_ID, *, strict: bool = False
) -> Convention:
    reader = _Reader(source, strict=strict)
    checklist_id, version = reader.header(raw, CONVENTION_ID)
    title = reader.text(raw.get("title"), "title")
    sources = reader.read_sources(raw.get("sources"))
    articles = []
    for index, article_raw in enumerate(raw.get("articles") or []):
        number = article_raw.get("number")
        where = f"articles[{index}]"
        if number != index + 1:
            reader.problem(where, f"expected article {index + 1}, found {number!r}")
            continue
        relevance = article_raw.get("relevance") or {}
        for area, level in relevance.items():
            if area not in AREAS:
                reader.problem(where, f"unknown decision area {area!r}")
            if level not in RELEVANCE_LEVELS:
                reader.problem(where, f"relevance must be 'high' or 'some', found {level!r}")
        general_principle = article_raw.get("general_principle")
        if general_principle != (number in GENERAL_PRINCIPLES):
            reader.problem(where, "general_principle must be true exactly for 2, 3, 6 and 12")
        incorporated = article_raw.get("incorporated")
        if incorporated != (number in INCORPORATED_ARTICLES):
            reader.problem(where, "incorporated must be true exactly for articles 1-42")
        article_title = reader.text(article_raw.get("title"), f"{where}.title")
        summary = reader.text(article_raw.get("summary"), f"{where}.summary")
        articles.append(
            Article(
                number=number,
                title=article_title,
                summary=summary,
                general_principle=bool(general_principle),
                incorporated=bool(incorporated),
                relevance=dict(relevance),
                law=reader.law(article_raw.get("law"), where, (article_title, summary)),
            )
        )
    if len(articles) != len(ARTICLE_NUMBERS):
        reader.problem("articles", f"expected 54 articles, found {len(articles)}")
    reader.finish()
    return Convention(checklist_id, version, title, tuple(articles), sources)


def parse_pack(raw: dict[str, Any], source: str, *, strict: bool = False) -> Pack:
    reader = _Reader(source, strict=strict)
    checklist_id, version = reader.header(raw)
    sources = reader.read_sources(raw.get("sources"))
    area = raw.get("area")
    if area not in AREAS:
        reader.problem("area", f"unknown decision area {area!r}")
    elif checklist_id != f"pack-{area}":
        reader.problem("id", f"a pack's id must be 'pack-{area}'")
    prompts = []
    keys: set[str] = set()
    for index, prompt_raw in enumerate(raw.get("prompts") or []):
        key = prompt_raw.get("key")
        where = f"prompts[{index}]"
        if not isinstance(key, str) or not key.isidentifier():
            reader.problem(where, "prompt key must be a snake_case identifier")
            continue
        if key in keys:
            reader.problem(where, f"duplicate prompt key {key!r}")
        keys.add(key)
        if prompt_raw.get("step") not in STEP_KEYS:
            reader.problem(where, f"unknown step {prompt_raw.get('step')!r}")
        articles = reader.articles(prompt_raw.get("articles"), f"{where}.articles")
        if not articles:
            reader.problem(where, "a prompt must link to at least one article")
        text = reader.text(prompt_raw.get("text"), f"{where}.text")
        guidance = reader.text(prompt_raw.get("guidance"), f"{where}.guidance", optional=True)
        prompts.append(
            Prompt(
                key=key,
                step=prompt_raw.get("step"),
                articles=articles,
                text=text,
                guidance=guidance,
                law=reader.law(prompt_raw.get("law"), f"prompts.{key}", (text, guidance)),
            )
        )
    examples = []
    for index, example_raw in enumerate(raw.get("examples") or []):
        question = example_raw.get("question")
        where = f"examples[{index}]"
        if not isinstance(question, str) or not question.isidentifier():
            reader.problem(where, "an example needs the key of the method question it belongs to")
            continue
        where = f"examples.{question}"
        if any(example.question == question for example in examples):
            reader.problem(where, "a question has at most one example per pack")
        text = reader.text(example_raw.get("text"), f"{where}.text")
        examples.append(Example(question, text, reader.law(example_raw.get("law"), where, (text,))))
    pack_title = reader.text(raw.get("title"), "title")
    description = reader.text(raw.get("description"), "description")
    reader.law(raw.get("law"), "description", (pack_title, description))
    suggested = reader.articles(raw.get("suggested_articles", []), "suggested_articles")
    procedural = [number for number in suggested if number not in INCORPORATED_ARTICLES]
    if procedural and strict:  # stored snapshots keep what they were started with
        reader.problem(
            "suggested_articles",
            f"articles 43-54 are procedural and cannot be suggested: {procedural}",
        )
    pack = Pack(
        id=checklist_id,
        version=version,
        area=area,
        title=pack_title,
        description=description,
        suggested_articles=suggested,
        prompts=tuple(prompts),
        sources=sources,
        examples=tuple(examples),
    )
    reader.finish()
    return pack


# --- loading -----------------------------------------------------------------------------------


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return _plain(tomllib.load(handle))
    except tomllib.TOMLDecodeError as exc:
        raise ChecklistError([f"{path.name}: not valid TOML: {exc}"]) from exc


def _plain(value: Any) -> Any:
    """TOML dates as ISO strings: the raw content is stored as JSON in checklist snapshots."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def load_library(directory: str | Path | None = None) -> Library:
    """Read and validate every checklist file, and the method against the checklist ↔ code
    contract (bka/domain/contract.py); raise ChecklistError listing all problems."""
    directory = Path(directory or DEFAULT_DIR)
    problems: list[str] = []
    raw: dict[str, dict[str, Any]] = {}
    method = convention = None
    packs: dict[str, Pack] = {}

    def attempt(path: Path, parse):
        try:
            document = _read_toml(path)
            parsed = parse(document)
        except ChecklistError as exc:
            problems.extend(exc.problems)
            return None
        if parsed.id in raw:
            problems.append(f"{path.name}: id {parsed.id!r} is used by another file")
        raw[parsed.id] = document
        return parsed

    if not directory.is_dir():
        raise ChecklistError([f"checklist directory {directory} does not exist"])
    method = attempt(
        directory / "method.toml", lambda d: parse_method(d, "method.toml", strict=True)
    )
    if method is not None:
        # The keys the code relies on (bka/domain/contract.py); snapshots are not held to it.
        problems.extend(contract_problems(method, "method.toml"))
        problems.extend(level_problems(method, "method.toml"))
    convention = attempt(
        directory / "convention.toml",
        lambda d: parse_convention(d, "convention.toml", strict=True),
    )
    question_keys = (
        {q.key for step in method.steps for q in step.questions} if method is not None else None
    )
    for path in sorted((directory / "packs").glob("*.toml")):
        pack = attempt(path, lambda d, name=path.name: parse_pack(d, f"packs/{name}", strict=True))
        if pack is not None:
            if pack.area in packs:
                problems.append(f"packs/{path.name}: a second pack for area {pack.area!r}")
            packs[pack.area] = pack
            for example in pack.examples:
                if question_keys is not None and example.question not in question_keys:
                    problems.append(
                        f"packs/{path.name}: examples.{example.question}: no question with "
                        "that key in method.toml"
                    )
    for area in AREAS:
        if area not in packs:
            problems.append(f"packs/: no pack for decision area {area!r}")
    if problems or method is None or convention is None:
        raise ChecklistError(problems or ["checklists could not be loaded"])
    return Library(method, convention, packs, raw)


def _months_later(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    while True:
        try:
            return day.replace(year=year, month=month)
        except ValueError:  # 29-31 in a shorter month: the month's last day
            day = day.replace(day=day.day - 1)


def review_warnings(library: Library, today: date) -> list[str]:
    """One line per legal source whose check is more than REVIEW_MAX_AGE_MONTHS old on `today`
    (`bka checklists validate` prints them; `today` is passed in so tests can fix it)."""
    files = [
        ("method.toml", library.method.sources),
        ("convention.toml", library.convention.sources),
    ]
    files += [(f"packs/{area}.toml", pack.sources) for area, pack in sorted(library.packs.items())]
    warnings = []
    for name, sources in files:
        for source in sources:
            if _months_later(source.checked, REVIEW_MAX_AGE_MONTHS) < today:
                warnings.append(
                    f"{name}: the legal review of {source.number} ({source.title.sv}) was last "
                    f"checked on {source.checked.isoformat()}, more than "
                    f"{REVIEW_MAX_AGE_MONTHS} months ago: check the references against "
                    f"{source.url} and update checked"
                )
    return warnings


_parsed_snapshots: dict[tuple[str, str, str], Checklists] = {}
_parsed_methods: dict[str, Method] = {}


def cached_checklists(hashes: tuple[str, str, str]) -> Checklists | None:
    """The parsed content for (method, convention, pack) content hashes, if parsed before."""
    return _parsed_snapshots.get(hashes)


def parse_snapshot(
    hashes: tuple[str, str, str], method: dict, convention: dict, pack: dict
) -> Checklists:
    """Parse an analysis's stored snapshot; snapshots are immutable, so the result is cached."""
    parsed = Checklists(
        parse_method(method, "snapshot"),
        parse_convention(convention, "snapshot"),
        parse_pack(pack, "snapshot"),
    )
    if len(_parsed_snapshots) > 256:
        _parsed_snapshots.clear()
    _parsed_snapshots[hashes] = parsed
    return parsed


def cached_method(digest: str) -> Method | None:
    """The parsed method for a method snapshot's content hash, if parsed before."""
    return _parsed_methods.get(digest)


def parse_method_snapshot(digest: str, raw: dict) -> Method:
    """Parse a stored method snapshot on its own (lists need only the method); cached."""
    if len(_parsed_methods) > 64:
        _parsed_methods.clear()
    _parsed_methods[digest] = parse_method(raw, "snapshot")
    return _parsed_methods[digest]
