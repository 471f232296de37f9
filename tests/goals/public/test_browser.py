"""The public site in headless Chromium as an anonymous reader: axe-core finds no WCAG 2.1 AA violation
on any public page, in Swedish and English, at a desktop and a phone width; the tree expands in place."""

import pytest

from goals.models import Goal
from tests.browser import axe_violations, shoot
from tests.goals.public.conftest import load_public_demo

WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
SHOTS = {
    ("start", "sv", "desktop"),
    ("goal", "en", "phone"),
    ("tree", "sv", "phone"),
    ("data", "en", "desktop"),
}
COUNCIL_GOAL = "Norrköpingsbornas utbildningsnivå ska höjas"
COMMITTEE_GOAL = "Fler elever ska nå behörighet till gymnasieskolan"


@pytest.fixture
def demo(transactional_db, public_on):
    return load_public_demo()


def anonymous_page(browser, width: str, locale: str):
    width_px, height_px = WIDTHS[width]
    context = browser.new_context(viewport={"width": width_px, "height": height_px}, locale=locale)
    page = context.new_page()
    page.csp_errors = []
    page.on("console", lambda m: "Content Security Policy" in m.text and page.csp_errors.append(m.text))
    return page


@pytest.mark.browser
def test_every_public_page_passes_axe_in_both_languages_at_both_widths_and_the_tree_expands(
    browser, live_server, demo
):
    goal = Goal.objects.get(title=COUNCIL_GOAL, period__slug="2023-2026")
    paths = {
        "start": "/public/",
        "tree": "/public/goals/",
        "search": "/public/goals/?q=elever",
        "goal": f"/public/goals/{goal.pk}/",
        "data": "/public/data/",
    }
    problems = []
    for width in WIDTHS:
        for lang, locale in (("sv", "sv-SE"), ("en", "en-GB")):
            page = anonymous_page(browser, width, locale)
            for name, path in paths.items():
                url = (
                    live_server.url
                    + path
                    + (("&" if "?" in path else "?") + "lang=en" if lang == "en" else "")
                )
                response = page.goto(url)
                assert response.status == 200, url
                assert page.locator("html").get_attribute("lang") == lang
                problems += [f"{name} {lang} {width}: {v}" for v in axe_violations(page)]
                if (name, lang, width) in SHOTS:
                    shoot(page, f"public-{name}-{lang}-{width}")
            assert page.context.cookies() == [], "an anonymous reader was given a cookie"
            assert page.csp_errors == []
            page.context.close()
    assert not problems, "\n".join(problems)
    tree_expands_in_place(browser, live_server)


def tree_expands_in_place(browser, live_server):
    """The lazy tree opens a branch with htmx, without a page load, and stays clean for axe."""
    page = anonymous_page(browser, "desktop", "sv-SE")
    page.goto(f"{live_server.url}/public/goals/")
    page.evaluate("() => { window.notReloaded = true; }")
    toggle = page.locator(f"li.node:has(> .row a:text-is('{COUNCIL_GOAL}')) > .row > button.toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    page.locator(f"a:text-is('{COMMITTEE_GOAL}')").wait_for(state="visible")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.evaluate("() => window.notReloaded") is True
    assert axe_violations(page) == []
    shoot(page, "public-tree-expanded")
    assert page.csp_errors == [] and page.context.cookies() == []
