"""goals.services.tree: add, change, move, retire and delete goals."""

import pytest
from django.core.exceptions import ValidationError

from goals import services
from goals.models import Goal, GoalLevel, GoalStatus
from goals.tree_check import find_problems
from tests.factories import GoalFactory
from vision.actors import system_actor

pytestmark = pytest.mark.usefixtures("in_english")


def paths(*goals) -> list[str]:
    return [Goal.objects.get(pk=g.pk).path for g in goals]


def test_goal_create_appends_children_in_order(small_tree):
    council_goal = Goal.objects.get(pk=small_tree["council"].pk)
    assert council_goal.numchild == 2
    first, second = paths(small_tree["first"], small_tree["second"])
    assert first < second and first[:-4] == second[:-4] == council_goal.path
    assert find_problems() == []


def test_goal_create_keeps_external_id_when_given(vision, council, period):
    import uuid

    external_id = uuid.uuid4()
    goal = services.goal_create(
        by=system_actor(),
        parent=vision,
        title="A",
        level=GoalLevel.AREA,
        owner=council,
        period=period,
        external_id=external_id,
    )
    assert Goal.objects.get(pk=goal.pk).external_id == external_id


def test_goal_update_saves_fields_and_keeps_tree_fields(small_tree):
    goal = small_tree["first"]
    stale = Goal.objects.get(pk=goal.pk)
    services.goal_create(
        by=system_actor(),
        parent=goal,
        title="Barn",
        level=GoalLevel.ACTIVITY,
        owner=goal.owner,
        period=goal.period,
    )
    services.goal_update(by=system_actor(), goal=stale, title="Nytt namn")
    stored = Goal.objects.get(pk=goal.pk)
    assert stored.title == "Nytt namn"
    assert stored.numchild == 1, "a stale in-memory numchild must not be written back"
    assert stored.history.count() >= 2


def test_goal_update_rejects_tree_fields(small_tree):
    with pytest.raises(TypeError):
        services.goal_update(by=system_actor(), goal=small_tree["first"], path="0001")


def test_goal_move_under_new_parent_and_between_siblings(small_tree, council, period):
    other = GoalFactory(parent=small_tree["area"], level=GoalLevel.COUNCIL, owner=council, period=period)
    moved = services.goal_move(
        by=system_actor(), goal=small_tree["second"], target=other, position="last-child"
    )
    assert moved.path.startswith(Goal.objects.get(pk=other.pk).path)
    assert Goal.objects.get(pk=small_tree["council"].pk).numchild == 1
    services.goal_move(by=system_actor(), goal=small_tree["first"], target=moved, position="left")
    first, second = paths(small_tree["first"], small_tree["second"])
    assert first < second and first[:-4] == second[:-4]
    assert find_problems() == []


def test_goal_move_clears_needs_relinking(small_tree):
    services.goal_update(by=system_actor(), goal=small_tree["first"], needs_relinking=True)
    moved = services.goal_move(
        by=system_actor(), goal=small_tree["first"], target=small_tree["second"], position="right"
    )
    assert moved.needs_relinking is False


@pytest.mark.parametrize(
    ("goal_key", "target_key", "position", "message"),
    [
        ("area", "first", "last-child", "cannot be moved under itself"),
        ("vision", "area", "last-child", "A vision stays at the root"),
        ("council", "first", "left", "cannot be moved under itself"),
        ("area", "first", "last-child", "cannot be moved under itself"),
        ("council", "second", "last-child", "cannot be moved under itself"),
        ("first", "vision", "left", "Only a vision can stand at the root"),
    ],
)
def test_goal_move_refusals_leave_tree_unchanged(small_tree, goal_key, target_key, position, message):
    before = list(Goal.objects.values_list("pk", "path", "numchild"))
    with pytest.raises(ValidationError, match=message):
        services.goal_move(
            by=system_actor(), goal=small_tree[goal_key], target=small_tree[target_key], position=position
        )
    assert list(Goal.objects.values_list("pk", "path", "numchild")) == before


def test_goal_move_refuses_a_parent_the_hierarchy_does_not_allow(small_tree, office, period):
    activity = GoalFactory(parent=small_tree["first"], level=GoalLevel.ACTIVITY, owner=office, period=period)
    before = list(Goal.objects.values_list("pk", "path", "numchild"))
    with pytest.raises(
        ValidationError, match="A goal at the level “unit goal” cannot sit under one at the level “activity”"
    ) as error:
        services.goal_move(
            by=system_actor(), goal=small_tree["second"], target=activity, position="last-child"
        )
    assert error.value.code == "level_not_under_parent"
    assert list(Goal.objects.values_list("pk", "path", "numchild")) == before


def test_goal_retire_retires_the_whole_branch_with_history(small_tree):
    count = services.goal_retire(by=system_actor(), goal=small_tree["council"])
    assert count == 3
    assert set(
        Goal.objects.descendant_of(small_tree["council"], inclusive=True).values_list("status", flat=True)
    ) == {GoalStatus.RETIRED}
    assert Goal.objects.get(pk=small_tree["area"].pk).status == GoalStatus.ACTIVE
    assert small_tree["first"].history.first().status == GoalStatus.RETIRED
    assert find_problems() == []


def test_goal_delete_removes_an_undecided_leaf(small_tree):
    services.goal_delete(by=system_actor(), goal=small_tree["second"])
    assert not Goal.objects.filter(pk=small_tree["second"].pk).exists()
    assert Goal.objects.get(pk=small_tree["council"].pk).numchild == 1
    assert find_problems() == []


def test_goal_delete_refusals(small_tree, editor):
    with pytest.raises(ValidationError, match="has sub-goals"):
        services.goal_delete(by=system_actor(), goal=small_tree["council"])
    services.goal_update(by=system_actor(), goal=small_tree["second"], case_number="KS 2024/0001")
    with pytest.raises(ValidationError, match="public record"):
        services.goal_delete(by=editor, goal=small_tree["second"])
    services.goal_link_add(by=system_actor(), source=small_tree["first"], target=small_tree["area"])
    with pytest.raises(ValidationError, match="contribution links"):
        services.goal_delete(by=system_actor(), goal=small_tree["first"])
    assert Goal.objects.count() == 5


def test_goal_delete_refuses_lineage(small_tree, period, next_period):
    result = services.period_carry_over(by=system_actor(), source=period, target=next_period)
    copy = result.successors[small_tree["first"].pk]
    with pytest.raises(ValidationError, match="lineage"):
        services.goal_delete(by=system_actor(), goal=copy)
