"""The browsing pages in headless Chromium: the tree by mouse, keyboard and without
JavaScript, the red thread, search, an axe-core scan of every page type and screenshots."""

import re

import pytest

from goals.demo import load_goals
from goals.models import Goal
from tests.browser import axe_violations, shoot, signed_in
from tests.factories import UserFactory

COUNCIL_GOAL = "Norrköpingsbornas utbildningsnivå ska höjas"
COMMITTEE_GOAL = "Fler elever ska nå behörighet till gymnasieskolan"
UNIT_GOAL = "Alla skolor arbetar med tidiga insatser i läsning och matematik"


@pytest.fixture
def demo(transactional_db):
    load_goals()
    return Goal.objects.filter(period__slug="2023-2026")


@pytest.fixture
def reader_user(transactional_db):
    return UserFactory(username="lasare")


def toggle_of(page, title: str):
    return page.locator(f"li.node:has(> .row a:text-is('{title}')) > .row > button.toggle")


def children_of(page, title: str):
    return page.locator(f"li.node:has(> .row a:text-is('{title}')) > ul.children")


@pytest.mark.browser
def test_tree_expands_and_collapses_with_the_mouse_in_place(browser, live_server, client, demo, reader_user):
    page = signed_in(browser, live_server, client, reader_user)
    page.goto(f"{live_server.url}/goals/")
    page.evaluate("() => { window.notReloaded = true; }")
    toggle, children = toggle_of(page, COUNCIL_GOAL), children_of(page, COUNCIL_GOAL)
    assert toggle.get_attribute("aria-expanded") == "false" and children.is_hidden()

    toggle.click()
    page.locator(f"a:text-is('{COMMITTEE_GOAL}')").wait_for(state="visible")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.evaluate("() => window.notReloaded") is True  # htmx swapped the branch in, no page load
    assert "open=" not in page.url
    shoot(page, "tree-expanded")

    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert children.is_hidden()
    toggle.click()  # opening again shows the loaded branch without asking the server
    assert children.is_visible() and children.locator(":scope > li").count() == 1
    assert page.csp_errors == []


@pytest.mark.browser
def test_tree_works_with_the_keyboard_alone(browser, live_server, client, demo, reader_user):
    page = signed_in(browser, live_server, client, reader_user)
    page.goto(f"{live_server.url}/goals/")
    toggle = toggle_of(page, COUNCIL_GOAL)
    for _ in range(60):
        page.keyboard.press("Tab")
        if toggle.evaluate("button => button === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the council goal's toggle")
    page.keyboard.press("Enter")
    page.locator(f"a:text-is('{COMMITTEE_GOAL}')").wait_for(state="visible")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert toggle.evaluate("button => button === document.activeElement")  # focus stays on the toggle

    page.keyboard.press("Tab")  # the goal's own link
    page.keyboard.press("Tab")  # the first sub-goal's toggle
    inner = toggle_of(page, COMMITTEE_GOAL)
    assert inner.evaluate("button => button === document.activeElement")
    page.keyboard.press("Space")
    page.locator(f"a:text-is('{UNIT_GOAL}')").wait_for(state="visible")
    assert inner.get_attribute("aria-expanded") == "true"
    shoot(page, "tree-keyboard")

    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert toggle.evaluate("button => button === document.activeElement")
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert children_of(page, COUNCIL_GOAL).is_hidden()


@pytest.mark.browser
def test_tree_expands_without_javascript_through_plain_requests(
    browser, live_server, client, demo, reader_user
):
    page = signed_in(browser, live_server, client, reader_user, javascript=False)
    page.goto(f"{live_server.url}/goals/")
    toggle_of(page, COUNCIL_GOAL).click()
    page.wait_for_url(re.compile(r".*open=\d+.*"))
    assert page.locator(f"a:text-is('{COMMITTEE_GOAL}')").is_visible()
    toggle_of(page, COMMITTEE_GOAL).click()
    page.wait_for_url(re.compile(r".*open=\d+.*open=\d+.*"))
    assert page.locator(f"a:text-is('{UNIT_GOAL}')").is_visible()
    toggle_of(page, COUNCIL_GOAL).click()  # closing: the branch is no longer rendered
    page.wait_for_url(re.compile(r".*close=\d+.*"))
    assert page.locator(f"a:text-is('{COMMITTEE_GOAL}')").count() == 0


@pytest.mark.browser
def test_goal_page_breadcrumb_follows_the_red_thread(browser, live_server, client, demo, reader_user):
    goal = demo.get(title=UNIT_GOAL)
    page = signed_in(browser, live_server, client, reader_user)
    page.goto(f"{live_server.url}/goals/{goal.pk}/")
    crumbs = page.locator("nav.breadcrumb li")
    assert crumbs.all_inner_texts() == [
        "NORRKÖPING tar plats",
        "Arbete och företagande",
        COUNCIL_GOAL,
        COMMITTEE_GOAL,
        UNIT_GOAL,
    ]
    assert page.get_by_role("navigation", name="Röd tråd").is_visible()
    assert crumbs.last.locator("a").get_attribute("aria-current") == "page"
    shoot(page, "goal")
    crumbs.nth(2).locator("a").click()
    page.wait_for_url(re.compile(r".*/goals/\d+/$"))
    assert page.locator("h1").inner_text() == COUNCIL_GOAL


@pytest.mark.browser
def test_search_from_the_header(browser, live_server, client, demo, reader_user):
    page = signed_in(browser, live_server, client, reader_user)
    page.goto(f"{live_server.url}/")
    page.get_by_role("searchbox", name="Sök mål och enheter").fill("skolor")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/search/\?q=skolor"))
    results = page.locator("ol.results > li")
    assert results.count() >= 1
    assert "skolor" in results.first.locator("mark").first.inner_text().lower()
    shoot(page, "search")
    results.first.locator("a.goal-title").click()
    page.wait_for_url(re.compile(r".*/goals/\d+/$"))
    assert "skolor" in page.locator("h1").inner_text()


@pytest.mark.browser
def test_every_page_type_passes_axe_at_wcag_21_aa(browser, live_server, client, demo, reader_user):
    """axe-core finds 0 WCAG 2.1 A/AA violations on every page type, in Swedish and in English."""
    goal = demo.get(title=COUNCIL_GOAL)
    pages = {
        "home": "/",
        "tree": "/goals/",
        "tree-filtered": "/goals/?unit=utbildningskontoret",
        "goal-page": f"/goals/{goal.pk}/",
        "unit": "/units/utbildningskontoret/",
        "search-results": "/search/?q=skolor",
        "search-empty": "/search/?q=rymdf%C3%A4rja",
        "accessibility": "/accessibility/",
    }
    found = {}
    for locale in ("sv-SE", "en-GB"):
        page = signed_in(browser, live_server, client, reader_user, locale=locale)
        for name, url in pages.items():
            page.goto(f"{live_server.url}{url}")
            if name == "tree":
                toggle_of(page, COUNCIL_GOAL).click()
                page.locator(f"a:text-is('{COMMITTEE_GOAL}')").wait_for(state="visible")
            found[f"{name} ({locale})"] = axe_violations(page)
            if locale == "sv-SE":
                shoot(page, name)
        assert page.csp_errors == []
    anonymous = browser.new_page(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    anonymous.goto(f"{live_server.url}/accounts/login/")
    found["sign-in"] = axe_violations(anonymous)
    shoot(anonymous, "sign-in")
    assert {name: v for name, v in found.items() if v} == {}


@pytest.mark.browser
def test_phone_width_and_print_layouts(browser, live_server, client, demo, reader_user):
    goal = demo.get(title=COUNCIL_GOAL)
    page = signed_in(browser, live_server, client, reader_user, viewport=(390, 844))
    page.goto(f"{live_server.url}/goals/")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390  # nothing scrolls sideways
    assert axe_violations(page) == []
    shoot(page, "tree-phone")
    page.goto(f"{live_server.url}/goals/{goal.pk}/")
    page.emulate_media(media="print")
    assert page.locator("header.site-header").is_hidden()
    assert page.locator("h1").is_visible()
    shoot(page, "goal-print")
