"""Sign-in throttling, shared by every worker and instance through the database.

Failed attempts are counted per account (the normalised e-mail address, whether or not such an
account exists) and per source address. After `failures` failures within `window` the key is
locked for `lock`, doubling with every further lock up to `max_lock`. While a key is locked every
attempt is refused, even with the right password; refused attempts are counted, and the start
of each lock is written to the audit log. A successful sign-in clears the account's counter (not
the address's: one valid account must not reset the count for all the others tried from there).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.exc import IntegrityError

from bka.domain import audit
from bka.extensions import db
from bka.models import LoginThrottle

ACCOUNT, ADDRESS = "account", "address"


@dataclass(frozen=True)
class Policy:
    failures: int
    window: timedelta
    lock: timedelta
    max_lock: timedelta


def policies(config) -> dict[str, Policy]:
    window = timedelta(seconds=config["LOGIN_THROTTLE_WINDOW_SECONDS"])
    lock = timedelta(seconds=config["LOGIN_THROTTLE_LOCK_SECONDS"])
    return {
        ACCOUNT: Policy(
            config["LOGIN_THROTTLE_ACCOUNT_FAILURES"],
            window,
            lock,
            timedelta(seconds=config["LOGIN_THROTTLE_ACCOUNT_MAX_LOCK_SECONDS"]),
        ),
        ADDRESS: Policy(
            config["LOGIN_THROTTLE_ADDRESS_FAILURES"],
            window,
            lock,
            timedelta(seconds=config["LOGIN_THROTTLE_ADDRESS_MAX_LOCK_SECONDS"]),
        ),
    }


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()[:254]


def keys_for(email: str, address: str | None) -> list[tuple[str, str]]:
    return [(ACCOUNT, normalise_email(email)), (ADDRESS, (address or "unknown")[:254])]


def _row(kind: str, key: str) -> LoginThrottle | None:
    return db.session.scalar(
        select(LoginThrottle).where(LoginThrottle.kind == kind, LoginThrottle.key == key)
    )


def _row_for_update(kind: str, key: str, now: datetime) -> LoginThrottle:
    """The key's row, created if missing; two workers creating it at once both end up with the
    one row (the unique constraint decides, inside a savepoint)."""
    row = _row(kind, key)
    if row is not None:
        return row
    row = LoginThrottle(
        kind=kind, key=key, failures=0, window_start=now, locks=0, refused=0, updated_at=now
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        row = _row(kind, key)
    return row


def wait_seconds(keys: list[tuple[str, str]], now: datetime) -> int:
    """Seconds until every key may try again (0: not throttled). Counts the refusal."""
    wait = 0
    for kind, key in keys:
        row = _row(kind, key)
        if row is not None and row.locked_until is not None and row.locked_until > now:
            row.refused += 1
            row.updated_at = now
            wait = max(wait, math.ceil((row.locked_until - now).total_seconds()))
    return wait


def record_failure(config, keys: list[tuple[str, str]], now: datetime) -> int:
    """Count a failed attempt on every key; returns the wait in seconds if a lock started."""
    rules = policies(config)
    started = 0
    for kind, key in keys:
        policy = rules[kind]
        row = _row_for_update(kind, key, now)
        if row.locked_until is not None and now - row.locked_until > policy.window:
            row.locks = 0  # quiet for a whole window after the last lock: start over
        if now - row.window_start > policy.window:
            row.failures = 0
            row.window_start = now
        row.failures += 1
        row.updated_at = now
        if row.failures >= policy.failures:
            duration = min(policy.lock * (2**row.locks), policy.max_lock)
            row.locks += 1
            row.failures = 0
            row.window_start = now
            row.locked_until = now + duration
            audit.record(
                "login_throttled",
                actor_label=key if kind == ACCOUNT else "",
                outcome=audit.DENIED,
                details={
                    "kind": kind,
                    "key": key,
                    "seconds": int(duration.total_seconds()),
                    "lock": row.locks,
                    "refused_during_previous_lock": row.refused,
                },
            )
            row.refused = 0
            started = max(started, int(duration.total_seconds()))
    prune(config, now)
    db.session.flush()
    return started


def reset(kind: str, key: str) -> None:
    db.session.execute(
        delete(LoginThrottle).where(LoginThrottle.kind == kind, LoginThrottle.key == key)
    )


def prune(config, now: datetime) -> None:
    """Forget keys that have been quiet for longer than any lock and window they could need."""
    longest = max(
        config["LOGIN_THROTTLE_ACCOUNT_MAX_LOCK_SECONDS"],
        config["LOGIN_THROTTLE_ADDRESS_MAX_LOCK_SECONDS"],
    ) + (2 * config["LOGIN_THROTTLE_WINDOW_SECONDS"])
    cutoff = now - timedelta(seconds=longest)
    db.session.execute(
        delete(LoginThrottle).where(
            and_(
                LoginThrottle.updated_at < cutoff,
                or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until < now),
            )
        )
    )
