"""The linking pages in headless Chromium: re-linking in a click, comparison, coverage; axe-core and screenshots."""

import pytest

from goals.demo import load_goals
from goals.models import Goal
from tests.browser import axe_violations, shoot, signed_in
from tests.factories import UserFactory
from vision.actors import system_actor
from vision.models import Unit, UnitRole
from vision.services import membership_grant

pytestmark = pytest.mark.browser


@pytest.fixture
def editor(transactional_db):
    load_goals()
    user = UserFactory(username="redaktor")
    membership_grant(
        by=system_actor(), user=user, unit=Unit.objects.get(slug="utbildningskontoret"), role=UnitRole.EDITOR
    )
    return user


def test_editor_relinks_a_goal_in_two_clicks(browser, live_server, client, editor):
    """From the queue: choose another parent, pick it, link; the goal leaves the queue."""
    flagged = Goal.objects.needing_relinking().filter(owner__slug="utbildningskontoret").order_by("path")
    count = flagged.count()
    assert count > 0
    goal = flagged.first()
    page = signed_in(browser, live_server, client, editor)
    page.goto(f"{live_server.url}/relinking/")
    assert page.locator("tbody tr").count() == count
    shoot(page, "linking-queue")
    page.locator("tbody tr").first.get_by_role("link", name="Välj ett annat överordnat mål").click()
    shoot(page, "linking-relink")
    options = page.locator("#relink-parent option")
    chosen = options.nth(1).get_attribute("value")
    page.select_option("#relink-parent", chosen)
    page.get_by_role("button", name="Länka", exact=True).click()
    page.wait_for_url("**/relinking/?period=*")
    goal.refresh_from_db()
    assert not goal.needs_relinking
    assert page.locator("tbody tr").count() == count - 1
    assert page.csp_errors == []


@pytest.mark.parametrize("locale", ["sv-SE", "en-GB"])
def test_linking_pages_pass_axe(browser, live_server, client, editor, locale):
    """axe-core finds no WCAG 2.1 A/AA violations on the queue, re-link, compare and coverage pages."""
    goal = Goal.objects.needing_relinking().filter(owner__slug="utbildningskontoret").first()
    page = signed_in(browser, live_server, client, editor, locale=locale)
    found = {}
    pages = {
        "queue": "/relinking/",
        "relink": f"/relinking/{goal.pk}/",
        "compare": "/periods/compare/?from=2023-2026&to=2027-2030&unit=kommunfullmaktige",
        "coverage": "/periods/2027-2030/coverage/?sort=share&dir=desc",
    }
    for name, url in pages.items():
        page.goto(live_server.url + url)
        if locale == "sv-SE":
            shoot(page, f"linking-{name}")
        found[name] = axe_violations(page)
    assert found == dict.fromkeys(pages, [])
    assert page.csp_errors == []


def test_administrator_carries_a_unit_over_from_the_admin(browser, live_server, client, editor):
    """Choose the periods and a unit, read the plan, confirm: the unit's goals are in the new period."""
    from vision.models import MandatePeriod

    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    unit = Unit.objects.get(slug="socialkontoret")
    source, target = MandatePeriod.objects.get(slug="2023-2026"), MandatePeriod.objects.get(slug="2027-2030")
    before = Goal.objects.filter(period=target, owner=unit).count()
    page = signed_in(browser, live_server, client, admin)
    page.goto(f"{live_server.url}/admin/goals/goal/")
    page.get_by_role("link", name="För över till nästa period").click()
    page.select_option("#id_source", str(source.pk))
    page.select_option("#id_target", str(target.pk))
    page.select_option("#id_unit", str(unit.pk))
    page.get_by_role("button", name="Visa planen").click()
    assert Goal.objects.filter(period=target, owner=unit).count() == before
    shoot(page, "linking-admin-carry-over-plan")
    page.get_by_role("button", name="För över", exact=True).click()
    page.wait_for_url("**/admin/goals/goal/?valid_in=*")
    assert Goal.objects.filter(period=target, owner=unit).count() > before
    shoot(page, "linking-admin-carried")


def test_editor_goal_form_offers_only_valid_parents(browser, live_server, client, editor):
    goal = Goal.objects.needing_relinking().filter(owner__slug="utbildningskontoret").first()
    page = signed_in(browser, live_server, client, editor)
    page.goto(f"{live_server.url}/admin/goals/goal/{goal.pk}/change/")
    shoot(page, "linking-admin-editor-form")
    options = page.locator("#id_treebeard_ref_node option").all_inner_texts()
    assert options and not any("Socialkontoret" in option for option in options)
