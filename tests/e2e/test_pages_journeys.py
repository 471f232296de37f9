"""Journeys through the pages in headless Chromium: the editor's edit links, signing in in
either language to the page asked for, and pages after an action that leaves a message (axe-core,
at a desktop and a phone width)."""

import re
from datetime import date

import pytest

from goals.demo import load_goals
from goals.models import Goal
from tests.browser import axe_violations, shoot, signed_in
from tests.factories import UserFactory
from vision.actors import system_actor
from vision.models import Unit, UnitRole
from vision.services import membership_grant

pytestmark = pytest.mark.browser

OWN_GOAL = "Alla skolor arbetar med tidiga insatser i läsning och matematik"  # Utbildningskontoret's
OTHER_GOAL = "Norrköpingsbornas utbildningsnivå ska höjas"  # the council's
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def editor(transactional_db):
    """The demo's editor of Utbildningskontoret (staff, as every editor is)."""
    load_goals()
    user = UserFactory(username="redaktor")
    unit = Unit.objects.get(slug="utbildningskontoret")
    membership_grant(by=system_actor(), user=user, unit=unit, role=UnitRole.EDITOR)
    user.refresh_from_db()
    return user


def goal_titled(title: str) -> Goal:
    return Goal.objects.get(title=title, period__slug="2023-2026")


def test_editor_sees_edit_links_only_on_their_units_goals(browser, live_server, client, editor):
    own, other = goal_titled(OWN_GOAL), goal_titled(OTHER_GOAL)
    page = signed_in(browser, live_server, client, editor)
    page.goto(f"{live_server.url}/goals/{other.pk}/")
    assert page.locator("h1").inner_text() == OTHER_GOAL
    assert page.get_by_role("link", name=re.compile("Redigera målet")).count() == 0
    page.goto(f"{live_server.url}/goals/{own.pk}/")
    edit = page.get_by_role("link", name=re.compile("Redigera målet"))
    assert edit.count() == 1
    shoot(page, "journey-editor-own-goal")
    edit.click()
    page.wait_for_url(f"**/admin/goals/goal/{own.pk}/change/")
    assert page.locator("#id_title").input_value() == OWN_GOAL

    reader = signed_in(browser, live_server, client, UserFactory(username="lasare"))
    reader.goto(f"{live_server.url}/goals/{own.pk}/")
    assert reader.locator("h1").inner_text() == OWN_GOAL
    assert reader.locator(".edit-link").count() == 0


def test_sign_in_page_switches_language_and_signs_in_to_the_page_asked_for(browser, live_server, editor):
    goal = goal_titled(OWN_GOAL)
    page = browser.new_page(viewport=PHONE, locale="sv-SE")
    page.goto(f"{live_server.url}/goals/{goal.pk}/")
    page.wait_for_url(re.compile(r".*/accounts/login/\?next=.*"))
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.locator("h1").inner_text() == "Logga in"
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Sign in"
    assert page.url.endswith(f"/accounts/login/?next=/goals/{goal.pk}/"), page.url
    shoot(page, "journey-sign-in-english-phone")
    page.get_by_label("Username").fill("redaktor")
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/goals/{goal.pk}/")
    assert page.locator("h1").inner_text() == OWN_GOAL
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").get_attribute("lang") == "sv"  # a Swedish title on an English page
    shoot(page, "journey-signed-in-english-phone")


def too_wide(page, width: int = PHONE["width"]) -> list[str]:
    """The page's width in the browser when it scrolls sideways, naming the outermost elements that stick out."""
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    if scroll_width <= width:
        return []
    culprits = page.evaluate(
        """(width) => [...document.querySelectorAll("body *")]
            .filter(e => e.getBoundingClientRect().right > width + 1)
            .filter(e => !e.parentElement.closest("*") || e.parentElement.getBoundingClientRect().right <= width + 1)
            .slice(0, 3).map(e => e.tagName.toLowerCase() + "." + e.className)""",
        width,
    )
    return [f"page is {scroll_width} px wide at {width} px: {culprits}"]


def scan_here(page, name: str) -> dict[str, list[str]]:
    """axe-core on the page as it is, at the desktop and at the phone width; the phone must not scroll sideways."""
    found = {f"{name} 1280": axe_violations(page)}
    page.set_viewport_size(PHONE)
    found[f"{name} 390"] = axe_violations(page)
    found[f"{name} 390"] += too_wide(page)
    page.set_viewport_size(DESKTOP)
    return found


@pytest.mark.parametrize("locale", ["sv-SE", "en-GB"])
def test_pages_after_an_action_show_the_message_and_pass_axe(browser, live_server, client, editor, locale):
    """Re-linking and recording a workshop end on a page with the outcome in a status message: 0 violations."""
    flagged = Goal.objects.needing_relinking().filter(owner__slug="utbildningskontoret").order_by("path")
    goal = flagged.first()
    page = signed_in(browser, live_server, client, editor, locale=locale)
    found = {}

    page.goto(f"{live_server.url}/relinking/{goal.pk}/")
    page.locator("form:has(input[name=action][value=keep]) button").last.click()
    page.wait_for_url("**/relinking/?period=*")
    status = page.get_by_role("status")
    assert goal.title in status.inner_text()
    found.update(scan_here(page, "relinking-kept"))
    if locale == "sv-SE":
        shoot(page, "journey-relinking-message")

    page.goto(f"{live_server.url}/dialogue/units/utbildningskontoret/workshops/new/")
    page.locator("#id_held_on").fill(date(2026, 10, 2).isoformat())
    page.locator("#id_facilitator").fill("Exempelperson")
    page.locator("#id_important").fill("Exempeltext: att alla elever läser.")
    page.locator("#id_actions").fill("Exempeltext: lässtunder varje vecka.")
    page.locator("main button[type=submit]:not([name=action])").click()
    page.wait_for_url("**/dialogue/")
    assert page.get_by_role("status").count() == 1
    found.update(scan_here(page, "workshop-saved"))
    if locale == "sv-SE":
        page.set_viewport_size(PHONE)
        shoot(page, "journey-workshop-message-phone")
    assert {name: v for name, v in found.items() if v} == {}
    assert page.csp_errors == []
