"""The admin as its users go through it, in headless Chromium: an administrator adds a council goal and a
unit goal by choosing periods and parents, moves one and finds the message in view with the branch still
open; an editor opening another unit's goal is told whose it is. Screenshots in test-artifacts/screenshots."""

import pytest
from django.urls import reverse

from goals.models import Goal
from tests.browser import shoot, signed_in
from tests.factories import GoalFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def choose_goal(page, field: str, search: str, label_part: str) -> None:
    """Search in a goal chooser and pick the match whose label has ``label_part`` (e.g. its period)."""
    page.locator(f"#id_{field} + .select2 .select2-selection").click()
    page.locator(".select2-search__field").fill(search)
    # Both texts: until the search answers, the list still shows the first page of every parent.
    options = page.locator(".select2-results__option:not(.loading-results)")
    options.filter(has_text=search).filter(has_text=label_part).first.click()


def in_view(page, selector: str) -> bool:
    return page.evaluate(
        """(selector) => { const box = document.querySelector(selector).getBoundingClientRect();
            return box.top >= 0 && box.bottom <= window.innerHeight; }""",
        selector,
    )


def test_administrator_adds_and_moves_goals_and_keeps_the_tree_open(
    browser, live_server, client, admin_user, small_tree, committee, period, next_period, council, office
):
    page = signed_in(browser, live_server, client, admin_user)
    changelist = live_server.url + reverse("admin:goals_goal_changelist")
    # The same area in the next period: the chooser must tell them apart.
    GoalFactory(
        parent=small_tree["vision"], level="area", owner=council, period=next_period, title="Klimat och miljö"
    )

    page.goto(live_server.url + reverse("admin:goals_goal_add"))
    page.fill("#id_title", "Minskade utsläpp")
    page.select_option("#id_level", "council")
    page.select_option("#id_owner", str(council.pk))
    page.select_option("#id_period", str(period.pk))
    page.locator("#id_treebeard_ref_node + .select2 .select2-selection").click()
    page.locator(".select2-search__field").fill("Klimat")
    options = page.locator(".select2-results__option:not(.loading-results)")
    options.first.wait_for()
    # Only the area valid in the chosen period, labelled with its level and period.
    assert options.all_inner_texts() == ["Klimat och miljö (målområde, 2023–2026, Kommunfullmäktige)"]
    shoot(page, "admin-journey-choose-parent", full_page=False)
    options.first.click()
    page.locator("input[name=_save]").click()
    page.wait_for_url(changelist + "*")
    council_goal = Goal.objects.get(title="Minskade utsläpp")
    assert Goal.objects.get_parent(council_goal) == small_tree["area"]

    page.goto(live_server.url + reverse("admin:goals_goal_add"))
    page.fill("#id_title", "Laddplatser vid alla förvaltningar")
    page.select_option("#id_level", "unit")
    page.select_option("#id_owner", str(office.pk))
    page.select_option("#id_period", str(period.pk))
    choose_goal(page, "treebeard_ref_node", "Minskade", "2023–2026")
    page.locator("input[name=_save]").click()
    page.wait_for_url(changelist + "*")
    unit_goal = Goal.objects.get(title="Laddplatser vid alla förvaltningar")
    assert Goal.objects.get_parent(unit_goal) == council_goal

    # Open the branch down to the new goals.
    for title in ("NORRKÖPING tar plats", "Klimat och miljö", "Minskade utsläpp"):
        page.get_by_role("button", name=f"Visa undermålen till ”{title}”").click()
        page.get_by_role("button", name=f"Dölj undermålen till ”{title}”").wait_for()
    assert (
        page.locator("#result_list")
        .get_by_role("link", name="Laddplatser vid alla förvaltningar")
        .is_visible()
    )
    shoot(page, "admin-journey-tree-open")

    # Move the unit goal under the other council goal, from its form.
    page.locator("#result_list").get_by_role("link", name="Laddplatser vid alla förvaltningar").click()
    choose_goal(page, "treebeard_ref_node", "klimatsmart", "2023–2026")
    page.locator("input[name=_save]").click()
    page.wait_for_url(changelist + "*")
    page.locator("body.goal-tree-ready").wait_for()
    assert Goal.objects.get_parent(Goal.objects.get(pk=unit_goal.pk)) == small_tree["council"]
    # The branch is open as it was, and the message is in view where the page returned to.
    assert page.get_by_role("button", name="Dölj undermålen till ”Klimat och miljö”").is_visible()
    assert page.locator("#result_list").get_by_role("link", name="Minskade utsläpp").is_visible()
    assert "Laddplatser vid alla förvaltningar" in page.locator(".messagelist").inner_text()
    assert in_view(page, ".messagelist")
    shoot(page, "admin-journey-after-move", full_page=False)

    # The period filter: the next period's tree, still a tree.
    page.get_by_role("link", name="2027–2030").click()
    page.get_by_role("button", name="Visa undermålen till ”NORRKÖPING tar plats”").click()
    page.locator("#result_list").get_by_role("link", name="Klimat och miljö").wait_for()
    assert page.locator("#result_list").get_by_role("link", name="Minskade utsläpp").count() == 0
    # The object tools sit below the heading, and the list needs no sideways scrolling at 1280 px.
    heading, tools = page.locator("#content h1").bounding_box(), page.locator(".object-tools").bounding_box()
    assert tools["y"] >= heading["y"] + heading["height"]
    assert page.evaluate(
        "() => { const r = document.querySelector('.results'); return r.scrollWidth <= r.clientWidth; }"
    )
    shoot(page, "admin-journey-next-period")
    assert page.csp_errors == []


def test_editor_is_told_whose_goal_it_is_and_why_carry_over_is_refused(
    browser, live_server, client, editor, small_tree, other_office, period
):
    foreign = GoalFactory(
        parent=small_tree["council"],
        level="unit",
        owner=other_office,
        period=period,
        title="Annat kontors mål",
    )
    page = signed_in(browser, live_server, client, editor)
    page.goto(live_server.url + reverse("admin:goals_goal_change", args=[foreign.pk]))
    message = page.locator(".messagelist").inner_text()
    assert "Du får inte redigera ”Annat kontors mål”: målet tillhör Vård- och omsorgskontoret" in message
    assert "finns inte" not in message
    page.get_by_role("link", name="Läs målet").wait_for()
    shoot(page, "admin-journey-editor-other-units-goal")
    # The editor's own goal: levels they may use, no position to choose.
    page.goto(live_server.url + reverse("admin:goals_goal_change", args=[small_tree["first"].pk]))
    assert page.locator("#id_treebeard_position").get_attribute("type") == "hidden"
    assert set(page.locator("#id_level option").all_inner_texts()) == {
        "---------",
        "verksamhetsmål",
        "aktivitet",
    }
    shoot(page, "admin-journey-editor-own-goal")
    response = page.goto(live_server.url + reverse("admin:goals_goal_carry_over"))
    assert response.status == 403
    assert "Endast en administratör kan föra över en mandatperiod" in page.locator("#content").inner_text()
    shoot(page, "admin-journey-editor-carry-over-refused")
    assert page.csp_errors == []
