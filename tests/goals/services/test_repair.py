import pytest

from goals import cache as goal_cache
from goals.models import Goal
from goals.services.repair import tree_repair
from goals.tree_check import find_problems
from vision.actors import NotAllowed, system_actor


def test_a_repair_is_refused_to_anyone_but_an_administrator(small_tree, editor):
    Goal.objects.filter(pk=small_tree["council"].pk).update(numchild=5)
    problems = find_problems()
    with pytest.raises(NotAllowed):
        tree_repair(problems=problems, by=editor)
    assert Goal.objects.get(pk=small_tree["council"].pk).numchild == 5


def test_a_repair_starts_the_cached_pages_afresh(small_tree, period):
    Goal.objects.filter(pk=small_tree["council"].pk).update(numchild=5)
    before = goal_cache.period_version(period.pk)
    assert tree_repair(problems=find_problems(), by=system_actor()) == 1
    assert goal_cache.period_version(period.pk) != before
    assert find_problems() == []


def test_a_repair_with_nothing_to_fix_writes_nothing(small_tree, period):
    before = goal_cache.period_version(period.pk)
    assert tree_repair(problems=[], by=system_actor()) == 0
    assert goal_cache.period_version(period.pk) == before
