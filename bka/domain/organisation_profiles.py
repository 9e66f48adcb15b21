"""Organisation profiles: what an organisation tells every team that screens a decision.

Administrators keep one profile per listed organisation: the kinds of case that always need a
BKA and those that never do (short lines), the local policies and guidance (title and an http or
https address) and the competences its working groups need (keys of the method's
`team_competences` scale, plus free text). The screening step shows it, with the required
competences that the team has not ticked marked as missing.

An analysis names its organisation in free text ("Västra Götalandsregionen, Koncernkontoret").
The profile that applies is that of the listed organisation with the same name, or else of the
longest listed name it starts with followed by a comma (the region of one of its offices),
compared without regard to case.

Every change is audited (`organisation_profile_updated`, with each changed field before and
after); administrators' data has no history of its own beyond the audit log.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from bka.domain import audit
from bka.domain.checklists import Method, Scale
from bka.domain.contract import TEAM_COMPETENCES
from bka.domain.errors import FieldError
from bka.extensions import db
from bka.models import Analysis, Organisation, OrganisationProfile, User
from bka.models.base import utcnow

MAX_KINDS = 30  # lines per list of kinds of case
MAX_KIND_LENGTH = 200
MAX_POLICIES = 20
MAX_POLICY_TITLE_LENGTH = 200
MAX_URL_LENGTH = 500
MAX_NOTE_LENGTH = 2000
URL_SCHEMES = ("https", "http")
# Spaces, control characters and backslashes: never in an address a browser is sent to as typed.
_NOT_IN_URL = re.compile(r"[\s\x00-\x1f\x7f-\x9f\\]")

FIELDS = (
    "always_needed",
    "never_needed",
    "policies",
    "competences",
    "competences_note",
    "retention_years",
)
MAX_RETENTION_YEARS = 100


@dataclass(frozen=True)
class Policy:
    title: str
    url: str


# --- input rules (the form uses them for its inline messages, the save enforces them) ----------


def split_lines(text: str | None) -> list[str]:
    """One kind of case per line: spaces tidied, empty lines and repeats (any case) dropped."""
    lines: list[str] = []
    seen: set[str] = set()
    for raw in (text or "").splitlines():
        line = " ".join(raw.split())
        if line and line.casefold() not in seen:
            seen.add(line.casefold())
            lines.append(line)
    return lines


def kinds_problem(lines: Sequence[str]):
    """Why a list of kinds of case cannot be saved, or None."""
    if len(lines) > MAX_KINDS:
        return _l("Write at most %(max)d kinds of case, one per line.", max=MAX_KINDS)
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_KIND_LENGTH:
            return _l(
                "Line %(number)d is longer than %(max)d characters: shorten it.",
                number=number,
                max=MAX_KIND_LENGTH,
            )
    return None


def url_problem(url: str):
    """Why `url` cannot be a policy's address, or None: only complete http and https addresses,
    never javascript:, data: or anything else a click would run."""
    if len(url) > MAX_URL_LENGTH:
        return _l("The address must be %(max)d characters or fewer.", max=MAX_URL_LENGTH)
    if _NOT_IN_URL.search(url):
        return _l("The address cannot contain spaces. Copy it from the browser's address bar.")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in URL_SCHEMES or not parts.hostname:
        return _l(
            "Enter a complete address that starts with https:// or http://, like "
            "https://www.example.se/riktlinje."
        )
    if parts.username is not None or parts.password is not None:
        return _l("The address cannot contain a user name or password.")
    return None


def competence_scale(method: Method) -> Scale:
    """The competences to choose from: the scale of the method's team-competences question."""
    scale = method.question(TEAM_COMPETENCES.key).scale
    if scale is None:  # the contract makes it a multichoice question, which has a scale
        raise ValueError(f"the question {TEAM_COMPETENCES.key!r} has no scale")
    return scale


# --- reading and saving --------------------------------------------------------------------------


def profile_of(organisation: Organisation) -> OrganisationProfile | None:
    return db.session.scalar(
        select(OrganisationProfile).where(OrganisationProfile.organisation_id == organisation.id)
    )


def _details(profile: OrganisationProfile | None) -> dict:
    if profile is None:
        empty = {"competences_note": "", "retention_years": None}
        return {field: empty.get(field, []) for field in FIELDS}
    return {
        "always_needed": list(profile.always_needed),
        "never_needed": list(profile.never_needed),
        "policies": [dict(policy) for policy in profile.policies],
        "competences": list(profile.competences),
        "competences_note": profile.competences_note,
        "retention_years": profile.retention_years,
    }


def retention_problem(years: int | None):
    """Why `years` cannot be a retention rule, or None (None itself means: keep)."""
    if years is not None and not 1 <= years <= MAX_RETENTION_YEARS:
        return _l(
            "Enter a whole number of years from 1 to %(max)d, or leave it empty to keep the "
            "analyses.",
            max=MAX_RETENTION_YEARS,
        )
    return None


def _check(
    method: Method,
    always_needed: list[str],
    never_needed: list[str],
    policies: list[Policy],
    competences: list[str],
    competences_note: str,
    retention_years: int | None = None,
) -> None:
    for field, lines in (("always_needed", always_needed), ("never_needed", never_needed)):
        problem = kinds_problem(lines)
        if problem is not None:
            raise FieldError(field, problem)
    always = {line.casefold() for line in always_needed}
    for line in never_needed:
        if line.casefold() in always:
            raise FieldError(
                "never_needed",
                _l(
                    "“%(kind)s” cannot both always and never need a BKA: keep it in one list.",
                    kind=line,
                ),
            )
    if len(policies) > MAX_POLICIES:
        raise FieldError(
            "policies", _l("List at most %(max)d policies and guidance.", max=MAX_POLICIES)
        )
    for number, policy in enumerate(policies, start=1):
        if not policy.title or len(policy.title) > MAX_POLICY_TITLE_LENGTH:
            raise FieldError(
                "policies",
                _l(
                    "Policy %(number)d needs a title of at most %(max)d characters.",
                    number=number,
                    max=MAX_POLICY_TITLE_LENGTH,
                ),
            )
        problem = url_problem(policy.url)
        if problem is not None:
            raise FieldError("policies", problem)
    offered = {choice.key for choice in competence_scale(method).choices}
    if any(key not in offered for key in competences):
        raise FieldError("competences", _l("Choose competences from the list only."))
    if len(competences_note) > MAX_NOTE_LENGTH:
        raise FieldError(
            "competences_note",
            _l("Write at most %(max)d characters about other competences.", max=MAX_NOTE_LENGTH),
        )
    problem = retention_problem(retention_years)
    if problem is not None:
        raise FieldError("retention_years", problem)


def save_profile(
    organisation: Organisation,
    actor: User,
    method: Method,
    *,
    always_needed: Iterable[str],
    never_needed: Iterable[str],
    policies: Iterable[Policy],
    competences: Iterable[str],
    competences_note: str = "",
    retention_years: int | None = None,
) -> OrganisationProfile:
    """An administrator's profile of `organisation`, created or replaced; `method` offers the
    competences. Audited with what changed; saving what is already there changes nothing."""
    always = split_lines("\n".join(always_needed))
    never = split_lines("\n".join(never_needed))
    policy_list = [Policy(policy.title.strip(), policy.url.strip()) for policy in policies]
    chosen = list(dict.fromkeys(competences))
    note = (competences_note or "").strip()
    _check(method, always, never, policy_list, chosen, note, retention_years)
    profile = profile_of(organisation)
    before = _details(profile)
    after = {
        "always_needed": always,
        "never_needed": never,
        "policies": [{"title": policy.title, "url": policy.url} for policy in policy_list],
        # In the scale's order, whatever order they came in.
        "competences": [
            choice.key for choice in competence_scale(method).choices if choice.key in chosen
        ],
        "competences_note": note,
        "retention_years": retention_years,
    }
    changed = {
        field: [before[field], after[field]] for field in FIELDS if before[field] != after[field]
    }
    created = profile is None
    if not created and not changed:
        return profile
    if created:
        profile = OrganisationProfile(organisation_id=organisation.id)
        db.session.add(profile)
    for field in FIELDS:
        setattr(profile, field, after[field])
    profile.updated_at = utcnow()
    profile.updated_by_id = actor.id
    db.session.flush()
    audit.record(
        "organisation_profile_updated",
        actor=actor,
        object_type="organisation",
        object_id=organisation.id,
        details={"organisation": organisation.name, "created": created, "changed": changed},
    )
    return profile


# --- the screening step --------------------------------------------------------------------------


def profile_for_organisation(name: str) -> OrganisationProfile | None:
    """The profile that applies to an analysis of organisation `name`: that of the listed
    organisation of the same name, or of the longest listed name that `name` starts with
    followed by a comma. Compared case-insensitively, in Python (SQLite's lower() is ASCII)."""
    wanted = " ".join((name or "").split()).casefold()
    if not wanted:
        return None
    rows = db.session.execute(
        select(OrganisationProfile.id, Organisation.name).join(
            Organisation, Organisation.id == OrganisationProfile.organisation_id
        )
    ).all()
    best: tuple[int, int] | None = None  # (length of the name, profile id)
    for profile_id, listed in rows:
        key = " ".join(listed.split()).casefold()
        if (wanted == key or wanted.startswith(key + ",")) and (best is None or len(key) > best[0]):
            best = (len(key), profile_id)
    return db.session.get(OrganisationProfile, best[1]) if best else None


def missing_competences(required: Sequence[str], answers: Mapping) -> list[str]:
    """The required competences (keys) that the screening answers do not tick, in order."""
    ticked = answers.get(TEAM_COMPETENCES.key) or []
    if isinstance(ticked, str):
        ticked = [ticked]
    return [key for key in required if key not in ticked]


@dataclass(frozen=True)
class RequiredCompetence:
    key: str
    label: str
    missing: bool  # not ticked in the team's screening answers


@dataclass(frozen=True)
class Guidance:
    """What the screening step shows of the organisation's profile."""

    organisation: str
    always_needed: tuple[str, ...]
    never_needed: tuple[str, ...]
    policies: tuple[Policy, ...]
    competences: tuple[RequiredCompetence, ...]
    competences_note: str
    updated_at: datetime
    # The question beside which the required competences are repeated.
    competences_question: str = TEAM_COMPETENCES.key

    @property
    def missing(self) -> tuple[RequiredCompetence, ...]:
        return tuple(item for item in self.competences if item.missing)


def _label(key: str, scales: Sequence[Scale], locale: str) -> str:
    for scale in scales:
        for choice in scale.choices:
            if choice.key == key:
                return choice.label.get(locale)
    return key


def guidance_for(
    analysis: Analysis,
    answers: Mapping,
    locale: str,
    methods: Sequence[Method],
) -> Guidance | None:
    """The profile of the analysis's organisation as the screening step shows it, with each
    required competence marked missing when `answers` (the saved screening answers) do not
    tick it. None when no profile applies or it says nothing: no empty panel. Labels come from
    the first of `methods` that has the competence (the analysis's own method, then the one
    loaded now)."""
    profile = profile_for_organisation(analysis.organisation)
    if profile is None or not any(
        (
            profile.always_needed,
            profile.never_needed,
            profile.policies,
            profile.competences,
            profile.competences_note,
        )
    ):
        return None
    scales = []
    for method in methods:
        try:
            scales.append(competence_scale(method))
        except (KeyError, ValueError):  # an old snapshot without the question
            continue
    missing = set(missing_competences(profile.competences, answers))
    return Guidance(
        organisation=profile.organisation.name,
        always_needed=tuple(profile.always_needed),
        never_needed=tuple(profile.never_needed),
        policies=tuple(Policy(item["title"], item["url"]) for item in profile.policies),
        competences=tuple(
            RequiredCompetence(key, _label(key, scales, locale), key in missing)
            for key in profile.competences
        ),
        competences_note=profile.competences_note,
        updated_at=profile.updated_at,
    )
