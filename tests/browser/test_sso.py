"""Single sign-on in the browser: Chromium logs in through a real OpenID provider's own login
form (oidc-provider, tests/oidc/) and out again, ending the provider's session too.

This bka runs with its own server and database, configured for the provider (the shared live
server of the other browser tests has no single sign-on).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.browser.conftest import _bka, _environment, _free_port
from tests.browser.helpers import screenshot
from tests.browser.test_accessibility import FLOOR, describe, run_axe
from tests.oidc_peer import CLIENT_ID, CLIENT_SECRET, PROVIDER_PASSWORD, start_provider

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def sso_server(chromium, tmp_path_factory, artifacts):
    """A provider and a bka (`bka db upgrade`, then `bka run`) that know each other."""
    workdir = tmp_path_factory.mktemp("bka-sso")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    provider = start_provider(
        workdir, redirect_uris=[url + "/login/sso/callback"], logout_uris=[url + "/login"]
    )
    provider.set_account(
        "anna",
        sub="anna-0001",
        email="anna.andersson@region.se",
        email_verified=True,
        name="Anna Andersson",
        groups=["bka-granskare"],
        organisation="Region Testland",
    )
    _bka(["db", "upgrade"], workdir)
    env = {
        **_environment(workdir),
        "BKA_BASE_URL": url,
        "BKA_OIDC_ISSUER": provider.issuer,
        "BKA_OIDC_CLIENT_ID": CLIENT_ID,
        "BKA_OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "BKA_OIDC_SCOPES": "openid email profile groups organisation",
        "BKA_OIDC_PROVIDER_NAME": "Testregionen",
        "BKA_OIDC_ORGANISATION_CLAIM": "organisation",
        "BKA_OIDC_GROUP_ROLES": "bka-granskare=reviewer",
        "BKA_LOCAL_LOGIN": "off",
    }
    log = open(artifacts / "server-sso.log", "w")  # noqa: SIM115 - closed at teardown
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
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
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
            provider.stop()
            raise RuntimeError("bka run (single sign-on) did not start; see server-sso.log")
        time.sleep(0.2)
    yield url
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()
    provider.stop()
    shutil.rmtree(workdir, ignore_errors=True)


def test_logging_in_and_out_through_the_provider(chromium, sso_server, artifacts):
    # A Swedish browser (Accept-Language: sv-SE): the person never picks a language.
    context = chromium.new_context(
        base_url=sso_server, locale="sv-SE", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto("/login")
        assert page.locator("html").get_attribute("lang") == "sv"
        assert page.locator("input[type=password]").count() == 0  # local login is off
        page.get_by_role("link", name="Logga in med Testregionen").click()
        # The provider's own login form.
        page.wait_for_url(re.compile(r"/interaction/"))
        page.locator("input[name=login]").fill("anna")
        page.locator("input[name=password]").fill(PROVIDER_PASSWORD)
        page.locator("button[type=submit]").click()
        page.wait_for_url(sso_server + "/")
        assert page.locator("html").get_attribute("lang") == "sv"
        assert page.get_by_role("heading", level=1).inner_text() == "Mina analyser"
        screenshot(page, "sso-home-sv")
        # Logging out ends bka's session, then the provider's (after its confirmation).
        page.locator("header form[action$='/logout'] button").click()
        page.wait_for_url(re.compile(r"/session/end"))
        page.get_by_role("button", name=re.compile("Yes, sign me out")).click()
        page.wait_for_url(sso_server + "/login")
        assert "Du är utloggad" in page.locator("main").inner_text()
        page.goto("/")
        page.wait_for_url(re.compile(r"/login"))
    finally:
        context.close()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_sso_pages_pass_axe(chromium, sso_server, language):
    """The login page with only the provider's button, and the page of a failed login."""
    context = chromium.new_context(base_url=sso_server, locale=f"{language}-SE")
    page = context.new_page()
    try:
        for path in ("/login", "/login/sso/callback?code=forged&state=forged"):
            page.goto(path)
            assert page.locator("html").get_attribute("lang") == language
            failing = [v for v in run_axe(page) if FLOOR & set(v["tags"])]
            assert not failing, f"{path} ({language})\n{describe(failing)}"
        assert page.get_by_role("heading", level=1).inner_text() in (
            "Inloggningen lyckades inte",
            "The login did not succeed",
        )
    finally:
        context.close()
