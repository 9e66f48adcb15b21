"""gunicorn settings for `bka serve` (passed as `--config python:bka.web.server`).

Garbage collection: a worker holds some 170,000 long-lived objects once the app is loaded
(checklists, catalogs, SQLAlchemy's mappers and compiled templates), which Python's cyclic
collector would walk again and again, and a page makes a few thousand short-lived objects, which
the default threshold of 700 collects several times per request, promoting what is still in use
to older generations that cost more to collect. Freezing what the loaded app holds and collecting
the youngest generation after 10,000 new objects instead of 700 takes about 0.9 ms off a large
page and 0.6 ms off a step page (benchmarks/step_pages.py); a worker's memory grows by a few
hundred kB at most.

Logging: the application writes one line per request itself (bka/web/logs.py: path without the
query string, status, duration, request id, user number; as text or JSON), so `bka serve` turns
gunicorn's access log off. Its default format holds what the application's log never does: the
client's address, the query string (search words), the referrer and the user agent. Turned on
again (`bka serve --access-logfile -`), it uses the format below, which holds none of them.
"""

from __future__ import annotations

import gc

YOUNG_OBJECTS_BEFORE_COLLECTION = 10_000

# gunicorn 25.1 and newer open a control socket (for `gunicornc`) in $XDG_RUNTIME_DIR or
# ~/.gunicorn/ by default: a service account may have no home, and two instances on one machine
# would share the one path. bka does not use it; older gunicorn ignores the setting.
control_socket_disable = True

# gunicorn's access log, when turned on: method, path without the query string, status,
# milliseconds and the request id bka answered with; no address, query, referrer or user agent.
access_log_format = "%(t)s %(m)s %(U)s %(s)s %(M)sms request_id=%({x-request-id}o)s"


def post_worker_init(worker) -> None:  # noqa: ARG001 - gunicorn's hook signature
    """After the worker has loaded the app, before its first request."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_OBJECTS_BEFORE_COLLECTION, older, oldest)
