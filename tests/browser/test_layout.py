"""Reflow (WCAG 1.4.10): the main pages at 320 CSS px and at 200% zoom, without sideways scrolling.

Screenshots of each page in each language and width are kept in the artifacts folder.
"""

from __future__ import annotations

import pytest

from tests.browser.helpers import ADMIN, REVIEWER, TEAM, login, screenshot, set_language

pytestmark = pytest.mark.browser

# (name, user, path); {draft}, {decided} and {review} are analysis ids.
MAIN_PAGES = [
    ("login", None, "/login"),
    ("accessibility-statement", None, "/tillganglighet"),
    ("analyses", TEAM, "/"),
    ("new-analysis", TEAM, "/analyses/new"),
    ("hub", TEAM, "/analyses/{draft}"),
    ("step-screening", TEAM, "/analyses/{draft}/steps/screening"),
    ("step-rights", TEAM, "/analyses/{draft}/steps/rights"),
    ("step-impacts", TEAM, "/analyses/{decided}/steps/impacts"),
    ("check", TEAM, "/analyses/{review}/check"),
    ("history", TEAM, "/analyses/{decided}/history"),
    ("review", REVIEWER, "/analyses/{review}/review"),
    ("admin-overview", ADMIN, "/admin/"),
    ("admin-analyses", ADMIN, "/admin/analyses"),
    ("admin-users", ADMIN, "/admin/users"),
]
# 320 CSS px is a small phone; 640 CSS px at scale 2 is a 1280 px window zoomed to 200%.
SIZES = {
    "320px": {"viewport": {"width": 320, "height": 640}},
    "zoom200": {"viewport": {"width": 640, "height": 450}, "device_scale_factor": 2},
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", ["sv", "en"])
def test_main_pages_reflow_without_horizontal_scrolling(new_context, analyses, size, language):
    problems = []
    pages = {}
    for name, user, path in MAIN_PAGES:
        if user not in pages:
            pages[user] = new_context(**SIZES[size]).new_page()
            if user:
                login(pages[user], user, language)
        page = pages[user]
        page.goto(path.format(**analyses))
        set_language(page, language)
        widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        if widths[0] > widths[1]:
            wide = page.evaluate(
                """() => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                    .filter(e => !e.closest('.table-wrap'))
                    .slice(0, 5).map(e => e.tagName + '.' + e.className)"""
            )
            problems.append(f"{name}: scrollWidth {widths[0]} > {widths[1]} ({wide})")
        screenshot(page, f"{size}/{name}-{language}")
    assert not problems, "\n".join(problems)
