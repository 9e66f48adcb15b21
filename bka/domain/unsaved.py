"""Step text that arrived after the login session had ended, kept to offer back after login.

A save posted by a browser whose session has ended cannot be stored as the step's answer (nobody
is signed in), but the text must not be lost either. It is kept here for a day, bound to a random
token in that browser's cookie (only its SHA-256 is stored) and to one user: the user whose ended
session posted it when that is known, else the first user to log in in that browser. It is
offered back only to that user, in that browser, on that step, and only while the user may still
edit the analysis (the view checks). It is never an answer: the user checks it and saves.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update

from bka.domain.sessions import hash_token
from bka.extensions import db
from bka.models import Analysis, UnsavedStep, User
from bka.models.base import utcnow

KEEP_FOR = timedelta(hours=24)
# The posted text of one step, all fields together; more is not kept (a step's form allows
# about 20,000 characters per answer).
MAX_CHARACTERS = 200_000
# Steps kept per browser; a new one replaces the oldest.
MAX_PER_BROWSER = 5


def purge(now: datetime | None = None) -> int:
    """Delete what has expired. Returns how many rows went."""
    result = db.session.execute(
        delete(UnsavedStep)
        .where(UnsavedStep.expires_at <= (now or utcnow()))
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def keep(
    token: str,
    analysis_id: int,
    step_key: str,
    fields: list[tuple[str, str]],
    owner: User | None,
    now: datetime | None = None,
) -> UnsavedStep | None:
    """Keep the posted `fields` of one step for the browser holding `token`. None when there is
    nothing to keep (no such analysis, or more text than MAX_CHARACTERS). The caller commits."""
    now = now or utcnow()
    purge(now)
    if sum(len(name) + len(value) for name, value in fields) > MAX_CHARACTERS:
        return None
    if db.session.get(Analysis, analysis_id) is None:
        return None
    token_hash = hash_token(token)
    db.session.execute(
        delete(UnsavedStep)
        .where(
            UnsavedStep.token_hash == token_hash,
            UnsavedStep.analysis_id == analysis_id,
            UnsavedStep.step_key == step_key,
        )
        .execution_options(synchronize_session=False)
    )
    older = db.session.scalars(
        select(UnsavedStep.id)
        .where(UnsavedStep.token_hash == token_hash)
        .order_by(UnsavedStep.created_at.desc(), UnsavedStep.id.desc())
        .offset(MAX_PER_BROWSER - 1)
    ).all()
    if older:
        db.session.execute(
            delete(UnsavedStep)
            .where(UnsavedStep.id.in_(older))
            .execution_options(synchronize_session=False)
        )
    row = UnsavedStep(
        token_hash=token_hash,
        user_id=owner.id if owner is not None else None,
        analysis_id=analysis_id,
        step_key=step_key,
        fields=[[name, value] for name, value in fields],
        created_at=now,
        expires_at=now + KEEP_FOR,
    )
    db.session.add(row)
    db.session.flush()
    return row


def claim(token: str, user: User, now: datetime | None = None) -> int:
    """At login: what this browser kept without knowing whose it was becomes `user`'s. Text
    already bound to another user stays theirs. Returns how many rows became `user`'s."""
    purge(now)
    result = db.session.execute(
        update(UnsavedStep)
        .where(UnsavedStep.token_hash == hash_token(token), UnsavedStep.user_id.is_(None))
        .values(user_id=user.id)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def find(
    token: str, user: User, analysis_id: int, step_key: str, now: datetime | None = None
) -> UnsavedStep | None:
    """The text kept for `user` in this browser on this step, if it has not expired."""
    return db.session.scalar(
        select(UnsavedStep)
        .where(
            UnsavedStep.token_hash == hash_token(token),
            UnsavedStep.user_id == user.id,
            UnsavedStep.analysis_id == analysis_id,
            UnsavedStep.step_key == step_key,
            UnsavedStep.expires_at > (now or utcnow()),
        )
        .order_by(UnsavedStep.id.desc())
        .limit(1)
    )


def discard(token: str, user: User, analysis_id: int, step_key: str) -> bool:
    """Forget `user`'s kept text on this step in this browser. True if there was any."""
    result = db.session.execute(
        delete(UnsavedStep)
        .where(
            UnsavedStep.token_hash == hash_token(token),
            UnsavedStep.user_id == user.id,
            UnsavedStep.analysis_id == analysis_id,
            UnsavedStep.step_key == step_key,
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount > 0


def remaining(token: str) -> int:
    """How many rows this browser's token still holds (none: the cookie can go)."""
    return db.session.scalar(
        select(func.count(UnsavedStep.id)).where(UnsavedStep.token_hash == hash_token(token))
    )
