"""No lost updates: a goal saved by someone else meanwhile refuses the stale form."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from goals import services
from goals.models import Goal
from tests.factories import GoalFactory, UserFactory
from tests.goals.admin.support import admin_form_data, parents_offered
from vision.actors import system_actor


@pytest.fixture
def goal(small_tree):
    return small_tree["first"]


def change_url(goal):
    return reverse("admin:goals_goal_change", args=[goal.pk])


def test_the_change_form_carries_the_version_it_was_loaded_with(admin_client, goal):
    """The admin's goal form holds the goal's current version in a hidden field."""
    response = admin_client.get(change_url(goal))
    assert response.status_code == 200
    assert f'name="loaded_version" value="{goal.version}"' in response.content.decode()


def test_each_save_raises_the_version(goal):
    """goal_update raises the stored version by one on every save."""
    before = goal.version
    updated = services.goal_update(by=system_actor(), goal=goal, title="Ny titel")
    assert updated.version == before + 1
    assert Goal.objects.get(pk=goal.pk).version == before + 1


def test_a_stale_service_call_is_refused_and_changes_nothing(goal):
    """goal_update with an old expected_version raises and leaves the stored goal as it was."""
    loaded = goal.version
    services.goal_update(by=system_actor(), goal=goal, title="Först sparad", expected_version=loaded)
    with pytest.raises(ValidationError) as refused:
        services.goal_update(
            by=system_actor(), goal=goal, description="Skriver över", expected_version=loaded
        )
    assert refused.value.code == "edit_conflict"
    stored = Goal.objects.get(pk=goal.pk)
    assert stored.title == "Först sparad"
    assert stored.description == ""


def test_the_second_of_two_conflicting_admin_saves_is_refused_with_what_changed(client, admin_client, goal):
    """Two editors load the same goal; the first save wins, the second is refused and shown the change."""
    first_editor = UserFactory(
        username="anna", first_name="Anna", last_name="Andersson", is_staff=True, is_superuser=True
    )
    first = client.__class__()
    first.force_login(first_editor)

    loaded_by_first = admin_form_data(first.get(change_url(goal)))
    loaded_by_second = admin_form_data(admin_client.get(change_url(goal)))

    first_post = {**loaded_by_first, "title": "Solceller på alla skolor", "_save": "Save"}
    response = first.post(change_url(goal), first_post)
    assert response.status_code == 302, response.context["adminform"].form.errors

    second_post = {**loaded_by_second, "description": "Min ändring", "_save": "Save"}
    response = admin_client.post(change_url(goal), second_post)
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "Solpaneler på skolor" in errors and "Solceller på alla skolor" in errors
    assert "Anna Andersson" in errors

    stored = Goal.objects.get(pk=goal.pk)
    assert stored.title == "Solceller på alla skolor"
    assert stored.description == ""
    assert stored.version == goal.version + 1


def test_saving_twice_from_fresh_forms_is_not_a_conflict(admin_client, goal):
    """Reloading after a save gives the new version, and the next save goes through."""
    for title in ["Första", "Andra"]:
        data = admin_form_data(admin_client.get(change_url(goal)))
        response = admin_client.post(change_url(goal), {**data, "title": title, "_save": "Save"})
        assert response.status_code == 302
    stored = Goal.objects.get(pk=goal.pk)
    assert stored.title == "Andra"
    assert stored.version == goal.version + 2


def test_history_pages_name_the_user_who_saved(client, goal):
    """The admin's history page of a goal shows who made each change."""
    editor = UserFactory(username="granskare-lind", is_staff=True, is_superuser=True)
    client.force_login(editor)
    data = admin_form_data(client.get(change_url(goal)))
    client.post(change_url(goal), {**data, "title": "Ändrad av granskaren", "_save": "Save"})
    assert Goal.history.filter(id=goal.pk).latest().history_user == editor
    response = client.get(reverse("admin:goals_goal_history", args=[goal.pk]))
    assert response.status_code == 200
    assert "granskare-lind" in response.content.decode()


def test_a_form_loaded_before_someone_moved_the_goal_is_refused(admin_client, goal, small_tree, council):
    """Saving a stale form would move the goal back: refused, and the message says it was moved."""
    other_parent = GoalFactory(
        parent=small_tree["area"],
        level="council",
        owner=council,
        period=goal.period,
        title="Ett annat fullmäktigemål",
    )
    stale = admin_form_data(admin_client.get(change_url(goal)))
    services.goal_move(by=system_actor(), goal=goal, target=other_parent, position="last-child")
    response = admin_client.post(change_url(goal), {**stale, "description": "Ny text", "_save": "Save"})
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.non_field_errors())
    assert "Ett annat fullmäktigemål" in errors
    goal.refresh_from_db()
    assert Goal.objects.get_parent(goal) == other_parent
    assert goal.description == ""


def test_an_unchanged_position_stays_when_a_sibling_moved_meanwhile(admin_client, small_tree, council):
    """The form's position ("after the first goal") is compared with what was loaded, not the tree now."""
    second, first = small_tree["second"], small_tree["first"]
    other_parent = GoalFactory(
        parent=small_tree["area"], level="council", owner=council, period=first.period, title="Annat mål"
    )
    stale = admin_form_data(admin_client.get(change_url(second)))
    assert stale["treebeard_position"] == "right" and stale["treebeard_ref_node"] == str(first.pk)
    services.goal_move(by=system_actor(), goal=first, target=other_parent, position="last-child")
    response = admin_client.post(change_url(second), {**stale, "description": "Bara texten", "_save": "Save"})
    assert response.status_code == 302
    second.refresh_from_db()
    assert Goal.objects.get_parent(second) == small_tree["council"]
    assert second.description == "Bara texten"


def test_a_move_is_recorded_in_history_with_the_user(admin_client, admin_user, small_tree):
    goal = small_tree["second"]
    response = admin_client.post(
        "/admin/goals/goal/move/",
        {"node": goal.pk, "target": small_tree["first"].pk, "relation": "sibling"},
    )
    assert response.status_code == 200, response.content
    latest = Goal.history.filter(id=goal.pk).latest()
    assert latest.history_user == admin_user
    assert latest.path != small_tree["second"].path


def test_the_position_choices_leave_out_the_goal_and_its_branch(admin_client, small_tree):
    """A goal cannot be placed relative to itself or its sub-goals; the rest of the tree is offered."""
    council_goal = small_tree["council"]
    offered = {
        int(pk) for pk in parents_offered(admin_client, goal=council_goal.pk, position="right", level="area")
    } | {int(pk) for pk in parents_offered(admin_client, goal=council_goal.pk)}
    assert council_goal.pk not in offered
    assert small_tree["first"].pk not in offered and small_tree["second"].pk not in offered
    assert small_tree["area"].pk in offered and small_tree["vision"].pk in offered
