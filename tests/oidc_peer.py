"""A real OpenID Connect provider for the single sign-on tests: oidc-provider (an OpenID
certified implementation) on the machine's Node, from tests/oidc/ (package-lock.json pins it).

`start_provider` runs tests/oidc/provider.js on a free port of 127.0.0.1 and waits for its
discovery document; `ProviderLogin` goes through the provider's own login form with `requests`,
as a browser would. Without Node (or without tests/oidc/node_modules and no way to `npm ci`
them) the tests are skipped with the reason, except under CI=true, where that fails them
(.ci/run installs the packages first).
"""

from __future__ import annotations

import fcntl
import html
import json
import os
import re
import selectors
import shutil
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests

PROVIDER_DIR = Path(__file__).parent / "oidc"
CLIENT_ID = "bka-test"
CLIENT_SECRET = "bka-test-secret-not-for-production"  # noqa: S105 - the test provider's own
# Any password opens an account at the provider's development login form; the login name
# picks the account.
PROVIDER_PASSWORD = "provider-password"  # noqa: S105
START_SECONDS = 30
FORM = re.compile(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', re.S)
INPUT = re.compile(r"<input([^>]*)>")
ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')


def unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but the single sign-on tests cannot run: {reason}", pytrace=False)
    pytest.skip(f"single sign-on tests skipped: {reason}")


@dataclass
class Provider:
    issuer: str
    accounts_path: Path
    process: subprocess.Popen
    accounts: dict = field(default_factory=dict)

    def set_account(self, login: str, **claims) -> None:
        """Add or change an account: read again by the provider at the next login."""
        self.accounts[login] = claims
        self.accounts_path.write_text(json.dumps(self.accounts), encoding="utf-8")

    def settings(self, **extra) -> dict:
        """bka's settings for this provider."""
        return {
            "OIDC_ISSUER": self.issuer,
            "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_SCOPES": "openid email profile groups organisation",
            "OIDC_PROVIDER_NAME": "Testregionen",
            "OIDC_ORGANISATION_CLAIM": "organisation",
            "OIDC_GROUP_ROLES": {"bka-admins": "admin", "bka-granskare": "reviewer"},
            **extra,
        }

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        unavailable("node was not found (Node 18 or later runs tests/oidc/provider.js).")
    installed = PROVIDER_DIR / "node_modules" / "oidc-provider" / "package.json"
    if installed.is_file():
        return node
    npm = shutil.which("npm")
    if npm is None:
        unavailable("tests/oidc/node_modules is missing and npm was not found.")
    # xdist workers may get here at once: one installs, the others wait for it.
    with open(PROVIDER_DIR / ".npm-ci.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not installed.is_file():
            result = subprocess.run(  # noqa: S603 - fixed command line
                [npm, "ci", "--no-audit", "--no-fund", "--prefix", str(PROVIDER_DIR)],
                capture_output=True,
                text=True,
                timeout=300,
            )
            if result.returncode != 0:
                unavailable(f"npm ci --prefix tests/oidc failed: {result.stderr[-500:]}")
    return node


def start_provider(workdir: Path, *, redirect_uris: list[str], logout_uris: list[str]) -> Provider:
    """Start the provider; its log goes to workdir/provider.log."""
    node = _node()
    accounts_path = workdir / "accounts.json"
    accounts_path.write_text("{}", encoding="utf-8")
    env = {
        **os.environ,
        "BKA_OIDC_ACCOUNTS": str(accounts_path),
        "BKA_OIDC_REDIRECT_URIS": ",".join(redirect_uris),
        "BKA_OIDC_LOGOUT_URIS": ",".join(logout_uris),
        "BKA_OIDC_CLIENT_ID": CLIENT_ID,
        "BKA_OIDC_CLIENT_SECRET": CLIENT_SECRET,
    }
    log = open(workdir / "provider.log", "w")  # noqa: SIM115 - handed to the process
    process = subprocess.Popen(  # noqa: S603 - fixed command line
        [node, "provider.js"],
        cwd=PROVIDER_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    log.close()
    issuer = _wait_for_issuer(process, workdir)
    return Provider(issuer=issuer, accounts_path=accounts_path, process=process)


def _wait_for_issuer(process: subprocess.Popen, workdir: Path) -> str:
    deadline = time.monotonic() + START_SECONDS
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    issuer = None
    try:
        while issuer is None and time.monotonic() < deadline:
            if selector.select(timeout=0.5):
                line = process.stdout.readline()
                if not line:
                    break
                if line.startswith("READY "):
                    issuer = line.split()[1]
            elif process.poll() is not None:
                break
    finally:
        selector.close()
    if issuer is None:
        process.kill()
        process.wait()
        log = (workdir / "provider.log").read_text(encoding="utf-8")[-2000:]
        raise RuntimeError(f"the OpenID provider did not start:\n{log}")
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(  # noqa: S310 - our own provider on localhost
                issuer + "/.well-known/openid-configuration", timeout=2
            ) as response:
                if json.load(response)["issuer"] == issuer:
                    return issuer
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the OpenID provider's discovery document did not answer")


def form_fields(page: str, base_url: str) -> tuple[str, dict[str, str]]:
    """The first form of a provider page: its absolute action and its named inputs' values."""
    match = FORM.search(page)
    assert match, f"no form on the provider's page: {page[:500]}"
    fields = {}
    for attributes in INPUT.findall(match.group(2)):
        values = dict(ATTRIBUTE.findall(attributes))
        if "name" in values:
            fields[values["name"]] = html.unescape(values.get("value", ""))
    return urljoin(base_url, html.unescape(match.group(1))), fields


class ProviderLogin:
    """One person's browser at the provider (its cookies): logs in through the provider's own
    form and follows its redirects until they lead back to bka."""

    def __init__(self, bka_base: str):
        self.http = requests.Session()
        self.bka_base = bka_base

    def close(self) -> None:
        self.http.close()

    def _follow(self, response) -> str:
        """Follow redirects at the provider; return the first address back at bka."""
        for _ in range(10):
            location = response.headers.get("Location")
            if response.status_code not in (302, 303) or not location:
                return response.url
            location = urljoin(response.url, location)
            if location.startswith(self.bka_base):
                return location
            response = self.http.get(location, allow_redirects=False, timeout=10)
        raise AssertionError("too many redirects at the provider")

    def authorize(self, authorize_url: str, login: str) -> str:
        """From bka's redirect to the provider to the callback address (with code and state)."""
        response = self.http.get(authorize_url, allow_redirects=False, timeout=10)
        page_url = self._follow(response)
        assert not page_url.startswith(self.bka_base), "the provider asked for no login"
        page = self.http.get(page_url, timeout=10)
        action, fields = form_fields(page.text, page.url)
        assert fields.get("prompt") == "login", page.text[:500]
        fields.update(login=login, password=PROVIDER_PASSWORD)
        response = self.http.post(action, data=fields, allow_redirects=False, timeout=10)
        callback = self._follow(response)
        assert callback.startswith(self.bka_base), callback
        return callback

    def end_session(self, logout_url: str) -> str:
        """Confirm the provider's logout page; return where it sends the browser back."""
        page = self.http.get(logout_url, timeout=10)
        assert page.status_code == 200, page.text[:500]
        action, fields = form_fields(page.text, page.url)
        fields["logout"] = "yes"
        response = self.http.post(action, data=fields, allow_redirects=False, timeout=10)
        return self._follow(response)


def local_path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """The provider for the requests-based tests, whose bka is at the testing BASE_URL."""
    workdir = tmp_path_factory.mktemp("oidc")
    provider = start_provider(
        workdir,
        redirect_uris=["http://bka.test/login/sso/callback"],
        logout_uris=["http://bka.test/login"],
    )
    yield provider
    provider.stop()
