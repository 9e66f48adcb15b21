"""The demo's organisation profiles (data/organisations.toml): each organisation is added to the
list of organisations if missing and given its profile through the same domain operation the
administrators' page uses, so the rules (addresses, competences) hold for the demo too.
Idempotent: saving the same profile again changes nothing and writes no audit event."""

from __future__ import annotations

import tomllib
from pathlib import Path

from sqlalchemy import select

from bka.domain import organisation_profiles
from bka.domain.accounts import create_organisation
from bka.domain.checklists import Library
from bka.extensions import db
from bka.models import Organisation, User

PATH = Path(__file__).parent / "data" / "organisations.toml"
_KEYS = {
    "name",
    "updated_by",
    "always_needed",
    "never_needed",
    "policies",
    "competences",
    "competences_note",
}


def read_organisations(path: Path = PATH) -> list[dict]:
    with path.open("rb") as file:
        data = tomllib.load(file)
    specs = data.get("organisations", [])
    for index, spec in enumerate(specs):
        unknown = set(spec) - _KEYS
        if unknown or "name" not in spec or "updated_by" not in spec:
            raise ValueError(
                f"{path}: organisations[{index}] needs a name and updated_by and may have only "
                f"{sorted(_KEYS)}"
            )
    return specs


def load_organisations(library: Library, users: dict[str, User], path: Path = PATH) -> None:
    for spec in read_organisations(path):
        actor = users[spec["updated_by"]]
        organisation = db.session.scalar(
            select(Organisation).where(Organisation.name == spec["name"])
        ) or create_organisation(spec["name"], actor)
        organisation_profiles.save_profile(
            organisation,
            actor,
            library.method,
            always_needed=spec.get("always_needed", []),
            never_needed=spec.get("never_needed", []),
            policies=[
                organisation_profiles.Policy(policy["title"], policy["url"])
                for policy in spec.get("policies", [])
            ],
            competences=spec.get("competences", []),
            competences_note=spec.get("competences_note", ""),
        )
