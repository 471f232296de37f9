"""The goal admin for administrators: every page renders, and writes go through the rules."""

import pytest

from goals.models import Goal, GoalLevel
from goals.tree_check import find_problems


@pytest.fixture
def admin_client(admin_client):
    """Messages are asserted in English, the msgid language."""
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return admin_client


def goal_form(goal=None, **overrides) -> dict:
    data = {
        "title": goal.title if goal else "",
        "description": "",
        "level": goal.level if goal else GoalLevel.UNIT,
        "status": "active",
        "owner": goal.owner_id if goal and goal.owner_id else "",
        "period": goal.period_id if goal and goal.period_id else "",
        "until_period": "",
        "decided_by": "",
        "decided_on": "",
        "case_number": "",
        "treebeard_position": "first-child",
        "treebeard_ref_node": "",
        "outgoing_links-TOTAL_FORMS": "0",
        "outgoing_links-INITIAL_FORMS": "0",
        "outgoing_links-MIN_NUM_FORMS": "0",
        "outgoing_links-MAX_NUM_FORMS": "1000",
    }
    if goal is not None and goal.version:
        data["version"] = goal.version
    data.update(overrides)
    return data


def test_changelist_tree_and_filtered_render(admin_client, small_tree, period):
    assert admin_client.get("/admin/goals/goal/").status_code == 200
    response = admin_client.get(f"/admin/goals/goal/?period__id__exact={period.pk}&level__exact=unit")
    assert response.status_code == 200
    assert "Solpaneler på skolor" in response.text
    response = admin_client.get("/admin/goals/goal/?q=skolv")
    assert "Cykelbara skolvägar" in response.text


def test_add_change_history_and_delete_pages_render(admin_client, small_tree):
    goal = small_tree["first"]
    for url in (
        "/admin/goals/goal/add/",
        f"/admin/goals/goal/{goal.pk}/change/",
        f"/admin/goals/goal/{goal.pk}/history/",
        f"/admin/goals/goal/{goal.pk}/delete/",
        "/admin/vision/unit/",
        "/admin/vision/mandateperiod/",
        f"/admin/vision/unit/{goal.owner_id}/history/",
    ):
        assert admin_client.get(url).status_code == 200, url


def test_add_through_admin_places_goal_under_reference(admin_client, small_tree, office, period):
    council_goal = small_tree["council"]
    response = admin_client.post(
        "/admin/goals/goal/add/",
        goal_form(
            title="Nytt enhetsmål",
            owner=office.pk,
            period=period.pk,
            treebeard_position="first-child",
            treebeard_ref_node=council_goal.pk,
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    new = Goal.objects.get(title="Nytt enhetsmål")
    assert new.path[:-4] == Goal.objects.get(pk=council_goal.pk).path
    assert new.path < Goal.objects.get(pk=small_tree["first"].pk).path, "first child, as asked"
    assert find_problems() == []


def test_add_through_admin_refuses_a_parent_the_hierarchy_does_not_allow(
    admin_client, small_tree, council, period
):
    before = Goal.objects.count()
    response = admin_client.post(
        "/admin/goals/goal/add/",
        goal_form(
            title="Fel nivå",
            level=GoalLevel.AREA,
            owner=council.pk,
            period=period.pk,
            treebeard_position="first-child",
            treebeard_ref_node=small_tree["first"].pk,
        ),
    )
    assert response.status_code == 200
    assert (
        "A goal at the level “goal area” cannot sit under one at the level “unit goal”: it belongs under “vision”."
        in response.text
    )
    assert Goal.objects.count() == before


def test_change_through_admin_moves_and_renames(admin_client, small_tree):
    goal = small_tree["second"]
    response = admin_client.post(
        f"/admin/goals/goal/{goal.pk}/change/",
        goal_form(
            goal,
            title="Trygga skolvägar",
            treebeard_position="left",
            treebeard_ref_node=small_tree["first"].pk,
        ),
    )
    assert response.status_code == 302
    moved = Goal.objects.get(pk=goal.pk)
    assert moved.title == "Trygga skolvägar"
    assert moved.path < Goal.objects.get(pk=small_tree["first"].pk).path
    assert find_problems() == []


def test_drag_and_drop_move_refuses_rule_break_with_message(admin_client, small_tree):
    before = list(Goal.objects.values_list("pk", "path"))
    response = admin_client.post(
        "/admin/goals/goal/move/",
        {"node": small_tree["area"].pk, "target": small_tree["first"].pk, "relation": "child"},
    )
    assert response.status_code == 400
    assert list(Goal.objects.values_list("pk", "path")) == before


def test_drag_and_drop_move_between_siblings(admin_client, small_tree):
    response = admin_client.post(
        "/admin/goals/goal/move/",
        {"node": small_tree["second"].pk, "target": small_tree["first"].pk, "relation": "sibling"},
    )
    assert response.status_code == 200
    assert (
        Goal.objects.get(pk=small_tree["second"].pk).path < Goal.objects.get(pk=small_tree["first"].pk).path
    )


def test_delete_of_goal_with_children_is_refused_with_message(admin_client, small_tree):
    goal = small_tree["council"]
    response = admin_client.post(f"/admin/goals/goal/{goal.pk}/delete/", {"post": "yes"}, follow=True)
    assert Goal.objects.filter(pk=goal.pk).exists()
    assert "has sub-goals" in response.text


def test_delete_of_undecided_leaf_works(admin_client, small_tree):
    goal = small_tree["second"]
    admin_client.post(f"/admin/goals/goal/{goal.pk}/delete/", {"post": "yes"})
    assert not Goal.objects.filter(pk=goal.pk).exists()
    assert find_problems() == []


def test_retire_action_retires_branch(admin_client, small_tree):
    response = admin_client.post(
        "/admin/goals/goal/",
        {"action": "retire_selected", "_selected_action": [small_tree["council"].pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert Goal.objects.retired().count() == 3
