"""What the administrators' area reads: filter options, organisations with their counts and the
stored checklist versions with their use. Plain data over the models; the views only render it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from bka.domain.checklists import content_hash
from bka.extensions import db
from bka.models import (
    Analysis,
    ChecklistRevision,
    Organisation,
    OrganisationProfile,
    OverviewTally,
    User,
)
from bka.models.user import ROLE_REVIEWER

# --- filter and form options ---------------------------------------------------------------------


def _analysis_counts_by_organisation() -> dict[str, int]:
    return dict(
        db.session.execute(
            select(OverviewTally.organisation, OverviewTally.n).where(
                OverviewTally.grain == "organisation", OverviewTally.metric == "analyses"
            )
        ).all()
    )


def organisation_names() -> list[str]:
    """Organisations named in analyses and those in the list of organisations, A to Ö."""
    names = set(_analysis_counts_by_organisation())
    names.update(db.session.scalars(select(Organisation.name)))
    return sorted(names, key=str.casefold)


def reviewer_options() -> dict[int, str]:
    """Every reviewer by id, by name: the overview's reviewer filter."""
    return dict(
        db.session.execute(
            select(User.id, User.name).where(User.role == ROLE_REVIEWER).order_by(User.name)
        ).all()
    )


def organisation_options() -> dict[int, str]:
    """The listed organisations by id, by name: the user form's choice."""
    return dict(
        db.session.execute(
            select(Organisation.id, Organisation.name).order_by(Organisation.name)
        ).all()
    )


# --- organisations -------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrganisationList:
    listed: list[Organisation]
    unlisted: list[str]  # named in analyses but not in the list
    user_counts: dict[int | None, int]  # by organisation id
    analysis_counts: dict[str, int]  # by organisation name
    profiles: dict[int, datetime]  # when each organisation's profile was last changed, by id


def organisation_list() -> OrganisationList:
    user_counts = dict(
        db.session.execute(
            select(User.organisation_id, func.count()).group_by(User.organisation_id)
        ).all()
    )
    analysis_counts = _analysis_counts_by_organisation()
    listed = list(db.session.scalars(select(Organisation).order_by(Organisation.name)))
    unlisted = sorted(set(analysis_counts) - {item.name for item in listed}, key=str.casefold)
    profiles = dict(
        db.session.execute(
            select(OrganisationProfile.organisation_id, OrganisationProfile.updated_at)
        ).all()
    )
    return OrganisationList(listed, unlisted, user_counts, analysis_counts, profiles)


# --- checklist versions --------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredRevision:
    id: int
    checklist_id: str
    version: int
    content_hash: str
    loaded_at: datetime
    analyses: int  # analyses made with this version
    current: bool  # the same content as the checklist files loaded now


def checklist_revisions(loaded: Mapping[str, dict[str, Any]]) -> list[StoredRevision]:
    """Every stored checklist version, newest first per checklist, with how many analyses were
    made with it and whether it is the content loaded now (`loaded`: raw documents by id)."""
    usage: dict[int, int] = {}
    for column in (
        Analysis.method_revision_id,
        Analysis.convention_revision_id,
        Analysis.pack_revision_id,
    ):
        for revision_id, count in db.session.execute(select(column, func.count()).group_by(column)):
            usage[revision_id] = usage.get(revision_id, 0) + count
    loaded_hashes = {checklist_id: content_hash(raw) for checklist_id, raw in loaded.items()}
    rows = db.session.execute(
        select(
            ChecklistRevision.id,
            ChecklistRevision.checklist_id,
            ChecklistRevision.version,
            ChecklistRevision.content_hash,
            ChecklistRevision.loaded_at,
        ).order_by(ChecklistRevision.checklist_id, ChecklistRevision.version.desc())
    )
    return [
        StoredRevision(
            id=row.id,
            checklist_id=row.checklist_id,
            version=row.version,
            content_hash=row.content_hash,
            loaded_at=row.loaded_at,
            analyses=usage.get(row.id, 0),
            current=loaded_hashes.get(row.checklist_id) == row.content_hash,
        )
        for row in rows
    ]
