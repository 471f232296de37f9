"""check_tree finds each kind of corruption it claims to find, and --fix repairs what it can."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from goals.models import Goal
from goals.tree_check import find_problems


def kinds() -> set[str]:
    return {problem.kind for problem in find_problems()}


def test_clean_tree_has_no_problems(small_tree):
    assert find_problems() == []
    call_command("check_tree")


def test_finds_duplicate_paths_in_the_database(small_tree, postgres):
    """With the unique constraint gone (a restored dump, say), duplicates are reported."""
    # DDL is transactional on PostgreSQL: the test's rollback restores the constraint.
    # SQLite keeps the constraint inside the table definition, where it cannot be dropped.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE goals_goal DROP CONSTRAINT goal_path_unique")
    Goal.objects.filter(pk=small_tree["second"].pk).update(path=small_tree["first"].path)
    assert "duplicate_path" in kinds()


def test_finds_duplicate_paths_in_rows():
    rows = [
        (1, "0001", 1, 1, "vision", "active"),
        (2, "00010001", 2, 0, "area", "active"),
        (3, "00010001", 2, 0, "area", "active"),
    ]
    problems = find_problems(rows)
    assert {p.goal_id for p in problems if p.kind == "duplicate_path"} == {2, 3}


def test_finds_wrong_depth_and_fixes_it(small_tree):
    Goal.objects.filter(pk=small_tree["first"].pk).update(depth=7)
    assert kinds() == {"wrong_depth"}
    call_command("check_tree", "--fix")
    assert Goal.objects.get(pk=small_tree["first"].pk).depth == 4


def test_finds_wrong_numchild_and_fixes_it(small_tree):
    Goal.objects.filter(pk=small_tree["council"].pk).update(numchild=5)
    Goal.objects.filter(pk=small_tree["first"].pk).update(numchild=1)
    assert kinds() == {"wrong_numchild"}
    call_command("check_tree", "--fix")
    assert Goal.objects.get(pk=small_tree["council"].pk).numchild == 2
    assert Goal.objects.get(pk=small_tree["first"].pk).numchild == 0


def test_finds_orphans(small_tree):
    # Re-root the council goal's branch under a path that does not exist.
    Goal.objects.filter(pk=small_tree["council"].pk).update(path="000100090001")
    assert "orphan" in kinds()


def test_finds_bad_paths_level_breaks_and_active_under_retired(small_tree):
    Goal.objects.filter(pk=small_tree["first"].pk).update(path=small_tree["first"].path[:-1] + "a")
    Goal.objects.filter(pk=small_tree["council"].pk).update(level="activity")
    Goal.objects.filter(pk=small_tree["area"].pk).update(status="retired")
    assert {"bad_path", "level_not_under_parent", "active_under_retired"} <= kinds()


def test_command_exits_with_status_1_on_problems(small_tree):
    Goal.objects.filter(pk=small_tree["first"].pk).update(path="00010001000100019")
    with pytest.raises(CommandError) as error:
        call_command("check_tree")
    assert error.value.returncode == 1


def test_fix_leaves_unfixable_problems_reported(small_tree):
    Goal.objects.filter(pk=small_tree["council"].pk).update(path="000100090001")
    with pytest.raises(CommandError):
        call_command("check_tree", "--fix")
    assert "orphan" in kinds()
