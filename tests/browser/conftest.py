"""Browser tests: the real app on a free localhost port, driven by Debian's Chromium.

Chromium comes from the distribution (`apt-get install chromium`); Playwright never downloads a
browser. Without Chromium (or without Playwright) these tests are skipped with the reason, except
under CI=true, where a missing browser fails the run. They always run against their own SQLite
database, so the PostgreSQL pass of .ci/run deselects them (`-m "not browser"`). Under
pytest-xdist every worker that runs any of them starts its own server and browser.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser.helpers import ARTIFACTS, STEP_KEYS, TEAM, fill_step, login

CHROMIUM = os.environ.get("BKA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but the browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


@dataclass
class LiveServer:
    url: str
    instance: Path
    process: subprocess.Popen

    def cli(self, *args: str) -> str:
        """Run a `bka` command against the live server's database."""
        return _bka(args, self.instance).stdout


def _environment(instance: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"TEST_DATABASE_URL", "SECRET_KEY", "FLASK_APP"}
    }
    env.update(
        BKA_CONFIG="development",
        BKA_INSTANCE_PATH=str(instance),
        DATABASE_URL=f"sqlite:///{instance / 'browser.sqlite3'}",
        PYTHONDONTWRITEBYTECODE="1",
        # Cheap argon2id, as in TestingConfig: the demo users and every login hash a password.
        BKA_ARGON2_TIME_COST="1",
        BKA_ARGON2_MEMORY_COST_KIB="8",
        BKA_ARGON2_PARALLELISM="1",
    )
    return env


def _bka(args, instance: Path, **kwargs):
    command = [sys.executable, "-c", "from bka.cli import main; main()", *args]
    return subprocess.run(  # noqa: S603 - fixed command line
        command,
        env=_environment(instance),
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
        **kwargs,
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def chromium():
    """A headless Debian Chromium, shared by every browser test."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install -e '.[dev]').")
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"{CHROMIUM} was not found (apt-get install chromium).")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
    except Exception as error:  # noqa: BLE001 - any launch failure means no browser
        playwright.stop()
        _unavailable(f"Chromium did not start: {error}")
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture(scope="session")
def live_server(chromium, tmp_path_factory, artifacts) -> LiveServer:
    """`bka db upgrade`, `bka demo`, `bka remind` (the demo's follow-up is due: the notifications
    page shows reminders), then `bka run` on a free port with a fresh database."""
    instance = tmp_path_factory.mktemp("bka-browser")
    _bka(["db", "upgrade"], instance)
    _bka(["demo"], instance)
    _bka(["remind"], instance)
    port = _free_port()
    # One server per xdist worker, each with its own log.
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    log_path = artifacts / (f"server-{worker}.log" if worker else "server.log")
    log = open(log_path, "w")  # noqa: SIM115 - closed at teardown
    process = subprocess.Popen(  # noqa: S603 - fixed command line
        [
            sys.executable,
            "-c",
            "from bka.cli import main; main()",
            "run",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-reload",
            "--no-debugger",
        ],
        env=_environment(instance),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url + "/login", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            log.close()
            raise RuntimeError(f"bka run did not start; see {log_path}")
        time.sleep(0.2)
    yield LiveServer(url, instance, process)
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()
    shutil.rmtree(instance, ignore_errors=True)


@pytest.fixture
def new_context(chromium, live_server):
    """Open a separate browser (cookies and all) per person: `new_context(**options)`."""
    opened = []

    def new_context(**options):
        options = {"viewport": {"width": 1280, "height": 900}, **options}
        context = chromium.new_context(base_url=live_server.url, accept_downloads=True, **options)
        context.set_default_timeout(15_000)
        opened.append(context)
        return context

    yield new_context
    for context in opened:
        context.close()


@pytest.fixture
def context(new_context):
    return new_context()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture(scope="session")
def analyses(chromium, live_server) -> dict[str, int]:
    """Analyses in each state: empty, the demo's draft, approved (and postponed), decided and
    referred-back ones with the version that continues it, one in review."""
    context = chromium.new_context(base_url=live_server.url)
    page = context.new_page()
    login(page, TEAM, "sv")

    def analysis_id(title: str) -> int:
        href = page.get_by_role("link", name=title, exact=True).get_attribute("href")
        return int(re.search(r"/analyses/(\d+)", href).group(1))

    def both_versions(title: str) -> list[int]:
        """The ids of the two analyses a title names: a version and, opened later, the one
        that continues it."""
        return sorted(
            int(re.search(r"/analyses/(\d+)", link.get_attribute("href")).group(1))
            for link in page.get_by_role("link", name=title, exact=True).all()
        )

    ids = {
        "draft": analysis_id("Samordnad barnakut och neonatalvård nattetid"),
        "approved": analysis_id(
            "Införande av vårdinformationssystemet Millennium, "
            "våg 4: Göteborg och Drottning Silvias barnsjukhus"
        ),
    }
    # A referral back (återremiss) leaves two analyses with one title: the referred version and,
    # opened later, the new one that continues it. So does the re-assessment the Millennium
    # analysis's follow-up opened (decided, now in follow-up, with its draft re-assessment).
    ids["referred"], ids["continued"] = both_versions(
        "Införande av vårdinformationssystemet Millennium, våg 5: Norra Bohuslän"
    )
    ids["decided"], ids["reassessment"] = both_versions(
        "Införande av vårdinformationssystemet Millennium"
    )
    for key, title in (("empty", "Tom analys"), ("review", "Analys under granskning")):
        page.goto("/analyses/new")
        page.locator("#title").fill(title)
        page.locator("#organisation").fill("Region Västra Götaland")
        page.locator("input[name=decision_area]").first.check()
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(re.compile(r"/analyses/\d+$"))
        ids[key] = int(page.url.rsplit("/", 1)[1])
    page.locator("ol.task-list a").first.click()
    for _key in STEP_KEYS:
        fill_step(page, "sv")
    page.locator("#reviewer").select_option(label="Gustav Granskare")
    page.locator("#submit button[type=submit]").click()
    page.wait_for_url(re.compile(r"/analyses/\d+$"))
    context.close()
    return ids


@pytest.fixture(scope="session")
def pages(chromium, live_server):
    """One signed-in browser per (user, language), reused across the scans."""
    opened = {}

    def get(user, language):
        if (user, language) not in opened:
            context = chromium.new_context(
                base_url=live_server.url, viewport={"width": 1280, "height": 900}
            )
            page = context.new_page()
            if user:
                login(page, user, language)
            opened[(user, language)] = page
        return opened[(user, language)]

    yield get
    for page in opened.values():
        page.context.close()
