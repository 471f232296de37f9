"""The one subtree predicate: each database's path index serves it, and it finds what a plain prefix test finds."""

import pytest
from django.db import connection

from goals.models import Goal
from tests.factories import GoalFactory, VisionFactory


def branch_queries(goal: Goal, other: Goal) -> dict:
    """Every read built on the subtree predicate, for a look at its SQL."""
    return {
        "descendant_of": Goal.objects.descendant_of(goal),
        "descendant_of inclusive": Goal.objects.descendant_of(goal, inclusive=True),
        "not_descendant_of": Goal.objects.not_descendant_of(goal),
        "child_of": Goal.objects.child_of(goal),
        "children_of_any": Goal.objects.children_of_any([goal, other]),
        "subtree_q": Goal.objects.filter(Goal.objects.subtree_q(goal.path)),
    }


def test_on_sqlite_the_predicate_is_a_range_that_the_path_index_serves(small_tree):
    """SQLite's LIKE ignores case and never uses an index: every branch read compares paths as a range."""
    if connection.vendor != "sqlite":
        pytest.skip("checks the SQL written for SQLite")
    area, council_goal = small_tree["area"], small_tree["council"]
    for name, queryset in branch_queries(area, council_goal).items():
        sql = str(queryset.query)
        assert "LIKE" not in sql.upper(), name
        assert f'"path" >= {area.path}' in sql and f'"path" < {area.path}~' in sql, name
    sql, params = Goal.objects.descendant_of(area).values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "USING" in plan and "INDEX" in plan and "path" in plan, plan


def test_on_postgresql_the_predicate_is_a_prefix_match(postgres, small_tree):
    """PostgreSQL serves LIKE 'prefix%' from the path's pattern index; a range would hang on the collation."""
    area, council_goal = small_tree["area"], small_tree["council"]
    for name, queryset in branch_queries(area, council_goal).items():
        sql = str(queryset.query)
        assert "LIKE" in sql.upper() and f"{area.path}%" in sql, name
        assert f'"path" < {area.path}~' not in sql, name


@pytest.fixture
def crowded_tree(db, period):
    """Two visions; under the first, twelve areas, so sibling paths run past 0009 into letters
    (00010009, 0001000A, ...) and goals of different branches share long path prefixes."""
    first = VisionFactory(title="Vision A")
    second = VisionFactory(title="Vision B")
    areas = [GoalFactory(parent=first, period=period, title=f"Område {n}") for n in range(1, 13)]
    for area in (areas[0], areas[1], areas[9], areas[10]):
        council_goal = GoalFactory(parent=area, period=period, title=f"Fullmäktigemål under {area.title}")
        GoalFactory(parent=council_goal, period=period, title=f"Nämndmål under {area.title}")
    GoalFactory(parent=second, period=period, title="Område under B")
    return list(Goal.objects.order_by("path"))


def below(goals: list[Goal], goal: Goal, inclusive: bool = False) -> list[Goal]:
    return [g for g in goals if g.path.startswith(goal.path) and (inclusive or g.depth > goal.depth)]


def paths(goals) -> list[str]:
    return sorted(goal.path for goal in goals)


def test_the_tree_has_paths_that_a_careless_prefix_test_would_confuse(crowded_tree):
    """The fixture is what the next tests need: letters in paths, and shared prefixes across branches."""
    all_paths = {goal.path for goal in crowded_tree}
    assert "0001000A" in all_paths and "0001000C" in all_paths
    assert "00010001" in all_paths and "00010002" in all_paths and "000100010001" in all_paths
    assert any(path.startswith("0002") for path in all_paths)


def test_branch_reads_find_what_a_prefix_test_finds(crowded_tree):
    """For every goal: descendants, the rest, children and counts below children equal a brute-force filter."""
    for goal in crowded_tree:
        expected = below(crowded_tree, goal)
        assert paths(Goal.objects.descendant_of(goal)) == paths(expected), goal.path
        assert paths(Goal.objects.descendant_of(goal, inclusive=True)) == paths(
            below(crowded_tree, goal, inclusive=True)
        ), goal.path
        assert paths(Goal.objects.not_descendant_of(goal)) == paths(
            [g for g in crowded_tree if g not in expected]
        ), goal.path
        children = [g for g in expected if g.depth == goal.depth + 1]
        assert paths(Goal.objects.child_of(goal)) == paths(children), goal.path
        assert Goal.objects.count_below_children_of([goal]) == {
            child.path: len(below(crowded_tree, child)) for child in children if below(crowded_tree, child)
        }, goal.path


def test_children_of_several_parents_across_branches(crowded_tree):
    """children_of_any of goals in different branches and at different depths finds exactly their children."""
    by_title = {goal.title: goal for goal in crowded_tree}
    parents = [by_title["Vision B"], by_title["Område 1"], by_title["Område 10"], by_title["Område 2"]]
    expected = [g for parent in parents for g in below(crowded_tree, parent) if g.depth == parent.depth + 1]
    assert paths(Goal.objects.children_of_any(parents)) == paths(expected)
    assert Goal.objects.children_of_any([]).count() == 0


def test_ancestors_of_each_reads_every_chain_in_one_query(crowded_tree, django_assert_num_queries):
    """Each goal's chain is the goals whose paths it starts with, from the vision down."""
    with django_assert_num_queries(1):
        chains = Goal.objects.ancestors_of_each(crowded_tree)
    for goal in crowded_tree:
        expected = [g for g in crowded_tree if goal.path.startswith(g.path) and g.depth < goal.depth]
        assert [g.path for g in chains[goal.path]] == paths(expected), goal.path
        assert [g.path for g in chains[goal.path]] == list(
            Goal.objects.ancestor_of(goal).values_list("path", flat=True)
        )


def test_ancestors_of_each_among_goals_already_read_costs_no_query(crowded_tree, django_assert_num_queries):
    """Given the goals a caller already holds, the chains are built from them: those missing are left out."""
    deepest = max(crowded_tree, key=lambda goal: goal.depth)
    held = [g for g in crowded_tree if g.depth != 2]
    with django_assert_num_queries(0):
        chains = Goal.objects.ancestors_of_each([deepest], among=held)
    assert [g.depth for g in chains[deepest.path]] == [1, 3]
