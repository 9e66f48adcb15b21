"""The API's rate limit: requests counted per key in fixed windows, in the database, so that
every worker and instance shares the count (as the sign-in throttle does)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from bka.extensions import db
from bka.models import ApiRateWindow


def hit(key: str, limit: int, window: timedelta, now: datetime) -> int:
    """Count one request on `key`; returns 0 if it is allowed, else the seconds to wait."""
    key = key[:80]
    # An atomic increment within the current window: concurrent requests never lose a count.
    counted = db.session.execute(
        update(ApiRateWindow)
        .where(ApiRateWindow.key == key, ApiRateWindow.window_start > now - window)
        .values(count=ApiRateWindow.count + 1)
    ).rowcount
    if not counted:
        row = db.session.scalar(select(ApiRateWindow).where(ApiRateWindow.key == key))
        if row is None:
            try:
                with db.session.begin_nested():
                    db.session.add(ApiRateWindow(key=key, window_start=now, count=1))
            except IntegrityError:  # another worker started the window at the same moment
                return hit(key, limit, window, now)
        else:
            row.window_start = now
            row.count = 1
        db.session.flush()
        return 0
    row = db.session.scalar(
        select(ApiRateWindow)
        .where(ApiRateWindow.key == key)
        .execution_options(populate_existing=True)
    )
    if row.count <= limit:
        return 0
    return max(1, math.ceil((row.window_start + window - now).total_seconds()))


def prune(window: timedelta, now: datetime) -> None:
    """Forget windows that ended long ago."""
    db.session.execute(delete(ApiRateWindow).where(ApiRateWindow.window_start < now - 2 * window))
