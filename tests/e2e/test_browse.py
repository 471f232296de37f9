"""The browsing pages in headless Chromium: the tree by mouse, keyboard and without
JavaScript, the red thread, search, an axe-core scan of every page type and screenshots."""

import re

import pytest

from goals.demo import load_goals
from goals.models import Goal
from tests.browser import axe_violations, shoot, signed_in
from tests.factories import UserFactory
from vision.actors import system_actor
from vision.models import Unit, UnitRole
from vision.services import membership_grant

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


@pytest.fixture
def editor_user(demo):
    """An editor of Utbildningskontoret: staff, so every page of the menu (re-linking too) is open to them."""
    user = UserFactory(username="redaktor")
    unit = Unit.objects.get(slug="utbildningskontoret")
    membership_grant(by=system_actor(), user=user, unit=unit, role=UnitRole.EDITOR)
    user.refresh_from_db()
    return user


def every_page_type(demo) -> dict[str, str]:
    council = demo.get(title=COUNCIL_GOAL)
    area = demo.get(title="Arbete och företagande")
    vision = Goal.objects.visions().active().first()
    flagged = Goal.objects.needing_relinking().filter(owner__slug="utbildningskontoret").first()
    return {
        "home": "/",
        "tree": "/goals/",
        "tree-filtered": "/goals/?unit=utbildningskontoret",
        "goal-page": f"/goals/{council.pk}/",
        "goal-area": f"/goals/{area.pk}/",
        "goal-vision": f"/goals/{vision.pk}/",
        "unit": "/units/utbildningskontoret/",
        "search-results": "/search/?q=skolor",
        "search-empty": "/search/?q=rymdf%C3%A4rja",
        "search-unknown-period": "/search/?q=skolor&period=1999-2002",
        "compare": "/periods/compare/?from=2023-2026&to=2027-2030&unit=kommunfullmaktige",
        "coverage": "/periods/2027-2030/coverage/",
        "red-thread-unit": "/reports/red-thread/?unit=utbildningskontoret",
        "relinking": "/relinking/?period=2027-2030",
        "relink": f"/relinking/{flagged.pk}/",
        "dialogue": "/dialogue/",
        "accessibility": "/accessibility/",
        "api-docs": "/api/docs/",
    }


# tests/e2e/test_linking_browser.py scans these at 1280 px in both languages already.
SCANNED_AT_1280_BY_THE_LINKING_TESTS = {"compare", "coverage", "relinking", "relink"}


def too_wide(page, width: int = 390) -> list[str]:
    """Measured in the browser: the page's width when it scrolls sideways, with what sticks out."""
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    if scroll_width <= width:
        return []
    culprits = page.evaluate(
        """(width) => [...document.querySelectorAll("body *")]
            .filter(e => e.getBoundingClientRect().right > width + 1)
            .slice(0, 3).map(e => e.tagName.toLowerCase() + "." + e.className)""",
        width,
    )
    return [f"page is {scroll_width} px wide at {width} px: {culprits}"]


@pytest.mark.browser
@pytest.mark.parametrize("locale", ["sv-SE", "en-GB"])  # two tests, so that xdist runs them side by side
def test_every_page_type_passes_axe_and_fits_a_phone(browser, live_server, client, demo, editor_user, locale):
    """axe-core finds 0 WCAG 2.1 A/AA violations on every page type, in Swedish and English, at 1280 and
    390 px; at 390 px no page is wider than the screen (document.documentElement.scrollWidth <= 390)."""
    pages = every_page_type(demo)
    found = {}
    page = signed_in(browser, live_server, client, editor_user, locale=locale)
    for name, url in pages.items():
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{live_server.url}{url}")
        if name == "tree":
            toggle_of(page, COUNCIL_GOAL).click()
            page.locator(f"a:text-is('{COMMITTEE_GOAL}')").wait_for(state="visible")
        if name == "api-docs":  # scanned with one operation open, ready to try out, and the schemas shown
            page.locator(".opblock-summary-control").first.click()
            page.locator("button.try-out__btn").first.click()
            page.locator("button.execute").wait_for(state="visible")
            page.locator(".models-control").click()
        if name not in SCANNED_AT_1280_BY_THE_LINKING_TESTS:
            found[f"{name} ({locale}, 1280)"] = axe_violations(page)
        if locale == "sv-SE":
            shoot(page, name)
        page.set_viewport_size({"width": 390, "height": 844})
        found[f"{name} ({locale}, 390)"] = axe_violations(page) + too_wide(page)
        if locale == "sv-SE":
            shoot(page, f"{name}-phone")
    assert page.csp_errors == [], page.csp_errors
    for width in (1280, 390):
        anonymous = browser.new_page(viewport={"width": width, "height": 900}, locale=locale)
        anonymous.goto(f"{live_server.url}/accounts/login/?next=/goals/")
        found[f"sign-in ({locale}, {width})"] = axe_violations(anonymous) + too_wide(anonymous, width)
        if locale == "sv-SE":
            shoot(anonymous, f"sign-in-{width}")
        anonymous.close()
    failures = [f"{name}: {problem}" for name, problems in found.items() for problem in problems]
    assert not failures, "\n".join(failures)


@pytest.mark.browser
def test_phone_header_is_compact_and_its_menu_folds(browser, live_server, client, demo, reader_user):
    page = signed_in(browser, live_server, client, reader_user, viewport=(390, 844))
    page.goto(f"{live_server.url}/goals/")
    header = page.locator("header.site-header")
    assert header.bounding_box()["height"] <= 80  # one row: the brand, the language and the menu button
    assert page.get_by_role("navigation", name="Huvudmeny").is_hidden()
    menu = page.get_by_role("button", name="Meny")
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    assert page.get_by_role("link", name="Mål", exact=True).is_visible()
    shoot(page, "header-phone-menu-open")
    menu.click()
    assert page.get_by_role("navigation", name="Huvudmeny").is_hidden()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390  # nothing scrolls sideways
    shoot(page, "tree-phone")


@pytest.mark.browser
def test_print_has_the_organisation_address_and_date_and_no_menus(
    browser, live_server, client, demo, reader_user
):
    goal = demo.get(title=COUNCIL_GOAL)
    page = signed_in(browser, live_server, client, reader_user)
    page.goto(f"{live_server.url}/goals/{goal.pk}/")
    assert page.locator(".print-footer").is_hidden()  # on screen, the print lines stay out of the way
    page.emulate_media(media="print")
    assert page.locator("header.site-header").is_hidden()
    assert page.locator("h1").is_visible()
    assert "Norrköpings kommun" in page.locator(".print-header").inner_text()
    footer = page.locator(".print-footer").inner_text()
    assert f"{live_server.url}/goals/{goal.pk}/" in footer and "Utskriven" in footer
    assert re.search(r"\d{1,2} [a-zåäö]+ \d{4}", footer)  # the print date, as every date: "2 december 2026"
    assert (
        page.evaluate("() => getComputedStyle(document.querySelector('.goal-list > li')).breakInside")
        == "avoid"
    )
    shoot(page, "goal-print")
    page.goto(f"{live_server.url}/reports/red-thread/?unit=utbildningskontoret")
    shoot(page, "red-thread-print")
