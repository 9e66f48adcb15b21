"""axe-core on every page in every state, in Swedish and English.

WCAG 2.0/2.1 A and AA (the legal floor: EN 301 549 / DIGG) must have zero violations; WCAG 2.2 AA
is run too and written to artifacts/wcag22.txt without failing. To scan a new page, add one line
to SCANS.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tests.browser.helpers import (
    ADMIN,
    ARTIFACTS,
    REVIEWER,
    STEP_KEYS,
    TEAM,
    screenshot,
    set_language,
)

# One worker runs every scan (`--dist loadfile` in pyproject.toml): wcag22.txt collects all.
pytestmark = pytest.mark.browser

FLOOR = {"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}
GOAL = {"wcag22aa"}
LANGUAGES = ("sv", "en")


def submit(page) -> None:
    """Send the main form as it is (empty or partly filled): the validation-error state."""
    with page.expect_navigation():  # the page the post leads to
        page.locator("main form[method=post][novalidate] button[type=submit]").first.click()
    assert page.locator("#error-summary").count() == 1, page.url


def bad_policy_address(page) -> None:
    page.locator("#policy_url_1").fill("javascript:alert(1)")
    submit(page)


def clear_title_and_submit(page) -> None:
    page.locator("#title").fill("")
    submit(page)


def incomplete_step(page) -> None:
    page.locator("form.step-form textarea").first.fill("Ett förslag utan mål")
    page.locator("input[name=mark_completed]").check()
    submit(page)


def conflict(page) -> None:
    """Someone else saves the same step while this page is open: the conflict page.

    The other save goes through the context's request API (same session) rather than a second
    tab, which sometimes left Chromium hanging on close.
    """
    form = page.locator("form.step-form")
    first_question = form.locator("textarea").first
    response = page.request.post(
        page.url,
        form={
            "csrf_token": form.locator("input[name=csrf_token]").input_value(),
            "base_version": form.locator("input[name=base_version]").input_value(),
            first_question.get_attribute("name"): "Deras version av förslaget.",
            "save_later": "1",
        },
        max_redirects=0,
    )
    assert response.status == 302, response.status
    first_question.fill("Min version av förslaget.")
    with page.expect_navigation():  # the page the post leads to
        page.locator("button[name=save_later]").click()
    assert page.locator("#conflict").count() == 1


def reason_missing(page) -> None:
    """A decision that follows the conclusion only partly, without saying why."""
    page.locator("#decision_body").fill("Regionstyrelsen")
    page.locator("#decided_on").fill("2024-06-18")
    page.locator("#reference").fill("§ 142")
    page.locator("#best_interests_weighing").fill("Barnets bästa vägde tyngst.")
    page.locator("input[name=outcome][value=adopted_with_changes]").check()
    page.locator("input[name=follows_conclusion][value=partly]").check()
    submit(page)
    assert page.locator("#follows_conclusion_reason-error").count() == 1


def click_first(selector: str) -> Callable:
    def act(page) -> None:
        with page.expect_navigation():  # the page the post leads to
            page.locator(selector).first.click()

    return act


def shows_work(section: str) -> Callable:
    """The home with items in `section` (the demo has some for each of its users)."""

    def act(page) -> None:
        assert page.locator(f"section[aria-labelledby={section}] .work-item").count() > 0

    return act


@dataclass(frozen=True)
class Scan:
    name: str
    user: tuple[str, str] | None
    # {empty}, {draft}, {approved}, {decided}, {referred}, {continued}, {reassessment}, {review}
    path: str
    act: Callable | None = None


SCANS = [
    Scan("login", None, "/login"),
    Scan("login-error", None, "/login", submit),
    Scan("accessibility-statement", None, "/tillganglighet"),
    Scan("analyses", TEAM, "/"),
    Scan("home-member", TEAM, "/", shows_work("work-actions")),
    Scan("home-reviewer", REVIEWER, "/", shows_work("work-reviews")),
    Scan("new-analysis", TEAM, "/analyses/new"),
    Scan("new-analysis-error", TEAM, "/analyses/new", submit),
    Scan("hub-empty", TEAM, "/analyses/{empty}"),
    Scan("hub-filled", TEAM, "/analyses/{draft}"),
    Scan("hub-decided", TEAM, "/analyses/{decided}"),  # in follow-up, flagged by triggers
    Scan("follow-up-flagged", TEAM, "/analyses/{decided}/follow-up"),
    Scan("observed-effects", TEAM, "/analyses/{decided}/follow-up/observed-effects"),
    Scan("hub-reassessment", TEAM, "/analyses/{reassessment}"),
    Scan("hub-approved", TEAM, "/analyses/{approved}"),
    Scan("decision", TEAM, "/analyses/{approved}/decision"),
    Scan("decision-error", TEAM, "/analyses/{approved}/decision", submit),
    Scan("decision-reason-error", TEAM, "/analyses/{approved}/decision", reason_missing),
    Scan("hub-referred-back", TEAM, "/analyses/{referred}"),
    Scan("hub-continued-version", TEAM, "/analyses/{continued}"),
    Scan("step-decision-read-only", TEAM, "/analyses/{decided}/steps/conclusion"),
    Scan("details", TEAM, "/analyses/{draft}/details"),
    Scan("details-error", TEAM, "/analyses/{draft}/details", clear_title_and_submit),
    *[Scan(f"step-{key}-empty", TEAM, f"/analyses/{{empty}}/steps/{key}") for key in STEP_KEYS],
    *[Scan(f"step-{key}-filled", TEAM, f"/analyses/{{draft}}/steps/{key}") for key in STEP_KEYS],
    Scan("step-error", TEAM, "/analyses/{empty}/steps/decision", incomplete_step),
    Scan("step-conflict", TEAM, "/analyses/{draft}/steps/decision", conflict),
    Scan("step-read-only", TEAM, "/analyses/{decided}/steps/impacts"),
    Scan("entry-new", TEAM, "/analyses/{draft}/entries/child_groups/new"),
    Scan("entry-error", TEAM, "/analyses/{draft}/entries/consultations/new", submit),
    Scan("impact-new", TEAM, "/analyses/{draft}/entries/impacts/new"),
    Scan("trigger-new", TEAM, "/analyses/{draft}/entries/triggers/new"),
    Scan("trigger-error", TEAM, "/analyses/{draft}/entries/triggers/new", submit),
    Scan(
        "entry-edit",
        TEAM,
        "/analyses/{draft}/steps/children",
        click_first(".entry button[value^='edit/']"),
    ),
    Scan(
        "entry-delete",
        TEAM,
        "/analyses/{draft}/steps/evidence",
        click_first(".entry button[value^='delete/']"),
    ),
    Scan("check-incomplete", TEAM, "/analyses/{empty}/check"),
    Scan("check-complete", TEAM, "/analyses/{review}/check"),
    Scan("members", TEAM, "/analyses/{draft}/members"),
    Scan("members-error", TEAM, "/analyses/{draft}/members", submit),
    Scan("history", TEAM, "/analyses/{decided}/history"),
    Scan("notifications", TEAM, "/notifications"),
    Scan("account", TEAM, "/account"),
    Scan("api-token-new", TEAM, "/account/tokens/new"),
    Scan("api-token-new-error", TEAM, "/account/tokens/new", submit),
    Scan("api-docs", TEAM, "/api/v1/docs"),
    Scan("not-found", TEAM, "/analyses/999999"),
    Scan("reviewer-hub", REVIEWER, "/analyses/{review}"),
    Scan("reviewer-step-read-only", REVIEWER, "/analyses/{review}/steps/participation"),
    Scan("review", REVIEWER, "/analyses/{review}/review"),
    Scan("review-error", REVIEWER, "/analyses/{review}/review", click_first("button[name=sign]")),
    Scan("admin-overview", ADMIN, "/admin/"),
    Scan("admin-overview-error", ADMIN, "/admin/?year=tjugo"),
    Scan("admin-analyses", ADMIN, "/admin/analyses"),
    Scan("admin-users", ADMIN, "/admin/users"),
    Scan("admin-user-new-error", ADMIN, "/admin/users/new", submit),
    Scan("admin-organisations", ADMIN, "/admin/organisations"),
    # The demo's one listed organisation, with its profile.
    Scan("admin-organisation-profile", ADMIN, "/admin/organisations/1/profile"),
    Scan(
        "admin-organisation-profile-error",
        ADMIN,
        "/admin/organisations/1/profile",
        bad_policy_address,
    ),
    Scan("admin-checklists", ADMIN, "/admin/checklists"),
    Scan("admin-barnbokslut-error", ADMIN, "/admin/barnbokslut?year=tjugo"),
]


@pytest.fixture(scope="module")
def report():
    """WCAG 2.2 findings, written to artifacts/wcag22.txt (and .json) at the end."""
    findings: dict[str, list] = {}
    yield findings
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "wcag22.json").write_text(json.dumps(findings, indent=2, ensure_ascii=False))
    lines = [
        f"{page}: {rule['id']} ({rule['impact']}) on {len(rule['nodes'])} elements: {rule['help']}"
        for page, rules in sorted(findings.items())
        for rule in rules
    ]
    (ARTIFACTS / "wcag22.txt").write_text(
        "\n".join(lines) or "No WCAG 2.2 AA findings.\n", encoding="utf-8"
    )
    print("\nWCAG 2.2 AA (reported, not failing):\n" + ("\n".join(lines) or "none"))


def run_axe(page) -> list[dict]:
    from axe_playwright_python.base import AXE_SCRIPT

    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    options = {"runOnly": {"type": "tag", "values": sorted(FLOOR | GOAL)}}
    results = page.evaluate("options => axe.run(document, options)", options)
    return results["violations"]


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    {node['target']}: {node['failureSummary']}" for node in v["nodes"][:5])
        for v in violations
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("scan", SCANS, ids=[scan.name for scan in SCANS])
def test_axe(pages, analyses, report, scan, language):
    page = pages(scan.user, language)
    page.goto(scan.path.format(**analyses))
    set_language(page, language)
    if scan.act:
        scan.act(page)
    assert page.locator("html").get_attribute("lang") == language
    violations = run_axe(page)
    failing = [v for v in violations if FLOOR & set(v["tags"])]
    goal = [v for v in violations if not FLOOR & set(v["tags"])]
    if goal:
        report[f"{scan.name} ({language})"] = goal
    screenshot(page, f"axe/{scan.name}-{language}", full_page=False)
    assert not failing, f"{scan.name} ({language}) {page.url}\n{describe(failing)}"
    # axe 4 no longer reports duplicate ids, but a label or an error link can then point at the
    # wrong field.
    duplicates = page.evaluate(
        """() => { const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
                   return [...new Set(ids.filter((id, i) => ids.indexOf(id) !== i))]; }"""
    )
    assert not duplicates, f"{scan.name} ({language}) repeats the ids {duplicates}"
