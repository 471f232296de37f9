"""The Content-Security-Policy (no unsafe-inline) against the admin's scripts, in headless Chromium.

The admin, treebeard's tree, its autocomplete and inlines, and the API's docs
page must work without any inline script or style being blocked: the browser
reports every violation, and there must be none.
"""

import pytest

from tests.browser import shoot, signed_in_context
from tests.factories import GoalFactory, PeriodFactory, UnitFactory, UserFactory, VisionFactory

RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__csp.push(event.violatedDirective + " " + (event.blockedURI || "inline") + " " + event.sourceFile);
});
"""


@pytest.fixture
def goal(transactional_db):
    period = PeriodFactory(slug="2023-2026", start="2023-01-01", end="2026-12-31", is_current=True)
    period.refresh_from_db()
    council = UnitFactory(slug="kommunfullmaktige", name="Kommunfullmäktige", kind="council")
    office = UnitFactory(slug="utbildningskontoret", name="Utbildningskontoret", kind="office")
    area = GoalFactory(parent=VisionFactory(), level="area", owner=council, period=period, title="Område")
    council_goal = GoalFactory(parent=area, level="council", owner=council, period=period, title="Trygg stad")
    return GoalFactory(
        parent=council_goal, level="unit", owner=office, period=period, title="Trygga skolvägar"
    )


def admin_page(browser, live_server, client):
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    context = signed_in_context(browser, live_server, client, admin)
    context.add_init_script(RECORD_VIOLATIONS)
    return context.new_page()


def violations(page) -> list[str]:
    return page.evaluate("window.__csp")


@pytest.mark.browser
def test_admin_pages_run_under_the_policy_without_violations(browser, live_server, client, goal):
    page = admin_page(browser, live_server, client)
    seen = {}
    for path in [
        "/admin/",
        "/admin/goals/goal/",
        f"/admin/goals/goal/{goal.pk}/change/",
        "/admin/goals/goal/add/",
        f"/admin/goals/goal/{goal.pk}/history/",
        "/api/docs/",
    ]:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert "unsafe-inline" not in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        seen[path] = violations(page)
    page.goto(f"{live_server.url}/admin/goals/goal/{goal.pk}/change/")
    shoot(page, "admin-goal-change-under-csp")
    # simple-history's paginator carries style="border-top: 0"; blocking it only changes a border.
    history = f"/admin/goals/goal/{goal.pk}/history/"
    seen[history] = [found for found in seen[history] if not found.startswith("style-src-attr ")]
    assert {path: found for path, found in seen.items() if found} == {}


@pytest.mark.browser
def test_the_tree_and_the_link_autocomplete_work_under_the_policy(browser, live_server, client, goal):
    """treebeard's tree expands and the inline's autocomplete (select2) opens: their scripts ran."""
    page = admin_page(browser, live_server, client)
    page.goto(f"{live_server.url}/admin/goals/goal/")
    page.wait_for_load_state("networkidle")
    page.locator(".treebeard-collapse").first.click()
    page.get_by_role("link", name="Område", exact=True).wait_for()
    shoot(page, "admin-goal-tree-under-csp")
    page.goto(f"{live_server.url}/admin/goals/goal/{goal.pk}/change/")
    add_link = page.locator(".add-row a").first
    add_link.click()
    page.locator(".select2-selection").last.click()
    page.wait_for_selector(".select2-results__option")
    assert violations(page) == []
