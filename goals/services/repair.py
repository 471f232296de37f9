"""Repairing the goal tree from its paths: what check_tree --fix does."""

from collections import Counter

from django.db.models import Case, Value, When
from django.utils.translation import gettext as _

from goals.cache import bump_for
from goals.models import Goal
from goals.paths import depth_of, parent_path
from goals.tree_check import Problem
from vision.actors import NotAllowed, is_administrator, write_service


@write_service
def tree_repair(*, by, problems: list[Problem]) -> int:
    """Repair what can be derived from the paths (depth and numchild); returns how many goals changed."""
    if not is_administrator(by):
        raise NotAllowed(_("Only an administrator can repair the goal tree."))
    fixable = [p for p in problems if p.fixable]
    if not fixable:
        return 0
    depth_ids = {p.goal_id for p in fixable if p.kind == "wrong_depth"}
    numchild_paths = {p.path for p in fixable if p.kind == "wrong_numchild"}
    for goal in Goal.objects.filter(pk__in=depth_ids).only("id", "path"):
        Goal.objects.filter(pk=goal.pk).update(depth=depth_of(goal.path))
    if numchild_paths:
        counts = Counter(
            parent_path(path)
            for path in Goal.objects.order_by().values_list("path", flat=True)
            if parent_path(path) in numchild_paths
        )
        paths = sorted(numchild_paths)
        for start in range(0, len(paths), 500):
            chunk = paths[start : start + 500]
            Goal.objects.filter(path__in=chunk).update(
                numchild=Case(
                    *(When(path=path, then=Value(counts[path])) for path in chunk), default=Value(0)
                )
            )
    # Counts show as expand toggles on cached tree pages of every period.
    bump_for({(None, None)})
    return len({p.goal_id for p in fixable})
