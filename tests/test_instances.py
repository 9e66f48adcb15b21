"""Two `bka serve` instances on one PostgreSQL database (issue 17, item 2; docs/deployment.md,
*Several instances*).

Each instance is a gunicorn master with two workers in its own process, on its own port, and the
test talks to them over HTTP only, sending each request of a person to one instance or the other:
sessions and sign-in throttling must hold across both, saves through both must lose nothing
(a save made from an outdated version gets the conflict page, whichever instance served either
save), the audit chain must stay intact and the overview tallies must equal a rebuild. SQLite is
for one machine only, so this runs only when TEST_DATABASE_URL is PostgreSQL.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
from sqlalchemy import make_url, select

from bka.domain import tallies
from bka.domain.audit import verify_chain
from bka.extensions import db
from bka.models import Analysis, OverviewTally, StepAnswer
from tests.conftest import CSRF_PATTERN, PASSWORD

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="several instances share a PostgreSQL database (TEST_DATABASE_URL)",
)

BASE_VERSION = re.compile(r'id="base_version" name="base_version" type="hidden" value="(\d+)"')
STEP = "decision"
SAVERS = 4
ROUNDS = 6


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Instance:
    """`bka serve` on a port of its own, in the testing configuration, on the given database."""

    def __init__(self, database_url: str, log: Path):
        self.port = free_port()
        env = {
            **os.environ,
            "BKA_CONFIG": "testing",
            "DATABASE_URL": database_url,
            "BKA_LOGIN_THROTTLE_ACCOUNT_FAILURES": "3",
        }
        env.pop("TEST_DATABASE_URL", None)
        self.log = log
        with log.open("wb") as handle:
            self.process = subprocess.Popen(  # noqa: S603 - this interpreter's own bka
                [
                    str(Path(sys.executable).with_name("bka")),
                    "serve",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    "2",
                ],
                env=env,
                stdout=handle,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            try:
                connection.request("GET", "/readyz")
                response = connection.getresponse()
                response.read()
                if response.status == 200:
                    return
            except OSError:
                pass
            finally:
                connection.close()
            time.sleep(0.3)
        raise AssertionError(f"instance on {self.port} not ready: {self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


class Person:
    """One browser: its cookies go with it to whichever instance a request is sent to."""

    def __init__(self, email: str):
        self.email = email
        self.cookies: dict[str, str] = {}

    def request(self, instance: Instance, method: str, path: str, form=None):
        connection = http.client.HTTPConnection("127.0.0.1", instance.port, timeout=60)
        headers = {"Host": "localhost"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            page = response.read().decode("utf-8")
        finally:
            connection.close()
        for header in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if not value or "Max-Age=0" in header or "expires=Thu, 01 Jan 1970" in header:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return response.status, response.getheader("Location") or "", page

    def post(self, instance: Instance, path: str, form: dict, token_from: str = "/account"):  # noqa: S107
        status, _, page = self.request(instance, "GET", token_from)
        match = CSRF_PATTERN.search(page)
        assert match, f"no CSRF token on {token_from} ({status})"
        return self.request(instance, "POST", path, {**form, "csrf_token": match.group(1)})

    def login(self, instance: Instance, password: str = PASSWORD):
        return self.post(
            instance, "/login", {"email": self.email, "password": password}, token_from="/login"
        )


def tally_table(app):
    with app.app_context():
        rows = sorted(
            (r.grain, r.organisation, r.year, r.decision_area, r.status, r.reviewer_id, r.metric)
            + (r.key, r.n)
            for r in db.session.scalars(select(OverviewTally))
        )
        analyses = sorted(
            (a.id, a.year, a.children_heard, a.search_text, a.tally)
            for a in db.session.scalars(select(Analysis))
        )
    return rows, analyses


@pytest.fixture
def instances(app, database_url, tmp_path):
    assert make_url(database_url).get_backend_name() == "postgresql"
    started = [Instance(database_url, tmp_path / f"serve-{name}.log") for name in "ab"]
    try:
        for instance in started:
            instance.wait_ready()
        yield started
    finally:
        for instance in started:
            instance.stop()


def test_two_instances_share_sessions_throttling_and_lose_no_save(
    app, make_user, make_analysis, add_member, instances
):
    a, b = instances
    owner = make_user(name="Tove Ägare")
    editors = [make_user(name=f"Redigerare {n}") for n in range(1, SAVERS)]
    analysis_id = make_analysis(owner, title="Ny vårdcentral i Borås")
    for editor in editors:
        add_member(analysis_id, editor, "editor")
    url = f"/analyses/{analysis_id}/steps/{STEP}"

    # A session begun on one instance is valid on the other, and ended there for both.
    tove = Person(owner.email)
    assert tove.login(a)[0] == 302
    assert tove.request(b, "GET", "/account")[0] == 200
    assert tove.post(b, "/logout", {})[0] == 302
    status, location, _ = tove.request(a, "GET", "/account")
    assert status == 302 and "/login" in location

    # Failed sign-ins are counted across both (BKA_LOGIN_THROTTLE_ACCOUNT_FAILURES=3): the third
    # locks the account, and then even the right password is refused, on either instance.
    intruder = Person(make_user(name="Låst Användare").email)
    assert [intruder.login(i, password="inte lösenordet")[0] for i in (a, b, a)] == [200, 200, 429]
    assert intruder.login(b)[0] == 429
    assert intruder.login(a)[0] == 429

    people = [Person(user.email) for user in (owner, *editors)]
    for number, person in enumerate(people):
        assert person.login((a, b)[number % 2])[0] == 302

    # Two people open the same version, then save through different instances: one conflict.
    first, second = people[0], people[1]
    opened = [
        BASE_VERSION.search(p.request(i, "GET", url)[2]).group(1)
        for p, i in ((first, a), (second, b))
    ]
    assert opened == ["0", "0"]
    saves: list[tuple[int, str]] = []
    conflicts = 0
    errors: list[str] = []
    status, _, _ = first.post(
        a, url, {"proposal": "Först", "save_later": "1", "base_version": "0"}, url
    )
    assert status == 302
    saves.append((0, "Först"))
    status, _, page = second.post(
        b, url, {"proposal": "Sedan", "save_later": "1", "base_version": "0"}, url
    )
    assert status == 409 and "Först" in page and "Sedan" in page
    conflicts += 1

    # Then everyone saves the same step again and again, reading from one instance and saving
    # through the other.
    lock = threading.Lock()

    def save_in_a_loop(number: int, person: Person) -> None:
        nonlocal conflicts
        for round_ in range(ROUNDS):
            reading, saving = (a, b) if (number + round_) % 2 else (b, a)
            status, _, page = person.request(reading, "GET", url)
            match = CSRF_PATTERN.search(page)
            base = BASE_VERSION.search(page)
            if status != 200 or not match or not base:
                with lock:
                    errors.append(f"GET {status}")
                continue
            text = f"Person {number}, varv {round_}"
            status, _, answer = person.request(
                saving,
                "POST",
                url,
                {
                    "proposal": text,
                    "save_later": "1",
                    "base_version": base.group(1),
                    "csrf_token": match.group(1),
                },
            )
            with lock:
                if status == 302:
                    saves.append((int(base.group(1)), text))
                elif status == 409:
                    conflicts += 1
                else:
                    errors.append(f"POST {status}: {answer[:300]}")

    started = time.monotonic()
    threads = [threading.Thread(target=save_in_a_loop, args=(n, p)) for n, p in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    elapsed = time.monotonic() - started
    print(
        f"two instances: {len(saves)} saves, {conflicts} conflicts, {len(errors)} errors "
        f"({len(people)} people x {ROUNDS} rounds in {elapsed:.1f} s)"
    )
    assert not errors, errors
    assert conflicts >= 1 and len(saves) >= 2

    # No lost update: no two saves were accepted from the same version, the stored version
    # counts every accepted save, and the text is that of the last one.
    bases = [base for base, _ in saves]
    assert len(bases) == len(set(bases)), sorted(bases)
    with app.app_context():
        row = db.session.scalar(
            select(StepAnswer).where(
                StepAnswer.analysis_id == analysis_id, StepAnswer.step_key == STEP
            )
        )
        assert row.lock_version == len(saves)
        assert row.answers["proposal"] == max(saves)[1]

        report = verify_chain()
        assert report.intact, report.problems

    # The overview tallies kept by every commit on both instances equal a rebuild.
    kept = tally_table(app)
    with app.app_context():
        tallies.rebuild(db.session)
        db.session.commit()
    assert tally_table(app) == kept
